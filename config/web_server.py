"""How the web server serves, so that slow readers never starve /health, the API or the pages.

The one definition of WEB_THREADS and WEB_TIMEOUT, read by gunicorn's settings
(config.gunicorn_conf: ``make run`` and the chart) and by Django's
(config.settings: the media stream slots below).

**Why gthread.** gunicorn's sync worker answers one request at a time and
reports to the arbiter only between requests, so a slow reader of a 300 MB
file holds a whole worker and, after ``--timeout`` seconds, is killed with
it (WORKER TIMEOUT), while /health waits in the queue. The gthread worker
runs each request in a thread of a pool of WEB_THREADS and reports from its
own event loop every second, whatever the threads do: a transfer lasts as
long as the reader reads, and WEB_TIMEOUT only restarts a worker whose event
loop is stuck. A reader blocked in ``sendfile`` costs a thread and no CPU.
Measured with tests/bench/slow_clients.py (20 readers at 16 KB/s): /health
p99 stays in milliseconds, where 2 sync workers gave no answer for 20 s.

An ASGI server (uvicorn) with async file streaming was the alternative: a
reader would cost a coroutine instead of a thread, but Django runs every
sync view of a process in one thread under ASGI, so one slow page (a feed, a
big listing) would delay every other request of the process, /health
included; and Django's StreamingHttpResponse reads a sync iterator whole
into memory under ASGI. gthread keeps the views as they are.

**Any number of readers.** Threads are a bounded pool, so media streams get
at most ``stream_slots()`` of a worker's threads; the rest are kept for
everything else. A reader beyond that is answered 503 with Retry-After at
once (front_app.media.stream_slots) instead of queueing in front of /health.
In the chart, nginx sends the bytes (X-Accel-Redirect) and holds no thread
at all, so there the number of readers is nginx's to bound.

**Databases.** Django gives each thread its own connection (CONN_MAX_AGE 0:
opened by a request, closed when it ends); a media transfer closes its
thread's connection before the first byte (front_app.media.files), so a
PostgreSQL server never sees one connection per slow reader. SQLite runs in
WAL mode with a 30 s busy timeout (config.settings), so threads reading
while one writes do not fail.
"""
from __future__ import annotations

from config.env import env_int

WORKER_CLASS = "gthread"


def threads() -> int:
    """WEB_THREADS: request threads per gunicorn worker process."""
    return env_int("WEB_THREADS", 32, minimum=4, maximum=1024)


def timeout() -> int:
    """WEB_TIMEOUT: seconds a worker's event loop may be silent before gunicorn restarts it (never a transfer)."""
    return env_int("WEB_TIMEOUT", 120, minimum=2, maximum=86400)


def stream_slots(thread_count: int) -> int:
    """How many of a worker's threads may send media at once: a quarter (at least 2) stay for the rest."""
    return thread_count - max(2, thread_count // 4)
