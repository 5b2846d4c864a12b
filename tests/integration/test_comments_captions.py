"""Comments and automatic captions archived (issue 25), in-process with real yt-dlp, real Redis and real files
against the fixture site: a download writes comments.json and subtitles/{lang}.auto.vtt (both in
checksums.sha256); recording its outcome fills the catalog's cues and comments (replies with their parent)
and sends video_text_changed; a history refresh keeps a comment deleted upstream, marked, in the catalog
and in comments.json; comments=off writes none."""
from __future__ import annotations

import dataclasses
import json

import pytest

from archiver import comments_file, fixity, tree
from archiver.channel_options import Profile
from archiver.download import archive_video
from archiver.messages import DownloadOptions, DownloadRequest
from archiver.ytdlp import params
from tests.fixture_site import talk

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.fixture
def talk_video(fixture_site, settings, tmp_path):
    from channels_app.models import Channel, Video

    settings.ARCHIVE_ROOT = tmp_path
    channel = Channel.objects.create(id="fixturesite-chan-talk", url=f"{fixture_site.base_url}/channel/chan-talk")
    video = Video.objects.create(channel=channel, video_id=talk.TALK_ID, raw_id=talk.TALK_ID, status="queued",
                                 url=f"{fixture_site.base_url}/watch/{talk.TALK_ID}")
    yield video
    fixture_site.removed_comments.clear()
    fixture_site.comments_broken = False


def _download(video, root, redis_client, profile: Profile):
    from downloads_app.outcomes import record_outcome

    request = DownloadRequest(video_pk=video.pk, channel_id=video.channel_id, video_id=video.video_id, attempt=1,
                              url=video.url, options=DownloadOptions(format="bestvideo*+bestaudio/best",
                                                                     socket_timeout=5, http_retries=0,
                                                                     profile=profile))
    outcome = archive_video(request, root, redis_client, lease_seconds=10)
    assert outcome.status == "archived", outcome.reason
    record_outcome(outcome.report(request))
    return tree.video_dir(root, video.channel_id, video.video_id)


def test_a_download_keeps_comments_and_automatic_captions_in_files_and_in_the_catalog(talk_video, tmp_path,
                                                                                      redis_client):
    from text_app.signals import video_text_changed

    told = []

    def listener(sender, video_pk, **kwargs):
        told.append(video_pk)
    video_text_changed.connect(listener)
    try:
        folder = _download(talk_video, tmp_path, redis_client, Profile())
    finally:
        video_text_changed.disconnect(listener)
    assert told == [talk_video.pk]

    doc = json.loads(tree.comments_file(folder).read_text(encoding="utf-8"))
    assert doc["format"] == comments_file.FORMAT and doc["complete"] and doc["sort"] == "top"
    assert [c["id"] for c in doc["comments"]] == [c["id"] for c in talk.comments("top")]
    assert "comments" not in json.loads(tree.info_file(folder).read_text(encoding="utf-8"))  # kept once
    for lang in talk.AUTO_LANGS:
        assert tree.auto_subtitle_file(folder, lang).read_text(encoding="utf-8").startswith("WEBVTT")
    assert not tree.auto_subtitle_file(folder, talk.TRANSLATED_LANG).exists()  # a translation is not kept
    manifest = fixity.read_manifest(folder)
    assert {"comments.json", "subtitles/de.auto.vtt", "subtitles/en.auto.vtt", "subtitles/de.vtt"} <= set(manifest)
    assert fixity.verify(folder).ok

    talk_video.refresh_from_db()
    assert {"de", "en", "de.auto", "en.auto"} <= set(talk_video.subtitles)
    cues = talk_video.cues
    said = cues.get(lang="de", automatic=False, text=talk.TALK_PHRASE)
    assert said.start == talk.TALK_PHRASE_START
    assert [(c.start, c.text) for c in cues.filter(lang="de", automatic=True).order_by("start")] == \
        talk.auto_caption_lines("de")  # rolling repeats merged
    comments = {c.comment_id: c for c in talk_video.comments.all()}
    assert set(comments) == set(talk.COMMENT_IDS)
    assert comments[talk.REPLY_ID].parent_id == talk.REPLIED_ID and comments[talk.REPLY_ID].text == talk.REPLY_TEXT
    assert comments[talk.PINNED_ID].pinned and comments[talk.PINNED_ID].parent_id == ""
    assert comments[talk.PINNED_ID].published_at and comments[talk.PINNED_ID].like_count == 12


def test_a_comment_deleted_upstream_stays_marked_after_a_history_refresh(talk_video, tmp_path, redis_client,
                                                                         fixture_site):
    from channels_app import history

    folder = _download(talk_video, tmp_path, redis_client, Profile())
    fixture_site.removed_comments.add(talk.GONE_COMMENT_ID)
    told = []
    from text_app.signals import video_text_changed

    def listener(sender, video_pk, **kwargs):
        told.append(video_pk)
    video_text_changed.connect(listener)
    try:
        history.refresh_pages(talk_video.channel, params.Options(), limit=5)
    finally:
        video_text_changed.disconnect(listener)
    assert told == [talk_video.pk]
    gone = talk_video.comments.get(comment_id=talk.GONE_COMMENT_ID)
    assert gone.removed_upstream_at is not None and gone.text.startswith("This comment will be deleted")
    assert talk_video.comments.filter(removed_upstream_at__isnull=False).count() == 1
    doc = comments_file.read(tree.comments_file(folder))
    marked = [c for c in doc["comments"] if c["removed_upstream_at"]]
    assert [c["id"] for c in marked] == [talk.GONE_COMMENT_ID]
    assert fixity.verify(folder).ok  # its checksum follows the rewritten file

    fixture_site.removed_comments.clear()  # back upstream: no longer marked
    history.refresh_pages(talk_video.channel, params.Options(), limit=5)
    assert talk_video.comments.get(comment_id=talk.GONE_COMMENT_ID).removed_upstream_at is None

    fixture_site.comments_broken = True  # a failed read of the comments says nothing of the video or them
    history.refresh_pages(talk_video.channel, params.Options(), limit=5)
    talk_video.refresh_from_db()
    assert talk_video.availability != "removed" and talk_video.removed_upstream_at is None
    assert not talk_video.comments.filter(removed_upstream_at__isnull=False).exists()


def test_comments_off_writes_none_and_auto_captions_off_keeps_only_a_persons(talk_video, tmp_path, redis_client,
                                                                             fixture_site):
    fixture_site.reset()
    folder = _download(talk_video, tmp_path, redis_client,
                       dataclasses.replace(Profile(), comments="off", auto_captions=False))
    assert not tree.comments_file(folder).exists()
    assert not any(path.startswith("/api/comments/") for path in fixture_site.request_counts())
    assert not list(tree.subtitles_dir(folder).glob("*.auto.vtt"))
    assert talk_video.comments.count() == 0
    assert set(talk_video.cues.values_list("automatic", flat=True)) == {False}


def test_the_settings_read_the_comment_and_caption_variables(monkeypatch):
    from config.env import env_profile

    monkeypatch.setenv("YTARCHIVE_COMMENTS", "off")
    monkeypatch.setenv("YTARCHIVE_COMMENTS_MAX", "0")
    monkeypatch.setenv("YTARCHIVE_AUTO_CAPTIONS", "false")
    profile = env_profile()
    assert (profile.comments, profile.comments_max, profile.auto_captions) == ("off", 0, False)
    monkeypatch.delenv("YTARCHIVE_COMMENTS")
    monkeypatch.delenv("YTARCHIVE_COMMENTS_MAX")
    monkeypatch.delenv("YTARCHIVE_AUTO_CAPTIONS")
    assert (env_profile().comments, env_profile().comments_max, env_profile().auto_captions) == ("top", 500, True)


def test_a_broken_comment_read_still_archives_the_video(talk_video, tmp_path, redis_client, fixture_site):
    """Comments are extras: when their pages fail, the video, its subtitles and captions are archived without
    comments.json (the history refresh reads them again), never failed for good."""
    fixture_site.comments_broken = True
    folder = _download(talk_video, tmp_path, redis_client, Profile())
    assert (folder / "video.mp4").stat().st_size > 0 and not tree.comments_file(folder).exists()
    assert tree.auto_subtitle_file(folder, "de").exists() and fixity.verify(folder).ok
    talk_video.refresh_from_db()
    assert talk_video.status == "archived" and talk_video.comments.count() == 0
    assert talk_video.cues.filter(lang="de", automatic=False, text=talk.TALK_PHRASE).exists()


def test_what_a_download_archived_is_found_by_search(talk_video, tmp_path, redis_client, fixture_site):
    """The whole path (issue 25): yt-dlp reads the fixture's subtitles and comments, the outcome fills the cues
    and comments, the index follows; /api/search/ finds the German phrase at its second (the player's ?t=),
    a reply with a link into its thread, and after a history refresh a comment deleted upstream, marked."""
    from django.contrib.auth.models import User
    from rest_framework.test import APIClient

    from channels_app import history
    from text_app.threads import anchor
    from tokens_app.service import issue

    _download(talk_video, tmp_path, redis_client, Profile())
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue(User.objects.create_user('seeker')).key}")

    def search(q: str, **params) -> list[dict]:
        answer = api.get("/api/search/", {"q": q, **params})
        assert answer.status_code == 200, answer.content
        return answer.json()["results"]

    said = [h for h in search(f'"{talk.TALK_PHRASE}"', kind="subtitle") if h["lang"] == "de"]
    assert said and said[0]["start"] == talk.TALK_PHRASE_START and said[0]["url"].endswith("?t=3")
    reply_words = " ".join(talk.REPLY_TEXT.split()[:3])
    replies = [h for h in search(f'"{reply_words}"', kind="comment") if h["comment_id"] == talk.REPLY_ID]
    assert replies and replies[0]["url"].endswith(f"?comment={talk.REPLY_ID}#comment-{anchor(talk.REPLY_ID)}")
    assert not replies[0]["removed_upstream"]

    fixture_site.removed_comments.add(talk.GONE_COMMENT_ID)
    history.refresh_pages(talk_video.channel, params.Options(), limit=5)
    gone = [h for h in search('"will be deleted"', kind="comment") if h["comment_id"] == talk.GONE_COMMENT_ID]
    assert gone and gone[0]["removed_upstream"]  # kept, found, and marked
