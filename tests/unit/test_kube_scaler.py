"""The kubernetes backend against a fake batch/v1 API, through the official client."""
import pytest
import yaml
from kubernetes import client

from archiver.kube import JobScaler
from tests.fake_kube import FakeKube

TEMPLATE = {
    "apiVersion": "batch/v1", "kind": "Job",
    "metadata": {"generateName": "yta-download-", "labels": {
        "app.kubernetes.io/instance": "yta", "app.kubernetes.io/component": "download-worker",
        "app.kubernetes.io/version": "0.1.0"}},
    "spec": {"backoffLimit": 2, "template": {"spec": {"restartPolicy": "Never", "containers": [{
        "name": "download-worker", "image": "ytarchive:test",
        "args": ["celery", "-A", "config", "worker", "-Q", "downloads", "-c", "1"]}]}}},
}


@pytest.fixture
def fake():
    server = FakeKube()
    yield server
    server.stop()


@pytest.fixture
def scaler(fake, tmp_path):
    path = tmp_path / "job.yaml"
    path.write_text(yaml.safe_dump(TEMPLATE))
    return JobScaler("archive", str(path), client.ApiClient(client.Configuration(host=fake.url)))


def test_creates_missing_jobs_and_never_deletes(fake, scaler):
    assert scaler.reconcile(3) == 3
    assert len(fake.jobs) == 3
    job = next(iter(fake.jobs.values()))
    assert job["metadata"]["name"].startswith("yta-download-") and job["metadata"]["namespace"] == "archive"
    assert job["spec"]["template"]["spec"]["containers"][0]["args"][4:6] == ["-Q", "downloads"]
    assert scaler.reconcile(3) == 3 and len(fake.jobs) == 3  # nothing more
    names = list(fake.jobs)
    fake.finish(names[0])
    fake.finish(names[1], "Failed")
    assert scaler.reconcile(3) == 3 and len(fake.jobs) == 5  # two replaced
    assert scaler.reconcile(0) == 3 and len(fake.jobs) == 5  # scaling down deletes nothing
    assert all(method in ("GET", "POST") for method, _ in fake.requests)


def test_counts_only_its_own_jobs(fake, scaler):
    other = dict(TEMPLATE, metadata={"generateName": "other-", "labels": {"app.kubernetes.io/instance": "other",
                                                                        "app.kubernetes.io/component": "x"}})
    client.BatchV1Api(scaler.batch.api_client).create_namespaced_job("archive", other)
    assert scaler.running() == 0
    assert "app.kubernetes.io/instance=yta" in scaler.selector


def test_bad_template_is_refused(tmp_path, fake):
    path = tmp_path / "job.yaml"
    path.write_text("kind: Deployment\n")
    with pytest.raises(ValueError, match="not a Job"):
        JobScaler("archive", str(path), client.ApiClient(client.Configuration(host=fake.url)))


@pytest.mark.parametrize("method, code", [("POST", 403), ("POST", 409), ("POST", 500), ("GET", 403), ("GET", 500)])
def test_api_errors_are_logged_and_the_next_round_recovers(fake, scaler, caplog, method, code):
    fake.fail_next[method] = code
    assert scaler.reconcile(2) == 0
    assert f"{code}" in caplog.text and "download-worker Job" in caplog.text
    assert scaler.reconcile(2) == 2 and len(fake.jobs) == 2  # no duplicates once it answers again
    assert scaler.reconcile(2) == 2 and len(fake.jobs) == 2


@pytest.mark.parametrize("queue, requests, limits", [
    (10, {"cpu": "500m", "memory": "512Mi"}, {"cpu": "2", "memory": "2Gi"}),
    (200, {"cpu": "500m", "memory": "512Mi"}, {"cpu": "2", "memory": "2Gi"}),
    (201, {"cpu": "1", "memory": "1Gi"}, {"cpu": "2", "memory": "2Gi"}),
    (501, {"cpu": "2", "memory": "2Gi"}, {"cpu": "2", "memory": "2Gi"}),
])
def test_jobs_are_sized_by_the_seeds_table(fake, scaler, queue, requests, limits):
    scaler.reconcile(1, queue_length=queue)
    job = next(iter(fake.jobs.values()))
    assert job["spec"]["template"]["spec"]["containers"][0]["resources"] == {"requests": requests, "limits": limits}


DRY_RUN = [(0, 0), (30, 1), (99, 1), (120, 2), (300, 6), (1000, 20), (5000, 20)]


@pytest.mark.parametrize("queue, jobs", DRY_RUN)
def test_dry_run_prints_the_jobs_as_yaml_and_nothing_else(queue, jobs, tmp_path):
    import subprocess
    import sys

    from tests.harness import REPO

    env = {"PATH": "/usr/bin:/bin", "DATA_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:1/0",
           "YTARCHIVE_K8S_JOB_TEMPLATE": str(tmp_path / "absent.yaml")}
    done = subprocess.run([sys.executable, "manage.py", "reconcile_workers", "--dry-run", "--queue-length",
                           str(queue), "--max-workers", "20"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    manifests = [m for m in yaml.safe_load_all(done.stdout) if m]
    assert len(manifests) == jobs and f"wants {jobs} Job(s)" in done.stderr
    for job in manifests:
        assert job["kind"] == "Job" and job["spec"]["backoffLimit"] == 3
        assert job["spec"]["activeDeadlineSeconds"] == 3600 and job["spec"]["ttlSecondsAfterFinished"] == 300
        pod = job["spec"]["template"]["spec"]
        assert pod["restartPolicy"] == "Never"
        want = "500m" if queue <= 200 else "1" if queue <= 500 else "2"
        assert pod["containers"][0]["resources"]["requests"]["cpu"] == want
        assert not any("DATABASE" in e["name"] for e in pod["containers"][0].get("env", []))
        # The worker is told its Job's deadline (archiver.deadline): it hands a download back before it.
        env = {e["name"]: e.get("value") for e in pod["containers"][0]["env"]}
        assert env["YTARCHIVE_WORKER_DEADLINE_SECONDS"] == "3600"


def test_archive_snapshots_are_taken_and_only_the_newest_kept(fake):
    from archiver.kube import ArchiveSnapshots

    snaps = ArchiveSnapshots("archive", "yta-archive", "csi-snapclass",
                             client.ApiClient(client.Configuration(host=fake.url)))
    names = []
    for _ in range(5):
        names.append(snaps.take())
        snaps.prune(3)
    assert sorted(fake.snapshots) == sorted(names[-3:])
    snap = fake.snapshots[names[-1]]
    assert snap["spec"] == {"source": {"persistentVolumeClaimName": "yta-archive"},
                            "volumeSnapshotClassName": "csi-snapclass"}
    assert snap["metadata"]["labels"]["ytarchive.io/snapshot-of"] == "yta-archive"


def test_a_refused_snapshot_is_a_refusal_of_ours(fake):
    """Callers (manage.py snapshot_archive) catch archiver.kube.Refused, never the client's own exception."""
    from archiver.kube import ArchiveSnapshots, Refused

    snaps = ArchiveSnapshots("archive", "yta-archive", api_client=client.ApiClient(client.Configuration(host=fake.url)))
    fake.fail_next["POST"] = 403
    with pytest.raises(Refused, match="403"):
        snaps.take()
    assert snaps.take()  # the next one is let through
