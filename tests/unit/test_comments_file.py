"""comments.json's shape and its merge over a later read; what each comments mode asks yt-dlp for."""
import datetime as dt

from archiver import channel_options, comments_file
from archiver.channel_options import Profile
from archiver.ytdlp import comments_captions

NOW = dt.datetime(2026, 12, 1, 23, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=1)


def _yt(cid, parent="root", **more):
    return {"id": cid, "parent": parent, "text": f"text {cid}", "author": "@a", "author_id": "UCa",
            "like_count": 3, "timestamp": 1_700_000_000, **more}


def test_a_document_holds_our_own_fields_with_top_level_parents_empty():
    doc = comments_file.document("v1", [_yt("c1", is_pinned=True), _yt("c1.r", parent="c1"), _yt("c1")],
                                 "top", True, NOW)
    assert doc["format"] == comments_file.FORMAT and doc["read_at"] == "2026-12-01T23:00:00Z"
    assert [(c["id"], c["parent"], c["pinned"]) for c in doc["comments"]] == [("c1", "", True), ("c1.r", "c1", False)]
    assert set(doc["comments"][0]) == {"id", "parent", "author", "author_id", "text", "likes", "timestamp",
                                       "pinned", "by_uploader", "removed_upstream_at"}


def test_a_complete_read_marks_what_it_no_longer_finds_and_keeps_it():
    old = comments_file.document("v1", [_yt("c1"), _yt("c2")], "top", True, NOW)
    fresh = comments_file.document("v1", [_yt("c1"), _yt("c3")], "top", True, LATER)
    both = comments_file.merged(old, fresh, LATER)
    assert [(c["id"], c["removed_upstream_at"]) for c in both["comments"]] == [
        ("c1", None), ("c3", None), ("c2", "2026-12-02T23:00:00Z")]
    again = comments_file.merged(both, fresh, LATER + dt.timedelta(days=1))  # the first miss's time stays
    assert again["comments"][-1]["removed_upstream_at"] == "2026-12-02T23:00:00Z"
    back = comments_file.merged(both, comments_file.document("v1", [_yt("c2")], "top", True, LATER), LATER)
    assert (back["comments"][0]["id"], back["comments"][0]["removed_upstream_at"]) == ("c2", None)


def test_a_read_cut_at_its_bound_marks_nothing():
    old = comments_file.document("v1", [_yt("c1"), _yt("c2")], "top", True, NOW)
    fresh = comments_file.document("v1", [_yt("c1")], "top", False, LATER)
    assert [c["removed_upstream_at"] for c in comments_file.merged(old, fresh, LATER)["comments"]] == [None, None]


def test_each_mode_asks_for_its_sort_and_bound_and_the_channels_own_arguments_win():
    assert comments_captions.comment_params(Profile(comments="off"), {}) == {"getcomments": False}
    top = comments_captions.comment_params(Profile(), {})
    assert top["getcomments"] and top["extractor_args"]["youtube"] == {"comment_sort": ["top"], "max_comments": ["500"]}
    assert channel_options.comment_request(Profile(comments="top", comments_max=0)) == ("top", 500)
    assert channel_options.comment_request(Profile(comments="all", comments_max=0)) == ("new", 0)
    every = comments_captions.comment_params(Profile(comments="all", comments_max=0),
                                             {"youtube": {"max_comments": ["10"]}, "fixturesite": {"echo": ["x"]}})
    assert every["extractor_args"] == {"youtube": {"comment_sort": ["new"], "max_comments": ["10"]},
                                       "fixturesite": {"echo": ["x"]}}


def test_a_read_is_complete_only_when_it_ended_before_its_bound():
    info = {"comments": [_yt(f"c{n}") for n in range(5)], "comment_count": 5}
    assert comments_captions.comments_document(info, "v", Profile(comments_max=6))["complete"]
    assert not comments_captions.comments_document(info, "v", Profile(comments_max=5))["complete"]
    assert comments_captions.comments_document(info, "v", Profile(comments="off")) is None
    assert comments_captions.comments_document({}, "v", Profile()) is None


def test_only_the_original_automatic_tracks_are_kept():
    info = {"automatic_captions": {
        "en-orig": [{"ext": "json3", "url": "http://x/a"}, {"ext": "vtt", "url": "http://x/a?fmt=vtt"}],
        "en": [{"ext": "vtt", "url": "http://x/a?fmt=vtt"}],
        "fr": [{"ext": "vtt", "url": "http://x/a?fmt=vtt&tlang=fr"}],
        "de": [{"ext": "srv1", "url": "http://x/d"}]}}
    assert list(comments_captions.original_auto_tracks(info)) == ["en"]
