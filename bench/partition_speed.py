"""The monthly figures with and without partitioning by year (migration members 0015), on a share of
the country, and what reads on a replica cost a request. PostgreSQL only; prints, asserts nothing.

    .venv/bin/pip install -r bench/requirements.txt          # pandas and numpy, for national_data.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/replica_bench .venv/bin/python bench/partition_speed.py
    … bench/partition_speed.py --cdcs 30000 --runs 5 --rebuild   # the defaults, and load it again

The first run empties the database (its name must contain "bench"), creating it if missing, and
loads --cdcs CĐCS of bench/national_data.py's country 2018–2023 (30,000: about 2 million monthly
rows under 700 federations). Then, for each layout, the plain table and the table partitioned by
year (the migration's own rebuild, timed: what `migrate` costs a production database of this
size), it times a federation-month grid read (the largest federation, 12/2023), one month of the
whole country, a year's sums per federation, one CĐCS's six years, inserting a month of the whole
country (COPY), re-saving a federation-month (the grid's UPDATE), the summary rebuilt from 01/2023,
and the whole summary rebuilt. Writes are rolled back and vacuumed away. The machine's other work
changes over minutes: each layout is made and timed twice in turn (--rounds), the summary once,
and the best and the median of each case's runs are printed. It leaves the table partitioned, as
`migrate` made it.

Last, the router (unionportal/replica.py): the alias `replica` is pointed at this same database
(DATABASE_REPLICA_URL = DATABASE_URL unless given), and a leader's drill-down page is timed read
on the primary and read through the replica, beside the router's decisions in microseconds."""

import argparse
import importlib
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
if os.environ.get("DATABASE_URL"):
    os.environ.setdefault("DATABASE_REPLICA_URL", os.environ["DATABASE_URL"])

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--cdcs", type=int, default=30_000, help="CĐCS of the country share (30,000: ~2M rows)")
parser.add_argument("--runs", type=int, default=5, help="timed runs of each fast case, after a warm-up (5)")
parser.add_argument("--rebuild", action="store_true", help="load the country share again even if it is there")
parser.add_argument("--only", choices=("partitions", "router"), help="time only one of the two parts")
parser.add_argument("--rounds", type=int, default=2, help="times each layout is made and timed, in turn (2)")
OPTIONS = parser.parse_args()

import django  # noqa: E402

django.setup()

from bench_database import bench_database_ready  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, router, transaction  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from members.figures.grid import grid_read  # noqa: E402
from members.figures.summary import summary_rebuild, summary_refresh  # noqa: E402
from members.models import FLOW_FIELDS, GrassrootsUnion, MonthlyFigure, Organisation, Role, UserProfile  # noqa: E402
from unionportal.lib.bulk import insert_rows, update_many  # noqa: E402
from unionportal.lib.months import Month  # noqa: E402
from unionportal.replica import replica_usable, wrote_recently  # noqa: E402

partitioning = importlib.import_module("members.migrations.0015_monthlyfigure_by_year")
DECEMBER, YEAR = Month(2023, 12), 2023


def load() -> str:
    return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def database_ready() -> None:
    name = bench_database_ready(postgres_only="PostgreSQL only: DATABASE_URL=postgres://…/replica_bench")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version')")
        print(f"database: PostgreSQL {cursor.fetchone()[0]}, {name}; {os.cpu_count()} CPU; {load()}")


def country_ready() -> None:
    from national_data import national_build  # bench/, beside this script

    if not OPTIONS.rebuild and GrassrootsUnion.objects.filter(code__startswith="N").count() == OPTIONS.cdcs:
        return
    print(f"loading {OPTIONS.cdcs:,} CĐCS of bench/national_data.py …", flush=True)
    seconds = national_build(cdcs=OPTIONS.cdcs)
    print("  " + ", ".join(f"{phase} {value:.0f} s" for phase, value in seconds.items()))


def partitioned() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = 'members_monthlyfigure'::regclass")
        return cursor.fetchone()[0] == "p"


def layout(by_year: bool) -> float:
    """Make the table plain or partitioned (the migration's rebuild); its seconds, 0 if it was so."""
    if partitioned() == by_year:
        return 0.0
    started = time.perf_counter()
    with transaction.atomic():
        partitioning.rebuild(connection, by_year=by_year)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE members_monthlyfigure")
    return seconds


def rolled_back(action):
    """`action` in a transaction rolled back, then the table vacuumed (the rows it wrote and took
    back would otherwise weigh on every case after it). Returns the milliseconds of the action and
    its rollback, without the vacuum."""

    def run() -> float:
        started = time.perf_counter()
        with transaction.atomic():
            action()
            transaction.set_rollback(True)
        elapsed = (time.perf_counter() - started) * 1000
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE members_monthlyfigure")
            cursor.execute("VACUUM ANALYZE members_federationmonth")
        return elapsed

    return run


def cases() -> dict:
    """label → (action, runs, whether it is timed in every round or in the first only)."""
    federation = (
        Organisation.objects.filter(figures__month=DECEMBER.first_day)
        .annotate(rows=Count("figures"))
        .order_by("-rows")
        .first()
    )
    cdcs_id = MonthlyFigure.objects.filter(month=DECEMBER.first_day).values_list("cdcs_id", flat=True).first()
    december = list(
        MonthlyFigure.objects.filter(month=DECEMBER.first_day).values_list(
            "cdcs_id", "federation_id", "members_end", "workers"
        )
    )
    resaved = list(MonthlyFigure.objects.filter(month=DECEMBER.first_day, federation=federation))
    federation_ids = list(Organisation.objects.federations().values_list("pk", flat=True))
    sums = {field: Sum(field) for field in FLOW_FIELDS}
    now = timezone.now()

    def insert_month():
        names = ["cdcs_id", "month", "federation_id", "members_start", "members_end", "workers", "updated_at"]
        january = Month(2024, 1).first_day
        rows = [(cdcs, january, fed, end, end, workers, now) for cdcs, fed, end, workers in december]
        insert_rows(MonthlyFigure, names, rows)

    def resave():
        for row in resaved:
            row.admitted, row.members_end = row.admitted + 1, row.members_end + 1
        update_many(resaved, ["admitted", "members_end"])

    runs = OPTIONS.runs
    return {
        f"grid read, {federation.code} 12/2023 ({len(resaved):,} CĐCS)": (
            lambda: grid_read(federation=federation, month=DECEMBER),
            runs,
            True,
        ),
        f"one month of the country, sums (12/2023, {len(december):,} rows)": (
            lambda: MonthlyFigure.objects.filter(month=DECEMBER.first_day).aggregate(**sums),
            runs,
            True,
        ),
        "a year's sums per federation (2023)": (
            lambda: list(
                MonthlyFigure.objects.filter(month__year=YEAR).values("federation_id").annotate(**sums).order_by()
            ),
            runs,
            True,
        ),
        "one CĐCS's rows, no month in the query (2018–2023)": (
            lambda: list(MonthlyFigure.objects.filter(cdcs_id=cdcs_id).order_by("month")),
            runs,
            True,
        ),
        f"inserting a month of the country (COPY, {len(december):,} rows)": (rolled_back(insert_month), runs, True),
        f"re-saving a federation-month (UPDATE … FROM VALUES, {len(resaved):,})": (
            rolled_back(resave),
            runs,
            True,
        ),
        "summary of every federation rebuilt from 01/2023": (
            rolled_back(lambda: summary_refresh(federation_ids=federation_ids, since=Month(YEAR, 1))),
            1,
            False,
        ),
        "summary rebuilt whole (summary_rebuild)": (rolled_back(summary_rebuild), 1, False),
    }


def samples(action, runs: int) -> list[float]:
    """Milliseconds of `runs` calls of `action`, after one to warm up (as the action says, when it
    times itself: rolled_back leaves its vacuum out)."""
    action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        own = action()
        times.append(own if isinstance(own, float) else (time.perf_counter() - started) * 1000)
    return times


def compare() -> None:
    """Plain, then by year, then both again: the machine's other work changes over minutes, so
    each layout is timed twice in turn; the best and the median of all its runs are shown."""
    figures = {}
    summary_rebuild()  # so that the timed refreshes start from a built summary
    for round_ in range(OPTIONS.rounds):
        for by_year in (False, True):
            name = "by year" if by_year else "plain"
            seconds = layout(by_year)
            if seconds:
                print(f"table made {name}: {seconds:.1f} s (the migration's rebuild, in one transaction); {load()}")
            for label, (action, runs, every_round) in cases().items():
                if round_ and not every_round:
                    continue
                times = figures.setdefault(label, {}).setdefault(name, [])
                times += samples(action, runs)
                print(f"  {name:<10}{label:<76}{min(times):>10.1f} ms", flush=True)
    print(f"\n{'best of the runs, then their median (ms)':<76}{'plain':>18}{'by year':>18}{'ratio':>7}   ({load()})")
    for label, by_layout in figures.items():
        plain, by_year = by_layout["plain"], by_layout["by year"]
        shown = [f"{min(times):8.1f} {statistics.median(times):8.1f}" for times in (plain, by_year)]
        print(f"{label:<76}{shown[0]:>18}{shown[1]:>18}{min(plain) / min(by_year):>7.2f}")


def leader_client() -> Client:
    user, created = get_user_model().objects.get_or_create(username="bench.lanhdao")
    if created:
        UserProfile.objects.create(user=user, role=Role.LEADERSHIP)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def microseconds(action, calls: int = 20_000) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        action()
    return (time.perf_counter() - started) / calls * 1e6


def router_overhead() -> None:
    replica = settings.DATABASES.get("replica", {})
    print(f"\nreads on a replica: alias `replica` on {replica.get('HOST')}:{replica.get('PORT')}/{replica.get('NAME')}")
    client = leader_client()
    code = GrassrootsUnion.objects.filter(code__startswith="N").order_by("code").values_list("code", flat=True)[0]
    url = reverse("reports:cdcs_months", kwargs={"code": code}) + "?start=2023-01&end=2023-12"
    runs = max(OPTIONS.runs * 10, 50)
    samples = {False: [], True: []}
    for run in range(runs + 1):  # in turns, so that the machine's other work weighs on both alike
        for reads in (False, True):
            settings.REPLICA_READS = reads
            started = time.perf_counter()
            client.get(url)
            if run:  # the first turn warms up
                samples[reads].append((time.perf_counter() - started) * 1000)
    pages = {reads: statistics.median(values) for reads, values in samples.items()}
    request = RequestFactory().get(url)
    rows = [
        ("a CĐCS's months page, read on the primary", f"{pages[False]:8.2f} ms  (median of {runs})"),
        ("the same, read through the alias `replica`", f"{pages[True]:8.2f} ms  ({pages[True] - pages[False]:+.2f})"),
        ("router.db_for_read outside a request", f"{microseconds(lambda: router.db_for_read(MonthlyFigure)):8.2f} µs"),
        ("the replica's health, verdict cached", f"{microseconds(replica_usable):8.2f} µs"),
        ("the 'wrote recently' cookie checked", f"{microseconds(lambda: wrote_recently(request)):8.2f} µs"),
    ]
    for label, figure in rows:
        print(f"  {label:<46}{figure}")
    print(f"({load()})")


def main():
    database_ready()
    country_ready()
    print(f"{MonthlyFigure.objects.count():,} monthly rows, {GrassrootsUnion.objects.count():,} CĐCS; {load()}")
    if OPTIONS.only != "router":
        compare()
    if OPTIONS.only != "partitions":
        router_overhead()


if __name__ == "__main__":
    main()
