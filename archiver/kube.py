"""The one module that calls the Kubernetes API: download workers as batch/v1 Jobs.

The Job manifest comes from the chart (a ConfigMap mounted at
YTARCHIVE_K8S_JOB_TEMPLATE), so operators shape workers in Helm values, not
here. The scaler counts its unfinished Jobs by the template's own labels and
creates the missing ones; it never deletes a running Job: workers leave by
themselves when the queue is empty, and their Jobs complete.
"""
from __future__ import annotations

import copy
import logging
from pathlib import Path

import yaml
from kubernetes import client, config

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


class JobScaler:
    def __init__(self, namespace: str, template_path: str, api_client: client.ApiClient | None = None):
        self.namespace = namespace
        self.template = yaml.safe_load(Path(template_path).read_text())
        if not isinstance(self.template, dict) or self.template.get("kind") != "Job":
            raise ValueError(f"{template_path} is not a Job manifest")
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

    def reconcile(self, desired: int) -> int:
        """Create Jobs until ``desired`` are unfinished; returns how many are unfinished now."""
        running = self.running()
        for _ in range(max(0, desired - running)):
            body = copy.deepcopy(self.template)
            body.setdefault("metadata", {})["namespace"] = self.namespace
            created = self.batch.create_namespaced_job(self.namespace, body)
            log.info("created download-worker Job %s", created.metadata.name)
            running += 1
        return running
