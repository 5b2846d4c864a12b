"""``GET /api/search/`` and the ``/search/`` page (front_app.api.search, front_app.pages.search): the shape the
issue names, links to the second and to the comment, 400s with messages, paging, the schema, and who may
search (alice, a viewer; anonymous refused). In POSTGRES_TESTS too."""
from __future__ import annotations

import html

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from channels_app.models import Video
from search_app import engine
from tests import search_corpus
from text_app.models import Cue
from tokens_app.service import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    return search_corpus.build()


@pytest.fixture
def alice():
    user = User.objects.create_user("alice", password="pw-alice-12345")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issue(user).key}")
    web = Client()
    web.force_login(user)
    return api, web


def test_a_subtitle_hit_has_its_second_and_a_link_to_it(alice, corpus):
    body = alice[0].get("/api/search/", {"q": '"katze schläft"'}).json()
    assert body["count"] == 1 and body["next"] is None
    hit = body["results"][0]
    assert {k: hit[k] for k in ("video_id", "channel_id", "kind", "start", "comment_id", "lang", "title")} == {
        "video_id": "vidDE1", "channel_id": "UCsearchOne", "kind": "subtitle", "start": 4.0, "comment_id": "",
        "lang": "de", "title": "Ein Tag mit der Katze"}
    assert hit["url"] == "/channels/UCsearchOne/videos/vidDE1/?t=4"
    assert hit["score"] > 0 and "<mark>" in hit["snippet"]
    assert hit["video"] == corpus["v1"].pk


def test_a_comment_hit_links_to_the_comment_in_its_thread(alice, corpus):
    body = alice[0].get("/api/search/", {"q": "archive", "kind": "comment"}).json()
    assert [(h["comment_id"], h["start"], h["url"]) for h in body["results"]] == [
        ("Ugx1.r1", None, "/channels/UCsearchOne/videos/vidEN2/?comment=Ugx1.r1#comment-Ugx1.r1")]


def test_the_channel_parameter_filters(alice, corpus):
    body = alice[0].get("/api/search/", {"q": "archiv*", "channel": "UCsearchTwo"}).json()
    assert {h["channel_id"] for h in body["results"]} == {"UCsearchTwo"} and body["count"] == 3


@pytest.mark.parametrize(("params", "message"), [
    ({"q": "x", "kind": "video"}, "unknown kind"), ({"q": "x kind:nope"}, "unknown kind"),
    ({"q": "x", "channel": "UCnotHere"}, "no channel 'UCnotHere'"), ({"q": "x", "channel": "<b>"}, "not a channel id"),
    ({"q": "x", "page": "two"}, "page must be a whole number"), ({"q": "x", "page": "0"}, "page must be between"),
    ({"q": "x", "page": "51"}, "page must be between"),
])
def test_bad_parameters_are_a_400_with_a_message(alice, corpus, params, message):
    response = alice[0].get("/api/search/", params)
    assert response.status_code == 400 and message in response.json()["detail"]
    page = alice[1].get("/search/", params)
    assert page.status_code == 400 and html.escape(message) in page.content.decode()


@pytest.mark.parametrize("q", ['"', '"unbalanced', "*", "-", "NEAR(", "(", "a OR", "", "kind:", "'"])
def test_fts_syntax_characters_are_never_an_error(alice, corpus, q):
    assert alice[0].get("/api/search/", {"q": q}).status_code == 200
    assert alice[1].get("/search/", {"q": q}).status_code == 200


def test_pages_of_twenty_with_a_next_link(alice, corpus):
    v = corpus["v3"]
    Cue.objects.bulk_create([Cue(video=v, lang="en", start=100.0 + n, end=101.0 + n, text=f"zebra number {n}")
                             for n in range(engine.PER_PAGE + 5)])
    first = alice[0].get("/api/search/", {"q": "zebra"}).json()
    assert first["count"] == engine.PER_PAGE + 5 and len(first["results"]) == engine.PER_PAGE
    assert first["next"].startswith("http://testserver/api/search/?") and "page=2" in first["next"]
    second = alice[0].get(first["next"]).json()
    assert len(second["results"]) == 5 and second["next"] is None
    seen = {h["start"] for h in first["results"] + second["results"]}
    assert len(seen) == engine.PER_PAGE + 5


def test_anonymous_may_not_search(corpus):
    assert APIClient().get("/api/search/", {"q": "katze"}).status_code in (401, 403)
    assert Client().get("/search/", {"q": "katze"}).status_code == 302


def test_the_schema_documents_search(alice):
    doc = alice[0].get("/api/schema/?format=json").json()
    operation = doc["paths"]["/api/search/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "channel", "kind", "page"}
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    page = doc["components"]["schemas"][ref]["properties"]
    assert set(page) == {"results", "count", "count_exact", "next"}
    hit = doc["components"]["schemas"][page["results"]["items"]["$ref"].rsplit("/", 1)[1]]["properties"]
    assert {"video_id", "channel_id", "kind", "snippet", "start", "comment_id", "score"} <= set(hit)


def test_the_results_page_groups_by_video_and_links_each_hit(alice, corpus):
    page = alice[1].get("/search/", {"q": "katze"}).content.decode()
    assert page.count('class="search-video"') == 2  # vidDE1 (title, cue, comment) and vidEN2 (description)
    assert 'href="/channels/UCsearchOne/videos/vidDE1/?t=4"' in page
    assert 'href="/channels/UCsearchOne/videos/vidDE1/?comment=Ugx5#comment-Ugx5"' in page
    assert "0:04" in page and "Kanal Eins" in page and "<mark>" in page


def test_the_results_page_escapes_what_the_text_holds(alice, corpus):
    Video.objects.filter(pk=corpus["v3"].pk).update(title="<script>alert(1)</script> tour")
    page = alice[1].get("/search/", {"q": "boxes"}).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "&lt;b&gt;" in page and "<b>boxes" not in page


def test_the_header_has_the_search_box(alice):
    page = alice[1].get("/").content.decode()
    assert 'action="/search/"' in page and 'name="q"' in page
