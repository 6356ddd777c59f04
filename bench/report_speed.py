"""How fast the report is on the demo province, and how many queries it runs.

    .venv/bin/python bench/report_speed.py                       # SQLite (db.sqlite3)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal .venv/bin/python bench/report_speed.py

Migrates and seeds the demo first when the database has none. Prints figures; asserts nothing."""

import os
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from members.demo.province import demo_exists  # noqa: E402
from members.models import MonthlyFigure, Organisation  # noqa: E402
from reports.selectors import Scope, Structure, progress_report  # noqa: E402
from unionportal.lib.months import Month  # noqa: E402
from unionportal.testing.timing import queries, timed  # noqa: E402

RUNS = 20


def main():
    call_command("migrate", verbosity=0)
    if not demo_exists():
        started = time.perf_counter()
        call_command("seed_demo", stdout=StringIO())
        print(f"seed_demo: {time.perf_counter() - started:.1f} s")
    province = Organisation.objects.get(kind=Organisation.Kind.PROVINCE)
    kcn = Organisation.objects.get(code="KCN")
    latest = Month.of(MonthlyFigure.objects.latest("month").month)
    print(f"database: {connection.vendor}; {MonthlyFigure.objects.count():,} monthly rows up to {latest}")
    print(f"{'what':<58}{'median ms':>10}{'max ms':>9}{'queries':>9}")
    cases = [
        (
            "selector, province, 01/2018–03/2021",
            lambda: progress_report(start=Month(2018, 1), end=Month(2021, 3), scope=Scope(province)),
        ),
        (
            f"selector, province, 01/2018–{latest}",
            lambda: progress_report(start=Month(2018, 1), end=latest, scope=Scope(province)),
        ),
        (
            "selector, one federation (KCN), 01/2018–03/2021",
            lambda: progress_report(start=Month(2018, 1), end=Month(2021, 3), scope=Scope(kcn)),
        ),
        (
            "selector, non-state sector, 01/2018–03/2021",
            lambda: progress_report(start=Month(2018, 1), end=Month(2021, 3), scope=Scope(province, "non_state")),
        ),
        (
            "restated on today's structure, province, 01/2018–03/2021",
            lambda: progress_report(
                start=Month(2018, 1), end=Month(2021, 3), scope=Scope(province, structure=Structure.TODAY)
            ),
        ),
        (
            f"restated on today's structure, province, 01/2018–{latest}",
            lambda: progress_report(start=Month(2018, 1), end=latest, scope=Scope(province, structure=Structure.TODAY)),
        ),
        (
            "restated on today's structure, KCN, 01/2018–03/2021",
            lambda: progress_report(
                start=Month(2018, 1), end=Month(2021, 3), scope=Scope(kcn, structure=Structure.TODAY)
            ),
        ),
        (
            "command `report --from 2018-01 --to 2021-03`",
            lambda: call_command("report", "--from", "2018-01", "--to", "2021-03", stdout=StringIO()),
        ),
    ]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="lanhdao"))
    url = reverse("reports:progress")
    cases.append(
        (
            "page /reports/ (leader), 01/2018–03/2021, rendered",
            lambda: client.get(url, {"start": "2018-01", "end": "2021-03", "org": province.code}),
        )
    )
    cases.append(
        (
            "page /reports/ restated (structure=today), rendered",
            lambda: client.get(url, {"start": "2018-01", "end": "2021-03", "org": province.code, "structure": "today"}),
        )
    )
    for label, action in cases:
        median, worst = timed(action, RUNS)
        print(f"{label:<58}{median:>10.1f}{worst:>9.1f}{queries(action):>9}")


if __name__ == "__main__":
    main()
