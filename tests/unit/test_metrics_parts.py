"""Pure parts behind /metrics: who may scrape, histogram buckets, du-like sizes, older messages."""
from __future__ import annotations

import ipaddress
import subprocess

import pytest
from django.test import RequestFactory, override_settings

from archiver import tree
from archiver.messages import DownloadReport
from channels_app.tallies import bucket_name
from front_app.metrics_view import refusal

LOOPBACK = (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128"))


def ask(remote="127.0.0.1", token=None, **headers):
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return RequestFactory().get("/metrics", REMOTE_ADDR=remote, **extra, **headers)


def knobs(token="", networks=LOOPBACK):
    from django.conf import settings
    return override_settings(YTARCHIVE={**settings.YTARCHIVE, "METRICS_TOKEN": token,
                                        "METRICS_ALLOW_NETWORKS": networks})


def test_loopback_scrapes_without_a_token_by_default():
    with knobs():
        assert refusal(ask("127.0.0.1")) is None
        assert refusal(ask("::1")) is None
        assert refusal(ask("10.1.2.3")).status_code == 403
        # through a reverse proxy on the same host, a visitor is not local
        assert refusal(ask("127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")).status_code == 403


def test_the_token_is_required_once_set():
    with knobs(token="s3cret", networks=()):
        assert refusal(ask("127.0.0.1")).status_code == 401
        assert refusal(ask("127.0.0.1", token="nope")).status_code == 401
        assert refusal(ask("10.1.2.3", token="s3cret")) is None


def test_allowed_networks_take_cidrs():
    with knobs(networks=(ipaddress.ip_network("10.0.0.0/8"),)):
        assert refusal(ask("10.9.8.7")) is None
        assert refusal(ask("11.0.0.1")).status_code == 403


@pytest.mark.parametrize("seconds, bucket", [(0.2, "1"), (1, "1"), (1.01, "5"), (59, "60"), (7200, "7200"),
                                             (7201, "+Inf")])
def test_duration_buckets(seconds, bucket):
    assert bucket_name("archived", seconds) == f"duration_bucket:archived:{bucket}"


def test_disk_usage_counts_like_du(tmp_path):
    folder = tmp_path / "v"
    (folder / "subtitles").mkdir(parents=True)
    (folder / "video.mp4").write_bytes(b"x" * 123_457)
    (folder / "subtitles" / "en.vtt").write_text("WEBVTT\n")
    du = int(subprocess.run(["du", "-s", "-B1", str(folder)], capture_output=True, text=True).stdout.split()[0])
    assert tree.disk_usage(folder) == du
    assert tree.disk_usage(tmp_path / "missing") == 0


def test_a_report_from_an_older_worker_still_parses():
    data = DownloadReport(video_pk=1, channel_id="c", video_id="v", attempt=1, status="archived").as_dict()
    del data["disk_bytes"]
    assert DownloadReport.from_dict(data).disk_bytes == 0
