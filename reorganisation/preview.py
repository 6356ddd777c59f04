"""What a plan would change, organisation by organisation: its CĐCS and members at the end of the
month before the effective month M (before) and at the start of M (after), and its quotas from M's
year on, before and after. The members of a CĐCS merged or ended into another are counted where
they go: at the federation of the CĐCS that takes them in."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from members.models import Organisation
from unionportal.lib.months import Month

from .context import DIRECT, PlanContext, plan_context
from .models import Plan, PlanLine
from .problems import PlanProblem, context_problems
from .quotas import KINDS, quota_moves


@dataclass(frozen=True)
class QuotaFigures:
    """One year's quotas of an organisation, summed over the programmes covering it."""

    new_members: int = 0
    new_unions: int = 0
    trained_officers: int = 0

    def __add__(self, other: "QuotaFigures") -> "QuotaFigures":
        return QuotaFigures(*(getattr(self, kind) + getattr(other, kind) for kind in KINDS))

    def __sub__(self, other: "QuotaFigures") -> "QuotaFigures":
        return QuotaFigures(*(getattr(self, kind) - getattr(other, kind) for kind in KINDS))


@dataclass
class OrgChange:
    """One organisation the plan touches. status: "ends", "new" or "changes"."""

    org_code: str
    org_name: str
    kind: str
    status: str
    unions_before: int = 0
    unions_after: int = 0
    members_before: int = 0
    members_after: int = 0
    quota_before: dict[int, QuotaFigures] = field(default_factory=dict)  # year → quotas
    quota_after: dict[int, QuotaFigures] = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return Organisation.Kind(self.kind).label

    @property
    def years(self) -> list[int]:
        return sorted(set(self.quota_before) | set(self.quota_after))


@dataclass(frozen=True)
class ProvinceTotals:
    unions_before: int
    unions_after: int
    members_before: int
    members_after: int


@dataclass
class PlanPreview:
    month: Month
    rows: list[OrgChange]
    province: ProvinceTotals
    problems: list[PlanProblem]


def plan_preview(plan: Plan) -> PlanPreview:
    """The plan's before and after, in a fixed number of queries (those of plan_context)."""
    context = plan_context(plan)
    problems = context_problems(context)
    rows = {key: _row(context, key) for key in _touched_keys(context)}
    unions_before = unions_after = members_before = members_after = 0
    for state in context.cdcs.values():
        if not state.alive_before or state.federation_before is None:
            continue
        unions_before += 1
        members_before += state.stock
        before = rows.get(context.key_of(state.federation_before))
        if before is not None:
            before.unions_before += 1
            before.members_before += state.stock
        line = context.line_of.get(state.pk)
        if line is not None and line.action in (PlanLine.Action.MERGE, PlanLine.Action.END):
            after_key, ends = context.destination(line), True
        else:
            after_key, ends = (context.destination(line) if line else context.key_of(state.federation_now)), False
        members_after += state.stock
        unions_after += 0 if ends else 1
        after = rows.get(after_key)
        if after is not None:
            after.unions_after += 0 if ends else 1
            after.members_after += state.stock
    for cdcs in context.new_cdcs:
        unions_after += 1
        row = rows.get(context.union_key(cdcs.union_code))
        if row is not None:
            row.unions_after += 1
    if not problems:
        _quotas_after(context, rows)
    province = ProvinceTotals(unions_before, unions_after, members_before, members_after)
    return PlanPreview(month=context.month, rows=list(rows.values()), province=province, problems=problems)


def _touched_keys(context: PlanContext) -> list[str]:
    """Ending unions first, then new ones, then the rest in the tree's order."""
    keys = [context.key_of(org.pk) for org in context.endings]
    keys += [union.code for union in context.new_unions]
    others = set()
    for line in context.lines:
        state = context.cdcs.get(line.cdcs_id)
        if state is not None and state.federation_now is not None:
            others.add(context.key_of(state.federation_now))
        others.add(context.destination(line))
    others |= {context.union_key(cdcs.union_code) for cdcs in context.new_cdcs}
    others.discard(None)
    existing = [key for key in others if key not in keys and (key == DIRECT or key in context.by_code)]
    position = {context.key_of(org.pk): (org.position, org.name) for org in context.orgs.values()}
    keys += sorted(existing, key=lambda key: position.get(key, (-1, "")))
    return keys


def _row(context: PlanContext, key: str) -> OrgChange:
    new = context.new_union_by_code.get(key)
    if new is not None:
        return OrgChange(new.code, new.name, new.kind, "new")
    org = context.direct if key == DIRECT else context.by_code[key]
    if org is None:  # the direct block, made by the plan
        province = context.province
        name = _("CĐCS trực thuộc %(province)s") % {"province": province.name if province else ""}
        return OrgChange("", name, Organisation.Kind.DIRECT.value, "new")
    status = "ends" if org.pk in context.ending_ids else "changes"
    row = OrgChange(org.code, org.name, org.kind, status)
    for quota in context.quotas:
        if quota.organisation_id == org.pk:
            figures = QuotaFigures(*(getattr(quota, kind) for kind in KINDS))
            row.quota_before[quota.year] = row.quota_before.get(quota.year, QuotaFigures()) + figures
    row.quota_after = dict(row.quota_before)
    return row


def _quotas_after(context: PlanContext, rows: dict[str, OrgChange]) -> None:
    handed: dict[tuple[str, int], QuotaFigures] = defaultdict(QuotaFigures)
    for move in quota_moves(context):
        figures = QuotaFigures(*move.amounts)
        handed[(context.key_of(move.from_id), move.year)] -= figures
        handed[(move.key, move.year)] += figures
    for (key, year), change in handed.items():
        row = rows.get(key)
        if row is not None:
            row.quota_after[year] = row.quota_after.get(year, QuotaFigures()) + change
