"""The member register at the size of the largest provinces: 2.5 million members in 25,000 CĐCS under
60 upper-level unions (bench/register_data.py builds it). Prints p50 / p95 / max of each case, the
machine's load beside them, and an anchor where one means something; asserts only that the work
was done (and that no page shows an ID number whole).

    # PostgreSQL, the target (the database's name must contain "bench"; created when missing):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/register_bench .venv/bin/python bench/register_scale.py
    … bench/register_scale.py --rebuild            # load the province again even if it is there
    … bench/register_scale.py --only search,person # some of: search, person, import, reconcile, counts
    # SQLite, smaller (a file in the temporary directory, kept for the next run):
    .venv/bin/python bench/register_scale.py --members 200000

The first run empties the database and builds the province with COPY (about ten minutes on two
cores at 2.5 million; printed phase by phase); later runs find it by its marker (the province's
name carries the sizes) and reuse it. Then, each case over many queries:
- search (members.register.people.member_search, as the people page runs it: a page of 50 and the
  count) for common names, rare names, full names, names without diacritics, the last four digits
  of an ID number (the only part of one that finds anyone) and a whole ID number, as provincial
  staff (the whole province) and as the industrial zones' union's staff (3,000 CĐCS);
- a member's page (members:person) through the test client, as provincial staff and as the
  union's staff, each checked to show the ID number masked and never whole;
- a 20,000-person list (.xlsx by openpyxl) for a CĐCS of the union that starts its register:
  uploaded, previewed and confirmed through the pages (UPLOAD_MAX_ROWS is raised to 20,000 for it:
  a province with CĐCS that large sets it so); what it wrote is deleted afterwards;
- the reconciliation page of the 3,000-CĐCS union for 11/2026, and its selector alone;
- the register's monthly counts for the whole province (register_figures over every CĐCS, and
  the province's reconciliation page that shows them per union).
Targets (issue 22): search p95 < 100 ms, a member's page < 100 ms, the list < 15 s, the
reconciliation page < 500 ms, the province's counts < 2 s."""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
os.environ.setdefault("UPLOAD_MAX_ROWS", "20000")  # the 20,000-person list (see the docstring)

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--members", type=int, default=2_500_000, help="members of the province (2,500,000)")
parser.add_argument("--cdcs", type=int, default=0, help="CĐCS (default: one per 100 members)")
parser.add_argument("--rebuild", action="store_true", help="build the province again even if it is there")
parser.add_argument("--only", default="search,person,import,reconcile,counts", help="the cases to run")
parser.add_argument("--list", type=int, default=20_000, help="people on the uploaded list (20,000)")
OPTIONS = parser.parse_args()
OPTIONS.cdcs = OPTIONS.cdcs or OPTIONS.members // 100
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.gettempdir()}/register_bench_{OPTIONS.members}.sqlite3"

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
logging.getLogger("axes").setLevel(logging.WARNING)  # each force_login would say so

from bench_database import bench_database_ready  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from register_data import Province, province_build, province_load  # noqa: E402
from register_timing import (  # noqa: E402
    anchor_search_page,
    counts_in_python,
    import_case,
    search_page,
)

from members.access import members_visible_to  # noqa: E402
from members.figures.reconcile import federation_reconciliation, province_reconciliation  # noqa: E402
from members.models import GrassrootsUnion, Member, Organisation  # noqa: E402
from members.register.people import mask_id, register_figures  # noqa: E402
from members.register.search import COUNT_CAP  # noqa: E402

TARGETS = {"search": 100, "person": 100, "import": 15_000, "reconcile": 500, "counts": 2_000}


def database_ready() -> None:
    name = bench_database_ready()
    version = connection.Database.sqlite_version if connection.vendor == "sqlite" else ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version'), current_setting('jit')")
            version = "{} (jit {})".format(*cursor.fetchone())
    print(f"database: {connection.vendor} {version}, {name}; {os.cpu_count()} CPU; Django {django.get_version()}")


def load() -> str:
    return "load " + ", ".join(f"{value:.2f}" for value in os.getloadavg())


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95, ordered[-1]


def line(label: str, samples: list[float], *, target: float | None = None, extra: str = "") -> None:
    p50, p95, worst = percentiles(samples)
    verdict = "" if target is None else ("  ok" if p95 < target else f"  MISSED (< {target:.0f})")
    print(f"  {label:<58}{p50:>9.1f}{p95:>9.1f}{worst:>9.1f}{len(samples):>5}  {extra}{verdict}", flush=True)


def header(title: str) -> None:
    print(f"\n{title} ({load()})")
    print(f"  {'':<58}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'n':>5}")


def queries(action) -> int:
    """How many queries one call of `action` makes (counted at once: a request empties the log)."""
    with CaptureQueriesContext(connection) as captured:
        action(None)
    return len(captured)


def sampled(action, inputs, *, rounds: int = 2) -> list[float]:
    """Each input once to warm up, then `rounds` timed passes over all of them."""
    for value in inputs:
        action(value)
    samples = []
    for _ in range(rounds):
        for value in inputs:
            started = time.perf_counter()
            action(value)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


# --- search ----------------------------------------------------------------------------------


def search_queries(rng: random.Random) -> dict[str, list[str]]:
    """Twenty queries of each kind, drawn from the register as people would type them."""
    common_family = ["nguyen", "Nguyễn Văn", "Trần Thị", "le thi", "pham van", "Hoàng", "thi", "van", "Nguyễn Thị"]
    common_given = ["hùng", "huong", "Linh", "anh", "nguyen van hung", "nguyen thi huong", "tran van nam"]
    sample = list(
        Member.objects.filter(pk__in=[rng.randint(1, OPTIONS.members) for _ in range(400)]).values_list(
            "full_name", "search_name", "id_number"
        )
    )
    rare = list(Member.objects.filter(search_name__startswith=" mac ").values_list("full_name", flat=True)[:10]) + list(
        Member.objects.filter(search_name__startswith=" khong ").values_list("full_name", flat=True)[:10]
    )
    numbers = [number for _name, _key, number in sample if number]
    return {
        "common names": (common_family + common_given + ["le", "tran", "pham", "dang"])[:20],
        "rare names": rare[:20],
        "full names": [name for name, _key, _number in sample[:20]],
        "without diacritics": [key.strip() for _name, key, _number in sample[20:40]],
        "ID number, last 4 digits": [number[-4:] for number in numbers[:20]],
        "ID number, whole": numbers[20:40],
    }


def search_case(province: Province) -> None:
    queries = search_queries(random.Random("register-search"))
    for who in ("bantochuc", "canbo.kcn"):
        user = province.users[who]
        header(f"Search as {who} ({'the whole province' if who == 'bantochuc' else 'the 3,000-CĐCS union'})")
        for kind, inputs in queries.items():
            found = []

            def ours(query, user=user, found=found):
                listed = search_page(user, query)
                found.append(COUNT_CAP + 1 if listed.capped else listed.page.paginator.count)

            samples = sampled(ours, inputs)
            counts = [f"> {COUNT_CAP:,}" if n > COUNT_CAP else f"{n:,}" for n in (min(found), max(found))]
            extra = f"found {counts[0]}–{counts[1]}"
            line(kind, samples, target=TARGETS["search"], extra=extra)
        client = Client()
        client.force_login(user)

        def people(query, client=client):  # the page itself: the search posted, then the list
            response = client.post(reverse("members:people"), {"q": query}, follow=True)
            assert response.status_code == 200

        line("the people page, POST → list (common names)", sampled(people, queries["common names"][:10]))
        for kind in ("common names", "ID number, last 4 digits"):
            scope = members_visible_to(user)
            samples = sampled(lambda query, scope=scope: anchor_search_page(scope, query), queries[kind], rounds=1)
            line(f"  anchor: {kind}, the whole count and page (before)", samples)


# --- a member's page --------------------------------------------------------------------------


def person_case(province: Province) -> None:
    rng = random.Random("register-person")
    big_ids = list(
        GrassrootsUnion.objects.filter(affiliations__federation=province.big).values_list("pk", flat=True)[:3000]
    )
    everyone = [rng.randint(1, OPTIONS.members) for _ in range(30)]
    theirs = list(
        Member.objects.filter(cdcs_id__in=rng.sample(big_ids, min(30, len(big_ids)))).values_list("pk", flat=True)[:30]
    )
    header("A member's page (members:person, through the test client)")
    for who, pks in (("bantochuc", everyone), ("canbo.kcn", theirs)):
        client = Client()
        client.force_login(province.users[who])
        numbers = dict(Member.objects.filter(pk__in=pks).values_list("pk", "id_number"))

        def page(pk, client=client, numbers=numbers):
            response = client.get(reverse("members:person", kwargs={"pk": pk}))
            assert response.status_code == 200, response.status_code
            text = response.content.decode()
            if numbers.get(pk):
                assert numbers[pk] not in text and mask_id(numbers[pk]) in text, "the ID number is not masked"

        count = queries(lambda _, page=page, pk=pks[0]: page(pk))
        line(f"as {who}", sampled(page, pks), target=TARGETS["person"], extra=f"{count} queries")
    pk = everyone[0]
    samples = sampled(lambda pk: list(Member.objects.filter(pk=pk).prefetch_related("events")), [pk] * 10)
    line("  anchor: the member and their events, plain ORM", samples)


# --- reconciliation and the province's counts --------------------------------------------------


def reconcile_case(province: Province) -> None:
    client = Client()
    client.force_login(province.users["bantochuc"])
    url = reverse("members:reconcile", kwargs={"code": province.big.code, "month": province.month})
    cdcs = GrassrootsUnion.objects.filter(affiliations__federation=province.big).count()
    header(f"Reconciliation of the {cdcs:,}-CĐCS union, {province.month}")

    def page(_):
        response = client.get(url)
        assert response.status_code == 200 and b"data-status" in response.content

    count = queries(page)
    line(
        "the page (members:reconcile)",
        sampled(page, [None] * 5),
        target=TARGETS["reconcile"],
        extra=f"{count} queries",
    )
    samples = sampled(lambda _: federation_reconciliation(federation=province.big, month=province.month), [None] * 5)
    line("  its selector, federation_reconciliation", samples)


def counts_case(province: Province) -> None:
    header(f"The register's monthly counts for the whole province, {province.month}")
    unions = list(GrassrootsUnion.objects.only("pk", "register_from"))
    samples = sampled(lambda _: register_figures(unions, province.month), [None] * 3)
    line(f"register_figures, {len(unions):,} CĐCS", samples, target=TARGETS["counts"])
    client = Client()
    client.force_login(province.users["bantochuc"])
    url = reverse("members:reconcile_province") + f"?month={province.month.iso}"

    def page(_):
        assert client.get(url).status_code == 200

    line("the province's reconciliation page", sampled(page, [None] * 3), target=TARGETS["counts"])
    federations = list(Organisation.objects.federations())
    samples = sampled(lambda _: province_reconciliation(federations=federations, month=province.month), [None] * 3)
    line("  its selector, province_reconciliation", samples)
    samples = sampled(lambda _: counts_in_python(province.month), [None], rounds=1)
    line("  anchor: every event read and counted in Python", samples)


def main() -> None:
    setup_test_environment()
    database_ready()
    province = None if OPTIONS.rebuild else province_load(members=OPTIONS.members, cdcs=OPTIONS.cdcs)
    if province is None:
        print(f"building {OPTIONS.members:,} members in {OPTIONS.cdcs:,} CĐCS ({load()}) …", flush=True)
        started = time.perf_counter()
        province, seconds = province_build(members=OPTIONS.members, cdcs=OPTIONS.cdcs)
        for phase, spent in seconds.items():
            print(f"  {phase:<40}{spent:8.1f} s")
        print(f"  {'generation, in all':<40}{time.perf_counter() - started:8.1f} s ({load()})")
    else:
        print(
            f"reusing the province of {OPTIONS.members:,} members in {OPTIONS.cdcs:,} CĐCS (--rebuild to load it again)"
        )
    cases = {
        "search": search_case,
        "person": person_case,
        "import": lambda province: import_case(province, people=OPTIONS.list, target=TARGETS["import"], load=load),
        "reconcile": reconcile_case,
        "counts": counts_case,
    }
    for name in filter(None, OPTIONS.only.split(",")):
        cases[name.strip()](province)
    print(f"\ndone ({load()}; {date.today()})")


if __name__ == "__main__":
    main()
