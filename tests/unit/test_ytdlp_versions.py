"""yt-dlp versions on shared storage: dates from versions, switching, rollback, pruning, start-up activation."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from archiver import tree
from archiver.ytdlp import versions as ytdlp_versions
from archiver.ytdlp.versions import UpdateError
from tests.harness import REPO


def fake_version(root: Path, version: str) -> Path:
    """A version folder as ``pip install --target`` leaves it, with a yt_dlp package that says ``version``."""
    package = root / "versions" / version / "yt_dlp"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("from .version import __version__\n")
    (package / "version.py").write_text(f"__version__ = '{version}'\n\nCHANNEL = 'stable'\n")
    return package.parent


@pytest.mark.parametrize(("version", "released"), [
    ("2026.10.26", date(2026, 10, 26)), ("2025.1.2", date(2025, 1, 2)),
    ("2026.11.01.232754", date(2026, 11, 1)), ("2026.11.01.232754.dev0", date(2026, 11, 1)),
    ("unknown", None), ("2026.13.40", None), ("", None),
])
def test_a_versions_release_date_is_its_name(version, released):
    assert ytdlp_versions.release_date(version) == released


def test_versions_and_ages():
    assert ytdlp_versions.is_version("2026.10.26") and ytdlp_versions.is_version("2026.10.26.1234")
    for bad in ("latest", "2026.10", "2026.10.26; rm -rf /", "==2026.10.26", ""):
        assert not ytdlp_versions.is_version(bad), bad
    assert ytdlp_versions.age_days("2026.10.26", today=date(2026, 12, 25)) == 60
    assert ytdlp_versions.age_days("nightly") is None


def test_the_shared_folder_defaults_beside_the_archive(tmp_path):
    assert ytdlp_versions.shared_dir("", tmp_path) == tmp_path.resolve() / ".ytarchive" / "yt-dlp"
    assert ytdlp_versions.shared_dir(str(tmp_path / "elsewhere"), "/archive") == (tmp_path / "elsewhere").resolve()


def test_switch_and_rollback_walk_the_history(tmp_path):
    root = tmp_path / "yt-dlp"
    for version in ("2026.11.1", "2026.11.20"):
        fake_version(root, version)
    assert ytdlp_versions.selected_version(root) is None
    with pytest.raises(UpdateError, match="nothing to roll back"):
        ytdlp_versions.rollback(root)
    with pytest.raises(UpdateError, match="not installed"):
        ytdlp_versions.switch(root, "2027.1.1")
    ytdlp_versions.switch(root, "2026.11.1")
    ytdlp_versions.switch(root, "2026.11.20")
    assert os.readlink(root / "current") == "versions/2026.11.20"  # relative: a Job may mount the share elsewhere
    assert ytdlp_versions.history(root) == ["2026.11.1", "2026.11.20"]
    assert ytdlp_versions.rollback(root) == "2026.11.1"
    assert ytdlp_versions.selected_version(root) == "2026.11.1"
    assert ytdlp_versions.rollback(root) is None  # back to the bundled one
    assert not (root / "current").exists() and ytdlp_versions.history(root) == []


def test_old_folders_are_pruned_but_the_recent_ones_stay(tmp_path):
    root = tmp_path / "yt-dlp"
    versions = [f"2026.{month}.1" for month in range(1, 7)]
    for version in versions:
        fake_version(root, version)
        ytdlp_versions.switch(root, version)
    kept = sorted(p.name for p in (root / "versions").iterdir())
    assert kept == sorted(versions[-ytdlp_versions.KEEP_VERSIONS:])
    ytdlp_versions.discard(root, versions[-1])  # the selected one is never discarded
    assert ytdlp_versions.selected_version(root) == versions[-1]


def test_a_rollback_skips_a_folder_removed_by_hand(tmp_path):
    root = tmp_path / "yt-dlp"
    for version in ("2026.1.1", "2026.2.1", "2026.3.1"):
        fake_version(root, version)
        ytdlp_versions.switch(root, version)
    shutil.rmtree(root / "versions" / "2026.2.1")
    assert ytdlp_versions.rollback(root) == "2026.1.1"


def test_every_process_starts_with_the_selected_version_first_on_its_path(tmp_path):
    """A fresh interpreter that imports the Django project (as every process does first) imports the shared yt-dlp."""
    root = tmp_path / "archive" / ".ytarchive" / "yt-dlp"
    fake_version(root, "2099.3.3")
    ytdlp_versions.switch(root, "2099.3.3")
    env = {**os.environ, "ARCHIVE_ROOT": str(tmp_path / "archive"), "DATA_DIR": str(tmp_path / "data")}
    env.pop("YTARCHIVE_YTDLP_DIR", None)
    code = ("import config, yt_dlp; from archiver.ytdlp import versions as v; "
            "print(yt_dlp.__version__); print(v.in_use(v.shared_dir('', sys.argv[1])).shared)")
    out = subprocess.run([sys.executable, "-c", "import sys; " + code, str(tmp_path / "archive")], cwd=REPO,
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["2099.3.3", "True"]


def test_nothing_that_walks_the_archive_takes_the_yt_dlp_folder_for_a_channel(tmp_path):
    fake_version(tmp_path / ".ytarchive" / "yt-dlp", "2026.1.1")
    (tmp_path / ".ytarchive" / f"{tree.TEMP_PREFIX}left-over").mkdir()  # a hidden folder's own temp name
    (tmp_path / "chan" / "videos" / f"{tree.TEMP_PREFIX}vid-x").mkdir(parents=True)
    assert tree.find_temp_paths(tmp_path) == [tmp_path / "chan" / "videos" / f"{tree.TEMP_PREFIX}vid-x"]


def test_pips_spelling_and_yt_dlps_compare_equal():
    assert ytdlp_versions.version_key("2026.9.5") == ytdlp_versions.version_key("2026.09.05")
    assert ytdlp_versions.version_key("2026.11.1.232754.dev0") == ytdlp_versions.version_key("2026.11.01.232754")
    assert ytdlp_versions.version_key("2026.10.26") < ytdlp_versions.version_key("2026.11.01.232754")
    assert ytdlp_versions.is_version("2026.11.1.232754.dev0")  # what `install` pins for a nightly


def test_manage_py_ytdlp_update_refuses_bad_input_with_one_line():
    """The chart's pinning Job runs this command: a bad value fails it (non-zero) before anything is installed."""
    result = subprocess.run([sys.executable, "manage.py", "ytdlp_update", "latest; rm -rf /"],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "is not a yt-dlp version" in result.stderr
    assert "Traceback" not in result.stderr
    both = subprocess.run([sys.executable, "manage.py", "ytdlp_update", "2026.11.20", "--rollback"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert both.returncode == 1 and "not both" in both.stderr
