"""Offline checks of the ytarchive Helm chart: lint, render, schema-validate, assert.

    python -m venv /tmp/chartcheck && /tmp/chartcheck/bin/pip install -r helm/tests/requirements.txt
    /tmp/chartcheck/bin/python helm/tests/check_chart.py

Renders the chart for a matrix of values with Helm v4's engine (helm-python-sdk),
runs `helm lint --strict` on each, validates every object and the download-worker
Job template (ConfigMap key job.yaml) against the Kubernetes 1.30 OpenAPI schema
in strict mode (kubernetes-validate; the CRDs ServiceMonitor and PrometheusRule are skipped), and checks
the contract the Python side relies on (the metrics part of it, dashboard and alerts included, is
asserted in tests/unit/test_helm_chart.py, which imports render() from here). `lookup` returns nothing offline, so the
keep-across-upgrades logic is tested separately on a simulated lookup result.
Prints "N passed, N failed" and exits non-zero on any failure.
"""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback

import helm_python as helm
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
CHART = os.path.join(HERE, "..", "ytarchive")
VALIDATE = os.path.join(os.path.dirname(sys.executable), "kubernetes-validate")
NS = "ytarchive"
TMP = "/" + "tmp"  # the pods' writable emptyDir mount (not a temp file here)


def b64(s: str) -> str:
    return base64.b64decode(s).decode()


def render(vals: dict, name: str = "ytarchive") -> tuple[dict, dict | None, str]:
    """({"Kind/name": object}, the Job template or None, NOTES.txt)."""
    with helm.Chart.load(CHART) as chart:
        chart.validate_schema(vals)
        manifests = chart.render(vals, name=name, namespace=NS, is_install=True)
    objs, notes = {}, ""
    for path, text in sorted(manifests.items()):
        if path.endswith("NOTES.txt"):
            notes = text
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                objs[f'{doc["kind"]}/{doc["metadata"]["name"]}'] = doc
    job = None
    for obj in objs.values():
        if obj["kind"] == "ConfigMap" and "job.yaml" in obj.get("data", {}):
            job = yaml.safe_load(obj["data"]["job.yaml"])
    return objs, job, notes


def validate(objs: dict, job: dict | None, workdir: str) -> None:
    os.makedirs(workdir)
    docs = list(objs.values())
    if job:  # kubernetes-validate needs a name to report errors; generateName is what the Job has
        docs.append({**job, "metadata": {**job["metadata"], "name": "job-template"}})
    files = []
    for i, doc in enumerate(docs):
        if doc["kind"] in ("ServiceMonitor", "PrometheusRule", "ScaledJob", "TriggerAuthentication"):
            continue  # CRDs: checked by hand below
        files.append(os.path.join(workdir, f"{i:02d}.yaml"))
        with open(files[-1], "w") as fh:
            yaml.safe_dump(doc, fh)
    proc = subprocess.run([VALIDATE, "--strict", "-k", "1.30.0", "--quiet", *files],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]


def pod_specs(objs: dict, job: dict | None) -> dict:
    out = {k: o["spec"]["template"]["spec"] for k, o in objs.items()
           if o["kind"] in ("Deployment", "StatefulSet", "Job")}
    if job:
        out["download-job"] = job["spec"]["template"]["spec"]
    return out


def env_of(container: dict) -> dict:
    return {e["name"]: e for e in container.get("env", [])}


def ref(env: dict, name: str) -> dict:
    return env[name]["valueFrom"]["secretKeyRef"]


def common_checks(objs: dict, job: dict | None) -> None:
    for key, obj in objs.items():
        assert len(obj["metadata"]["name"]) <= 63, key
        if obj["kind"] == "ConfigMap" and key.endswith("-env"):
            for k in obj["data"]:
                assert not re.search(r"SECRET_KEY|PASSWORD|REDIS_URL|DATABASE_URL|BASIC_AUTH", k), (key, k)
    if job:
        # Job name = generateName + 5 chars; its pods add "-" + 5 chars.
        assert len(job["metadata"]["generateName"]) + 11 <= 63, job["metadata"]["generateName"]
        spec = job["spec"]["template"]["spec"]
        container = spec["containers"][0]
        env = env_of(container)
        assert "DATA_DIR" not in env and "DATABASE_URL" not in env, sorted(env)
        assert env["YTARCHIVE_ROLE"]["value"] == "download", env.get("YTARCHIVE_ROLE")
        args = container["args"]
        assert args[args.index("-c") + 1] == env["YTARCHIVE_DOWNLOADS_PER_WORKER"]["value"]
        assert {"REDIS_URL", "ARCHIVE_ROOT", "DJANGO_SECRET_KEY", "YTARCHIVE_WORKER_IDLE_SECONDS"} <= set(env)
        assert "envFrom" not in container
        assert spec["restartPolicy"] == "Never"
        assert job["metadata"]["labels"]["app.kubernetes.io/component"] == "download-worker"
        assert job["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"] == "download-worker"
        assert "backoffLimit" in job["spec"] and "ttlSecondsAfterFinished" in job["spec"]
        assert container["args"][:7] == ["celery", "-A", "config", "worker", "-Q", "downloads", "-c"]
        assert {m["mountPath"] for m in container["volumeMounts"]} == {TMP, "/archive"}
    for key, spec in pod_specs(objs, job).items():
        assert spec["securityContext"]["runAsNonRoot"], key
        for c in spec["containers"] + spec.get("initContainers", []):
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] and sc["capabilities"]["drop"] == ["ALL"], (key, c["name"])
            assert sc["allowPrivilegeEscalation"] is False, (key, c["name"])
            assert TMP in {m["mountPath"] for m in c.get("volumeMounts", [])}, (key, c["name"])


def _lanes_module():
    """config/lanes.py read as a file (importing the package ``config`` would start Django's Celery app)."""
    import importlib.util

    path = os.path.join(HERE, "..", "..", "config", "lanes.py")
    spec = importlib.util.spec_from_file_location("ytarchive_lanes", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # a dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


LANES = _lanes_module().LANES


def control_lanes(ctl: dict) -> dict[str, tuple[str, int, str]]:
    """lane -> (queues, slots, pool) of the control pod's containers, read from their celery arguments."""
    found = {}
    for container in ctl["containers"]:
        args = container["args"]
        lane = args[args.index("-n") + 1].split("@")[0]
        assert container["name"] == f"control-{lane}", container["name"]
        assert container["livenessProbe"]["exec"]["command"][-1].endswith(f'-d "{lane}@${{HOSTNAME}}"')
        pool = args[args.index("-P") + 1]
        slots = 1 if pool == "solo" else int(args[args.index("-c") + 1])
        found[lane] = (args[args.index("-Q") + 1], slots, pool)
    return found


# --------------------------------------------------------------------------- cases

def check_default(o: dict, job: dict | None, notes: str) -> None:
    web = o["Deployment/ytarchive-web"]["spec"]["template"]["spec"]
    assert web["initContainers"][0]["name"] == "migrate"
    assert "ensure_admin" in web["initContainers"][0]["args"][0]
    assert web["affinity"]["podAffinity"]
    wenv = env_of(web["containers"][0])
    assert wenv["DJANGO_ALLOWED_HOSTS"]["value"].endswith(",$(POD_IP)")
    ctl = o["Deployment/ytarchive-control"]["spec"]["template"]["spec"]
    assert ctl["serviceAccountName"] == "ytarchive-scaler" and ctl["automountServiceAccountToken"] is True
    assert {m["mountPath"] for m in ctl["containers"][0]["volumeMounts"]} >= {"/archive", "/data", "/etc/ytarchive"}
    assert control_lanes(ctl) == {name: (",".join(lane.queues), lane.concurrency, lane.pool)
                                  for name, lane in LANES.items()}  # the app's lanes, each with its defaults
    cm = o["ConfigMap/ytarchive-env"]["data"]
    assert cm["YTARCHIVE_SCALER"] == "kubernetes" and cm["YTARCHIVE_K8S_NAMESPACE"] == NS
    assert cm["YTARCHIVE_K8S_JOB_TEMPLATE"] == "/etc/ytarchive/job.yaml" and cm["YTARCHIVE_MAX_WORKERS"] == "10"
    assert cm["DJANGO_DEBUG"] == "false" and cm["ARCHIVE_ROOT"] == "/archive" and "CELERY_QUIET" not in cm
    sec = o["Secret/ytarchive"]["data"]
    assert set(sec) == {"DJANGO_SECRET_KEY", "DJANGO_SUPERUSER_PASSWORD", "FLOWER_PASSWORD", "FLOWER_BASIC_AUTH",
                        "YTARCHIVE_METRICS_TOKEN"}
    for key, spec in pod_specs(o, job).items():
        for c in spec["containers"]:
            # every ytarchive process names itself in its logs (the web pod's nginx is not one)
            if not key.startswith("StatefulSet") and c["name"] != "nginx":
                assert env_of(c).get("YTARCHIVE_PROCESS_NAME"), key
    assert len(b64(sec["DJANGO_SECRET_KEY"])) == 50
    assert b64(sec["FLOWER_BASIC_AUTH"]) == "admin:" + b64(sec["FLOWER_PASSWORD"])
    rs = o["Secret/ytarchive-redis"]["data"]
    assert b64(rs["REDIS_URL"]) == f'redis://:{b64(rs["redis-password"])}@ytarchive-redis.{NS}.svc:6379/0'
    rules = o["Role/ytarchive-scaler"]["rules"]
    assert rules[0]["resources"] == ["jobs"]
    assert set(rules[0]["verbs"]) == {"create", "get", "list", "watch", "delete", "patch"}
    assert rules[1]["resources"] == ["pods"] and set(rules[1]["verbs"]) == {"get", "list"}
    assert "StatefulSet/ytarchive-redis" in o and "Ingress/ytarchive" not in o
    beat = o["Deployment/ytarchive-beat"]["spec"]
    assert beat["replicas"] == 1 and beat["strategy"]["type"] == "Recreate"
    flower = o["Deployment/ytarchive-flower"]["spec"]["template"]["spec"]["containers"][0]
    assert "DATA_DIR" not in env_of(flower) and "FLOWER_BASIC_AUTH" in env_of(flower)
    assert "DJANGO_SUPERUSER_PASSWORD" in notes
    # The seed's Job: a shared RWX archive (workers on any node), its limits, evictions not counted.
    assert o["PersistentVolumeClaim/ytarchive-archive"]["spec"]["accessModes"] == ["ReadWriteMany"]
    assert "affinity" not in job["spec"]["template"]["spec"]
    assert job["metadata"]["generateName"] == "ytarchive-download-"
    assert (job["spec"]["backoffLimit"], job["spec"]["activeDeadlineSeconds"],
            job["spec"]["ttlSecondsAfterFinished"]) == (3, 3600, 300)
    assert env_of(job["spec"]["template"]["spec"]["containers"][0])["YTARCHIVE_WORKER_DEADLINE_SECONDS"] == {
        "name": "YTARCHIVE_WORKER_DEADLINE_SECONDS", "value": "3600"}
    assert job["spec"]["podFailurePolicy"]["rules"][0] == {
        "action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]}
    assert job["spec"]["template"]["spec"]["containers"][0]["resources"] == {
        "requests": {"cpu": "500m", "memory": "512Mi"}, "limits": {"cpu": "2", "memory": "2Gi"}}
    tiers = json.loads(cm["YTARCHIVE_K8S_RESOURCE_TIERS"])
    assert [t["up_to"] for t in tiers] == [200, 500, None] and tiers[1]["requests"] == {"cpu": "1", "memory": "1Gi"}
    assert "ScaledJob/ytarchive-download" not in o and "CronJob/ytarchive-snapshots" not in o


def check_nginx(o: dict, job: dict | None, notes: str) -> None:
    """nginx beside gunicorn in the web pod sends media (X-Accel-Redirect); probes stay on gunicorn."""
    web = o["Deployment/ytarchive-web"]["spec"]["template"]["spec"]
    gunicorn, nginx = web["containers"]
    assert (gunicorn["name"], nginx["name"]) == ("web", "nginx")
    wenv = env_of(gunicorn)
    assert wenv["YTARCHIVE_MEDIA_ACCEL_REDIRECT"]["value"] == "/_archive/"
    assert (wenv["WEB_THREADS"]["value"], wenv["WEB_TIMEOUT"]["value"]) == ("32", "120")
    assert "--timeout" not in wenv["GUNICORN_CMD_ARGS"]["value"]  # WEB_TIMEOUT, through config.gunicorn_conf
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert gunicorn[probe]["httpGet"]["port"] == "http", probe  # a busy nginx never restarts gunicorn
    assert nginx["livenessProbe"]["httpGet"] == {"path": "/nginx-health", "port": "nginx"}
    assert nginx["ports"] == [{"name": "nginx", "containerPort": 8080, "protocol": "TCP"}]
    assert nginx["command"][:3] == ["nginx", "-c", "/etc/ytarchive-nginx/nginx.conf"]
    mounts = {m["mountPath"]: m for m in nginx["volumeMounts"]}
    assert mounts["/archive"]["readOnly"] is True and "/data" not in mounts
    assert "envFrom" not in nginx and "env" not in nginx  # no secret reaches nginx
    conf = o["ConfigMap/ytarchive-nginx"]["data"]["nginx.conf"]
    internal = re.search(r"location /_archive/ \{([^}]*)\}", conf).group(1)
    assert "internal;" in internal and "alias /archive/;" in internal
    assert "listen 8080;" in conf and "proxy_pass http://127.0.0.1:8000;" in conf
    assert "pid /tmp/nginx.pid;" in conf and "proxy_temp_path /tmp/" in conf  # read-only root
    volume = next(v for v in web["volumes"] if v["name"] == mounts["/etc/ytarchive-nginx"]["name"])
    assert volume["configMap"]["name"] == "ytarchive-nginx"
    ports = {p["name"]: p for p in o["Service/ytarchive-web"]["spec"]["ports"]}
    assert ports["http"]["targetPort"] == "nginx" and ports["metrics"]["targetPort"] == "http"
    assert o["ConfigMap/ytarchive-env"]["data"]["YTARCHIVE_NUM_PROXIES"] == "1"  # nginx is a proxy


def check_no_nginx(o: dict, job: dict | None, notes: str) -> None:
    web = o["Deployment/ytarchive-web"]["spec"]["template"]["spec"]
    assert [c["name"] for c in web["containers"]] == ["web"]
    assert "YTARCHIVE_MEDIA_ACCEL_REDIRECT" not in env_of(web["containers"][0])
    assert [p["targetPort"] for p in o["Service/ytarchive-web"]["spec"]["ports"]] == ["http"]
    assert "ConfigMap/ytarchive-nginx" not in o
    assert "YTARCHIVE_NUM_PROXIES" not in o["ConfigMap/ytarchive-env"]["data"]


def check_rwo(o: dict, job: dict | None, notes: str) -> None:
    assert job["spec"]["template"]["spec"]["affinity"]["podAffinity"]  # pinned beside the volume
    assert "ReadWriteMany" in notes or "same node" in notes


def check_keda(o: dict, job: dict | None, notes: str) -> None:
    assert job is None and "Role/ytarchive-scaler" not in o  # our scaler is off
    assert o["ConfigMap/ytarchive-env"]["data"]["YTARCHIVE_SCALER"] == "none"
    sj = o["ScaledJob/ytarchive-download"]["spec"]
    trigger = sj["triggers"][0]
    assert trigger["type"] == "redis" and trigger["metadata"]["listName"] == "downloads"
    # the window (feedWindowFactor 3 x downloadsPerWorker 6), never the backlog (downloads_app.feeder)
    assert trigger["metadata"]["listLength"] == "18" and sj["maxReplicaCount"] == 10
    assert trigger["metadata"]["address"] == f"ytarchive-redis.{NS}.svc:6379"
    auth = o["TriggerAuthentication/ytarchive-redis"]["spec"]["secretTargetRef"][0]
    assert auth == {"parameter": "password", "name": "ytarchive-redis", "key": "redis-password"}
    pod = sj["jobTargetRef"]["template"]["spec"]
    assert env_of(pod["containers"][0])["YTARCHIVE_ROLE"]["value"] == "download"
    assert sj["jobTargetRef"]["backoffLimit"] == 3


def check_snapshots(o: dict, job: dict | None, notes: str) -> None:
    cron = o["CronJob/ytarchive-snapshots"]["spec"]
    args = cron["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args == ["python", "manage.py", "snapshot_archive", "--claim", "ytarchive-archive", "--keep", "7",
                    "--class", "csi-snapclass"]
    rules = o["Role/ytarchive-snapshots"]["rules"]
    assert rules == [{"apiGroups": ["snapshot.storage.k8s.io"], "resources": ["volumesnapshots"],
                      "verbs": ["create", "list", "delete"]}]
    assert o["RoleBinding/ytarchive-snapshots"]["subjects"][0]["name"] == "ytarchive-snapshots"


def check_argocd_example_renders_the_same_twice(o: dict, job: dict | None, notes: str) -> None:
    again, _, _ = render(ARGO)
    assert yaml.safe_dump(o) == yaml.safe_dump(again)  # no generated value: Argo CD shows no drift
    assert not any(k.startswith("Secret/") for k in o), [k for k in o if k.startswith("Secret/")]


ARGO = yaml.safe_load(open(os.path.join(os.path.dirname(CHART), "argocd-application.yaml")))[
    "spec"]["source"]["helm"]["valuesObject"]


PG = {
    "database": {"url": "postgres://u:p@pg:5432/ytarchive"},
    "persistence": {"archive": {"accessModes": ["ReadWriteMany"], "storageClass": "nfs", "size": "5Ti"}},
    "redis": {"external": {"url": "rediss://:secret@redis.example:6380/1"}},
    "migrations": {"mode": "job"},
    "web": {"replicaCount": 3, "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 100, "podAffinityTerm": {
            "topologyKey": "kubernetes.io/hostname",
            "labelSelector": {"matchLabels": {"app.kubernetes.io/component": "web"}}}}]}}},
    "ingress": {"enabled": True, "className": "nginx",
                "hosts": [{"host": "archive.example.com", "paths": [{"path": "/", "pathType": "Prefix"}]}],
                "tls": [{"secretName": "tls", "hosts": ["archive.example.com"]}]},
    "metrics": {"serviceMonitor": {"enabled": True, "labels": {"release": "prom"}}},
    "commonLabels": {"team": "media"}, "commonAnnotations": {"owner": "me"},
    "imagePullSecrets": [{"name": "regcred"}],
    "image": {"repository": "ghcr.io/x/ytarchive", "tag": "1.2.3"},
    "config": {"maxWorkers": 50, "syncIntervalHours": 0.5,
               "extra": {"YTARCHIVE_FORMAT": "best", "YTARCHIVE_RATE_LIMIT": 1000000}},
}


def check_pg(o: dict, job: dict | None, notes: str) -> None:
    assert "PersistentVolumeClaim/ytarchive-data" not in o and "StatefulSet/ytarchive-redis" not in o
    for n in ("web", "control", "beat"):
        spec = o[f"Deployment/ytarchive-{n}"]["spec"]["template"]["spec"]
        assert "podAffinity" not in spec.get("affinity", {}), n
        assert ref(env_of(spec["containers"][0]), "DATABASE_URL") == {"name": "ytarchive", "key": "DATABASE_URL"}
        assert {"name": "data", "emptyDir": {}} in spec["volumes"]
    web = o["Deployment/ytarchive-web"]["spec"]["template"]["spec"]
    assert "initContainers" not in web and web["imagePullSecrets"] == [{"name": "regcred"}]
    assert "podAntiAffinity" in web["affinity"]
    assert o["Job/ytarchive-migrate"]["metadata"]["annotations"]["helm.sh/hook"] == "post-install,pre-upgrade"
    assert b64(o["Secret/ytarchive-redis"]["data"]["REDIS_URL"]) == "rediss://:secret@redis.example:6380/1"
    assert "redis-password" not in o["Secret/ytarchive-redis"]["data"]
    cm = o["ConfigMap/ytarchive-env"]["data"]
    assert "archive.example.com" in cm["DJANGO_ALLOWED_HOSTS"]
    assert cm["DJANGO_CSRF_TRUSTED_ORIGINS"] == "https://archive.example.com,http://archive.example.com"
    assert cm["YTARCHIVE_RATE_LIMIT"] == "1000000", cm["YTARCHIVE_RATE_LIMIT"]  # not 1e+06
    assert cm["YTARCHIVE_SYNC_INTERVAL_HOURS"] == "0.5" and cm["YTARCHIVE_MAX_WORKERS"] == "50"
    assert o["ServiceMonitor/ytarchive-web"]["metadata"]["labels"]["release"] == "prom"
    assert o["Ingress/ytarchive"]["spec"]["tls"][0]["hosts"] == ["archive.example.com"]
    jspec = job["spec"]["template"]["spec"]
    assert "affinity" not in jspec
    assert jspec["containers"][0]["image"] == "ghcr.io/x/ytarchive:1.2.3"
    assert env_of(jspec["containers"][0])["YTARCHIVE_FORMAT"]["value"] == "best"
    assert "https://archive.example.com/" in notes
    assert o["Deployment/ytarchive-web"]["metadata"]["labels"]["team"] == "media"


EXT = {
    "django": {"existingSecret": "dj", "existingSecretKey": "key"},
    "admin": {"existingSecret": "adm"},
    "database": {"existingSecret": "db"},
    "redis": {"external": {"existingSecret": "rds", "existingSecretKey": "url"}},
    "flower": {"enabled": False},
    "config": {"scaler": "none"},
    "persistence": {"data": {"existingClaim": "mydata"}, "archive": {"existingClaim": "myarchive"}},
    "serviceAccount": {"create": False},
    "metrics": {"existingSecret": "scrape", "existingSecretKey": "token"},
}


def check_ext(o: dict, job: dict | None, notes: str) -> None:
    assert job is None
    kinds = {k.split("/")[0] for k in o}
    assert not kinds & {"Secret", "PersistentVolumeClaim", "Role"}, kinds
    assert "Deployment/ytarchive-flower" not in o
    ctl = o["Deployment/ytarchive-control"]["spec"]["template"]["spec"]
    assert ctl["automountServiceAccountToken"] is False and ctl["serviceAccountName"] == "default"
    env = env_of(ctl["containers"][0])
    assert ref(env, "DJANGO_SECRET_KEY") == {"name": "dj", "key": "key"}
    assert ref(env, "REDIS_URL") == {"name": "rds", "key": "url"}
    assert ref(env, "DATABASE_URL") == {"name": "db", "key": "DATABASE_URL"}
    assert "/etc/ytarchive" not in str(ctl["containers"][0]["volumeMounts"])
    web = o["Deployment/ytarchive-web"]["spec"]["template"]["spec"]
    assert ref(env_of(web["initContainers"][0]), "DJANGO_SUPERUSER_PASSWORD") == {"name": "adm", "key": "password"}
    vols = {v["name"]: v for v in web["volumes"]}
    assert vols["archive"]["persistentVolumeClaim"]["claimName"] == "myarchive"
    assert vols["data"] == {"name": "data", "emptyDir": {}}  # PostgreSQL: no data PVC
    assert o["ConfigMap/ytarchive-env"]["data"]["YTARCHIVE_SCALER"] == "none"


def check_no_affinity(o: dict, job: dict | None, notes: str) -> None:
    for n in ("web", "control", "beat"):
        assert "affinity" not in o[f"Deployment/ytarchive-{n}"]["spec"]["template"]["spec"], n
    assert "affinity" not in job["spec"]["template"]["spec"]


def check_rwx_sqlite(o: dict, job: dict | None, notes: str) -> None:
    assert "affinity" not in job["spec"]["template"]["spec"]  # downloads may run anywhere
    assert "podAffinity" in o["Deployment/ytarchive-beat"]["spec"]["template"]["spec"]["affinity"]


def check_given(o: dict, job: dict | None, notes: str) -> None:
    url = b64(o["Secret/ytarchive-redis"]["data"]["REDIS_URL"])
    assert url == f"redis://:p%40ss%2Fword%3Ax@ytarchive-redis.{NS}.svc:6379/0", url
    sec = o["Secret/ytarchive"]["data"]
    assert b64(sec["DJANGO_SUPERUSER_PASSWORD"]) == "s3cret-Pass" and b64(sec["FLOWER_BASIC_AUTH"]) == "admin:fl"


def check_digest(o: dict, job: dict | None, notes: str) -> None:
    assert job["spec"]["activeDeadlineSeconds"] == 86400
    spec = job["spec"]["template"]["spec"]
    assert env_of(spec["containers"][0])["YTARCHIVE_WORKER_DEADLINE_SECONDS"]["value"] == "86400"
    assert "@sha256:" in spec["containers"][0]["image"]
    assert spec["nodeSelector"] == {"pool": "dl"}
    assert env_of(spec["containers"][0])["HTTPS_PROXY"]["value"] == "http://proxy:3128"


def check_fullname(o: dict, job: dict | None, notes: str) -> None:
    assert "Deployment/arch-web" in o, list(o)
    assert job["metadata"]["generateName"] == "arch-download-"


def check_own_rbac(o: dict, job: dict | None, notes: str) -> None:
    assert job is not None and "Role/ytarchive-scaler" not in o
    ctl = o["Deployment/ytarchive-control"]["spec"]["template"]["spec"]
    assert ctl["serviceAccountName"] == "my-scaler" and ctl["automountServiceAccountToken"] is True


def check_ytdlp_updates(o: dict, job: dict | None, notes: str) -> None:
    """The daily yt-dlp check's channel and canary reach every pod and the Job (the control worker runs it)."""
    env = o["ConfigMap/ytarchive-env"]["data"]
    assert env["YTARCHIVE_YTDLP_UPDATE"] == "nightly"
    assert env["YTARCHIVE_YTDLP_CANARY_URL"] == "https://www.youtube.com/watch?v=jNQXAC9IVRw"
    assert env_of(job["spec"]["template"]["spec"]["containers"][0])["YTARCHIVE_YTDLP_UPDATE"]["value"] == "nightly"


def check_ytdlp_pin(o: dict, job: dict | None, notes: str) -> None:
    """config.ytdlpVersion: a hook Job installs that version onto the archive volume, after every install/upgrade."""
    pin = o["Job/ytarchive-ytdlp-pin"]
    assert pin["metadata"]["annotations"]["helm.sh/hook"] == "post-install,post-upgrade"
    spec = pin["spec"]["template"]["spec"]
    container = spec["containers"][0]
    assert container["args"] == ["python", "manage.py", "ytdlp_update", "2026.11.20"]
    assert {m["mountPath"] for m in container["volumeMounts"]} >= {"/archive", "/data"}
    assert "REDIS_URL" in env_of(container)


MONITORING = {"metrics": {"serviceMonitor": {"enabled": True}, "grafanaDashboard": {"enabled": True},
                          "prometheusRule": {"enabled": True}}, "django": {"logFormat": "json"}}

def check_pot_provider(o: dict, job: dict | None, notes: str) -> None:
    """The provider's image on 4416 behind a Service, and every pod that runs yt-dlp told where it is."""
    url = f"http://ytarchive-pot-provider.{NS}.svc:4416"
    pod = o["Deployment/ytarchive-pot-provider"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == "brainicism/bgutil-ytdlp-pot-provider:2.0.2"
    assert container["ports"][0]["containerPort"] == 4416 and container["readinessProbe"]["httpGet"]["path"] == "/ping"
    assert pod["automountServiceAccountToken"] is False
    service = o["Service/ytarchive-pot-provider"]["spec"]
    assert service["ports"][0]["port"] == 4416 and service["selector"] == o[
        "Deployment/ytarchive-pot-provider"]["spec"]["selector"]["matchLabels"]
    assert o["ConfigMap/ytarchive-env"]["data"]["YTARCHIVE_POT_PROVIDER_URL"] == url  # web, control, beat, flower
    assert env_of(job["spec"]["template"]["spec"]["containers"][0])["YTARCHIVE_POT_PROVIDER_URL"]["value"] == url
    for name in ("web", "control", "beat", "flower"):
        spec = o[f"Deployment/ytarchive-{name}"]["spec"]["template"]["spec"]["containers"][0]
        assert {"configMapRef": {"name": "ytarchive-env"}} in spec["envFrom"], name


def check_library(o: dict, job: dict | None, notes: str) -> None:
    """The library view's settings reach every pod (and the Job), on the archive volume; NOTES say the mount."""
    assert o["ConfigMap/ytarchive-env"]["data"]["YTARCHIVE_LIBRARY_ROOT"] == "/archive/.ytarchive/library"
    assert env_of(job["spec"]["template"]["spec"]["containers"][0])["YTARCHIVE_LIBRARY_LAYOUT"]["value"] == "plex"
    assert "subPath .ytarchive/library/plex" in notes


CASES = [
    ("library-view", {"library": {"enabled": True, "layout": "plex"}}, check_library, "ytarchive", None),
    ("library-links-must-be-known", {"library": {"enabled": True, "links": "copy"}}, None, "ytarchive", "links"),
    ("pot-provider", {"potProvider": {"enabled": True}}, check_pot_provider, "ytarchive", None),
    ("pot-provider-url-must-be-http", {"potProvider": {"url": "bgutil:4416"}}, None, "ytarchive", "potProvider"),
    ("rwo-archive", {"persistence": {"archive": {"accessModes": ["ReadWriteOnce"]}}}, check_rwo, "ytarchive", None),
    ("rwo-colocate-false-fails", {"persistence": {"archive": {"accessModes": ["ReadWriteOnce"]}, "colocate": False}},
     None, "ytarchive", "cannot mount a ReadWriteOnce volume"),
    ("keda", {"config": {"scaler": "keda"}}, check_keda, "ytarchive", None),
    ("keda-external-redis-needs-address", {"config": {"scaler": "keda"},
                                          "redis": {"external": {"url": "redis://r:6379/0"}}},
     None, "ytarchive", "keda.redis.address"),
    ("snapshots-servicemonitor", {"snapshots": {"enabled": True, "volumeSnapshotClassName": "csi-snapclass"},
                                  "metrics": {"serviceMonitor": {"enabled": True}}}, check_snapshots, "ytarchive",
     None),
    ("argocd-example", ARGO, check_argocd_example_renders_the_same_twice, "ytarchive", None),
    ("monitoring", MONITORING, None, "ytarchive", None),  # asserted in tests/unit/test_helm_chart.py
    ("ytdlp-updates", {"config": {"ytdlpUpdate": "nightly",
                                  "ytdlpCanaryUrl": "https://www.youtube.com/watch?v=jNQXAC9IVRw"}},
     check_ytdlp_updates, "ytarchive", None),
    ("ytdlp-pin", {"config": {"ytdlpVersion": "2026.11.20"}}, check_ytdlp_pin, "ytarchive", None),
    ("ytdlp-pin-not-a-version-fails", {"config": {"ytdlpVersion": "latest; rm -rf /"}}, None, "ytarchive",
     "ytdlpVersion"),
    ("ytdlp-update-weekly-fails", {"config": {"ytdlpUpdate": "weekly"}}, None, "ytarchive", "ytdlpUpdate"),
    ("servicemonitor-elsewhere-fails", {"metrics": {"serviceMonitor": {"enabled": True, "namespace": "monitoring"}}},
     None, "ytarchive", "release namespace"),
    ("default", {}, check_default, "ytarchive", None),
    ("nginx", {}, check_nginx, "ytarchive", None),
    ("no-nginx", {"web": {"nginx": {"enabled": False}}}, check_no_nginx, "ytarchive", None),
    ("egress-pool-with-secret-proxies", {"config": {"siteRates": "youtube.com=250/1h,vimeo.com=100/1h",
                                                    "egress": ["source:2001:db8::7", "source:2001:db8::8"]},
                                         "egressProxies": {"urls": ["socks5://u:pw@proxy.example:1080"]}},
     None, "ytarchive", None),  # asserted in tests/unit/test_helm_chart.py
    ("egress-proxy-credentials-in-config-fail", {"config": {"egress": ["proxy:http://u:pw@proxy.example:3128"]}},
     None, "ytarchive", "egress"),
    ("postgres-rwx-external-redis-ingress", PG, check_pg, "ytarchive", None),
    ("existing-secrets-no-scaler", EXT, check_ext, "ytarchive", None),
    ("long-release-name", {}, None, "a-very-long-release-name-for-testing-limits-0123456789abcdef", None),
    ("fullnameOverride", {"fullnameOverride": "arch"}, check_fullname, "ytarchive", None),
    ("sqlite-without-data-fails", {"persistence": {"data": {"enabled": False}}}, None, "ytarchive", "SQLite"),
    ("colocate-false", {"persistence": {"colocate": False}}, check_no_affinity, "ytarchive", None),
    ("rwx-archive-sqlite", {"persistence": {"archive": {"accessModes": ["ReadWriteMany"]}}}, check_rwx_sqlite,
     "ytarchive", None),
    ("given-passwords", {"admin": {"password": "s3cret-Pass"}, "django": {"secretKey": "k" * 60},
                         "redis": {"password": "p@ss/word:x"}, "flower": {"basicAuth": {"password": "fl"}}},
     check_given, "ytarchive", None),
    ("digest-nodeSelector-extraEnv", {"image": {"digest": "sha256:" + "a" * 64}, "downloadWorker": {
        "activeDeadlineSeconds": 86400, "nodeSelector": {"pool": "dl"},
        "tolerations": [{"key": "dl", "operator": "Exists"}],
        "extraEnv": [{"name": "HTTPS_PROXY", "value": "http://proxy:3128"}]}}, check_digest, "ytarchive", None),
    ("scaler-with-own-rbac", {"rbac": {"create": False, "serviceAccountName": "my-scaler"}}, check_own_rbac,
     "ytarchive", None),
]


def run_case(workdir: str, tag: str, vals: dict, check, name: str, expect_error: str | None) -> str:
    try:
        objs, job, notes = render(vals, name)
    except Exception as exc:  # a render error is the expected outcome for some cases
        if expect_error and expect_error in str(exc):
            return f"ok   {tag}: render failed as expected"
        return f"FAIL {tag}: {exc}"
    if expect_error:
        return f"FAIL {tag}: expected a render error mentioning {expect_error!r}"
    try:
        validate(objs, job, os.path.join(workdir, tag))
        common_checks(objs, job)
        report = helm.lint(CHART, vals, strict=True, namespace=NS)
        problems = [m for m in report["messages"] if m["severity"] >= 2] + report["errors"]
        assert not problems, problems
        if check:
            check(objs, job, notes)
    except AssertionError:
        return f"FAIL {tag}:\n{traceback.format_exc()[-1500:]}"
    return f"ok   {tag}: {len(objs)} objects"


def keep_or_generate(workdir: str) -> str:
    """ytarchive.keepOrGenerate on a simulated `lookup` result."""
    chart = os.path.join(workdir, "kog")
    os.makedirs(os.path.join(chart, "templates"))
    with open(os.path.join(chart, "Chart.yaml"), "w") as fh:
        fh.write("apiVersion: v2\nname: kog\nversion: 0.1.0\n")
    with open(os.path.join(CHART, "templates", "_helpers.tpl")) as fh:
        helper = re.search(r'{{- define "ytarchive.keepOrGenerate" -}}.*?\n{{- end }}\n', fh.read(), re.S)
    with open(os.path.join(chart, "templates", "_h.tpl"), "w") as fh:
        fh.write(helper.group(0))
    call = '{{ include "ytarchive.keepOrGenerate" (dict "given" %s "data" %s "key" "%s" "length" %d) }}'
    with open(os.path.join(chart, "templates", "t.yaml"), "w") as fh:
        fh.write('{{- $old := dict "A" ("kept-value" | b64enc) "E" "" }}\n'
                 "given: " + call % ('"explicit"', "$old", "A", 10) + "\n"
                 "kept: " + call % ('""', "$old", "A", 10) + "\n"
                 "empty: " + call % ('""', "$old", "E", 10) + "\n"
                 "missing: " + call % ('""', "(dict)", "B", 12) + "\n")
    try:
        with helm.Chart.load(chart) as ch:
            out = yaml.safe_load(ch.render({}, name="x", namespace="y")["kog/templates/t.yaml"])
        assert out["given"] == "explicit" and out["kept"] == "kept-value", out
        assert len(out["empty"]) == 10 and len(out["missing"]) == 12 and out["missing"].isalnum(), out
    except Exception as exc:
        return f"FAIL keep-or-generate: {exc!r}"
    return "ok   keep-or-generate (simulated lookup)"


def main() -> int:
    workdir = tempfile.mkdtemp(prefix="chartcheck-")
    try:
        results = [run_case(workdir, *case) for case in CASES]
        results.append(keep_or_generate(workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    failed = sum(r.startswith("FAIL") for r in results)
    sys.stdout.write("\n".join(results) + f"\n{len(results) - failed} passed, {failed} failed\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
