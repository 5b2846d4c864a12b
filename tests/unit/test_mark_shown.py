"""The channel page's "Mark all on this page watched / unwatched" (front_app.pages.bulk_watched) and the cards' toggle
with Django's test client: only the channel's own videos are marked, each person's own, bad forms say why."""
import pytest
from django.contrib.auth.models import User
from django.test import Client

from channels_app.models import Channel, Video
from library_app import watching
from library_app.models import WatchState

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    clients = {}
    for name in ("alice", "bob"):
        user = User.objects.create_user(name, password=f"pw-{name}-12345")
        client = Client()
        assert client.login(username=name, password=f"pw-{name}-12345")
        clients[name] = (user, client)
    return clients


@pytest.fixture
def channels(settings, tmp_path):
    settings.ARCHIVE_ROOT = tmp_path
    made = {}
    for cid in ("mine", "other"):
        channel = Channel.objects.create(id=cid, url=f"https://example.org/{cid}", source_url="x", extractor="x",
                                         raw_id=cid, title=cid)
        made[cid] = [Video.objects.create(channel=channel, video_id=f"v{n}", raw_id=f"{cid}{n}", title=f"{cid} {n}",
                                          url=f"https://example.org/{cid}/{n}", status="archived") for n in range(3)]
    return made


def _watched(user) -> set:
    return {(w.video.channel_id, w.video.video_id) for w in WatchState.objects.filter(user=user, watched=True)}


def test_the_page_marks_the_channels_videos_it_names(people, channels):
    alice, client = people["alice"]
    answer = client.post("/channels/mine/watched/", {"watched": "true", "video": ["v0", "v2"],
                                                     "next": "/channels/mine/?sort=title"})
    assert answer.status_code == 302 and answer["Location"] == "/channels/mine/?sort=title"
    assert _watched(alice) == {("mine", "v0"), ("mine", "v2")}  # not other's v0, though it has the same id
    assert _watched(people["bob"][0]) == set()
    page = client.get("/channels/mine/").content.decode()
    assert "Marked 2 videos watched." in page and page.count('class="watched-tick"') == 2
    assert page.count('name="video" value="v') == 6  # both bulk forms name the page's three videos
    client.post("/channels/mine/watched/", {"watched": "false", "video": ["v0", "v1", "v2"]})
    assert _watched(alice) == set()


@pytest.mark.parametrize("form, said", [
    ({"watched": "true"}, "No videos of this channel were named"),
    ({"watched": "true", "video": ["nope"]}, "No videos of this channel were named"),
    ({"watched": "maybe", "video": ["v0"]}, "watched must be true or false"),
    ({"watched": "true", "video": ["v0"] * (watching.MAX_BULK + 1)}, f"at most {watching.MAX_BULK} at once"),
])
def test_a_bad_form_says_why_and_marks_nothing(people, channels, form, said):
    alice, client = people["alice"]
    answer = client.post("/channels/mine/watched/", form, follow=True)
    assert answer.status_code == 200 and said in answer.content.decode()
    assert _watched(alice) == set()


def test_the_cards_toggle_and_the_pages_answers(people, channels):
    alice, client = people["alice"]
    page = client.get("/channels/mine/").content.decode()
    assert page.count('class="mark-watched"') == 3 and ">Mark watched</button>" in page
    assert client.post("/channels/mine/videos/v1/watched/", {"watched": "true", "next": "/channels/mine/"}
                       )["Location"] == "/channels/mine/"
    page = client.get("/channels/mine/").content.decode()
    assert ">Mark unwatched</button>" in page and _watched(alice) == {("mine", "v1")}
    assert client.post("/channels/nope/watched/", {"watched": "true", "video": ["v0"]}).status_code == 404
    assert client.get("/channels/mine/watched/").status_code == 405
    assert Client().post("/channels/mine/watched/", {"watched": "true", "video": ["v0"]}).status_code == 302
    assert _watched(alice) == {("mine", "v1")}


def test_live_cards_carry_the_toggle_back_to_the_page(people, channels):
    alice, client = people["alice"]
    watching.mark(alice, [channels["mine"][0].pk], True)
    cards = client.get("/channels/mine/cards/?since=0").content.decode()
    assert cards.count('class="mark-watched"') == 3 and 'name="next" value="/channels/mine/"' in cards
    assert cards.count(">Mark unwatched</button>") == 1


def test_a_video_never_archived_has_no_toggle_unless_marked(people, channels):
    """Nothing to watch in a failed or waiting video: its card offers no "Mark watched" (one marked watched
    before keeps "Mark unwatched", so the mark can be undone)."""
    alice, client = people["alice"]
    Video.objects.filter(channel_id="mine", video_id__in=["v1", "v2"]).update(status="failed")
    watching.mark(alice, [channels["mine"][2].pk], True)
    page = client.get("/channels/mine/").content.decode()
    assert page.count('class="mark-watched"') == 2
    assert page.count(">Mark watched</button>") == 1 and page.count(">Mark unwatched</button>") == 1
