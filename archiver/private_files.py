"""Files and folders only this user may read, whatever the umask: secrets at rest under DATA_DIR.

DATA_DIR holds the database, its backups, cookies, generated passwords and
keys, supervisord's config (with its password) and Redis's data. Each is
created private here (folders 0700, files 0600) and made private again when
found wider, so another local account reads nothing of it.
"""
from __future__ import annotations

import os
from pathlib import Path


def private_dir(path: Path) -> Path:
    """``path`` as a folder of ours, mode 0700 (created with its parents when missing)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    narrow(path, 0o700)
    return path


def narrow(path: Path, mode: int = 0o600) -> None:
    """Set ``path``'s mode when it exists and is ours (a mount point owned by another is left as it is)."""
    try:
        if path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except (FileNotFoundError, PermissionError):
        pass


def write_private(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically, mode 0600 from the first byte (never world-readable in between)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)
    return path


def narrow_sqlite(sender=None, connection=None, **kwargs) -> None:
    """On each new SQLite connection: the database, its -wal and -shm 0600 (Django's connection_created).

    Whoever created them (migrate under a wide umask, the chart's pods), other local accounts read no
    password hash, token or session from them.
    """
    if connection is None or connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm"):
        narrow(Path(name + suffix))
