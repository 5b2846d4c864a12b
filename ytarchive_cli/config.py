"""Where the CLI keeps its token: ``$YTARCHIVE_CONFIG_DIR/token`` (default ``~/.config/ytarchive``), mode 0600."""
from __future__ import annotations

import json
import os
from pathlib import Path

DEFAULT_URL = "http://127.0.0.1:8000"


def default_url() -> str:
    """This machine's server on the port ``make run`` was given (PORT), as a shell that started it has."""
    port = os.environ.get("PORT", "").strip()
    return f"http://127.0.0.1:{port}" if port.isdigit() and 0 < int(port) < 65536 else DEFAULT_URL


def config_dir() -> Path:
    given = os.environ.get("YTARCHIVE_CONFIG_DIR")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "ytarchive"


def token_path() -> Path:
    return config_dir() / "token"


def load() -> dict:
    """The saved ``{"url", "token"}``, or ``{}``."""
    try:
        data = json.loads(token_path().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(url: str, token: str) -> Path:
    """Write the token readable by this user alone (0600 file in a 0700 folder), created that way."""
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = token_path()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"url": url, "token": token}, fh)
    path.chmod(0o600)
    return path


def resolve(url: str | None, token: str | None) -> tuple[str, str | None]:
    """URL: --url, YTARCHIVE_URL, the saved one, this machine's PORT (else 8000). Token: YTARCHIVE_TOKEN, saved."""
    saved = load()
    final_url = url or os.environ.get("YTARCHIVE_URL") or saved.get("url") or default_url()
    final_token = token or os.environ.get("YTARCHIVE_TOKEN") or saved.get("token")
    return final_url.rstrip("/"), final_token


def forget() -> Path | None:
    """Delete the saved token file; its path, or None when there was none."""
    path = token_path()
    try:
        path.unlink()
    except FileNotFoundError:
        return None
    return path
