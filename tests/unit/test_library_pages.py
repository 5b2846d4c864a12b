"""The library's pages with Django's test client: durations, the grid's sort/filter/layout (bad values are a 400
with a message), damaged and thumbnail-less cards, channel posters, error pages with the navigation."""
import pytest
from django.contrib.auth.models import User
from django.test import Client

from archiver import tree
from channels_app.models import Channel, Video
from front_app.templatetags.library import compact_count, duration, upload_day

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seconds, shown", [
    (0, "0:00"), (7, "0:07"), (140, "2:20"), (3599.6, "1:00:00"), (3723, "1:02:03"), (36000, "10:00:00"),
    (None, ""), ("", ""), ("x", ""), (-1, ""), (float("nan"), ""), (float("inf"), ""),
])
def test_durations_read_as_clocks(seconds, shown):
    assert duration(seconds) == shown


def test_days_and_counts():
    assert upload_day("20240131") == "2024-01-31" and upload_day("") == "" and upload_day("2024") == ""
    assert [compact_count(n) for n in (0, 950, 1000, 1234, 3_400_000, 2 * 10**9, None, -3)] == [
        "0", "950", "1K", "1.2K", "3.4M", "2B", "", ""]


@pytest.fixture
def library(settings, tmp_path):
    settings.ARCHIVE_ROOT = tmp_path
    channel = Channel.objects.create(id="lib-chan", url="https://example.org/c", source_url="x", extractor="x",
                                     raw_id="chan", title="Library channel")
    rows = [("a", "Alpha", 3723, "20240105", 10, "archived", ""), ("b", "Bravo", 65, "20240301", 5000, "archived",
            "damaged"), ("c", "Charlie", 600, "", None, "failed", ""), ("d", "Delta " + "long " * 60, None,
            "20230101", 7, "new", "")]
    for vid, title, length, day, views, status, fixity in rows:
        Video.objects.create(channel=channel, video_id=vid, raw_id=vid, url=f"https://example.org/{vid}",
                             title=title, duration=length, upload_date=day, view_count=views, status=status,
                             fixity_status=fixity, fixity_problems=["video.mp4: checksum differs"] if fixity else [])
    folder = tree.video_dir(tmp_path, channel.id, "a")
    folder.mkdir(parents=True)
    (folder / "thumbnail.jpg").write_bytes(b"\xff\xd8\xff")  # "b" is archived without one
    return channel


def _order(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('data-video="')[1:]]


@pytest.mark.parametrize("sort, order", [
    ("", ["b", "a", "d", "c"]), ("newest", ["b", "a", "d", "c"]), ("oldest", ["c", "d", "a", "b"]),
    ("title", ["a", "b", "c", "d"]), ("longest", ["a", "c", "b", "d"]), ("shortest", ["b", "c", "a", "d"]),
    ("views", ["b", "a", "d", "c"]),
])
def test_the_grid_sorts(reader, library, sort, order):
    page = reader.get(f"/channels/lib-chan/?sort={sort}")
    assert page.status_code == 200 and _order(page.content.decode()) == order


def test_the_grid_filters_by_status_and_damage_and_shows_a_list(reader, library):
    assert _order(reader.get("/channels/lib-chan/?status=archived").content.decode()) == ["b", "a"]
    assert _order(reader.get("/channels/lib-chan/?status=damaged").content.decode()) == ["b"]
    assert _order(reader.get("/channels/lib-chan/?status=failed&sort=title").content.decode()) == ["c"]
    listed = reader.get("/channels/lib-chan/?view=list&sort=title").content.decode()
    assert 'class="grid as-list"' in listed and _order(listed) == ["a", "b", "c", "d"]
    assert 'value="list"' in listed  # the filter form keeps the layout


@pytest.mark.parametrize("query", ["sort=fastest", "status=bogus", "view=table", "sort=%00"])
def test_a_bad_grid_choice_is_a_400_that_says_why(reader, library, query):
    page = reader.get(f"/channels/lib-chan/?{query}")
    html = page.content.decode()
    assert page.status_code == 400 and "choose one of" in html and 'id="main-nav"' in html


def test_cards_show_clocks_days_damage_and_placeholders(reader, library):
    html = reader.get("/channels/lib-chan/").content.decode()
    card = {vid: html.split(f'data-video="{vid}"')[1].split("</li>")[0] for vid in "abcd"}
    assert '<span class="length">1:02:03</span>' in card["a"] and "3723" not in card["a"]
    assert '<time datetime="2024-01-05">2024-01-05</time>' in card["a"] and "10 views" in card["a"]
    assert 'src="/media/lib-chan/a/thumbnail.jpg"' in card["a"]
    assert "thumbnail.jpg" not in card["b"] and "No thumbnail" in card["b"]  # archived, but its file is missing
    assert "Damaged" in card["b"] and "st-damaged" in card["b"] and "5K views" in card["b"]
    assert "checksum differs" in card["b"]
    assert '<span class="meta"><span class="st st-failed">' in card["c"]  # no date: no leading "·"
    long_title = "Delta " + "long " * 60
    assert f'title="{long_title}"' in card["d"]


def test_the_home_page_is_a_library(reader, library, settings):
    home = reader.get("/").content.decode()
    assert 'class="channel-card"' in home and "Library channel" in home and "Newest video" in home
    assert "2024-03-01" in home and 'id="recent-title"' in home and 'data-video="a"' in home
    assert 'data-opens="add-channel"' not in home  # a reader adds nothing
    assert "/channels/lib-chan/poster.jpg" not in home
    assert reader.get("/channels/lib-chan/poster.jpg").status_code == 404
    tree.poster_path(settings.ARCHIVE_ROOT, "lib-chan").write_bytes(b"\xff\xd8\xffposter")
    home = reader.get("/").content.decode()
    assert 'src="/channels/lib-chan/poster.jpg"' in home
    poster = reader.get("/channels/lib-chan/poster.jpg")
    assert poster.status_code == 200 and b"".join(poster.streaming_content).endswith(b"poster")
    assert Client().get("/channels/lib-chan/poster.jpg").status_code == 302  # to the login page


def test_staff_get_the_add_button_and_the_form_in_a_dialog(library):
    User.objects.create_user("owner", password="pw-owner-12345", is_staff=True)
    owner = Client()
    owner.login(username="owner", password="pw-owner-12345")
    home = owner.get("/").content.decode()
    dialog = home.split('<dialog id="add-channel"')[1].split("</dialog>")[0]
    assert 'data-opens="add-channel"' in home and 'action="/channels/add/"' in dialog and 'name="url"' in dialog
    channel = owner.get("/channels/lib-chan/").content.decode()
    menu = channel.split('<details class="menu">')[1].split("</details>")[0]
    assert "Full rescan" in menu and "Write NFO files" in menu and "Remove channel" in menu
    assert 'class="primary">Sync<' in channel


@pytest.mark.parametrize("path, code, words", [
    ("/no/such/page/", 404, "Not found"), ("/channels/nope/", 404, "Not found"),
    ("/channels/lib-chan/videos/nope/", 404, "Not found"),
])
def test_error_pages_keep_the_navigation_and_the_icon(reader, library, path, code, words):
    page = reader.get(path)
    html = page.content.decode()
    assert page.status_code == code and words in html and 'id="main-nav"' in html
    assert 'rel="icon"' in html and "favicon" in html


def test_a_403_says_why_with_the_navigation(reader, library):
    page = reader.post("/channels/lib-chan/do/sync/")
    html = page.content.decode()
    assert page.status_code == 403 and "needs an editor" in html and 'id="main-nav"' in html


def test_api_errors_stay_json(reader):
    page = reader.get("/api/no-such-thing/")
    assert page.status_code == 404 and page["Content-Type"].startswith("application/json")


def test_a_500_page_keeps_the_navigation_and_falls_back_when_it_cannot_render(rf, monkeypatch):
    from django.contrib.auth.models import AnonymousUser

    from front_app.http import error_pages

    request = rf.get("/channels/x/")
    request.user = User.objects.create_user("someone", password="pw-someone-12345")
    page = error_pages.server_error(request)
    html = page.content.decode()
    assert page.status_code == 500 and "Something went wrong" in html and 'id="main-nav"' in html
    assert 'rel="icon"' in html

    monkeypatch.setattr(error_pages, "TEMPLATE", "web/no-such-page.html")  # our page cannot render: Django's
    request.user = AnonymousUser()
    plain = error_pages.server_error(request)
    assert plain.status_code == 500 and b"Server Error" in plain.content
