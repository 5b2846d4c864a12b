"""/metrics tells the truth: after a real run against the fixture site, each series equals what happened.

A stack of its own (its own database, Redis db, archive and a metrics token),
as `make run` starts it with Flower: the channel is archived by real download
workers, then /metrics is scraped over fresh connections (so both gunicorn
workers answer) and after a restart of the web program. Flower and /metrics
refuse anonymous callers. The stack runs with LOG_FORMAT=json: every line of
every process is a JSON object, and a download's lines carry its ids.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from config.lanes import LANES
from tests.conftest import ADMIN
from tests.env_setup import RUN_DIR, database_url_for
from tests.harness import Api, AppStack, free_port, wait_for

pytestmark = pytest.mark.integration

TOKEN = "scrape-token-for-tests"
CHANNEL_ID = "fixturesite-chan-main"


class StackWithFlower(AppStack):
    PROGRAMS = ("web", "beat", "scaler", "control", "flower")


@pytest.fixture(scope="module")
def metered(stack_env):
    env = {k: v for k, v in stack_env.items() if k != "FLOWER_BASIC_AUTH"}
    run = RUN_DIR / "metrics-stack"
    env.update({
        "PORT": str(free_port()), "FLOWER_PORT": str(free_port()),
        "DATA_DIR": str(run / "data"), "ARCHIVE_ROOT": str(run / "archive"),
        "REDIS_URL": stack_env["REDIS_URL"].rsplit("/", 1)[0] + "/3",
        "YTARCHIVE_METRICS_TOKEN": TOKEN, "YTARCHIVE_WORKER_IDLE_SECONDS": "3", "LOG_FORMAT": "json",
    })
    env.pop("DATABASE_URL", None)
    if url := database_url_for("metrics_stack"):
        env["DATABASE_URL"] = url
    app = StackWithFlower(env, run / "stack.log").start()
    try:
        yield app
    finally:
        app.stop()
        shutil.rmtree(run, ignore_errors=True)


def scrape(base_url: str, token: str | None = TOKEN) -> requests.Response:
    headers = {"Connection": "close", **({"Authorization": f"Bearer {token}"} if token else {})}
    return requests.get(f"{base_url}/metrics", headers=headers, timeout=30)


def samples(base_url: str) -> dict[tuple, float]:
    """``{(sample name, sorted labels...): value}`` of one authorised scrape."""
    response = scrape(base_url)
    assert response.status_code == 200, response.text[:500]
    found = {}
    for family in text_string_to_metric_families(response.text):
        for s in family.samples:
            found[(s.name, *sorted(s.labels.items()))] = s.value
    return found


def ours(found: dict) -> dict:
    return {k: v for k, v in found.items() if k[0].startswith("ytarchive_") and "free" not in k[0]
            and "size_bytes" not in k[0]}


def metrics_requests(found: dict) -> float:
    return sum(v for k, v in found.items()
               if k[0] == "django_http_requests_total_by_view_transport_method_total" and ("view", "metrics") in k)


def du_bytes(path: Path) -> int:
    return int(subprocess.run(["du", "-s", "-B1", str(path)], capture_output=True, text=True,
                              check=True).stdout.split()[0])


def test_each_series_equals_what_happened(metered, fixture_site):
    api = Api(metered.base_url, Api(metered.base_url).post("/api/auth/token/", json=ADMIN)["token"])
    fixture_site.reset()
    channel = api.post("/api/channels/", expect=201, json={"url": f"{fixture_site.base_url}/@fixturemain"})
    api.post(f"/api/channels/{channel['id']}/sync/", expect=202)
    busy = wait_for(lambda: samples(metered.base_url).get(("ytarchive_active_workers",), 0) >= 1 or None, 60,
                    "a download worker on the roll")
    assert busy
    api.wait_settled(CHANNEL_ID)
    wait_for(lambda: samples(metered.base_url)[("ytarchive_active_workers",)] == 0, 60,
             "the workers to leave after their idle exit")

    videos = api.videos(CHANNEL_ID)
    archived = sum(v["status"] == "archived" for v in videos)
    failed = sum(v["status"] == "failed" for v in videos)
    attempts = sum(v["attempts"] for v in videos)
    first = samples(metered.base_url)
    assert first[("ytarchive_downloads_total", ("status", "archived"))] == archived > 0
    assert first[("ytarchive_downloads_total", ("status", "failed"))] == failed > 0
    assert first[("ytarchive_downloads_total", ("status", "retrying"))] == attempts - archived - failed
    assert first[("ytarchive_download_duration_seconds_count", ("status", "archived"))] == archived
    assert first[("ytarchive_download_duration_seconds_bucket", ("le", "+Inf"), ("status", "archived"))] == archived
    assert first[("ytarchive_download_duration_seconds_sum", ("status", "archived"))] > 0
    assert first[("ytarchive_queue_length", ("state", "queued"))] == 0
    assert first[("ytarchive_queue_length", ("state", "retrying"))] == 0
    assert first[("ytarchive_downloads_in_flight",)] == 0
    assert first[("ytarchive_videos", ("status", "archived"))] == archived
    assert first[("ytarchive_channels",)] == 1
    assert first[("ytarchive_component_up", ("component", "redis"))] == 1
    on_disk = du_bytes(Path(metered.env["ARCHIVE_ROOT"]))
    stored = first[("ytarchive_storage_bytes",)]
    print(f"\nSTORAGE: gauge {stored:.0f} B, du {on_disk} B ({(stored - on_disk) / on_disk:+.2%})")
    assert stored == on_disk, (stored, on_disk)  # du -sB1 of the archive, to the byte, without a recount
    assert first[("ytarchive_storage_free_bytes",)] > 0
    # Measured by hand, once: the total becomes exactly what du says is under the root.
    assert "storage:" in metered.manage("recount_storage")
    root = Path(metered.env["ARCHIVE_ROOT"])
    assert samples(metered.base_url)[("ytarchive_storage_bytes",)] == du_bytes(root)
    first = samples(metered.base_url)

    # Scrapes over fresh connections land on both gunicorn workers: the archive's series are the same
    # from each, and the request counter adds both up, one more per scrape, never going back. (gthread
    # workers both wait on the listening socket, and an idle one may take many connections in a row:
    # scrape until both have answered.)
    def worker_pids() -> set[str]:
        return {p.name.rsplit("_", 1)[1] for p in (Path(metered.env["DATA_DIR"]) / "metrics").glob("counter_*.db")}

    counts, scrapes = [metrics_requests(first)], []

    def scraped_by_both() -> bool:
        scrapes.append(samples(metered.base_url))
        counts.append(metrics_requests(scrapes[-1]))
        return len(scrapes) >= 8 and len(worker_pids()) >= 2

    wait_for(scraped_by_both, 120, "scrapes to reach both gunicorn workers", poll=0.05)
    assert all(ours(found) == ours(first) for found in scrapes)
    assert counts == sorted(counts) and counts[-1] - counts[0] == len(scrapes), counts
    assert len(worker_pids()) >= 2  # more than one process answered

    # A restart of the web program changes nothing the archive reports, and no counter goes back.
    old_pid = metered.supervisorctl("pid", "web").strip()
    metered.supervisorctl("restart", "web")
    wait_for(lambda: metered.supervisorctl("pid", "web").strip() not in ("", "0", old_pid), 60, "web to restart")
    wait_for(lambda: requests.get(f"{metered.base_url}/health", timeout=2).ok, 60, "web to answer again")
    after = samples(metered.base_url)
    assert ours(after) == ours(first)
    assert metrics_requests(after) > counts[-1]


def test_metrics_and_flower_refuse_anonymous_callers(metered):
    assert scrape(metered.base_url, token=None).status_code == 401  # the token is required once set
    refused = scrape(metered.base_url, token="wrong")
    assert refused.status_code == 401 and "YTARCHIVE_METRICS_TOKEN" in refused.json()["detail"]
    assert scrape(metered.base_url).status_code == 200

    flower = f"http://127.0.0.1:{metered.env['FLOWER_PORT']}"
    wait_for(lambda: requests.get(f"{flower}/", timeout=2).status_code in (200, 401), 60, "Flower")
    for path in ("/", "/api/workers", "/workers", "/api/tasks"):
        assert requests.get(f"{flower}{path}", timeout=10).status_code == 401, path
    log = metered.log_path.read_text(errors="replace")
    password = re.search(r"Flower login: user 'admin', password (\S+)", log).group(1)
    assert requests.get(f"{flower}/api/workers", auth=("admin", password), timeout=10).status_code == 200
    assert requests.get(f"{flower}/", auth=("admin", "wrong"), timeout=10).status_code == 401


DOWNLOAD_LOGGERS = ("archiver.download", "archiver.ytdlp", "downloads_app.outcomes")
DOWNLOAD_TASK_LINE = re.compile(r"^Task downloads_app\.tasks\.(download_video|record_download_outcome)\[")


def test_json_logs_from_every_process_with_the_ids_of_each_download(metered):
    """The stack's whole output so far (the channel archived above) as a log collector would read it."""
    lines = [line for line in metered.log_path.read_text(errors="replace").splitlines() if line.strip()]
    records = []
    for line in lines:
        try:
            record = json.loads(line)  # every line, from every process, is one JSON object
        except ValueError:
            record = None
        assert isinstance(record, dict) and record.get("process") and "message" in record, line
        assert datetime.fromisoformat(record["timestamp"]).utcoffset() == timedelta(0), line
        # The launcher's own lines and Celery's one stdout notice (its shutdown, which we do not patch
        # Celery to log) are wrapped by the relay; the rest is logging's: no banner or warning around it.
        if record["process"] != "launch" and not record["message"].startswith("worker: Warm shutdown"):
            assert {"level", "logger"} <= record.keys(), line
        records.append(record)
    processes = {r["process"] for r in records}
    assert {"web", *LANES, "beat", "scaler", "flower"} <= processes, processes
    assert any(p.startswith("download-") for p in processes), processes
    archived = [r for r in records if "archived in" in r["message"] and r["process"].startswith("download-")]
    assert archived and all(r.get("video_id") and r.get("channel_id") == CHANNEL_ID for r in archived)

    # Every line about one download carries that download's ids, never a neighbour thread's: ours on the
    # worker (yt-dlp's own messages included) and on the control side, and Celery's "Task ... succeeded".
    about_one = [r for r in records if r.get("logger") in DOWNLOAD_LOGGERS
                 or (r.get("logger") == "celery.app.trace" and DOWNLOAD_TASK_LINE.match(r["message"]))]
    assert {r["logger"] for r in about_one} == {*DOWNLOAD_LOGGERS, "celery.app.trace"}
    for r in about_one:
        named = re.search(r"video(?:=|_id': ')([\w.-]+)", r["message"] + str((r.get("data") or {}).get("args")))
        assert named and r.get("video_id") == named.group(1) and r.get("channel_id") == CHANNEL_ID, r
        assert r.get("attempt", 0) >= 1, r
    assert not any("video_id" in r for r in records if r.get("logger") == "celery.worker.strategy")  # "received"
    syncs = [r for r in records if r.get("logger") == "channels_app.sync"]
    assert syncs and all(r.get("channel_id") == CHANNEL_ID for r in syncs)  # a sync's lines carry its channel
    access = [r for r in records if r["process"] == "web" and r.get("logger") == "gunicorn.access"
              and "/metrics" in r["message"]]
    assert access  # gunicorn's access log too
