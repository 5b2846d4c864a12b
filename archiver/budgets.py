"""Rate budgets per site and the egress pool, as plain values: parsed and matched here, no Redis.

A site answers a home address only so many videos an hour before it asks
"are you a bot?" (YouTube: about 300 for a guest). ``YTARCHIVE_SITE_RATES``
says how many videos each egress identity may touch per period on a site
(``youtube.com=250/1h``); ``YTARCHIVE_EGRESS`` lists the identities (source
addresses, proxies) so the allowance multiplies. Redis holds the live counts
(archiver.state.egress); this module only decides which rule and which
identities apply, and whether a download came back throttled.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_SITE_RATES = "youtube.com=250/1h"
# One site under several names: a budget spent on one is spent on all.
SITE_ALIASES = {"youtu.be": "youtube.com", "youtube-nocookie.com": "youtube.com"}
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^(\d+)/(\d+(?:\.\d+)?)?([smhd])$")
_HOST = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$")
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


@dataclass(frozen=True)
class SiteRate:
    """At most ``count`` videos in any ``period`` seconds, per egress identity, for ``site``."""

    site: str  # a host name (its subdomains too), an IP address, or "*"
    count: int
    period: float

    @property
    def spacing(self) -> float:
        """The mean gap between starts that spends the budget evenly over its period."""
        return self.period / self.count


def parse_site_rates(text: str) -> tuple[SiteRate, ...]:
    """``SITE=COUNT/PERIOD,...`` (``youtube.com=250/1h,8.8.8.8=8/30s,*=100/1d``); ValueError naming the bad item."""
    rates: dict[str, SiteRate] = {}
    for item in (part.strip() for part in (text or "").split(",")):
        if not item:
            continue
        site, sep, rate = (s.strip().lower() for s in item.partition("="))
        if not sep:
            raise ValueError(f"{item!r} is not SITE=COUNT/PERIOD (e.g. youtube.com=250/1h)")
        site = _site_name(site, item)
        match = _RATE.match(rate.replace(" ", ""))
        if not match:
            raise ValueError(f"{item!r}: the rate must be COUNT/PERIOD with s, m, h or d (e.g. 250/1h, 8/30s)")
        count, number, unit = int(match.group(1)), float(match.group(2) or 1), match.group(3)
        if count < 1 or number <= 0:
            raise ValueError(f"{item!r}: COUNT and PERIOD must be above 0")
        if site in rates:
            raise ValueError(f"{item!r}: {site} is given twice")
        rates[site] = SiteRate(site, count, number * _UNITS[unit])
    return tuple(rates.values())


def _site_name(site: str, item: str) -> str:
    if site == "*":
        return site
    try:
        return str(ipaddress.ip_address(site.strip("[]")))
    except ValueError:
        pass
    site = site.rstrip(".")
    if not _HOST.match(site):
        raise ValueError(f"{item!r}: {site!r} is not a host name, an IP address or *")
    return SITE_ALIASES.get(site, site)


def host_of(url: str) -> str:
    """The lower-cased host a URL's requests go to ("unknown" for none)."""
    return (urlsplit(url).hostname or "unknown").lower()


def _canonical(host: str) -> str:
    """``host`` with the aliases folded in (``www.youtu.be`` -> ``youtube.com``'s family)."""
    for alias, site in SITE_ALIASES.items():
        if host == alias or host.endswith("." + alias):
            return site
    return host


def rate_for(host: str, rates: tuple[SiteRate, ...]) -> SiteRate | None:
    """The rule that bounds ``host``: the longest matching host name, the IP itself, else ``*``; None: unlimited."""
    host = _canonical(host.lower().strip("[]"))
    best = None
    for rate in rates:
        if rate.site == "*":
            continue
        if host == rate.site or (not _is_ip(rate.site) and host.endswith("." + rate.site)):
            if best is None or len(rate.site) > len(best.site):
                best = rate
    if best is None:
        best = next((rate for rate in rates if rate.site == "*"), None)
    return best


def budget_site(host: str, rates: tuple[SiteRate, ...]) -> str:
    """The name a host's budget and pauses are kept under: its rule's site, else the host itself.

    ``www.youtube.com``, ``m.youtube.com`` and ``youtu.be`` all spend ``youtube.com``'s budget; a
    site under ``*`` (or with no rule) keeps its own, under its host name.
    """
    host = host.lower()
    rate = rate_for(host, rates)
    if rate is not None and rate.site != "*":
        return rate.site
    return _canonical(host)


def site_of_url(url: str, rates: tuple[SiteRate, ...]) -> str:
    return budget_site(host_of(url), rates)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Identity:
    """One way out to the sites: the machine's own route, a source address, or a proxy.

    ``name`` is what logs, Redis, the API and task messages say; it never holds a
    proxy's URL (which may carry credentials): a worker resolves the URL from its
    own settings by name.
    """

    name: str
    source_address: str = ""
    proxy: str = ""

    def ytdlp_params(self) -> dict:
        """yt-dlp's ``source_address`` / ``proxy`` for this identity (nothing for the own route)."""
        params = {}
        if self.source_address:
            params["source_address"] = self.source_address
        if self.proxy:
            params["proxy"] = self.proxy
        return params


DIRECT = Identity("direct")


def parse_egress(text: str) -> tuple[Identity, ...]:
    """``source:ADDR,proxy:URL,...`` as identities; empty means the machine's own route. ValueError when wrong.

    Error messages never repeat a proxy's URL (it may carry a password).
    """
    identities: list[Identity] = []
    proxies = 0
    for number, item in enumerate((part.strip() for part in (text or "").split(",")), start=1):
        if not item:
            continue
        kind, sep, value = item.partition(":")
        kind = kind.strip().lower()
        if not sep or kind not in ("source", "proxy"):
            raise ValueError(f"item {number} must start with source: or proxy: (e.g. source:192.0.2.7)")
        value = value.strip()
        if kind == "source":
            try:
                address = str(ipaddress.ip_address(value.strip("[]")))
            except ValueError:
                raise ValueError(f"item {number}: {value!r} is not an IP address") from None
            identities.append(Identity(f"source:{address}", source_address=address))
            continue
        parts = urlsplit(value)
        if parts.scheme.lower() not in PROXY_SCHEMES or not parts.hostname:
            raise ValueError(f"item {number}: a proxy must be a URL with scheme "
                             f"{', '.join(PROXY_SCHEMES)} and a host")
        try:
            parts.port  # noqa: B018 (a bad port raises here)
        except ValueError:
            raise ValueError(f"item {number}: the proxy's port is not a number") from None
        proxies += 1
        identities.append(Identity(f"proxy-{proxies}", proxy=value))
    names = [identity.name for identity in identities]
    if len(set(names)) != len(names):
        raise ValueError("an identity is given twice")
    return tuple(identities) or (DIRECT,)


# Throttled formats: a video offered at half the height the site is known to have, or less.
THROTTLED_RATIO = 0.5


def looks_throttled(got_height: int, asked_height: int, known_height: int) -> bool:
    """True when a download came back far below what the channel asks and the site is known to serve.

    ``asked_height`` is the channel's limit (0: the best there is); ``known_height`` the
    best this channel was served from the site before (0: nothing known, so never).
    Audio-only downloads (height 0) are never throttled.
    """
    if got_height <= 0 or known_height <= 0:
        return False
    wanted = min(asked_height, known_height) if asked_height > 0 else known_height
    return got_height <= wanted * THROTTLED_RATIO
