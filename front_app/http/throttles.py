"""DRF throttles for the token endpoint and every API write, counted in Redis for all web workers.

Rates come from YTARCHIVE_THROTTLE_TOKEN and YTARCHIVE_THROTTLE_WRITES. A
refused request gets 429 with Retry-After and a JSON ``detail``. The counts
live in the "throttle" cache (Django's RedisCache on REDIS_URL), so two
gunicorn workers never each grant the full rate.
"""
from __future__ import annotations

from django.core.cache import caches
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from front_app.http.client_address import client_address


class _CurrentRates:
    """Read the rate when asked, not once at import (so a changed setting applies); one client address rule."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_address(request)


class TokenThrottle(_CurrentRates, AnonRateThrottle):
    """Token requests per client address (the endpoint is anonymous by nature)."""

    scope = "token"
    cache = caches["throttle"]

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class WriteThrottle(_CurrentRates, UserRateThrottle):
    """Writes (add, sync, retry, delete) per user; reads are not throttled here."""

    scope = "writes"
    cache = caches["throttle"]

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
