"""At most config.web_server.stream_slots() media transfers at once in this process.

A transfer holds a gunicorn thread for as long as its reader reads (hours for
a slow phone); without a bound, enough readers would take every thread and
/health, the API and the pages would queue behind them. A transfer beyond the
bound is answered at once with 503 and Retry-After (players and podcast apps
retry), and the threads kept free answer everything else.

A slot is taken before the response is built and given back when the server
closes the response (finished, cut or failed): the body objects below release
it in ``close()``, which Django calls in every case.
"""
from __future__ import annotations

import io
import threading

from django.conf import settings

_lock = threading.Lock()
_semaphore: threading.BoundedSemaphore | None = None


def _slots() -> threading.BoundedSemaphore:
    global _semaphore
    with _lock:
        if _semaphore is None:
            _semaphore = threading.BoundedSemaphore(settings.WEB_STREAM_SLOTS)
        return _semaphore


class Slot:
    """One taken slot, released once whatever calls ``release()`` how many times."""

    def __init__(self):
        self._released = False
        self._lock = threading.Lock()

    def release(self) -> None:
        with self._lock:
            if not self._released:
                self._released = True
                _slots().release()


def take() -> Slot | None:
    """A slot, or None when every slot is sending."""
    return Slot() if _slots().acquire(blocking=False) else None


class SlotFile(io.FileIO):
    """A file for FileResponse (sendfile keeps working: it has a fileno) that gives its slot back on close."""

    def __init__(self, path, slot: Slot):
        self._slot = slot
        try:
            super().__init__(path, "rb")
        except OSError:
            slot.release()
            raise

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._slot.release()


class SlotChunks:
    """``length`` bytes of ``path`` from ``start`` in chunks, for StreamingHttpResponse; gives its slot back on close.

    An object, not a generator: Django closes it even when no chunk was ever asked for
    (closing a generator that never started would skip its ``finally``).
    """

    def __init__(self, path, start: int, length: int, chunk: int, slot: Slot):
        self._path, self._start, self._length, self._chunk, self._slot = path, start, length, chunk, slot
        self._file = None

    def __iter__(self):
        self._file = open(self._path, "rb")
        self._file.seek(self._start)
        left = self._length
        while left > 0:
            data = self._file.read(min(self._chunk, left))
            if not data:
                return
            left -= len(data)
            yield data

    def close(self) -> None:
        try:
            if self._file is not None:
                self._file.close()
        finally:
            self._slot.release()

    def __del__(self):  # a response dropped without close() (never by a WSGI server) still gives its slot back
        self._slot.release()
