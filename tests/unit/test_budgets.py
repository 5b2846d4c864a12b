"""Rate budgets and the egress pool as plain values: parsing, host matching, throttled formats."""
import pytest
from django.core.exceptions import ImproperlyConfigured

from archiver.budgets import (
    DEFAULT_SITE_RATES,
    SiteRate,
    budget_site,
    looks_throttled,
    parse_egress,
    parse_site_rates,
    rate_for,
)


def test_rates_parse_every_unit_and_fractional_periods():
    assert parse_site_rates("youtube.com=250/1h, 8.8.8.8=8/30s,*=100/1d,vimeo.com=5/1.5m,a.org=3/s") == (
        SiteRate("youtube.com", 250, 3600), SiteRate("8.8.8.8", 8, 30), SiteRate("*", 100, 86400),
        SiteRate("vimeo.com", 5, 90), SiteRate("a.org", 3, 1))
    assert parse_site_rates("") == ()
    assert parse_site_rates(DEFAULT_SITE_RATES) == (SiteRate("youtube.com", 250, 3600),)


@pytest.mark.parametrize("bad, says", [
    ("youtube.com", "SITE=COUNT/PERIOD"), ("youtube.com=250", "COUNT/PERIOD"), ("youtube.com=250/1w", "COUNT/PERIOD"),
    ("youtube.com=0/1h", "above 0"), ("youtube.com=5/0s", "above 0"), ("bad host!=1/1h", "not a host name"),
    ("a.org=1/1h,a.org=2/1h", "twice"), ("youtu.be=1/1h,youtube.com=2/1h", "twice"),
])
def test_bad_rates_say_what_is_wrong(bad, says):
    with pytest.raises(ValueError, match=says):
        parse_site_rates(bad)


def test_a_host_matches_its_subdomains_the_longest_rule_an_ip_and_star():
    rates = parse_site_rates("youtube.com=250/1h,music.youtube.com=10/1h,127.0.0.1=5/4s,*=100/1d")
    assert rate_for("www.youtube.com", rates).site == "youtube.com"
    assert rate_for("youtube.com", rates).site == "youtube.com"
    assert rate_for("music.youtube.com", rates).count == 10
    assert rate_for("notyoutube.com", rates).site == "*"  # a suffix is not a subdomain
    assert rate_for("127.0.0.1", rates).count == 5
    assert rate_for("127.0.0.12", rates).site == "*"
    assert rate_for("example.org", parse_site_rates("youtube.com=1/1h")) is None  # unlimited, as today


def test_youtube_aliases_share_one_budget():
    rates = parse_site_rates(DEFAULT_SITE_RATES)
    for host in ("youtu.be", "www.youtube-nocookie.com", "m.youtube.com", "WWW.YOUTUBE.COM"):
        assert budget_site(host, rates) == "youtube.com", host
    assert budget_site("www.vimeo.com", rates) == "www.vimeo.com"  # no rule: its own name, as slots count


def test_settings_name_the_variable_on_a_bad_value(monkeypatch):
    from config.env import env_egress, env_site_rates

    monkeypatch.setenv("YTARCHIVE_SITE_RATES", "youtube.com=lots")
    with pytest.raises(ImproperlyConfigured, match="YTARCHIVE_SITE_RATES"):
        env_site_rates("YTARCHIVE_SITE_RATES")
    monkeypatch.delenv("YTARCHIVE_SITE_RATES")
    assert env_site_rates("YTARCHIVE_SITE_RATES") == (SiteRate("youtube.com", 250, 3600),)  # the default
    monkeypatch.setenv("YTARCHIVE_SITE_RATES", "none")
    assert env_site_rates("YTARCHIVE_SITE_RATES") == ()
    monkeypatch.setenv("YTARCHIVE_EGRESS", "proxy:ftp://user:hunter2@proxy.example:21")
    with pytest.raises(ImproperlyConfigured, match="YTARCHIVE_EGRESS") as caught:
        env_egress("YTARCHIVE_EGRESS", "YTARCHIVE_EGRESS_PROXIES")
    assert "hunter2" not in str(caught.value)  # a proxy's password is never repeated


def test_the_egress_pool_names_identities_without_their_secrets(monkeypatch, tmp_path):
    pool = parse_egress("source:127.0.0.2, source:2001:db8::7,proxy:socks5://u:secret@p.example:1080")
    assert [i.name for i in pool] == ["source:127.0.0.2", "source:2001:db8::7", "proxy-1"]
    assert pool[0].ytdlp_params() == {"source_address": "127.0.0.2"}
    assert pool[2].ytdlp_params() == {"proxy": "socks5://u:secret@p.example:1080"}
    assert [i.name for i in parse_egress("")] == ["direct"] and parse_egress("")[0].ytdlp_params() == {}
    for bad, says in (("127.0.0.2", "source: or proxy:"), ("source:not-an-ip", "not an IP"),
                      ("proxy:ftp://p.example", "scheme"), ("source:127.0.0.2,source:127.0.0.2", "twice")):
        with pytest.raises(ValueError, match=says):
            parse_egress(bad)
    from config.env import env_egress

    secret = tmp_path / "proxies"
    secret.write_text("http://u:pw@proxy.example:3128\n")
    monkeypatch.setenv("YTARCHIVE_EGRESS", "source:127.0.0.3")
    monkeypatch.setenv("YTARCHIVE_EGRESS_PROXIES_FILE", str(secret))
    names = [i.name for i in env_egress("YTARCHIVE_EGRESS", "YTARCHIVE_EGRESS_PROXIES")]
    assert names == ["source:127.0.0.3", "proxy-1"]


def test_throttled_only_when_far_below_and_the_site_is_known_to_have_more():
    assert looks_throttled(144, 720, 720)
    assert looks_throttled(60, 0, 120)  # asking the best, served half of what it had
    assert not looks_throttled(480, 720, 720)  # a little less is not throttling
    assert not looks_throttled(144, 720, 0)  # nothing known: an old low-resolution upload
    assert not looks_throttled(144, 144, 1080)  # the channel asks for 144p
    assert not looks_throttled(0, 720, 720)  # audio only
