"""Typed reads of the environment that fail loudly.

django-environ parses the values; this module turns a bad value into an
``ImproperlyConfigured`` naming the variable (instead of a bare ValueError deep
in a traceback), checks ranges, and lets every secret come from ``NAME_FILE``
(how Kubernetes and Docker hand secrets to a process).
"""
from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from archiver import notifier
from archiver.errors import UserError

env = environ.Env()


def _typed(name: str, cast, default):
    try:
        return cast(name, default=default)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{name}={os.environ.get(name)!r} is not valid: {exc}") from exc


def env_str(name: str, default: str = "") -> str:
    return _typed(name, env.str, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
    if os.environ.get(name, "") == "":
        return default
    value = _typed(name, env.int, default)
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum {minimum}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={value} is above the maximum {maximum}")
    return value


def env_float(name: str, default: float, minimum: float | None = None) -> float:
    if os.environ.get(name, "") == "":
        return default
    value = _typed(name, env.float, default)
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum {minimum}")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str, default: str) -> tuple:
    """Comma-separated addresses and CIDR networks (``10.0.0.7,192.168.1.0/24,::1``) as ip_network objects."""
    networks = []
    for item in env_list(name, [item for item in default.split(",") if item]):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {item!r} is not an address or CIDR network ({exc})") from exc
    return tuple(networks)


def env_address_policy(name: str):
    """``true``, ``false`` (default) or addresses and CIDR networks: which private addresses may be fetched."""
    from archiver.netguard import AddressPolicy

    try:
        return AddressPolicy.parse(os.environ.get(name, ""))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc


def env_resource_tiers(name: str):
    """Download-worker pod resources by queue length (JSON); the seed's table when unset."""
    from archiver.scaling import SEED_TIERS, parse_tiers

    raw = os.environ.get(name, "").strip()
    if not raw:
        return SEED_TIERS
    try:
        return parse_tiers(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc


def env_mode(name: str, default: int) -> int:
    """A file mode in octal (``0644``, ``644`` or ``0o644``); the owner must keep read and write."""
    raw = env_str(name, "")
    if not raw:
        return default
    try:
        value = int(raw.lower().removeprefix("0o"), 8)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} must be an octal mode such as {default:04o}") from None
    if not 0 <= value <= 0o777 or value & 0o600 != 0o600:
        raise ImproperlyConfigured(f"{name}={raw!r} must be an octal mode from 0600 to 0777 that the owner "
                                   f"can read and write, such as {default:04o}")
    return value


def env_apprise_urls(name: str) -> list[str]:
    """Apprise URLs (comma or space separated, or from ``NAME_FILE``); one Apprise cannot use stops the start."""
    try:
        return notifier.check(notifier.split(env_secret(name)))
    except UserError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from None


def env_rate(name: str, default: str) -> str:
    """A DRF throttle rate such as ``10/minute`` (number/second|minute|hour|day)."""
    import re

    value = env_str(name, default) or default
    if not re.fullmatch(r"\d+/(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise ImproperlyConfigured(f"{name}={value!r} must look like 10/minute (per second, minute, hour or day)")
    return value


# YTARCHIVE_PACING: the defaults of the pacing settings, each still overridable on its own.
# "fast" is what issue 9's benchmarks measure; "home" is what a residential address can sustain
# against a site that flags bots (waits as yt-dlp's docs suggest, two downloads per site at once).
PACING_PRESETS = {
    "fast": {"YTARCHIVE_SLEEP_MIN": 0.0, "YTARCHIVE_SLEEP_MAX": 0.0, "YTARCHIVE_SLEEP_REQUESTS": 0.0,
             "YTARCHIVE_DOWNLOADS_PER_SITE": 8},
    "home": {"YTARCHIVE_SLEEP_MIN": 5.0, "YTARCHIVE_SLEEP_MAX": 30.0, "YTARCHIVE_SLEEP_REQUESTS": 1.0,
             "YTARCHIVE_DOWNLOADS_PER_SITE": 2},
}


def pacing_default(name: str):
    """The default of one pacing setting under the YTARCHIVE_PACING preset (``fast`` unless set)."""
    preset = env_choice("YTARCHIVE_PACING", "fast", tuple(PACING_PRESETS))
    return PACING_PRESETS[preset][name]


def env_profile():
    """The global download profile: each option's environment variable (archiver.channel_options names them:
    YTARCHIVE_MAX_HEIGHT, _CONTAINER, _TABS, _SLEEP_MIN, ..., _NFO), over its default."""
    from archiver import channel_options

    return channel_options.consistent({spec.name: env_option(spec) for spec in channel_options.SPECS})


def env_option(spec):
    """One option's global default, read from its variable by its kind; the spec's default when it has none."""
    name, default = spec.env, spec.default
    if not name:
        return default
    default = pacing_default(name) if name in PACING_PRESETS["fast"] else default
    if spec.kind == "int":
        return env_int(name, default, minimum=0, maximum=spec.bounds[1] if spec.bounds else None)
    if spec.kind == "float":
        return env_float(name, default, minimum=0)
    if spec.kind == "bool":
        return env_bool(name, default)
    text = env_str(name, "")
    if spec.kind == "choice":
        if text and text not in spec.choices:
            raise ImproperlyConfigured(f"{name}={text!r} must be one of: {', '.join(spec.choices)}")
        return text or default
    try:
        value = spec.read(spec.cleaned(text) if spec.kind == "text" else text) if text else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc
    return value or default


def env_http_url(name: str) -> str:
    """An http(s) URL with a host (a service of ours, such as the PO-token server), or "" when unset."""
    from urllib.parse import urlsplit

    value = env_str(name, "").strip()
    if not value:
        return ""
    if "@" in urlsplit(value).netloc:  # it is logged and sits in a ConfigMap: no secrets in it (nor echoed)
        raise ImproperlyConfigured(f"{name}: the URL must not hold a user name or password")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a URL: {exc}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(f"{name}={value!r} must be an http:// or https:// URL with a host, "
                                   "e.g. http://bgutil-provider:4416")
    return value.rstrip("/")


def env_impersonate(name: str, policy) -> str:
    """A browser yt-dlp can impersonate here (``chrome``, ``chrome-136:macos-15``, ``safari``), or "".

    Impersonation connects through libcurl (curl_cffi), where the address check on every connection
    (archiver.netguard, a Python audit hook) cannot see: so it is refused unless that check is off.
    """
    value = env_str(name, "").strip()
    if not value:
        return ""
    if not policy.allow_all:
        raise ImproperlyConfigured(
            f"{name}={value!r}: impersonation connects through libcurl, outside the check of every connection "
            "against private addresses; set YTARCHIVE_ALLOW_PRIVATE_URLS=true to run without that check "
            f"(guard the network another way), or leave {name} unset")
    from archiver.ytdlp import params  # only when set: importing yt-dlp costs ~0.3 s

    try:
        params.check_impersonate(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r}: {exc}") from exc
    return value


def env_cache_dir(name: str, default: Path) -> str:
    """A folder for yt-dlp's cache (created on first use), ``off`` for none; ``default`` when unset."""
    value = env_str(name, "").strip()
    if value.lower() in ("off", "none", "false"):
        return ""
    path = Path(value or default).expanduser()
    if not path.is_absolute():
        raise ImproperlyConfigured(f"{name}={value!r} must be an absolute path (or off)")
    return str(path)


def env_secret(name: str) -> str:
    """The secret in ``name``, or read from the file named by ``name_FILE``."""
    file_var = f"{name}_FILE"
    if os.environ.get(file_var):
        path = Path(os.environ[file_var])
        try:
            return path.read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{file_var}={path}: cannot read: {exc}") from exc
    return os.environ.get(name, "")


def persistent_secret(name: str, data_dir: Path) -> str:
    """The secret from the environment, or one generated once and kept in DATA_DIR.

    A self-hoster never has to invent a SECRET_KEY, and no fixed default ever
    ships: the generated value is random, 0600, and survives restarts.
    """
    value = env_secret(name)
    if value:
        return value
    path = data_dir / f".{name.lower()}"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = secrets.token_urlsafe(50)
    tmp = data_dir / f".{name.lower()}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    try:
        os.link(tmp, path)  # first process to start wins; the others read its value
    except FileExistsError:
        value = path.read_text().strip()
    finally:
        os.unlink(tmp)
    return value



def env_site_rates(name: str):
    """``SITE=COUNT/PERIOD,...`` (archiver.budgets): videos each egress identity may touch per period.

    Unset means ``youtube.com=250/1h``; an empty value (``NAME=``) or ``none`` means no budget anywhere.
    """
    from archiver.budgets import DEFAULT_SITE_RATES, parse_site_rates

    raw = os.environ.get(name)
    text = DEFAULT_SITE_RATES if raw is None else raw
    if text.strip().lower() == "none":
        text = ""
    try:
        return parse_site_rates(text)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc


def env_egress(name: str, proxies_name: str):
    """The egress pool (archiver.budgets.parse_egress): ``name`` (or ``name_FILE``), then the proxy URLs
    of ``proxies_name`` (or its ``_FILE``: a Kubernetes Secret). Either may hold a proxy's password,
    so a bad value is described without repeating it."""
    from archiver.budgets import parse_egress

    proxies = [url.strip() for url in env_secret(proxies_name).replace("\n", ",").split(",") if url.strip()]
    text = ",".join([env_secret(name), *(u if u.startswith("proxy:") else f"proxy:{u}" for u in proxies)])
    try:
        return parse_egress(text)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} (with {proxies_name}): {exc}") from exc


def env_library_root(name: str, archive_root: Path) -> Path | None:
    """Where the media-server library views go (archiver.library_view): an absolute folder, None when unset
    (no views). Never the archive or a folder of it (its channels' names are the archive's), unless under the
    archive's own hidden app folder (``.ytarchive/``, on the same volume, so hard links work); never a
    folder the archive is in."""
    value = env_str(name, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_absolute():
        raise ImproperlyConfigured(f"{name}={value!r} must be an absolute path")
    path, archive = path.resolve(), Path(archive_root).resolve()
    app = archive / ".ytarchive"
    if path == archive or archive.is_relative_to(path) or (path.is_relative_to(archive)
                                                            and not path.is_relative_to(app)):
        raise ImproperlyConfigured(
            f"{name}={value!r} overlaps ARCHIVE_ROOT ({archive}): put the library beside the archive on the same "
            f"volume (e.g. {archive.parent / 'library'}) or under {app / 'library'}")
    return path
