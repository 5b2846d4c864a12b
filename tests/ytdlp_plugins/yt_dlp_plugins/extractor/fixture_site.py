"""yt-dlp extractors for the offline fixture site (``tests/fixture_site``).

They only match ``http://127.0.0.N:PORT/...`` and ``http://localhost:PORT/...`` so they can never
shadow a real site, and they deliberately do NOT match ``/feeds/...`` or ``/media/...``: the
podcast feed must go through yt-dlp's own generic extractor. The site's JSON API is used instead
of scraping its HTML. This module imports nothing from the test suite, so it also works inside
product processes (e.g. a worker started with ``PYTHONPATH=tests/ytdlp_plugins``).

How yt-dlp (2026.10.26) finds this file (see ``yt_dlp/plugins.py``):

* ``yt_dlp_plugins`` is a *namespace* package served by yt-dlp's own ``PluginFinder`` (installed
  in ``sys.meta_path`` when ``yt_dlp.extractor`` is imported). With the default plugin dirs it
  looks for ``<entry>/yt_dlp_plugins/extractor/*.py`` for every ``<entry>`` in ``sys.path``
  (plus the yt-dlp config dirs). Hence ``tests/ytdlp_plugins`` must be on ``sys.path`` /
  ``PYTHONPATH`` - and there must be no ``__init__.py`` in ``yt_dlp_plugins/`` or
  ``extractor/``.
* Plugins are loaded ONCE per process, lazily: by the first ``YoutubeDL(...)`` constructed
  (``load_all_plugins()`` guarded by ``yt_dlp.globals.all_plugins_loaded``), or by the CLI's
  ``main()``. ``import yt_dlp`` alone loads nothing, so the path may be added after importing
  yt_dlp but must be added BEFORE the first ``YoutubeDL`` object exists in the process. If that
  was missed, call ``yt_dlp.plugins.load_all_plugins()`` again after fixing ``sys.path``.
* Loaded classes are every public class in the module whose name ends in ``IE`` (hence the
  underscore on the base class); they are put in front of the built-in extractors.
* CLI alternative: ``yt-dlp --plugin-dirs tests ...`` (scans ``tests/*/yt_dlp_plugins``).
  ``YTDLP_NO_PLUGINS=1`` disables plugins altogether.
"""

from __future__ import annotations

import itertools

from yt_dlp.extractor.common import InfoExtractor
from yt_dlp.utils import ExtractorError, int_or_none, remove_end, traverse_obj

__all__ = ["FixtureSiteChannelIE", "FixtureSiteIE", "FixtureSitePlaylistIE", "FixtureSitePlaylistsTabIE",
           "FixtureSiteTabIE"]

_BASE = r"(?P<base>http://(?:127\.0\.0\.\d{1,3}|localhost):\d+)"
_CHANNEL = r"(?:channel/(?P<id>[^/?#]+)|@(?P<handle>[^/?#]+))"
_END = r"/?(?:[?#]|$)"


class _FixtureSiteBaseIE(InfoExtractor):
    def _channel_id(self, base: str, channel_id: str | None, handle: str | None) -> str:
        if channel_id:
            return channel_id
        return self._download_json(
            f"{base}/api/resolve/{handle}.json", handle, "Resolving channel handle")["channel_id"]

    def _channel(self, base: str, channel_id: str) -> dict:
        return self._download_json(
            f"{base}/api/channel/{channel_id}.json", channel_id, "Downloading channel metadata")

    @staticmethod
    def _channel_fields(channel: dict) -> dict:
        return {
            "channel_id": channel["id"],
            "channel": channel["title"],
            "channel_url": channel["url"],
            "uploader": channel["title"],
            "uploader_id": f"@{channel['handle']}",
            "uploader_url": channel["url"],
        }


class FixtureSiteIE(_FixtureSiteBaseIE):
    IE_NAME = "fixturesite"
    IE_DESC = "Offline test fixture site: a video"
    _VALID_URL = rf"{_BASE}/watch/(?P<id>[^/?#]+){_END}"
    _GEO_BYPASS = False  # as YouTube's extractor: no faked X-Forwarded-For retry on a geo block

    def _raise_unplayable(self, playability: dict, video_id: str):
        """YouTube's refusal of a video, raised in the words yt-dlp's YouTube extractor uses for it
        (yt_dlp/extractor/youtube/_video.py, where it reads playabilityStatus when there are no formats)."""
        reason, subreason = playability.get("reason") or "", playability.get("subreason") or ""
        if subreason.startswith("The uploader has not made this video available in your country"):
            self.raise_geo_restricted(subreason, playability.get("countries"), metadata_available=True)
        if subreason and subreason != reason:
            reason += f". {subreason}"
        if "sign in" in reason.lower():
            reason = remove_end(reason, "This helps protect our community. Learn more")
            reason = (f"{remove_end(reason.strip(), '.')}. {self._login_hint(method='cookies')}. Also see  "
                      "https://github.com/yt-dlp/yt-dlp/wiki/Extractors#exporting-youtube-cookies  for tips on "
                      "effectively exporting YouTube cookies")
        self.raise_no_formats(reason, expected=True, video_id=video_id)

    def _real_extract(self, url):
        base, video_id = self._match_valid_url(url).group("base", "id")
        meta, handle = self._download_json_handle(
            f"{base}/api/video/{video_id}.json", video_id, "Downloading video metadata",
            expected_status=403)  # 404/503 raise: yt-dlp reports "HTTP Error 404: ..."
        if meta.get("error") == "bot":  # the site's limiter: YouTube's words
            raise ExtractorError(
                "Sign in to confirm you're not a bot. Use --cookies-from-browser or --cookies for the "
                "authentication.", expected=True, video_id=video_id)
        if meta.get("error") == "members":
            raise ExtractorError(
                "This video is available to this channel's members on level: Fixture. Join this channel to get "
                "access to members-only content like this video, and other exclusive perks.",
                expected=True, video_id=video_id)
        if meta.get("error") == "unplayable":
            self._raise_unplayable(meta["playability"], video_id)
        if handle.status == 403 or meta.get("error") == "private":
            raise ExtractorError(
                "Private video. Sign in if you've been granted access to this video",
                expected=True, video_id=video_id)
        # yt-dlp's SponsorBlock post-processor serves YouTube videos only: a video the fixture has
        # segments for says it is one (yt-dlp keeps an extractor_key the extractor sets).
        youtube = {"extractor_key": "Youtube"} if meta.get("sponsorblock") else {}
        # ``--extractor-args fixturesite:echo=A,B`` comes back in the info (and so in video.info.json):
        # proof that the arguments a channel was given reached the YoutubeDL that downloaded it.
        echo = self._configuration_arg("echo", casesense=True)
        comments = ({"__post_extractor": self.extract_comments(meta["comments_url"], video_id)}
                    if meta.get("comments_url") else {})
        return {
            **comments,
            **({"comment_count": int_or_none(meta.get("comment_count"))} if "comment_count" in meta else {}),
            "automatic_captions": {
                lang: [{"url": cap_url, "ext": "vtt", "name": lang}]
                for lang, cap_url in (meta.get("automatic_captions") or {}).items()
            },
            **youtube,
            **({"fixture_echo": echo} if echo else {}),
            "id": video_id,
            "title": meta["title"],
            "description": meta.get("description"),
            "upload_date": meta.get("upload_date"),
            "duration": int_or_none(meta.get("duration")),
            "view_count": int_or_none(meta.get("view_count")),
            "like_count": int_or_none(meta.get("like_count")),
            "channel_id": meta["channel_id"],
            "channel": meta["channel"],
            "channel_url": meta.get("channel_url"),
            "uploader": meta["channel"],
            "uploader_id": f"@{meta['channel_handle']}",
            "uploader_url": meta.get("channel_url"),
            "webpage_url": meta.get("webpage_url") or f"{base}/watch/{video_id}",
            "availability": "public",
            **({"chapters": meta["chapters"]} if meta.get("chapters") else {}),
            "formats": [{
                "format_id": fmt.get("format_id", "mp4"),
                "url": fmt["url"],
                "ext": fmt.get("ext") or "mp4",
                "width": int_or_none(fmt.get("width")),
                "height": int_or_none(fmt.get("height")),
                "fps": int_or_none(meta.get("fps")),
                "filesize": int_or_none(fmt.get("filesize")),
                "vcodec": fmt.get("vcodec") or "h264",
                "acodec": fmt.get("acodec") or "aac",
            } for fmt in (meta.get("formats") or [{**meta, "url": meta["media_url"]}])],
            "thumbnails": [{"url": meta["thumbnail_url"]}] if meta.get("thumbnail_url") else [],
            "subtitles": {
                lang: [{"url": sub_url, "ext": "vtt"}]
                for lang, sub_url in (meta.get("subtitles") or {}).items()
            },
        }


    def _get_comments(self, comments_url: str, video_id: str):
        """The video's comments, page by page, as YouTube's extractor yields them (each top-level comment
        followed by its replies; ``parent`` is ``"root"`` or the comment replied to). It honours YouTube's
        own extractor arguments (``youtube:comment_sort=top|new``, ``youtube:max_comments=N``), so the
        archiver's options reach this site exactly as they reach YouTube."""
        sort = self._configuration_arg("comment_sort", ["top"], ie_key="youtube")[0]
        limit = self._configuration_arg("max_comments", ["all"], ie_key="youtube")[0]
        limit = None if limit in ("", "all") else int(limit)
        yielded, page = 0, 1
        while page:
            data = self._download_json(comments_url, video_id, f"Downloading comment page {page}",
                                       query={"sort": sort, "page": page})
            for comment in data["comments"]:
                if limit is not None and yielded >= limit:
                    return
                yielded += 1
                yield comment
            page = data.get("next_page")


class FixtureSiteTabIE(_FixtureSiteBaseIE):
    IE_NAME = "fixturesite:tab"
    IE_DESC = "Offline test fixture site: one tab of a channel (lazily paged)"
    _VALID_URL = rf"{_BASE}/{_CHANNEL}/(?P<tab>(?!playlists{_END})[^/?#]+){_END}"  # playlists: below

    def _entries(self, base: str, channel_id: str, tab: str):
        """Yield entries page by page; a page is fetched only when the consumer needs it.

        ``--extractor-args fixturesitetab:limit=N`` lists only the first N (a listing got its arguments).
        """
        limit = int_or_none(self._configuration_arg("limit", [None])[0])
        if limit is not None:
            yield from itertools.islice(self._all_entries(base, channel_id, tab), limit)
            return
        yield from self._all_entries(base, channel_id, tab)

    def _all_entries(self, base: str, channel_id: str, tab: str):
        page = 1
        while page:
            data = self._download_json(
                f"{base}/api/channel/{channel_id}/{tab}.json", f"{channel_id}-{tab}",
                f"Downloading page {page}", query={"page": page})
            for entry in data["entries"]:
                yield self.url_result(
                    f"{base}/watch/{entry['id']}", FixtureSiteIE, entry["id"], entry.get("title"),
                    duration=int_or_none(entry.get("duration")))
            page = data.get("next_page")

    def _real_extract(self, url):
        mobj = self._match_valid_url(url)
        base, tab = mobj.group("base", "tab")
        channel_id = self._channel_id(base, mobj.group("id"), mobj.group("handle"))
        channel = self._channel(base, channel_id)
        tab_info = traverse_obj(channel, ("tabs", lambda _, t: t["name"] == tab), get_all=False)
        if not tab_info:
            raise ExtractorError(f"This channel does not have a {tab} tab", expected=True)
        return self.playlist_result(
            self._entries(base, channel_id, tab), f"{channel_id}-{tab}",
            f"{channel['title']} - {tab_info['title']}", channel.get("description"),
            playlist_count=int_or_none(tab_info.get("count")),
            webpage_url=f"{base}/channel/{channel_id}/{tab}",
            **self._channel_fields(channel))


class FixtureSitePlaylistIE(_FixtureSiteBaseIE):
    """A playlist, ``/playlist?list=ID``, as YouTube's: its videos in its own order, lazily paged."""

    IE_NAME = "fixturesite:playlist"
    IE_DESC = "Offline test fixture site: a playlist"
    _VALID_URL = rf"{_BASE}/playlist\?(?:[^#]*&)?list=(?P<id>[^&#]+)"

    def _entries(self, base: str, playlist_id: str, first: dict):
        data, page = first, 1
        while True:
            for entry in data["entries"]:
                yield self.url_result(f"{base}/watch/{entry['id']}", FixtureSiteIE, entry["id"], entry.get("title"),
                                      duration=int_or_none(entry.get("duration")))
            if not data.get("next_page"):
                return
            page = data["next_page"]
            data = self._download_json(f"{base}/api/playlist/{playlist_id}.json", playlist_id,
                                       f"Downloading playlist page {page}", query={"page": page})

    def _real_extract(self, url):
        base, playlist_id = self._match_valid_url(url).group("base", "id")
        first = self._download_json(f"{base}/api/playlist/{playlist_id}.json", playlist_id,
                                    "Downloading playlist", query={"page": 1})
        owner = {"channel_id": first["channel_id"], "channel": first["channel"], "channel_url": first["channel_url"],
                 "uploader": first["channel"], "uploader_url": first["channel_url"]} if first.get("channel_id") else {}
        return self.playlist_result(
            self._entries(base, playlist_id, first), playlist_id, first["title"], first.get("description"),
            playlist_count=int_or_none(first.get("count")), webpage_url=f"{base}/playlist?list={playlist_id}",
            **owner)


class FixtureSitePlaylistsTabIE(_FixtureSiteBaseIE):
    """A channel's playlists tab, as YouTube's ``/@handle/playlists``: its entries are the playlists' URLs."""

    IE_NAME = "fixturesite:playlists"
    IE_DESC = "Offline test fixture site: a channel's playlists tab"
    _VALID_URL = rf"{_BASE}/{_CHANNEL}/playlists{_END}"

    def _real_extract(self, url):
        mobj = self._match_valid_url(url)
        base = mobj.group("base")
        channel_id = self._channel_id(base, mobj.group("id"), mobj.group("handle"))
        data, handle = self._download_json_handle(
            f"{base}/api/channel/{channel_id}/playlists.json", channel_id, "Downloading playlists tab",
            expected_status=404)
        if handle.status == 404:
            raise ExtractorError("This channel does not have a playlists tab", expected=True)
        entries = [self.url_result(f"{base}/playlist?list={p['id']}", FixtureSitePlaylistIE, p["id"], p["title"])
                   for p in data["playlists"]]
        return self.playlist_result(entries, f"{channel_id}-playlists", "Playlists",
                                    webpage_url=f"{base}/channel/{channel_id}/playlists",
                                    channel_id=channel_id, channel_url=f"{base}/channel/{channel_id}")


class FixtureSiteChannelIE(_FixtureSiteBaseIE):
    """A channel's front page: a playlist of its tabs, like YouTube's ``/@handle`` page."""

    IE_NAME = "fixturesite:channel"
    IE_DESC = "Offline test fixture site: a channel (its entries are the tabs)"
    _VALID_URL = rf"{_BASE}/{_CHANNEL}{_END}"

    def _real_extract(self, url):
        mobj = self._match_valid_url(url)
        base = mobj.group("base")
        channel_id = self._channel_id(base, mobj.group("id"), mobj.group("handle"))
        channel = self._channel(base, channel_id)
        entries = [
            self.url_result(
                f"{base}/channel/{channel_id}/{tab['name']}", FixtureSiteTabIE,
                f"{channel_id}-{tab['name']}", f"{channel['title']} - {tab['title']}")
            for tab in channel["tabs"]
        ]
        return self.playlist_result(
            entries, channel_id, channel["title"], channel.get("description"),
            thumbnails=[{"id": "avatar", "url": channel["avatar_url"]}] + (  # banners last, as YouTube lists them
                [{"id": "banner_uncropped", "url": channel["banner_url"]}] if channel.get("banner_url") else []),
            **self._channel_fields(channel))
