"""Running one benchmark step as its own process: wall time, CPU and peak RSS (os.wait4)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: A bare Python between the bench and the step: it forks the step and writes the step's
#: peak RSS (KB) to the file named first. Linux reports a child's peak RSS as at least its
#: parent's RSS when it was forked, so a step forked straight from a bench holding big
#: frames (or from a process that did) would report at least that much.
LAUNCH = """import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def measure(cmd: list[str]) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds of the child, peak RSS in MB, stdout) of one child process
    run from the repository root; exits with its output when it fails.

    The child writes its output to a file, as ``report … > out.json`` does: read through a
    pipe, the bench's own decoding of a big report (88 MB of JSON) held the child back and
    counted in its time."""
    with tempfile.TemporaryDirectory() as tmp:
        peak_file, out_file = Path(tmp) / "peak", Path(tmp) / "out"
        launch = [sys.executable, "-S", "-c", LAUNCH, str(peak_file)]
        with open(out_file, "wb") as sink:
            start = time.perf_counter()
            proc = subprocess.Popen([*launch, *cmd], cwd=ROOT, stdout=sink)
            _, status, usage = os.wait4(proc.pid, 0)  # CPU: the launcher's and the step's
            elapsed = time.perf_counter() - start
        out = out_file.read_text(encoding="utf-8")
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{out}")
        peak_kb = int(peak_file.read_text())
    return elapsed, usage.ru_utime + usage.ru_stime, peak_kb / 1024, out


def run(cmd: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, stdout) of one child process (``measure`` without CPU)."""
    elapsed, _, peak, out = measure(cmd)
    return elapsed, peak, out
