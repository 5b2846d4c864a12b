"""The fixture's comments and automatic captions (tests/fixture_site/talk.py) have the shape the tests rely on."""
from tests.fixture_site import talk


def test_top_sort_puts_the_pinned_comment_first_and_each_reply_after_its_comment():
    listed = talk.comments("top")
    assert listed[0]["id"] == talk.PINNED_ID and listed[0]["is_pinned"]
    ids = [c["id"] for c in listed]
    assert set(ids) == set(talk.COMMENT_IDS)
    replies = [c for c in listed if c["parent"] != "root"]
    assert len(replies) == 4
    for reply in replies:
        assert ids.index(reply["parent"]) < ids.index(reply["id"])
    tops = [c["like_count"] for c in listed[1:] if c["parent"] == "root"]
    assert tops == sorted(tops, reverse=True)


def test_new_sort_is_newest_first_and_a_removed_comment_is_gone():
    listed = [c for c in talk.comments("new", {talk.GONE_COMMENT_ID}) if c["parent"] == "root"]
    assert [c["timestamp"] for c in listed] == sorted((c["timestamp"] for c in listed), reverse=True)
    assert talk.GONE_COMMENT_ID not in {c["id"] for c in listed}
    assert len(listed) == talk.TALK_TOP_LEVEL - 1


def test_automatic_captions_roll_each_line_through_several_cues():
    text = talk.auto_caption_text("de")
    assert text.startswith("WEBVTT\nKind: captions\nLanguage: de")
    first = talk.auto_caption_lines("de")[0][1]
    assert text.count(first) == 2  # alone for 10 ms, then above the next line (spoken word-timed, not whole)
    assert "<c>" in text


def test_the_manual_german_subtitles_say_the_phrase_at_second_four():
    text = talk.manual_de_text()
    assert f"00:00:03.500 --> 00:00:06.000\n{talk.TALK_PHRASE}" in text
