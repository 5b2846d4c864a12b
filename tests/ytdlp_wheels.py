"""yt-dlp wheels made offline from the installed one, under another version number, for update tests.

The installed ``yt_dlp`` package is copied into a wheel (a zip with a
``.dist-info``) whose version.py says ``version``; ``broken=True`` makes one
whose import fails, as a bad release would. pip installs them from a folder
(PIP_FIND_LINKS with PIP_NO_INDEX=1) as it would from PyPI.
"""
from __future__ import annotations

import base64
import hashlib
import importlib.util
import re
import zipfile
from pathlib import Path


def installed_package() -> Path:
    return Path(importlib.util.find_spec("yt_dlp").origin).parent


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(folder: Path, version: str, broken: bool = False) -> Path:
    """``folder/yt_dlp-{version}-py3-none-any.whl``, the installed yt-dlp relabelled ``version``."""
    source = installed_package()
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"yt_dlp-{version}-py3-none-any.whl"
    dist_info = f"yt_dlp-{version}.dist-info"
    records = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as archive:
        def add(name: str, data: bytes) -> None:
            archive.writestr(name, data)
            records.append(_record_line(name, data))

        for path in sorted(source.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            name = "yt_dlp/" + path.relative_to(source).as_posix()
            data = path.read_bytes()
            if name == "yt_dlp/version.py":
                text = re.sub(r"^(__version__|_pkg_version) = '[^']*'", rf"\1 = '{version}'",
                              data.decode(), flags=re.MULTILINE)
                data = text.encode()
            if broken and name == "yt_dlp/__init__.py":
                data = b"raise ImportError('this yt-dlp release is broken on purpose')\n" + data
            add(name, data)
        add(f"{dist_info}/METADATA", f"Metadata-Version: 2.1\nName: yt-dlp\nVersion: {version}\n".encode())
        add(f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: ytarchive-tests\nRoot-Is-Purelib: true\n"
                                  b"Tag: py3-none-any\n")
        archive.writestr(f"{dist_info}/RECORD", "\n".join([*records, f"{dist_info}/RECORD,,"]) + "\n")
    return wheel
