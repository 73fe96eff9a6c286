"""Atomic dist/: a build killed at any point leaves the old or the new complete set of files,
the next build recovers, and two builds at once do not corrupt each other."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import dist_files, make_deck

EPOCH = "1767225600"
KILL_ENV = "DECKFORGE_TEST_KILL_AT"  # read by deckforge.build.commit.commit_dist


def _cards(version: int, count: int = 10) -> str:
    lines = ["cards:"]
    for i in range(count):
        lines += [f"  - id: card-{i}", f"    front: Question {i} (v{version})",
                  f"    back: Answer {i} with enough text to make the file a little bigger v{version}"]
    return "\n".join(lines) + "\n"


def _project(root: Path, version: int) -> Path:
    """Two decks, so a half-finished build could mix an old deck with a new one."""
    make_deck(root, "alpha", {"cards.yaml": _cards(version)})
    make_deck(root, "beta", {"cards.yaml": _cards(version + 100)})
    return root


def _build(root: Path, dist: Path, env_extra: dict[str, str] | None = None,
           wait: bool = True) -> subprocess.Popen[bytes]:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, **(env_extra or {}))
    proc = subprocess.Popen(
        [sys.executable, "-m", "deckforge.cli", "--decks", str(root / "decks"), "--dist", str(dist),
         "build"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if wait:
        _finish(proc)
    return proc


def _finish(proc: subprocess.Popen[bytes]) -> str:
    """Wait for ``proc``; its stderr (closing the pipe, which pytest would flag as leaked)."""
    _, err = proc.communicate(timeout=60)
    return err.decode("utf-8", "replace")


def _snapshot(dist: Path) -> dict[str, bytes]:
    if not dist.is_dir():
        return {}
    return dist_files(dist)


def _leftovers(dist: Path) -> list[str]:
    return sorted(p.name for p in dist.parent.iterdir()
                  if p.name.startswith(f".{dist.name}.") and not p.name.endswith(".lock"))


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes],
                                                              dict[str, bytes]]:
    """Sources v1 and v2 and the complete dist/ each builds (v2 built on top of v1's)."""
    base = tmp_path_factory.mktemp("atomic")
    v1, v2 = _project(base / "v1", 1), _project(base / "v2", 2)
    dist = base / "ref" / "dist"
    assert _build(v1, dist).returncode == 0
    old = _snapshot(dist)
    assert _build(v2, dist).returncode == 0
    new = _snapshot(dist)
    assert set(old) == set(new) == {"alpha.apkg", "beta.apkg", "manifest.json"}
    assert all(old[name] != new[name] for name in old)
    return v1, v2, old, new


def _fresh_dist(tmp_path: Path, old: dict[str, bytes]) -> Path:
    dist = tmp_path / "out" / "dist"
    dist.mkdir(parents=True)
    for name, data in old.items():
        (dist / name).write_bytes(data)
    return dist


@pytest.mark.parametrize("step", ["staging", "writing", "staged", "moved-old", "swapped"])
def test_killed_at_each_step_of_the_commit(
        step: str, tmp_path: Path,
        states: tuple[Path, Path, dict[str, bytes], dict[str, bytes]]) -> None:
    _, v2, old, new = states
    dist = _fresh_dist(tmp_path, old)
    proc = _build(v2, dist, {KILL_ENV: step})
    # "moved-old" is only reached where directories cannot be exchanged atomically.
    assert proc.returncode in ((-signal.SIGKILL, 0) if step == "moved-old" else (-signal.SIGKILL,))
    after = _snapshot(dist)
    assert after in (old, new), f"killed at {step}: dist/ holds {sorted(after)}, a mix or partial"
    assert after == (new if step == "swapped" or proc.returncode == 0 else old)
    # The next build finishes the job and cleans up whatever the killed one left behind.
    assert _build(v2, dist).returncode == 0
    assert _snapshot(dist) == new
    assert _leftovers(dist) == []


def test_killed_at_random_moments(tmp_path: Path,
                                  states: tuple[Path, Path, dict[str, bytes], dict[str, bytes]]
                                  ) -> None:
    _, v2, old, new = states
    start = time.monotonic()
    _build(v2, _fresh_dist(tmp_path / "timing", old))
    duration = time.monotonic() - start
    rng = random.Random(8)  # fixed seed: a failure can be replayed
    for attempt in range(5):
        dist = _fresh_dist(tmp_path / str(attempt), old)
        proc = _build(v2, dist, wait=False)
        # Most of a build is Python starting up; aim at its second half, where dist/ is written.
        time.sleep(rng.uniform(duration * 0.5, duration * 1.05))
        proc.send_signal(signal.SIGKILL)
        _finish(proc)
        after = _snapshot(dist)
        assert after in (old, new), f"attempt {attempt}: a mix or partial dist/"
        # Whichever complete state the kill left (that depends on timing), the next build
        # finishes the job and cleans up.
        assert _build(v2, dist).returncode == 0
        assert _snapshot(dist) == new and _leftovers(dist) == []


def test_two_builds_at_once_leave_one_complete_result(
        tmp_path: Path, states: tuple[Path, Path, dict[str, bytes], dict[str, bytes]]) -> None:
    _, v2, old, _ = states
    v3 = _project(tmp_path / "v3", 3)
    # Builds run one after the other (the second plans against what the first committed), so
    # the result is one of the two orders, never a mix of both.
    orders = []
    for first, second in ((v2, v3), (v3, v2)):
        ref = _fresh_dist(tmp_path / f"ref{len(orders)}", old)
        assert _build(first, ref).returncode == 0 and _build(second, ref).returncode == 0
        orders.append(_snapshot(ref))
    assert orders[0] != orders[1]
    for attempt in range(2):
        dist = _fresh_dist(tmp_path / f"race{attempt}", old)
        procs = [_build(v2, dist, wait=False), _build(v3, dist, wait=False)]
        for p in procs:
            err = _finish(p)
            assert p.returncode == 0, err
        assert _snapshot(dist) in orders
        assert _leftovers(dist) == []


def test_same_build_twice_at_once(tmp_path: Path,
                                  states: tuple[Path, Path, dict[str, bytes], dict[str, bytes]]
                                  ) -> None:
    _, v2, old, new = states
    dist = _fresh_dist(tmp_path, old)
    procs = [_build(v2, dist, wait=False) for _ in range(3)]
    for p in procs:
        err = _finish(p)
        assert p.returncode == 0, err
    assert _snapshot(dist) == new
    assert _leftovers(dist) == []


def test_stale_leftovers_of_a_crash_are_cleaned(
        tmp_path: Path, states: tuple[Path, Path, dict[str, bytes], dict[str, bytes]]) -> None:
    """A crash between the two renames of the fallback swap leaves dist/ only as .dist.old."""
    _, v2, old, new = states
    dist = _fresh_dist(tmp_path, old)
    shutil.move(dist, dist.with_name(".dist.old"))
    (dist.parent / ".dist.new-abc").mkdir()
    (dist.parent / ".dist.new-abc" / "alpha.apkg").write_bytes(b"partial")
    assert _build(v2, dist).returncode == 0
    assert _snapshot(dist) == new
    assert _leftovers(dist) == []
