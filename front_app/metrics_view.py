"""/metrics: django-prometheus's request series plus the archive's own, for authorised scrapers only.

Under gunicorn, PROMETHEUS_MULTIPROC_DIR makes prometheus_client add up every
worker's files, so request counters never go backwards between two scrapes
answered by different workers (config.gunicorn_conf marks exited workers
dead). The archive's series (downloads_app.metrics) are computed per scrape
from the database and Redis.

Who may scrape: a request with ``Authorization: Bearer <YTARCHIVE_METRICS_TOKEN>``,
or one from YTARCHIVE_METRICS_ALLOW_NETWORKS (loopback by default) that did not
come through a proxy, since a reverse proxy on the same host would otherwise
make every visitor look local.
"""
from __future__ import annotations

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from downloads_app.metrics import ArchiveCollector
from downloads_app.ytdlp_metrics import YtdlpCollector

_ARCHIVE = CollectorRegistry(auto_describe=False)
_ARCHIVE.register(ArchiveCollector())
_ARCHIVE.register(YtdlpCollector())
_PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def _bearer(request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _from_allowed_network(request) -> bool:
    if any(request.META.get(h) for h in _PROXY_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in net for net in settings.YTARCHIVE["METRICS_ALLOW_NETWORKS"])


def refusal(request) -> JsonResponse | None:
    """Why this request may not scrape, as a response; None when it may."""
    token = settings.YTARCHIVE["METRICS_TOKEN"]
    given = _bearer(request)
    if token and given and hmac.compare_digest(given.encode(), token.encode()):
        return None
    if not given and _from_allowed_network(request):
        return None
    if token:
        response = JsonResponse({"detail": "/metrics needs 'Authorization: Bearer <YTARCHIVE_METRICS_TOKEN>'."},
                                status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return JsonResponse({"detail": "/metrics answers only YTARCHIVE_METRICS_ALLOW_NETWORKS (loopback by default) "
                         "unless YTARCHIVE_METRICS_TOKEN is set."}, status=403)


def _process_registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry(auto_describe=False)
        MultiProcessCollector(registry)
        return registry
    return REGISTRY


def metrics(request):
    refused = refusal(request)
    if refused is not None:
        return refused
    body = generate_latest(_process_registry()) + generate_latest(_ARCHIVE)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
