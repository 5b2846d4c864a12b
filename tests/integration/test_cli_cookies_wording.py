"""What ``ytarchive cookies --clear`` says: without a channel only the global cookies go, and it says so
(it said "cookies of every channel removed" while every channel's own cookies stayed)."""
from __future__ import annotations

import json

import pytest

from tests.harness import Api, add_fresh, cli

pytestmark = pytest.mark.integration
COOKIES = "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t2000000000\tck\tsecret-value\n"


def test_clearing_without_a_channel_says_only_the_global_cookies_went(logged_in, api: Api, fixture_site, tmp_path):
    channel = add_fresh(api, f"{fixture_site.base_url}/@fixtureslow")["id"]
    cookie_file = tmp_path / "cookies.txt"
    cookie_file.write_text(COOKIES)
    cli(logged_in, "cookies", "--file", str(cookie_file))
    cli(logged_in, "cookies", channel, "--file", str(cookie_file))
    cleared = cli(logged_in, "cookies", "--clear").stdout
    assert "global cookies removed; channels with cookies of their own keep them" in cleared
    assert "every channel" not in cleared
    assert "downloads use its own cookies" in cli(logged_in, "cookies", channel).stdout  # it kept them
    assert json.loads(cli(logged_in, "--json", "cookies", "--clear").stdout) == {"scope": "global", "set": False}
    assert f"cookies of {channel} removed" in cli(logged_in, "cookies", channel, "--clear").stdout
