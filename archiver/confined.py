"""Reading files a user named, without ever following a link out of the folder they may use.

An import folder (YTARCHIVE_IMPORT_ROOT), a backup to restore and the like are
filled by someone else; the process reading them can read much more (the
secret key, the database, the archive). So nothing here follows a link:

* every path is looked at with ``lstat``: a symbolic link (to a file or a
  folder, at any depth), a named pipe, a socket or a device file is refused
  and named, never opened;
* folders are walked with ``os.walk(followlinks=False)``;
* a file is opened with ``O_NOFOLLOW`` (and ``O_NONBLOCK``, so a pipe swapped
  in never blocks), then checked again on the open descriptor: still a
  regular file, the same inode as the walk saw, and its real path (from
  ``/proc/self/fd``) inside the root. It is copied from that descriptor;
  a hard link to it is made with ``follow_symlinks=False`` and checked to be
  that same inode;
* a regular file with more than one name (``st_nlink > 1``) is refused: its
  other names cannot be found cheaply, so it cannot be proven inside the
  root (a hard link to a secret is the one way round the checks above). The
  one exception is a file whose only other name the caller can vouch for
  (``accounted``: the inodes of the archive's own copy, which an earlier
  import made by linking).
"""
from __future__ import annotations

import os
import stat
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

Inode = tuple[int, int]  # (st_dev, st_ino)
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1024 * 1024


class Refused(Exception):
    """A path that is not read: what it is, in words for the user (``str``), and the path (``path``)."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass
class Scan:
    """What a folder holds: its regular files (with the inode the walk saw) and what was refused."""

    root: Path
    files: dict[Path, Inode] = field(default_factory=dict)
    refused: list[dict] = field(default_factory=list)  # [{"path": relative to root, "reason"}]

    def refuse(self, path: Path, reason: str) -> None:
        self.refused.append({"path": relative(self.root, path), "reason": reason})


def relative(root: Path, path: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return str(path)


def kind_refused(st: os.stat_result, accounted: Collection[Inode] = ()) -> str:
    """Why an entry with this ``lstat`` is not read ("" when it may be): links, special files, shared inodes."""
    mode = st.st_mode
    if stat.S_ISLNK(mode):
        return "a symbolic link (links are never followed)"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device file, not a file"
    if stat.S_ISDIR(mode):
        return ""
    if not stat.S_ISREG(mode):
        return "not a regular file"
    if st.st_nlink > 1 and not (st.st_nlink == 2 and (st.st_dev, st.st_ino) in accounted):
        return (f"a hard link with {st.st_nlink} names: its other names may lie outside the import folder, "
                "so it is not read (copy it in instead)")
    return ""


def check_inside(root: Path, text: str | Path, label: str = "the folder") -> Path:
    """``text`` (absolute, or relative to ``root``) as a path under ``root`` through no link; Refused otherwise.

    ``..`` is resolved by name (there is no link to make that differ from the
    real path), and every part below ``root`` is looked at with ``lstat``.
    ``root`` itself is the administrator's, and taken as it resolves.
    """
    root = Path(root).resolve()
    given = Path(text)
    path = Path(os.path.normpath(given if given.is_absolute() else root / given))
    if path != root and not path.is_relative_to(root):
        raise Refused(text, f"not under {label} {root}")
    current = root
    for part in path.relative_to(root).parts:
        current = current / part
        try:
            st = os.lstat(current)
        except (FileNotFoundError, NotADirectoryError):
            raise Refused(text, f"does not exist under {root}") from None
        except (OSError, ValueError) as exc:  # a NUL byte, a name too long
            raise Refused(text, f"is not a usable path ({getattr(exc, 'strerror', None) or exc})") from None
        reason = kind_refused(st)
        if not reason and current != path and not stat.S_ISDIR(st.st_mode):
            reason = "not a folder"
        if reason:
            raise Refused(text, f"{relative(root, current)} is {reason}")
    return path


def scan(folder: Path, root: Path, accounted: Collection[Inode] = ()) -> Scan:
    """Every regular file under ``folder`` (``check_inside`` it first), each refused entry named."""
    result = Scan(root=Path(root).resolve())
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(dirpath)
        for name in list(dirnames):
            st = os.lstat(base / name)
            if stat.S_ISLNK(st.st_mode):  # os.walk lists a link to a folder among the folders
                result.refuse(base / name, "a symbolic link to a folder (links are never followed)")
                dirnames.remove(name)
        for name in filenames:
            path = base / name
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue
            reason = kind_refused(st, accounted)
            if reason:
                result.refuse(path, reason)
            else:
                result.files[path] = (st.st_dev, st.st_ino)
    return result


def open_checked(path: Path, root: Path, inode: Inode | None = None,
                 accounted: Collection[Inode] = ()) -> tuple[int, os.stat_result]:
    """A read-only descriptor of the regular file ``path`` inside ``root``, checked on the descriptor itself."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        st = _lstat(path)
        reason = kind_refused(st) if st else "does not exist"
        raise Refused(path, reason or f"cannot be opened ({exc.strerror})") from exc
    try:
        st = os.fstat(fd)
        reason = kind_refused(st, accounted)
        if not reason and inode is not None and (st.st_dev, st.st_ino) != inode:
            reason = "changed while it was being read"
        if not reason and not _real_path(fd, path).is_relative_to(Path(root).resolve()):
            reason = f"its real path leaves {root}"
        if reason:
            raise Refused(path, reason)
        os.set_blocking(fd, True)
        return fd, st
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: Path, root: Path, limit: int, inode: Inode | None = None,
               accounted: Collection[Inode] = ()) -> bytes:
    """The content of ``path`` (at most ``limit`` bytes, Refused if larger), read as ``open_checked`` allows."""
    fd, _st = open_checked(path, root, inode, accounted)
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise Refused(path, f"larger than {limit} bytes")
    return data


def copy_file(path: Path, root: Path, target: Path, inode: Inode | None = None) -> None:
    """Copy ``path`` to the new file ``target`` from its checked descriptor (its times kept, as cp -p would)."""
    fd, st = open_checked(path, root, inode)
    with os.fdopen(fd, "rb") as src, open(target, "xb") as dst:
        while chunk := src.read(_CHUNK):
            dst.write(chunk)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))


def link_file(path: Path, root: Path, target: Path, inode: Inode | None = None) -> Inode:
    """Hard-link ``path`` as ``target`` (never through a link), checked to be the inode that was verified."""
    fd, st = open_checked(path, root, inode)
    try:
        os.link(path, target, follow_symlinks=False)
        made = os.lstat(target)
        if (made.st_dev, made.st_ino) != (st.st_dev, st.st_ino) or not stat.S_ISREG(made.st_mode) \
                or made.st_nlink != 2:
            target.unlink(missing_ok=True)
            raise Refused(path, "changed while it was being linked")
    finally:
        os.close(fd)
    return st.st_dev, st.st_ino


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


def _real_path(fd: int, path: Path) -> Path:
    """Where the open file really is: the kernel's own name for the descriptor (Linux), else realpath."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        return Path(os.path.realpath(path))
