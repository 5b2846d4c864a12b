"""Offline checks of the ytarchive Helm chart: lint, render, schema-validate, assert.

    python -m venv /tmp/chartcheck && /tmp/chartcheck/bin/pip install -r helm/tests/requirements.txt
    /tmp/chartcheck/bin/python helm/tests/check_chart.py

Renders the chart for a matrix of values with Helm v4's engine (helm-python-sdk),
runs `helm lint --strict` on each, validates every object and the download-worker
Job template (ConfigMap key job.yaml) against the Kubernetes 1.30 OpenAPI schema
in strict mode (kubernetes-validate; ServiceMonitor, a CRD, is skipped), and checks
the contract the Python side relies on. `lookup` returns nothing offline, so the
keep-across-upgrades logic is tested separately on a simulated lookup result.
Prints "N passed, N failed" and exits non-zero on any failure.
"""
import glob, json, os, re, shutil, subprocess, sys, tempfile

import yaml
import helm_python as helm
HERE = os.path.dirname(os.path.abspath(__file__))
CHART = os.path.join(HERE, "..", "ytarchive")
WORK = tempfile.mkdtemp(prefix="chartcheck-")
VALIDATE = os.path.join(os.path.dirname(sys.executable), "kubernetes-validate")

def render(vals, name="ytarchive"):
    with helm.Chart.load(CHART) as ch:
        ch.validate_schema(vals)
        m = ch.render(vals, name=name, namespace="ytarchive", is_install=True)
    docs = []
    for p, t in sorted(m.items()):
        if p.endswith("NOTES.txt"):
            notes = t; continue
        for d in yaml.safe_load_all(t):
            if d: docs.append(d)
    job = None
    for d in docs:
        if d["kind"] == "ConfigMap" and "job.yaml" in d.get("data", {}):
            job = yaml.safe_load(d["data"]["job.yaml"])
    return docs, job, notes

def validate(docs, job, tag):
    d = os.path.join(WORK, tag); shutil.rmtree(d, ignore_errors=True); os.makedirs(d)
    allobjs = list(docs) + ([dict(job, metadata=dict(job["metadata"], name="jobtpl"))] if job else [])
    for i, o in enumerate(allobjs):
        if o["kind"] == "ServiceMonitor": continue
        yaml.safe_dump(o, open(f"{d}/{i:02d}.yaml", "w"))
    r = subprocess.run([VALIDATE, "--strict", "-k", "1.30.0", "--quiet", *sorted(glob.glob(f"{d}/*.yaml"))], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr[-2000:]

def pods(docs, job):
    out = {}
    for d in docs:
        if d["kind"] in ("Deployment", "StatefulSet", "Job"):
            out[d["metadata"]["name"]] = d["spec"]["template"]["spec"], d["spec"]["template"]["metadata"]
    if job: out["download-job"] = job["spec"]["template"]["spec"], job["spec"]["template"]["metadata"]
    return out

def envnames(c): return {e["name"] for e in c.get("env", [])}

def common_checks(docs, job, tag):
    for d in docs:
        n = d["metadata"].get("name", "")
        assert len(n) <= 63, (tag, n)
        if d["kind"] == "ConfigMap":
            for k in d["data"]:
                assert not re.search(r"SECRET_KEY|PASSWORD|REDIS_URL|DATABASE_URL", k), (tag, k)
    if job:
        assert len(job["metadata"]["generateName"]) + 5 + 6 <= 63, job["metadata"]["generateName"]
        c = job["spec"]["template"]["spec"]["containers"][0]
        names = envnames(c)
        assert "DATA_DIR" not in names and "DATABASE_URL" not in names, names
        assert {"REDIS_URL", "ARCHIVE_ROOT", "DJANGO_SECRET_KEY", "YTARCHIVE_WORKER_IDLE_SECONDS"} <= names
        assert "envFrom" not in c
        assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
        assert job["metadata"]["labels"]["app.kubernetes.io/component"] == "download-worker"
        assert "backoffLimit" in job["spec"] and "ttlSecondsAfterFinished" in job["spec"]
    for name, (spec, meta) in pods(docs, job).items():
        for c in spec.get("containers", []) + spec.get("initContainers", []):
            sc = c.get("securityContext", {})
            assert sc.get("readOnlyRootFilesystem") and sc["capabilities"]["drop"] == ["ALL"] and sc["allowPrivilegeEscalation"] is False, (tag, name)
        assert spec["securityContext"]["runAsNonRoot"]
        mounts = {m["mountPath"] for c in spec["containers"] for m in c.get("volumeMounts", [])}
        assert "/tmp" in mounts, (tag, name)

results = []
def case(tag, vals, check=None, name="ytarchive", expect_error=None):
    try:
        docs, job, notes = render(vals, name)
    except Exception as e:
        if expect_error and expect_error in str(e):
            results.append(f"ok   {tag}: failed as expected ({expect_error})"); return
        results.append(f"FAIL {tag}: {e}"); return
    if expect_error:
        results.append(f"FAIL {tag}: expected error"); return
    try:
        validate(docs, job, tag)
        common_checks(docs, job, tag)
        lint = helm.lint(CHART, vals, strict=True, namespace="ytarchive")
        bad = [m for m in lint["messages"] if m["severity"] >= 2] + lint["errors"]
        assert not bad, bad
        if check: check({f'{d["kind"]}/{d["metadata"]["name"]}': d for d in docs}, job, notes)
        results.append(f"ok   {tag}: {len(docs)} objects")
    except AssertionError as e:
        import traceback
        results.append(f"FAIL {tag}: {traceback.format_exc()[-1500:]}")

def c_default(o, job, notes):
    web = o["Deployment/ytarchive-web"]["spec"]["template"]["spec"]
    assert web["initContainers"][0]["name"] == "migrate"
    assert web["affinity"]["podAffinity"]
    ctl = o["Deployment/ytarchive-control"]["spec"]["template"]["spec"]
    assert ctl["serviceAccountName"] == "ytarchive-scaler" and ctl["automountServiceAccountToken"] is True
    assert {m["mountPath"] for m in ctl["containers"][0]["volumeMounts"]} >= {"/archive", "/data", "/etc/ytarchive"}
    cm = o["ConfigMap/ytarchive-env"]["data"]
    assert cm["YTARCHIVE_SCALER"] == "kubernetes" and cm["YTARCHIVE_K8S_NAMESPACE"] == "ytarchive"
    assert cm["YTARCHIVE_K8S_JOB_TEMPLATE"] == "/etc/ytarchive/job.yaml" and cm["YTARCHIVE_MAX_WORKERS"] == "10"
    sec = o["Secret/ytarchive"]["data"]
    assert set(sec) == {"DJANGO_SECRET_KEY", "DJANGO_SUPERUSER_PASSWORD", "FLOWER_PASSWORD", "FLOWER_BASIC_AUTH"}
    import base64
    key = base64.b64decode(sec["DJANGO_SECRET_KEY"]).decode(); assert len(key) == 50
    fba = base64.b64decode(sec["FLOWER_BASIC_AUTH"]).decode(); assert fba.startswith("admin:") and len(fba) == 30
    rs = o["Secret/ytarchive-redis"]["data"]
    pw = base64.b64decode(rs["redis-password"]).decode()
    assert base64.b64decode(rs["REDIS_URL"]).decode() == f"redis://:{pw}@ytarchive-redis.ytarchive.svc:6379/0"
    role = o["Role/ytarchive-scaler"]["rules"]
    assert role[0]["resources"] == ["jobs"] and set(role[0]["verbs"]) == {"create","get","list","watch","delete","patch"}
    assert "StatefulSet/ytarchive-redis" in o and "Ingress/ytarchive" not in o
    beat = o["Deployment/ytarchive-beat"]["spec"]
    assert beat["replicas"] == 1 and beat["strategy"]["type"] == "Recreate"
    fl = o["Deployment/ytarchive-flower"]["spec"]["template"]["spec"]["containers"][0]
    assert "DATA_DIR" not in envnames(fl) and "FLOWER_BASIC_AUTH" in envnames(fl)
    assert "DJANGO_SUPERUSER_PASSWORD" in notes
    assert job["spec"]["template"]["spec"]["affinity"]["podAffinity"]

case("default", {}, c_default)

pg = {
    "database": {"url": "postgres://u:p@pg:5432/ytarchive"},
    "persistence": {"archive": {"accessModes": ["ReadWriteMany"], "storageClass": "nfs", "size": "5Ti"}},
    "redis": {"external": {"url": "rediss://:secret@redis.example:6380/1"}},
    "migrations": {"mode": "job"},
    "web": {"replicaCount": 3, "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app.kubernetes.io/component": "web"}}}}]}}},
    "ingress": {"enabled": True, "className": "nginx", "hosts": [{"host": "archive.example.com", "paths": [{"path": "/", "pathType": "Prefix"}]}],
                "tls": [{"secretName": "tls", "hosts": ["archive.example.com"]}]},
    "metrics": {"serviceMonitor": {"enabled": True, "labels": {"release": "prom"}}},
    "commonLabels": {"team": "media"}, "commonAnnotations": {"owner": "me"},
    "imagePullSecrets": [{"name": "regcred"}],
    "image": {"repository": "ghcr.io/x/ytarchive", "tag": "1.2.3"},
    "config": {"maxWorkers": 50, "syncIntervalHours": 0.5, "extra": {"YTARCHIVE_FORMAT": "best", "YTARCHIVE_RATE_LIMIT": 1000000}},
}
def c_pg(o, job, notes):
    import base64
    assert "PersistentVolumeClaim/ytarchive-data" not in o and "StatefulSet/ytarchive-redis" not in o
    for n in ("web", "control", "beat"):
        spec = o[f"Deployment/ytarchive-{n}"]["spec"]["template"]["spec"]
        aff = spec.get("affinity", {})
        assert "podAffinity" not in aff, n
        env = {e["name"]: e for e in spec["containers"][0]["env"]}
        assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {"name": "ytarchive", "key": "DATABASE_URL"}
        assert {"name": "data", "emptyDir": {}} in spec["volumes"]
    web = o["Deployment/ytarchive-web"]["spec"]["template"]["spec"]
    assert "initContainers" not in web and web["imagePullSecrets"] == [{"name": "regcred"}]
    assert "podAntiAffinity" in web["affinity"]
    assert o["Job/ytarchive-migrate"]["metadata"]["annotations"]["helm.sh/hook"] == "post-install,pre-upgrade"
    assert base64.b64decode(o["Secret/ytarchive-redis"]["data"]["REDIS_URL"]).decode() == "rediss://:secret@redis.example:6380/1"
    assert "redis-password" not in o["Secret/ytarchive-redis"]["data"]
    cm = o["ConfigMap/ytarchive-env"]["data"]
    assert "archive.example.com" in cm["DJANGO_ALLOWED_HOSTS"] and cm["DJANGO_CSRF_TRUSTED_ORIGINS"] == "https://archive.example.com,http://archive.example.com"
    assert cm["YTARCHIVE_RATE_LIMIT"] == "1000000", cm["YTARCHIVE_RATE_LIMIT"]
    assert cm["YTARCHIVE_SYNC_INTERVAL_HOURS"] == "0.5" and cm["YTARCHIVE_MAX_WORKERS"] == "50"
    sm = o["ServiceMonitor/ytarchive-web"]; assert sm["metadata"]["labels"]["release"] == "prom"
    assert o["Ingress/ytarchive"]["spec"]["tls"][0]["hosts"] == ["archive.example.com"]
    assert "affinity" not in job["spec"]["template"]["spec"]
    assert job["spec"]["template"]["spec"]["containers"][0]["image"] == "ghcr.io/x/ytarchive:1.2.3"
    jenv = {e["name"]: e.get("value") for e in job["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert jenv["YTARCHIVE_FORMAT"] == "best"
    assert "https://archive.example.com/" in notes
    assert o["Deployment/ytarchive-web"]["metadata"]["labels"]["team"] == "media"
case("postgres-rwx-external-redis-ingress", pg, c_pg)

ext = {
    "django": {"existingSecret": "dj", "existingSecretKey": "key"},
    "admin": {"existingSecret": "adm"},
    "database": {"existingSecret": "db"},
    "redis": {"external": {"existingSecret": "rds", "existingSecretKey": "url"}},
    "flower": {"enabled": False},
    "config": {"scaler": "none"},
    "persistence": {"data": {"existingClaim": "mydata"}, "archive": {"existingClaim": "myarchive"}},
    "serviceAccount": {"create": False},
}
def c_ext(o, job, notes):
    assert job is None
    kinds = {k.split("/")[0] for k in o}
    assert "Secret" not in kinds and "PersistentVolumeClaim" not in kinds and "Role" not in kinds, kinds
    assert "Deployment/ytarchive-flower" not in o
    ctl = o["Deployment/ytarchive-control"]["spec"]["template"]["spec"]
    assert ctl["automountServiceAccountToken"] is False and ctl["serviceAccountName"] == "default"
    env = {e["name"]: e for e in ctl["containers"][0]["env"]}
    assert env["DJANGO_SECRET_KEY"]["valueFrom"]["secretKeyRef"] == {"name": "dj", "key": "key"}
    assert env["REDIS_URL"]["valueFrom"]["secretKeyRef"] == {"name": "rds", "key": "url"}
    assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {"name": "db", "key": "DATABASE_URL"}
    web = o["Deployment/ytarchive-web"]["spec"]["template"]["spec"]
    ienv = {e["name"]: e for e in web["initContainers"][0]["env"]}
    assert ienv["DJANGO_SUPERUSER_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": "adm", "key": "password"}
    vols = {v["name"]: v for v in web["volumes"]}
    assert vols["archive"]["persistentVolumeClaim"]["claimName"] == "myarchive"
    assert vols["data"] == {"name": "data", "emptyDir": {}}  # postgres via existingSecret
    assert o["ConfigMap/ytarchive-env"]["data"]["YTARCHIVE_SCALER"] == "none"
    assert "/etc/ytarchive" not in str(ctl["containers"][0]["volumeMounts"])
case("existing-secrets-no-scaler", ext, c_ext)

case("long-name", {}, None, name="a-very-long-release-name-for-testing-limits-0123456789abcdef")
case("fullnameOverride", {"fullnameOverride": "arch"}, lambda o, j, n: ("Deployment/arch-web" in o) or (_ for _ in ()).throw(AssertionError(list(o))))
case("sqlite-without-data", {"persistence": {"data": {"enabled": False}}}, expect_error="SQLite")
case("colocate-false", {"persistence": {"colocate": False}},
     lambda o, j, n: [None for k in ("web","control","beat") if "affinity" in o[f"Deployment/ytarchive-{k}"]["spec"]["template"]["spec"]] == [] or (_ for _ in ()).throw(AssertionError("affinity present")))
case("rwx-archive-sqlite", {"persistence": {"archive": {"accessModes": ["ReadWriteMany"]}}},
     lambda o, j, n: ("affinity" not in j["spec"]["template"]["spec"] and "podAffinity" in o["Deployment/ytarchive-beat"]["spec"]["template"]["spec"]["affinity"]) or (_ for _ in ()).throw(AssertionError("bad")))
case("given-passwords", {"admin": {"password": "s3cret-Pass"}, "django": {"secretKey": "k"*60}, "redis": {"password": "p@ss/word:x"}, "flower": {"basicAuth": {"password": "fl"}}},
     lambda o, j, n: __import__("base64").b64decode(o["Secret/ytarchive-redis"]["data"]["REDIS_URL"]).decode() == "redis://:p%40ss%2Fword%3Ax@ytarchive-redis.ytarchive.svc:6379/0" or (_ for _ in ()).throw(AssertionError(__import__("base64").b64decode(o["Secret/ytarchive-redis"]["data"]["REDIS_URL"]))))
case("digest-and-activeDeadline", {"image": {"digest": "sha256:" + "a"*64}, "downloadWorker": {"activeDeadlineSeconds": 86400, "nodeSelector": {"pool": "dl"}, "tolerations": [{"key": "dl", "operator": "Exists"}], "extraEnv": [{"name": "HTTPS_PROXY", "value": "http://proxy:3128"}]}},
     lambda o, j, n: (j["spec"]["activeDeadlineSeconds"] == 86400 and "@sha256:" in j["spec"]["template"]["spec"]["containers"][0]["image"]) or (_ for _ in ()).throw(AssertionError("x")))
case("scaler-with-own-rbac", {"rbac": {"create": False, "serviceAccountName": "my-scaler"}},
     lambda o, j, n: (j is not None and "Role/ytarchive-scaler" not in o
                      and o["Deployment/ytarchive-control"]["spec"]["template"]["spec"]["serviceAccountName"] == "my-scaler"
                      and o["Deployment/ytarchive-control"]["spec"]["template"]["spec"]["automountServiceAccountToken"] is True)
     or (_ for _ in ()).throw(AssertionError("rbac.create=false")))


def keep_or_generate():
    """ytarchive.keepOrGenerate on a simulated `lookup` result."""
    tmp = os.path.join(WORK, "kog")
    os.makedirs(os.path.join(tmp, "templates"))
    open(os.path.join(tmp, "Chart.yaml"), "w").write("apiVersion: v2\nname: kog\nversion: 0.1.0\n")
    helpers = open(os.path.join(CHART, "templates", "_helpers.tpl")).read()
    m = re.search(r'{{- define "ytarchive.keepOrGenerate" -}}.*?\n{{- end }}\n', helpers, re.S)
    open(os.path.join(tmp, "templates", "_h.tpl"), "w").write(m.group(0))
    open(os.path.join(tmp, "templates", "t.yaml"), "w").write(
        '{{- $old := dict "A" ("kept-value" | b64enc) "E" "" }}\n'
        'given: {{ include "ytarchive.keepOrGenerate" (dict "given" "explicit" "data" $old "key" "A" "length" 10) }}\n'
        'kept: {{ include "ytarchive.keepOrGenerate" (dict "given" "" "data" $old "key" "A" "length" 10) }}\n'
        'empty: {{ include "ytarchive.keepOrGenerate" (dict "given" "" "data" $old "key" "E" "length" 10) }}\n'
        'missing: {{ include "ytarchive.keepOrGenerate" (dict "given" "" "data" (dict) "key" "B" "length" 12) }}\n')
    with helm.Chart.load(tmp) as ch:
        out = yaml.safe_load(ch.render({}, name="x", namespace="y")["kog/templates/t.yaml"])
    assert out["given"] == "explicit" and out["kept"] == "kept-value", out
    assert len(out["empty"]) == 10 and len(out["missing"]) == 12 and out["missing"].isalnum(), out
    results.append("ok   keep-or-generate (simulated lookup)")


try:
    keep_or_generate()
except Exception as e:  # noqa: BLE001
    results.append(f"FAIL keep-or-generate: {e!r}")

shutil.rmtree(WORK, ignore_errors=True)
print("\n".join(results))
failed = sum(r.startswith("FAIL") for r in results)
print(f"{len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
