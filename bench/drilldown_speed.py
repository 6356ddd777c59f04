"""How fast the drill-downs and the meeting brief are on the demo province, over the widest range.

    DATABASE_URL=sqlite:////tmp/drill.sqlite3 .venv/bin/python bench/drilldown_speed.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal .venv/bin/python bench/drilldown_speed.py

Every federation's drill-down page (reports:federation_detail) and its Excel file from 01/2018
to the demo's last month, the months of the largest CĐCS, and the brief (page and .docx) for the
province, all as the leader sees them. Migrates and seeds the demo first when the database has
none. Prints figures (median and worst of a few runs, and the queries of one); asserts nothing:
the target is at most 1 s each on the demo province."""

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
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from members.demo.province import demo_exists  # noqa: E402
from members.models import GrassrootsUnion, MonthlyFigure, Organisation  # noqa: E402
from unionportal.lib.months import Month  # noqa: E402
from unionportal.testing.timing import queries, timed  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def get(client, url, query):
    def action():
        response = client.get(url, query)
        assert response.status_code == 200, (url, response.status_code)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)

    return action


def main():
    call_command("migrate", verbosity=0)
    if not demo_exists():
        started = time.perf_counter()
        call_command("seed_demo", stdout=StringIO())
        print(f"seed_demo: {time.perf_counter() - started:.1f} s")
    province = Organisation.objects.get(kind=Organisation.Kind.PROVINCE)
    latest = Month.of(MonthlyFigure.objects.latest("month").month)
    query = {"start": "2018-01", "end": latest.iso}
    print(f"database: {connection.vendor}; {MonthlyFigure.objects.count():,} monthly rows, range 01/2018–{latest}")

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="lanhdao"))
    cases = []
    for org in Organisation.objects.exclude(pk=province.pk).order_by("code"):
        url = reverse("reports:federation_detail", kwargs={"code": org.code})
        cases.append((f"drill-down {org.code}", get(client, url, query)))
    largest = GrassrootsUnion.objects.annotate(n=Count("figures")).order_by("-n", "code").first()
    for name, code in (("federation_detail_export", "TPTN"), ("cdcs_months", largest.code)):
        url = reverse(f"reports:{name}", kwargs={"code": code})
        cases.append((f"{name} {code}", get(client, url, query)))
    for name in ("brief", "brief_docx"):
        cases.append((f"{name} {province.code}", get(client, reverse(f"reports:{name}"), query)))

    print(f"{'what':<40}{'median ms':>10}{'max ms':>9}{'queries':>9}")
    worst = 0.0
    for label, action in cases:
        median, slowest = timed(action, RUNS)
        worst = max(worst, slowest)
        print(f"{label:<40}{median:>10.1f}{slowest:>9.1f}{queries(action):>9}")
    print(f"slowest of all: {worst:.0f} ms (target: 1000 ms)")


if __name__ == "__main__":
    main()
