"""The Helm chart lints, renders for every value set, validates against the Kubernetes schemas,
and keeps its contract with the Python side (helm/tests/check_chart.py, offline); and the
metrics part of it (issue 10): gunicorn's multiprocess metrics on the web pods only, the metrics
token, the ServiceMonitor, the Grafana dashboard, the alerts, Flower behind its login."""
from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from tests.harness import REPO

_spec = importlib.util.spec_from_file_location("check_chart", REPO / "helm" / "tests" / "check_chart.py")
check_chart = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_chart)

DASHBOARD_FILE = REPO / "helm" / "ytarchive" / "dashboards" / "ytarchive.json"

# The series /metrics promises (the app side's contract); django-prometheus's django_http_* besides.
CONTRACT = {
    "ytarchive_queue_length", "ytarchive_downloads_total", "ytarchive_download_duration_seconds_bucket",
    "ytarchive_download_duration_seconds_sum", "ytarchive_download_duration_seconds_count",
    "ytarchive_storage_bytes", "ytarchive_storage_free_bytes", "ytarchive_storage_size_bytes",
    "ytarchive_active_workers", "ytarchive_downloads_in_flight", "ytarchive_dead_letters", "ytarchive_videos",
    "ytarchive_channels", "ytarchive_ytdlp_info", "ytarchive_ytdlp_release_timestamp_seconds",
}
PROMQL_WORDS = {"by", "without", "and", "or", "unless", "offset", "on", "ignoring", "group_left", "group_right",
                "bool", "inf", "nan"}
MULTIPROC = "PROMETHEUS_MULTIPROC_DIR"
ALL_ON = {"metrics": {"serviceMonitor": {"enabled": True}, "grafanaDashboard": {"enabled": True},
                      "prometheusRule": {"enabled": True}}}


def test_chart_checks_pass():
    result = subprocess.run([sys.executable, "helm/tests/check_chart.py"], cwd=REPO, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert " 0 failed" in result.stdout


# --------------------------------------------------------------------------- helpers

@cache
def _render(values_json: str):
    objs, job, _notes = check_chart.render(json.loads(values_json))
    return objs, job


def render(values: dict | None = None) -> tuple[dict, dict | None]:
    """({"Kind/name": object}, the download-worker Job template or None), cached per value set."""
    return _render(json.dumps(values or {}, sort_keys=True))


def containers(objs: dict, job: dict | None) -> list[tuple[str, dict]]:
    """(where, container) for every container and init container of every pod template, CronJob,
    ScaledJob and the Job template."""
    found = []

    def walk(where, node):
        if isinstance(node, dict):
            if isinstance(node.get("containers"), list):
                found.extend((f"{where}/{c['name']}", c) for c in node["containers"] + node.get("initContainers", []))
            for value in node.values():
                walk(where, value)
        elif isinstance(node, list):
            for value in node:
                walk(where, value)

    for key, obj in objs.items():
        walk(key, obj)
    if job:
        walk("job-template", job)
    return found


def web(objs: dict) -> tuple[dict, dict]:
    spec = objs["Deployment/ytarchive-web"]["spec"]["template"]["spec"]
    return spec, next(c for c in spec["containers"] if c["name"] == "web")


def env_of(container: dict) -> dict:
    return {e["name"]: e for e in container.get("env", [])}


def b64(value: str) -> str:
    return base64.b64decode(value).decode()


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads: what is left once strings, label matchers, ranges,
    grouping clauses, numbers, keywords and function or aggregation names are taken out."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    e = re.sub(r"\{[^}]*\}", " ", e)
    e = re.sub(r"\[[^\]]*\]", " ", e)
    e = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    e = re.sub(r"(?<![\w:])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?:ms|s|m|h|d|w|y)?\b", " ", e)
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", e):
        if m.group(0).lower() in PROMQL_WORDS or e[m.end():].lstrip().startswith("("):
            continue
        names.add(m.group(0))
    return names


def outside_contract(names: set[str]) -> set[str]:
    return {n for n in names if n not in CONTRACT and not n.startswith("django_http_")}


def test_metric_names_finds_every_series_an_expression_reads():
    expr = ('histogram_quantile(0.9, max without (instance, pod) (rate(a_bucket{job=~"$job", le!="1"}[5m])))'
            ' / on (job) group_left sum by (job) (b_total offset 1h) > 1e+06 and up == 0.5 or c:rate5m')
    assert metric_names(expr) == {"a_bucket", "b_total", "up", "c:rate5m"}
    assert outside_contract({"ytarchive_component_up", "django_http_x", "ytarchive_videos"}) == {
        "ytarchive_component_up"}


# --------------------------------------------------------------------------- web: gunicorn + multiprocess

def test_web_runs_gunicorn_conf_with_a_writable_multiprocess_dir():
    objs, _ = render()
    spec, container = web(objs)
    args = container["args"]
    assert args[:2] == ["gunicorn", "config.wsgi"]
    assert args[args.index("-c") + 1] == "python:config.gunicorn_conf"
    path = env_of(container)[MULTIPROC]["value"]
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == path)
    assert not mount.get("readOnly")
    volume = next(v for v in spec["volumes"] if v["name"] == mount["name"])
    assert volume == {"name": mount["name"], "emptyDir": {}}  # empty on every pod start, writable
    assert container["securityContext"]["readOnlyRootFilesystem"] is True  # so it must be a volume


@pytest.mark.parametrize("values", [
    {},
    {"database": {"url": "postgres://u:p@pg/db"}, "migrations": {"mode": "job"}},
    {"config": {"scaler": "keda"}, "snapshots": {"enabled": True}},
], ids=["default", "migrate-job", "keda-snapshots"])
def test_only_the_web_container_gets_the_multiprocess_dir(values):
    objs, job = render(values)
    having = [where for where, c in containers(objs, job) if MULTIPROC in env_of(c)]
    assert having == ["Deployment/ytarchive-web/web"]
    for key, obj in objs.items():  # nor through a ConfigMap or Secret every process reads (envFrom)
        assert MULTIPROC not in (obj.get("data") or {}), key


# --------------------------------------------------------------------------- the metrics token

def token_ref(objs: dict) -> dict:
    return env_of(web(objs)[1])["YTARCHIVE_METRICS_TOKEN"]["valueFrom"]["secretKeyRef"]


def test_metrics_token_is_generated_into_the_secret_and_given_to_the_web_container_only():
    objs, job = render()
    token = b64(objs["Secret/ytarchive"]["data"]["YTARCHIVE_METRICS_TOKEN"])
    assert len(token) == 40 and token.isalnum()
    assert token_ref(objs) == {"name": "ytarchive", "key": "YTARCHIVE_METRICS_TOKEN"}
    having = [where for where, c in containers(objs, job) if "YTARCHIVE_METRICS_TOKEN" in env_of(c)]
    assert having == ["Deployment/ytarchive-web/web"]
    assert "YTARCHIVE_METRICS_TOKEN" not in objs["ConfigMap/ytarchive-env"]["data"]


def test_metrics_token_given_or_from_an_existing_secret():
    objs, _ = render({"metrics": {"token": "scrape-me-0123456789"}})
    assert b64(objs["Secret/ytarchive"]["data"]["YTARCHIVE_METRICS_TOKEN"]) == "scrape-me-0123456789"
    objs, _ = render({"metrics": {"existingSecret": "prom-token", "existingSecretKey": "token",
                                  "serviceMonitor": {"enabled": True}}})
    assert "YTARCHIVE_METRICS_TOKEN" not in objs["Secret/ytarchive"]["data"]
    assert token_ref(objs) == {"name": "prom-token", "key": "token"}
    credentials = objs["ServiceMonitor/ytarchive-web"]["spec"]["endpoints"][0]["authorization"]["credentials"]
    assert credentials == {"name": "prom-token", "key": "token"}


def test_allow_networks_reach_the_web_container_only_when_set():
    objs, _ = render()
    assert "YTARCHIVE_METRICS_ALLOW_NETWORKS" not in env_of(web(objs)[1])
    objs, _ = render({"metrics": {"allowNetworks": ["10.42.0.0/16", "fd00::/8"]}})
    assert env_of(web(objs)[1])["YTARCHIVE_METRICS_ALLOW_NETWORKS"]["value"] == "10.42.0.0/16,fd00::/8"
    with pytest.raises(Exception, match="allowNetworks"):
        render({"metrics": {"allowNetworks": ["everyone"]}})


# --------------------------------------------------------------------------- ServiceMonitor

def test_service_monitor_scrapes_the_web_service_with_the_bearer_token():
    objs, _ = render(ALL_ON)
    sm = objs["ServiceMonitor/ytarchive-web"]
    endpoint = sm["spec"]["endpoints"][0]
    assert endpoint["authorization"] == {"type": "Bearer", "credentials": token_ref(objs)}
    assert endpoint["path"] == "/metrics" and endpoint["port"] == "metrics"  # gunicorn's, past nginx
    service = objs["Service/ytarchive-web"]
    assert "metrics" in {p["name"] for p in service["spec"]["ports"]}
    assert sm["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert sm["metadata"]["namespace"] == service["metadata"]["namespace"]  # where the token's Secret is


# --------------------------------------------------------------------------- Grafana dashboard

def all_exprs(dashboard: dict) -> list[str]:
    return [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]


def test_dashboard_file_is_a_self_contained_grafana_dashboard():
    raw = DASHBOARD_FILE.read_text()
    dashboard = json.loads(raw)
    assert dashboard["uid"] and dashboard["title"] and "id" not in dashboard
    assert "://" not in raw  # nothing loaded from another host: no links, images or plugin URLs
    assert dashboard["links"] == [] and not dashboard.get("__requires")
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        assert panel["type"] in {"timeseries", "stat"}, panel["title"]  # core panels only
        assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, panel["title"]
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, panel["title"]
        refs = [t["refId"] for t in panel["targets"]]
        assert panel["targets"] and len(refs) == len(set(refs)), panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == "${datasource}" and target["expr"].strip()
    for variable in variables.values():
        if variable["type"] == "query":  # Grafana's label_values(<series selector>, <label>)
            assert variable["datasource"]["uid"] == "${datasource}"
            selector = re.fullmatch(r"label_values\((.+),\s*\w+\)", variable["query"]).group(1)
            assert metric_names(selector) == {"ytarchive_channels"}, variable["query"]


def test_dashboard_reads_only_contract_series_and_aggregates_them_with_max():
    dashboard = json.loads(DASHBOARD_FILE.read_text())
    exprs = all_exprs(dashboard)
    for expr in exprs:
        assert not outside_contract(metric_names(expr)), expr
        if any(n.startswith("ytarchive_") for n in metric_names(expr)):
            # Every web pod reports the same ytarchive_* values: never add them up across pods.
            assert "sum" not in expr and "max without (instance, pod)" in expr, expr
    used = set().union(*map(metric_names, exprs))
    assert CONTRACT - {"ytarchive_download_duration_seconds_sum", "ytarchive_download_duration_seconds_count"} <= used
    assert any(n.startswith("django_http_requests_latency") for n in used)
    joined = "\n".join(exprs)
    assert 'state="queued"' in joined and 'state="retrying"' in joined
    assert "rate(ytarchive_downloads_total" in joined
    for q in ("0.5", "0.9", "0.99"):
        assert re.search(rf"histogram_quantile\({q}, .*ytarchive_download_duration_seconds_bucket\{{[^}}]*"
                         rf'status="archived"', joined), q


def test_dashboard_config_map_carries_the_file_for_the_grafana_sidecar():
    objs, _ = render()
    assert "ConfigMap/ytarchive-dashboard" not in objs  # off by default
    objs, _ = render(ALL_ON)
    cm = objs["ConfigMap/ytarchive-dashboard"]
    assert cm["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert cm["metadata"]["namespace"] == check_chart.NS
    assert json.loads(cm["data"]["ytarchive.json"]) == json.loads(DASHBOARD_FILE.read_text())
    objs, _ = render({"metrics": {"grafanaDashboard": {
        "enabled": True, "namespace": "monitoring", "labels": {"grafana_dashboard": "ytarchive"},
        "annotations": {"grafana_folder": "Archive"}}}})
    cm = objs["ConfigMap/ytarchive-dashboard"]
    assert cm["metadata"]["namespace"] == "monitoring"
    assert cm["metadata"]["labels"]["grafana_dashboard"] == "ytarchive"
    assert cm["metadata"]["annotations"] == {"grafana_folder": "Archive"}


# --------------------------------------------------------------------------- PrometheusRule

ALERTS = {"YtarchiveQueueNotDraining", "YtarchiveDeadLettersGrowing", "YtarchiveNoWorkersWhileWorkWaits",
          "YtarchiveDiskNearlyFull", "YtarchiveYtdlpOutdated"}


def rules_of(objs: dict) -> dict:
    groups = objs["PrometheusRule/ytarchive"]["spec"]["groups"]
    return {r["alert"]: r for g in groups for r in g["rules"]}


def test_prometheus_rule_has_the_four_alerts_on_contract_series_only():
    objs, _ = render()
    assert "PrometheusRule/ytarchive" not in objs  # off by default
    objs, _ = render(ALL_ON)
    rules = rules_of(objs)
    assert set(rules) == ALERTS
    for name, rule in rules.items():
        names = metric_names(rule["expr"])
        assert names and names <= CONTRACT, (name, names)
        assert "max by (namespace, job)" in rule["expr"] and not re.search(r"\bsum\s*(by\b|\()", rule["expr"]), name
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], name
        assert rule["labels"]["severity"] in {"warning", "critical"}, name
    assert 'ytarchive_queue_length{state="queued"}' in rules["YtarchiveQueueNotDraining"]["expr"]
    assert "increase(ytarchive_downloads_total" in rules["YtarchiveQueueNotDraining"]["expr"]
    assert rules["YtarchiveQueueNotDraining"]["for"] == "30m"
    assert "ytarchive_dead_letters offset 1h" in rules["YtarchiveDeadLettersGrowing"]["expr"]
    assert rules["YtarchiveDeadLettersGrowing"]["expr"].endswith("> 0")
    assert "ytarchive_active_workers) == 0" in rules["YtarchiveNoWorkersWhileWorkWaits"]["expr"]
    assert rules["YtarchiveNoWorkersWhileWorkWaits"]["for"] == "10m"
    assert re.search(r"ytarchive_storage_free_bytes\).*/.*ytarchive_storage_size_bytes\)\s*< 0.1$",
                     rules["YtarchiveDiskNearlyFull"]["expr"], re.S)


def test_prometheus_rule_thresholds_labels_and_namespace_come_from_values():
    objs, _ = render({"metrics": {"prometheusRule": {
        "enabled": True, "namespace": "monitoring", "labels": {"release": "prom"}, "queueStuckFor": "1h30m",
        "deadLettersPerHour": 5, "noWorkersFor": "15m", "diskFreeBelow": 0.05}}})
    rule = objs["PrometheusRule/ytarchive"]
    assert rule["metadata"]["namespace"] == "monitoring" and rule["metadata"]["labels"]["release"] == "prom"
    rules = rules_of(objs)
    assert "[1h30m]" in rules["YtarchiveQueueNotDraining"]["expr"]
    assert rules["YtarchiveQueueNotDraining"]["for"] == "1h30m"
    assert rules["YtarchiveDeadLettersGrowing"]["expr"].endswith("> 5")
    assert rules["YtarchiveNoWorkersWhileWorkWaits"]["for"] == "15m"
    assert rules["YtarchiveDiskNearlyFull"]["expr"].endswith("< 0.05")
    assert "below 5 %" in rules["YtarchiveDiskNearlyFull"]["annotations"]["description"]
    with pytest.raises(Exception, match="queueStuckFor"):
        render({"metrics": {"prometheusRule": {"enabled": True, "queueStuckFor": "half an hour"}}})


def test_the_ytdlp_alert_fires_past_its_age_and_the_update_settings_reach_every_pod():
    rules = rules_of(render(ALL_ON)[0])
    assert re.fullmatch(r"time\(\) - max by \(namespace, job\) \(ytarchive_ytdlp_release_timestamp_seconds\)\s*"
                        r"> 60 \* 86400", rules["YtarchiveYtdlpOutdated"]["expr"])
    objs, job = render({"metrics": {"prometheusRule": {"enabled": True, "ytdlpMaxAgeDays": 30}},
                        "config": {"ytdlpUpdate": "nightly", "ytdlpCanaryUrl": "https://www.youtube.com/watch?v=x"}})
    assert rules_of(objs)["YtarchiveYtdlpOutdated"]["expr"].endswith("> 30 * 86400")
    env = objs["ConfigMap/ytarchive-env"]["data"]
    assert env["YTARCHIVE_YTDLP_UPDATE"] == "nightly"
    assert env["YTARCHIVE_YTDLP_CANARY_URL"] == "https://www.youtube.com/watch?v=x"
    assert env_of(job["spec"]["template"]["spec"]["containers"][0])["YTARCHIVE_YTDLP_UPDATE"]["value"] == "nightly"
    default = render()[0]["ConfigMap/ytarchive-env"]["data"]
    assert default["YTARCHIVE_YTDLP_UPDATE"] == "stable" and "YTARCHIVE_YTDLP_CANARY_URL" not in default
    for bad in ({"config": {"ytdlpUpdate": "weekly"}}, {"config": {"ytdlpCanaryUrl": "ftp://x"}},
                {"metrics": {"prometheusRule": {"enabled": True, "ytdlpMaxAgeDays": 0}}}):
        with pytest.raises(Exception, match="ytdlp"):
            render(bad)


# --------------------------------------------------------------------------- Flower

def flower(objs: dict) -> dict:
    return objs["Deployment/ytarchive-flower"]["spec"]["template"]["spec"]["containers"][0]


@pytest.mark.parametrize("values", [{}, {"flower": {"basicAuth": {"password": "given-pass"}}},
                                    {"flower": {"basicAuth": {"existingSecret": "flower-auth"}}}],
                         ids=["generated", "given", "existing-secret"])
def test_flower_always_asks_for_its_login_and_probes_a_path_that_does_not(values):
    objs, _ = render(values)
    env = env_of(flower(objs))
    ref = env["FLOWER_BASIC_AUTH"]["valueFrom"]["secretKeyRef"]
    assert not ref.get("optional")  # a missing Secret key stops the pod instead of starting it open
    assert not {"FLOWER_UNAUTHENTICATED_API", "FLOWER_AUTH"} & set(env)
    if ref["name"] == "ytarchive":
        user, _, password = b64(objs["Secret/ytarchive"]["data"][ref["key"]]).partition(":")
        assert user == "admin" and password and "," not in password
    for probe in ("livenessProbe", "readinessProbe"):
        assert flower(objs)[probe]["httpGet"] == {"path": "/healthcheck", "port": "http"}


def test_flower_serves_its_healthcheck_in_the_installed_version():
    from flower.urls import handlers

    patterns = {h[0] if isinstance(h, tuple) else h.regex.pattern.rstrip("$") for h in handlers}
    assert "/healthcheck" in patterns


@pytest.mark.parametrize("basic_auth", [{"username": "a,b"}, {"username": "a:b"}, {"password": "x,y"}])
def test_flower_credentials_that_would_split_are_refused(basic_auth):
    # FLOWER_BASIC_AUTH is "user:password[,user:password]": a comma would make a second credential.
    with pytest.raises(Exception, match="basicAuth"):
        render({"flower": {"basicAuth": basic_auth}})


def test_json_logs_turn_off_the_celery_banner_in_every_pod_and_the_job():
    """logFormat json sets CELERY_QUIET (celery --quiet): no banner among the JSON lines."""
    plain_objs, _ = render()
    assert "CELERY_QUIET" not in plain_objs["ConfigMap/ytarchive-env"]["data"]
    objs, job = render({"django": {"logFormat": "json"}})
    assert objs["ConfigMap/ytarchive-env"]["data"]["CELERY_QUIET"] == "true"
    assert env_of(job["spec"]["template"]["spec"]["containers"][0])["CELERY_QUIET"]["value"] == "true"


def test_pacing_preset_reaches_the_pods_and_the_per_site_cap_only_when_given():
    objs, job = render()
    env = objs["ConfigMap/ytarchive-env"]["data"]
    assert env["YTARCHIVE_PACING"] == "fast" and "YTARCHIVE_DOWNLOADS_PER_SITE" not in env  # the preset's 8
    objs, job = render({"config": {"pacing": "home", "downloadsPerSite": 3}})
    env = objs["ConfigMap/ytarchive-env"]["data"]
    assert (env["YTARCHIVE_PACING"], env["YTARCHIVE_DOWNLOADS_PER_SITE"]) == ("home", "3")
    job_env = env_of(job["spec"]["template"]["spec"]["containers"][0])
    assert job_env["YTARCHIVE_PACING"]["value"] == "home"


def test_the_po_token_provider_is_off_by_default_and_reaches_every_yt_dlp_pod_when_on():
    objs, job = render()
    assert "Deployment/ytarchive-pot-provider" not in objs
    assert "YTARCHIVE_POT_PROVIDER_URL" not in objs["ConfigMap/ytarchive-env"]["data"]
    assert "YTARCHIVE_POT_PROVIDER_URL" not in env_of(job["spec"]["template"]["spec"]["containers"][0])
    objs, _ = render({"potProvider": {"enabled": True}, "config": {"scaler": "keda"}})
    scaled = objs["ScaledJob/ytarchive-download"]["spec"]["jobTargetRef"]["template"]["spec"]["containers"][0]
    assert env_of(scaled)["YTARCHIVE_POT_PROVIDER_URL"]["value"] == "http://ytarchive-pot-provider.ytarchive.svc:4416"
    objs, job = render({"potProvider": {"url": "http://bgutil.tools.svc:4416"}})
    assert "Deployment/ytarchive-pot-provider" not in objs  # a server of one's own: no Deployment
    assert objs["ConfigMap/ytarchive-env"]["data"]["YTARCHIVE_POT_PROVIDER_URL"] == "http://bgutil.tools.svc:4416"
    assert env_of(job["spec"]["template"]["spec"]["containers"][0])["YTARCHIVE_POT_PROVIDER_URL"]["value"] == (
        "http://bgutil.tools.svc:4416")


def test_the_ingress_tells_the_app_how_many_proxies_to_trust():
    no_nginx = {"web": {"nginx": {"enabled": False}}}
    objs, _job = render(no_nginx)
    assert "YTARCHIVE_NUM_PROXIES" not in objs["ConfigMap/ytarchive-env"]["data"]  # no proxy: header ignored
    objs, _job = render({"ingress": {"enabled": True}, **no_nginx})
    assert objs["ConfigMap/ytarchive-env"]["data"]["YTARCHIVE_NUM_PROXIES"] == "1"
    objs, _job = render({"ingress": {"enabled": True, "trustedProxies": 2}, **no_nginx})
    assert objs["ConfigMap/ytarchive-env"]["data"]["YTARCHIVE_NUM_PROXIES"] == "2"
    # The web pod's own nginx (web.nginx, on by default) is one proxy more.
    objs, _job = render()
    assert objs["ConfigMap/ytarchive-env"]["data"]["YTARCHIVE_NUM_PROXIES"] == "1"
    objs, _job = render({"ingress": {"enabled": True, "trustedProxies": 2}})
    assert objs["ConfigMap/ytarchive-env"]["data"]["YTARCHIVE_NUM_PROXIES"] == "3"


# --------------------------------------------------------------------------- web: nginx sends media (issue 21)

def test_media_and_enclosures_go_through_nginx_and_metrics_past_it():
    objs, _ = render(ALL_ON)
    spec, container = web(objs)
    nginx = next(c for c in spec["containers"] if c["name"] == "nginx")
    assert env_of(container)["YTARCHIVE_MEDIA_ACCEL_REDIRECT"]["value"] == "/_archive/"
    assert {m["mountPath"]: m.get("readOnly") for m in nginx["volumeMounts"]}["/archive"] is True
    conf = objs["ConfigMap/ytarchive-nginx"]["data"]["nginx.conf"]
    assert re.search(r"location /_archive/ \{\s*internal;\s*alias /archive/;\s*\}", conf)
    ports = {p["name"]: p for p in objs["Service/ytarchive-web"]["spec"]["ports"]}
    assert ports["http"]["targetPort"] == "nginx"  # clients, the ingress
    # Prometheus scrapes gunicorn itself: /metrics's address rules see the scraper, not nginx's 127.0.0.1.
    endpoint = objs["ServiceMonitor/ytarchive-web"]["spec"]["endpoints"][0]
    assert endpoint["port"] == "metrics" and ports["metrics"]["targetPort"] == "http"
    assert ports["metrics"]["port"] != ports["http"]["port"]
    # The nginx config changes roll the web pods (it is part of the config checksum).
    changed, _ = render({**ALL_ON, "web": {"nginx": {"workerConnections": 8192}}})
    annotations = objs["Deployment/ytarchive-web"]["spec"]["template"]["metadata"]["annotations"]
    assert changed["Deployment/ytarchive-web"]["spec"]["template"]["metadata"]["annotations"][
        "checksum/config"] != annotations["checksum/config"]
    objs, _ = render({**ALL_ON, "web": {"nginx": {"enabled": False}}})
    assert objs["ServiceMonitor/ytarchive-web"]["spec"]["endpoints"][0]["port"] == "http"


def test_web_threads_and_timeout_reach_gunicorn_conf():
    objs, _ = render({"web": {"threads": 64, "timeout": 30}})
    env = env_of(web(objs)[1])
    assert (env["WEB_THREADS"]["value"], env["WEB_TIMEOUT"]["value"]) == ("64", "30")
    with pytest.raises(Exception, match="threads"):
        render({"web": {"threads": 2}})

def test_the_egress_pool_and_budgets_reach_every_pod_and_proxy_credentials_only_through_a_secret():
    objs, job = render()
    env = objs["ConfigMap/ytarchive-env"]["data"]
    assert "YTARCHIVE_SITE_RATES" not in env and "YTARCHIVE_EGRESS" not in env  # the built-in defaults
    assert env["YTARCHIVE_FORBIDDEN_STREAK"] == "3"
    assert not [w for w, c in containers(objs, job) if "YTARCHIVE_EGRESS_PROXIES" in env_of(c)]
    secret_url = "socks5://user:hunter2@proxy.example:1080"
    objs, job = render({"config": {"siteRates": "youtube.com=200/1h", "egress": ["source:2001:db8::7"]},
                        "egressProxies": {"urls": [secret_url]}})
    env = objs["ConfigMap/ytarchive-env"]["data"]
    assert (env["YTARCHIVE_SITE_RATES"], env["YTARCHIVE_EGRESS"]) == ("youtube.com=200/1h", "source:2001:db8::7")
    assert b64(objs["Secret/ytarchive"]["data"]["YTARCHIVE_EGRESS_PROXIES"]) == secret_url
    refs = {w: env_of(c)["YTARCHIVE_EGRESS_PROXIES"]["valueFrom"]["secretKeyRef"]
            for w, c in containers(objs, job) if "YTARCHIVE_EGRESS_PROXIES" in env_of(c)}
    job_env = env_of(job["spec"]["template"]["spec"]["containers"][0])
    assert job_env["YTARCHIVE_EGRESS_PROXIES"]["valueFrom"]["secretKeyRef"] == \
        {"name": "ytarchive", "key": "YTARCHIVE_EGRESS_PROXIES"}  # the download workers get it
    assert any("control" in w for w in refs) and any("web" in w for w in refs), refs  # and name the pool alike
    assert all(r == {"name": "ytarchive", "key": "YTARCHIVE_EGRESS_PROXIES"} for r in refs.values())
    rendered = json.dumps([o for o in objs.values() if o["kind"] != "Secret"]) + json.dumps(job)
    assert "hunter2" not in rendered  # never in a ConfigMap, the Job template or any other object
    objs, job = render({"egressProxies": {"existingSecret": "my-proxies", "existingSecretKey": "urls"}})
    assert "YTARCHIVE_EGRESS_PROXIES" not in objs["Secret/ytarchive"]["data"]
    assert env_of(job["spec"]["template"]["spec"]["containers"][0])["YTARCHIVE_EGRESS_PROXIES"]["valueFrom"][
        "secretKeyRef"] == {"name": "my-proxies", "key": "urls"}


def test_the_control_pod_runs_each_lane_with_its_own_slots():
    """config.lanes on the cluster: a container per lane, each on its queue(s), its concurrency from values."""
    objs, _job, _notes = check_chart.render({"control": {"lanes": {"outcomes": {"concurrency": 4},
                                                                   "maintenance": {"concurrency": 2}}}})
    ctl = objs["Deployment/ytarchive-control"]["spec"]["template"]["spec"]
    assert check_chart.control_lanes(ctl) == {
        "syncs": ("syncs", 2, "prefork"), "outcomes": ("outcomes,control", 4, "threads"),
        "maintenance": ("maintenance", 2, "prefork"), "scaling": ("scaling", 1, "solo")}
    limits = {c["name"]: c["resources"]["limits"]["memory"] for c in ctl["containers"]}
    assert limits == {"control-syncs": "1Gi", "control-outcomes": "768Mi", "control-maintenance": "768Mi",
                      "control-scaling": "512Mi"}


def test_keda_scales_on_the_feeders_window_not_the_backlog():
    """The Redis list holds only the feeder's window (feedWindowFactor x what can run): one Job per
    feedWindowFactor x downloadsPerWorker messages, so a full window asks for the Jobs that can run it."""
    objs, _ = render({"config": {"scaler": "keda", "downloadsPerWorker": 6, "feedWindowFactor": 2.5}})
    trigger = objs["ScaledJob/ytarchive-download"]["spec"]["triggers"][0]
    assert trigger["metadata"]["listName"] == "downloads" and trigger["metadata"]["listLength"] == "15"
    assert objs["ConfigMap/ytarchive-env"]["data"]["YTARCHIVE_FEED_WINDOW_FACTOR"] == "2.5"
    default, _ = render({"config": {"scaler": "keda"}})
    assert default["ScaledJob/ytarchive-download"]["spec"]["triggers"][0]["metadata"]["listLength"] == "18"


# --------------------------------------------------------------------------- sign-in and the stats sampler

def test_sign_in_settings_reach_the_web_container_only_and_the_client_secret_only_through_a_secret():
    objs, job = render()
    assert not [w for w, c in containers(objs, job) if {"YTARCHIVE_OIDC_CLIENT_ID", "YTARCHIVE_REMOTE_USER_HEADER"}
                & set(env_of(c))]  # off unless asked for
    assert "YTARCHIVE_OIDC_CLIENT_SECRET" not in objs["Secret/ytarchive"]["data"]
    with pytest.raises(Exception, match="clientSecret"):
        render({"signIn": {"oidc": {"clientId": "ytarchive", "issuer": "https://auth.example/app/"}}})
    with pytest.raises(Exception, match="trustedProxies"):
        render({"signIn": {"forwardAuth": {"userHeader": "Remote-User"}}})
    objs, job = render({"signIn": {
        "oidc": {"clientId": "ytarchive", "clientSecret": "s3cret-Value", "issuer": "https://auth.example/app/",
                 "name": "Authentik", "roles": "yt-owners=owner", "extra": {"YTARCHIVE_OIDC_CREATE_USERS": False}},
        "forwardAuth": {"userHeader": "Remote-User", "groupsHeader": "Remote-Groups", "roles": "admins=owner",
                        "trustedProxies": ["10.42.0.0/16", "10.43.0.10"]}}})
    env = env_of(web(objs)[1])
    assert {k: env[k]["value"] for k in ("YTARCHIVE_OIDC_CLIENT_ID", "YTARCHIVE_OIDC_ISSUER", "YTARCHIVE_OIDC_NAME",
                                         "YTARCHIVE_OIDC_ROLES", "YTARCHIVE_OIDC_CREATE_USERS",
                                         "YTARCHIVE_REMOTE_USER_HEADER", "YTARCHIVE_REMOTE_GROUPS_HEADER",
                                         "YTARCHIVE_REMOTE_ROLES", "YTARCHIVE_TRUSTED_PROXIES")} == {
        "YTARCHIVE_OIDC_CLIENT_ID": "ytarchive", "YTARCHIVE_OIDC_ISSUER": "https://auth.example/app/",
        "YTARCHIVE_OIDC_NAME": "Authentik", "YTARCHIVE_OIDC_ROLES": "yt-owners=owner",
        "YTARCHIVE_OIDC_CREATE_USERS": "false", "YTARCHIVE_REMOTE_USER_HEADER": "Remote-User",
        "YTARCHIVE_REMOTE_GROUPS_HEADER": "Remote-Groups", "YTARCHIVE_REMOTE_ROLES": "admins=owner",
        "YTARCHIVE_TRUSTED_PROXIES": "10.42.0.0/16,10.43.0.10"}
    assert env["YTARCHIVE_OIDC_CLIENT_SECRET"]["valueFrom"]["secretKeyRef"] == \
        {"name": "ytarchive", "key": "YTARCHIVE_OIDC_CLIENT_SECRET"}
    assert b64(objs["Secret/ytarchive"]["data"]["YTARCHIVE_OIDC_CLIENT_SECRET"]) == "s3cret-Value"
    having = [w for w, c in containers(objs, job) if "YTARCHIVE_OIDC_CLIENT_ID" in env_of(c)]
    assert having == ["Deployment/ytarchive-web/web"]
    rendered = json.dumps([o for o in objs.values() if o["kind"] != "Secret"]) + json.dumps(job)
    assert "s3cret-Value" not in rendered
    objs, _ = render({"signIn": {"oidc": {"clientId": "ytarchive", "issuer": "https://auth.example/app/",
                                          "existingSecret": "authentik-client", "existingSecretKey": "secret"}}})
    assert "YTARCHIVE_OIDC_CLIENT_SECRET" not in objs["Secret/ytarchive"]["data"]
    assert env_of(web(objs)[1])["YTARCHIVE_OIDC_CLIENT_SECRET"]["valueFrom"]["secretKeyRef"] == \
        {"name": "authentik-client", "key": "secret"}
    with pytest.raises(Exception, match="/signIn/oidc/extra"):  # the secret never as a plain value (the schema)
        render({"signIn": {"oidc": {"clientId": "x", "clientSecret": "a", "issuer": "https://a.example/",
                                    "extra": {"YTARCHIVE_OIDC_CLIENT_SECRET": "plain"}}}})


def test_the_stats_sampler_settings_reach_the_pods():
    objs, _ = render()
    env = objs["ConfigMap/ytarchive-env"]["data"]
    assert (env["YTARCHIVE_STATS_SAMPLE_SECONDS"], env["YTARCHIVE_STATS_KEEP_DAYS"]) == ("900", "400")
    objs, _ = render({"config": {"statsSampleSeconds": 300, "statsKeepDays": 30}})
    env = objs["ConfigMap/ytarchive-env"]["data"]
    assert (env["YTARCHIVE_STATS_SAMPLE_SECONDS"], env["YTARCHIVE_STATS_KEEP_DAYS"]) == ("300", "30")


def test_the_library_view_is_off_by_default_and_on_the_archive_volume_when_enabled():
    """Issue 26: the view's folder is on the archive's volume (hard links need one filesystem), in its app
    folder (the settings accept it there), and NOTES say how a media server's pod mounts it."""
    objs, job = render()
    assert not {k for k in objs["ConfigMap/ytarchive-env"]["data"] if k.startswith("YTARCHIVE_LIBRARY_")}
    objs, job = render({"library": {"enabled": True, "layout": "kodi"}})
    env = objs["ConfigMap/ytarchive-env"]["data"]
    assert (env["YTARCHIVE_LIBRARY_ROOT"], env["YTARCHIVE_LIBRARY_LAYOUT"], env["YTARCHIVE_LIBRARY_LINKS"]) == (
        "/archive/.ytarchive/library", "kodi", "hard")
    assert env["ARCHIVE_ROOT"] == "/archive"
    from config.env import env_library_root

    os.environ["YTARCHIVE_TEST_LIBRARY_ROOT"] = env["YTARCHIVE_LIBRARY_ROOT"]
    try:
        assert str(env_library_root("YTARCHIVE_TEST_LIBRARY_ROOT", Path(env["ARCHIVE_ROOT"]))).endswith(
            ".ytarchive/library")
    finally:
        del os.environ["YTARCHIVE_TEST_LIBRARY_ROOT"]
    mounts = [m for _, c in containers(objs, job) for m in c.get("volumeMounts", []) if m["mountPath"] == "/archive"]
    assert mounts and all(not m.get("subPath") for m in mounts)  # the whole volume: the view's folder is in it
    _objs, _job, notes = check_chart.render({"library": {"enabled": True, "layout": "{channel}/{title}"}})
    assert "subPath .ytarchive/library/custom" in notes and "ytarchive-archive" in notes
    with pytest.raises(Exception, match="links"):
        check_chart.render({"library": {"enabled": True, "links": "copy"}})
