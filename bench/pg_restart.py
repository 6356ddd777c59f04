"""PostgreSQL restarted under load (issue 9): requests made while it is down fail cleanly (503 and
the Vietnamese page "Cơ sở dữ liệu tạm thời không truy cập được", nothing written), and the app
servers recover by themselves when it is back, with no restart.

    .venv/bin/python bench/pg_restart.py        # as root, on a machine with postgresql-common

It never touches the shared PostgreSQL server: it creates a cluster of its own
(`pg_createcluster <version> faults --port 5433`, trust authentication on loopback), a database
in it (migrated, seeded with `seed_demo`), runs gunicorn (gunicorn.conf.py, persistent connections
CONN_MAX_AGE=60 with CONN_HEALTH_CHECKS) against it, sends PG_RESTART_CLIENTS (8) signed-in clients
reading the dashboard and the grid and saving the grid, restarts the cluster (`pg_ctlcluster
<version> faults restart`) after PG_RESTART_BEFORE (10) seconds, goes on for PG_RESTART_AFTER (20)
seconds, prints the answers before/during/after by status and the recovery time, and drops the
cluster again (`pg_dropcluster --stop`). Skips with a message where pg_createcluster is missing.
Exit status 1 if any answer was a 500 or if the app had not recovered by the end."""

import glob
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLUSTER = "faults"
PG_PORT = int(os.environ.get("PG_RESTART_PG_PORT", 5433))
APP_PORT = int(os.environ.get("PG_RESTART_APP_PORT", 8766))
CLIENTS = int(os.environ.get("PG_RESTART_CLIENTS", 8))
BEFORE = float(os.environ.get("PG_RESTART_BEFORE", 10))
AFTER = float(os.environ.get("PG_RESTART_AFTER", 20))
DATABASE_URL = f"postgres://postgres@127.0.0.1:{PG_PORT}/unionportal_faults"
PASSWORD = "khoi-dong-lai-2018"
DOWN_TEXT = "Cơ sở dữ liệu tạm thời không truy cập được"


def _versions() -> list[str]:
    return sorted((Path(path).name for path in glob.glob("/usr/lib/postgresql/*")), key=lambda v: int(v))


def _environment(**extra) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "false",
        "SECRET_KEY": "pg-restart-only-" + "y" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def _run(*command: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def create_cluster(version: str) -> None:
    existing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
    if any(line.split()[:2] == [version, CLUSTER] for line in existing.splitlines()):
        _run("pg_dropcluster", version, CLUSTER, "--stop")
    _run("pg_createcluster", version, CLUSTER, "--port", str(PG_PORT), "--start", "--", "--auth=trust")
    _run("psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-c", "CREATE DATABASE unionportal_faults")


def prepare(directory: Path) -> tuple[list[dict], list[str]]:
    """Migrate and seed; staff and leader accounts with the URLs they use."""
    for command in (["migrate", "--no-input", "-v", "0"], ["seed_demo"]):
        _run(sys.executable, "manage.py", *command, cwd=ROOT, env=_environment())
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connections
    from django.urls import reverse
    from django.utils import timezone

    from members.models import Organisation, Role, UserProfile
    from unionportal.lib.months import Month

    month = Month.last_complete(timezone.localdate())
    federations = list(Organisation.objects.federations().filter(merged_into__isnull=True, active_to__isnull=True))
    password = make_password(PASSWORD)
    accounts = []
    for number in range(CLIENTS):
        user = get_user_model().objects.create(username=f"khoidong.{number}", password=password)
        if number % 2:
            UserProfile.objects.create(user=user, role=Role.LEADERSHIP)
            accounts.append({"username": user.username, "pages": [reverse("reports:dashboard")]})
        else:
            federation = federations[number % len(federations)]
            UserProfile.objects.create(user=user, role=Role.FEDERATION_STAFF, federation=federation)
            grid = reverse("members:grid", kwargs={"code": federation.code, "month": month})
            accounts.append({"username": user.username, "pages": [grid], "grid": grid})
    connections.close_all()
    return accounts, [federation.code for federation in federations]


def start_server(directory: Path) -> subprocess.Popen:
    static = directory / "static"
    environment = _environment(STATIC_ROOT=str(static), SERVE_STATIC="true")
    _run(sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0", cwd=ROOT, env=environment)
    environment.update(BIND=f"127.0.0.1:{APP_PORT}", WEB_CONCURRENCY="3")
    log = open(directory / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py"], cwd=ROOT, env=environment, stdout=log, stderr=log
    )
    for _attempt in range(120):
        try:
            http.client.HTTPConnection("127.0.0.1", APP_PORT, timeout=2).request("GET", "/accounts/login/")
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not start")


class Visitor:
    def __init__(self):
        self.cookies = {}

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", APP_PORT, timeout=30)
        headers = {"Cookie": "; ".join(f"{key}={value}" for key, value in self.cookies.items())}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        text = response.read().decode(errors="replace")
        connection.close()
        return response.status, text, response.headers.get("Location", "")

    def sign_in(self, username: str) -> None:
        self.request("GET", "/accounts/login/")
        status, _text, _location = self.request(
            "POST", "/accounts/login/", {"username": username, "password": PASSWORD}
        )
        if status != 302:
            raise SystemExit(f"{username} could not sign in ({status})")


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("checkbox", "month", "file"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def _save_form(page: str, turn: int) -> dict:
    """The grid as the page shows it, with new admitted figures (not for a CĐCS dissolved this
    month, which must end at zero) and the end stock left for the portal to compute."""
    parser = _Inputs()
    parser.feed(page)
    form = {name: value for name, value in parser.fields.items() if name == "version" or name.startswith("r")}
    for name in [name for name in form if name.endswith("-admitted")]:
        row = name.removesuffix("-admitted")
        form[f"{row}-members_end"] = ""
        form[f"{row}-ack"] = "1"
        if form.get(f"{row}-lost_cdcs_dissolved", "0") in ("", "0"):
            lost = sum(
                int(value.replace(".", "") or 0) for key, value in form.items() if key.startswith(f"{row}-lost_")
            )
            form[name] = str(lost + turn % 4 + 1)
    return form


def client(account: dict, stop: threading.Event, answers: list, ready: threading.Barrier) -> None:
    visitor = Visitor()
    visitor.sign_in(account["username"])
    ready.wait()
    turn = 0
    while not stop.is_set():
        turn += 1
        started = time.monotonic()
        kind = "read"
        try:
            path = account["pages"][0]
            status, text, _location = visitor.request("GET", path)
            if "grid" in account and status == 200 and turn % 3 == 0:
                fields = _save_form(text, turn)
                kind = "save"
                started = time.monotonic()
                status, text, _location = visitor.request("POST", path, fields)
        except OSError as error:
            status, text = 0, type(error).__name__
        answers.append((started, time.monotonic() - started, kind, status, DOWN_TEXT in text))
        time.sleep(0.2)


def main() -> int:
    if not shutil.which("pg_createcluster"):
        print("bench/pg_restart.py: pg_createcluster not found (postgresql-common): skipped.")
        return 0
    versions = _versions()
    if not versions:
        print("bench/pg_restart.py: no PostgreSQL server under /usr/lib/postgresql: skipped.")
        return 0
    version = versions[-1]
    directory = Path(tempfile.mkdtemp(prefix="unionportal-pg-restart-"))
    server = None
    try:
        print(f"Cluster {version}/{CLUSTER} on port {PG_PORT}, seeding …", flush=True)
        create_cluster(version)
        accounts, _codes = prepare(directory)
        server = start_server(directory)
        stop, answers, ready = threading.Event(), [], threading.Barrier(len(accounts) + 1)
        threads = [threading.Thread(target=client, args=(account, stop, answers, ready)) for account in accounts]
        for thread in threads:
            thread.start()
        ready.wait(timeout=300)  # everyone signed in (PBKDF2 is slow on purpose)
        time.sleep(BEFORE)
        down_at = time.monotonic()
        _run("pg_ctlcluster", version, CLUSTER, "restart")
        up_at = time.monotonic()
        time.sleep(AFTER)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        broken = identity_breaks()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        subprocess.run(["pg_dropcluster", version, CLUSTER, "--stop"], capture_output=True)
    print(f"rows breaking the stock identity after the restart: {broken}")
    return report(answers, down_at, up_at, directory) or (1 if broken else 0)


def identity_breaks() -> int:
    from django.db import connections

    from members.models import MonthlyFigure, stock_identity

    connections.close_all()  # the connection of before the restart is gone
    return MonthlyFigure.objects.exclude(stock_identity()).count()


def report(answers: list, down_at: float, up_at: float, directory: Path) -> int:
    failures = [answer for answer in answers if answer[3] not in (200, 302)]
    last_failure = max((started + elapsed for started, elapsed, *_rest in failures), default=down_at)
    phases = {"before": [], "during": [], "after": []}
    for answer in answers:
        started, elapsed = answer[0], answer[1]
        if started + elapsed < down_at:
            phases["before"].append(answer)
        elif started > last_failure:
            phases["after"].append(answer)
        else:
            phases["during"].append(answer)
    print(f"\nPostgreSQL restart: `pg_ctlcluster restart` took {up_at - down_at:.1f} s; {CLIENTS} clients")
    print(f"{'phase':<8} {'answers':>8}  by status (kind)")
    for phase, rows in phases.items():
        by_status = Counter(f"{status} {kind}" for _s, _e, kind, status, _down in rows)
        print(f"{phase:<8} {len(rows):>8}  {dict(sorted(by_status.items()))}")
    down_pages = sum(1 for *_rest, status, down in answers if status == 503 and down)
    server_errors = sum(1 for *_rest, status, _down in answers if status >= 500 and status != 503)
    recovery = max(0.0, last_failure - up_at)
    after_ok = all(status in (200, 302) for _s, _e, _k, status, _d in phases["after"]) and phases["after"]
    print(f"503 answers with the Vietnamese page: {down_pages}; other 5xx: {server_errors}")
    print(f"last failed answer {recovery:.1f} s after the restart finished; app servers not restarted")
    print(json.dumps({"logs": str(directory)}))
    if server_errors or not after_ok:
        print("RESULT: FAILED (500 answers, or no recovery)")
        return 1
    print("RESULT: requests during the restart failed cleanly (503), every request after it succeeded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
