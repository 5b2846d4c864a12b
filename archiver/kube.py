"""The one module that calls the Kubernetes API: download workers as batch/v1 Jobs.

The Job manifest comes from the chart (a ConfigMap mounted at
YTARCHIVE_K8S_JOB_TEMPLATE), so operators shape workers in Helm values, not
here. The scaler counts its unfinished Jobs by the template's own labels and
creates the missing ones; it never deletes a running Job: workers leave by
themselves when the queue is empty, and their Jobs complete.
"""
from __future__ import annotations

import contextlib
import copy
import logging
from pathlib import Path

import yaml
from kubernetes import client, config

from archiver.scaling import SEED_TIERS, ResourceTier, resources_for

log = logging.getLogger(__name__)

_COUNT_LABELS = ("app.kubernetes.io/instance", "app.kubernetes.io/component")


def _default_api_client() -> client.ApiClient:
    try:
        config.load_incluster_config()
    except config.ConfigException:
        config.load_kube_config()  # outside a cluster: the operator's kubeconfig
    return client.ApiClient()


def _finished(job) -> bool:
    conditions = (job.status and job.status.conditions) or []
    return any(c.type in ("Complete", "Failed") and c.status == "True" for c in conditions)


def load_template(template_path: str) -> dict:
    template = yaml.safe_load(Path(template_path).read_text())
    if not isinstance(template, dict) or template.get("kind") != "Job":
        raise ValueError(f"{template_path} is not a Job manifest")
    return template


DEADLINE_ENV = "YTARCHIVE_WORKER_DEADLINE_SECONDS"


def job_manifest(template: dict, namespace: str, queue_length: int,
                 tiers: tuple[ResourceTier, ...] = SEED_TIERS) -> dict:
    """One Job to create: the template, in ``namespace``, its worker sized for ``queue_length`` by ``tiers``,
    and told the Job's ``activeDeadlineSeconds`` (unless the template sets it already), so it starts only
    downloads it can expect to finish and hands the one in flight back before Kubernetes stops it."""
    body = copy.deepcopy(template)
    body.setdefault("metadata", {})["namespace"] = namespace
    deadline = body.get("spec", {}).get("activeDeadlineSeconds")
    containers = body.get("spec", {}).get("template", {}).get("spec", {}).get("containers") or []
    for container in containers:
        if container.get("name") == "download-worker" or len(containers) == 1:
            container["resources"] = resources_for(queue_length, tiers)
            env = container.setdefault("env", [])
            if deadline and not any(item.get("name") == DEADLINE_ENV for item in env):
                env.append({"name": DEADLINE_ENV, "value": str(int(deadline))})
    return body


class JobScaler:
    def __init__(self, namespace: str, template_path: str, api_client: client.ApiClient | None = None,
                 tiers: tuple[ResourceTier, ...] = SEED_TIERS):
        self.namespace = namespace
        self.template = load_template(template_path)
        self.tiers = tiers
        self.batch = client.BatchV1Api(api_client or _default_api_client())

    @property
    def selector(self) -> str:
        labels = self.template.get("metadata", {}).get("labels") or {}
        chosen = {k: v for k, v in labels.items() if k in _COUNT_LABELS} or labels
        if not chosen:
            raise ValueError("the Job template has no labels to count its Jobs by")
        return ",".join(f"{k}={v}" for k, v in sorted(chosen.items()))

    def running(self) -> int:
        jobs = self.batch.list_namespaced_job(self.namespace, label_selector=self.selector).items
        return sum(1 for job in jobs if not _finished(job))

    def reconcile(self, desired: int, queue_length: int = 0) -> int:
        """Create Jobs until ``desired`` are unfinished; returns how many are unfinished now.

        An API error (403 from RBAC, 409, a 500) is logged and ends this round; the
        next reconcile tries again, so the control worker never crashes on it.
        """
        try:
            running = self.running()
        except client.ApiException as exc:
            log.warning("cannot list download-worker Jobs: %s %s", exc.status, exc.reason)
            return 0
        for _ in range(max(0, desired - running)):
            body = job_manifest(self.template, self.namespace, queue_length, self.tiers)
            try:
                created = self.batch.create_namespaced_job(self.namespace, body)
            except client.ApiException as exc:
                log.warning("cannot create a download-worker Job: %s %s", exc.status, exc.reason)
                break
            log.info("created download-worker Job %s for a queue of %s", created.metadata.name, queue_length)
            running += 1
        return running


SNAPSHOT_API = ("snapshot.storage.k8s.io", "v1", "volumesnapshots")
SNAPSHOT_LABEL = "ytarchive.io/snapshot-of"


class Refused(Exception):
    """The Kubernetes API said no: its status and reason, so no caller needs the client's own exceptions."""


@contextlib.contextmanager
def _refusals():
    try:
        yield
    except client.ApiException as exc:
        raise Refused(f"{exc.status} {exc.reason}") from exc


class ArchiveSnapshots:
    """CSI VolumeSnapshots of the archive PVC: take one, keep the newest N (the chart's CronJob)."""

    def __init__(self, namespace: str, claim: str, snapshot_class: str = "",
                 api_client: client.ApiClient | None = None):
        self.namespace = namespace
        self.claim = claim
        self.snapshot_class = snapshot_class
        self.api = client.CustomObjectsApi(api_client or _default_api_client())

    def take(self) -> str:
        """Ask for a snapshot of the claim; its name. Refused when the API says no."""
        with _refusals():
            return self._take()

    def _take(self) -> str:
        spec = {"source": {"persistentVolumeClaimName": self.claim}}
        if self.snapshot_class:
            spec["volumeSnapshotClassName"] = self.snapshot_class
        body = {"apiVersion": "snapshot.storage.k8s.io/v1", "kind": "VolumeSnapshot",
                "metadata": {"generateName": f"{self.claim}-", "labels": {SNAPSHOT_LABEL: self.claim}},
                "spec": spec}
        created = self.api.create_namespaced_custom_object(*SNAPSHOT_API[:2], self.namespace, SNAPSHOT_API[2], body)
        name = created["metadata"]["name"]
        log.info("snapshot %s of PVC %s requested", name, self.claim)
        return name

    def prune(self, keep: int) -> list[str]:
        """Delete this claim's snapshots beyond the newest ``keep``; returns the names deleted (Refused: no)."""
        with _refusals():
            return self._prune(keep)

    def _prune(self, keep: int) -> list[str]:
        listed = self.api.list_namespaced_custom_object(*SNAPSHOT_API[:2], self.namespace, SNAPSHOT_API[2],
                                                        label_selector=f"{SNAPSHOT_LABEL}={self.claim}")
        items = sorted(listed.get("items", []), key=lambda o: (o["metadata"].get("creationTimestamp") or "",
                                                               o["metadata"]["name"]))
        doomed = items[:-keep] if keep > 0 else []
        for item in doomed:
            self.api.delete_namespaced_custom_object(*SNAPSHOT_API[:2], self.namespace, SNAPSHOT_API[2],
                                                     item["metadata"]["name"])
            log.info("snapshot %s deleted (keeping %s)", item["metadata"]["name"], keep)
        return [item["metadata"]["name"] for item in doomed]
