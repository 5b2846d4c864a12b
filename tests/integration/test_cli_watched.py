"""``ytarchive watched`` against the running app: show, mark and unmark, set a resume position, list what to
continue, several videos at once, a reader's own state (no staff needed), and bad input as one line."""
from __future__ import annotations

import json

import pytest

from tests.fixture_site import catalog
from tests.harness import Api, add_fresh, cli

pytestmark = pytest.mark.integration

CHANNEL = "fixturesite-chan-retry"  # two short videos, quick to archive; listed is enough for watch state


@pytest.fixture(scope="module")
def videos(api: Api, fixture_site):
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixtureretry")
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    api.wait_settled(channel["id"])
    found = {v["video_id"]: v for v in api.videos(channel["id"])}
    assert set(found) == set(catalog.TABS[("chan-retry", "videos")]), found
    return found


def test_show_mark_position_and_list(logged_in, videos):
    env = logged_in
    one, two = f"{CHANNEL}/vid-retry-01", f"{CHANNEL}/{catalog.RETRY_FLAKY_ID}"
    cli(env, "watched", one, "--unset")
    cli(env, "watched", two, "--unset")
    assert "not started" in cli(env, "watched", one).stdout
    assert CHANNEL not in cli(env, "watched", "--list").stdout  # (other tests' videos may be on the list)
    at = cli(env, "watched", one, "--position", "0:01").stdout
    assert f"{one}: stopped at 0:01 of 0:0" in at
    listed = cli(env, "watched", "--list").stdout
    assert one in listed and "0:01" in listed and two not in listed
    rows = [r for r in json.loads(cli(env, "watched", "--list", "--json").stdout) if r["video"]["channel"] == CHANNEL]
    assert [r["video"]["video_id"] for r in rows] == ["vid-retry-01"] and rows[0]["position"] == 1.0
    assert "watched" in cli(env, "watched", one, "--set").stdout
    assert json.loads(cli(env, "--json", "watched", one).stdout)["watched"] is True
    assert CHANNEL not in cli(env, "watched", "--list").stdout
    assert "2 video(s) marked watched" in cli(env, "watched", one, two, "--set").stdout
    assert json.loads(cli(env, "watched", two, "--json").stdout)["watched"] is True
    assert "2 video(s) marked unwatched" in cli(env, "watched", one, two, "--unset").stdout
    state = json.loads(cli(env, "watched", one, "--json").stdout)
    assert state["watched"] is False and state["position"] == 0


def test_a_reader_keeps_its_own_state(cli_env, stack, videos):
    """A reader (not staff) sets its own state; the list of someone who never played anything is empty."""
    stack.manage("shell", "-c", "from django.contrib.auth.models import User; "
                 "User.objects.filter(username='watcher').delete(); "
                 "User.objects.create_user('watcher', password='watcher-pass-12345')")
    env = {**cli_env, "YTARCHIVE_CONFIG_DIR": cli_env["YTARCHIVE_CONFIG_DIR"] + "-watcher"}
    cli(env, "login", "-u", "watcher", "--password-stdin", stdin="watcher-pass-12345\n")
    assert "nothing to continue" in cli(env, "watched", "--list").stdout
    assert "stopped at 0:02" in cli(env, "watched", f"{CHANNEL}/vid-retry-01", "--position", "2").stdout
    assert "vid-retry-01" in cli(env, "watched", "--list").stdout
    assert "watched" in cli(env, "watched", f"{CHANNEL}/vid-retry-01", "--set").stdout


def test_bad_input_is_one_line_and_a_non_zero_exit(logged_in, videos):
    env = logged_in
    one = f"{CHANNEL}/vid-retry-01"
    assert "give a VIDEO" in cli(env, "watched", expect=2).stderr
    assert "--position takes seconds" in cli(env, "watched", one, "--position", "soon", expect=2).stderr
    assert "--position takes seconds" in cli(env, "watched", one, "--position", "1:75", expect=2).stderr
    assert "past the end" in cli(env, "watched", one, "--position", "9999", expect=1).stderr
    assert "--list takes no VIDEO" in cli(env, "watched", one, "--list", expect=2).stderr
    assert "several VIDEOs take --set or --unset" in cli(env, "watched", one, one, expect=2).stderr
    assert "not allowed with argument" in cli(env, "watched", one, "--set", "--unset", expect=2).stderr
    assert "no video" in cli(env, "watched", f"{CHANNEL}/no-such-video", expect=1).stderr
    assert "limit must be" in cli(env, "watched", "--list", "--limit", "0", expect=1).stderr
