"""Booting build/host-kitten.bin under QEMU (TCG, AMD-V) or Bochs (VT-x or
AMD-V, through a GRUB rescue ISO) and watching its serial log: the parts the
system-test harness (tests/system/harness.py) and the run tool (tools/v3-run)
share.  Python 3 standard library only.  Emulator facts: /work/shared/TESTING.md
and tests/system/README.md.

A run writes into one directory (outdir): serial.log (COM1), stdout.txt and
stderr.txt (the emulator's own output), command.txt (re-runnable), and for
Bochs bochsrc, bochs.rc, bochs.log, grub.cfg.  Bochs ISOs are cached by a
hash of the kernel bytes, the modules and grub.cfg.
"""

import hashlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

QEMU = "qemu-system-x86_64"
BOCHS = "bochs"
GRUB_MKRESCUE = "grub-mkrescue"
BOCHS_BIOS = "/usr/share/bochs/BIOS-bochs-latest"
BOCHS_VGABIOS = "/usr/share/vgabios/vgabios.bin"

# host-kitten's last line: "hk: exit status N (reason)"
EXIT_RE = re.compile(r"hk: exit status (\d+)(?: \((.*)\))?")
GRACE_SECONDS = 5.0      # after the exit line, before killing the emulator
POLL_SECONDS = 0.1


class SetupError(Exception):
    """Something that prevents a run: a missing file, a failed ISO build."""


def check_args(value):
    """Bochs boots through GRUB, whose multiboot loader re-joins the words with
    one space and backslash-escapes quotes and backslashes: refuse those (the
    kernel would not see what was asked for) and collapse blanks."""
    bad = sorted(set(value) & set("'\"\\"))
    if bad:
        raise ValueError(f"{''.join(bad)} not allowed (GRUB would escape it)")
    return " ".join(value.split())


def parse_mem(value):
    """"512M", "2G", "65536K", bare number = MiB; returns MiB."""
    m = re.fullmatch(r"(\d+)\s*([KMGkmg]?)i?[Bb]?", value)
    if not m:
        raise ValueError("want e.g. 512M or 2G")
    n, unit = int(m.group(1)), m.group(2).upper()
    mb = {"K": n / 1024, "": n, "M": n, "G": n * 1024}[unit]
    if mb < 1 or mb != int(mb):
        raise ValueError("must be a whole number of MiB")
    return int(mb)


def read_lines(path):
    """The serial log as lines (CR stripped, no empty line for a final newline)."""
    try:
        text = Path(path).read_bytes().decode("utf-8", "replace")
    except FileNotFoundError:
        return []
    lines = [l.rstrip("\r") for l in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# ---------------------------------------------------------------- running

class EmuRun:
    """What happened when the emulator ran."""
    def __init__(self):
        self.returncode = None
        self.timed_out = False
        self.killed_after_exit_line = False
        self.exit_line_time = None   # seconds from start
        self.elapsed = 0.0


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=3)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


class SerialInput:
    """Types on the machine's serial line: steps (regex, bytes), in order, each
    sent once its regex matches the serial output that came after the previous
    step's match (partial lines too: a prompt has no newline).  Fed through a
    LogWatcher's on_data; writes to the emulator's stdin.  Every send is logged
    to input.txt in the run's directory."""
    def __init__(self, steps, log_path):
        self.steps = list(steps)
        self.text = ""
        self.pos = 0
        self.pipe = None
        self.log_path = Path(log_path)
        self.log_path.write_text("")
        self.start = time.monotonic()

    @property
    def waiting_for(self):
        """The pattern of the next step, None when all were sent."""
        return self.steps[0][0].pattern if self.steps else None

    def on_data(self, data):
        self.text += data.decode("utf-8", "replace").replace("\r", "")
        while self.steps and self.pipe:
            regex, send = self.steps[0]
            m = regex.search(self.text, self.pos)
            if not m:
                return
            self.steps.pop(0)
            self.pos = m.end()
            with open(self.log_path, "a") as f:
                f.write(f"{time.monotonic() - self.start:.2f}s after "
                        f"{regex.pattern!r}: sent {send!r}\n")
            try:
                self.pipe.write(send)
                self.pipe.flush()
            except (BrokenPipeError, OSError):
                self.steps = []


class LogWatcher:
    """Incrementally scans a growing log for the exit line; on_data(bytes),
    if given, receives every new chunk as it is read."""
    def __init__(self, path, on_data=None):
        self.path = path
        self.offset = 0
        self.partial = b""
        self.on_data = on_data

    def saw_exit_line(self, final=False):
        """final: the emulator is gone, so an unterminated last line counts
        (Bochs drops bytes still in the UART when it shuts down)."""
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return False
        self.offset += len(data)
        if data and self.on_data:
            self.on_data(data)
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()
        if final:
            lines.append(self.partial)
        for line in lines:
            if EXIT_RE.search(line.decode("utf-8", "replace")):
                return True
        return False


def run_emulator(cmd, env, outdir, serial, timeout, run, on_data=None,
                 on_start=None, on_end=None, serial_input=None):
    """Runs cmd in outdir until it exits, the exit line has been seen for
    GRACE_SECONDS, or timeout seconds pass without an exit line (None: no
    limit).  Fills run (an EmuRun).  on_start(proc)/on_end(proc) bracket the
    process's life (the harness keeps a list to kill on ^C).  serial_input (a
    SerialInput) means cmd has the serial line on its stdio (qemu_command's
    serial_stdio): its stdout becomes the serial log and serial_input types
    into its stdin."""
    outdir = Path(outdir)
    stdout_path = serial if serial_input else outdir / "stdout.txt"
    with open(stdout_path, "wb") as out, \
         open(outdir / "stderr.txt", "wb") as err:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if serial_input
                                else subprocess.DEVNULL, stdout=out,
                                stderr=err, env=env, cwd=outdir,
                                start_new_session=True)
        if on_start:
            on_start(proc)
        if serial_input:
            serial_input.pipe = proc.stdin

            def on_serial(data):
                serial_input.on_data(data)
                if on_data:
                    on_data(data)
        else:
            on_serial = on_data
        watcher = LogWatcher(serial, on_serial)
        try:
            while True:
                try:
                    proc.wait(timeout=POLL_SECONDS)
                    break
                except subprocess.TimeoutExpired:
                    pass
                now = time.monotonic() - start
                if run.exit_line_time is None and watcher.saw_exit_line(final=True):
                    run.exit_line_time = now
                if run.exit_line_time is not None and \
                        now - run.exit_line_time > GRACE_SECONDS:
                    run.killed_after_exit_line = True
                    kill_group(proc)
                    break
                if run.exit_line_time is None and timeout is not None and now > timeout:
                    run.timed_out = True
                    kill_group(proc)
                    break
        finally:
            if proc.poll() is None:
                kill_group(proc)
            if proc.stdin:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
            if on_end:
                on_end(proc)
        run.elapsed = time.monotonic() - start
        run.returncode = proc.returncode
        if watcher.saw_exit_line(final=True) and run.exit_line_time is None:
            run.exit_line_time = run.elapsed


def write_command(outdir, cmd, env_prefix=""):
    (Path(outdir) / "command.txt").write_text(
        f"cd {shlex.quote(str(outdir))} && {env_prefix}"
        + " ".join(shlex.quote(c) for c in cmd) + "\n")


# ---------------------------------------------------------------- QEMU

def qemu_command(kernel, cpu, smp, mem_mb, cmdline, modules, serial,
                 serial_stdio=False):
    """modules: list of (path, args); QEMU passes "path args" as the module string.
    serial_stdio: the serial line on QEMU's stdin/stdout (for SerialInput)
    instead of written to the file serial."""
    cmd = [QEMU, "-machine", "q35", "-accel", "tcg", "-cpu", cpu,
           "-smp", str(smp), "-m", f"{mem_mb}M",
           "-display", "none", "-monitor", "none",
           "-serial", "stdio" if serial_stdio else f"file:{serial}", "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-kernel", str(kernel)]
    if cmdline:
        cmd += ["-append", cmdline]
    if modules:
        mods = []
        for path, args in modules:
            p = str(Path(path).resolve())
            mods.append((p + (" " + args if args else "")).replace(",", ",,"))
        cmd += ["-initrd", ",".join(mods)]
    return cmd


# ---------------------------------------------------------------- Bochs

_iso_locks = {}
_iso_locks_guard = threading.Lock()


def grub_quote(word):
    return "'" + word.replace("'", "'\\''") + "'"


def grub_cfg(cmdline, modules):
    args = " ".join(grub_quote(w) for w in cmdline.split())
    # No fallback entry: after a failing entry GRUB 2.06 waits 10 s (emulated,
    # busy-waiting, so much longer in Bochs) at "Press any key to continue".
    # Errors of a command in an "if" condition are not printed, so a failed
    # load falls through to a message on COM1 and an immediate Bochs shutdown.
    lines = [
        "# generated by tests/system/harness.py",
        "set timeout=0",
        "set default=0",
        "serial --unit=0 --speed=115200",
        "menuentry 'host-kitten' {",
        f"  if multiboot /boot/host-kitten.bin {args}; then".replace("  ;", ";"),
    ]
    indent = "    "
    for i, (_, margs) in enumerate(modules):
        margs = " ".join(grub_quote(w) for w in margs.split())
        lines.append(f"{indent}if module /boot/module{i} {margs}; then"
                     .replace(" ;", ";"))
        indent += "  "
    lines.append(f"{indent}boot")
    for _ in modules:
        indent = indent[:-2]
        lines.append(f"{indent}fi")
    lines += [
        "  fi",
        "  terminal_output serial",
        "  echo 'grub: could not load or boot /boot/host-kitten.bin'",
        "  insmod iorw",
    ]
    lines += [f"  outb 0x8900 {ord(c):#x}" for c in "Shutdown"]
    lines += ["}", ""]
    return "\n".join(lines)


def build_iso(kernel, cmdline, modules, cache_dir, outdir):
    """Returns the path of a (cached) GRUB rescue ISO that multiboots kernel
    with cmdline and modules (list of (path, args)); grub.cfg and
    grub-mkrescue.log go to outdir."""
    kernel = Path(kernel)
    cfg = grub_cfg(cmdline, modules)
    (Path(outdir) / "grub.cfg").write_text(cfg)
    h = hashlib.sha256()
    h.update(kernel.read_bytes())
    h.update(b"\0" + cfg.encode())
    mod_paths = []
    for path, _ in modules:
        p = Path(path)
        if not p.is_file():
            raise SetupError(f"module not found: {path}")
        mod_paths.append(p)
        h.update(b"\0" + p.read_bytes())
    key = h.hexdigest()[:24]
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    iso = cache / f"{key}.iso"
    with _iso_locks_guard:
        lock = _iso_locks.setdefault(key, threading.Lock())
    with lock:
        if iso.exists():
            return iso
        if shutil.which(GRUB_MKRESCUE) is None:
            raise SetupError(f"{GRUB_MKRESCUE} not found (install grub-pc-bin, "
                             "grub-common, xorriso, mtools)")
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            stage = Path(tmp) / "root"
            (stage / "boot" / "grub").mkdir(parents=True)
            shutil.copyfile(kernel, stage / "boot" / "host-kitten.bin")
            for i, p in enumerate(mod_paths):
                shutil.copyfile(p, stage / "boot" / f"module{i}")
            (stage / "boot" / "grub" / "grub.cfg").write_text(cfg)
            out = Path(tmp) / "out.iso"
            res = subprocess.run([GRUB_MKRESCUE, "-o", str(out), str(stage)],
                                 stdin=subprocess.DEVNULL, capture_output=True)
            (Path(outdir) / "grub-mkrescue.log").write_bytes(res.stdout + res.stderr)
            if res.returncode != 0 or not out.exists():
                raise SetupError(f"grub-mkrescue failed with status "
                                 f"{res.returncode} (see {outdir}/grub-mkrescue.log)")
            os.replace(out, iso)
    return iso


def bochs_command(iso, cpu, smp, mem_mb, ips, outdir, serial):
    """Writes bochsrc and bochs.rc into outdir; returns (cmd, env)."""
    outdir = Path(outdir)
    rc = outdir / "bochs.rc"
    rc.write_text("c\n")
    bochsrc = outdir / "bochsrc"
    bochsrc.write_text("\n".join([
        "# generated by tests/system/emulators.py",
        f"megs: {mem_mb}",
        f"cpu: model={cpu}, count={smp}, ips={ips}, reset_on_triple_fault=0",
        f"romimage: file={BOCHS_BIOS}",
        f"vgaromimage: file={BOCHS_VGABIOS}",
        f"ata0-master: type=cdrom, path={iso}, status=inserted",
        "boot: cdrom",
        f"com1: enabled=1, mode=file, dev={serial}",
        "clock: sync=none, time0=utc",
        "port_e9_hack: enabled=1",
        "display_library: sdl2",
        "sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy",
        f"log: {outdir / 'bochs.log'}",
        "panic: action=fatal",
        "error: action=report",
        "info: action=ignore",
        "debug: action=ignore",
        "mouse: enabled=0",
        "",
    ]))
    cmd = [BOCHS, "-q", "-f", str(bochsrc), "-rc", str(rc)]
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    write_command(outdir, cmd, "SDL_VIDEODRIVER=dummy ")
    return cmd, env


def emulator_hint(emu, outdir, returncode):
    """A short why-it-ended note for runs without an exit line."""
    outdir = Path(outdir)
    if emu == "qemu":
        if returncode == 0:
            return "qemu exited with status 0 (triple fault or reset under -no-reboot?)"
        err = (outdir / "stderr.txt").read_text(errors="replace").strip().splitlines()
        err = [l for l in err if "TCG doesn't support requested feature" not in l]
        return f"qemu exited with status {returncode}" + \
            (f": {err[-1]}" if err else "")
    out = []
    for f in ("stderr.txt", "stdout.txt"):
        try:
            out += (outdir / f).read_text(errors="replace").splitlines()
        except FileNotFoundError:
            pass
    for i, l in enumerate(out):
        if "Bochs is exiting with the following message" in l and i + 1 < len(out):
            return "bochs: " + out[i + 1].strip()
    return None
