"""Watched and resume, per person (library_app): the 90 % rule, validation with messages, the API's isolation
between two people (alice and bob; anonymous refused), bulk marks, the schema, and the pages' parts (the
continue-watching shelf, the watched filter and ticks, the "new since your last visit" counts, chapters)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from archiver import readable, tree
from archiver.errors import UserError
from channels_app.models import Channel, Video
from library_app import chapters, visits, watching
from library_app.models import WatchState
from tokens_app.service import issue

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("position", "duration", "watched"), [
    (89.9, 100, False), (90, 100, True), (100, 100, True), (0, 100, False),
    (50, None, False), (50, 0, False), (36.0, 40.0, True), (35.9, 40.0, False),
])
def test_a_video_watched_to_90_percent_is_watched(position, duration, watched):
    assert watching.is_watched(position, duration) is watched


@pytest.mark.parametrize(("value", "message"), [
    ("12", "must be a number"), (True, "must be a number"), (None, "must be a number"), ([1], "must be a number"),
    (-1, "0 or more"), (float("nan"), "0 or more"), (float("inf"), "0 or more"), (106, "past the end"),
])
def test_a_bad_position_is_refused_with_a_message(value, message):
    with pytest.raises(UserError, match=message):
        watching.check_position(value, 100.0)


def test_a_position_may_pass_the_end_by_the_slack_and_is_bounded_without_a_duration():
    assert watching.check_position(100 + watching.END_SLACK_SECONDS, 100.0) == 105.0
    assert watching.check_position(3600, None) == 3600.0
    with pytest.raises(UserError, match="past the end"):
        watching.check_position(watching.MAX_POSITION_SECONDS + 1, None)


@pytest.fixture
def catalog():
    channel = Channel.objects.create(id="c1", url="https://example.org/c1", source_url="x", extractor="x",
                                     raw_id="c1", title="Channel one")
    other = Channel.objects.create(id="c2", url="https://example.org/c2", source_url="x", extractor="x",
                                   raw_id="c2", title="Channel two")
    videos = [Video.objects.create(channel=channel, video_id=f"v{n}", raw_id=f"v{n}", url=f"https://x/v{n}",
                                   title=f"Video {n}", duration=100.0, status="archived", upload_date=f"202401{n + 10}",
                                   archived_at=timezone.now() - timedelta(days=10 - n))
              for n in range(4)]
    videos.append(Video.objects.create(channel=other, video_id="w0", raw_id="w0", url="https://x/w0", title="W",
                                       duration=60.0, status="archived", archived_at=timezone.now()))
    return videos


def _person(name: str, staff: bool = False):
    user = User.objects.create_user(name, password=f"pw-{name}-12345", is_staff=staff)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue(user).key}")
    web = Client()
    web.force_login(user)
    return user, api, web


@pytest.fixture
def alice():
    return _person("alice")


@pytest.fixture
def bob():
    return _person("bob")


def test_set_state_rules(alice, catalog):
    user, video = alice[0], catalog[0]
    assert watching.get_state(user, video).position == 0 and not watching.get_state(user, video).watched
    assert not watching.set_state(user, video, position=50).watched
    state = watching.set_state(user, video, position=91)
    assert state.watched and state.position == 91
    assert watching.set_state(user, video, position=5).watched  # watching again keeps it watched
    unwatched = watching.set_state(user, video, watched=False)
    assert not unwatched.watched and unwatched.position == 0  # starts over
    assert not watching.set_state(user, video, position=95, watched=False).watched  # said so: not watched
    with pytest.raises(UserError, match="Give a position"):
        watching.set_state(user, video)
    with pytest.raises(UserError, match="true or false"):
        watching.set_state(user, video, watched="yes")
    assert WatchState.objects.filter(user=user).count() == 1


def test_the_api_keeps_each_persons_own_state(alice, bob, catalog):
    video = catalog[0]
    url = f"/api/videos/{video.pk}/watch/"
    assert APIClient().get(url).status_code == 401
    assert APIClient().put(url, {"position": 3}, format="json").status_code == 401
    first = alice[1].get(url)
    assert first.status_code == 200 and first.json() == {"video": video.pk, "position": 0.0, "watched": False,
                                                         "updated_at": None}
    put = alice[1].put(url, {"position": 42.5}, format="json")  # a reader (not staff) writes their own state
    assert put.status_code == 200 and put.json()["position"] == 42.5 and not put.json()["watched"]
    assert bob[1].get(url).json()["position"] == 0.0  # bob's is his own
    assert bob[1].put(url, {"watched": True}, format="json").json()["watched"]
    mine = alice[1].get(url).json()
    assert mine["position"] == 42.5 and mine["watched"] is False and mine["updated_at"]
    assert alice[1].put(url, {"position": 95}, format="json").json()["watched"] is True  # 90 %: watched
    assert alice[1].put(url, {"watched": False}, format="json").json() | {"updated_at": None} == {
        "video": video.pk, "position": 0.0, "watched": False, "updated_at": None}


@pytest.mark.parametrize(("body", "message"), [
    ({"position": "ten"}, "must be a number"), ({"position": -3}, "0 or more"), ({"position": 1000}, "past the end"),
    ({"watched": "maybe"}, "true or false"), ({}, "Give a position"), ([1, 2], "JSON object"),
])
def test_bad_watch_values_are_a_400_with_a_message(alice, catalog, body, message):
    response = alice[1].put(f"/api/videos/{catalog[0].pk}/watch/", body, format="json")
    assert response.status_code == 400, response.content
    assert message in response.json()["detail"]
    assert not WatchState.objects.exists()


def test_an_unknown_video_is_a_404(alice, catalog):
    assert alice[1].get("/api/videos/999999/watch/").status_code == 404
    assert alice[1].get(f"/api/videos/{2**64}/watch/").status_code == 404
    assert alice[1].put("/api/videos/999999/watch/", {"position": 1}, format="json").status_code == 404


def test_bulk_marks_and_unmarks_for_the_caller_only(alice, bob, catalog):
    ids = [v.pk for v in catalog[:3]]
    watching.set_state(alice[0], catalog[0], position=30)
    response = alice[1].post("/api/watch/bulk/", {"video_ids": ids, "watched": True}, format="json")
    assert response.status_code == 200 and response.json() == {"marked": 3, "watched": True}
    assert set(WatchState.objects.filter(user=alice[0], watched=True).values_list("video_id", flat=True)) == set(ids)
    assert not WatchState.objects.filter(user=bob[0]).exists()
    assert alice[1].post("/api/watch/bulk/", {"video_ids": ids[:1], "watched": False},
                         format="json").json()["marked"] == 1
    again = watching.get_state(alice[0], catalog[0])
    assert again.position == 0 and not again.watched
    form = alice[1].post("/api/watch/bulk/", {"video_ids": ids, "watched": "true"}, format="multipart")
    assert form.status_code == 415 and "send JSON" in form.json()["detail"]  # JSON only
    for body, message in [({"video_ids": [], "watched": True}, "non-empty"),
                          ({"video_ids": ["a"], "watched": True}, "integers"),
                          ({"video_ids": [2**70], "watched": True}, "integers"),
                          ({"video_ids": list(range(1, watching.MAX_BULK + 2)), "watched": True}, "at most"),
                          ({"video_ids": [999999], "watched": True}, "No video with id 999999"),
                          ({"video_ids": ids, "watched": 1}, "true or false")]:
        bad = alice[1].post("/api/watch/bulk/", body, format="json")
        assert bad.status_code == 400 and message in bad.json()["detail"], (body, bad.content)


def test_continue_watching_is_started_unwatched_newest_first(alice, bob, catalog):
    user = alice[0]
    watching.set_state(user, catalog[0], position=10)
    watching.set_state(user, catalog[1], position=95)  # watched: not on the shelf
    watching.set_state(user, catalog[2], position=20)
    watching.set_state(bob[0], catalog[3], position=20)  # bob's
    watching.mark(user, [catalog[3].pk], False)  # never started
    assert [s.video_id for s in watching.continue_watching(user, 10)] == [catalog[2].pk, catalog[0].pk]
    assert [s.video_id for s in watching.continue_watching(user, 1)] == [catalog[2].pk]
    listed = alice[1].get("/api/watch/continue/").json()
    assert [(r["video"]["video_id"], r["position"]) for r in listed] == [("v2", 20.0), ("v0", 10.0)]
    assert [r["video"]["video_id"] for r in bob[1].get("/api/watch/continue/?limit=5").json()] == ["v3"]
    for bad in ("0", "x", "201", "-1"):
        answer = alice[1].get(f"/api/watch/continue/?limit={bad}")
        assert answer.status_code == 400 and "limit must be" in answer.json()["detail"], bad
    body = alice[2].get("/").content.decode()
    shelf = body.split('id="continue-watching"', 1)[1].split("</section>", 1)[0]
    assert "Video 2" in shelf and "Video 1<" not in shelf
    assert 'id="continue-watching"' not in Client().get("/").content.decode()  # anonymous: the login page


def test_the_watched_filter_and_ticks_on_the_channel_page(alice, catalog):
    user, web = alice[0], alice[2]
    watching.mark(user, [catalog[1].pk], True)
    videos = Video.objects.filter(channel_id="c1")
    assert list(watching.filter_watched(videos, user, True)) == [catalog[1]]
    assert catalog[1] not in watching.filter_watched(videos, user, False) and videos.count() == 4
    yes = web.get("/channels/c1/?watched=yes").content.decode()
    assert "Video 1<" in yes and "Video 0<" not in yes and 'class="watched-tick"' in yes
    no = web.get("/channels/c1/?watched=no").content.decode()
    assert "Video 1<" not in no and "Video 0<" in no and "Video 3<" in no
    everything = web.get("/channels/c1/?watched=bogus").content.decode()
    assert all(f"Video {n}<" in everything for n in range(4)) and everything.count('class="watched-tick"') == 1


def test_new_since_the_last_visit(alice, bob, catalog):
    user, web = alice[0], alice[2]
    assert visits.new_since_visit(user, ["c1", "c2"]) == {"c1": 4, "c2": 1}  # never visited: all archived
    web.get("/channels/c1/")
    assert visits.new_since_visit(user, ["c1", "c2"]) == {"c1": 0, "c2": 1}
    Video.objects.filter(pk=catalog[0].pk).update(archived_at=timezone.now() + timedelta(seconds=5))
    assert visits.new_since_visit(user, ["c1"]) == {"c1": 1}
    assert visits.new_since_visit(bob[0], ["c1"]) == {"c1": 4}  # bob never came
    assert visits.new_since_visit(user, ["c1"], archived={"c1": 99}) == {"c1": 1}  # a visit wins over counts


def test_chapters_from_info_json_site_and_sponsorblock():
    info = {"chapters": [{"start_time": 10, "end_time": 20, "title": "Middle"}, {"start_time": 0, "title": "Start"},
                         {"start_time": "bad"}, "junk"],
            "sponsorblock_chapters": [{"start_time": 12.5, "end_time": 15, "category": "sponsor",
                                       "title": "Sponsor", "type": "skip"}]}
    got = chapters.from_info(info, 30)
    assert [(c.start, c.end, c.title, c.kind) for c in got] == [
        (0.0, 10.0, "Start", "chapter"), (10.0, 20.0, "Middle", "chapter"), (12.5, 15.0, "Sponsor", "sponsorblock")]
    assert got[2].category == "sponsor" and got[1].at == "0:10" and readable.clock(3723) == "1:02:03"
    assert chapters.from_info({"chapters": None}) == []


def test_the_video_page_lists_chapters_and_the_player_data(alice, catalog):
    video = catalog[0]
    Video.objects.filter(pk=video.pk).update(video_file="video.mp4")
    folder = tree.video_dir(settings.ARCHIVE_ROOT, "c1", "v0")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "video.mp4").write_bytes(b"\0" * 16)
    (folder / tree.INFO_FILE).write_text(json.dumps({"chapters": [
        {"start_time": 0, "end_time": 50, "title": "First half"}, {"start_time": 50, "end_time": 100,
                                                                   "title": "Second half"}]}))
    watching.set_state(alice[0], video, position=61)
    body = alice[2].get("/channels/c1/videos/v0/").content.decode()
    assert 'data-start="50"' in body and "Second half" in body and "0:50" in body
    data = json.loads(body.split('<script id="player-data" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert data["position"] == 61 and data["watched"] is False and len(data["chapters"]) == 2
    assert "Stopped at 1:01" in body and "Mark watched" in body
    (folder / tree.INFO_FILE).write_text("{not json")  # a broken file: no chapters, never a 500
    assert alice[2].get("/channels/c1/videos/v0/").status_code == 200


def test_the_mark_button_of_the_video_page(alice, catalog):
    web = alice[2]
    answer = web.post("/channels/c1/videos/v1/watched/", {"watched": "true"})
    assert answer.status_code == 302 and watching.get_state(alice[0], catalog[1]).watched
    web.post("/channels/c1/videos/v1/watched/", {"watched": "false"})
    assert not watching.get_state(alice[0], catalog[1]).watched
    assert web.get("/channels/c1/videos/v1/watched/").status_code == 405
    assert web.post("/channels/c1/videos/nope/watched/", {"watched": "true"}).status_code == 404


def test_the_schema_documents_the_watch_endpoints(alice):
    doc = alice[1].get("/api/schema/?format=json").json()
    watch = doc["paths"]["/api/videos/{id}/watch/"]
    body = watch["put"]["requestBody"]["content"]
    assert {"get", "put"} <= set(watch) and set(body) == {"application/json"}
    ref = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(doc["components"]["schemas"][ref]["properties"]) == {"position", "watched"}
    assert "400" in watch["put"]["responses"] and "404" in watch["get"]["responses"]
    assert "post" in doc["paths"]["/api/watch/bulk/"]
