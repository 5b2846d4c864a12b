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
