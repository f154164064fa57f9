"""Run one command and report its wall time, CPU time and peak memory: bench/run.py's launcher.

    python child.py REPORT_FILE COMMAND [ARG ...]

Why a launcher: on Linux a child's ru_maxrss starts at its parent's peak resident set
(fork copies the memory map's high-water mark, exec keeps it), so a large benchmark
process would inflate every child it starts. This small process starts the command
instead, waits for it with os.wait4 (the command's own rusage) and writes
{"wall_s", "cpu_s", "peak_mb", "returncode"} as JSON to REPORT_FILE. Output passes through.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main() -> int:
    report, command = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    with open(report, "w", encoding="utf-8") as out:
        json.dump({"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
                   "returncode": process.returncode}, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
