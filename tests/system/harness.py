#!/usr/bin/python3
r"""System-test harness for v3: boots build/host-kitten.bin under QEMU (AMD-V, TCG)
or Bochs (VT-x or AMD-V, via a GRUB rescue ISO) and judges the serial log.
Starting the emulators and watching the log is tests/system/emulators.py, which
tools/v3-run (running VM images by hand) shares.

Usage:
  tests/system/harness.py [--kernel build/host-kitten.bin]
                          [--results build/test-results.txt] [--jobs N]
                          [--workdir build/systest] [--filter SUBSTR] [--list]
                          CASE_FILE_OR_DIR...

A directory argument means every *.test file below it.  The layer of a case is
the name of the directory holding its file (cases/qemu-svm/x.test -> qemu-svm),
its name the file name without .test.  Each case runs in <workdir>/<layer>/<name>/:
  serial.log    COM1 output of the machine (what is judged)
  command.txt   the exact command line (re-runnable by hand from any directory)
  stdout.txt, stderr.txt   the emulator's own output
  bochsrc, bochs.rc, bochs.log, grub.cfg   (Bochs only)
  timing.txt    ISO build time, time to the exit line, total run time
Bochs ISOs are cached in <workdir>/iso-cache/ by a hash of the kernel bytes, the
modules and the command line.

Case file format (one "key: value" per line; '#' starts a comment line; blank
lines ignored; keys marked + may repeat):
  emu: qemu | bochs        default: from the layer name (qemu-* / bochs-*)
  cpu: EPYC,+svm           qemu: the -cpu value (default EPYC,+svm);
                           bochs: cpu model (default corei7_skylake_x; ryzen = AMD-V)
  smp: 2                   number of CPUs (default 1); bochs: "cpu: count=N"
  mem: 2G                  default 512M; accepts K/M/G suffix, bare number = MiB
  cmdline: hk.test=x       kernel command line (QEMU -append, verbatim / GRUB
                           multiboot args: bochs cases may not use ' " or \ and
                           runs of blanks become one space).  QEMU puts the
                           kernel's path in front ("/path/host-kitten.bin ARGS"),
                           GRUB does not: the kernel must accept both.
  timeout: 120             seconds (default 60 for qemu, 180 for bochs)
  status: 0                expected N of "hk: exit status N (...)" (default 0)
+ expect: literal          some line must contain this substring
+ expect-re: regex         re.search must match some line
+ expect-count: N literal  exactly N lines contain the substring
+ reject: literal          no line may contain the substring
  must-fail-with: text     harness self-check: the case PASSES only if judging the
                           run FAILS with a reason containing this text
  ips: 200000000           bochs only: instructions per emulated second (default
                           200000000).  Bochs wall time is roughly proportional to
                           ips while firmware busy-waits, and SMP makes that 5-6x
                           worse; a lower ips (e.g. 20000000) speeds up smp cases.
+ module: PATH [ARGS]      multiboot module (QEMU -initrd, GRUB "module"); PATH is
                           relative to the current directory
+ send-after: REGEX => TEXT
                           qemu only: type TEXT on the serial line once REGEX
                           matches the serial output (re.search, MULTILINE,
                           CRs removed; a partial last line counts, as a prompt
                           has no newline).  Steps run in file order, each
                           searching only the output after the previous step's
                           match.  TEXT takes the escapes \r (Enter) \n \t \\
                           and \xHH (\x03 is Ctrl-C); nothing is added to it.
                           The sends are logged to input.txt.  With send-after
                           the serial line is QEMU's stdio, so QEMU's stdout is
                           the serial log and stdout.txt stays empty.

Judging, first failure wins:
  1. timeout                          "timeout after Ns" (+ "waiting for
                                      send-after REGEX" if a send is pending)
  2. no "hk: exit status N" line      "no exit status line (crash, hang or triple fault?)"
  3. N != status                      "wrong exit status N (text), expected M"
  4. qemu only: exit code != (N<<1)|1 "qemu exit code C does not match ..."
  5. expect/expect-re/expect-count in file order, then reject lines.
The kernel's last line is "hk: exit status N (reason)"; it then writes N to port
0xf4 (QEMU isa-debug-exit) and "Shutdown" to port 0x8900 (Bochs).  If the exit
line appears but the emulator keeps running, it is killed after a grace period;
that is not a failure for Bochs (whose exit status is meaningless anyway), while
for QEMU the exit-code check then fails.

Only a missing emulator binary gives SKIP.  Everything else that prevents a run
(missing kernel, bad case file, grub-mkrescue failure) is a FAIL.
Exit status: 1 if any case failed, else 0.
"""

import argparse
import concurrent.futures
import re
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

from emulators import (BOCHS, EXIT_RE, GRACE_SECONDS, QEMU, EmuRun, SetupError,
                       bochs_command, build_iso, check_args, emulator_hint,
                       kill_group, parse_mem, qemu_command, read_lines,
                       write_command)
import emulators

REPO = Path(__file__).resolve().parents[2]

TAIL_LINES = 30

DEFAULTS = {
    "qemu": {"cpu": "EPYC,+svm", "timeout": 60},
    "bochs": {"cpu": "corei7_skylake_x", "timeout": 180},
}

SINGLE_KEYS = {"emu", "cpu", "smp", "mem", "cmdline", "timeout", "status",
               "must-fail-with", "ips"}
MULTI_KEYS = {"expect", "expect-re", "expect-count", "reject", "module",
              "send-after"}


class CaseError(Exception):
    pass


class Case:
    def __init__(self, path):
        self.path = Path(path)
        self.layer = self.path.parent.name
        self.name = self.path.stem
        self.id = f"{self.layer}/{self.name}"
        self.error = None
        self.emu = None
        self.cpu = None
        self.smp = 1
        self.mem_mb = 512
        self.cmdline = ""
        self.timeout = None
        self.status = 0
        self.must_fail_with = None
        self.ips = 200000000
        self.modules = []          # list of (path, args)
        self.checks = []           # ("expect"|"expect-re"|"expect-count", arg...)
        self.rejects = []
        self.sends = []            # (compiled regex, bytes to type)
        try:
            self._parse()
        except CaseError as e:
            self.error = str(e)
        except OSError as e:
            self.error = f"cannot read case file: {e}"

    def _parse(self):
        seen = set()
        for lineno, raw in enumerate(self.path.read_text().splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            key, sep, value = line.partition(":")
            key = key.strip().lower()
            value = value.strip()
            where = f"{self.path}:{lineno}"
            if not sep or (key not in SINGLE_KEYS and key not in MULTI_KEYS):
                raise CaseError(f"{where}: unknown line {raw!r}")
            if key in SINGLE_KEYS:
                if key in seen:
                    raise CaseError(f"{where}: duplicate key {key!r}")
                seen.add(key)
            try:
                self._set(key, value)
            except (ValueError, re.error) as e:
                raise CaseError(f"{where}: bad {key!r} value {value!r}: {e}")
        if self.emu is None:
            for emu in DEFAULTS:
                if self.layer.startswith(emu):
                    self.emu = emu
            if self.emu is None:
                raise CaseError(f"{self.path}: no 'emu:' line and layer "
                                f"{self.layer!r} does not start with qemu or bochs")
        if self.emu == "bochs" and self.sends:
            raise CaseError(f"{self.path}: send-after works with qemu only")
        if self.emu == "bochs":
            try:
                self.cmdline = check_args(self.cmdline)
                self.modules = [(p, check_args(a)) for p, a in self.modules]
            except ValueError as e:
                raise CaseError(f"{self.path}: bochs command line: {e}")
        if self.cpu is None:
            self.cpu = DEFAULTS[self.emu]["cpu"]
        if self.timeout is None:
            self.timeout = DEFAULTS[self.emu]["timeout"]

    def _set(self, key, value):
        if key == "emu":
            if value not in DEFAULTS:
                raise ValueError("must be qemu or bochs")
            self.emu = value
        elif key == "cpu":
            if not value:
                raise ValueError("empty")
            self.cpu = value
        elif key == "smp":
            self.smp = int(value)
            if self.smp < 1:
                raise ValueError("must be >= 1")
        elif key == "mem":
            self.mem_mb = parse_mem(value)
        elif key == "cmdline":
            self.cmdline = value
        elif key == "timeout":
            self.timeout = float(value)
            if self.timeout <= 0:
                raise ValueError("must be > 0")
        elif key == "status":
            self.status = int(value)
        elif key == "must-fail-with":
            if not value:
                raise ValueError("empty")
            self.must_fail_with = value
        elif key == "ips":
            self.ips = int(value)
        elif key == "module":
            parts = value.split(None, 1)
            if not parts:
                raise ValueError("empty")
            self.modules.append((parts[0], parts[1] if len(parts) > 1 else ""))
        elif key == "expect":
            if not value:
                raise ValueError("empty")
            self.checks.append(("expect", value))
        elif key == "expect-re":
            self.checks.append(("expect-re", re.compile(value)))
        elif key == "expect-count":
            n, _, text = value.partition(" ")
            n = int(n)
            if not text.strip():
                raise ValueError("want 'N literal text'")
            self.checks.append(("expect-count", n, text.strip()))
        elif key == "reject":
            if not value:
                raise ValueError("empty")
            self.rejects.append(value)
        elif key == "send-after":
            self.sends.append(parse_send(value))


SEND_ESCAPES = {"r": b"\r", "n": b"\n", "t": b"\t", "\\": b"\\"}


def parse_send(value):
    """"REGEX => TEXT" -> (compiled REGEX, TEXT as bytes with escapes decoded)."""
    pattern, sep, text = value.partition(" => ")
    if not sep or not pattern.strip():
        raise ValueError("want 'REGEX => TEXT'")
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out += c.encode()
            i += 1
        elif text[i + 1:i + 2] in SEND_ESCAPES:
            out += SEND_ESCAPES[text[i + 1]]
            i += 2
        elif re.fullmatch(r"x[0-9a-fA-F]{2}", text[i + 1:i + 4]):
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            raise ValueError(f"unknown escape at {text[i:i + 4]!r}")
    if not out:
        raise ValueError("nothing to send")
    return re.compile(pattern.strip(), re.MULTILINE), bytes(out)


def fmt_secs(s):
    return f"{s:.1f}s"


# ---------------------------------------------------------------- running

class Run(EmuRun):
    """What happened when the emulator ran."""
    def __init__(self):
        super().__init__()
        self.setup_error = None      # failure before the emulator started
        self.iso_seconds = None
        self.input = None            # the SerialInput of a case with send-after


_live = set()
_live_lock = threading.Lock()
_stopping = threading.Event()


def _started(proc):
    with _live_lock:
        _live.add(proc)


def _ended(proc):
    with _live_lock:
        _live.discard(proc)


def run_emulator(cmd, env, case, outdir, serial, run):
    emulators.run_emulator(cmd, env, outdir, serial, case.timeout, run,
                           on_start=_started, on_end=_ended,
                           serial_input=run.input)


def run_qemu(case, kernel, outdir, run):
    serial = outdir / "serial.log"
    if case.sends:
        run.input = emulators.SerialInput(case.sends, outdir / "input.txt")
    cmd = qemu_command(kernel, case.cpu, case.smp, case.mem_mb, case.cmdline,
                       case.modules, serial, serial_stdio=bool(case.sends))
    write_command(outdir, cmd)
    run_emulator(cmd, None, case, outdir, serial, run)


def run_bochs(case, kernel, workdir, outdir, run):
    serial = outdir / "serial.log"
    t0 = time.monotonic()
    iso = build_iso(kernel, case.cmdline, case.modules, workdir / "iso-cache", outdir)
    run.iso_seconds = time.monotonic() - t0
    cmd, env = bochs_command(iso, case.cpu, case.smp, case.mem_mb, case.ips, outdir,
                             serial)
    run_emulator(cmd, env, case, outdir, serial, run)


# ---------------------------------------------------------------- judging

def judge(case, outdir, run):
    """Returns None if the run passes, else the failure reason."""
    if run.setup_error:
        return run.setup_error
    if run.timed_out:
        pending = run.input.waiting_for if run.input else None
        return f"timeout after {case.timeout:g}s" + \
            (f" waiting for send-after \"{pending}\"" if pending else "")
    lines = read_lines(outdir / "serial.log")
    exits = [(i, m) for i, l in enumerate(lines) for m in [EXIT_RE.search(l)] if m]
    if not exits:
        reason = "no exit status line (crash, hang or triple fault?)"
        hint = emulator_hint(case.emu, outdir, run.returncode)
        return reason + (f"; {hint}" if hint else "")
    _, m = exits[-1]
    n = int(m.group(1))
    text = f" ({m.group(2)})" if m.group(2) is not None else ""
    if n != case.status:
        return f"wrong exit status {n}{text}, expected {case.status}"
    if case.emu == "qemu":
        want = (n << 1) | 1
        if run.returncode != want:
            how = (f" (killed {GRACE_SECONDS:g}s after the exit status line:"
                   " no write to port 0xf4?)" if run.killed_after_exit_line else "")
            return (f"qemu exit code {run.returncode}{how} does not match exit "
                    f"status {n}: expected {want}")
    missing = []
    for check in case.checks:
        kind = check[0]
        if kind == "expect":
            if not any(check[1] in l for l in lines):
                missing.append(f"missing expected line: \"{check[1]}\"")
        elif kind == "expect-re":
            if not any(check[1].search(l) for l in lines):
                missing.append(f"missing expected line matching regex: "
                               f"\"{check[1].pattern}\"")
        else:
            _, want, lit = check
            got = sum(1 for l in lines if lit in l)
            if got != want:
                missing.append(f"expected {want} lines containing \"{lit}\", "
                               f"found {got}")
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        return missing[0] + more
    for lit in case.rejects:
        for i, l in enumerate(lines):
            if lit in l:
                return f"rejected text \"{lit}\" on serial line {i + 1}: {l.strip()}"
    return None


# ---------------------------------------------------------------- driver

class Reporter:
    def __init__(self, results_path):
        self.lock = threading.Lock()
        self.results_path = results_path
        self.counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}

    def report(self, verdict, case, seconds, detail=None, tail=None):
        with self.lock:
            self.counts[verdict] += 1
            line = f"{verdict} {case.id} {fmt_secs(seconds)}"
            if verdict == "PASS":
                out = line + (f" ({detail})" if detail else "")
            else:
                out = f"{line}: {detail}"
            if tail:
                out += "\n" + "\n".join("    " + l for l in tail)
            print(out, flush=True)
            rec = f"{verdict} {case.id} {fmt_secs(seconds)}"
            if verdict == "SKIP":
                rec += f" ({detail})"
            with open(self.results_path, "a") as f:
                f.write(rec + "\n")


def run_case(case, kernel, workdir, reporter):
    if _stopping.is_set():
        return
    try:
        _run_case(case, kernel, workdir, reporter)
    except Exception as e:  # a harness bug must not hide the other cases
        reporter.report("FAIL", case, 0.0, f"harness error: {e!r}")


def _run_case(case, kernel, workdir, reporter):
    outdir = workdir / case.layer / case.name
    if case.error:
        reporter.report("FAIL", case, 0.0, f"case file error: {case.error}")
        return
    emu_bin = QEMU if case.emu == "qemu" else BOCHS
    if shutil.which(emu_bin) is None:
        reporter.report("SKIP", case, 0.0, f"{emu_bin} not found")
        return
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    run = Run()
    t0 = time.monotonic()
    try:
        if not kernel.is_file():
            raise CaseError(f"kernel not found: {kernel}")
        if case.emu == "qemu":
            for path, _ in case.modules:
                if not Path(path).is_file():
                    raise CaseError(f"module not found: {path}")
            run_qemu(case, kernel, outdir, run)
        else:
            run_bochs(case, kernel, workdir, outdir, run)
    except (CaseError, SetupError) as e:
        run.setup_error = str(e)
    except OSError as e:
        run.setup_error = f"cannot run {emu_bin}: {e}"
    total = time.monotonic() - t0
    with open(outdir / "timing.txt", "w") as f:
        if run.iso_seconds is not None:
            f.write(f"iso: {run.iso_seconds:.2f}s\n")
        if run.exit_line_time is not None:
            f.write(f"exit line after: {run.exit_line_time:.2f}s\n")
        f.write(f"emulator: {run.elapsed:.2f}s\ntotal: {total:.2f}s\n"
                f"emulator status: {run.returncode}\n")
    if _stopping.is_set():
        return              # killed by an interrupt: no verdict
    reason = judge(case, outdir, run)
    seconds = run.elapsed if run.elapsed else total
    tail = read_lines(outdir / "serial.log")[-TAIL_LINES:]
    if case.must_fail_with is not None:
        if reason is None:
            reporter.report("FAIL", case, seconds,
                            f"must-fail-with: the run was judged PASS, expected a "
                            f"failure containing \"{case.must_fail_with}\"", tail)
        elif case.must_fail_with in reason:
            reporter.report("PASS", case, seconds, f"judged FAIL as required: {reason}")
        else:
            reporter.report("FAIL", case, seconds,
                            f"must-fail-with: failure reason \"{reason}\" does not "
                            f"contain \"{case.must_fail_with}\"", tail)
        return
    if reason is None:
        reporter.report("PASS", case, seconds)
    else:
        if not tail:
            tail = ["(serial log empty)"]
        reporter.report("FAIL", case, seconds, reason, tail)


def collect(paths):
    files = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files += sorted(p.rglob("*.test"))
        else:
            files.append(p)
    return files


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="v3 system tests: boot host-kitten under QEMU/Bochs and "
                    "judge the serial log (case format: see the top of this file)")
    ap.add_argument("--kernel", default=str(REPO / "build" / "host-kitten.bin"))
    ap.add_argument("--results", default=str(REPO / "build" / "test-results.txt"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--workdir", default=str(REPO / "build" / "systest"))
    ap.add_argument("--filter", default=None,
                    help="run only cases whose layer/name contains SUBSTR")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("cases", nargs="+", metavar="CASE_FILE")
    args = ap.parse_args(argv)

    cases = [Case(f) for f in collect(args.cases)]
    if args.filter:
        cases = [c for c in cases if args.filter in c.id]
    if args.list:
        for c in cases:
            if c.error:
                print(f"{c.id} (error: {c.error})")
            else:
                print(f"{c.id} emu={c.emu} cpu={c.cpu} smp={c.smp}"
                      + (f" cmdline={c.cmdline!r}" if c.cmdline else ""))
        return 0
    ids = {}
    for c in cases:
        ids.setdefault(c.id, []).append(str(c.path))
    dups = {k: v for k, v in ids.items() if len(v) > 1}
    if dups:
        print(f"harness: duplicate case ids: {dups}", file=sys.stderr)
        return 2

    kernel = Path(args.kernel).resolve()
    workdir = Path(args.workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    results = Path(args.results)
    results.parent.mkdir(parents=True, exist_ok=True)
    reporter = Reporter(results)

    def interrupted(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGINT, interrupted)    # also when started in background
    signal.signal(signal.SIGTERM, interrupted)

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        futs = [ex.submit(run_case, c, kernel, workdir, reporter) for c in cases]
        try:
            for f in futs:
                f.result()
        except KeyboardInterrupt:
            _stopping.set()
            for f in futs:
                f.cancel()
            with _live_lock:
                procs = list(_live)
            for p in procs:
                kill_group(p)
            print("harness: interrupted", file=sys.stderr)
            return 130
    n = reporter.counts
    print(f"system: {n['PASS']} passed, {n['FAIL']} failed, {n['SKIP']} skipped")
    return 1 if n["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
