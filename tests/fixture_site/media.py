"""Real, tiny media files for the fixture site, generated with ffmpeg and cached on disk.

Tests need genuine MP4/JPEG/WebP/VTT bytes (yt-dlp and the product inspect them), but checking
binaries into git is wasteful, so they are synthesised from ``catalog`` recipes. Generation is
cached: a file is rebuilt only if it is missing or its recipe changed (recorded in
``.recipes.json``). Every file is written under a temporary name and renamed into place, so a
crashed or concurrent run (e.g. pytest-xdist workers) never leaves a half-written file behind.

Layout of the media dir (flat)::

    {vid}.mp4  {vid}.jpg | {vid}.webp  {vid}.en.vtt  {vid}.de.vtt  avatar-{key}.jpg  banner-{cid}.jpg
    bench-src-{j}-{kib}k.mp4   (only once a bench channel was served or ``build_bench_media`` ran)

Bench videos (``catalog.bench_channel``) are served as one of ``BENCH_SOURCE_COUNT`` big mp4s
generated for the size asked (``YTARCHIVE_BENCH_MB``, default 3), followed by an ISO-BMFF
``free`` box that names the video and pads the file to exactly that size: every bench file is a
valid, distinct mp4, so byte-identity checks catch a mix-up between two videos.
"""

from __future__ import annotations

import json
import logging
import os
import struct
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import catalog, talk

logger = logging.getLogger(__name__)

FFMPEG = os.environ.get("FFMPEG", "ffmpeg")
MANIFEST = ".recipes.json"
SUBTITLE_LANGS = ("en", "de")
AVATARS = {"chan-main": "0x3366cc", "chan-slow": "0xcc6633", "chan-big": "0x33aa55", "chan-members": "0x8844aa"}
#: Channels with a wide banner too (the others have none: the archive and pages fall back without one).
BANNERS = {"chan-main": "0x1f3d7a"}
_GREETING = {"en": "Hello from", "de": "Hallo von"}
BENCH_MB_ENV = "YTARCHIVE_BENCH_MB"
DEFAULT_BENCH_MB = 3.0
#: How many distinct big mp4s the bench videos take turns with.
BENCH_SOURCE_COUNT = 4


def mp4_path(media_dir: Path, video_id: str) -> Path:
    return media_dir / f"{video_id}.mp4"


def thumbnail_path(media_dir: Path, video: catalog.Video) -> Path:
    return media_dir / f"{video.id}.{video.thumbnail_ext}"


def subtitle_path(media_dir: Path, video_id: str, lang: str) -> Path:
    return media_dir / f"{video_id}.{lang}.vtt"


def avatar_path(media_dir: Path, key: str) -> Path:
    """Avatar image for an avatar key (``Channel.avatar_key``)."""
    return media_dir / f"avatar-{key}.jpg"


def banner_path(media_dir: Path, channel_id: str) -> Path:
    """Banner image of a channel in ``BANNERS``."""
    return media_dir / f"banner-{channel_id}.jpg"


def bench_mb() -> float:
    """Size of each bench video in MB (MiB): ``$YTARCHIVE_BENCH_MB``, default 3."""
    try:
        value = float(os.environ.get(BENCH_MB_ENV) or DEFAULT_BENCH_MB)
    except ValueError:
        value = DEFAULT_BENCH_MB
    return min(max(value, 0.05), 200.0)


def bench_target_bytes(mb: float) -> int:
    return int(mb * 1024 * 1024)


def bench_source_path(media_dir: Path, index: int, mb: float) -> Path:
    """The ``index``-th big mp4 (0-based) of the bench videos of ``mb`` MB."""
    return media_dir / f"bench-src-{index}-{bench_target_bytes(mb) // 1024}k.mp4"


def _bench_source_command(index: int, mb: float, out: Path) -> list[str]:
    """A noisy 320x240 mp4 of about 85 % of the target size (the ``free`` box pads the rest)."""
    duration = catalog.BENCH_DURATION
    audio_bits = 48_000
    video_bits = max(50_000, int(bench_target_bytes(mb) * 8 * 0.85 / duration) - audio_bits)
    pattern = catalog._PATTERNS[index % len(catalog._PATTERNS)]
    return _ffmpeg(
        "-f", "lavfi", "-i", f"{pattern}=size=320x240:rate=25:duration={duration}",
        "-f", "lavfi", "-i", f"sine=frequency={330 + 110 * index}:duration={duration}",
        "-vf", "noise=alls=60:allf=t",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-b:v", str(video_bits), "-maxrate", str(video_bits), "-bufsize", str(video_bits),
        "-c:a", "aac", "-b:a", str(audio_bits), "-shortest",
        "-metadata", f"comment=ytarchive bench source {index}",
        "-movflags", "+faststart", "-f", "mp4", str(out),
    )


def bench_padding(video_id: str, base_size: int, mb: float) -> bytes:
    """The ``free`` box that follows a bench video's source mp4: names the video, pads to size."""
    text = f"ytarchive bench video {video_id}\n".encode()
    size = max(bench_target_bytes(mb) - base_size, 8 + len(text))
    return struct.pack(">I", size) + b"free" + text + bytes(size - 8 - len(text))


def bench_mp4(media_dir: Path, video: catalog.Video, mb: float) -> tuple[Path, bytes]:
    """``(source mp4, bytes that follow it)``: what the site serves for a bench video."""
    index = (catalog.bench_index(video.id) or 1) - 1
    source = bench_source_path(media_dir, index % BENCH_SOURCE_COUNT, mb)
    return source, bench_padding(video.id, source.stat().st_size, mb)


def bench_mp4_bytes(media_dir: Path, video_id: str, mb: float | None = None) -> bytes:
    """The whole mp4 the site serves for bench video ``video_id`` (for byte-identity checks)."""
    mb = bench_mb() if mb is None else mb
    build_bench_media(media_dir, mb)
    source, tail = bench_mp4(media_dir, catalog.get_video(video_id), mb)
    return source.read_bytes() + tail


def _ffmpeg(*args: str) -> list[str]:
    return [FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args]


def _video_source(video: catalog.Video, duration: float) -> str:
    size = f"{video.width}x{video.height}"
    return f"{video.pattern}=size={size}:rate={video.fps}:duration={duration}"


def _mp4_command(video: catalog.Video, out: Path) -> list[str]:
    vfilter = ["-vf", f"noise=alls={video.noise}:allf=t"] if video.noise else []
    return _ffmpeg(
        "-f", "lavfi", "-i", _video_source(video, video.duration),
        "-f", "lavfi", "-i", f"sine=frequency={video.frequency}:duration={video.duration}",
        *vfilter,
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "48k", "-shortest",
        "-metadata", f"comment=ytarchive fixture {video.id}",
        "-movflags", "+faststart", "-f", "mp4", str(out),
    )


SMALL_HEIGHT = 60  # every public video is also served as a smaller format, for the quality options


def small_mp4(media_dir: Path, video_id: str) -> Path:
    """The video scaled down to SMALL_HEIGHT pixels (made from its mp4 on first request, then cached)."""
    target = Path(media_dir) / "small" / f"{video_id}.h{SMALL_HEIGHT}.mp4"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        _atomic(target, _run(_ffmpeg("-i", str(mp4_path(media_dir, video_id)), "-vf", f"scale=-2:{SMALL_HEIGHT}",
                                     "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                                     "-c:a", "copy", "-f", "mp4", str(target))))
    return target


def _thumbnail_command(video: catalog.Video, out: Path) -> list[str]:
    codec = ["-c:v", "libwebp", "-f", "webp"] if video.thumbnail_ext == "webp" else [
        "-c:v", "mjpeg", "-f", "image2"]
    # A per-video hue shift so that thumbnails sharing a test pattern still differ.
    hue = ["-vf", f"hue=h={video.frequency % 360}"]
    return _ffmpeg(
        "-f", "lavfi", "-i", _video_source(video, 1), *hue, "-frames:v", "1", *codec, str(out))


def _avatar_command(color: str, out: Path, size: str = "88x88") -> list[str]:
    return _ffmpeg(
        "-f", "lavfi", "-i", f"color=c={color}:size={size}", "-frames:v", "1",
        "-c:v", "mjpeg", "-f", "image2", str(out),
    )


def subtitle_text(video: catalog.Video, lang: str) -> str:
    """WEBVTT with one cue per second of the video, different per language (the talk's German: its own)."""
    if video.id == talk.TALK_ID and lang == "de":
        return talk.manual_de_text()
    lines = ["WEBVTT", ""]
    for second in range(video.duration):
        lines += [
            f"{second + 1}",
            f"00:00:{second:02d}.000 --> 00:00:{second:02d}.900",
            f"{_GREETING[lang]} {video.id} ({lang}), second {second + 1}",
            "",
        ]
    return "\n".join(lines)


def _atomic(target: Path, make: Callable[[Path], None]) -> None:
    """Run ``make(tmp)`` and move ``tmp`` to ``target`` only if it succeeded."""
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        make(tmp)
        tmp.chmod(0o644)  # mkstemp makes 0600; other users/containers may need to read these
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _run(command: list[str]) -> Callable[[Path], None]:
    """A maker running an ffmpeg command whose last argument is the output path."""

    def make(tmp: Path) -> None:
        result = subprocess.run(
            [*command[:-1], str(tmp)],
            check=False, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        )
        if result.returncode:
            raise RuntimeError(f"ffmpeg failed ({result.returncode}): {result.stderr.strip()}")

    return make


def _write_text(text: str) -> Callable[[Path], None]:
    return lambda tmp: tmp.write_text(text, encoding="utf-8")


def _jobs(media_dir: Path) -> dict[Path, tuple[str, Callable[[Path], None]]]:
    """target path -> (recipe fingerprint, maker) for every file of the site."""
    jobs: dict[Path, tuple[str, Callable[[Path], None]]] = {}

    def add_command(target: Path, command: list[str]) -> None:
        jobs[target] = (" ".join(command[:-1]), _run(command))

    for video in catalog.VIDEOS.values():
        if not video.has_media:
            continue
        target = mp4_path(media_dir, video.id)
        add_command(target, _mp4_command(video, target))
        target = thumbnail_path(media_dir, video)
        add_command(target, _thumbnail_command(video, target))
        for lang in SUBTITLE_LANGS:
            text = subtitle_text(video, lang)
            jobs[subtitle_path(media_dir, video.id, lang)] = (text, _write_text(text))
    for key, color in AVATARS.items():
        target = avatar_path(media_dir, key)
        add_command(target, _avatar_command(color, target))
    for channel_id, color in BANNERS.items():
        target = banner_path(media_dir, channel_id)
        add_command(target, _avatar_command(color, target, "640x160"))
    return jobs


def _load_manifest(media_dir: Path) -> dict[str, str]:
    try:
        return json.loads((media_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _build(media_dir: Path, jobs: dict[Path, tuple[str, Callable[[Path], None]]]) -> int:
    """Make every target of ``jobs`` whose recipe changed or that is missing; returns how many."""
    manifest = _load_manifest(media_dir)
    todo = [
        (target, maker) for target, (recipe, maker) in jobs.items()
        if not target.exists() or manifest.get(target.name) != recipe
    ]
    if todo:
        lock = threading.Lock()

        def build(item: tuple[Path, Callable[[Path], None]]) -> None:
            target, maker = item
            _atomic(target, maker)
            with lock:
                manifest[target.name] = jobs[target][0]

        with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
            list(pool.map(build, todo))
        # Merge with what a concurrent builder may have recorded meanwhile.
        merged = {**_load_manifest(media_dir), **manifest}
        _atomic(media_dir / MANIFEST, _write_text(json.dumps(merged, indent=1, sort_keys=True)))
    return len(todo)


_bench_lock = threading.Lock()


def build_bench_media(cache_dir: Path, mb: float | None = None) -> list[Path]:
    """Make sure the big mp4s of bench videos of ``mb`` MB (default ``bench_mb()``) exist."""
    media_dir = Path(cache_dir)
    mb = bench_mb() if mb is None else mb
    jobs = {}
    for index in range(BENCH_SOURCE_COUNT):
        target = bench_source_path(media_dir, index, mb)
        command = _bench_source_command(index, mb, target)
        jobs[target] = (" ".join(command[:-1]), _run(command))
    with _bench_lock:  # the site builds them on a first request: one builder per process
        media_dir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        if _build(media_dir, jobs):
            logger.info("built bench media of %s MB in %.1fs", mb, time.monotonic() - started)
    return list(jobs)


def build_media(cache_dir: Path) -> dict:
    """Make sure every media file of the catalog exists in ``cache_dir``; return their paths.

    Returns ``{"media_dir": Path, "videos": {vid: {"mp4", "thumbnail", "subtitles": {lang}}},
    "avatars": {key: Path}}``. Only videos with media (see ``Video.has_media``) are listed.
    """
    media_dir = Path(cache_dir)
    media_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    built = _build(media_dir, _jobs(media_dir))
    if built:
        logger.info("built %d fixture media files in %s in %.1fs",
                    built, media_dir, time.monotonic() - started)
    return {
        "media_dir": media_dir,
        "videos": {
            video.id: {
                "mp4": mp4_path(media_dir, video.id),
                "thumbnail": thumbnail_path(media_dir, video),
                "subtitles": {lang: subtitle_path(media_dir, video.id, lang)
                              for lang in SUBTITLE_LANGS},
            }
            for video in catalog.VIDEOS.values() if video.has_media
        },
        "avatars": {key: avatar_path(media_dir, key) for key in AVATARS},
        "banners": {key: banner_path(media_dir, key) for key in BANNERS},
    }
