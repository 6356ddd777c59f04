"""Jobs with a real Celery worker on Redis (127.0.0.1:6379), for the tests of any app whose work
runs as a job (jobs/, docs/operations.md "Việc chạy nền").

    def test_…(transactional_db, background_jobs):       # conftest.py: a queue of this test's own
        with thread_worker(background_jobs):               # a worker in a thread of this process
            job = job_start(…)                             # queued after commit, run by the worker
            job = job_wait(job, Job.ENDED)

`background_jobs` sets CELERY_BROKER_URL, a Redis cache and a queue (and cache prefix) that no
other test process uses, so that pytest-xdist's processes (and other checkouts on the machine)
never take each other's tasks; it empties that queue and those keys afterwards. A test that must
kill a worker uses `process_worker` (a real `celery -A unionportal worker` in a process group of its
own, on the same test database: SQLite's test database is a file, see conftest.py) and `kill`."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection
from django.test.utils import override_settings

from unionportal import celery_app

BROKER = os.environ.get("JOBS_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
ROOT = Path(settings.BASE_DIR)
# Fast enough for a test to see a killed worker's job interrupted within seconds.
HEARTBEAT, STALE = 1, 3


@contextmanager
def background_jobs_on():
    """The portal set to queue jobs on Redis, on a queue of its own; yields the queue's name."""
    queue = f"unionportal-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": BROKER, "KEY_PREFIX": queue}
    previous = {name: celery_app.conf[name] for name in ("broker_url", "task_default_queue")}
    with override_settings(
        CELERY_BROKER_URL=BROKER,
        CELERY_TASK_DEFAULT_QUEUE=queue,
        CACHES={"default": cache},
        JOBS_HEARTBEAT_SECONDS=HEARTBEAT,
        JOBS_STALE_SECONDS=STALE,
    ):
        celery_app.conf.update(broker_url=BROKER, task_default_queue=queue)
        try:
            yield queue
        finally:
            celery_app.conf.update(previous)
            _forget(queue)


def _forget(queue: str) -> None:
    """Remove the queue, its messages (unacknowledged ones of a killed worker too) and the cache's
    keys of this test from Redis."""
    client = redis.Redis.from_url(BROKER)
    keys = [queue, f"_kombu.binding.{queue}", *client.scan_iter(f"{queue}:*")]
    client.delete(*keys)
    for tag, value in client.hscan_iter("unacked"):
        if queue.encode() in value:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


@contextmanager
def thread_worker(queue: str):
    """A Celery worker in a thread of the test process, taking the queue's jobs one at a time."""
    from celery.contrib.testing.worker import start_worker

    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, queues=[queue], loglevel="WARNING", shutdown_timeout=30
    ):
        yield


def database_url() -> str:
    """The test database as a DATABASE_URL another process can use."""
    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    user, password = database.get("USER") or "", database.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host, port = database.get("HOST") or "127.0.0.1", database.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{database['NAME']}"


@contextmanager
def process_worker(queue: str, *, include: tuple[str, ...] = ()):
    """`celery -A unionportal worker` on the test database and the queue, in a process group of its
    own (its pool's child dies with it when killed); `include`: modules it imports at start (the
    test kinds of a test module)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": BROKER,
        "CELERY_QUEUE": queue,
        "CACHE_KEY_PREFIX": queue,
        "JOBS_HEARTBEAT_SECONDS": str(HEARTBEAT),
        "JOBS_STALE_SECONDS": str(STALE),
        "DEBUG": "false",
    }
    command = [sys.executable, "-m", "celery", "-A", "unionportal", "worker", "-Q", queue, "-n", f"{queue}@%h",
               "--concurrency", "1", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
               "--without-heartbeat"]  # fmt: skip
    if include:
        command += ["--include", ",".join(include)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        yield process
    finally:
        kill(process)


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the worker and its pool: nothing of it acknowledges or cleans up anything."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def wait_for(condition, *, timeout: float = 120, what: str = "the condition"):
    """Poll `condition()` until it returns something true (returned); fail after `timeout` seconds
    (a generous bound for a busy machine, never a measure of speed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"waited {timeout} s for {what}")


def queued_messages(queue: str) -> list[dict]:
    client = redis.Redis.from_url(BROKER)
    return [json.loads(raw) for raw in client.lrange(queue, 0, -1)]
