"""The installed ``ytarchive`` console script against the running app: every command, bad input included."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ADMIN
from tests.harness import Api, cli, wait_for

pytestmark = pytest.mark.integration

CHANNEL = "fixturesite-chan-big-7"




def test_the_installed_command_archives_a_channel_end_to_end(logged_in, api: Api, fixture_site):
    env = logged_in
    api.call("DELETE", f"/api/channels/{CHANNEL}/?delete_files=true", expect=(204, 404))
    added = json.loads(cli(env, "--json", "add", f"{fixture_site.base_url}/channel/chan-big-7", "--interval", "12")
                       .stdout)
    assert added["id"] == CHANNEL and added["sync_interval_hours"] == 12
    again = cli(env, "add", f"{fixture_site.base_url}/@fixturebig7", expect=1)
    assert "was added already" in again.stderr
    listed = cli(env, "list").stdout
    assert CHANNEL in listed and "every 12 h" in listed.splitlines()[[CHANNEL in line for line in
                                                                      listed.splitlines()].index(True)]
    assert CHANNEL in [c["id"] for c in json.loads(cli(env, "list", "--json").stdout)]
    options = cli(env, "set", CHANNEL, "--max-height", "480", "--container", "mkv", "--sleep", "0", "0").stdout
    assert "max height 480" in options and "container mkv" in options
    assert "max height best" in cli(env, "set", CHANNEL, "--max-height", "", "--container", "").stdout
    dated = cli(env, "set", CHANNEL, "--published-after", "2020-01-01", "--sponsorblock-mark", "sponsor",
                "--sleep-requests", "0").stdout
    assert "published since 2020-01-01" in dated and "SponsorBlock marks sponsor" in dated
    assert "published since" not in cli(env, "set", CHANNEL, "--published-after", "", "--sponsorblock-mark",
                                         "").stdout
    assert "Date has wrong format" in cli(env, "set", CHANNEL, "--published-after", "yesterday", expect=1).stderr
    cookie_file = Path(env["YTARCHIVE_CONFIG_DIR"]) / "cookies.txt"
    cookie_file.write_text("# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t2000000000\tcli_ck\tcli-secret\n")
    assert "cookies set" in cli(env, "cookies", CHANNEL, "--file", str(cookie_file)).stdout
    shown = cli(env, "cookies", CHANNEL).stdout
    assert "downloads use its own cookies" in shown and "cli-secret" not in shown
    assert "removed" in cli(env, "cookies", CHANNEL, "--clear").stdout
    assert "no cookies" in cli(env, "cookies", CHANNEL).stdout
    feed = cli(env, "feed", CHANNEL).stdout.strip()
    assert f"/feeds/{CHANNEL}.xml?token=" in feed
    rotated = cli(env, "feed", CHANNEL, "--rotate").stdout.strip()
    assert rotated != feed and rotated in cli(env, "feed").stdout  # the OPML of every feed
    assert "--rotate needs a CHANNEL" in cli(env, "feed", "--rotate", expect=2).stderr
    assert "being written" in cli(env, "nfo", CHANNEL).stdout
    assert "global cookies (for channels without their own): none" in cli(env, "cookies").stdout
    assert "sync" in cli(env, "sync", CHANNEL).stdout
    watched = cli(env, "progress", CHANNEL, "--watch")
    assert "0/7" in watched.stdout and "7 failed" in watched.stdout  # the bar counts archived; failures apart
    progress = json.loads(cli(env, "progress", CHANNEL, "--json").stdout)
    assert progress["total"] == 7 and progress["failed"] == 7  # listing-only entries: their pages are 404
    failed = json.loads(cli(env, "videos", CHANNEL, "--status", "failed", "--json").stdout)
    assert len(failed) == 7 and all(v["failure_kind"] == "permanent" for v in failed)
    human = cli(env, "videos", CHANNEL, "--status", "failed").stdout
    assert "permanent: " in human and failed[0]["video_id"] in human
    one = json.loads(cli(env, "--json", "retry", f"{CHANNEL}/{failed[0]['video_id']}").stdout)
    assert one["video_id"] == failed[0]["video_id"] and one["status"] in ("new", "queued", "failed")
    wait_for(lambda: json.loads(cli(env, "progress", CHANNEL, "--json").stdout)["failed"] == 7, 60,
             "the retried video to fail again")
    assert "requeued" in cli(env, "retry", "--all-failed", CHANNEL).stdout
    cli(env, "progress", CHANNEL, "--watch")
    assert "files stay" in cli(env, "remove", CHANNEL, "--yes").stdout
    assert CHANNEL not in cli(env, "list").stdout


def test_bad_input_is_one_line_and_a_non_zero_exit(logged_in, cli_env, stack):
    env = logged_in
    assert "invalid choice" in cli(env, "frobnicate", expect=2).stderr
    assert "unrecognized arguments" in cli(env, "list", "--bogus", expect=2).stderr
    assert cli(env, "add", "not a url", expect=1).stderr.startswith("ytarchive: ")
    assert "sync_interval_hours" in cli(env, "add", "https://example.org/@x", "--interval", "0", expect=1).stderr
    unknown = cli(env, "progress", "no-such-channel", expect=1).stderr
    assert "'no-such-channel'" in unknown and "ytarchive list" in unknown and "No Channel matches" not in unknown
    assert "'no-such-channel'" in cli(env, "sync", "no-such-channel", expect=1).stderr
    assert "VIDEO or --all-failed" in cli(env, "retry", expect=2).stderr
    assert "cannot read" in cli(env, "cookies", "--file", "/no/such/cookies.txt", expect=2).stderr
    assert "Netscape" in cli(env, "cookies", "--file", "-", stdin="not cookies\n", expect=1).stderr
    assert "without --yes" in cli(env, "remove", "anything", expect=2).stderr
    assert cli(env, "sites").stdout.strip() == "no site is paused"
    assert "nothing to set" in cli(env, "set", "anything", expect=2).stderr
    assert "must be a number" in cli(env, "set", "anything", "--max-height", "tall", expect=2).stderr
    assert "host name" in cli(env, "resume", "not a host", expect=1).stderr
    assert "0 video(s) go now" in cli(env, "resume", "www.example.org").stdout
    unreachable = cli(env, "--url", "http://127.0.0.1:1", "list", expect=3)
    assert "cannot reach http://127.0.0.1:1" in unreachable.stderr
    anonymous = {**cli_env, "YTARCHIVE_CONFIG_DIR": cli_env["YTARCHIVE_CONFIG_DIR"] + "-none"}
    assert "ytarchive login" in cli(anonymous, "list", expect=2).stderr
    wrong = cli(anonymous, "login", "-u", ADMIN["username"], "--password-stdin", stdin="wrong\n", expect=1)
    assert "Unable to log in" in wrong.stderr
    bad_token = {**anonymous, "YTARCHIVE_TOKEN": "not-a-token"}
    assert "Invalid token" in cli(bad_token, "list", expect=1).stderr


def test_a_read_only_user_reads_but_cannot_change(cli_env, stack, fixture_site):
    stack.manage("shell", "-c", "from django.contrib.auth.models import User; "
                 "User.objects.filter(username='reader').delete(); "
                 "User.objects.create_user('reader', password='reader-pass-12345')")
    env = {**cli_env, "YTARCHIVE_CONFIG_DIR": cli_env["YTARCHIVE_CONFIG_DIR"] + "-reader"}
    cli(env, "login", "-u", "reader", "--password-stdin", stdin="reader-pass-12345\n")
    cli(env, "list")
    refused = cli(env, "add", f"{fixture_site.base_url}/channel/chan-big-3", expect=1)
    assert "editor's account" in refused.stderr


def _logged_in_elsewhere(cli_env, folder: Path) -> dict:
    env = {**cli_env, "YTARCHIVE_CONFIG_DIR": str(folder)}
    cli(env, "login", "--username", ADMIN["username"], "--password-stdin", stdin=ADMIN["password"] + "\n")
    return env


def _saved_key(env: dict) -> str:
    return json.loads((Path(env["YTARCHIVE_CONFIG_DIR"]) / "token").read_text())["token"]


def test_tokens_are_listed_without_keys_revoked_by_id_and_logout_forgets_the_file(cli_env, tmp_path):
    laptop = _logged_in_elsewhere(cli_env, tmp_path / "laptop")
    server = _logged_in_elsewhere(cli_env, tmp_path / "server")
    laptop_key, server_key = _saved_key(laptop), _saved_key(server)
    listed = json.loads(cli(laptop, "tokens", "--json").stdout)
    ids = {t["id"] for t in listed}
    assert laptop_key[:15] in ids and server_key[:15] in ids
    assert [t["current"] for t in listed if t["id"] == laptop_key[:15]] == [True]
    human = cli(laptop, "tokens").stdout
    assert f"{laptop_key[:15]} (this one)" in human and "EXPIRES" in human
    assert laptop_key not in human and server_key not in human
    assert "You have no token 'nope'" in cli(laptop, "tokens", "--revoke", "nope", expect=1).stderr
    assert f"revoked token {server_key[:15]}" in cli(laptop, "tokens", "--revoke", server_key[:15]).stdout
    refused = cli(server, "list", expect=1).stderr
    assert "Invalid token." in refused and "ytarchive login" in refused
    # a revoked token's file is still removed by logout, which says the server no longer knew it
    assert "no longer knew" in cli(server, "logout").stdout
    assert not (tmp_path / "server" / "token").exists()
    out = cli(laptop, "logout").stdout
    assert "token revoked" in out and str(tmp_path / "laptop" / "token") in out
    assert not (tmp_path / "laptop" / "token").exists()
    assert "not logged in" in cli(laptop, "logout", expect=2).stderr
    assert "not logged in" in cli(laptop, "tokens", expect=2).stderr
    assert Api(cli_env["YTARCHIVE_URL"], laptop_key).get("/api/channels/", expect=401)["detail"] == "Invalid token."
