"""``make run``: the whole app in the foreground under supervisord.

Starts Redis (AOF on, data under DATA_DIR/redis) unless REDIS_URL points at a
Redis that answers, then the web server (gunicorn), the control worker, beat,
Flower and, with YTARCHIVE_SCALER=local, the scaler that runs download
workers. supervisord (PyPI ``supervisor``) restarts a process that crashes,
with back-off when it keeps failing to start; every output line reaches the
terminal prefixed by its process name (config.log_relay); Ctrl-C or SIGTERM
stops every process, each within a bounded wait, then SIGKILLs its group.

Flower asks for a login: FLOWER_BASIC_AUTH (``user:password``), or a password
generated once into DATA_DIR/.flower_password and printed the first time.
The web program alone gets PROMETHEUS_MULTIPROC_DIR (DATA_DIR/metrics, emptied
at each start) so /metrics adds up its gunicorn workers.

Run ``migrate`` and ``ensure_admin`` first (the Makefile does).
``python -m config.launch web beat`` starts only the processes named; while it
runs, ``supervisorctl -c DATA_DIR/supervisor/supervisord.conf status`` shows
and controls them.
"""
from __future__ import annotations

import os
import secrets
import shlex
import shutil
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

import django

from config.env import persistent_secret
from config.startup import load_settings_or_exit

FLOWER_USER = "admin"


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


def processes(env: dict, data_dir: Path) -> dict[str, str]:
    """The process table: name -> command line (no shell: supervisord splits it)."""
    from django.conf import settings

    py = sys.executable
    quiet = "--quiet " if env.get("LOG_FORMAT") == "json" else ""  # no banner: every line JSON
    celery = f"{py} -m celery {quiet}-A config"
    host = env.get("HOST", "127.0.0.1")
    port = env.get("PORT", "8000")
    flower_port = env.get("FLOWER_PORT", "5555")
    procs = {
        # Each gunicorn keeps its control socket under DATA_DIR, not in ~/.gunicorn shared by every app.
        "web": f"{py} -m gunicorn config.wsgi -c python:config.gunicorn_conf --bind {host}:{port} "
               f"--workers {env.get('WEB_CONCURRENCY', '2')} --timeout 120 --access-logfile - "
               f"--control-socket {shlex.quote(str(data_dir / 'gunicorn.ctl'))}",
        "control": f"{celery} worker -Q control -c 2 -n control@%%h -l INFO --without-gossip --without-mingle",
        "beat": f"{celery} beat -l INFO --pidfile= "
                "--scheduler django_celery_beat.schedulers:DatabaseScheduler",
        "flower": f"{celery} flower --address={env.get('FLOWER_ADDRESS', '127.0.0.1')} --port={flower_port}",
    }
    if settings.YTARCHIVE["SCALER"] == "local":
        procs["scaler"] = f"{py} manage.py run_scaler"
    return procs


def say(env: dict, message: str) -> None:
    """The launcher's own lines: JSON like every process's under LOG_FORMAT=json."""
    if env.get("LOG_FORMAT") == "json":
        from config.log_relay import as_json

        message = as_json("launch", message)
    print(message, flush=True)


def flower_login(env: dict, data_dir: Path) -> str | None:
    """Put Flower's ``user:password`` in ``env``; the line to print when a password was just generated."""
    if env.get("FLOWER_BASIC_AUTH"):
        return None
    first_time = not (data_dir / ".flower_password").exists()
    password = persistent_secret("FLOWER_PASSWORD", data_dir)
    env["FLOWER_BASIC_AUTH"] = f"{FLOWER_USER}:{password}"
    if first_time:
        return (f"Flower login: user '{FLOWER_USER}', password {password} (shown only this once; kept in "
                f"{data_dir / '.flower_password'}, or set FLOWER_BASIC_AUTH=user:password)")
    return None


def metrics_dir(data_dir: Path) -> Path:
    """A fresh folder for the web workers' multiprocess metrics (files of an earlier run would add up)."""
    path = data_dir / "metrics"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, mode=0o700)
    return path


def _supervisor_quote(value: str) -> str:
    return '"' + value.replace("%", "%%").replace('"', '\\"') + '"'


def supervisord_conf(procs: dict[str, str], workdir: Path, cwd: Path, grace_seconds: float,
                     program_env: dict[str, dict[str, str]] | None = None) -> str:
    """supervisord's configuration for ``procs`` (redis first; stopped in reverse)."""
    sock = workdir / "supervisor.sock"
    # supervisorctl's socket is private to this user (0700) and needs this run's own password,
    # kept in the 0600 config file beside it.
    password = secrets.token_urlsafe(24)
    lines = [
        # LOG_FORMAT=json: supervisord's own lines stay in its log file (silent), so the terminal is all JSON.
        "[supervisord]", "nodaemon=true", *(["silent=true"] if os.environ.get("LOG_FORMAT") == "json" else []),
        f"logfile={workdir / 'supervisord.log'}", "logfile_maxbytes=10MB",
        f"pidfile={workdir / 'supervisord.pid'}", f"childlogdir={workdir}", "loglevel=info",
        *(["user=root"] if os.geteuid() == 0 else []), "",
        "[unix_http_server]", f"file={sock}", "chmod=0700", "username=ytarchive", f"password={password}", "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface", "",
        "[supervisorctl]", f"serverurl=unix://{sock}", "username=ytarchive", f"password={password}", "",
        "[eventlistener:logs]", f"command={sys.executable} -m config.log_relay", "events=PROCESS_LOG",
        "buffer_size=10000", "stderr_logfile=/dev/stdout", "stderr_logfile_maxbytes=0",
        "stdout_logfile=NONE", "autorestart=true", "priority=1", f"directory={cwd}", "",
    ]
    for name, command in procs.items():
        # The scaler stops its own download workers (a warm shutdown hands work back), so
        # supervisord signals it alone and waits the workers' grace; SIGKILL takes the group.
        scaler = name == "scaler"
        lines += [
            f"[program:{name}]", f"command={command}", f"directory={cwd}",
            f"priority={5 if name == 'redis' else 20}", "autostart=true", "autorestart=true",
            "startsecs=2", "startretries=10", "redirect_stderr=true", "stdout_logfile=NONE",
            "stdout_events_enabled=true", f"stopasgroup={'false' if scaler else 'true'}", "killasgroup=true",
            f"stopwaitsecs={int(grace_seconds + 15) if scaler else 20}",
            *([f"environment={','.join(f'{k}={_supervisor_quote(v)}' for k, v in extra.items())}"]
              if (extra := (program_env or {}).get(name)) else []),
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    load_settings_or_exit()
    django.setup()
    from django.conf import settings

    env = dict(os.environ)
    redis_url, redis_cmd = plan_redis(env, settings.DATA_DIR)
    env["REDIS_URL"] = redis_url
    settings.ARCHIVE_ROOT.mkdir(parents=True, exist_ok=True)
    workdir = settings.DATA_DIR / "supervisor"
    workdir.mkdir(parents=True, exist_ok=True, mode=0o700)
    procs = processes(env, settings.DATA_DIR)
    if redis_cmd:
        procs = {"redis": shlex.join(redis_cmd), **procs}
    wanted = sys.argv[1:] or list(procs)
    unknown = set(wanted) - set(procs) - {"redis"}
    if unknown:
        sys.exit(f"unknown process name(s): {', '.join(sorted(unknown))}; known: {', '.join(procs)}")
    chosen = {name: command for name, command in procs.items() if name in wanted or name == "redis"}
    conf = workdir / "supervisord.conf"
    conf.touch(mode=0o600)
    conf.chmod(0o600)
    flower_note = flower_login(env, settings.DATA_DIR) if "flower" in chosen else None
    program_env = {"web": {"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir(settings.DATA_DIR))}}
    conf.write_text(supervisord_conf(chosen, workdir, settings.BASE_DIR,
                                     settings.YTARCHIVE["SHUTDOWN_GRACE_SECONDS"], program_env))
    say(env, f"ytarchive: web on http://{env.get('HOST', '127.0.0.1')}:{env.get('PORT', '8000')}/ , "
          f"Flower on port {env.get('FLOWER_PORT', '5555')}, Redis at {redis_url}, "
          f"archive in {settings.ARCHIVE_ROOT}; processes: {', '.join(chosen)}")
    if flower_note:
        say(env, flower_note)
    supervisord = Path(sys.executable).with_name("supervisord")
    os.chdir(settings.BASE_DIR)
    os.execve(str(supervisord), [str(supervisord), "-c", str(conf)], env)  # noqa: S606 (our own argv)


if __name__ == "__main__":
    main()
