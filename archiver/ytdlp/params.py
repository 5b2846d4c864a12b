"""yt-dlp's options as the archiver sets them, and what every YoutubeDL of a process shares.

yt-dlp's library defaults differ from its command line (``retries`` is 0 in
the library, for one), so every option the archiver relies on is set here
explicitly (``base_params``), for listings, page reads and downloads alike.
``Options`` are the knobs a message carries; ``Environment`` what the process's
settings give every YoutubeDL (``configure``, once at start).

Every call into yt-dlp runs inside ``netguard.guarded()``: each connection it
makes (pages, media, fragments, thumbnails, subtitles, redirects) is checked
at connect time against YTARCHIVE_ALLOW_PRIVATE_URLS (``protect`` installs
the check once per process).
"""
from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import yt_dlp
import yt_dlp.plugins
from yt_dlp.networking.impersonate import ImpersonateTarget
from yt_dlp.utils import YoutubeDLError

from archiver import netguard
from archiver.channel_options import Profile
from archiver.ytdlp import extractor_args
from archiver.ytdlp.failures import clean

log = logging.getLogger("archiver.ytdlp")  # the package's one logger (yt-dlp's own chatter among it)
VERSION = yt_dlp.version.__version__  # its release date, for "your yt-dlp is N days old"


@dataclass(frozen=True)
class Options:
    """The download knobs (from settings), passed in the task message as plain values."""

    format: str = "bestvideo*+bestaudio/best"
    socket_timeout: float = 30.0
    http_retries: int = 10
    rate_limit: int = 0  # bytes/s, 0 = unlimited
    profile: Profile = field(default_factory=Profile)  # the channel's quality, container, audio, pacing
    sponsorblock_api: str = "https://sponsor.ajay.app"
    cookiefile: str = ""  # a private copy of the channel's cookies (archiver.cookies), for this use only
    extractor_args: str = ""  # the channel's, checked (archiver.ytdlp.extractor_args), over the process's own
    # The egress identity this read goes out through (archiver.egress): a source address or a proxy.
    source_address: str = ""
    proxy: str = ""  # resolved from the worker's own settings, never from a message

    @classmethod
    def from_request(cls, options, cookiefile: str = "") -> Options:
        """From a message's ``DownloadOptions`` (already parsed strictly)."""
        return cls(format=options.format, socket_timeout=options.socket_timeout,
                   http_retries=options.http_retries, rate_limit=options.profile.rate_limit, profile=options.profile,
                   sponsorblock_api=options.sponsorblock_api or cls.sponsorblock_api, cookiefile=cookiefile,
                   extractor_args=options.profile.extractor_args)


@dataclass(frozen=True)
class Environment:
    """What every YoutubeDL of this process shares, from its settings (``configure``): the same in
    listings, page reads and downloads, so a worker pod and the control side see YouTube alike."""

    pot_provider_url: str = ""  # a bgutil PO-token server (YTARCHIVE_POT_PROVIDER_URL); "": the plugin idles
    impersonate: str = ""  # a browser target (YTARCHIVE_IMPERSONATE); "": yt-dlp's own choice
    cache_dir: str = ""  # player JS and signatures, on storage every worker shares; "": no cache

    def pot_args(self) -> extractor_args.ExtractorArgs:
        """The plugin's documented argument (its README: ``youtubepot-bgutilhttp:base_url``); without a
        server, no PO token is asked for (``youtube:fetch_pot=never``), so the plugin never warns."""
        if not self.pot_provider_url:
            return {"youtube": {"fetch_pot": ["never"]}}
        return {"youtubepot-bgutilhttp": {"base_url": [self.pot_provider_url]}}


_environment = Environment()


def configure(environment: Environment) -> None:
    """Set what this process's YoutubeDLs share (once, at start; ``check_impersonate`` has vetted it)."""
    global _environment
    _environment = environment


_plugins_lock = threading.Lock()
_plugins_loaded = False


def load_plugins_once() -> None:
    """yt-dlp's plugins (the PO-token providers among them), loaded by one thread, the first to need them.

    A YoutubeDL loads them itself when none are loaded yet; a worker's download threads building their
    first YoutubeDLs at once imported the same plugin modules concurrently, so one failed ("cannot
    import name BgUtilPTPBase") and that worker went without its PO-token provider. Not at start-up:
    plugins on a path set after the settings load (a test's extractor) must still be found.
    """
    global _plugins_loaded
    with _plugins_lock:
        if not _plugins_loaded:
            yt_dlp.plugins.load_all_plugins()
            _plugins_loaded = True


def check_impersonate(target: str) -> None:
    """ValueError unless yt-dlp can impersonate ``target`` here (YoutubeDL refuses an unavailable one)."""
    try:
        with yt_dlp.YoutubeDL({"impersonate": ImpersonateTarget.from_str(target), "logger": Logger(),
                               "quiet": True, "cachedir": False}):
            pass
    except (ValueError, YoutubeDLError) as exc:
        raise ValueError(f"{clean(exc)} (yt-dlp --list-impersonate-targets lists the ones it has)") from exc


def _environment_params(opts: Options) -> dict:
    params = {"cachedir": _environment.cache_dir or False,
              "extractor_args": extractor_args.merge(_environment.pot_args(),
                                                     extractor_args.parse(opts.extractor_args))}
    if _environment.impersonate:
        params["impersonate"] = ImpersonateTarget.from_str(_environment.impersonate)
    return params


def environment_report() -> list[str]:
    """yt-dlp's own verbose header and PO-token provider list in this process, for its log at start.

    Its ``params`` line is left out: it would print every option, a proxy's password among them.
    """
    said: list[str] = []

    class Capture(Logger):
        def debug(self, msg):
            said.append(msg)

    params = {**base_params(Options()), "logger": Capture(), "verbose": True}
    with yt_dlp.YoutubeDL(params) as ydl, netguard.guarded():
        ydl.get_info_extractor("Youtube").initialize()  # sets up its PO-token providers; no request made
    return [*(line for line in said if not line.startswith("[debug] params:")),
            f"[ytarchive] extractor args: {extractor_args.format_args(params['extractor_args'])}",
            f"[ytarchive] impersonate: {_environment.impersonate or 'yt-dlp chooses'}",
            f"[ytarchive] cache: {_environment.cache_dir or 'none'}"]


class Logger:
    """Route yt-dlp's chatter into ``logging`` (it would print to stdout otherwise)."""

    def __init__(self, context: str = ""):
        self.context = context

    def debug(self, msg):
        log.debug("%s%s", self.context, msg)

    def info(self, msg):
        log.debug("%s%s", self.context, msg)

    def warning(self, msg):
        log.info("%syt-dlp warning: %s", self.context, msg)

    def error(self, msg):
        log.info("%syt-dlp error: %s", self.context, msg)


def protect(policy: netguard.AddressPolicy) -> None:
    """Check every connection yt-dlp makes in this process against ``policy`` (from the settings)."""
    netguard.set_policy(policy)
    netguard.install()


def base_params(opts: Options, context: str = "") -> dict:
    """What every YoutubeDL of ours is given (each is built from these, after the plugins are loaded)."""
    load_plugins_once()
    return {
        "logger": Logger(context),
        "quiet": True,
        "no_warnings": False,
        "noprogress": True,
        "color": {"stdout": "no_color", "stderr": "no_color"},
        "socket_timeout": opts.socket_timeout,
        "retries": opts.http_retries,
        "fragment_retries": opts.http_retries,
        "file_access_retries": 3,
        "extractor_retries": 0,  # transient extractor errors are retried by Celery, with backoff
        "ignoreerrors": False,
        **_environment_params(opts),
        "call_home": False,
        "js_runtimes": _js_runtimes(),
        "noplaylist": False,
        # Never logged, never kept: a private copy made for this one listing or download.
        "cookiefile": opts.cookiefile or None,
        "sleep_interval_requests": opts.profile.sleep_requests or None,
        **({"source_address": opts.source_address} if opts.source_address else {}),
        **({"proxy": opts.proxy} if opts.proxy else {}),
    }


def _js_runtimes() -> dict:
    """deno for YouTube's player challenges: the one installed beside this Python, else from PATH."""
    deno = Path(sys.executable).with_name("deno")
    return {"deno": {"path": str(deno)} if deno.exists() else {}}


def listing_params(opts: Options) -> dict:
    return {**base_params(opts), "extract_flat": "in_playlist", "lazy_playlist": True}

