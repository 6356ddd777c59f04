"""The production profile (`make serve`): settings from the environment, refusals that name what
is missing, static files through whitenoise, and app servers that keep no state of their own.
Each case runs in a process of its own, since settings are read once per process."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from unionportal.tests.test_backup import url_of

BASE_DIR = Path(settings.BASE_DIR)
SECRET = secrets.token_urlsafe(50)
PG_URL = "postgres://portal:secret-password@db.example.internal:5432/unionportal"


def python(*arguments, env: dict, cwd=BASE_DIR) -> subprocess.CompletedProcess:
    # conftest.py's switch for Playwright is no setting of a real server (check --deploy refuses it)
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION_ENV and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, *arguments],
        env={**clean, "DJANGO_SETTINGS_MODULE": "unionportal.settings", **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": SECRET,
    "ALLOWED_HOSTS": "doanvien.ldld.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://doanvien.ldld.example.vn",
    "DATABASE_URL": PG_URL,
    "HTTPS": "true",
    "TRUSTED_PROXY_COUNT": "1",
    "SERVE_STATIC": "true",
    "STATIC_ROOT": "",
    "ALLOW_SQLITE": "false",
    "WEB_CONCURRENCY": "",
    "BIND": "",
}


def test_a_server_with_debug_off_refuses_the_development_secret_key():
    without_key = {**PRODUCTION_ENV, "SECRET_KEY": ""}

    refused = python("-c", "import unionportal.wsgi", env=without_key)
    started = python("-c", "import unionportal.wsgi", env=PRODUCTION_ENV)
    debugging = python("-c", "import unionportal.wsgi", env={**without_key, "DEBUG": "true"})

    assert refused.returncode != 0
    assert "Chưa đặt SECRET_KEY" in refused.stderr
    assert started.returncode == 0, started.stderr
    assert debugging.returncode == 0, debugging.stderr


def test_gunicorn_refuses_to_start_without_a_key_on_sqlite_or_with_debug():
    refused = python("gunicorn.conf.py", env={"DEBUG": "true", "SECRET_KEY": "", "DATABASE_URL": ""})

    assert refused.returncode == 1
    assert "DEBUG=true" in refused.stderr
    assert "Chưa đặt SECRET_KEY" in refused.stderr
    assert "ALLOW_SQLITE=true" in refused.stderr


def test_gunicorn_runs_several_workers_on_postgresql_or_on_sqlite_when_told():
    on_postgresql = python("gunicorn.conf.py", env={**PRODUCTION_ENV, "WEB_CONCURRENCY": "3", "BIND": "0.0.0.0:9000"})
    on_sqlite = python("gunicorn.conf.py", env={**PRODUCTION_ENV, "DATABASE_URL": "", "ALLOW_SQLITE": "true"})

    assert on_postgresql.returncode == 0, on_postgresql.stderr
    assert on_postgresql.stdout.strip() == "gunicorn: 3 workers, 0.0.0.0:9000, timeout 60 s"
    assert on_sqlite.returncode == 0, on_sqlite.stderr
    assert f"gunicorn: {2 * os.cpu_count() + 1} workers, 127.0.0.1:8000" in on_sqlite.stdout


def test_the_deployment_checklist_is_clean():
    check = python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert check.returncode == 0, check.stdout + check.stderr
    assert "System check identified no issues" in check.stdout


SERVE_STATIC = """
from django.templatetags.static import static
from django.test import Client
import django
django.setup()
client = Client(HTTP_HOST="doanvien.ldld.example.vn")
url = static("css/portal.css")
plain = client.get(url, secure=True)
zipped = client.get(url, secure=True, headers={"accept-encoding": "gzip"})
print(url, plain.status_code, plain["Cache-Control"], zipped.get("Content-Encoding"), sep="|")
"""


def test_static_files_are_served_hashed_compressed_and_cached_for_a_year(tmp_path):
    env = {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}

    collected = python("manage.py", "collectstatic", "--no-input", env=env)
    served = python("-c", SERVE_STATIC, env=env)

    assert collected.returncode == 0, collected.stderr
    assert served.returncode == 0, served.stderr
    url, status, cache, encoding = served.stdout.splitlines()[0].split("|")
    assert url.startswith("/static/css/portal.") and url.endswith(".css") and url != "/static/css/portal.css"
    assert status == "200"
    assert "max-age=315360000" in cache and "immutable" in cache
    assert encoding == "gzip"


def test_the_tests_and_make_run_need_no_collectstatic():
    assert not settings.SERVE_STATIC
    assert "whitenoise.middleware.WhiteNoiseMiddleware" not in settings.MIDDLEWARE


SECOND_SERVER = """
import sys
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="localhost")
client.cookies["sessionid"] = sys.argv[1]
response = client.get("/reports/dashboard/")
print(response.status_code)
"""


@pytest.mark.django_db(transaction=True)
def test_a_session_opened_on_one_app_server_is_valid_on_another(province, federation, leader):
    """Sessions are rows of the shared database: the load balancer may send a person's next request
    to any app server."""
    client = Client()
    client.force_login(leader)
    assert client.get("/reports/dashboard/").status_code == 200
    url = url_of(settings.DATABASES["default"])

    other_server = python("-c", SECOND_SERVER, client.cookies["sessionid"].value, env={"DATABASE_URL": url})
    stranger = python("-c", SECOND_SERVER, "not-a-session", env={"DATABASE_URL": url})

    assert other_server.returncode == 0, other_server.stderr
    assert other_server.stdout.strip() == "200"
    assert stranger.stdout.strip() == "302"  # to the login page


def test_uploads_are_never_written_to_a_local_file():
    assert settings.FILE_UPLOAD_HANDLERS == ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
