"""A channel's extractor arguments: yt-dlp's --extractor-args syntax, checked and spelled one way."""
from __future__ import annotations

import pytest

from archiver.ytdlp.extractor_args import format_args, merge, normalise, parse


def test_reads_yt_dlp_syntax_with_several_extractors():
    assert parse("youtube:player_client=mweb,web;skip=dash;youtubetab:approximate_date") == {
        "youtube": {"player_client": ["mweb", "web"], "skip": ["dash"]},
        "youtubetab": {"approximate_date": [""]},
    }
    # The brief's spelling (the extractor named again) and yt-dlp's own read the same.
    assert parse("youtube:player_client=mweb;youtube:skip=dash") == parse("youtube:player_client=mweb;skip=dash")


def test_keys_as_yt_dlp_reads_them_and_escaped_commas():
    assert parse(" YouTube : Player-Client = mweb , tv ") == {"youtube": {"player_client": ["mweb", "tv"]}}
    assert parse(r"generic:impersonate=chrome\,safari") == {"generic": {"impersonate": ["chrome,safari"]}}
    assert parse("generic:base=http://x.example:8080/a") == {"generic": {"base": ["http://x.example:8080/a"]}}


def test_one_spelling_that_reads_back():
    text = r"youtube:player_client=mweb,web;skip=dash;youtubetab:approximate_date;generic:x=a\,b"
    assert normalise(text) == text
    assert parse(format_args(parse(text))) == parse(text)
    assert normalise("youtube:player_client=mweb\nyoutube:skip=dash") == "youtube:player_client=mweb;skip=dash"
    assert normalise("") == "" and normalise(None) == "" and normalise(" ; ") == ""


@pytest.mark.parametrize(("text", "says"), [
    ("player_client=mweb", "names no extractor"),
    ("you tube:player_client=mweb", "the extractor must be"),
    ("youtube:player client=mweb", "the key must be"),
    ("youtube:=mweb", "the key must be"),
    ("youtubepot-bgutilhttp:base_url=http://evil.example", "set by the operator"),
    ("youtubepot-bgutilscript:script_path=/tmp/x.js", "set by the operator"),
    ("youtube:player_client=mweb\x00", "control characters"),
    ("youtube:k=" + "v" * 2000, "limited to 2000"),
])
def test_bad_input_says_what_is_wrong(text, says):
    with pytest.raises(ValueError, match=says):
        parse(text)


def test_a_channels_keys_replace_the_global_ones_extractor_by_extractor():
    base = {"youtube": {"fetch_pot": ["never"], "skip": ["hls"]}, "youtubepot-bgutilhttp": {"base_url": ["u"]}}
    over = {"youtube": {"skip": ["dash"]}, "generic": {"x": ["1"]}}
    assert merge(base, over) == {"youtube": {"fetch_pot": ["never"], "skip": ["dash"]},
                                 "youtubepot-bgutilhttp": {"base_url": ["u"]}, "generic": {"x": ["1"]}}
    assert base["youtube"]["skip"] == ["hls"]  # nothing changed in place
