"""Spread independent pieces of work over worker processes when there is enough of it.

``DECKFORGE_JOBS=N`` sets the number of processes (1: everything in this one). Unset, a build
uses one per CPU it may run on once the work is large enough to pay for starting them
(``PARALLEL_MIN_BYTES`` of card files to compile). Workers are forked, so they start at once
with everything imported; where fork is not available (or safe: macOS, Windows) all work runs
in this process. Results come back in the order of the work, so output never depends on it.
"""

from __future__ import annotations

import gc
import marshal
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .errors import DeckforgeError, DeckforgeErrors

__all__ = ["PARALLEL_MIN_BYTES", "job_count", "map_in_order"]

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_MIN_BYTES = 4 << 20
"""Below this much YAML to compile (about 8,000 cards), starting workers costs more than it saves."""

_MAX_JOBS = 8


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def job_count(work_bytes: int) -> int:
    """How many processes should share ``work_bytes`` of input."""
    setting = os.environ.get("DECKFORGE_JOBS", "").strip()
    if setting:
        if not setting.isdigit() or int(setting) < 1:
            raise DeckforgeErrors([DeckforgeError(
                "DECKFORGE_JOBS", 0, 0, f"`{setting}` is not a number of processes",
                "set DECKFORGE_JOBS to a whole number such as 1 or 4, or unset it")])
        wanted = int(setting)
    elif work_bytes < PARALLEL_MIN_BYTES:
        return 1
    else:
        wanted = min(_cpus(), _MAX_JOBS)
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return 1  # pragma: no cover - only Linux forks safely here
    return wanted


def map_in_order(func: Callable[[T], R], items: Sequence[T], jobs: int) -> list[R]:
    """``[func(item) for item in items]``, spread over ``jobs`` forked processes.

    ``func`` must return plain data (what marshal can write: tuples, lists, dicts, str, bytes,
    numbers, None): results come back marshalled, several times faster than pickled.
    """
    if jobs <= 1 or len(items) < 2:
        return [func(item) for item in items]
    # Objects that exist before the fork are left out of garbage collection, in the workers as
    # here: a collection writes to every object it scans, which would make each worker copy
    # the memory pages it shares with this process.
    gc.freeze()
    try:
        try:
            pool = multiprocessing.get_context("fork").Pool(min(jobs, len(items)))
        except OSError:  # no /dev/shm for its locks, or no more processes: work here instead
            return [func(item) for item in items]
        with pool:
            # imap: each result is unmarshalled as it arrives, so its bytes are not all held
            # at once.
            return [marshal.loads(r) for r in pool.imap(_Marshalled(func), items, chunksize=1)]
    finally:
        gc.unfreeze()


class _Marshalled:
    """``func``, with its result marshalled (a picklable callable for the worker)."""

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func = func

    def __call__(self, item: Any) -> bytes:
        return marshal.dumps(self.func(item))
