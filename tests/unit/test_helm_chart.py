"""The Helm chart lints, renders for every value set, validates against the Kubernetes schemas,
and keeps its contract with the Python side (helm/tests/check_chart.py, offline)."""
import subprocess
import sys

from tests.harness import REPO


def test_chart_checks_pass():
    result = subprocess.run([sys.executable, "helm/tests/check_chart.py"], cwd=REPO, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert " 0 failed" in result.stdout
