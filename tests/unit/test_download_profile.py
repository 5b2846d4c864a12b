"""A channel's download options over the defaults, and what they mean to yt-dlp (pure functions)."""
import pytest

from archiver.download_profile import Profile, effective, parse_tabs, ytdlp_format

DEFAULTS = Profile(max_height=1080, container="", audio_only="", tabs=("videos", "shorts", "streams"))


def test_the_channel_wins_where_set_and_the_default_elsewhere():
    mine = effective({"max_height": 720, "container": "", "audio_only": None, "tabs": "videos",
                      "sleep_min": 2, "sleep_max": 1}, DEFAULTS)
    assert (mine.max_height, mine.container, mine.tabs) == (720, "", ("videos",))
    assert (mine.sleep_min, mine.sleep_max) == (2, 2)  # max is never below min
    assert effective({}, DEFAULTS) == DEFAULTS


@pytest.mark.parametrize("text, tabs", [("videos, Shorts", ("videos", "shorts")), ("", ()),
                                        ("streams,streams", ("streams",))])
def test_tabs_parse(text, tabs):
    assert parse_tabs(text) == tabs


def test_an_unknown_tab_is_named():
    with pytest.raises(ValueError, match="reels"):
        parse_tabs("videos,reels")


def test_what_yt_dlp_is_asked():
    assert ytdlp_format(Profile(), "bestvideo*+bestaudio/best")["format"] == "bestvideo*+bestaudio/best"
    capped = ytdlp_format(Profile(max_height=720, container="mkv"), "x")
    assert capped["format"].startswith("bv*[height<=720]+ba/b[height<=720]")
    assert capped["format"].endswith("/w")  # never "no format": the smallest there is
    assert capped["format_sort"] == ["res:720", "ext:mkv"] and capped["merge_output_format"] == "mkv"
    audio = ytdlp_format(Profile(audio_only="opus"), "x")
    assert audio["format"].startswith("ba") and audio["audio"] == "opus"


def test_listed_keeps_the_newest_n_without_skipped_words_and_stops_early():
    from types import SimpleNamespace

    from archiver.download_profile import listed

    pulled = []

    def entries():
        for n in range(100):
            pulled.append(n)
            yield SimpleNamespace(title=f"Video {n}" + (" LIVE" if n % 3 == 0 else ""))

    kept = list(listed(entries(), Profile(newest_n=4, skip_keywords=("live",))))
    assert [e.title for e in kept] == ["Video 1", "Video 2", "Video 4", "Video 5"]
    assert len(pulled) <= 7  # the rest of the listing was never fetched
