"""``make run``: the whole app in the foreground under supervisord.

Starts Redis (AOF on, data under DATA_DIR/redis) unless REDIS_URL points at a
Redis that answers, then the web server (gunicorn), one worker per control lane
(config.lanes: syncs, outcomes, maintenance, scaling; supervisord's group ``control``), beat,
Flower and, with YTARCHIVE_SCALER=local, the scaler that runs download
workers. supervisord (PyPI ``supervisor``) restarts a process that crashes,
with back-off when it keeps failing to start; every output line reaches the
terminal prefixed by its process name (config.log_relay); Ctrl-C or SIGTERM
stops every process, each within a bounded wait, then SIGKILLs its group.

Flower asks for a login: FLOWER_BASIC_AUTH (``user:password``), or a password
generated once into DATA_DIR/.flower_password and printed the first time.
The web program alone gets PROMETHEUS_MULTIPROC_DIR (DATA_DIR/metrics, emptied
at each start) so /metrics adds up its gunicorn workers.

One run per DATA_DIR (config.run_guard): a second refuses with one line naming
the first; processes an earlier run left behind are stopped first; a PORT or
FLOWER_PORT another program holds stops it at once with exit code 2. Every
program dies with supervisord, even when supervisord is SIGKILLed
(archiver.parent_death).

``python -m config.launch --prepare`` (what ``make run`` calls) also runs
``migrate``, ``ensure_admin`` and ``collectstatic`` once the lock is held and
the ports are free; without it, run them first.
``python -m config.launch web beat`` starts only the processes named (``control``: every lane); while it
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
from urllib.parse import quote, urlsplit

import django

from archiver.private_files import private_dir, write_private
from config import lanes, run_guard
from config.env import persistent_secret
from config.startup import load_settings_or_exit

FLOWER_USER = "admin"
# supervisord's group of the lane workers: ``supervisorctl stop control:*``, ``status control:outcomes``.
CONTROL_GROUP = "control"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _port_in_use(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def plan_redis(env: dict, data_dir) -> tuple[str, list[str] | None]:
    """(REDIS_URL for everyone, the redis-server command or None when one already answers)."""
    from archiver.state import store

    given = env.get("REDIS_URL", "")
    if given and store.ping(store.connect(given)):
        return given, None
    if given:
        host = urlsplit(given).hostname
        if host not in ("127.0.0.1", "localhost"):
            sys.exit(f"REDIS_URL={redact(given)} does not answer, and it is not local: start it first.")
        port = urlsplit(given).port or 6379
        url, password = given, urlsplit(given).password or ""
    else:
        # Our own Redis asks every client for a password generated once into DATA_DIR/.redis_password (0600).
        port = 6379 if not _port_in_use(6379) else _free_port()
        password = persistent_secret("REDIS_PASSWORD", data_dir)
        url = f"redis://:{quote(password, safe='')}@127.0.0.1:{port}/0"
    server = shutil.which("redis-server")
    if not server:
        sys.exit("redis-server is not installed (make run installs it on Debian).")
    # Its AOF and config (which holds the password, never on a command line) live in a 0700 folder, and
    # redis-server runs with umask 077 (archiver.parent_death --umask): every file of it is 0600.
    redis_dir = private_dir(data_dir / "redis")
    conf = write_private(redis_dir / "redis.conf", f"requirepass {password}\n" if password else "")
    command = [server, str(conf), "--bind", "127.0.0.1", "--port", str(port), "--dir", str(redis_dir),
               "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--protected-mode", "yes",
               # its environment stays readable in /proc, so config.run_guard finds a Redis left behind
               "--set-proc-title", "no"]
    return url, command


def redact(url: str) -> str:
    """``url`` without its password, for a line people read."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


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
        # Worker class, threads and timeout come from config.gunicorn_conf (WEB_THREADS, WEB_TIMEOUT).
        "web": f"{py} -m gunicorn config.wsgi -c python:config.gunicorn_conf --bind {host}:{port} "
               f"--workers {env.get('WEB_CONCURRENCY', '2')} --access-logfile - "
               f"--control-socket {shlex.quote(str(data_dir / 'gunicorn.ctl'))}",
        **lane_workers(celery, settings.YTARCHIVE["LANE_CONCURRENCY"]),
        "beat": f"{celery} beat -l INFO --pidfile= "
                "--scheduler django_celery_beat.schedulers:DatabaseScheduler",
        "flower": f"{celery} flower --address={env.get('FLOWER_ADDRESS', '127.0.0.1')} --port={flower_port}",
    }
    if settings.YTARCHIVE["SCALER"] == "local":
        procs["scaler"] = f"{py} manage.py run_scaler"
    return procs


def lane_workers(celery: str, concurrency: dict[str, int]) -> dict[str, str]:
    """One Celery worker per control lane (config.lanes), each on its own queue(s) with its own slots.

    A lane of one slot runs the solo pool (the task in the worker's own process: one process, not two);
    more slots run the lane's pool: threads in the worker's own process, or that many forked children.
    """
    workers = {}
    for name, lane in lanes.LANES.items():
        slots = concurrency.get(name, lane.concurrency)
        pool = "-P solo" if slots == 1 else f"-P {'threads' if lane.pool == 'threads' else 'prefork'} -c {slots}"
        workers[name] = (f"{celery} worker -Q {','.join(lane.queues)} {pool} -n {name}@%%h -l INFO "
                         "--without-gossip --without-mingle")
    return workers


def expand_names(names: list[str]) -> list[str]:
    """Process names as given on the command line, ``control`` standing for every lane's worker."""
    out = []
    for name in names:
        out += list(lanes.LANES) if name == CONTROL_GROUP else [name]
    return out


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


def _dies_with_supervisord(command: str) -> str:
    """``command`` started through archiver.parent_death: SIGTERM when supervisord dies, however it dies."""
    return f"{sys.executable} -m archiver.parent_death {command}"


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
        # Every file a program creates is private unless it says otherwise (the database, its -wal/-shm,
        # logs); the archive sets its own modes (archiver.tree, YTARCHIVE_FILE_MODE) whatever the umask.
        "umask=077",
        *(["user=root"] if os.geteuid() == 0 else []), "",
        "[unix_http_server]", f"file={sock}", "chmod=0700", "username=ytarchive", f"password={password}", "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface", "",
        "[supervisorctl]", f"serverurl=unix://{sock}", "username=ytarchive", f"password={password}", "",
        "[eventlistener:logs]", f"command={_dies_with_supervisord(f'{sys.executable} -m config.log_relay')}",
        "events=PROCESS_LOG",
        "buffer_size=10000", "stderr_logfile=/dev/stdout", "stderr_logfile_maxbytes=0",
        "stdout_logfile=NONE", "autorestart=true", "priority=1", f"directory={cwd}", "",
    ]
    for name, command in procs.items():
        # The scaler stops its own download workers (a warm shutdown hands work back), so
        # supervisord signals it alone and waits the workers' grace; SIGKILL takes the group.
        scaler = name == "scaler"
        lines += [
            f"[program:{name}]", f"command={_dies_with_supervisord(command)}", f"directory={cwd}",
            f"priority={5 if name == 'redis' else 20}", "autostart=true", "autorestart=true",
            "startsecs=2", "startretries=10", "redirect_stderr=true", "stdout_logfile=NONE",
            "stdout_events_enabled=true", f"stopasgroup={'false' if scaler else 'true'}", "killasgroup=true",
            f"stopwaitsecs={int(grace_seconds + 15) if scaler else 20}",
            *([f"environment={','.join(f'{k}={_supervisor_quote(v)}' for k, v in extra.items())}"]
              if (extra := (program_env or {}).get(name)) else []),
            "",
        ]
    if members := [name for name in procs if name in lanes.LANES]:
        lines += [f"[group:{CONTROL_GROUP}]", f"programs={','.join(members)}", "priority=20", ""]
    return "\n".join(lines)


def _refuse_busy_ports(env: dict, wanted: list[str]) -> None:
    """Exit 2 with one line when a port we would serve on is held by another program."""
    ports = [("PORT", env.get("HOST", "127.0.0.1"), env.get("PORT", "8000"))]
    if "flower" in wanted:
        ports.append(("FLOWER_PORT", env.get("FLOWER_ADDRESS", "127.0.0.1"), env.get("FLOWER_PORT", "5555")))
    for name, host, port in ports:
        if not port.isdigit() or not 0 < int(port) < 65536:
            say(env, f"ytarchive: {name}={port} is not a port number (1-65535)")
            sys.exit(2)
        if run_guard.port_taken(host, int(port)):
            say(env, f"ytarchive: port {port} ({name}) on {host} is already in use by another program; "
                     f"stop it or choose another {name}")
            sys.exit(2)


def _guard(env: dict, data_dir: Path, wanted: list[str]) -> int:
    """Take the run lock, stop an earlier run's leftovers, check the ports: the lock's fd."""
    web = f"web on http://{env.get('HOST', '127.0.0.1')}:{env.get('PORT', '8000')}/"
    try:
        fd = run_guard.take_lock(data_dir, web)
    except run_guard.AlreadyRunning as exc:
        say(env, f"ytarchive: {exc}")
        sys.exit(1)
    if stale := run_guard.stop_leftovers(data_dir):
        say(env, f"ytarchive: stopped {len(stale)} process(es) an earlier make run of {data_dir} left "
                 f"running (pids {', '.join(map(str, stale))})")
    _refuse_busy_ports(env, wanted)
    env[run_guard.RUN_TAG] = str(data_dir)  # every process of this run carries it (found if left behind)
    return fd


def _prepare() -> None:
    """What ``make run`` needs before the processes start: the schema, an admin, the static files."""
    from django.core.management import call_command

    call_command("migrate", interactive=False)
    call_command("ensure_admin")
    call_command("collectstatic", interactive=False, verbosity=0)


def main() -> None:
    load_settings_or_exit()
    django.setup()
    from django.conf import settings

    args = sys.argv[1:]
    prepare = "--prepare" in args
    args = [a for a in args if a != "--prepare"]
    env = dict(os.environ)
    private_dir(settings.DATA_DIR)
    settings.ARCHIVE_ROOT.mkdir(parents=True, exist_ok=True)
    os.umask(0o077)  # the database made by migrate, static files, supervisord's files: ours alone
    _guard(env, settings.DATA_DIR, args or ["flower"])
    if prepare:
        _prepare()
    redis_url, redis_cmd = plan_redis(env, settings.DATA_DIR)
    env["REDIS_URL"] = redis_url
    workdir = private_dir(settings.DATA_DIR / "supervisor")
    procs = processes(env, settings.DATA_DIR)
    if redis_cmd:
        procs = {"redis": "--umask 077 " + shlex.join(redis_cmd), **procs}
    wanted = expand_names(args) or list(procs)
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
          f"Flower on port {env.get('FLOWER_PORT', '5555')}, Redis at {redact(redis_url)}, "
          f"archive in {settings.ARCHIVE_ROOT}; processes: {', '.join(chosen)}")
    if flower_note:
        say(env, flower_note)
    supervisord = Path(sys.executable).with_name("supervisord")
    os.chdir(settings.BASE_DIR)
    os.execve(str(supervisord), [str(supervisord), "-c", str(conf)], env)  # noqa: S606 (our own argv)


if __name__ == "__main__":
    main()
