"""The deadline load of issue 9 on loopback against the production setup, then the checks.

    .venv/bin/pip install -r bench/requirements.txt         # locust
    .venv/bin/python bench/load.py                          # 3 minutes; LOAD_SECONDS=60 for a short run
    make load

1. A PostgreSQL database of its own (LOAD_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/unionportal_load), dropped and created again, migrated and
   seeded with the demo province (`seed_demo`), plus LOAD_STAFF (50) federation staff accounts
   spread over the federations (several per federation, as in real offices) and LOAD_LEADERS (20)
   leaders.
2. gunicorn with gunicorn.conf.py (the `make serve` setup: DEBUG off, whitenoise, persistent
   connections with health checks), LOAD_WORKERS (4) workers, on 127.0.0.1:LOAD_PORT.
3. locust (bench/locustfile.py), headless, for LOAD_SECONDS: the staff save the grid or upload the
   filled template of the month due (the last complete month) every few seconds; leaders open the
   dashboard, the brief and the organising funnel.
4. The checks: no 5xx; no lost or half-written month (every federation-month holds exactly the
   values of the last save its users were told succeeded, the version moved once per successful
   save, grid saves never two from one version); the stock identity on every row; the summary
   the reports read agrees with the rows; p50/p95 per page group. Exit status 1 if a check fails.

The machine of this project has 2 cores shared with other work: the figures printed are what this
box gives with locust, gunicorn and PostgreSQL all on it; a real server does better."""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECONDS = int(os.environ.get("LOAD_SECONDS", 180))
STAFF = int(os.environ.get("LOAD_STAFF", 50))
LEADERS = int(os.environ.get("LOAD_LEADERS", 20))
WORKERS = int(os.environ.get("LOAD_WORKERS", 4))
STAFF_WAIT = float(os.environ.get("LOAD_STAFF_WAIT", 10))  # seconds between one person's saves: 10 to 30
LEADER_WAIT = float(os.environ.get("LOAD_LEADER_WAIT", 5))  # seconds between a leader's pages: 5 to 15
SPAWN_RATE = os.environ.get("LOAD_SPAWN_RATE", "2")  # people signing in per second at the start
PORT = int(os.environ.get("LOAD_PORT", 8765))
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/unionportal_load")
PASSWORD = "tai-han-chot-2018"  # the load accounts' password (a throwaway database)
SECRET_KEY = "load-test-only-" + "x" * 50
GROUPS = {
    "dashboard pages": ("dashboard", "brief", "funnel"),
    "grid GET": ("grid GET",),
    "grid POST": ("grid POST",),
    "upload + confirm": ("template", "upload", "confirm"),
    "login": ("login",),
}

os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")


def _environment(**extra) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def prepare_database() -> None:
    """Drop and create the load database (ours alone), migrate and seed it."""
    import psycopg2

    server, name = DATABASE_URL.rsplit("/", 1)
    admin = psycopg2.connect(f"{server}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    for command in (["migrate", "--no-input", "-v", "0"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=_environment(), check=True, stdout=subprocess.DEVNULL
        )


def make_plan(directory: Path) -> dict:
    """The accounts, the URLs of the month due and where locust logs, for bench/locustfile.py."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse
    from django.utils import timezone

    from members.figures.exports import HEADER_ROW, MONTH_COLUMNS, MONTH_SHEET
    from members.figures.grid import FLOW_COLUMNS
    from members.models import Organisation, Role, UserProfile
    from unionportal.lib.months import Month

    month = Month.last_complete(timezone.localdate())
    federations = list(
        Organisation.objects.federations().filter(merged_into__isnull=True, active_to__isnull=True).order_by("code")
    )
    User = get_user_model()
    password = make_password(PASSWORD)
    staff = []
    for number in range(STAFF):
        federation = federations[number % len(federations)]
        username = f"tai.{federation.code.lower()}.{number // len(federations) + 1}"
        user = User.objects.create(username=username, password=password, first_name=f"Cán bộ {number + 1}")
        UserProfile.objects.create(user=user, role=Role.FEDERATION_STAFF, federation=federation)
        kwargs = {"code": federation.code, "month": month}
        staff.append(
            {
                "username": username,
                "federation": federation.code,
                "grid_url": reverse("members:grid", kwargs=kwargs),
                "template_url": reverse("members:month_template", kwargs=kwargs),
                "upload_url": reverse("members:upload", kwargs=kwargs),
            }
        )
    leaders = []
    for number in range(LEADERS):
        user = User.objects.create(username=f"tai.lanhdao.{number + 1}", password=password, first_name="Lãnh đạo")
        UserProfile.objects.create(user=user, role=Role.LEADERSHIP)
        leaders.append(user.username)
    return {
        "month": month.iso,
        "password": PASSWORD,
        "staff": staff,
        "leaders": leaders,
        "staff_count": STAFF,
        "leader_count": LEADERS,
        # A person types a month's figures for a while between saves; a leader reads a page.
        "staff_wait": [STAFF_WAIT, STAFF_WAIT * 3],
        "leader_wait": [LEADER_WAIT, LEADER_WAIT * 3],
        "login_url": reverse("login"),
        "leader_pages": [
            ["dashboard", reverse("reports:dashboard")],
            ["brief", reverse("reports:brief")],
            ["funnel", reverse("organising:funnel")],
        ],
        "flow_columns": list(FLOW_COLUMNS),
        "headers": {column.key: column.header for column in MONTH_COLUMNS},
        "month_sheet": MONTH_SHEET,
        "header_row": HEADER_ROW,
        "requests_log": str(directory / "requests.jsonl"),
        "saves_log": str(directory / "saves.jsonl"),
        "federations": len(federations),
    }


def start_server(static_root: Path) -> subprocess.Popen:
    environment = _environment(STATIC_ROOT=str(static_root), SERVE_STATIC="true")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=environment, check=True
    )
    environment.update(BIND=f"127.0.0.1:{PORT}", WEB_CONCURRENCY=str(WORKERS))
    log = open(static_root.parent / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py"], cwd=ROOT, env=environment, stdout=log, stderr=log
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit(f"gunicorn did not start; see {static_root.parent / 'gunicorn.log'}")


def run_locust(plan_file: Path, directory: Path) -> None:
    users = STAFF + LEADERS
    command = [
        str(ROOT / ".venv/bin/locust"),
        "-f",
        str(ROOT / "bench/locustfile.py"),
        "--headless",
        "--only-summary",
        "-u",
        str(users),
        "-r",
        SPAWN_RATE,
        "-t",
        f"{SECONDS}s",
        "--stop-timeout",
        "30",
        "--host",
        f"http://127.0.0.1:{PORT}",
        "--loglevel",
        "WARNING",
    ]
    with open(directory / "locust.log", "w") as log:
        subprocess.run(command, cwd=ROOT, env={**os.environ, "LOAD_PLAN": str(plan_file)}, stdout=log, stderr=log)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else 0.0


def check(plan: dict, initial: dict) -> list[str]:
    """What went wrong: 5xx, lost or half-written months, broken identities. Prints the figures."""
    from django.db import connections

    from members.figures.summary import summary_differences
    from members.models import GrassrootsUnion, MonthlyFigure, MonthlyReturn, stock_identity
    from unionportal.lib.months import Month

    connections.close_all()
    failures = []
    requests = [json.loads(line) for line in open(plan["requests_log"], encoding="utf-8")]
    saves = [json.loads(line) for line in open(plan["saves_log"], encoding="utf-8")]

    print(f"\nLoad: {STAFF} federation staff ({plan['federations']} federations) + {LEADERS} leaders, {SECONDS} s, ")
    print(f"gunicorn {WORKERS} workers, month due {plan['month']}, PostgreSQL {DATABASE_URL.rsplit('/', 1)[-1]}\n")
    # Everyone signs in at the start (PBKDF2, slow on purpose): "steady" is after the last sign-in.
    steady_from = max((at for name, _e, _s, _r, at in requests if name == "login"), default=0)
    print(
        f"{'page group':<18} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'5xx':>5} {'other':>6}", end=""
    )
    print(f"   steady: {'requests':>8} {'p50 ms':>8} {'p95 ms':>8}")
    by_group, steady = defaultdict(list), defaultdict(list)
    for name, elapsed, status, error, at in requests:
        group = next((group for group, names in GROUPS.items() if name in names), name)
        by_group[group].append((elapsed, status, error))
        if at > steady_from:
            steady[group].append(elapsed)
    server_errors = 0
    for group, rows in by_group.items():
        times = [elapsed for elapsed, _status, _error in rows]
        fives = sum(1 for _elapsed, status, _error in rows if status >= 500)
        others = sum(1 for _elapsed, status, _error in rows if status == 0 or 400 <= status < 500)
        server_errors += fives
        print(
            f"{group:<18} {len(rows):>9} {percentile(times, 0.5):>8.0f} {percentile(times, 0.95):>8.0f} "
            f"{max(times):>8.0f} {fives:>5} {others:>6}           {len(steady[group]):>8} "
            f"{percentile(steady[group], 0.5):>8.0f} {percentile(steady[group], 0.95):>8.0f}"
        )
    print(f"{'all':<18} {len(requests):>9}")
    statuses = Counter(status for _name, _elapsed, status, _error, _at in requests)
    print("answers by status:", dict(sorted(statuses.items())))
    if server_errors:
        failures.append(f"{server_errors} answers 5xx")
    for group in ("dashboard pages", "grid GET", "grid POST"):
        p95 = percentile([elapsed for elapsed, _s, _e in by_group.get(group, [])], 0.95)
        p95_steady = percentile(steady.get(group, []), 0.95)
        verdict = "met" if p95 < 1000 else "MISSED"
        print(f"target p95 < 1 s for {group}: {p95:.0f} ms whole run ({verdict}), {p95_steady:.0f} ms steady")

    kinds = Counter(save["kind"] for save in saves)
    print(
        f"\nsaves told successful: {kinds['grid']} grid, {kinds['upload']} upload; "
        f"conflicts (someone saved first): {kinds['conflict']}; refused: {kinds['refused']}"
    )
    for save in [save for save in saves if save["kind"] == "refused"][:3]:
        print("  refused:", save.get("message", "")[:200])

    month = Month.parse(plan["month"])
    codes = dict(GrassrootsUnion.objects.values_list("code", "pk"))
    by_federation = defaultdict(list)
    for save in saves:
        if save["kind"] in ("grid", "upload"):
            values = {
                (int(key) if save["kind"] == "grid" else codes[key]): flows for key, flows in save["values"].items()
            }
            by_federation[save["federation"]].append({**save, "values": values})
    lost, half, checked = 0, 0, 0
    columns = plan["flow_columns"]
    for code, federation_saves in by_federation.items():
        checked += 1
        rows = MonthlyFigure.objects.filter(federation__code=code, month=month.first_day)
        stored = {row.cdcs_id: {column: getattr(row, column) for column in columns} for row in rows}
        matching = [save for save in federation_saves if save["values"] == stored]
        version = MonthlyReturn.objects.get(federation__code=code, month=month.first_day).version
        versions = [save["version"] for save in federation_saves if save["version"] is not None]
        if not matching:
            half += 1
            print(f"  {code}: the month holds no save's values whole")
            continue
        last = max(matching, key=lambda save: save["finished"])
        later = [save for save in federation_saves if save["started"] > last["finished"]]
        if later or (last["version"] is not None and versions and last["version"] != max(versions)):
            lost += 1
            print(f"  {code}: a save told successful after the one the month holds")
        if len(versions) != len(set(versions)):
            lost += 1
            print(f"  {code}: two grid saves succeeded from the same version")
        if version - initial[code] != len(federation_saves):
            lost += 1
            print(f"  {code}: version moved {version - initial[code]} times for {len(federation_saves)} saves")
    broken = MonthlyFigure.objects.exclude(stock_identity()).count()
    differences = summary_differences()
    print(
        f"federation-months checked: {checked}; lost writes: {lost}; half-written months: {half}; "
        f"rows breaking the stock identity: {broken} of {MonthlyFigure.objects.count()}; "
        f"summary differences: {len(differences)}"
    )
    if lost or half:
        failures.append(f"{lost} lost writes, {half} half-written months")
    if broken or differences:
        failures.append(f"{broken} rows break the stock identity, {len(differences)} summary differences")
    return failures


def main() -> int:
    directory = Path(tempfile.mkdtemp(prefix="unionportal-load-"))
    print(f"Preparing {DATABASE_URL} (migrate, seed_demo) …", flush=True)
    prepare_database()
    plan = make_plan(directory)
    plan_file = directory / "plan.json"
    plan_file.write_text(json.dumps(plan, ensure_ascii=False))
    from members.models import MonthlyReturn
    from unionportal.lib.months import Month

    month = Month.parse(plan["month"])
    initial = dict(MonthlyReturn.objects.filter(month=month.first_day).values_list("federation__code", "version"))
    codes = {account["federation"] for account in plan["staff"]}
    initial.update({code: initial.get(code, 0) for code in codes})
    print(f"gunicorn ({WORKERS} workers) on 127.0.0.1:{PORT}; locust for {SECONDS} s; logs in {directory}", flush=True)
    server = start_server(directory / "static")
    try:
        run_locust(plan_file, directory)
    finally:
        server.terminate()
        server.wait(timeout=60)
    failures = check(plan, initial)
    print("\nRESULT:", "; ".join(failures) if failures else "0 5xx, 0 lost writes, 0 half-written months")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
