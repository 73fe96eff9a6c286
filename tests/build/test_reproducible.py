"""Byte-identical builds: no clock, no hash seed, no time zone leaks into the .apkg files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from helpers import ROOT, dist_files


def _build(project: Path, **env: str) -> dict[str, bytes]:
    full_env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    full_env.update(env)
    subprocess.run([sys.executable, "-m", "deckforge.cli", "build"], cwd=project, env=full_env,
                   check=True, capture_output=True)
    return dist_files(project / "dist")


def _copy(dest: Path, with_dist: bool) -> Path:
    shutil.copytree(ROOT / "decks", dest / "decks")
    if with_dist:
        shutil.copytree(ROOT / "dist", dest / "dist")
    return dest


def test_shipped_sources_rebuild_to_the_committed_bytes(tmp_path: Path) -> None:
    project = _copy(tmp_path / "a", with_dist=True)
    committed = dist_files(ROOT / "dist")
    built = _build(project, TZ="Pacific/Kiritimati", PYTHONHASHSEED="123")
    assert built == committed


def test_fresh_builds_agree_across_time_zones_seeds_and_clocks(tmp_path: Path) -> None:
    a = _build(_copy(tmp_path / "a", with_dist=False), SOURCE_DATE_EPOCH="1800000000",
               TZ="America/Los_Angeles", PYTHONHASHSEED="1", LC_ALL="C")
    time.sleep(1.1)
    b = _build(_copy(tmp_path / "b", with_dist=False), SOURCE_DATE_EPOCH="1800000000",
               TZ="Asia/Tokyo", PYTHONHASHSEED="2", LC_ALL="C.UTF-8")
    assert sorted(a) == sorted(b) and len(a) >= 2
    for name in a:
        assert a[name] == b[name], name
