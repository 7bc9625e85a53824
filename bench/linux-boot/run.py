#!/usr/bin/python3
"""bench/linux-boot/run.py: boots Debian's kernel with the benchmark's busybox
initramfs (init.sh: a first line, dd 64 MiB of /dev/urandom into tmpfs and
md5sum it, poweroff -f) natively under QEMU TCG and as a v3 VM under
host-kitten (QEMU TCG, -cpu EPYC,+svm, nested paging), BENCH_RUNS times each
(default 3, alternating), and writes the table to
build/bench/linux-boot/results.md.  Not a test: the times depend on the
machine and its load.

Every time is wall-clock, taken here with time.monotonic() as the serial
lines arrive through a pipe from QEMU (-serial stdio), from just before QEMU
is started; no guest clock is read.  The logs, each line prefixed with its
arrival time, are kept in build/bench/linux-boot/runs/.  Standard library only.
"""

import hashlib
import os
import shutil
import platform
import re
import select
import signal
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "build"
OUT = BUILD / "bench" / "linux-boot"
RUNS_DIR = OUT / "runs"
XML = OUT / "linux-bench.xml"
IMG = OUT / "linux-bench.img"
KERNEL = OUT / "bzImage"
INITRD = OUT / "initrd.gz"
HK_BUILT = BUILD / "host-kitten.bin"
# A copy taken at the start: every v3 run boots the same host kernel even if a
# concurrent build replaces build/host-kitten.bin meanwhile.
HK = OUT / "host-kitten.bin"
RESULTS = OUT / "results.md"
QEMU = "qemu-system-x86_64"
TIMEOUT = 600.0

# Events: the first serial line matching each pattern, time from QEMU start.
COMMON_EVENTS = {
    "kernel": re.compile(r"\] Linux version "),
    "user": re.compile(r"bench: init started"),
    "cksum_start": re.compile(r"bench: checksum start"),
    "cksum_done": re.compile(r"bench: checksum done"),
    "poweroff_req": re.compile(r"bench: powering off"),
}
V3_EVENTS = {
    "hk": re.compile(r"^host-kitten: "),
    "created": re.compile(r"^v3: vm \S+: created"),
    "started": re.compile(r"^v3: vm \S+: started"),
    "stopped": re.compile(r"^v3: vm \S+: stopped: "),
    "hk_exit": re.compile(r"^hk: exit status \d+"),
}
STATS_RE = re.compile(r"^v3: vm \S+: vcpu \d+ on cpu \d+: (\d+) exits:(.*)$")
EXTRA_STATS_RE = re.compile(r"^v3: vm \S+: (\d+) (instructions emulated|MMIO instructions emulated|accesses to unhooked I/O ports)")
HOST_ERROR_RE = re.compile(r"^v3: (error|warning): ")
STOP_RE = re.compile(r"^v3: vm \S+: stopped: (.*)$")
MD5_RE = re.compile(r"bench: checksum done: ([0-9a-f]{32}) (\d+) bytes")


def vm_config():
    root = ET.parse(XML).getroot()
    return int(root.find("memory").text), root.find("boot").get("cmdline")


def native_cmd(mem_mb, cmdline):
    return [QEMU, "-accel", "tcg", "-cpu", "EPYC", "-m", f"{mem_mb}M",
            "-kernel", str(KERNEL), "-initrd", str(INITRD), "-append", cmdline,
            "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot"]


def v3_cmd(mem_mb):
    # As tools/v3-run and the system tests start host-kitten (tests/system/emulators.py),
    # with 1 GiB more host RAM than the VM has.
    return [QEMU, "-machine", "q35", "-accel", "tcg", "-cpu", "EPYC,+svm", "-smp", "1",
            "-m", f"{mem_mb + 1024}M", "-display", "none", "-monitor", "none",
            "-serial", "stdio", "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-kernel", str(HK), "-initrd", str(IMG).replace(",", ",,")]


def run_one(name, cmd, events):
    """Runs cmd, timestamps each serial line; returns a dict of results."""
    log = RUNS_DIR / f"{name}.log"
    err = RUNS_DIR / f"{name}.stderr"
    load = os.getloadavg()[0]
    lines = []
    found = {}
    with open(err, "wb") as errf:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=errf, start_new_session=True)
        fd = proc.stdout.fileno()
        partial = b""
        timed_out = False
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
                for key, rx in events.items():
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
    res = {"name": name, "t": found, "rc": proc.returncode, "timed_out": timed_out,
           "load": load, "log": log, "stats": None, "extra": {}, "stop": None, "md5": None,
           "host_errors": 0}
    for _, line in lines:
        if HOST_ERROR_RE.search(line):
            res["host_errors"] += 1
        m = STATS_RE.search(line)
        if m and res["stats"] is None:
            kinds = dict(kv.split("=") for kv in m.group(2).split())
            res["stats"] = (int(m.group(1)), {k: int(v) for k, v in kinds.items()})
        m = EXTRA_STATS_RE.search(line)
        if m:
            res["extra"][m.group(2)] = int(m.group(1))
        m = STOP_RE.search(line)
        if m:
            res["stop"] = m.group(1)
        m = MD5_RE.search(line)
        if m:
            res["md5"] = (m.group(1), int(m.group(2)))
    return res


def interval(res, a, b):
    t = res["t"]
    if b not in t or (a is not None and a not in t):
        return None
    return t[b] - (t[a] if a is not None else 0.0)


def fmt(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "-"
    med = statistics.median(vals)
    if len(vals) == 1:
        return f"{med:.2f}"
    return f"{med:.2f} ({min(vals):.2f}-{max(vals):.2f})"


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def ratio(v, n):
    return f"{v / n:.2f}" if v is not None and n else "-"


def machine_facts():
    qemu = subprocess.run([QEMU, "--version"], capture_output=True, text=True).stdout.split()
    qver = qemu[3] if len(qemu) > 3 else "?"
    kver = KERNEL.resolve()
    kname = "?"
    for p in sorted(Path("/boot").glob("vmlinuz-*-amd64")):
        if p.read_bytes() == KERNEL.read_bytes():
            kname = p.name[len("vmlinuz-"):]
    return (f"{os.cpu_count()} cpus, {platform.machine()}, host Linux {platform.release()}, "
            f"QEMU {qver}, guest kernel {kname} ({kver.stat().st_size // 1024} KiB bzImage), "
            f"initramfs {INITRD.stat().st_size // 1024} KiB")


def main():
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    configs = os.environ.get("BENCH_CONFIGS", "native,v3").split(",")
    for f in (XML, IMG, KERNEL, INITRD, HK_BUILT):
        if not f.is_file():
            print(f"run.py: {f} missing: make bench-linux-boot builds it", file=sys.stderr)
            return 1
    RUNS_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HK_BUILT, HK)
    hk_id = (f"build/host-kitten.bin of {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(HK_BUILT.stat().st_mtime))} UTC, "
             f"sha256 {hashlib.sha256(HK.read_bytes()).hexdigest()[:16]}")
    mem, cmdline = vm_config()
    native_events = dict(COMMON_EVENTS)
    v3_events = dict(COMMON_EVENTS, **V3_EVENTS)
    results = {"native": [], "v3": []}
    for i in range(1, runs + 1):
        for c in configs:
            if c == "native":
                r = run_one(f"native-{i}", native_cmd(mem, cmdline), native_events)
            else:
                r = run_one(f"v3-{i}", v3_cmd(mem), v3_events)
            results[c].append(r)
            t = r["t"]
            print(f"bench-linux-boot: {r['name']}: first user line {t.get('user', -1):.2f} s, "
                  f"QEMU exit {t['exit']:.2f} s, rc {r['rc']}"
                  + (" TIMEOUT" if r["timed_out"] else "")
                  + (f", md5 {r['md5'][0]}" if r["md5"] else ", NO CHECKSUM LINE"),
                  file=sys.stderr, flush=True)

    N, V = results["native"], results["v3"]

    def row(label, na, nb, va, vb, note=""):
        nv = [interval(r, na, nb) for r in N] if na != "-" else []
        vv = [interval(r, va, vb) for r in V] if va != "-" else []
        rt = ratio(med(vv), med(nv)) if nv and vv else "-"
        return f"| {label} | {fmt(nv) if nv else '-'} | {fmt(vv) if vv else '-'} | {rt} |{note}"

    # The native power-off is QEMU's exit (ACPI S5 ends QEMU); v3's is the VMM's
    # "stopped: guest power-off" line.
    rows = [
        row("QEMU start -> first kernel line", None, "kernel", None, "kernel"),
        row("QEMU start -> first user-space line", None, "user", None, "user"),
        row("QEMU start -> power-off", None, "exit", None, "stopped"),
        row("QEMU start -> QEMU exit", None, "exit", None, "exit"),
        row("first kernel line -> first user-space line", "kernel", "user", "kernel", "user"),
        row("first kernel line -> power-off", "kernel", "exit", "kernel", "stopped"),
        row("checksum: dd 64 MiB + md5sum (line to line)", "cksum_start", "cksum_done",
            "cksum_start", "cksum_done"),
        row("v3: QEMU start -> host-kitten's first line", "-", None, None, "hk"),
        row("v3: QEMU start -> VM started", "-", None, None, "started"),
        row("v3: VM started -> first user-space line", "-", None, "started", "user"),
        row("v3: VM started -> power-off", "-", None, "started", "stopped"),
    ]

    exit_rows = []
    kinds = []
    for r in V:
        if r["stats"]:
            for k in r["stats"][1]:
                if k not in kinds:
                    kinds.append(k)
    for r in V:
        if not r["stats"]:
            exit_rows.append(f"| {r['name']} | (no statistics line: see {r['log']}) |")
            continue
        total, by = r["stats"]
        vm_s = interval(r, "started", "stopped")
        rate = f"{total / vm_s:.0f}" if vm_s else "-"
        cells = " | ".join(str(by.get(k, 0)) for k in kinds)
        extra = ", ".join(f"{v} {k}" for k, v in r["extra"].items())
        exit_rows.append(f"| {r['name']} | {total} | {rate} | {cells} | {extra} |")

    run_rows = []
    for r in N + V:
        t = r["t"]
        md5 = f"{r['md5'][0]} ({r['md5'][1]} bytes)" if r["md5"] else "NONE"
        stop = r["stop"] or ("-" if r in N else "NONE")
        run_rows.append(f"| {r['name']} | {r['load']:.2f} | {t.get('user', float('nan')):.2f} | "
                        f"{t['exit']:.2f} | {r['rc']}{' timeout' if r['timed_out'] else ''} | "
                        f"{md5} | {stop} | {r['host_errors'] if r in V else '-'} |")

    text = f"""# bench/linux-boot results

Generated by `make bench-linux-boot` (bench/linux-boot/run.py), {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, {runs} run(s) of each.
Machine: {machine_facts()}.
Host kernel: {hk_id}.
Guest: {mem} MiB RAM, 1 vCPU, command line `{cmdline}` (the same for both).
native: `{' '.join(native_cmd(mem, cmdline)).replace(str(REPO) + '/', '')}`
v3: `{' '.join(v3_cmd(mem)).replace(str(REPO) + '/', '')}`

Seconds of wall-clock time, median (min-max), taken by the host as the serial lines arrive.
Power-off is QEMU's exit for native (ACPI S5 ends QEMU) and the VMM's "stopped: guest
power-off" line for v3.

| interval (s) | native | v3 | v3/native |
|---|---|---|---|
""" + "\n".join(rows) + f"""

v3 exits by kind (VMM statistics at VM stop); exits/s over VM started -> stopped:

| run | exits | exits/s | {' | '.join(kinds)} | other |
|---|---|---|{'---|' * len(kinds)}---|
""" + "\n".join(exit_rows) + """

Runs (load = 1-minute load average before the run):

| run | load | first user line (s) | QEMU exit (s) | QEMU status | checksum | v3 stop | VMM error/warning lines |
|---|---|---|---|---|---|---|---|
""" + "\n".join(run_rows) + "\n"
    RESULTS.write_text(text)
    print(text)
    bad = [r for r in N + V if r["timed_out"] or not r["md5"]
           or (r in V and not (r["stop"] or "").startswith("guest power-off"))]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
