"""How fast a province-wide reorganisation plan is checked, previewed, applied and undone.

    .venv/bin/python bench/reorg_speed.py                       # SQLite (a scratch file, removed after)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/unionportal_bench_reorg .venv/bin/python bench/reorg_speed.py

Builds its own province in a scratch database (named *bench*: it is emptied): 15 district unions
with 100 CĐCS each (1,500) and a sector union with 50, two years of monthly rows (07/2023–06/2025)
and 10 people in the register of each CĐCS, quotas for 2025 and 2026; then a plan effective 07/2025
that ends every district union: 40 % of the CĐCS pass to the province directly, 20 % move to 30 new
commune unions, 40 % are merged or ended (half into 150 new CĐCS, a quarter into CĐCS of the sector
union, a quarter into CĐCS that pass to the province). Times the draft (plan_create_draft), the
checks (plan_problems) and the preview (plan_preview), median of a few runs, then one plan_apply
and one plan_undo, with their queries, and how long each step that their job's page shows takes.
Target (issue 21): apply in seconds, not minutes. Prints figures; asserts only that the work was
done."""

import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/reorg-bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from members.figures.summary import summary_rebuild  # noqa: E402
from members.models import (  # noqa: E402
    Affiliation,
    GrassrootsUnion,
    Member,
    MonthlyFigure,
    Organisation,
    Role,
    UserProfile,
)
from members.register.people import search_key  # noqa: E402
from reorganisation.models import Plan  # noqa: E402
from reorganisation.planning import plan_preview, plan_problems  # noqa: E402
from reorganisation.services import plan_apply, plan_create_draft, plan_undo  # noqa: E402
from targets.models import Programme, Quota  # noqa: E402
from unionportal.lib.bulk import insert_many  # noqa: E402
from unionportal.lib.months import Month, month_range  # noqa: E402
from unionportal.testing.timing import queries, timed  # noqa: E402

DISTRICTS, PER_DISTRICT, SECTOR_CDCS, PEOPLE = 15, 100, 50, 10
FIRST, LAST, M = Month(2023, 7), Month(2025, 6), Month(2025, 7)
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def build():
    if "bench" not in Path(str(connection.settings_dict["NAME"])).name:
        sys.exit(f"{connection.settings_dict['NAME']}: this script empties its database; use one named *bench*.")
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    province = Organisation.objects.create(code="TN", name="LĐLĐ tỉnh", kind=Organisation.Kind.PROVINCE)
    districts = [
        Organisation.objects.create(code=f"H{n:02d}", name=f"LĐLĐ huyện {n}", kind="district", parent=province)
        for n in range(1, DISTRICTS + 1)
    ]
    sector = Organisation.objects.create(code="NGANH", name="Công đoàn ngành", kind="sector", parent=province)
    owners = [district for district in districts for _ in range(PER_DISTRICT)] + [sector] * SECTOR_CDCS
    unions = [
        GrassrootsUnion(
            code=f"C{n:05d}", name=f"CĐCS {n}", employer=f"Đơn vị {n}", sector="public" if n % 3 else "private",
            workers=150, founded_on=date(2015, 1, 1),
        )
        for n in range(len(owners))
    ]  # fmt: skip
    insert_many(unions, returning=True)
    since = date(2015, 1, 1)
    insert_many([Affiliation(cdcs=c, federation=o, valid_from=since) for c, o in zip(unions, owners, strict=True)])
    rng = random.Random("bench-reorg")
    figures = []
    for cdcs, org in zip(unions, owners, strict=True):
        stock = rng.randint(10, 120)
        for month in month_range(FIRST, LAST):
            admitted, lost = rng.randint(0, 3), rng.randint(0, 2)
            lost = min(lost, stock + admitted)
            figures.append(
                MonthlyFigure(
                    cdcs=cdcs, federation=org, month=month.first_day, members_start=stock, admitted=admitted,
                    lost_job=lost, members_end=stock + admitted - lost, workers=150,
                )
            )  # fmt: skip
            stock += admitted - lost
    insert_many(figures)
    insert_many(
        [
            Member(cdcs=cdcs, full_name=f"Người {cdcs.pk}-{n}", search_name=search_key(f"Người {cdcs.pk}-{n}"),
                   joined_on=date(2020, 1, 1))
            for cdcs in unions
            for n in range(PEOPLE)
        ]
    )  # fmt: skip
    programme = Programme.objects.create(
        name="Chương trình", document_number="04/CTr", document_date=date(2023, 1, 1), first_year=2023, last_year=2028
    )
    Quota.objects.bulk_create(
        Quota(programme=programme, organisation=org, year=year, new_members=300, new_unions=10, trained_officers=40)
        for org in [*districts, sector]
        for year in (2025, 2026)
    )
    summary_rebuild()
    user = get_user_model().objects.create_user("bantochuc", password="bench-2026")
    UserProfile.objects.create(user=user, role=Role.PROVINCIAL_STAFF)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  built {len(unions):,} CĐCS, {len(figures):,} monthly rows in {time.perf_counter() - started:.0f} s")
    return districts, unions[: DISTRICTS * PER_DISTRICT], unions[DISTRICTS * PER_DISTRICT :], user


def plan_data(districts, leaving, sector_cdcs):
    """40 % to the province, 20 % moved to commune unions, 40 % merged or ended."""
    communes = [{"code": f"XA{n:02d}", "name": f"Công đoàn xã {n}", "kind": "commune"} for n in range(1, 31)]
    new_cdcs = [
        {"code": f"N{n:03d}", "name": f"CĐCS hợp nhất {n}", "sector": "public", "union_code": communes[n % 30]["code"]}
        for n in range(150)
    ]
    lines, to_province, merged = [], [], 0
    for index, cdcs in enumerate(leaving):
        share = index % 10
        if share < 4:
            lines.append({"cdcs_code": cdcs.code, "action": "to_province"})
            to_province.append(cdcs.code)
        elif share < 6:
            lines.append({"cdcs_code": cdcs.code, "action": "move", "union_code": communes[index % 30]["code"]})
        elif share < 8:
            lines.append({"cdcs_code": cdcs.code, "action": "merge", "target_code": new_cdcs[merged % 150]["code"]})
            merged += 1
        elif share == 8:
            target = sector_cdcs[index % len(sector_cdcs)].code
            lines.append({"cdcs_code": cdcs.code, "action": "merge", "target_code": target})
        else:
            lines.append({"cdcs_code": cdcs.code, "action": "end", "target_code": to_province[-1]})
    return {
        "endings": [org.code for org in districts],
        "new_unions": communes,
        "new_cdcs": new_cdcs,
        "lines": lines,
        "quotas": [],
    }


class StepClock:
    """A progress reporter that notes when each step starts."""

    def __init__(self):
        self.marks = []

    def step(self, words: str, total: int = 0) -> None:
        self.marks.append((f"{words} ({total})" if total else str(words), time.perf_counter()))

    def advance(self, count: int = 1) -> None:
        pass

    def lap(self):
        pairs = zip(self.marks, self.marks[1:], strict=False)
        return [(words, (after - at) * 1000) for (words, at), (_, after) in pairs]


def main():
    districts, leaving, sector_cdcs, user = build()
    print(f"database: {connection.vendor}")
    data = plan_data(districts, leaving, sector_cdcs)
    started = time.perf_counter()
    plan = plan_create_draft(name="Đề án sắp xếp", effective_month=M, user=user, **data)
    print(f"{'plan_create_draft':<22}{(time.perf_counter() - started) * 1000:>10.0f} ms   {len(data['lines'])} lines")

    print(f"{'what':<22}{'median ms':>10}{'max ms':>9}{'queries':>9}")
    for label, action in (("plan_problems", lambda: plan_problems(plan)), ("plan_preview", lambda: plan_preview(plan))):
        median, slowest = timed(action, RUNS)
        print(f"{label:<22}{median:>10.0f}{slowest:>9.0f}{queries(action):>9}")
    problems = plan_problems(plan)
    assert problems == [], [str(problem) for problem in problems[:5]]

    clocks = []
    for label, action in (("plan_apply", plan_apply), ("plan_undo", plan_undo)):
        clocks.append((label, StepClock()))
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            action(plan=plan, user=user, progress=clocks[-1][1])
            elapsed = (time.perf_counter() - started) * 1000
            clocks[-1][1].step("")  # the end of the last step
        print(f"{label:<22}{elapsed:>10.0f}{'':>9}{len(context.captured_queries):>9}")
    for label, clock in clocks:  # the steps the job's page shows (reorganisation.jobs), and their time
        print(f"\n{label}, step by step as its job's page shows them:")
        for words, milliseconds in clock.lap():
            print(f"  {milliseconds:>8.0f} ms  {words}")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.UNDONE
    assert not Organisation.objects.filter(code="XA01").exists()


if __name__ == "__main__":
    main()
