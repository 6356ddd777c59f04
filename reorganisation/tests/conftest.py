"""A small province for the reorganisation's tests, built through the real services.

DT (a district union, the one plans end) has D1…D5 with 10, 20, 30, 40 and 50 members at the end
of June 2025; PB (a district union that stays) has P1 and P2 with 5 and 7. The plans take effect
in July 2025 (M). The programme 2023–2028 gives DT 120/12/24 in 2025 and 100/10/20 in 2026
(new members / new CĐCS / officers trained) and PB 50/5/10 in 2025."""

from dataclasses import dataclass, field
from datetime import date

import pytest

from members.figures.services import FigureEntry, figures_record_many
from members.models import (
    Affiliation,
    FederationMonth,
    GrassrootsUnion,
    Member,
    MemberEvent,
    MemberTransfer,
    MonthlyFigure,
    Organisation,
)
from reorganisation.services import plan_create_draft
from targets.models import Programme, Quota
from unionportal.lib.months import Month
from unionportal.testing.province import cdcs_create, federation_create

M = Month(2025, 7)
MAY, JUNE, AUGUST = Month(2025, 5), Month(2025, 6), Month(2025, 8)


@dataclass
class Province:
    province: Organisation
    dt: Organisation
    pb: Organisation
    cdcs: dict[str, GrassrootsUnion] = field(default_factory=dict)
    programme: Programme | None = None

    def __getitem__(self, code: str) -> GrassrootsUnion:
        return self.cdcs[code]


def database() -> dict:
    """Every row the plan may change, every field but the summary's ids."""
    return {
        "figures": list(MonthlyFigure.objects.order_by("pk").values()),
        "affiliations": list(Affiliation.objects.order_by("pk").values()),
        "cdcs": list(GrassrootsUnion.objects.order_by("pk").values()),
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "quotas": list(Quota.objects.order_by("pk").values()),
        "members": list(Member.objects.order_by("pk").values()),
        "events": list(MemberEvent.objects.order_by("pk").values()),
        "transfers": list(MemberTransfer.objects.order_by("pk").values()),
        "summary": sorted(FederationMonth.objects.values_list(*(f.name for f in FederationMonth._meta.fields[1:]))),
    }


def record_month(month: Month, stocks: dict[GrassrootsUnion, int], *, opening: bool = False) -> None:
    """Each CĐCS's month through figures_record_many: the opening balance, or as many admitted
    as it takes to reach the stock given."""
    entries = []
    for cdcs, stock in stocks.items():
        if opening:
            entries.append(FigureEntry(cdcs=cdcs, members_start=stock))
        else:
            previous = cdcs.figures.filter(month__lt=month.first_day).order_by("-month").first()
            entries.append(FigureEntry(cdcs=cdcs, admitted=stock - previous.members_end))
    figures_record_many(month=month, entries=entries, user=None)


@pytest.fixture
def world(province) -> Province:
    dt = federation_create(province, "DT", "LĐLĐ huyện Đại Từ", active_from=date(2010, 1, 1))
    pb = federation_create(province, "PB", "LĐLĐ huyện Phú Bình")
    world = Province(province=province, dt=dt, pb=pb)
    stocks = {"D1": 10, "D2": 20, "D3": 30, "D4": 40, "D5": 50, "P1": 5, "P2": 7}
    for number, code in enumerate(stocks, start=1):
        federation = dt if code.startswith("D") else pb
        world.cdcs[code] = cdcs_create(federation, number, code=code, name=f"CĐCS {code}")
    # May: the opening balances, one fewer each; June: one admitted each.
    record_month(MAY, {world[code]: stock - 1 for code, stock in stocks.items()}, opening=True)
    record_month(JUNE, {world[code]: stock for code, stock in stocks.items()})
    world.programme = Programme.objects.create(
        name="Chương trình phát triển đoàn viên", document_number="04/CTr", document_date=date(2023, 1, 5),
        first_year=2023, last_year=2028,
    )  # fmt: skip
    Quota.objects.create(programme=world.programme, organisation=dt, year=2025, new_members=120, new_unions=12,
                         trained_officers=24)  # fmt: skip
    Quota.objects.create(programme=world.programme, organisation=dt, year=2026, new_members=100, new_unions=10,
                         trained_officers=20)  # fmt: skip
    Quota.objects.create(programme=world.programme, organisation=pb, year=2025, new_members=50, new_unions=5,
                         trained_officers=10)  # fmt: skip
    return world


def line(code: str, action: str, *, union: str = "", target: str = "") -> dict:
    return {"cdcs_code": code, "action": action, "union_code": union, "target_code": target}


# The plan most tests apply: every kind of line, one new commune union and one new CĐCS.
FULL_LINES = [
    line("D1", "move", union="PB"),
    line("D2", "to_province"),
    line("D3", "merge", target="P1"),
    line("D4", "merge", target="N1"),
    line("D5", "end", target="N1"),
]
NEW_UNIONS = [{"code": "XA1", "name": "Công đoàn xã Hùng Sơn", "kind": "commune"}]
NEW_CDCS = [{"code": "N1", "name": "CĐCS Trường liên cấp Hùng Sơn", "sector": "public", "union_code": "XA1"}]


@pytest.fixture
def make_plan(world, provincial_staff):
    def make(*, lines=FULL_LINES, endings=("DT",), new_unions=NEW_UNIONS, new_cdcs=NEW_CDCS, quotas=(), **extra):
        return plan_create_draft(
            name="Đề án sắp xếp công đoàn cấp trên", decision="Quyết định 15/QĐ-LĐLĐ", effective_month=M,
            endings=list(endings), new_unions=list(new_unions), new_cdcs=list(new_cdcs), lines=list(lines),
            quotas=list(quotas), user=provincial_staff, **extra,
        )  # fmt: skip

    return make
