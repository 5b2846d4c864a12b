"""archiver.download.without_cookies: what yt-dlp copies of the cookies file never reaches video.info.json."""
from archiver.download import without_cookies


def test_cookies_fields_and_headers_are_dropped_everything_else_kept():
    info = {"title": "t", "cookies": "session=abc; Domain=.x",
            "http_headers": {"Cookie": "session=abc", "Accept": "*/*"},
            "formats": [{"format_id": "18", "cookies": "session=abc", "url": "http://x/v.mp4"}],
            "requested_downloads": [{"http_headers": {"cookie": "session=abc"}}]}
    assert without_cookies(info) == {"title": "t", "http_headers": {"Accept": "*/*"},
                                     "formats": [{"format_id": "18", "url": "http://x/v.mp4"}],
                                     "requested_downloads": [{"http_headers": {}}]}
    assert "abc" not in repr(without_cookies(info))
