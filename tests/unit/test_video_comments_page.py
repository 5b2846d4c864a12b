"""The video page's comments with Django's test client: the count, threads paged with replies folded,
?comment= unfolding its thread on the right page, removed comments marked, bad paging a 400, auto tracks named."""
import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from archiver import tree
from channels_app.models import Channel, Video
from text_app.models import Comment

pytestmark = pytest.mark.django_db
PAGE = "/channels/c-talk/videos/v1/"


@pytest.fixture
def reader():
    User.objects.create_user("reader", password="pw-reader-12345")
    client = Client()
    assert client.login(username="reader", password="pw-reader-12345")
    return client


@pytest.fixture
def video(settings, tmp_path):
    settings.ARCHIVE_ROOT = tmp_path
    channel = Channel.objects.create(id="c-talk", url="https://www.youtube.com/@talk", extractor="youtube:tab")
    video = Video.objects.create(channel=channel, video_id="v1", raw_id="v1", url="https://example.org/v1",
                                 status="archived", video_file="video.mp4", subtitles=["de", "de.auto"])
    folder = tree.video_dir(tmp_path, channel.id, "v1")
    (folder / "subtitles").mkdir(parents=True)
    (folder / "video.mp4").write_bytes(b"0" * 100)
    for name in ("de", "de.auto"):
        tree.subtitle_file(folder, name).write_text("WEBVTT\n", encoding="utf-8")
    at = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    rows = [Comment(video=video, comment_id=f"Ugw{n:02d}", author=f"@v{n}", text=f"comment {n}", like_count=n,
                    published_at=at) for n in range(30)]
    rows += [Comment(video=video, comment_id="Ugw01.r1", parent_id="Ugw01", author="@r", text="a reply", like_count=0,
                     published_at=at, removed_upstream_at=at + dt.timedelta(days=2)),
             Comment(video=video, comment_id="Ugw01.r2", parent_id="Ugw01", author="@s", text="another", like_count=1,
                     published_at=at + dt.timedelta(hours=1))]
    Comment.objects.bulk_create(rows)
    return video


def test_the_first_page_shows_twenty_threads_the_count_and_more(reader, video):
    page = reader.get(PAGE).content.decode()
    assert '<span class="meta" id="comments-count">32</span>' in page
    assert page.count('<li class="comment') == 20 and 'id="comment-Ugw29"' in page and 'id="comment-Ugw01"' not in page
    assert 'href="?comments_page=2#comments" id="more-comments">More comments</a>' in page
    assert 'label="German (auto)"' in page and 'label="German"' in page and 'srclang="de"' in page


def test_a_reply_asked_for_opens_its_thread_on_its_page_and_removed_ones_are_marked(reader, video):
    page = reader.get(PAGE + "?comment=Ugw01.r1").content.decode()
    assert 'data-focus="comment-Ugw01.r1"' in page and 'id="comment-Ugw01"' in page
    assert '<details class="replies" open><summary>2 replies</summary>' in page
    assert 'id="comment-Ugw01.r1"' in page and "removed on YouTube" in page
    assert page.count("<details class=\"replies\" open>") == 1
    elsewhere = reader.get(PAGE + "?comments_page=2").content.decode()
    assert '<details class="replies"><summary>2 replies</summary>' in elsewhere  # folded when not asked for


def test_bad_paging_is_a_400_and_an_unknown_comment_says_so(reader, video):
    bad = reader.get(PAGE + "?comments_page=two")
    assert bad.status_code == 400 and "comments_page" in bad.content.decode()
    assert "That comment is not in this archive." in reader.get(PAGE + "?comment=nope").content.decode()
