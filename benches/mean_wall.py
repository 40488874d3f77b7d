#!/usr/bin/env python3
"""Runs a command N times (after 2 warm-up runs) and prints its mean wall time in ms.

Usage: mean_wall.py N COMMAND [ARGS...]
Prints one line: "mean_ms median_ms min_ms". Exits non-zero if any run fails.
"""

import statistics
import os
import subprocess
import sys
import time


def main() -> int:
    runs = int(sys.argv[1])
    command = sys.argv[2:]
    times = []
    for i in range(runs + 2):
        start = time.perf_counter()
        # /dev/null opened write-only, as a shell's `>/dev/null` opens it: subprocess.DEVNULL
        # opens it read-write, which is how a closed stdout looks to treasury (it refuses).
        with open(os.devnull, "w") as sink:
            done = subprocess.run(command, stdout=sink, stderr=subprocess.PIPE)
        elapsed = (time.perf_counter() - start) * 1000
        if done.returncode != 0:
            sys.stderr.write(f"{command[0]} exited {done.returncode}: {done.stderr.decode(errors='replace')}")
            return 1
        if i >= 2:
            times.append(elapsed)
    print(f"{statistics.mean(times):.1f} {statistics.median(times):.1f} {min(times):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
