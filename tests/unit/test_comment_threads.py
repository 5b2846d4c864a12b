"""Threads as the video page shows them: pinned first, then the most liked; replies under their comment;
the page of a comment's thread; anchors that stay unique."""
import datetime as dt

import pytest

from channels_app.models import Channel, Video
from text_app import threads
from text_app.models import Comment

pytestmark = pytest.mark.django_db


def _video():
    channel = Channel.objects.create(id="c-threads", url="https://example.org/c")
    video = Video.objects.create(channel=channel, video_id="v", raw_id="v", url="https://example.org/v")
    at = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    rows = [Comment(video=video, comment_id=f"t{n:02d}", like_count=n, published_at=at) for n in range(45)]
    rows += [Comment(video=video, comment_id="pin", like_count=0, pinned=True),
             Comment(video=video, comment_id="t03.b", parent_id="t03", published_at=at + dt.timedelta(hours=2)),
             Comment(video=video, comment_id="t03.a", parent_id="t03", published_at=at + dt.timedelta(hours=1))]
    Comment.objects.bulk_create(rows)
    return video


def test_pages_hold_twenty_threads_pinned_first_then_the_most_liked():
    video = _video()
    first, pages = threads.page(video, 1)
    assert pages == 3 and len(first) == threads.PAGE_SIZE
    assert [t.comment.comment_id for t in first[:3]] == ["pin", "t44", "t43"]
    assert len(threads.page(video, 3)[0]) == 6 and threads.page(video, 4)[0] == []


def test_a_replys_thread_is_found_on_its_page_and_unfolded_there():
    video = _video()
    assert threads.thread_of(video, "t03.b") == ("t03", 3)
    assert threads.thread_of(video, "t03") == ("t03", 3)
    assert threads.thread_of(video, "nope") is None
    shown = {t.comment.comment_id: t for t in threads.page(video, 3, open_thread="t03")[0]}
    assert shown["t03"].open and not shown["t04"].open
    assert [a for _, a in shown["t03"].replies] == ["t03.a", "t03.b"]  # oldest first


def test_anchors_keep_safe_characters_and_spell_the_rest_uniquely():
    assert threads.anchor("UgzAbc_-9.x1") == "UgzAbc_-9.x1"
    assert threads.anchor('a"b<c') == "a_22_b_3C_c" != threads.anchor("a_b_c")


def test_read_words_fills_videos_archived_before_and_goes_on_after_a_pk(settings, tmp_path):
    import io

    from django.core.management import CommandError, call_command

    from archiver import tree

    settings.ARCHIVE_ROOT = tmp_path
    channel = Channel.objects.create(id="c-old", url="https://example.org/old")
    videos = [Video.objects.create(channel=channel, video_id=f"old{n}", raw_id=f"old{n}", url="x", status="archived")
              for n in range(3)]
    for video in videos:
        folder = tree.video_dir(tmp_path, channel.id, video.video_id)
        folder.joinpath("subtitles").mkdir(parents=True)
        tree.subtitle_file(folder, "en").write_text(f"WEBVTT\n\n00:01.000 --> 00:02.000\nsaid in {video.video_id}\n",
                                                    encoding="utf-8")
    out = io.StringIO()
    call_command("read_words", "--limit", "2", stdout=out)
    assert "2 archived video(s) read" in out.getvalue()
    assert [v.cues.count() for v in videos] == [1, 1, 0]
    call_command("read_words", "--after", str(videos[1].pk), stdout=io.StringIO())
    assert videos[2].cues.get().text == "said in old2" and videos[0].cues.count() == 1  # read again: still one
    with pytest.raises(CommandError):
        call_command("read_words", "--channel", "nope", stdout=io.StringIO())
