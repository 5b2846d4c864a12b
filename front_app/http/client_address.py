"""Who sent a request: the one definition of a client's address for every per-address rule.

Behind YTARCHIVE_NUM_PROXIES reverse proxies of yours (the chart's ingress is
one), REMOTE_ADDR is the nearest proxy's address, the same for every client;
the client is the address the outermost trusted proxy put in X-Forwarded-For.
Entries further left were written by the client itself and are never trusted.
With 0 proxies the header is ignored (any client could set it). This is DRF's
own rule (``NUM_PROXIES``), so the API throttles, the web login throttle and
the token throttle all count the same address.
"""
from __future__ import annotations

from rest_framework.settings import api_settings


def client_address(request) -> str:
    """The client's address for ``request`` (a Django or DRF request)."""
    remote = request.META.get("REMOTE_ADDR", "") or "?"
    hops = api_settings.NUM_PROXIES or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops == 0 or not forwarded.strip():
        return remote
    addresses = [part.strip() for part in forwarded.split(",")]
    return addresses[-min(hops, len(addresses))] or remote
