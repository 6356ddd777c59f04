"""Applying a plan, in bulk: the organisations and CĐCS it founds, the affiliations from the
effective month M, the monthly rows re-pointed at their new federations, the month-M rows of the
CĐCS merged or ended (closing) and of the CĐCS taking in their members (receiving), the register,
the CĐCS and unions ended, the quotas handed on. Each step notes in `record` what it created and
what it changed, which is all undo.py needs to put everything back.

Called by services.plan_apply inside its transaction and summary batch, after plan_problems
found nothing; a lock found here (a month approved in between) still refuses the whole."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext as _

from members.figures.locks import ensure_months_open, returns_touch
from members.figures.services import FigureEntry, figures_record_many
from members.models import (
    LOSS_FIELDS,
    Affiliation,
    GrassrootsUnion,
    LossReason,
    MonthlyFigure,
    Organisation,
    federation_at_subquery,
)
from members.register.moves import members_close_many
from members.services.org import direct_block
from unionportal.lib.bulk import insert_many, update_many
from unionportal.lib.formatting import count
from unionportal.lib.progress import SILENT, Reporter

from .context import DIRECT, PlanContext
from .models import PlanLine
from .records import figure_values, snapshot_figures

ENDING = (PlanLine.Action.MERGE, PlanLine.Action.END)


class Applier:
    """One application of one plan: the context it was checked against, the user, and the record."""

    def __init__(self, context: PlanContext, user, progress: Reporter = SILENT):
        self.context = context
        self.user = user
        self.progress = progress
        self.month = context.month
        self.record: dict = {"month": self.month.iso}
        self.federation_of_key: dict[str, Organisation] = {}
        self.cdcs_of_code: dict[str, GrassrootsUnion] = {}

    def run(self) -> dict:
        context = self.context
        line_ids = [line.cdcs_id for line in context.lines]
        target_codes = {line.target_code for line in context.ending_lines}
        targets = [state.pk for state in context.cdcs.values() if state.code in target_codes]
        words = {"count": count(len(line_ids)), "month": self.month}
        self.progress.step(_("Ghi lại số liệu tháng %(month)s trở đi của %(count)s CĐCS (để hoàn tác)") % words)
        self.record["figures_before"] = snapshot_figures(line_ids + targets, self.month)
        self.progress.step(_("Thành lập công đoàn cấp trên và CĐCS mới"))
        self._found_unions()
        self._found_cdcs()
        self.progress.step(_("Chuyển %(count)s CĐCS sang đơn vị mới từ tháng %(month)s") % words)
        self._affiliate()
        self._repoint_figures(line_ids)
        self.progress.step(_("Chuyển đoàn viên của các CĐCS hợp nhất, kết thúc (số liệu tháng %(month)s)") % words)
        moved = self._transfer_members()
        self.progress.step(_("Chuyển sổ đoàn viên của các CĐCS hợp nhất, kết thúc"))
        self._register()
        self.progress.step(_("Kết thúc CĐCS và công đoàn cấp trên theo đề án"))
        self._end_cdcs()
        self._end_unions()
        self.record["figures_created"] = list(
            MonthlyFigure.objects.filter(
                cdcs_id__in=line_ids + targets + self.record["new_cdcs"], month__gte=self.month.first_day
            )
            .exclude(pk__in=[row[0] for row in self.record["figures_before"]])
            .values_list("pk", flat=True)
        )
        self.record["members_transferred"] = moved
        self.record["touched_cdcs"] = line_ids + targets + self.record["new_cdcs"]
        return self.record

    # --- organisations and CĐCS ----------------------------------------------------------------

    def _found_unions(self) -> None:
        context, first = self.context, self.month.first_day
        province = context.province
        position = max((org.position for org in context.orgs.values()), default=0)
        unions = [
            Organisation(
                code=union.code, name=union.name, kind=union.kind, parent=province, position=position + index,
                active_from=first,
            )
            for index, union in enumerate(context.new_unions, start=1)
        ]  # fmt: skip
        insert_many(unions, returning=True)
        for plan_union, org in zip(context.new_unions, unions, strict=True):
            plan_union.organisation = org
            self.federation_of_key[org.code] = org
        update_many(context.new_unions, ["organisation"])
        self.record["new_unions"] = [org.pk for org in unions]
        for org in context.orgs.values():
            self.federation_of_key[context.key_of(org.pk)] = org
        self.record["direct_block_created"] = self.record["direct_block_active_from"] = None
        if context.needs_direct_block():
            existed = context.direct
            block = direct_block(create=True, month=self.month)  # active from M at the latest
            self.federation_of_key[DIRECT] = block
            if existed is None:
                self.record["direct_block_created"] = block.pk
            elif existed.active_from != block.active_from:
                self.record["direct_block_active_from"] = [block.pk, existed.active_from.isoformat()]

    def _found_cdcs(self) -> None:
        context, first = self.context, self.month.first_day
        workers = defaultdict(int)
        for line in context.ending_lines:
            workers[line.target_code] += context.cdcs[line.cdcs_id].workers
        created = [
            GrassrootsUnion(
                code=cdcs.code, name=cdcs.name, employer=cdcs.employer, sector=cdcs.sector,
                workers=workers[cdcs.code], founded_on=first, founded_by_reorganisation=True,
                founding_decision=context.plan.decision[:100],
            )
            for cdcs in context.new_cdcs
        ]  # fmt: skip
        insert_many(created, returning=True)
        for plan_cdcs, cdcs in zip(context.new_cdcs, created, strict=True):
            plan_cdcs.cdcs = cdcs
            self.cdcs_of_code[cdcs.code] = cdcs
        update_many(context.new_cdcs, ["cdcs"])
        affiliations = [
            Affiliation(
                cdcs=cdcs, federation=self.federation_of_key[context.union_key(plan.union_code)], valid_from=first
            )
            for plan, cdcs in zip(context.new_cdcs, created, strict=True)
        ]
        insert_many(affiliations, returning=True)
        self.record["new_cdcs"] = [cdcs.pk for cdcs in created]
        self.record["affiliations_created"] = [affiliation.pk for affiliation in affiliations]

    def _affiliate(self) -> None:
        """Every CĐCS of a line belongs from M to its destination (for a merger or an end, the
        federation of the CĐCS taking in its members)."""
        context, first = self.context, self.month.first_day
        wanted = {line.cdcs_id: self.federation_of_key[context.destination(line)] for line in context.lines}
        existing = list(Affiliation.objects.filter(cdcs_id__in=list(wanted), valid_from=first))
        self.record["affiliations_changed"] = [[item.pk, item.federation_id] for item in existing]
        for item in existing:
            item.federation = wanted.pop(item.cdcs_id)
        update_many(existing, ["federation"])
        created = [
            Affiliation(cdcs_id=cdcs_id, federation=federation, valid_from=first)
            for cdcs_id, federation in wanted.items()
        ]
        insert_many(created, returning=True)
        self.record["affiliations_created"] += [item.pk for item in created]

    def _repoint_figures(self, cdcs_ids: list[int]) -> None:
        """Rows of M and later belong to the federation of their month (both sides must be open)."""
        changes = list(
            MonthlyFigure.objects.filter(cdcs_id__in=cdcs_ids, month__gte=self.month.first_day)
            .annotate(federation_then=Subquery(federation_at_subquery(OuterRef("cdcs_id"), OuterRef("month"))))
            .exclude(federation_id=F("federation_then"))
            .values_list("pk", "federation_id", "federation_then", "month")
        )
        pairs = {(old, month) for _pk, old, _new, month in changes} | {
            (new, month) for _pk, _old, new, month in changes
        }
        ensure_months_open(pairs)
        by_federation = defaultdict(list)
        for pk, _old, new, _month in changes:
            by_federation[new].append(pk)
        for federation_id, pks in by_federation.items():
            MonthlyFigure.objects.filter(pk__in=pks).update(federation_id=federation_id)
        returns_touch(pairs, self.user)

    # --- members ----------------------------------------------------------------------------------

    def _transfer_members(self) -> int:
        """Month M: each CĐCS merged or ended hands all its members on (transferred out, and as
        much in reorg_out), the CĐCS named takes them in (transferred in, and reorg_in); the
        months already entered after M of the receiving CĐCS carry the members forward."""
        context = self.context
        first = self.month.first_day.isoformat()
        rows_m = {
            values["cdcs_id"]: values
            for values in map(figure_values, self.record["figures_before"])
            if values["month"] == first
        }
        moved_out, received = {}, defaultdict(int)
        entries = []
        for line in context.ending_lines:
            state, row = context.cdcs[line.cdcs_id], rows_m.get(line.cdcs_id)
            members = row["members_end"] if row else (state.stock if state.has_previous else 0)
            if row is None and not members:
                continue
            moved_out[line.cdcs_id] = members
            received[line.target_code] += members
            entries.append(_closing_entry(line.cdcs, row, members))
        for code, members in received.items():
            if not members:
                continue
            cdcs = self.cdcs_of_code.get(code) or context.cdcs_by_code[code]
            if isinstance(cdcs, GrassrootsUnion):
                entries.append(FigureEntry(cdcs=cdcs, transferred_in=members, workers=cdcs.workers))
            else:
                entries.append(self._receiving_entry(cdcs, rows_m.get(cdcs.pk), members))
        if not entries:
            return 0
        rows = figures_record_many(month=self.month, entries=entries, user=self.user)
        by_cdcs = {row.cdcs_id: row for row in rows}
        changed = []
        for cdcs_id, members in moved_out.items():
            by_cdcs[cdcs_id].reorg_out += members
            changed.append(by_cdcs[cdcs_id])
        for code, members in received.items():
            if members:
                row = by_cdcs[(self.cdcs_of_code.get(code) or context.cdcs_by_code[code]).pk]
                row.reorg_in += members
                changed.append(row)
        update_many(changed, ["reorg_in", "reorg_out"])
        return sum(moved_out.values())

    def _receiving_entry(self, state, row: dict | None, members: int) -> FigureEntry:
        cdcs = GrassrootsUnion(pk=state.pk, code=state.code, name=state.name)
        if row is not None:
            return FigureEntry(
                cdcs=cdcs,
                admitted=row["admitted"],
                transferred_in=row["transferred_in"] + members,
                lost={reason.value: row[field] for reason, field in LOSS_FIELDS.items()},
            )
        opening = {}
        if not state.has_previous and state.founded_on < self.month.first_day:
            opening["members_start"] = state.stock  # its first month in the portal: the later opening, or 0
        return FigureEntry(cdcs=cdcs, transferred_in=members, **opening)

    def _register(self) -> None:
        """Members in the register of a CĐCS merged or ended move to the one taking them in."""
        context = self.context
        ending, federations = {}, {}
        for line in context.ending_lines:
            target = self.cdcs_of_code.get(line.target_code)
            if target is None:
                state = context.cdcs_by_code[line.target_code]
                target = GrassrootsUnion(pk=state.pk, code=state.code, name=state.name)
            ending[line.cdcs] = target
            federations[line.cdcs_id] = self.federation_of_key[context.destination(line)]
        closed = members_close_many(
            ending, on=self.month.first_day, user=self.user, source="web", federations=federations
        )
        self.record["members_moved"] = closed.members
        self.record["member_events"] = closed.events
        self.record["transfers_cancelled"] = closed.transfers

    # --- endings ----------------------------------------------------------------------------------

    def _end_cdcs(self) -> None:
        context, first = self.context, self.month.first_day
        plan_name = context.plan.name
        ended = []
        before = []
        for line in context.ending_lines:
            cdcs = line.cdcs
            before.append([cdcs.pk, None, cdcs.dissolution_reason, cdcs.merged_into_id, cdcs.ended_by_reorganisation])
            target = self.cdcs_of_code.get(line.target_code)
            if line.action == PlanLine.Action.MERGE:
                target_name = target.name if target else context.cdcs_by_code[line.target_code].name
                reason = _("Hợp nhất vào %(code)s – %(name)s theo đề án %(plan)s") % {
                    "code": line.target_code, "name": target_name, "plan": plan_name,
                }  # fmt: skip
                cdcs.merged_into_id = target.pk if target else context.cdcs_by_code[line.target_code].pk
            else:
                reason = _("Kết thúc hoạt động theo đề án %(plan)s; đoàn viên chuyển sang %(code)s") % {
                    "plan": plan_name, "code": line.target_code,
                }  # fmt: skip
            cdcs.dissolved_on, cdcs.ended_by_reorganisation = first, True
            cdcs.dissolution_reason = reason[:255]
            ended.append(cdcs)
        update_many(ended, ["dissolved_on", "dissolution_reason", "merged_into", "ended_by_reorganisation"])
        self.record["cdcs_ended"] = before

    def _end_unions(self) -> None:
        last_day = self.month.first_day - timedelta(days=1)
        self.record["unions_ended"] = [
            [org.pk, org.active_to.isoformat() if org.active_to else None] for org in self.context.endings
        ]
        for org in self.context.endings:
            org.active_to = last_day
        update_many(self.context.endings, ["active_to"])


def _closing_entry(cdcs: GrassrootsUnion, row: dict | None, members: int) -> FigureEntry:
    lost = {reason.value: row[field] for reason, field in LOSS_FIELDS.items()} if row else {}
    lost[LossReason.TRANSFERRED_OUT.value] = lost.get(LossReason.TRANSFERRED_OUT.value, 0) + members
    if row is None:
        return FigureEntry(cdcs=cdcs, lost=lost)
    return FigureEntry(cdcs=cdcs, admitted=row["admitted"], transferred_in=row["transferred_in"], lost=lost)
