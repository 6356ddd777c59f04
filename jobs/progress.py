"""How far a running job is, where another process sees it at once.

The work runs inside its own transaction, which nobody else sees until it commits (and on SQLite
holds the only write lock meanwhile): its progress and its heartbeat are therefore written to
Django's cache, which is Redis when a worker runs (CELERY_BROKER_URL set; settings.py) and this
process's memory when the request runs the job itself. The job's row keeps the state, the start
and the end; the page reads the cache first and the row when the cache has nothing (a cache
that does not answer is the same as an empty one: the page never fails for it).

A job is alive while its heartbeat is fresh: a thread of the process that runs it writes the time
every JOBS_HEARTBEAT_SECONDS, whatever the work is doing (a long statement included), and dies with
the process. A running job whose heartbeat is older than JOBS_STALE_SECONDS was interrupted (its
worker killed, the machine restarted, a request cut by the app server's timeout)."""

import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, connections
from django.utils import timezone

from .models import Job

logger = logging.getLogger(__name__)
# The cached progress outlives any job's run by far, and the page falls back to the row after it.
CACHE_SECONDS = 24 * 3600
# At most one cache write this often for a job's counts: a loop of 100,000 rows may call advance()
# each time.
WRITE_EVERY = 0.25
# Between two writes of the counts to the job's row, when the work is not inside a transaction
# (a kind whose steps commit one by one): the row then shows the progress even without a cache.
ROW_EVERY = 2.0


def _progress_key(job_id: int) -> str:
    return f"jobs:{job_id}:progress"


def _beat_key(job_id: int) -> str:
    return f"jobs:{job_id}:beat"


class Progress:
    """What the work reports: `step(words, total)` starts a step (its words on the page, its size if
    known: 0 shows a bar that moves without a count), `advance(n)` counts what is done in it,
    `set(done)` says it outright. Cheap enough to call once a row."""

    def __init__(self, job: Job):
        self.job_id = job.pk
        self.done, self.total, self.words = 0, 0, ""
        self._written = self._row_written = 0.0

    def step(self, words: str, total: int = 0) -> None:
        self.words, self.total, self.done = str(words), max(0, int(total)), 0
        self._write(force=True)

    def advance(self, count: int = 1) -> None:
        self.set(self.done + count)

    def set(self, done: int) -> None:
        self.done = max(0, int(done))
        self._write()

    def flush(self) -> None:
        """Write what is counted now, whatever the time since the last write."""
        self._write(force=True)

    def as_json(self) -> dict:
        total = self.total
        return {"done": min(self.done, total) if total else self.done, "total": total, "step": self.words}

    def _write(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._written < WRITE_EVERY:
            return
        self._written = now
        try:
            cache.set(_progress_key(self.job_id), self.as_json(), CACHE_SECONDS)
        except Exception:  # a cache that does not answer costs the page its bar, never the work
            logger.warning("job %s: progress not written to the cache", self.job_id, exc_info=True)
        if not connection.in_atomic_block and (force or now - self._row_written >= ROW_EVERY):
            self._row_written = now
            values = self.as_json()
            Job.objects.filter(pk=self.job_id).update(
                done=values["done"], total=values["total"], step=values["step"][:200]
            )


def progress_read(job: Job) -> dict:
    """{"done", "total", "step", "beat"}: the cache's if it has them, else the row's."""
    try:
        found = cache.get_many([_progress_key(job.pk), _beat_key(job.pk)])
    except Exception:
        found = {}
    values = found.get(_progress_key(job.pk)) or {"done": job.done, "total": job.total, "step": job.step}
    beat = found.get(_beat_key(job.pk))
    if job.heartbeat_at is not None:
        beat = max(beat or 0.0, job.heartbeat_at.timestamp())
    return {**values, "beat": beat}


def progress_forget(job_id: int) -> None:
    try:
        cache.delete_many([_progress_key(job_id), _beat_key(job_id)])
    except Exception:
        logger.warning("job %s: progress not removed from the cache", job_id, exc_info=True)


def is_stale(beat: float | None) -> bool:
    return beat is None or time.time() - beat > settings.JOBS_STALE_SECONDS


@contextmanager
def heartbeat(job_id: int):
    """Beat for the job in a thread while the block runs: in the cache, and on PostgreSQL in the
    job's row too, through the thread's own connection (committed at once, so that every process
    sees it, whatever cache it has). Not on SQLite, whose one write lock the work holds."""
    stop = threading.Event()
    to_row = connection.vendor != "sqlite"

    def beat():
        try:
            while True:
                try:
                    cache.set(_beat_key(job_id), time.time(), CACHE_SECONDS)
                except Exception:
                    logger.warning("job %s: heartbeat not written to the cache", job_id, exc_info=True)
                if to_row:
                    try:
                        Job.objects.filter(pk=job_id, state=Job.State.RUNNING).update(heartbeat_at=timezone.now())
                    except DatabaseError:
                        logger.warning("job %s: heartbeat not written to its row", job_id, exc_info=True)
                if stop.wait(settings.JOBS_HEARTBEAT_SECONDS):
                    return
        finally:
            connections.close_all()  # this thread's own connection, not the work's

    thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
