"""yt-dlp versions on storage every worker shares: which one runs, installing another, switching, going back.

YouTube breaks extraction every few weeks and yt-dlp ships the fix within
days, long before a new ytarchive image. So a newer yt-dlp is installed with
pip into a folder beside the archive, and every process started afterwards
(web, control, beat, download workers, Kubernetes Jobs) puts it first on
``sys.path`` before anything imports yt_dlp (``activate``, called from
config/__init__.py). The layout, under YTARCHIVE_YTDLP_DIR
(default ``ARCHIVE_ROOT/.ytarchive/yt-dlp``; channel folders never start with
a dot, so it is never taken for a channel):

    versions/{V}/            ``pip install --target`` of yt-dlp V (no dependencies: the image has them)
    current -> versions/{V}  what processes starting now use: a relative symlink, replaced by rename
    history                  the versions switched to, one a line, the current one last

No ``current``: the yt-dlp bundled in the image. A folder is switched to only
after a fresh interpreter imported it, ran ``--version`` and (when
YTARCHIVE_YTDLP_CANARY_URL is set) extracted a video with it, so a broken
release never reaches a worker. Nothing here imports yt_dlp: versions are read
from the installed files.
"""
from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from archiver import tree

log = logging.getLogger(__name__)

CHANNELS = ("off", "stable", "nightly")
KEEP_VERSIONS = 3  # folders kept: running processes may still import from the previous ones
_VERSION = re.compile(r"^\d{4}\.\d{1,2}\.\d{1,2}(\.\d+)?(\.dev\d+)?$")
_VERSION_LINE = re.compile(r"""^__version__\s*=\s*['"]([^'"]+)['"]""", re.MULTILINE)
PIP_TIMEOUT = 600.0
CHECK_TIMEOUT = 300.0


class UpdateError(Exception):
    """A yt-dlp version that could not be installed, checked, switched to or gone back to; says why."""


def shared_dir(given: str, archive_root: str | Path) -> Path:
    """YTARCHIVE_YTDLP_DIR, or ``{ARCHIVE_ROOT}/.ytarchive/yt-dlp`` (one definition for settings and start-up)."""
    return Path(given).resolve() if given else tree.app_dir(Path(archive_root).resolve(), tree.YTDLP_VERSIONS_DIR)


def is_version(text: str) -> bool:
    """yt-dlp's own version form: ``2026.10.26``, a nightly's ``2026.10.26.232754`` (``.dev0`` on PyPI)."""
    return bool(_VERSION.match(text or ""))


def version_key(version: str) -> tuple[int, ...]:
    """For comparing: pip says ``2026.9.5`` (and ``….dev0`` for a nightly) where yt-dlp says ``2026.09.05``."""
    return tuple(int(part) for part in (version or "").removesuffix(".dev0").split(".") if part.isdigit())


def release_date(version: str) -> date | None:
    """yt-dlp's versions are their release dates (``2026.10.26`` is 26 October 2026)."""
    try:
        year, month, day = (int(part) for part in (version or "").split(".")[:3])
        return date(year, month, day)
    except ValueError:
        return None


def age_days(version: str, today: date | None = None) -> int | None:
    released = release_date(version)
    return None if released is None else ((today or datetime.now(UTC).date()) - released).days


def _version_in(package_dir: Path) -> str | None:
    """``__version__`` from a yt_dlp package folder's version.py, without importing it."""
    try:
        match = _VERSION_LINE.search((package_dir / "version.py").read_text(encoding="utf-8"))
    except OSError:
        return None
    return match.group(1) if match else None


def version_in_folder(folder: Path) -> str | None:
    """The yt-dlp version a ``pip install --target`` folder holds (None: no yt-dlp in it)."""
    return _version_in(Path(folder) / "yt_dlp")


@dataclass(frozen=True)
class InUse:
    version: str
    path: str  # the folder yt_dlp is (or would be) imported from
    shared: bool  # from the shared folder (an update), not the image's own

    def as_dict(self) -> dict:
        released = release_date(self.version)
        return {"version": self.version, "release_date": released.isoformat() if released else None,
                "age_days": age_days(self.version), "source": "shared" if self.shared else "bundled"}


def in_use(root: Path | None = None) -> InUse | None:
    """The yt-dlp this process runs (or will import): found on sys.path as Python would, not imported."""
    spec = getattr(sys.modules.get("yt_dlp"), "__spec__", None) or importlib.util.find_spec("yt_dlp")
    if spec is None or not spec.origin:
        return None
    package = Path(spec.origin).parent
    version = _version_in(package) or "unknown"
    shared = root is not None and Path(root).resolve() in package.resolve().parents
    return InUse(version=version, path=str(package.parent), shared=shared)


def bundled_version(root: Path) -> str | None:
    """The yt-dlp of the image itself: the first on sys.path outside the shared folder."""
    shared = Path(root).resolve()
    for entry in sys.path:
        folder = Path(entry or ".").resolve()
        if folder != shared and shared not in folder.parents and (found := _version_in(folder / "yt_dlp")):
            return found
    return None


def current_folder(root: Path) -> Path | None:
    """The folder ``current`` points at, resolved (None: the bundled yt-dlp is selected)."""
    link = Path(root) / "current"
    if not link.is_symlink():
        return None
    target = link.resolve()
    return target if (target / "yt_dlp" / "__init__.py").is_file() else None


def selected_version(root: Path) -> str | None:
    """The version processes starting now use (None: the bundled one)."""
    folder = current_folder(root)
    return version_in_folder(folder) if folder else None


def activate(root: Path) -> Path | None:
    """Put the selected yt-dlp first on sys.path; call before anything imports yt_dlp.

    The resolved folder goes on the path, not the ``current`` link, so a switch
    while this process runs never mixes two versions' modules in it.
    """
    folder = current_folder(root)
    if folder is None or "yt_dlp" in sys.modules:
        return None
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    return folder


def history(root: Path) -> list[str]:
    try:
        lines = (Path(root) / "history").read_text(encoding="utf-8").split()
    except OSError:
        return []
    return [line for line in lines if is_version(line)]


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".history-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _pip_error(stderr: str) -> str:
    """pip's own ERROR lines (what a person needs), not its whole output."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line.removeprefix("ERROR: ") for line in lines if line.startswith("ERROR:")]
    return "; ".join(errors)[:500] or (lines[-1][:500] if lines else "pip failed")


def _pip(args: list[str], python: str, timeout: float, what: str) -> str:
    try:
        done = subprocess.run([python, "-m", "pip", *args, "--no-input", "--disable-pip-version-check"],
                              capture_output=True, text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise UpdateError(f"pip did not finish within {timeout:.0f}s") from None
    if done.returncode != 0:
        raise UpdateError(f"pip could not {what}: {_pip_error(done.stderr)}")
    return done.stdout


def newest(channel: str = "stable", python: str = sys.executable, timeout: float = PIP_TIMEOUT) -> str:
    """The version pip would install now for ``channel`` (``nightly``: pre-releases too), without installing it.

    Compare it with ``version_key``: pip normalises ``2026.09.05`` to ``2026.9.5``.
    """
    with tempfile.TemporaryDirectory(prefix="ytarchive-pip-") as scratch:
        report = Path(scratch) / "report.json"
        _pip(["install", "--dry-run", "--ignore-installed", "--no-deps", "--only-binary", ":all:", "--quiet",
              "--report", str(report), *(["--pre"] if channel == "nightly" else []), "yt-dlp"],
             python, timeout, "find the newest yt-dlp")
        try:
            found = json.loads(report.read_text(encoding="utf-8"))["install"][0]["metadata"]["version"]
        except (OSError, ValueError, KeyError, IndexError, TypeError):
            raise UpdateError("pip gave no report of the yt-dlp it would install") from None
    return str(found)  # as pip spells it, so ``yt-dlp==`` it pins the same release (a nightly's .dev0 too)


def install(root: Path, version: str = "", channel: str = "stable", python: str = sys.executable,
            timeout: float = PIP_TIMEOUT) -> tuple[str, Path]:
    """``pip install --target`` yt-dlp ``version`` (default: the newest of ``channel``); ``(version, folder)``.

    pip reads its index settings (PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX,
    pip.conf) itself. The install lands in a staging folder and is renamed to
    ``versions/{V}`` once its version is known; a version already there is reused.
    """
    if version and not is_version(version):
        raise UpdateError(f"{version!r} is not a yt-dlp version (they look like 2026.10.26)")
    versions = Path(root) / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=versions))
    try:
        _pip(["install", "--target", str(staging), "--no-deps", "--only-binary", ":all:", "--quiet",
              *(["--pre"] if channel == "nightly" and not version else []),
              f"yt-dlp=={version}" if version else "yt-dlp"],
             python, timeout, f"install yt-dlp{'==' + version if version else ''}")
        got = version_in_folder(staging)
        if not got or not is_version(got):
            raise UpdateError("pip installed no usable yt-dlp package (no yt_dlp/version.py)")
        final = versions / got
        if version_in_folder(final) == got:
            return got, final
        shutil.rmtree(final, ignore_errors=True)
        staging.rename(final)
        return got, final
    finally:
        shutil.rmtree(staging, ignore_errors=True)


_IMPORT_CHECK = ("import sys; sys.path.insert(0, sys.argv[1]); import yt_dlp, yt_dlp.version; "
                 "from pathlib import Path; "
                 "assert Path(sys.argv[1]).resolve() in Path(yt_dlp.__file__).resolve().parents, yt_dlp.__file__; "
                 "print(yt_dlp.version.__version__)")


def _run_check(what: str, command: list[str], env: dict, timeout: float) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise UpdateError(f"check failed: {what} did not finish within {timeout:.0f}s") from None
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        said = lines[-1] if lines else f"exit code {done.returncode}"
        raise UpdateError(f"check failed: {what}: {said[:400]}")
    return done.stdout.strip()


def check(folder: Path, expected: str, canary_url: str = "", python: str = sys.executable,
          timeout: float = CHECK_TIMEOUT) -> None:
    """Refuse a folder a fresh interpreter cannot import, whose ``--version`` is wrong, or that cannot extract."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))}
    imported = _run_check("import yt_dlp", [python, "-c", _IMPORT_CHECK, str(folder)], env, timeout)
    if imported.splitlines()[-1:] != [expected]:
        raise UpdateError(f"check failed: the folder imports yt-dlp {imported!r}, not {expected}")
    said = _run_check("yt-dlp --version", [python, "-m", "yt_dlp", "--ignore-config", "--version"], env, timeout)
    if said.splitlines()[-1:] != [expected]:
        raise UpdateError(f"check failed: yt-dlp --version says {said!r}, not {expected}")
    if canary_url:
        _run_check(f"extracting {canary_url}",
                   [python, "-m", "yt_dlp", "--ignore-config", "--no-cache-dir", "--simulate", "--no-playlist",
                    "--quiet", "--no-warnings", "--print", "id", canary_url], env, timeout)


def switch(root: Path, version: str) -> None:
    """Make ``versions/{version}`` current in one rename and note it in the history."""
    root = Path(root)
    if version_in_folder(root / "versions" / version) != version:
        raise UpdateError(f"yt-dlp {version} is not installed in {root / 'versions'}")
    _point_current(root, version)
    past = [v for v in history(root) if v != version]
    _write_atomic(root / "history", "\n".join([*past[-KEEP_VERSIONS * 3:], version]) + "\n")
    for old in set(past) - set([*past, version][-KEEP_VERSIONS:]):
        discard(root, old)  # running processes may still import from the recent ones: those stay


def _point_current(root: Path, version: str | None) -> None:
    link = root / "current"
    if version is None:
        link.unlink(missing_ok=True)
        return
    tmp = root / f".current-{os.getpid()}"
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(Path("versions") / version)  # relative: the share may be mounted elsewhere in a Job
    os.replace(tmp, link)


def rollback(root: Path) -> str | None:
    """Go back one version (None: back to the bundled yt-dlp); UpdateError when there is nothing to go back to."""
    root = Path(root)
    past = history(root)
    selected = selected_version(root)
    if selected is None:
        raise UpdateError("nothing to roll back: the yt-dlp bundled with ytarchive is in use")
    if past and past[-1] == selected:
        past.pop()
    while past and version_in_folder(root / "versions" / past[-1]) != past[-1]:
        past.pop()  # a folder pruned or removed by hand: go further back
    target = past[-1] if past else None
    _point_current(root, target)
    _write_atomic(root / "history", "".join(f"{v}\n" for v in past))
    return target


def discard(root: Path, version: str) -> None:
    """Remove a version folder that failed its check (never the selected one)."""
    if is_version(version) and version != selected_version(root):
        shutil.rmtree(Path(root) / "versions" / version, ignore_errors=True)
