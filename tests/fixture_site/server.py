"""A tiny fake video site on 127.0.0.1 that real yt-dlp can list and download from.

Served with the stdlib ``ThreadingHTTPServer`` in a daemon thread, so tests need no extra
dependencies and no internet. Content comes from ``catalog``; media bytes from a directory built
by ``media.build_media``. The server counts requests per path (so tests can assert on laziness,
retries and caching) and injects failures for the catalog's special videos.

Routes (all GET/HEAD)::

    /                                     index page (humans)
    /channel/{cid}  /channel/{cid}/{tab}  channel / tab pages (humans)
    /@{handle}      /@{handle}/{tab}      same, by handle
    /watch/{vid}                          video page (humans)
    /api/channel/{cid}.json               channel metadata incl. tabs
    /api/resolve/{handle}.json            {"channel_id": ...}
    /api/channel/{cid}/{tab}.json?page=N  {"entries": [{"id","title","duration"}], "next_page"}
    /api/video/{vid}.json                 video metadata with absolute media URLs
    /media/{vid}.mp4                      Range requests supported; ``vid-slow`` is throttled
                                          (``bench-N-i``: a big generated mp4, see media.py)
    /thumbs/{vid}.jpg|.webp  /subs/{vid}.{lang}.vtt  /avatars/{cid}.jpg  /banners/{cid}.jpg (media.BANNERS)
    /subs/{vid}.{lang}.auto.vtt[?tlang=]  automatic captions (talk.py: ``vid-talk`` only)
    /api/comments/{vid}.json?sort=&page=  a page of a video's comments (talk.py; ``removed_comments`` hides some)
    /feeds/podcast.xml                    RSS 2.0 feed of direct mp4 links (yt-dlp's generic IE)
    /feeds/oldest-first.xml               the same items oldest first, then ``feed_appended`` (a feed
                                          that grows at its end, as many playlists and feeds do)
    /api/skipSegments/{sha256 prefix}     SponsorBlock's API: the segments of the videos whose id
                                          hashes to that prefix (``?categories=["sponsor",...]``)

A members-only video's metadata answers 403 unless the request carries ``catalog.MEMBER_COOKIE``.
The failures channels' videos answer as YouTube refuses a video (``{"error": "unplayable",
"playability": {"status", "reason", "subreason", "countries"}}``, the bot check only for the first
``bot_check_failures`` requests), offer only storyboard images, or lack their title.

Like YouTube, the fixture can limit each client address (off unless a test turns it on): at most
``limit_count`` video requests (a video's page, ``/api/video/``: one per video touched) in any
``limit_window`` seconds; one more and that address gets bot-check answers ("Sign in to confirm
you're not a bot"; media 403) for ``limit_penalty`` seconds. ``trip_address`` flags an address so
by hand; ``throttle`` offers one address only the small format of a channel's videos (throttled
formats). ``request_log()`` is every request with its client address, time, status, Range header and
the file bytes sent (the judge of resumed downloads), the
judge of budgets (several egress identities are source addresses in 127.0.0.0/8, which Linux
routes to loopback: the site on 127.0.0.1 sees them as they are).

Like a real video site, the fixture can cap the bandwidth of each connection for every file it
serves (``media_rate`` bytes/s; ``slow`` videos keep their own ``slow_rate``) and hold every
answer back before its first byte (``first_byte_delay`` seconds); both may change at any time.

Flaky media (off unless a test turns it on): a fraction ``media_faults`` of media requests
(``/media/{vid}.mp4``) fails, half of them answered 503 and half cut mid-body (the headers promise
the whole file, the connection closes after part of it). Which requests fail is decided by a hash
of ``media_fault_seed``, the path and how many times that path was asked for, so a run with the
same seed and the same requests fails the same ones, and a path asked for again may succeed.

Manual demo: ``python -m tests.fixture_site.server --port 8765 --media-dir DIR``.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime as dt
import email.utils
import hashlib
import html
import io
import json
import logging
import re
import threading
import time
import traceback
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from xml.sax.saxutils import escape as xml_escape

from . import catalog, media, talk

logger = logging.getLogger(__name__)

DEFAULT_SLOW_RATE = 200 * 1024  # bytes per second for videos marked ``slow``
_CHUNK = 64 * 1024
_CONTENT_TYPES = {
    "mp4": "video/mp4",
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "vtt": "text/vtt; charset=utf-8",
}


@dataclasses.dataclass(frozen=True)
class Request:
    """One request as the site saw it (``FixtureSite.request_log``)."""

    at: float  # time.monotonic()
    address: str  # the client's address (an egress identity's source address)
    path: str
    status: int
    bot_check: bool  # answered "Sign in to confirm you're not a bot"
    range: str = ""  # the request's Range header ("bytes=N-" from a client resuming)
    sent: int = 0  # body bytes written to the client (a file cut short counts what went out)

    @property
    def video_page(self) -> bool:
        """A video's own page: what the limiter counts (one per video touched)."""
        return self.path.startswith("/api/video/")


class FixtureSite:
    """The fake site. ``start()`` binds (port 0 = any free port) and serves in a thread."""

    def __init__(self, media_dir: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.media_dir = Path(media_dir)
        self.host = host
        self.port = port
        #: Bytes/second for videos marked ``slow`` in the catalog; may be changed at any time.
        self.slow_rate = DEFAULT_SLOW_RATE
        #: How many metadata requests of a flaky video answer 503 before one succeeds.
        self.flaky_failures = catalog.FLAKY_FAILURES
        #: Seconds each channel-tab listing page waits before answering (a slow listing); may change any time.
        self.listing_delay = 0.0
        #: Bytes/second per connection for every file served (media, thumbnails, subtitles), 0 = no cap;
        #: ``slow`` videos get the lower of this and ``slow_rate``. May be changed at any time.
        self.media_rate = 0
        #: Seconds every request waits before its first byte (a real site's latency); may change any time.
        self.first_byte_delay = 0.0
        #: Size in MB of each ``chan-bench-N`` video (default ``$YTARCHIVE_BENCH_MB`` or 3).
        self.bench_mb = media.bench_mb()
        #: Flaky media (module docstring): the fraction of media requests that fail (0 = none), and the seed
        #: that decides which; ``media_fault_counts`` counts what was done ("503", "cut"). May change any time.
        self.media_faults = 0.0
        self.media_fault_seed = 0
        self.media_fault_counts: collections.Counter[str] = collections.Counter()
        #: A site rate-limiting us: video metadata and media answer 429 Too Many Requests while True.
        self.answer_429 = False
        #: Media responses being sent now, and the most at once since the last reset().
        self.media_active = 0
        self.media_active_max = 0
        #: A hostile site: per video id, fields of its metadata replaced (e.g. ``{"media_url": "http://..."}``).
        self.video_overrides: dict[str, dict] = {}
        #: Upstream changes between two syncs: a new title (listing and metadata), videos taken down
        #: (gone from the listing, 404), and view/like counts added to the catalog's (metadata only).
        self.renamed: dict[str, str] = {}
        self.taken_down: set[str] = set()
        self.extra_views: dict[str, int] = {}
        #: Comment ids deleted upstream: gone from every later read of the comments (tests/fixture_site/talk.py).
        self.removed_comments: set[str] = set()
        #: The comments' pages answer 404 while True (a read of them that fails for good).
        self.comments_broken = False
        #: Items appended (in this order) to the end of ``/feeds/oldest-first.xml``, a feed listed oldest first.
        self.feed_appended: list[str] = []
        #: How many metadata requests of a BOT_CHECK video get YouTube's bot check before one succeeds.
        self.bot_check_failures = catalog.BOT_CHECK_FAILURES
        self._bot_check_hits: collections.Counter[str] = collections.Counter()
        #: The per-address limiter (module docstring); 0 = off.
        self.limit_count = 0
        self.limit_window = 0.0
        self.limit_penalty = 0.0
        #: address -> time.monotonic() its bot checks end (the limiter's, or ``trip_address``).
        self.bot_checked: dict[str, float] = {}
        #: address -> seconds of bot checks that start at its next request (``trip_address``).
        self._trip_on_request: dict[str, float] = {}
        #: address -> channel ids whose videos that address is offered only the small format.
        self.throttled: dict[str, set[str]] = collections.defaultdict(set)
        self._video_hits: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self._log: list[Request] = []
        self._bench_built: set[float] = set()
        self._lock = threading.Lock()
        self._counts: collections.Counter[str] = collections.Counter()
        self._times: dict[str, list[float]] = collections.defaultdict(list)
        self._flaky_hits: collections.Counter[str] = collections.Counter()
        #: ``(path, User-Agent)`` of every request, in order (a browser yt-dlp impersonates says so).
        self._agents: list[tuple[str, str]] = []
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ---

    def start(self) -> Self:
        if self._httpd is not None:
            raise RuntimeError("FixtureSite already started")
        self._httpd = _Server((self.host, self.port), _Handler)
        self._httpd.site = self
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"fixture-site-{self.port}", daemon=True)
        self._thread.start()
        logger.debug("fixture site serving at %s", self.base_url)
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("FixtureSite is not started")
        return f"http://{self.host}:{self.port}"

    # --- bookkeeping ---

    def request_count(self, path: str) -> int:
        """Requests seen for ``path`` (no query string, e.g. ``/api/video/vid-flaky.json``)."""
        with self._lock:
            return self._counts[path]

    def request_times(self, path: str) -> list[float]:
        """When (``time.monotonic()``) each request for ``path`` arrived, oldest first."""
        with self._lock:
            return list(self._times[path])

    def agents_mark(self) -> int:
        """A mark in the request log, for ``user_agents(since=mark)``."""
        with self._lock:
            return len(self._agents)

    def user_agents(self, path: str, since: int = 0) -> set[str]:
        """The User-Agent headers the requests for ``path`` came with (after the mark ``since``)."""
        with self._lock:
            return {agent for seen, agent in self._agents[since:] if seen == path}

    def request_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def request_log(self) -> list[Request]:
        """Every request since the last reset, oldest first."""
        with self._lock:
            return list(self._log)

    def refusals(self) -> list[Request]:
        """The requests answered with a bot check (the limiter's or a tripped address's)."""
        return [entry for entry in self.request_log() if entry.bot_check]

    def peak_video_pages(self, address: str, window: float) -> int:
        """The most video pages ``address`` asked for in any ``window`` seconds (the limiter's count)."""
        times = sorted(e.at for e in self.request_log() if e.address == address and e.video_page and not e.bot_check)
        peak, first = 0, 0
        for last, at in enumerate(times):
            while at - times[first] >= window:
                first += 1
            peak = max(peak, last - first + 1)
        return peak

    def trip_address(self, address: str, seconds: float, from_first_request: bool = False) -> None:
        """Answer ``address`` with bot checks for ``seconds`` from now (as if it had spent its allowance), or
        from its next request when ``from_first_request`` (so a slow start cannot outlast the trip)."""
        with self._lock:
            if from_first_request:
                self._trip_on_request[address] = seconds
            else:
                self.bot_checked[address] = time.monotonic() + seconds

    def throttle(self, address: str, channel_id: str, on: bool = True) -> None:
        """Offer ``address`` only the small format of ``channel_id``'s videos (or stop doing so)."""
        with self._lock:
            (self.throttled[address].add if on else self.throttled[address].discard)(channel_id)

    def _bot_check(self, address: str, counted: bool) -> bool:
        """True when ``address`` must get a bot check now; a ``counted`` request (a video's page)
        spends one of its allowance in the limiter's sliding window."""
        now = time.monotonic()
        with self._lock:
            if address in self._trip_on_request:
                self.bot_checked[address] = now + self._trip_on_request.pop(address)
            if now < self.bot_checked.get(address, 0.0):
                return True
            if counted and self.limit_count > 0:
                hits = self._video_hits[address]
                while hits and hits[0] <= now - self.limit_window:
                    hits.popleft()
                if len(hits) >= self.limit_count:
                    self.bot_checked[address] = now + self.limit_penalty
                    return True
                hits.append(now)
            return False

    def _record(self, address: str, path: str, status: int, bot: bool, byte_range: str = "", sent: int = 0) -> None:
        with self._lock:
            self._log.append(Request(time.monotonic(), address, path, status, bot, byte_range, sent))

    def reset(self) -> None:
        """Forget request counts, the request log, the limiter's windows and the flaky videos' counters."""
        with self._lock:
            self._counts.clear()
            self._times.clear()
            self._flaky_hits.clear()
            self._bot_check_hits.clear()
            self._log.clear()
            self._video_hits.clear()
            self.media_fault_counts.clear()
            self.media_active_max = self.media_active

    def _count(self, path: str) -> None:
        with self._lock:
            self._counts[path] += 1
            self._times[path].append(time.monotonic())

    def bench_mp4(self, video: catalog.Video) -> tuple[Path, bytes]:
        """``(source mp4, tail)`` served for a bench video at the current ``bench_mb``."""
        mb = self.bench_mb
        if mb not in self._bench_built:
            media.build_bench_media(self.media_dir, mb)
            self._bench_built.add(mb)
        return media.bench_mp4(self.media_dir, video, mb)

    def mp4_bytes(self, video_id: str) -> bytes:
        """Exactly the bytes ``/media/{video_id}.mp4`` serves (static or bench video)."""
        video = catalog.get_video(video_id)
        if video is not None and video.media_of:
            path, tail = self.bench_mp4(video)
            return path.read_bytes() + tail
        return media.mp4_path(self.media_dir, video_id).read_bytes()

    def media_fault(self, path: str) -> str | None:
        """``"503"``, ``"cut"`` or None: what this request of ``path`` gets from the flaky-media knob.

        Called once per media request, after ``_count`` counted it: the n-th request of a path always
        gets the same answer for a given seed.
        """
        if self.media_faults <= 0:
            return None
        with self._lock:
            nth = self._counts[path]
        digest = hashlib.sha256(f"{self.media_fault_seed}:{path}:{nth}".encode()).digest()
        if int.from_bytes(digest[:8], "big") / 2 ** 64 >= self.media_faults:
            return None
        fault = "503" if digest[8] % 2 else "cut"
        with self._lock:
            self.media_fault_counts[fault] += 1
        return fault

    def _flaky_should_fail(self, video_id: str) -> bool:
        with self._lock:
            self._flaky_hits[video_id] += 1
            return self._flaky_hits[video_id] <= self.flaky_failures

    def _bot_check_should_fail(self, video_id: str) -> bool:
        with self._lock:
            self._bot_check_hits[video_id] += 1
            return self._bot_check_hits[video_id] <= self.bot_check_failures


_YOUTUBE_FAILURES = (catalog.UNPLAYABLE, catalog.BOT_CHECK, catalog.IMAGES_ONLY, catalog.BROKEN)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    site: FixtureSite

    def handle_error(self, request, client_address) -> None:
        # The default prints tracebacks to stderr; clients hanging up mid-body are normal here.
        logger.debug("error while serving %s:\n%s", client_address, traceback.format_exc())


_ROUTES: list[tuple[re.Pattern, str]] = [
    (re.compile(pattern), name) for pattern, name in [
        (r"/", "index"),
        (r"/channel/(?P<cid>[^/]+)/?", "channel_page"),
        (r"/channel/(?P<cid>[^/]+)/(?P<tab>[^/]+)/?", "tab_page"),
        (r"/@(?P<handle>[^/]+)/?", "handle_page"),
        (r"/@(?P<handle>[^/]+)/(?P<tab>[^/]+)/?", "handle_tab_page"),
        (r"/watch/(?P<vid>[^/]+)", "watch_page"),
        (r"/api/channel/(?P<cid>[^/]+)\.json", "api_channel"),
        (r"/api/channel/(?P<cid>[^/]+)/playlists\.json", "api_playlists"),
        (r"/api/channel/(?P<cid>[^/]+)/(?P<tab>[^/]+)\.json", "api_tab"),
        (r"/api/playlist/(?P<pid>[^/]+)\.json", "api_playlist"),
        (r"/playlist", "playlist_page"),
        (r"/api/resolve/(?P<handle>[^/]+)\.json", "api_resolve"),
        (r"/api/video/(?P<vid>[^/]+)\.json", "api_video"),
        (r"/media/(?P<vid>[^/]+)\.h(?P<height>\d+)\.mp4", "small_media"),
        (r"/media/(?P<vid>[^/]+)\.mp4", "media"),
        (r"/thumbs/(?P<vid>[^/]+)\.(?P<ext>jpg|webp)", "thumb"),
        (r"/subs/(?P<vid>[^/]+)\.(?P<lang>[a-z]{2})\.vtt", "subs"),
        (r"/subs/(?P<vid>[^/]+)\.(?P<lang>[a-z]{2})\.auto\.vtt", "auto_subs"),
        (r"/api/comments/(?P<vid>[^/]+)\.json", "api_comments"),
        (r"/avatars/(?P<cid>[^/]+)\.jpg", "avatar"),
        (r"/banners/(?P<cid>[^/]+)\.jpg", "banner"),
        (r"/feeds/podcast\.xml", "feed"),
        (r"/feeds/hostile\.xml", "hostile_feed"),
        (r"/feeds/oldest-first\.xml", "oldest_first_feed"),
        (r"/redirect", "redirect"),
        (r"/api/skipSegments/(?P<prefix>[0-9a-f]{4,64})", "skip_segments"),
    ]
]


class _Handler(BaseHTTPRequestHandler):
    """One request. HTTP/1.0 (one request per connection) keeps shutdown simple."""

    server: _Server
    server_version = "FixtureSite/1.0"

    @property
    def site(self) -> FixtureSite:
        return self.server.site

    def log_message(self, format: str, *args) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)

    def do_HEAD(self) -> None:
        self.do_GET()

    def send_response(self, code, message=None) -> None:
        self.status = int(code)
        super().send_response(code, message)

    @property
    def client(self) -> str:
        return self.client_address[0]

    def do_GET(self) -> None:
        split = urllib.parse.urlsplit(self.path)
        self.status, self.bot, self.sent = 0, False, 0
        try:
            self._get(split)
        finally:
            self.site._record(self.client, split.path, self.status, self.bot, self.headers.get("Range") or "",
                              self.sent)

    def _bot_answer(self) -> None:
        """YouTube's "Sign in to confirm you're not a bot", as the fixture's extractor reads it."""
        self.bot = True
        if self.path.startswith("/api/"):
            self._json({"error": "bot"}, HTTPStatus.FORBIDDEN)
        else:
            self._error(HTTPStatus.FORBIDDEN, "Sign in to confirm you're not a bot")

    def _get(self, split) -> None:
        self.site._count(split.path)
        with self.site._lock:
            self.site._agents.append((split.path, self.headers.get("User-Agent") or ""))
        self.query = urllib.parse.parse_qs(split.query)
        path = urllib.parse.unquote(split.path)
        if self.site.first_byte_delay > 0:
            time.sleep(self.site.first_byte_delay)
        try:
            for pattern, name in _ROUTES:
                match = pattern.fullmatch(path)
                if match:
                    getattr(self, f"_route_{name}")(**match.groupdict())
                    return
            self._error(HTTPStatus.NOT_FOUND, "no such page")
        except (BrokenPipeError, ConnectionResetError):
            logger.debug("client went away during %s", self.path)

    # --- response helpers ---

    @property
    def origin(self) -> str:
        """Scheme+host the client used, so absolute URLs work for 127.0.0.1 and localhost."""
        host = self.headers.get("Host") or f"{self.site.host}:{self.site.port}"
        return f"http://{host}"

    def _send(self, status: int, body: bytes, content_type: str, headers=None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, data, status: int = HTTPStatus.OK) -> None:
        body = json.dumps(data, ensure_ascii=False).encode()
        self._send(status, body, "application/json; charset=utf-8")

    def _html(self, title: str, body: str, status: int = HTTPStatus.OK) -> None:
        page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
                f"</title></head><body>{body}</body></html>")
        self._send(status, page.encode(), "text/html; charset=utf-8")

    def _error(self, status: int, message: str) -> None:
        if self.path.startswith("/api/"):
            self._json({"error": message}, status)
        else:
            self._html(f"{int(status)} {message}", f"<h1>{html.escape(message)}</h1>", status)

    def _file(self, path: Path | None, content_type: str, throttled: bool = False, tail: bytes = b"",
              cut: bool = False) -> None:
        """Send a file followed by ``tail`` (or ``tail`` alone), honouring a single ``Range: bytes=``.

        ``cut``: promise the whole range in the headers but close the connection after half of it
        (a transfer broken mid-body, the flaky-media knob).

        Every file is sent at ``site.media_rate`` bytes/s, ``throttled`` ones at ``site.slow_rate``
        (or the lower of the two); both are re-read for every chunk, so a test may change the
        rate while a download is running.
        """
        try:
            handle = path.open("rb") if path is not None else io.BytesIO(b"")
        except OSError:
            self._error(HTTPStatus.NOT_FOUND, "file not found")
            return
        with handle:
            head_size = path.stat().st_size if path is not None else 0
            if tail:
                handle = _Concat(handle, head_size, tail)
            size = head_size + len(tail)
            byte_range = _parse_range(self.headers.get("Range"), size)
            if byte_range == "unsatisfiable":
                self._send(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, b"", "text/plain",
                           {"Content-Range": f"bytes */{size}"})
                return
            start, end = byte_range or (0, size - 1)
            self.send_response(HTTPStatus.PARTIAL_CONTENT if byte_range else HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(end - start + 1))
            self.send_header("Accept-Ranges", "bytes")
            if byte_range:
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
            self.end_headers()
            if self.command == "HEAD":
                return
            handle.seek(start)
            length = end - start + 1
            self._stream(handle, length // 2 if cut else length, throttled)
            if cut:
                self.close_connection = True

    def _stream(self, handle, remaining: int, throttled: bool) -> None:
        started, sent = time.monotonic(), 0
        while remaining > 0:
            rates = [r for r in (self.site.media_rate, self.site.slow_rate if throttled else 0) if r > 0]
            current_rate = min(rates) if rates else 0
            chunk_size = min(_CHUNK, max(1024, current_rate // 10)) if current_rate else _CHUNK
            chunk = handle.read(min(chunk_size, remaining))
            if not chunk:
                break
            self.wfile.write(chunk)
            sent += len(chunk)
            self.sent += len(chunk)
            remaining -= len(chunk)
            if current_rate:
                delay = started + sent / current_rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)

    # --- API routes ---

    def _channel_json(self, channel: catalog.Channel) -> dict:
        return {
            "id": channel.id,
            "handle": channel.handle,
            "title": channel.title,
            "description": channel.description,
            "url": f"{self.origin}/channel/{channel.id}",
            "avatar_url": f"{self.origin}/avatars/{channel.id}.jpg",
            "banner_url": f"{self.origin}/banners/{channel.id}.jpg" if channel.id in media.BANNERS else None,
            "tabs": [{"name": name, "title": name.capitalize(), "count": len(ids)}
                     for name, ids in channel.tabs.items()],
        }

    def _route_api_channel(self, cid: str) -> None:
        channel = catalog.get_channel(cid)
        if channel is None:
            self._error(HTTPStatus.NOT_FOUND, "no such channel")
            return
        self._json(self._channel_json(channel))

    def _route_api_resolve(self, handle: str) -> None:
        cid = catalog.resolve_handle(handle)
        if cid is None:
            self._error(HTTPStatus.NOT_FOUND, "no such handle")
            return
        self._json({"channel_id": cid})

    def _route_api_tab(self, cid: str, tab: str) -> None:
        if self.site.listing_delay:
            time.sleep(self.site.listing_delay)
        channel = catalog.get_channel(cid)
        if channel is None or tab not in channel.tabs:
            self._error(HTTPStatus.NOT_FOUND, "no such channel tab")
            return
        try:
            page_number = int(self.query.get("page", ["1"])[0])
        except ValueError:
            page_number = 0
        if page_number < 1:
            self._error(HTTPStatus.BAD_REQUEST, "page must be a positive integer")
            return
        page = catalog.tab_page(channel, tab, page_number)
        self._json({
            "channel_id": channel.id,
            "tab": tab,
            "page": page.page,
            "page_size": page.page_size,
            "total": page.total,
            "entries": [{"id": v.id, "title": self.site.renamed.get(v.id, v.title), "duration": v.duration}
                        for v in page.entries if v.id not in self.site.taken_down],
            "next_page": page.next_page,
        })

    def _route_api_playlists(self, cid: str) -> None:
        """A channel's playlists tab (taken-down playlists gone from it); 404 for a channel without one."""
        channel = catalog.get_channel(cid)
        if channel is None or cid not in catalog.PLAYLIST_TABS:
            self._error(HTTPStatus.NOT_FOUND, "no such channel tab")
            return
        lists = [catalog.PLAYLISTS[pid] for pid in catalog.PLAYLIST_TABS[cid] if pid not in self.site.taken_down]
        self._json({"channel_id": cid, "playlists": [
            {"id": p.id, "title": p.title, "count": len(p.video_ids)} for p in lists]})

    def _route_api_playlist(self, pid: str) -> None:
        """One playlist, its entries page by page in its own order (a private one as YouTube lists it)."""
        playlist = catalog.PLAYLISTS.get(pid)
        if playlist is None or pid in self.site.taken_down:
            self._error(HTTPStatus.NOT_FOUND, "The playlist does not exist.")
            return
        try:
            number = int(self.query.get("page", ["1"])[0])
        except ValueError:
            number = 0
        if number < 1:
            self._error(HTTPStatus.BAD_REQUEST, "page must be a positive integer")
            return
        size = catalog.PLAYLIST_PAGE_SIZE
        ids = [vid for vid in playlist.video_ids if vid not in self.site.taken_down]
        page = ids[(number - 1) * size:number * size]
        owner = catalog.get_channel(playlist.channel_id)
        self._json({
            "id": playlist.id, "title": playlist.title, "description": playlist.description,
            "channel_id": playlist.channel_id, "channel": owner.title if owner else "",
            "channel_url": f"{self.origin}/channel/{playlist.channel_id}" if owner else "",
            "count": len(ids), "page": number,
            "entries": [{"id": vid, "title": self.site.renamed.get(vid, catalog.get_video(vid).title),
                         "duration": catalog.get_video(vid).duration} for vid in page],
            "next_page": number + 1 if number * size < len(ids) else None,
        })

    def _route_playlist_page(self) -> None:
        playlist = catalog.PLAYLISTS.get(self.query.get("list", [""])[0])
        if playlist is None or playlist.id in self.site.taken_down:
            self._error(HTTPStatus.NOT_FOUND, "The playlist does not exist.")
            return
        items = "".join(f"<li><a href='/watch/{vid}'>{html.escape(catalog.get_video(vid).title)}</a></li>"
                        for vid in playlist.video_ids)
        self._html(playlist.title, f"<h1>{html.escape(playlist.title)}</h1><ol>{items}</ol>")

    def _route_api_video(self, vid: str) -> None:
        video = catalog.get_video(vid)
        if self.site._bot_check(self.client, counted=True):
            self._bot_answer()
        elif self.site.answer_429:
            self._error(HTTPStatus.TOO_MANY_REQUESTS, "Too Many Requests")
        elif video is not None and video.status in _YOUTUBE_FAILURES:
            self._route_youtube_failure(video)
        elif video is None or video.status in (catalog.REMOVED, catalog.LISTING_ONLY) or vid in self.site.taken_down:
            self._error(HTTPStatus.NOT_FOUND, "video not found")
        elif video.status == catalog.PRIVATE:
            self._json({"error": "private"}, HTTPStatus.FORBIDDEN)
        elif video.status == catalog.MEMBERS and not self._is_member():
            self._json({"error": "members"}, HTTPStatus.FORBIDDEN)
        elif video.status == catalog.FLAKY and self.site._flaky_should_fail(vid):
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, "temporarily unavailable")
        else:
            self._json(self._video_json(video))

    # --- failures as YouTube words them (catalog's failures block) ---

    def _route_youtube_failure(self, video: catalog.Video) -> None:
        """A video that fails as on YouTube: its refusal (playabilityStatus), sound-less formats, or a page
        the extractor cannot read. The plugin turns them into yt-dlp's own words."""
        if video.status == catalog.UNPLAYABLE or (
                video.status == catalog.BOT_CHECK and self.site._bot_check_should_fail(video.id)):
            status, reason, subreason = video.playability
            self._json({"error": "unplayable", "playability": {
                "status": status, "reason": reason, "subreason": subreason, "countries": ["DE", "AT"]}})
            return
        meta = self._video_json(video)
        if video.status == catalog.IMAGES_ONLY:
            meta["formats"] = [{"format_id": f"sb{n}", "url": f"{self.origin}/thumbs/{video.id}.jpg", "ext": "mhtml",
                               "vcodec": "none", "acodec": "none", "width": 48, "height": 27} for n in range(2)]
        elif video.status == catalog.BROKEN:
            del meta["title"]
        self._json(meta)

    def _is_member(self) -> bool:
        name, value = catalog.MEMBER_COOKIE
        return any(part.strip() == f"{name}={value}" for part in (self.headers.get("Cookie") or "").split(";"))

    def _route_skip_segments(self, prefix: str) -> None:
        """SponsorBlock's ``/api/skipSegments/{prefix}``: 404 when no video of that prefix has segments."""
        try:
            wanted = set(json.loads(self.query.get("categories", ['["sponsor"]'])[0]))
        except ValueError:
            self._error(HTTPStatus.BAD_REQUEST, "categories must be a JSON list")
            return
        found = []
        for video in catalog.VIDEOS.values():
            if video.sponsor_segments and hashlib.sha256(video.id.encode()).hexdigest().startswith(prefix):
                segments = [{"category": cat, "actionType": "skip", "segment": [start, end],
                             "UUID": f"{video.id}-{n}", "videoDuration": video.duration, "locked": 1, "votes": 1,
                             "description": ""}
                            for n, (start, end, cat) in enumerate(video.sponsor_segments) if cat in wanted]
                if segments:
                    found.append({"videoID": video.id, "segments": segments})
        if found:
            self._json(found)
        else:
            self._error(HTTPStatus.NOT_FOUND, "Not Found")

    def _route_redirect(self) -> None:
        """``/redirect?to=URL``: a 302 to anywhere (a hostile site's redirect hop)."""
        self._send(HTTPStatus.FOUND, b"", "text/plain", {"Location": (self.query.get("to") or ["/"])[0]})

    def _video_json(self, video: catalog.Video) -> dict:
        meta = {**self._plain_video_json(video), **self.site.video_overrides.get(video.id, {})}
        if video.sponsor_segments:
            meta["sponsorblock"] = True  # the extractor says it is a YouTube video: SponsorBlock serves no other
        if video.id == talk.TALK_ID:  # comments and automatic captions (tests/fixture_site/talk.py)
            meta["comment_count"] = len(talk.comments("top", self.site.removed_comments))
            meta["comments_url"] = f"{self.origin}/api/comments/{video.id}.json"
            meta["automatic_captions"] = {lang: f"{self.origin}/subs/{video.id}.{lang}.auto.vtt"
                                          for lang in talk.AUTO_LANGS}
            meta["automatic_captions"][talk.TRANSLATED_LANG] = (
                f"{self.origin}/subs/{video.id}.de.auto.vtt?tlang={talk.TRANSLATED_LANG}")
        if video.chapters:
            meta["chapters"] = [{"start_time": start, "end_time": end, "title": title}
                                for start, end, title in video.chapters]
        if not video.media_of:  # two formats: the full size and a smaller one
            small_width = round(video.width * media.SMALL_HEIGHT / video.height / 2) * 2
            meta["formats"] = [
                {"format_id": f"mp4-{video.height}", "url": meta["media_url"], "width": video.width,
                 "height": video.height, "filesize": meta["filesize"]},
                {"format_id": f"mp4-{media.SMALL_HEIGHT}", "width": small_width, "height": media.SMALL_HEIGHT,
                 "url": f"{self.origin}/media/{video.id}.h{media.SMALL_HEIGHT}.mp4"},
            ]
            with self.site._lock:
                throttled = video.channel_id in self.site.throttled.get(self.client, ())
            if throttled:  # throttled formats: this address is offered only the small one
                meta["formats"] = meta["formats"][1:]
        return meta

    def _plain_video_json(self, video: catalog.Video) -> dict:
        channel = catalog.get_channel(video.channel_id)
        if video.media_of:
            source, tail = self.site.bench_mp4(video)
            filesize = source.stat().st_size + len(tail)
        else:
            mp4 = media.mp4_path(self.site.media_dir, video.id)
            filesize = mp4.stat().st_size if mp4.exists() else None
        views = 1000 + 37 * sum(map(ord, video.id)) % 900 + self.site.extra_views.get(video.id, 0)
        return {
            "id": video.id,
            "title": self.site.renamed.get(video.id, video.title),
            "description": video.description,
            "view_count": views,
            "like_count": views // 10,
            "upload_date": video.upload_date,
            "duration": video.duration,
            "channel_id": channel.id,
            "channel": channel.title,
            "channel_handle": channel.handle,
            "channel_url": f"{self.origin}/channel/{channel.id}",
            "webpage_url": f"{self.origin}/watch/{video.id}",
            "media_url": f"{self.origin}/media/{video.id}.mp4",
            "width": video.width,
            "height": video.height,
            "fps": video.fps,
            "filesize": filesize,
            "thumbnail_url": f"{self.origin}/thumbs/{video.id}.{video.thumbnail_ext}",
            "subtitles": {lang: f"{self.origin}/subs/{video.id}.{lang}.vtt"
                          for lang in media.SUBTITLE_LANGS},
        }

    # --- static files ---

    def _media_video(self, vid: str) -> catalog.Video | None:
        video = catalog.get_video(vid)
        return video if video is not None and video.has_media else None

    def _route_media(self, vid: str) -> None:
        video = self._media_video(vid)
        if self.site._bot_check(self.client, counted=False):
            self._bot_answer()
            return
        if video is None:
            self._error(HTTPStatus.NOT_FOUND, "no such media")
            return
        fault = self.site.media_fault(urllib.parse.urlsplit(self.path).path)
        if fault == "503":
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, "temporarily unavailable")
            return
        cut = fault == "cut"
        if video.media_of:
            source, tail = self.site.bench_mp4(video)
            self._file(source, _CONTENT_TYPES["mp4"], video.slow, tail, cut=cut)
            return
        with self.site._lock:
            self.site.media_active += 1
            self.site.media_active_max = max(self.site.media_active_max, self.site.media_active)
        try:
            self._file(media.mp4_path(self.site.media_dir, vid), _CONTENT_TYPES["mp4"], video.slow, cut=cut)
        finally:
            with self.site._lock:
                self.site.media_active -= 1

    def _route_small_media(self, vid: str, height: str) -> None:
        video = self._media_video(vid)
        if self.site._bot_check(self.client, counted=False):
            self._bot_answer()
            return
        if video is None or video.media_of or int(height) != media.SMALL_HEIGHT:
            self._error(HTTPStatus.NOT_FOUND, "no such media")
            return
        self._file(media.small_mp4(self.site.media_dir, vid), _CONTENT_TYPES["mp4"], video.slow)

    def _route_thumb(self, vid: str, ext: str) -> None:
        video = self._media_video(vid)
        if video is None or video.thumbnail_ext != ext:
            self._error(HTTPStatus.NOT_FOUND, "no such thumbnail")
            return
        source = catalog.VIDEOS[video.media_of] if video.media_of else video
        self._file(media.thumbnail_path(self.site.media_dir, source), _CONTENT_TYPES[ext])

    def _route_subs(self, vid: str, lang: str) -> None:
        video = self._media_video(vid)
        if video is None or lang not in media.SUBTITLE_LANGS:
            self._error(HTTPStatus.NOT_FOUND, "no such subtitles")
            return
        if video.media_of:  # bench videos: made on the fly, like the cached ones
            self._file(None, _CONTENT_TYPES["vtt"], tail=media.subtitle_text(video, lang).encode())
            return
        self._file(media.subtitle_path(self.site.media_dir, vid, lang), _CONTENT_TYPES["vtt"])

    def _route_auto_subs(self, vid: str, lang: str) -> None:
        """An automatic-caption track (``?tlang=xx``: its machine translation, as YouTube serves one)."""
        tlang = (self.query.get("tlang") or [""])[0]
        if vid != talk.TALK_ID or lang not in talk.AUTO_LANGS or tlang not in ("", talk.TRANSLATED_LANG):
            self._error(HTTPStatus.NOT_FOUND, "no such captions")
            return
        body = talk.auto_caption_text(tlang or lang).encode()
        self._send(HTTPStatus.OK, body, _CONTENT_TYPES["vtt"])

    def _route_api_comments(self, vid: str) -> None:
        """A page of a video's comments: ``?sort=top|new&page=N`` -> ``{"comments": [...], "next_page"}``."""
        if self.site.comments_broken:
            self._error(HTTPStatus.NOT_FOUND, "comments unavailable")
            return
        if vid != talk.TALK_ID:
            self._json({"comments": [], "next_page": None})
            return
        sort = (self.query.get("sort") or ["top"])[0]
        page = int((self.query.get("page") or ["1"])[0] or 1)
        with self.site._lock:
            removed = set(self.site.removed_comments)
        listed = talk.comments(sort, removed)
        size = 10
        chunk = listed[(page - 1) * size: page * size]
        self._json({"comments": chunk, "next_page": page + 1 if page * size < len(listed) else None})

    def _route_avatar(self, cid: str) -> None:
        channel = catalog.get_channel(cid)
        if channel is None:
            self._error(HTTPStatus.NOT_FOUND, "no such channel")
            return
        self._file(media.avatar_path(self.site.media_dir, channel.avatar_key), "image/jpeg")

    def _route_banner(self, cid: str) -> None:
        if cid not in media.BANNERS:
            self._error(HTTPStatus.NOT_FOUND, "no banner for this channel")
            return
        self._file(media.banner_path(self.site.media_dir, cid), "image/jpeg")

    def _route_feed(self) -> None:
        self._send(HTTPStatus.OK, _podcast_feed(self.origin).encode(),
                   "application/rss+xml; charset=utf-8")

    def _route_oldest_first_feed(self) -> None:
        ids = (*reversed(catalog.FEED_VIDEO_IDS), *self.site.feed_appended)
        self._send(HTTPStatus.OK, _podcast_feed(self.origin, ids).encode(), "application/rss+xml; charset=utf-8")

    def _route_hostile_feed(self) -> None:
        self._send(HTTPStatus.OK, _hostile_feed(self.origin).encode(),
                   "application/rss+xml; charset=utf-8")

    # --- pages for humans ---

    def _route_index(self) -> None:
        links = [f"/channel/{cid}" for cid in catalog.CHANNELS] + [
            "/channel/chan-big-120", "/feeds/podcast.xml"]
        items = "".join(f"<li><a href='{url}'>{url}</a></li>" for url in links)
        self._html("Fixture site", f"<h1>Fixture site</h1><ul>{items}</ul>")

    def _route_channel_page(self, cid: str, tab: str | None = None) -> None:
        channel = catalog.get_channel(cid)
        if channel is None or (tab is not None and tab not in channel.tabs):
            self._error(HTTPStatus.NOT_FOUND, "no such channel")
            return
        tabs = " | ".join(f"<a href='/channel/{cid}/{name}'>{name}</a>" for name in channel.tabs)
        body = (f"<img src='/avatars/{cid}.jpg' alt=''><h1>{html.escape(channel.title)}</h1>"
                f"<p>@{channel.handle}</p><p>{html.escape(channel.description)}</p>"
                f"<nav>{tabs}</nav>")
        if tab is not None:
            try:
                number = max(1, int(self.query.get("page", ["1"])[0]))
            except ValueError:
                number = 1
            page = catalog.tab_page(channel, tab, number)
            body += "<ol>" + "".join(
                f"<li><a href='/watch/{v.id}'>{html.escape(v.title)}</a> ({v.duration}s)</li>"
                for v in page.entries) + "</ol>"
            if page.next_page:
                body += f"<a href='?page={page.next_page}'>next page</a>"
        self._html(channel.title, body)

    def _route_tab_page(self, cid: str, tab: str) -> None:
        self._route_channel_page(cid, tab)

    def _route_handle_page(self, handle: str, tab: str | None = None) -> None:
        cid = catalog.resolve_handle(handle)
        if cid is None:
            self._error(HTTPStatus.NOT_FOUND, "no such handle")
            return
        self._route_channel_page(cid, tab)

    def _route_handle_tab_page(self, handle: str, tab: str) -> None:
        self._route_handle_page(handle, tab)

    def _route_watch_page(self, vid: str) -> None:
        video = catalog.get_video(vid)
        if video is None or video.status in (catalog.REMOVED, catalog.LISTING_ONLY):
            self._error(HTTPStatus.NOT_FOUND, "video not found")
        elif video.status == catalog.PRIVATE:
            self._error(HTTPStatus.FORBIDDEN, "private video")
        else:
            self._html(video.title, (
                f"<h1>{html.escape(video.title)}</h1>"
                f"<video controls src='/media/{vid}.mp4' "
                f"poster='/thumbs/{vid}.{video.thumbnail_ext}'></video>"
                f"<p>{html.escape(video.description)}</p>"
                f"<p><a href='/channel/{video.channel_id}'>channel</a></p>"))


class _Concat:
    """A read-only file of ``head`` (an open file of ``head_size`` bytes) followed by ``tail``."""

    def __init__(self, head, head_size: int, tail: bytes) -> None:
        self.head, self.head_size, self.tail, self.pos = head, head_size, tail, 0

    def seek(self, pos: int) -> None:
        self.pos = pos
        if pos < self.head_size:
            self.head.seek(pos)

    def read(self, n: int) -> bytes:
        if self.pos < self.head_size:
            data = self.head.read(min(n, self.head_size - self.pos))
        else:
            offset = self.pos - self.head_size
            data = self.tail[offset:offset + n]
        self.pos += len(data)
        return data


def _parse_range(header: str | None, size: int):
    """``(start, end)`` for a single satisfiable byte range, ``None`` to send the whole file,
    or ``"unsatisfiable"``. Multi-range and malformed headers are ignored (RFC 9110 allows it).
    """
    match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header or "")
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":  # suffix range: the last N bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end


def _podcast_feed(origin: str, ids: tuple[str, ...] = catalog.FEED_VIDEO_IDS) -> str:
    """RSS 2.0 feed whose items enclose direct mp4 URLs (nothing our yt-dlp plugin matches)."""
    items = []
    for vid in ids:
        video = catalog.VIDEOS[vid]
        url = xml_escape(f"{origin}/media/{vid}.mp4")
        published = dt.datetime.strptime(video.upload_date, "%Y%m%d").replace(tzinfo=dt.UTC)
        items.append(
            "<item>"
            f"<title>{xml_escape(video.title)}</title>"
            f"<description>{xml_escape(video.description)}</description>"
            f"<link>{url}</link>"
            f"<guid isPermaLink='false'>{vid}</guid>"
            f"<pubDate>{email.utils.format_datetime(published)}</pubDate>"
            f"<enclosure url='{url}' type='video/mp4' length='0'/>"
            f"<itunes:duration>{video.duration}</itunes:duration>"
            "</item>")
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<rss version='2.0' xmlns:itunes='http://www.itunes.com/dtds/podcast-1.0.dtd'>"
        "<channel><title>Fixture Podcast</title>"
        f"<link>{xml_escape(origin)}/</link>"
        "<description>Direct links to a few chan-main videos.</description>"
        f"{''.join(items)}</channel></rss>")


# A podcast whose text is written by an attacker: markup, CDATA ends, template syntax, bidi overrides,
# terminal escapes, a 3,000-character title and a guid (the video's id) that is a path.
HOSTILE_CHANNEL_TITLE = "<b>Hostile</b> {{ channel }} \u202eliveD\u202c & ]]>"
HOSTILE_ITEMS = (
    ("../../etc/passwd", "vid-main-01",
     "<script>alert(1)</script> ]]> {{ x }} {% x %} \u202eevil\u202c \u2066iso\u2069 \u009b2J & \"q\" 'a'",
     "<img src=x onerror=alert(1)>\n{{ request }} {% csrf_token %} ]]> javascript:alert(1) \u009b31mred"),
    ("long-title", "vid-main-02", "L" * 2999 + "!", "<![CDATA[ not ]]> data"),
)


def _hostile_feed(origin: str) -> str:
    items = "".join(
        "<item>"
        f"<title>{xml_escape(title)}</title>"
        f"<description>{xml_escape(description)}</description>"
        f"<guid isPermaLink='false'>{xml_escape(guid)}</guid>"
        f"<enclosure url='{xml_escape(f'{origin}/media/{vid}.mp4')}' type='video/mp4' length='0'/>"
        "</item>" for guid, vid, title, description in HOSTILE_ITEMS)
    return ("<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'>"
            f"<channel><title>{xml_escape(HOSTILE_CHANNEL_TITLE)}</title><link>{xml_escape(origin)}/</link>"
            f"<description>{xml_escape('<i>desc</i> {{ d }}')}</description>{items}</channel></rss>")


def main(argv: list[str] | None = None) -> None:
    """CLI for manual demos: build the media if needed, then serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--media-dir", type=Path, required=True,
                        help="cache dir for generated media (created and filled if needed)")
    parser.add_argument("--slow-rate", type=int, default=DEFAULT_SLOW_RATE,
                        help="bytes/s for rate-limited videos (default %(default)s)")
    parser.add_argument("--media-rate", type=int, default=0,
                        help="bytes/s per connection for every file, 0 = no cap (default %(default)s)")
    parser.add_argument("--first-byte-delay", type=float, default=0.0,
                        help="seconds before every answer's first byte (default %(default)s)")
    parser.add_argument("--media-faults", type=float, default=0.0,
                        help="fraction of media requests answered 503 or cut mid-body (default %(default)s)")
    parser.add_argument("--media-fault-seed", type=int, default=0,
                        help="seed that decides which media requests fail (default %(default)s)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    media.build_media(args.media_dir)
    site = FixtureSite(args.media_dir, host=args.host, port=args.port)
    site.slow_rate = args.slow_rate
    site.media_rate = args.media_rate
    site.first_byte_delay = args.first_byte_delay
    site.media_faults, site.media_fault_seed = args.media_faults, args.media_fault_seed
    site.start()
    print(f"Fixture site at {site.base_url}/  (channel: {site.base_url}/channel/chan-main)",
          flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()


if __name__ == "__main__":
    main()
