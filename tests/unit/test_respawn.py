"""config.respawn: a crashed process comes back; a stopped one stays stopped."""
import signal
import subprocess
import sys

from tests.harness import REPO, wait_for


def test_restarts_a_dying_command_and_stops_on_sigterm(tmp_path):
    runs = tmp_path / "runs"
    script = f"open({str(runs)!r}, 'a').write('x'); import time; time.sleep(0.2); raise SystemExit(3)"
    proc = subprocess.Popen([sys.executable, "-m", "config.respawn", "--", sys.executable, "-c", script],
                            cwd=REPO, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: runs.exists() and len(runs.read_text()) >= 2, 15, "a second run after the crash")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    assert proc.returncode is not None  # SIGTERM ends the wrapper itself: nothing is started again
    assert "exited with 3; starting it again" in proc.stderr.read()


def test_usage_error_without_a_command():
    result = subprocess.run([sys.executable, "-m", "config.respawn"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode != 0 and "usage" in result.stderr
