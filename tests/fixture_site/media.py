"""Real, tiny media files for the fixture site, generated with ffmpeg and cached on disk.

Tests need genuine MP4/JPEG/WebP/VTT bytes (yt-dlp and the product inspect them), but checking
binaries into git is wasteful, so they are synthesised from ``catalog`` recipes. Generation is
cached: a file is rebuilt only if it is missing or its recipe changed (recorded in
``.recipes.json``). Every file is written under a temporary name and renamed into place, so a
crashed or concurrent run (e.g. pytest-xdist workers) never leaves a half-written file behind.

Layout of the media dir (flat)::

    {vid}.mp4  {vid}.jpg | {vid}.webp  {vid}.en.vtt  {vid}.de.vtt  avatar-{key}.jpg
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import catalog

logger = logging.getLogger(__name__)

FFMPEG = os.environ.get("FFMPEG", "ffmpeg")
MANIFEST = ".recipes.json"
SUBTITLE_LANGS = ("en", "de")
AVATARS = {"chan-main": "0x3366cc", "chan-slow": "0xcc6633", "chan-big": "0x33aa55"}
_GREETING = {"en": "Hello from", "de": "Hallo von"}


def mp4_path(media_dir: Path, video_id: str) -> Path:
    return media_dir / f"{video_id}.mp4"


def thumbnail_path(media_dir: Path, video: catalog.Video) -> Path:
    return media_dir / f"{video.id}.{video.thumbnail_ext}"


def subtitle_path(media_dir: Path, video_id: str, lang: str) -> Path:
    return media_dir / f"{video_id}.{lang}.vtt"


def avatar_path(media_dir: Path, key: str) -> Path:
    """Avatar image for an avatar key (``Channel.avatar_key``)."""
    return media_dir / f"avatar-{key}.jpg"


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


def _thumbnail_command(video: catalog.Video, out: Path) -> list[str]:
    codec = ["-c:v", "libwebp", "-f", "webp"] if video.thumbnail_ext == "webp" else [
        "-c:v", "mjpeg", "-f", "image2"]
    # A per-video hue shift so that thumbnails sharing a test pattern still differ.
    hue = ["-vf", f"hue=h={video.frequency % 360}"]
    return _ffmpeg(
        "-f", "lavfi", "-i", _video_source(video, 1), *hue, "-frames:v", "1", *codec, str(out))


def _avatar_command(color: str, out: Path) -> list[str]:
    return _ffmpeg(
        "-f", "lavfi", "-i", f"color=c={color}:size=88x88", "-frames:v", "1",
        "-c:v", "mjpeg", "-f", "image2", str(out),
    )


def subtitle_text(video: catalog.Video, lang: str) -> str:
    """WEBVTT with one cue per second of the video, different per language."""
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
    return jobs


def _load_manifest(media_dir: Path) -> dict[str, str]:
    try:
        return json.loads((media_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def build_media(cache_dir: Path) -> dict:
    """Make sure every media file of the catalog exists in ``cache_dir``; return their paths.

    Returns ``{"media_dir": Path, "videos": {vid: {"mp4", "thumbnail", "subtitles": {lang}}},
    "avatars": {key: Path}}``. Only videos with media (see ``Video.has_media``) are listed.
    """
    media_dir = Path(cache_dir)
    media_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    manifest = _load_manifest(media_dir)
    jobs = _jobs(media_dir)
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
        logger.info("built %d fixture media files in %s in %.1fs",
                    len(todo), media_dir, time.monotonic() - started)
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
    }
