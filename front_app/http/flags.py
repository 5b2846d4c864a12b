"""Boolean query flags, parsed one way everywhere: ``?full=maybe`` is a 400, never a silent false."""
from __future__ import annotations

from archiver.errors import UserError

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def flag(params, name: str) -> bool:
    """``params[name]`` as a bool (absent or empty: False); UserError (400) for anything else."""
    raw = str(params.get(name, "")).strip().lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise UserError(f"{name} must be true or false (also 1/0, yes/no, on/off), not {raw[:50]!r}.")
