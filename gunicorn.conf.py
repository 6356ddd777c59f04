"""gunicorn's settings for the production setup (`make serve`; or
`.venv/bin/gunicorn -c gunicorn.conf.py unionportal.wsgi`). Every value can be changed from the
environment; `python gunicorn.conf.py` checks the environment and prints what would run.

The app servers keep no state of their own (sessions, uploads and login attempts are rows in the
database), so any number of machines can run this behind a load balancer that polls /health/."""

import multiprocessing
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from unionportal.lib.env import envbool, envint, envstr  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
# Static files from STATIC_ROOT through whitenoise (hashed names, compressed; see settings).
os.environ.setdefault("SERVE_STATIC", "true")


def problems() -> list[str]:
    """Why this environment must not serve the portal, in Vietnamese; empty when it may."""
    found = []
    if envbool("DEBUG", False):
        found.append("DEBUG=true: máy chủ thật không chạy ở chế độ gỡ lỗi (bỏ DEBUG hoặc đặt DEBUG=false).")
    if not envstr("SECRET_KEY"):
        found.append(
            "Chưa đặt SECRET_KEY: tạo một chuỗi ngẫu nhiên dài bằng "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))' và giữ nguyên giữa các lần chạy."
        )
    database = envstr("DATABASE_URL")
    if not database.startswith(("postgres://", "postgresql://", "pgsql://")) and not envbool("ALLOW_SQLITE", False):
        found.append(
            "DATABASE_URL không trỏ tới PostgreSQL (postgres://NGƯỜI_DÙNG:MẬT_KHẨU@MÁY:5432/TÊN). Chạy trên SQLite "
            "chỉ được một máy chủ ứng dụng: đặt ALLOW_SQLITE=true nếu đúng là vậy."
        )
    return found


if problems():
    sys.exit("Không khởi động UnionPortal:\n- " + "\n- ".join(problems()))

wsgi_app = "unionportal.wsgi:application"
bind = [envstr("BIND") or "127.0.0.1:8000"]
# Each worker is one process with one request at a time (the portal's requests are short queries
# and Excel work, CPU rather than waiting); 2 × cores + 1 is gunicorn's advice.
workers = envint("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
# The slowest request is confirming a 10,000-row sheet (a few seconds, docs/features.md "Excel round trip");
# a 5 MB upload from a slow office line is buffered by the reverse proxy in front, not by a worker.
timeout = envint("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests, so that a slow leak never builds up.
max_requests = envint("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # the workers' heartbeat files, kept off a slow disk
# Access log on stdout: the path only, never the query string, where searches carry people's names
# and ID numbers; an ID number typed into a path is blotted out (unionportal.accesslog).
accesslog = "-"
logger_class = "unionportal.accesslog.AccessLog"
errorlog = "-"
loglevel = (envstr("LOG_LEVEL") or "info").lower()
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
proc_name = "unionportal"


def when_ready(server):
    # gunicorn writes a TCP listener as http://host:port (a unix socket as unix:path)
    addresses = ", ".join(f"{listener}/" for listener in server.LISTENERS)
    server.log.info("UnionPortal: %s (%d workers)", addresses, server.num_workers)


if __name__ == "__main__":
    print(f"gunicorn: {workers} workers, {bind[0]}, timeout {timeout} s")
