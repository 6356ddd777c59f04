"""The demo province's reorganisation of July 2025, as the provinces made theirs: the district
unions (LĐLĐ huyện, thành phố, thị xã) end on 30/06/2025. Of their CĐCS, those of state
administrative units and public service units with fewer than SMALL members merge, commune by
commune, into one new CĐCS of the commune or ward union (for example "CĐCS Khối cơ quan, đơn vị
phường Phan Đình Phùng"); the state-owned and foreign-invested enterprises and the large non-state
ones pass to the province directly (its block "CĐCS trực thuộc LĐLĐ tỉnh"); the others move to the
new commune and ward unions (members.demo.tables.COMMUNE_UNIONS: by the place in their name, or
in turn). The sector unions and the industrial-zone union stay. The ended unions' quotas follow
pro rata by the members each destination received.

seed_demo writes the figures up to 06/2025, then calls `seed_reorganisation`, which drafts the
plan from what the portal holds then, applies it through the reorganisation services (the same
as the page), and tells the demo's generator what changed, so that the months from 07/2025 on are
generated on the new structure."""

import re

from django.db.models import IntegerField, OuterRef, Subquery

from members.demo.tables import COMMUNE_UNIONS, REORGANISATION
from members.models import GrassrootsUnion, MonthlyFigure, Organisation, Sector
from members.services.org import direct_block

from .models import Plan, PlanLine
from .services import plan_apply, plan_create_draft

SMALL = 30  # a public CĐCS with fewer members at the end of 06/2025 merges into its commune's new CĐCS
LARGE = 150  # a non-state enterprise's CĐCS with at least this many passes to the province directly
NAME = "Đề án sắp xếp tổ chức công đoàn cấp trên trực tiếp cơ sở từ ngày 01/7/2025"
DECISION = "Quyết định số 125/QĐ-LĐLĐ ngày 20/6/2025"
TO_PROVINCE_SECTORS = (Sector.SOE, Sector.FDI)


def _cdcs_before(month, districts: dict[int, str]) -> list[dict]:
    """The CĐCS of the district unions at the end of the month before `month`, with their members then."""
    before = month - 1
    latest = MonthlyFigure.objects.filter(cdcs=OuterRef("pk"), month__lte=before.first_day).order_by("-month")
    return list(
        GrassrootsUnion.objects.with_federation_at(before)
        .filter(federation_at_id__in=list(districts), founded_on__lte=before.last_day)
        .exclude(dissolved_on__lte=before.last_day)
        .annotate(stock=Subquery(latest.values("members_end")[:1], output_field=IntegerField()))
        .order_by("code")
        .values("code", "name", "employer", "sector", "stock", "federation_at_id")
    )


def _union_of(cdcs: dict, district: str) -> str:
    """The commune or ward union a CĐCS of `district` goes to: by the place in its name, else in turn."""
    unions = COMMUNE_UNIONS[district]
    for code, _name, places in unions:
        if any(place in cdcs["employer"] for place in places):
            return code
    number = int(re.sub(r"\D", "", cdcs["code"]) or 0)
    return unions[number % len(unions)][0]


def demo_plan(month=REORGANISATION) -> dict:
    """The plan as plan_create_draft takes it, drafted from what the portal holds before `month`."""
    districts = dict(
        Organisation.objects.filter(code__in=COMMUNE_UNIONS, active_to__isnull=True).values_list("pk", "code")
    )
    names = {code: name for unions in COMMUNE_UNIONS.values() for code, name, _places in unions}
    lines, new_cdcs, used = [], {}, set()
    for number, cdcs in enumerate(_cdcs_before(month, districts), start=1):
        union = _union_of(cdcs, districts[cdcs["federation_at_id"]])
        members = cdcs["stock"] or 0
        line = {"line_no": number, "cdcs_code": cdcs["code"], "action": PlanLine.Action.MOVE, "union_code": union}
        if cdcs["sector"] == Sector.PUBLIC and members < SMALL:
            place = names[union].removeprefix("Công đoàn ")
            new_cdcs.setdefault(
                union,
                {
                    "code": f"CS-{union}",
                    "name": f"CĐCS Khối cơ quan, đơn vị {place}",
                    "employer": f"Các cơ quan, đơn vị sự nghiệp {place}",
                    "sector": Sector.PUBLIC,
                    "union_code": union,
                },
            )
            line.update(action=PlanLine.Action.MERGE, union_code="", target_code=f"CS-{union}")
        elif cdcs["sector"] in TO_PROVINCE_SECTORS or (cdcs["sector"] != Sector.PUBLIC and members >= LARGE):
            line.update(action=PlanLine.Action.TO_PROVINCE, union_code="")
        lines.append(line)
        used.add(union)
    return {
        "name": NAME,
        "decision": DECISION,
        "effective_month": month,
        "quota_rule": Plan.QuotaRule.MEMBERS,
        "endings": sorted(districts.values()),
        "new_unions": [
            {"code": code, "name": name, "kind": Organisation.Kind.COMMUNE}
            for unions in COMMUNE_UNIONS.values()
            for code, name, _places in unions
            if code in used
        ],
        "new_cdcs": list(new_cdcs.values()),
        "lines": lines,
        "quotas": [],
    }


def seed_reorganisation(*, world) -> Plan | None:
    """Apply the demo's July 2025 plan to the demo province (members.demo.province.DemoProvince),
    paused before that month, and tell its generator what changed. Nothing when the demo ends
    before the reorganisation."""
    if not world.paused or world.written + 1 != REORGANISATION:
        return None
    staff = world.users["bantochuc"]
    spec = demo_plan(REORGANISATION)
    plan = plan_apply(plan=plan_create_draft(**spec, user=staff), user=staff)
    block = direct_block().code
    world.builder.reorganise(
        month=REORGANISATION,
        moves={
            line["cdcs_code"]: line["union_code"] or block
            for line in spec["lines"]
            if line["action"] != PlanLine.Action.MERGE
        },
        merges={
            line["cdcs_code"]: line["target_code"] for line in spec["lines"] if line["action"] == PlanLine.Action.MERGE
        },
        founded=[
            {key: data[key] for key in ("code", "name", "employer", "sector")} | {"federation": data["union_code"]}
            for data in spec["new_cdcs"]
        ],
    )
    return plan
