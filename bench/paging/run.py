#!/usr/bin/python3
"""bench/paging/run.py: nested paging (NPT) vs shadow paging with the address-space cache
(cache="on") vs shadow paging as a virtual TLB (cache="off"), each VM booted by host-kitten
under QEMU TCG (-cpu EPYC,+svm), BENCH_RUNS times (default 2; the modes alternate within a
run). Workloads:

  gups      tests/guests/gups.c: random read-modify-write updates over a 256 MiB array
            mapped with 4 KiB pages, one address space (TLB-miss heavy);
  gups-cr3  the same guest built for 4 address spaces over a 64 MiB array, CR3 switched
            round-robin every 4096 updates;
  linux     Debian's kernel with bench/paging/init.sh: boot, then fork/exec, anonymous
            mmap/fault/munmap and tmpfs loops, each timed by the guest (/proc/uptime) and
            by this script (arrival of the serial lines).

Writes build/bench/paging/results.md (and prints it); each run's log, every line
prefixed with its arrival time, goes to build/bench/paging/runs/. Exit status 1 if a run
failed, a VM stopped other than as its guest asked, the VMM printed an error, or a
checksum differs between modes. Standard library only.
"""

import hashlib
import os
import platform
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "build"
OUT = BUILD / "bench" / "paging"
RUNS_DIR = OUT / "runs"
GUESTS = BUILD / "guests"
HK_BUILT = BUILD / "host-kitten.bin"
HK = OUT / "host-kitten.bin"  # copied at the start: every run boots the same host kernel
RESULTS = OUT / "results.md"
QEMU = "qemu-system-x86_64"
TIMEOUT = 600.0
VM_MB = 512

MODES = ["nested", "shadow", "vtlb"]
MODE_LABEL = {"nested": "nested (NPT)", "shadow": "shadow, cache on", "vtlb": "shadow, cache off (vTLB)"}
SUFFIX = {"nested": "", "shadow": "-shadow", "vtlb": "-vtlb"}
WORKLOADS = ["gups", "gups-cr3", "linux"]


def image(workload, mode):
    if workload == "linux":
        return OUT / f"linux{SUFFIX[mode]}.img"
    return GUESTS / f"{workload}{SUFFIX[mode]}.img"


EVENTS = {
    "hk": re.compile(r"^host-kitten: "),
    "started": re.compile(r"^v3: vm \S+: started"),
    "stopped": re.compile(r"^v3: vm \S+: stopped: "),
    "g_start": re.compile(r"gups: start$"),
    "g_done": re.compile(r"gups: done: "),
    "kernel": re.compile(r"\] Linux version "),
    "user": re.compile(r"bench: init started"),
}
PHASES = ["fork", "anon", "tmpfs"]
for _p in PHASES:
    EVENTS[f"{_p}_start"] = re.compile(rf"bench: {_p} start ")
    EVENTS[f"{_p}_done"] = re.compile(rf"bench: {_p} done ")
UPTIME_RE = re.compile(r"bench: (\w+) (start|done) ([0-9.]+)$")
GUPS_RE = re.compile(r"gups: done: checksum (0x[0-9a-f]+), (\d+) TSC cycles, (\d+) CR3 switches")
MD5_RE = re.compile(r"bench: tmpfs md5 ([0-9a-f]{32})")
EXITS_RE = re.compile(r"^v3: vm \S+: vcpu \d+ on cpu \d+: (\d+) exits:(.*)$")
SHADOW_RE = re.compile(
    r"^v3: vm \S+: shadow paging: (\d+) fills, (\d+) guest #PF, (\d+) non-RAM, (\d+) WP=0 writes, "
    r"(\d+) page-table writes, (\d+) unshadowed, (\d+) CR3 switches \((\d+) hits, (\d+) misses, "
    r"(\d+) evictions\), (\d+) flushes, (\d+) invlpg, (\d+) pool-exhausted, (\d+) tables allocated")
SHADOW_KEYS = ["fills", "guest #PF", "non-RAM", "WP=0 writes", "PT writes", "unshadowed",
               "CR3 switches", "hits", "misses", "evictions", "flushes", "invlpg",
               "pool exhausted", "tables allocated"]
HOST_ERROR_RE = re.compile(r"^v3: (error|warning): ")
STOP_RE = re.compile(r"^v3: vm \S+: stopped: (.*)$")
HK_EXIT_RE = re.compile(r"^hk: exit status (\d+)")
TSC_RE = re.compile(r"^hk: TSC ([0-9.]+) MHz")


def v3_cmd(img):
    # As tools/v3-run starts host-kitten, with 1 GiB more host RAM than the VM has.
    return [QEMU, "-machine", "q35", "-accel", "tcg", "-cpu", "EPYC,+svm", "-smp", "1",
            "-m", f"{VM_MB + 1024}M", "-display", "none", "-monitor", "none",
            "-serial", "stdio", "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-kernel", str(HK), "-initrd", str(img).replace(",", ",,")]


def run_one(name, cmd):
    log = RUNS_DIR / f"{name}.log"
    load = os.getloadavg()[0]
    lines, found = [], {}
    with open(RUNS_DIR / f"{name}.stderr", "wb") as errf:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=errf, start_new_session=True)
        fd, partial, timed_out = proc.stdout.fileno(), b"", False
        while True:
            left = TIMEOUT - (time.monotonic() - t0)
            if left <= 0:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                break
            r, _, _ = select.select([fd], [], [], min(left, 1.0))
            if not r:
                continue
            data = os.read(fd, 65536)
            now = time.monotonic() - t0
            if not data:
                break
            chunk = (partial + data).split(b"\n")
            partial = chunk.pop()
            for raw in chunk:
                line = raw.decode("utf-8", "replace").rstrip("\r")
                lines.append((now, line))
                for key, rx in EVENTS.items():
                    if key not in found and rx.search(line):
                        found[key] = now
        proc.wait()
        found["exit"] = time.monotonic() - t0
        if partial:
            lines.append((found["exit"], partial.decode("utf-8", "replace").rstrip("\r")))
    with open(log, "w") as f:
        f.write(" ".join(cmd) + "\n")
        for t, line in lines:
            f.write(f"[{t:9.3f}] {line}\n")
    res = {"name": name, "t": found, "rc": proc.returncode, "timed_out": timed_out, "load": load,
           "log": log, "exits": None, "shadow": None, "stop": None, "hk_exit": None,
           "errors": [], "uptime": {}, "gups": None, "md5": None, "tsc_mhz": None}
    for _, line in lines:
        if HOST_ERROR_RE.search(line):
            res["errors"].append(line)
        m = EXITS_RE.search(line)
        if m and res["exits"] is None:
            kinds = dict(kv.split("=") for kv in m.group(2).split())
            res["exits"] = (int(m.group(1)), {k: int(v) for k, v in kinds.items()})
        m = SHADOW_RE.search(line)
        if m:
            res["shadow"] = dict(zip(SHADOW_KEYS, (int(g) for g in m.groups())))
        m = STOP_RE.search(line)
        if m:
            res["stop"] = m.group(1)
        m = HK_EXIT_RE.search(line)
        if m:
            res["hk_exit"] = int(m.group(1))
        m = TSC_RE.search(line)
        if m and res["tsc_mhz"] is None:
            res["tsc_mhz"] = float(m.group(1))
        m = UPTIME_RE.search(line)
        if m:
            res["uptime"][f"{m.group(1)}_{m.group(2)}"] = float(m.group(3))
        m = GUPS_RE.search(line)
        if m:
            res["gups"] = (m.group(1), int(m.group(2)), int(m.group(3)))
        m = MD5_RE.search(line)
        if m:
            res["md5"] = m.group(1)
    return res


def interval(res, a, b):
    t = res["t"]
    if b not in t or (a is not None and a not in t):
        return None
    return t[b] - (t[a] if a is not None else 0.0)


def guest_interval(res, phase):
    u = res["uptime"]
    a, b = u.get(f"{phase}_start"), u.get(f"{phase}_done")
    return b - a if a is not None and b is not None else None


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def fmt(vals, digits=2):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "-"
    m = statistics.median(vals)
    if len(vals) == 1:
        return f"{m:.{digits}f}"
    return f"{m:.{digits}f} ({min(vals):.{digits}f}-{max(vals):.{digits}f})"


def fmt_int(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "-"
    m = int(statistics.median(vals))
    if min(vals) == max(vals):
        return str(m)
    return f"{m} ({min(vals)}-{max(vals)})"


def ratio(v, n):
    return f"{v / n:.2f}" if v is not None and n else "-"


def machine_facts():
    qemu = subprocess.run([QEMU, "--version"], capture_output=True, text=True).stdout.split()
    qver = qemu[3] if len(qemu) > 3 else "?"
    kname = "?"
    kernel = OUT / "bzImage"
    for p in sorted(Path("/boot").glob("vmlinuz-*-amd64")):
        if kernel.is_file() and p.read_bytes() == kernel.read_bytes():
            kname = p.name[len("vmlinuz-"):]
    return (f"{os.cpu_count()} cpus, {platform.machine()}, host Linux {platform.release()}, "
            f"QEMU {qver}, guest kernel {kname}")


def main():
    runs = int(os.environ.get("BENCH_RUNS", "2"))
    workloads = os.environ.get("BENCH_WORKLOADS", ",".join(WORKLOADS)).split(",")
    missing = [p for p in [HK_BUILT] + [image(w, m) for w in workloads for m in MODES]
               if not p.is_file()]
    if missing:
        print(f"run.py: missing {', '.join(map(str, missing))}: make bench-paging builds them",
              file=sys.stderr)
        return 1
    RUNS_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HK_BUILT, HK)
    hk_id = (f"build/host-kitten.bin of "
             f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(HK_BUILT.stat().st_mtime))} UTC, "
             f"sha256 {hashlib.sha256(HK.read_bytes()).hexdigest()[:16]}")
    t_start = time.monotonic()
    R = {(w, m): [] for w in workloads for m in MODES}
    for i in range(1, runs + 1):
        for w in workloads:
            for m in MODES:
                r = run_one(f"{w}-{m}-{i}", v3_cmd(image(w, m)))
                R[(w, m)].append(r)
                extra = ""
                if r["gups"]:
                    extra = f", checksum {r['gups'][0]}, {r['gups'][1]} TSC cycles"
                print(f"bench-paging: {r['name']}: {r['t']['exit']:.2f} s, rc {r['rc']}, "
                      f"stop: {r['stop']}{extra}" + (" TIMEOUT" if r["timed_out"] else ""),
                      file=sys.stderr, flush=True)
    total_wall = time.monotonic() - t_start

    problems = []
    for (w, m), rs in R.items():
        for r in rs:
            if r["timed_out"]:
                problems.append(f"{r['name']}: timed out")
            if r["hk_exit"] != 0:
                problems.append(f"{r['name']}: hk exit status {r['hk_exit']}")
            want = "guest power-off" if w == "linux" else "guest exit (status 0)"
            if not (r["stop"] or "").startswith(want):
                problems.append(f"{r['name']}: stop: {r['stop']}")
            for e in r["errors"]:
                problems.append(f"{r['name']}: {e}")
    for w in workloads:
        if w == "linux":
            sums = {r["md5"] for m in MODES for r in R[(w, m)]}
        else:
            sums = {r["gups"][0] if r["gups"] else None for m in MODES for r in R[(w, m)]}
        if len(sums) != 1 or None in sums:
            problems.append(f"{w}: checksums differ or are missing between runs/modes: {sorted(map(str, sums))}")

    text = [f"""# bench/paging results

Generated by `make bench-paging` (bench/paging/run.py), {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, {runs} run(s) of each configuration ({total_wall:.0f} s in all).
Machine: {machine_facts()}.
Host kernel: {hk_id}.
Every VM: {VM_MB} MiB, 1 vCPU, host-kitten on `{' '.join(v3_cmd('IMAGE')[:13])} ...` (host RAM = VM + 1 GiB).
Times: wall-clock seconds taken by run.py as the serial lines arrive, median (min-max); guest
times are the guest's own clocks (TSC cycles for gups, /proc/uptime for Linux), which under
QEMU TCG are emulated time. Ratios are median / median of nested.
"""]

    # GUPS
    gw = [w for w in workloads if w != "linux"]
    if gw:
        text.append("## GUPS guests\n")
        text.append("| workload | mode | update loop, wall (s) | vs nested | guest TSC (10^6 cycles) | vs nested "
                    "| VM started -> stopped (s) | QEMU start -> exit (s) | exits | checksum |")
        text.append("|---|---|---|---|---|---|---|---|---|---|")
        for w in gw:
            nloop = med([interval(r, "g_start", "g_done") for r in R[(w, "nested")]])
            ntsc = med([r["gups"][1] if r["gups"] else None for r in R[(w, "nested")]])
            for m in MODES:
                rs = R[(w, m)]
                loop = [interval(r, "g_start", "g_done") for r in rs]
                tsc = [r["gups"][1] / 1e6 if r["gups"] else None for r in rs]
                sums = sorted({r["gups"][0] if r["gups"] else "NONE" for r in rs})
                text.append(
                    f"| {w} | {MODE_LABEL[m]} | {fmt(loop)} | {ratio(med(loop), nloop)} | {fmt(tsc, 0)} | "
                    f"{ratio(med(tsc) * 1e6 if med(tsc) else None, ntsc)} | "
                    f"{fmt([interval(r, 'started', 'stopped') for r in rs])} | "
                    f"{fmt([r['t']['exit'] for r in rs])} | "
                    f"{fmt_int([r['exits'][0] if r['exits'] else None for r in rs])} | "
                    f"{', '.join(sums)} |")
        text.append("")

    # Linux
    if "linux" in workloads:
        text.append("## Linux\n")
        text.append("Host: wall-clock seconds between the serial lines. Guest: /proc/uptime deltas "
                    "printed by init.sh.\n")
        rows = [("boot: VM started -> first user-space line (host)", "started", "user", None),
                ("boot: first kernel line -> first user-space line (host)", "kernel", "user", None),
                ("fork/exec 500 x /bin/true (host)", "fork_start", "fork_done", None),
                ("fork/exec 500 x /bin/true (guest)", None, None, "fork"),
                ("anon mmap/fault/munmap 40 x 8 MiB (host)", "anon_start", "anon_done", None),
                ("anon mmap/fault/munmap 40 x 8 MiB (guest)", None, None, "anon"),
                ("tmpfs 2 x 64 MiB dd + md5sum + rm (host)", "tmpfs_start", "tmpfs_done", None),
                ("tmpfs 2 x 64 MiB dd + md5sum + rm (guest)", None, None, "tmpfs"),
                ("VM started -> power-off (host)", "started", "stopped", None),
                ("QEMU start -> QEMU exit (host)", None, "exit", None)]
        hdr = " | ".join(f"{MODE_LABEL[m]} | vs nested" if m != "nested" else MODE_LABEL[m] for m in MODES)
        text.append(f"| interval (s) | {hdr} |")
        text.append("|---|" + "---|" * (2 * len(MODES) - 1))
        for label, a, b, phase in rows:
            cells = []
            nmed = None
            for m in MODES:
                rs = R[("linux", m)]
                vals = [guest_interval(r, phase) if phase else interval(r, a, b) for r in rs]
                if m == "nested":
                    nmed = med(vals)
                    cells.append(fmt(vals))
                else:
                    cells.append(f"{fmt(vals)} | {ratio(med(vals), nmed)}")
            text.append(f"| {label} | {' | '.join(cells)} |")
        sums = sorted({str(r["md5"]) for m in MODES for r in R[("linux", m)]})
        text.append(f"\ntmpfs md5 (all runs): {', '.join(sums)}\n")

    # Exits by kind
    text.append("## Exits by kind (VMM statistics of the whole VM, median (min-max) over the runs)\n")
    kinds = []
    for rs in R.values():
        for r in rs:
            if r["exits"]:
                for k in r["exits"][1]:
                    if k not in kinds:
                        kinds.append(k)
    text.append(f"| workload | mode | exits | {' | '.join(kinds)} |")
    text.append("|---|---|---|" + "---|" * len(kinds))
    for (w, m), rs in R.items():
        ex = [r["exits"] for r in rs if r["exits"]]
        cells = [fmt_int([e[1].get(k, 0) for e in ex]) for k in kinds]
        text.append(f"| {w} | {MODE_LABEL[m]} | {fmt_int([e[0] for e in ex])} | {' | '.join(cells)} |")
    text.append("")

    # Shadow statistics
    text.append("## Shadow paging statistics (VMM, at VM stop; median (min-max))\n")
    keys = [k for k in SHADOW_KEYS]
    text.append(f"| workload | mode | {' | '.join(keys)} |")
    text.append("|---|---|" + "---|" * len(keys))
    for (w, m), rs in R.items():
        if m == "nested":
            continue
        sh = [r["shadow"] for r in rs if r["shadow"]]
        cells = [fmt_int([s[k] for s in sh]) for k in keys]
        text.append(f"| {w} | {MODE_LABEL[m]} | {' | '.join(cells)} |")
    text.append("")

    # Runs
    text.append("## Runs (load = 1-minute load average before the run)\n")
    text.append("| run | load | QEMU exit (s) | QEMU status | hk exit | VM stop | VMM error/warning lines |")
    text.append("|---|---|---|---|---|---|---|")
    for rs in R.values():
        for r in rs:
            text.append(f"| {r['name']} | {r['load']:.2f} | {r['t']['exit']:.2f} | {r['rc']}"
                        f"{' timeout' if r['timed_out'] else ''} | {r['hk_exit']} | {r['stop']} | "
                        f"{len(r['errors'])} |")
    text.append("")
    text.append("Problems: " + ("none" if not problems else "\n- " + "\n- ".join(problems)))
    text = "\n".join(text) + "\n"
    RESULTS.write_text(text)
    print(text)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
