"""A large month sheet uploaded and confirmed through the pages, inline (in the request, as without
a broker) and as jobs run by a real Celery worker (issue 22, "Long work off the request"): how long
each request takes, how long until each job has ended, and how often its page saw the bar move.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/jobs_bench .venv/bin/python bench/jobs_speed.py
    .venv/bin/python bench/jobs_speed.py --rows 20000          # SQLite scratch file

Needs Redis on 127.0.0.1:6379 (database 12 by default, JOBS_BENCH_REDIS_URL). Builds the federation
and the file as bench/import_speed.py does (one federation of ROWS CĐCS, February's stock, March's
sheet in the template's layout, every upload cap raised). Prints; asserts every row went in."""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/jobs-bench.sqlite3")
os.environ["ALLOWED_HOSTS"] = "testserver"
CAP = str(1 << 30)
RAISED = {"UPLOAD_MAX_MB": "1024", "UPLOAD_MAX_ROWS": CAP, "UPLOAD_MAX_SHEET_ROWS": CAP, "UPLOAD_MAX_CELLS": CAP}
os.environ.update(RAISED)  # the settings (and the worker's) built with every upload cap raised

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.bench_database import bench_database_ready  # noqa: E402
from bench.import_speed import MONTH, build, layout_file, line, machine, month_flows  # noqa: E402
from jobs.models import Job  # noqa: E402
from members.models import MonthlyFigure, Upload  # noqa: E402
from unionportal import celery_app  # noqa: E402

BROKER = os.environ.get("JOBS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
QUEUE = f"jobs-bench-{os.getpid()}"


def timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def upload_url(federation) -> str:
    return reverse("members:upload", kwargs={"code": federation.code, "month": MONTH})


def inline_case(client, federation, data: bytes, rows: int) -> float:
    settings.JOBS_INLINE_ROWS = 10**9
    response, upload_seconds = timed(
        lambda: client.post(upload_url(federation), {"file": SimpleUploadedFile("lon.xlsx", data)})
    )
    upload = Upload.objects.get()
    assert response.status_code == 302 and upload.outcome == Upload.Outcome.PREVIEW, (response, upload.problems[:2])
    _page, preview_seconds = timed(lambda: client.get(response.url))
    confirm_url = reverse("members:upload_confirm", kwargs={"code": federation.code, "pk": upload.pk})
    response, confirm_seconds = timed(lambda: client.post(confirm_url))
    assert MonthlyFigure.objects.filter(month=MONTH.first_day).count() == rows
    line("inline (no broker): the upload request (read + preview)", f"{upload_seconds:.2f} s")
    line("  the preview page (computed again on each view)", f"{preview_seconds:.2f} s")
    line("  the confirm request (import)", f"{confirm_seconds:.2f} s")
    total = upload_seconds + preview_seconds + confirm_seconds
    line("  in requests, in all", f"{total:.2f} s", "each inside a web request's 60 s budget?")
    return total


def wait_job(client, job_id: int) -> tuple[float, int, Job]:
    """Poll the job's JSON as its page does (every 0.25 s here); seconds until it ended and how
    many different progress values the page saw."""
    url = reverse("jobs:status", kwargs={"pk": job_id})
    seen, started = set(), time.perf_counter()
    while True:
        status = client.get(url).json()
        if status["ended"]:
            return time.perf_counter() - started, len(seen), Job.objects.get(pk=job_id)
        seen.add((status["step"], status["done"]))
        time.sleep(0.25)


def job_case(client, federation, data: bytes, rows: int) -> float:
    cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": BROKER, "KEY_PREFIX": QUEUE}
    queued = override_settings(
        JOBS_INLINE_ROWS=2_000, CELERY_BROKER_URL=BROKER, CELERY_TASK_DEFAULT_QUEUE=QUEUE, CACHES={"default": cache}
    )
    with queued:
        celery_app.conf.update(broker_url=BROKER, task_default_queue=QUEUE)
        return _job_case(client, federation, data, rows)


def _job_case(client, federation, data: bytes, rows: int) -> float:
    env = {**os.environ, **RAISED, "CELERY_BROKER_URL": BROKER, "CELERY_QUEUE": QUEUE, "CACHE_KEY_PREFIX": QUEUE}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "unionportal", "worker", "-Q", QUEUE, "--concurrency", "1",
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        response, upload_seconds = timed(
            lambda: client.post(upload_url(federation), {"file": SimpleUploadedFile("lon.xlsx", data)})
        )
        read_id = int(response.url.strip("/").split("/")[-1])
        read_seconds, read_seen, read = wait_job(client, read_id)
        assert read.state == Job.State.DONE, read.error
        upload = Upload.objects.get()
        confirm_url = reverse("members:upload_confirm", kwargs={"code": federation.code, "pk": upload.pk})
        response, confirm_seconds = timed(lambda: client.post(confirm_url))
        import_seconds, import_seen, imported = wait_job(client, int(response.url.strip("/").split("/")[-1]))
        assert imported.state == Job.State.DONE, imported.error
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    assert MonthlyFigure.objects.filter(month=MONTH.first_day).count() == rows
    line("as jobs (Celery worker): the upload request", f"{upload_seconds:.2f} s", "keeps the file, queues the read")
    line("  read + preview job, queued to ended", f"{read_seconds:.2f} s", f"{read_seen} progress states seen")
    line("  the confirm request", f"{confirm_seconds:.2f} s", "queues the import")
    line("  import job, queued to ended", f"{import_seconds:.2f} s", f"{import_seen} progress states seen")
    total = upload_seconds + read_seconds + confirm_seconds + import_seconds
    line("  in all (requests + jobs)", f"{total:.2f} s")
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="CĐCS in the sheet (100,000)")
    options = parser.parse_args()
    bench_database_ready()
    machine()
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    rng = random.Random(2021)
    federation, user, stock = build(options.rows, rng)
    data = layout_file({code: month_flows(rng, start) for code, start in stock.items()}, stock)
    line(f"{options.rows:,} rows in the template's layout, {connection.vendor}", f"{len(data) / 2**20:.1f} MB")
    client = Client()
    client.force_login(user)
    inline = inline_case(client, federation, data, options.rows)
    federation, user, stock = build(options.rows, random.Random(2021))
    client.force_login(user)
    queued = job_case(client, federation, data, options.rows)
    line("jobs ÷ inline, end to end", f"{queued / inline:.2f}", "the price of the queue and the worker's own process")
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
