"""A channel's download options over the defaults, and what they mean to yt-dlp (pure functions)."""
import pytest

from archiver.channel_options import Profile, effective, parse_tabs, ytdlp_format

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

    from archiver.channel_options import listed

    pulled = []

    def entries():
        for n in range(100):
            pulled.append(n)
            yield SimpleNamespace(title=f"Video {n}" + (" LIVE" if n % 3 == 0 else ""))

    kept = list(listed(entries(), Profile(newest_n=4, skip_keywords=("live",))))
    assert [e.title for e in kept] == ["Video 1", "Video 2", "Video 4", "Video 5"]
    assert len(pulled) <= 7  # the rest of the listing was never fetched


@pytest.mark.parametrize("text, day", [("2024-02-28", "20240228"), ("20240228", "20240228"), ("", ""),
                                       (None, "")])
def test_dates_parse(text, day):
    from archiver.channel_options import parse_date

    assert parse_date(text) == day


def test_a_bad_date_says_how_to_write_one():
    from archiver.channel_options import parse_date

    with pytest.raises(ValueError, match="2024-02-28"):
        parse_date("28/02/2024")


def test_sponsorblock_categories_are_yt_dlps_and_the_markers_cannot_be_cut():
    from yt_dlp.postprocessor.sponsorblock import SponsorBlockPP

    from archiver.channel_options import REMOVABLE_CATEGORIES, SPONSOR_CATEGORIES, parse_categories

    assert set(SPONSOR_CATEGORIES) == set(SponsorBlockPP.CATEGORIES)
    assert parse_categories("Sponsor, intro,sponsor") == ("sponsor", "intro")
    with pytest.raises(ValueError, match="chapter"):
        parse_categories("chapter", REMOVABLE_CATEGORIES)


def test_sponsorblock_post_processors_as_yt_dlps_own_options_build_them():
    from archiver.channel_options import sponsorblock_postprocessors

    assert sponsorblock_postprocessors(Profile(), "http://sb") == []
    fetch, modify, embed = sponsorblock_postprocessors(
        Profile(sponsorblock_mark=("intro",), sponsorblock_remove=("sponsor",)), "http://sb")
    assert fetch == {"key": "SponsorBlock", "categories": ["intro", "sponsor"], "api": "http://sb",
                     "when": "after_filter"}
    assert modify["key"] == "ModifyChapters" and modify["remove_sponsor_segments"] == ["sponsor"]
    assert embed == {"key": "FFmpegMetadata", "add_chapters": True, "add_metadata": False, "add_infojson": False}


def test_a_dated_listing_stops_at_the_cutoff_and_an_undated_one_is_left_to_the_download():
    from types import SimpleNamespace

    from archiver.channel_options import listed, published_too_early

    pulled = []

    def entries(dated):
        for n in range(50):
            pulled.append(n)
            yield SimpleNamespace(title=f"v{n}", upload_date=f"202402{28 - n:02d}" if dated else None)

    cutoff = Profile(published_after="20240226")
    assert [e.title for e in listed(entries(True), cutoff)] == ["v0", "v1", "v2"]
    assert len(pulled) == 4  # the first one too old ends the tab
    assert len(list(listed(entries(False), cutoff))) == 50
    assert published_too_early("20240225", cutoff) and not published_too_early("20240226", cutoff)
    assert not published_too_early(None, cutoff) and not published_too_early("20000101", Profile())


def test_channel_values_for_the_new_options_win_over_the_defaults():
    defaults = Profile(sponsorblock_mark=("sponsor",), published_after="20200101", sleep_requests=1.0)
    mine = effective({"published_after": "2024-02-28", "sponsorblock_remove": "intro", "sleep_requests": 0}, defaults)
    assert (mine.published_after, mine.sponsorblock_remove, mine.sponsorblock_mark) == ("20240228", ("intro",),
                                                                                         ("sponsor",))
    assert mine.sleep_requests == 0  # 0 is a value, not "unset"
    assert effective({}, defaults) == defaults
