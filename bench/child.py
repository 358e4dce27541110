"""Running one benchmark step as its own process: wall time and peak RSS (from os.wait4)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(cmd: list[str]) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds of the child, peak RSS in MB, stdout) of one child process
    run from the repository root; exits with its output when it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


def run(cmd: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, stdout) of one child process (``measure`` without CPU)."""
    elapsed, _, peak, out = measure(cmd)
    return elapsed, peak, out
