"""Adding a channel indexes it at once, through the API and the installed ``ytarchive`` command, against the
running app (real Celery workers, the fixture site): its videos are listed without any call to /sync/; added
``paused``, it is listed nowhere and has no sync, while another channel's sync proves the workers run.

The channels are listing-only ones of the fixture site (chan-big-N: their pages are 404, so each video fails
at once and nothing downloads for long); no other test uses these N.
"""
from __future__ import annotations

import json

import pytest

from tests.fixture_site import catalog
from tests.harness import Api, cli, wait_for

pytestmark = pytest.mark.integration


def _gone(api: Api, *channel_ids: str) -> None:
    for channel_id in channel_ids:
        api.call("DELETE", f"/api/channels/{channel_id}/?delete_files=true", expect=(204, 404))


def _listed(api: Api, channel_id: str, n: int) -> list[dict]:
    return wait_for(lambda: len(videos := api.videos(channel_id)) == n and videos, 120,
                    f"the add's sync to list the {n} videos of {channel_id}")


def _syncs(api: Api, channel_id: str) -> list[dict]:
    return api.get(f"/api/channels/{channel_id}/syncs/")["results"]


def _listing(channel: str) -> list[str]:
    return list(catalog.get_channel(channel).tabs["videos"])


def test_an_api_add_lists_the_videos_without_a_sync_call_and_a_paused_one_waits(api: Api, fixture_site):
    syncing, paused = "fixturesite-chan-big-5", "fixturesite-chan-big-6"
    _gone(api, syncing, paused)
    held = api.post("/api/channels/", expect=201, json={"url": f"{fixture_site.base_url}/channel/chan-big-6",
                                                         "paused": True})
    assert held["id"] == paused and held["sync"] is None and not held["enabled"]
    added = api.post("/api/channels/", expect=201, json={"url": f"{fixture_site.base_url}/channel/chan-big-5"})
    assert added["id"] == syncing and added["enabled"] and added["sync"]["status"] in ("queued", "running")
    listed = _listed(api, syncing, 5)
    assert sorted(v["video_id"] for v in listed) == sorted(_listing("chan-big-5"))
    done = wait_for(lambda: (j := api.get(f"/api/syncs/{added['sync']['id']}/"))["status"] in ("succeeded", "failed")
                    and j, 60, "the add's sync to finish")
    assert done["status"] == "succeeded" and done["trigger"] == "api" and done["videos_seen"] == 5, done
    assert [s["id"] for s in _syncs(api, syncing)] == [added["sync"]["id"]]  # one sync: the add's
    # The workers listed a channel added after it: the paused one was never synced.
    assert _syncs(api, paused) == [] and api.videos(paused) == []
    # Asked for now, it syncs (a client that always asks after an add gets a 202 either way).
    job = api.post(f"/api/channels/{paused}/sync/", expect=202)
    assert len(_listed(api, paused, 6)) == 6 and _syncs(api, paused)[0]["id"] == job["id"]
    api.wait_settled(syncing)
    api.wait_settled(paused)
    _gone(api, syncing, paused)


def test_the_cli_add_syncs_now_unless_paused(logged_in, api: Api, fixture_site):
    env = logged_in
    syncing, paused = "fixturesite-chan-big-4", "fixturesite-chan-big-8"
    _gone(api, syncing, paused)
    held = cli(env, "add", f"{fixture_site.base_url}/channel/chan-big-8", "--paused").stdout
    assert held.startswith(f"Added {paused} (") and ", paused: `ytarchive sync " in held, held
    added = cli(env, "add", f"{fixture_site.base_url}/channel/chan-big-4").stdout
    assert added.startswith(f"Added {syncing} (") and "; syncing now (sync " in added, added
    listed = wait_for(lambda: len(v := json.loads(cli(env, "videos", syncing, "--json").stdout)) == 4 and v, 120,
                      "the CLI add's sync to list the channel")
    assert sorted(v["video_id"] for v in listed) == sorted(_listing("chan-big-4"))
    wait_for(lambda: _syncs(api, syncing)[0]["status"] == "succeeded", 60, "the add's sync to finish")
    rows = {line.split()[0]: line for line in cli(env, "list").stdout.splitlines()[1:]}
    assert rows[paused].rstrip().endswith("paused") and "every " in rows[syncing]
    assert _syncs(api, paused) == [] and json.loads(cli(env, "videos", paused, "--json").stdout) == []
    api.wait_settled(syncing)
    _gone(api, syncing, paused)
