"""How fast the reports and the dashboard are at national scale (10 million monthly rows) and on
the demo province, beside plain-ORM and pandas anchors. PostgreSQL only; prints, asserts nothing.

    .venv/bin/pip install -r bench/requirements.txt          # pandas (numpy comes with it)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_bench .venv/bin/python bench/dashboard_speed.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_bench .venv/bin/python bench/dashboard_speed.py --demo
    … bench/dashboard_speed.py --rebuild --cdcs 150000 --runs 10   # load the country again; the defaults
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_bench make bench   # both modes

National (the default): the first run empties the database (its name must contain "bench"),
creating it if missing, and loads a whole country's programme 2018–2023 (bench/national_data.py:
700 federations under a root "NAT", 150,000 CĐCS of which ~40 % non-state, ~12 % founded and ~4 %
dissolved during the programme, ~10 million monthly rows, yearly quotas) with COPY: about ten
minutes on two cores. Later runs reuse it (the root NAT and ≥ 9 million rows); --rebuild loads it
again. Every run rebuilds the summary (members.figures.summary.summary_rebuild) and times it, then times,
for 2023, a plain ORM sum of the monthly rows per federation, the same in pandas over the rows
already in memory, and ours: progress_report for the whole country and for the largest federation,
and the summary's own sum, the whole programme 2018–2023, and the dashboard page as a leader sees
it: page 1, page 3 sorted by progress, a search (target 300 ms each), and the officers card the page
loads apart. Where progress_report misses its target, its slowest query is EXPLAIN ANALYZEd.

--demo: the demo province (manage.py seed_demo, about 100,000 monthly rows) in a database of its
own, DATABASE_URL's name with "_demo" appended (unionportal_bench_demo), migrated and seeded when
new; times the dashboard page as the leader "lanhdao" sees it (this year, the province) and the
selectors under it."""

import argparse
import io
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--demo", action="store_true", help="the demo province instead of the country")
parser.add_argument("--rebuild", action="store_true", help="load the country again even if it is there")
parser.add_argument("--runs", type=int, default=10, help="timed runs of each case, after a warm-up (10)")
parser.add_argument("--cdcs", type=int, default=150_000, help="CĐCS of the country (150,000: ~10M rows)")
parser.add_argument("--keep-summary", action="store_true", help="time the summary's rebuild only when it is missing")
OPTIONS = parser.parse_args()
if OPTIONS.demo and os.environ.get("DATABASE_URL"):
    url = urlsplit(os.environ["DATABASE_URL"])
    if not url.path.endswith("_demo"):
        os.environ["DATABASE_URL"] = urlunsplit(url._replace(path=url.path + "_demo"))

import django  # noqa: E402

django.setup()

import pandas as pd  # noqa: E402
from bench_database import bench_database_ready  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from members.figures.summary import summary_rebuild  # noqa: E402
from members.models import (  # noqa: E402
    FLOW_FIELDS,
    FederationMonth,
    MonthlyFigure,
    Organisation,
    Role,
    UserProfile,
)
from reports.selectors import Scope, progress_report  # noqa: E402
from unionportal.lib.months import Month  # noqa: E402
from unionportal.testing.timing import timed  # noqa: E402

TARGET_MS = {"national": 50, "federation": 15, "country page": 300, "demo page": 150}


def database_ready() -> None:
    name = bench_database_ready(
        postgres_only="This benchmark runs on PostgreSQL only: DATABASE_URL=postgres://…/unionportal_bench"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), current_setting('jit')")
        version, jit = cursor.fetchone()
    print(f"database: PostgreSQL {version} (jit {jit}), {name}; {os.cpu_count()} CPU; Django {django.get_version()}")


# --- measuring -----------------------------------------------------------------------------


def captured(action) -> list[dict]:
    with CaptureQueriesContext(connection) as context:
        action()
    return context.captured_queries


def header() -> None:
    # Other work on the machine shows in the figures: say how busy it was.
    print("\nload average (1, 5, 15 min): " + ", ".join(f"{load:.2f}" for load in os.getloadavg()))
    print(f"{'what':<66}{'median ms':>10}{'max ms':>9}{'queries':>9}")


def measure(label: str, action, runs: int, *, target: float | None = None) -> float:
    median, worst = timed(action, runs)
    queries = "" if label.startswith("pandas") else len(captured(action))
    verdict = "" if target is None else ("  ok" if median <= target else f"  > {target:.0f} ms")
    print(f"{label:<66}{median:>10.1f}{worst:>9.1f}{queries:>9}{verdict}", flush=True)
    return median


def explain(label: str, action) -> None:
    """Where the time of `action` goes: each query's time, the rest (Python), and EXPLAIN ANALYZE
    of its slowest query."""
    started = time.perf_counter()
    queries = captured(action)
    total = (time.perf_counter() - started) * 1000
    in_sql = sum(float(query["time"]) for query in queries) * 1000
    print(f"\n“{label}”: {total:.0f} ms, of which SQL {in_sql:.0f} ms in {len(queries)} queries, the rest Python:")
    for query in queries:
        print(f"  {float(query['time']) * 1000:6.0f} ms  {query['sql'][:100]} …")
    slowest = max(queries, key=lambda query: float(query["time"]))
    print(f"slowest query ({float(slowest['time']) * 1000:.0f} ms):")
    print(slowest["sql"][:1500] + (" …" if len(slowest["sql"]) > 1500 else ""))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        print("\n".join(row[0] for row in cursor.fetchall()))


def orm_year_sums(year: int):
    """The plain ORM anchor: a year's flows summed per federation from the monthly rows."""
    return list(
        MonthlyFigure.objects.filter(month__year=year)
        .order_by()
        .values("federation")
        .annotate(**{f"sum_{column}": Sum(column) for column in FLOW_FIELDS})
    )


def summary_year_sums(year: int):
    """The same from the summary (FederationMonth), both sector groups together."""
    return list(
        FederationMonth.objects.filter(month__year=year)
        .order_by()
        .values("federation")
        .annotate(**{f"sum_{column}": Sum(column) for column in FLOW_FIELDS})
    )


def pandas_year(year: int) -> pd.DataFrame:
    """The year's monthly rows in a DataFrame, read through COPY (the fastest way in)."""
    buffer = io.StringIO()
    columns = ", ".join(("federation_id", "cdcs_id", "month", *FLOW_FIELDS))
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY (SELECT {columns} FROM members_monthlyfigure "
            f"WHERE month BETWEEN '{year}-01-01' AND '{year}-12-01') TO STDOUT WITH CSV HEADER",
            buffer,
        )
    buffer.seek(0)
    return pd.read_csv(buffer, parse_dates=["month"])


# --- the two modes -------------------------------------------------------------------------


def national() -> None:
    import national_data

    runs = OPTIONS.runs
    if OPTIONS.rebuild or not national_data.national_exists():
        print(f"loading the country ({OPTIONS.cdcs:,} CĐCS) …", flush=True)
        started = time.perf_counter()
        phases = national_data.national_build(cdcs=OPTIONS.cdcs)
        details = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in phases.items())
        print(f"generation: {time.perf_counter() - started:.0f} s ({details})")
    else:
        print("the country is loaded already (--rebuild to load it again)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), min(month), max(month), count(DISTINCT cdcs_id) FROM members_monthlyfigure")
        rows, first, last, unions = cursor.fetchone()
        cursor.execute(  # the table and its partitions by year, where it has them
            "SELECT pg_size_pretty(SUM(pg_total_relation_size(relid))) FROM pg_partition_tree('members_monthlyfigure')"
        )
        size = cursor.fetchone()[0]
    federations = Organisation.objects.federations().count()
    print(f"{rows:,} monthly rows ({size} with indexes), {first:%m/%Y}–{last:%m/%Y}, ", end="")
    print(f"{unions:,} CĐCS, {federations} federations")

    if OPTIONS.keep_summary and FederationMonth.objects.exists():
        print(f"the summary is kept (--keep-summary): {FederationMonth.objects.count():,} FederationMonth rows")
    else:
        started = time.perf_counter()
        summary_rebuild()
        rebuilt = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE members_federationmonth")
            cursor.execute("VACUUM ANALYZE members_sectormonth")
        print(f"summary_rebuild: {rebuilt:.0f} s, {FederationMonth.objects.count():,} FederationMonth rows")

    year = 2023
    started = time.perf_counter()
    frame = pandas_year(year)
    loading = time.perf_counter() - started
    memory = frame.memory_usage(deep=True).sum() / 2**20
    print(f"pandas: {len(frame):,} rows of {year} loaded in {loading:.1f} s, {memory:.0f} MiB in memory")

    root = Organisation.objects.get(code=national_data.ROOT)
    largest_id = (
        MonthlyFigure.objects.filter(month__year=year)
        .order_by()
        .values("federation")
        .annotate(rows=Count("id"))
        .order_by("-rows")[0]["federation"]
    )
    largest = Organisation.objects.get(pk=largest_id)
    federation_rows = int((frame["federation_id"] == largest_id).sum())
    print(f"largest federation: {largest.code}, {federation_rows:,} rows in {year}")
    start, end = Month(year, 1), Month(year, 12)
    flows = list(FLOW_FIELDS)

    header()
    measure(f"anchor: ORM Σ flows per federation, {year}, MonthlyFigure", lambda: orm_year_sums(year), runs)
    pandas_country = measure(
        f"pandas: groupby(federation) Σ flows, {year}, in memory",
        lambda: frame.groupby("federation_id")[flows].sum(),
        runs,
    )
    pandas_one = measure(
        f"pandas: one federation ({largest.code}) Σ flows, {year}, in memory",
        lambda: frame.loc[frame["federation_id"] == largest_id, flows].sum(),
        runs,
    )
    programme = Month(national_data.FIRST.year, 1)
    ours = {
        "ours: progress_report, whole country, 01–12/2023": (
            lambda: progress_report(start=start, end=end, scope=Scope(root)),
            TARGET_MS["national"],
        ),
        f"ours: progress_report, one federation ({largest.code}), 01–12/2023": (
            lambda: progress_report(start=start, end=end, scope=Scope(largest)),
            TARGET_MS["federation"],
        ),
        f"ours: FederationMonth Σ flows per federation, {year}": (lambda: summary_year_sums(year), None),
        f"ours: progress_report, whole country, the programme {programme}–{end}": (
            lambda: progress_report(start=programme, end=end, scope=Scope(root)),
            None,
        ),
    }
    medians = {label: measure(label, action, runs, target=target) for label, (action, target) in ours.items()}
    # Beyond the targets: what a leader's dashboard costs at this scale.
    board = dashboard_selector()
    if board:
        measure(
            "more: reports.dashboard.dashboard(), whole country, 01–12/2023",
            lambda: board(start=start, end=end, scope=Scope(root)),
            runs,
        )
    client, (url, page) = leader_client("lanhdao.nat"), page_url()
    query = {"start": start.iso, "end": end.iso, "org": root.code}
    response = client.get(url, query)
    print(f"page: {url}, status {response.status_code}, {len(response.content) / 1024:.0f} KiB")
    pages = {
        f"ours: page {page} (a leader), whole country, 01–12/2023": query,
        "ours: the same, page 3 by progress (the furthest behind first)": {
            **query, "page": "3", "sort": "progress", "order": "asc",
        },
        "ours: the same, searching “huyen 12”": {**query, "q": "huyen 12"},
    }  # fmt: skip
    for label, parameters in pages.items():
        medians[label] = measure(
            label, lambda parameters=parameters: client.get(url, parameters), runs, target=TARGET_MS["country page"]
        )
    try:
        officers = reverse("reports:dashboard_officers")
    except NoReverseMatch:
        officers = None
    if officers:  # loaded by the page once shown: the officers of 150,000 CĐCS, one by one
        measure("more: the page's officers card, loaded apart", lambda: client.get(officers, query), runs)

    country, one = list(medians.values())[:2]
    print(f"\npandas in memory ÷ ours, whole country: {pandas_country / country:.2f}× (target ≥ 2×)")
    print(f"pandas in memory ÷ ours, one federation: {pandas_one / one:.2f}× (target ≥ 2×)")
    for label, (action, target) in ours.items():
        if target and medians[label] > target:
            explain(label, action)


def dashboard_selector():
    try:
        from reports.dashboard import dashboard
    except ImportError:
        print("(no reports.dashboard.dashboard yet: its line is left out)")
        return None
    return dashboard


def page_url() -> tuple[str, str]:
    try:
        return reverse("reports:dashboard"), "dashboard"
    except NoReverseMatch:
        print("(no reports:dashboard URL yet: the report page /reports/ is timed instead)")
        return reverse("reports:progress"), "progress"


def leader_client(username: str) -> Client:
    """A test client logged in as a leadership user (created when missing)."""
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        UserProfile.objects.create(user=user, role=Role.LEADERSHIP)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def demo() -> None:
    from members.demo.province import demo_exists
    from members.demo.tables import PROVINCE_CODE

    runs = max(OPTIONS.runs, 10)
    if not demo_exists():
        started = time.perf_counter()
        call_command("seed_demo", stdout=io.StringIO())
        print(f"seed_demo: {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    summary_rebuild()
    print(f"summary_rebuild: {time.perf_counter() - started:.1f} s, {FederationMonth.objects.count():,} rows")
    province = Organisation.objects.get(code=PROVINCE_CODE)
    latest = Month.last_complete(timezone.localdate())
    start = Month(latest.year, 1)
    print(f"{MonthlyFigure.objects.count():,} monthly rows; this year: {start}–{latest}")

    client, (url, page) = leader_client("lanhdao"), page_url()
    query = {"start": start.iso, "end": latest.iso, "org": province.code}
    print(f"page: {url}, status {client.get(url, query).status_code}")

    header()
    measure(
        f"ours: progress_report, province, {start}–{latest}",
        lambda: progress_report(start=start, end=latest, scope=Scope(province)),
        runs,
    )
    year = latest.year
    measure(f"ours: FederationMonth Σ flows per federation, {year}", lambda: summary_year_sums(year), runs)
    board = dashboard_selector()
    if board:
        measure(
            f"ours: reports.dashboard.dashboard(), province, {start}–{latest}",
            lambda: board(start=start, end=latest, scope=Scope(province)),
            runs,
        )
    target = TARGET_MS["demo page"]
    label = f"page {page} (leader lanhdao), province, {start}–{latest}"
    median = measure(label, lambda: client.get(url, query), runs, target=target)
    if median > target:
        explain(label, lambda: client.get(url, query))


def main():
    database_ready()
    demo() if OPTIONS.demo else national()


if __name__ == "__main__":
    main()
