"""Run one command and report its wall time and memory as JSON (used by bench_build.py).

    python benchmarks/measure.py CMD [ARG...]

Memory is reported two ways: ``peak_mb``, the peak RSS of the largest single process
(getrusage of the children), and ``tree_peak_mb``, the peak of the summed PSS of the command
and all its worker processes, sampled every 0.1 s from /proc (Linux; PSS shares pages that
forked workers share, so the sum is what the whole build really holds). Elsewhere
``tree_peak_mb`` is ``peak_mb``.
"""

from __future__ import annotations

import contextlib
import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError):  # the task ended meanwhile
                todo.extend(int(c) for c in (task / "children").read_text().split())
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def main() -> None:
    cmd = sys.argv[1:]
    peak = [0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], sum(_pss_kb(p) for p in _tree(proc.pid)))

    sampler = threading.Thread(target=sample, daemon=True)
    if Path("/proc/self/smaps_rollup").exists():
        sampler.start()
    _, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    if sampler.is_alive():
        sampler.join()
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": largest,
                      "tree_peak_mb": max(peak[0] / 1024, largest),
                      "rc": proc.returncode, "stderr": stderr.decode(errors="replace")[-2000:]}))


if __name__ == "__main__":
    main()
