"""``make run``: the whole app in the foreground, one honcho process manager.

Starts Redis (AOF on, data under DATA_DIR/redis) unless REDIS_URL points at a
Redis that answers, then the web server (gunicorn), the control worker, beat,
Flower and, with YTARCHIVE_SCALER=local, the scaler that runs download
workers. SIGTERM or Ctrl-C stops all of it. Run ``migrate`` and
``ensure_admin`` first (the Makefile does). ``python -m config.launch web beat``
starts only the processes named.
"""
from __future__ import annotations

import functools
import os
import shlex
import shutil
import signal
import socket
import sys
from urllib.parse import urlsplit

import django
from honcho.compat import ProcessManager
from honcho.process import Popen as HonchoPopen
from honcho.process import Process


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def plan_redis(env: dict, data_dir) -> tuple[str, list[str] | None]:
    """(REDIS_URL for everyone, the redis-server command or None when one already answers)."""
    from archiver import state

    given = env.get("REDIS_URL", "")
    if given and state.ping(state.connect(given)):
        return given, None
    if given:
        host = urlsplit(given).hostname
        if host not in ("127.0.0.1", "localhost"):
            sys.exit(f"REDIS_URL={given} does not answer, and it is not local: start it first.")
        port = urlsplit(given).port or 6379
        url = given
    else:
        port = 6379 if not _port_in_use(6379) else _free_port()
        url = f"redis://127.0.0.1:{port}/0"
    server = shutil.which("redis-server")
    if not server:
        sys.exit("redis-server is not installed (make run installs it on Debian).")
    redis_dir = data_dir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    command = [server, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(redis_dir),
               "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--protected-mode", "yes"]
    return url, command


def processes(env: dict) -> dict[str, str]:
    """The Procfile, as a dict: name -> shell command."""
    from django.conf import settings

    py = sys.executable
    celery = f"{py} -m celery -A config"
    host = env.get("HOST", "127.0.0.1")
    port = env.get("PORT", "8000")
    flower_port = env.get("FLOWER_PORT", "5555")
    procs = {
        "web": f"{py} -m gunicorn config.wsgi --bind {host}:{port} "
               f"--workers {env.get('WEB_CONCURRENCY', '2')} --timeout 120 --access-logfile -",
        "control": f"{celery} worker -Q control -c 2 -n control@%h -l INFO --without-gossip",
        "beat": f"{celery} beat -l INFO --pidfile= "
                "--scheduler django_celery_beat.schedulers:DatabaseScheduler",
        "flower": f"{celery} flower --address={env.get('FLOWER_ADDRESS', '127.0.0.1')} --port={flower_port}",
    }
    if settings.YTARCHIVE["SCALER"] == "local":
        procs["scaler"] = f"{py} manage.py run_scaler"
    return procs


class _InGroupProcess:
    """A honcho process started without a new session (honcho's default is a session each)."""

    def __new__(cls, *args, **kwargs):
        proc = Process(*args, **kwargs)
        proc._child_ctor = functools.partial(HonchoPopen, start_new_session=False)
        return proc


class _GroupOrPid(ProcessManager):
    """honcho signals each process's group; a process in our own group gets the signal itself."""

    def terminate(self, pid):
        self._signal(pid, signal.SIGTERM)

    def kill(self, pid):
        self._signal(pid, signal.SIGKILL)

    @staticmethod
    def _signal(pid, sig):
        try:
            if os.getpgid(pid) == pid:
                os.killpg(pid, sig)
            else:
                os.kill(pid, sig)
        except ProcessLookupError:
            pass


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from honcho.manager import Manager

    env = dict(os.environ)
    redis_url, redis_cmd = plan_redis(env, settings.DATA_DIR)
    env["REDIS_URL"] = redis_url
    settings.ARCHIVE_ROOT.mkdir(parents=True, exist_ok=True)
    procs = processes(env)
    wanted = sys.argv[1:] or ["redis", *procs]
    unknown = set(wanted) - {"redis", *procs}
    if unknown:
        sys.exit(f"unknown process name(s): {', '.join(sorted(unknown))}; known: redis, {', '.join(procs)}")
    manager = Manager()
    manager._procmgr = _GroupOrPid()
    respawn = f"{sys.executable} -m config.respawn --"  # a crashed process comes back alone
    if redis_cmd and "redis" in wanted:
        manager.add_process("redis", f"{respawn} {shlex.join(redis_cmd)}", env=env, cwd=str(settings.BASE_DIR))
    for name, command in procs.items():
        if name not in wanted:
            continue
        if name == "scaler":
            # The scaler stays in make run's own process group, and so do the download
            # workers it starts: SIGTERM to that group reaches each worker directly.
            manager._process_ctor = _InGroupProcess
            manager.add_process(name, f"exec {command}", env=env, cwd=str(settings.BASE_DIR))
            manager._process_ctor = Process
        else:
            manager.add_process(name, f"{respawn} {command}", env=env, cwd=str(settings.BASE_DIR))
    print(f"ytarchive: web on http://{env.get('HOST', '127.0.0.1')}:{env.get('PORT', '8000')}/ , "
          f"Flower on port {env.get('FLOWER_PORT', '5555')}, Redis at {redis_url}, "
          f"archive in {settings.ARCHIVE_ROOT}", flush=True)
    manager.loop()
    sys.exit(manager.returncode)


if __name__ == "__main__":
    main()
