"""Undoing an applied plan from its undo record: everything it created is deleted and everything
it changed gets its former values back (monthly rows, affiliations, CĐCS, unions, quotas, the
register). Possible until anyone builds on the plan: a monthly row of M or later of a CĐCS it
touched written since, a return of M or later of a federation it touched submitted, a CĐCS put
under a union it founded, a member it moved recorded again."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from members.figures.locks import ensure_months_open, returns_touch
from members.models import (
    Affiliation,
    GrassrootsUnion,
    Member,
    MemberEvent,
    MemberTransfer,
    MonthlyFigure,
    MonthlyReturn,
    Organisation,
)
from members.services.common import short_moment
from unionportal.lib.bulk import update_many
from unionportal.lib.months import Month

from .models import Plan
from .quotas import quotas_restore
from .records import figures_restore


def undo_refusal(plan: Plan) -> str | None:
    """Why the plan can no longer be undone, or None. A fixed number of queries."""
    if plan.status != Plan.Status.APPLIED:
        return _("Chỉ hoàn tác được đề án đã áp dụng.")
    record, month = plan.undo_record, Month.of(plan.effective_month)
    created = set(record["new_unions"]) | ({record["direct_block_created"]} - {None})
    written = (
        MonthlyFigure.objects.filter(
            cdcs_id__in=record["touched_cdcs"], month__gte=month.first_day, updated_at__gt=plan.applied_at
        )
        .select_related("cdcs")
        .order_by("month", "cdcs__code")
        .first()
    )
    if written is not None:
        return _(
            "Đã có số liệu tháng %(month)s của %(cdcs)s nhập lúc %(when)s, sau khi áp dụng đề án: "
            "không thể hoàn tác nữa."
        ) % {"month": Month.of(written.month), "cdcs": written.cdcs, "when": short_moment(written.updated_at)}
    sent = (
        MonthlyReturn.objects.filter(
            federation_id__in=record["federations"],
            month__gte=month.first_day,
            status__in=[MonthlyReturn.Status.SUBMITTED, MonthlyReturn.Status.APPROVED],
        )
        .select_related("federation")
        .order_by("month")
        .first()
    )
    if sent is not None:
        return _("Báo cáo tháng %(month)s của %(org)s đã gửi hoặc đã duyệt: không thể hoàn tác nữa.") % {
            "month": Month.of(sent.month),
            "org": sent.federation.name,
        }
    joined = (
        Affiliation.objects.filter(federation_id__in=created)
        .exclude(pk__in=record["affiliations_created"])
        .select_related("cdcs", "federation")
        .first()
    )
    if joined is not None:
        return _("%(cdcs)s đã được đưa vào %(org)s sau khi áp dụng đề án: không thể hoàn tác nữa.") % {
            "cdcs": joined.cdcs,
            "org": joined.federation.name,
        }
    moved = [member_id for member_id, _cdcs in record["members_moved"]]
    later = MemberEvent.objects.filter(recorded_at__gt=plan.applied_at)
    if any(later.filter(member_id__in=batch).exists() for batch in batches(moved)):
        return _("Sổ đoàn viên đã ghi thêm biến động của đoàn viên được chuyển theo đề án: không thể hoàn tác nữa.")
    return None


def undo(plan: Plan, user) -> set[int]:
    """Put back what the plan changed; returns the federations whose summary must be refreshed."""
    record, month = plan.undo_record, Month.of(plan.effective_month)
    removed = set(record["new_unions"]) | ({record["direct_block_created"]} - {None})
    pairs = _month_pairs(record, month)
    ended = {pk for pk, _active_to in record["unions_ended"]}
    pairs |= {(pk, month.first_day) for pk in record["federations"] if pk not in ended}
    ensure_months_open(pairs)
    quotas_restore(record)
    _register_restore(record)
    _cdcs_restore(record)
    MonthlyFigure.objects.filter(pk__in=record["figures_created"]).delete()
    figures_restore(record["figures_before"])
    Affiliation.objects.filter(pk__in=record["affiliations_created"]).delete()
    update_many([Affiliation(pk=pk, federation_id=federation) for pk, federation in record["affiliations_changed"]],
                ["federation"])  # fmt: skip
    try:
        GrassrootsUnion.objects.filter(pk__in=record["new_cdcs"]).delete()
        update_many(
            [Organisation(pk=pk, active_to=_day(active_to)) for pk, active_to in record["unions_ended"]], ["active_to"]
        )
        if record.get("direct_block_active_from"):
            block, active_from = record["direct_block_active_from"]
            Organisation.objects.filter(pk=block).update(active_from=_day(active_from))
        MonthlyReturn.objects.filter(federation_id__in=removed).delete()
        Organisation.objects.filter(pk__in=removed).delete()
    except ProtectedError as error:
        names = ", ".join(sorted({str(item) for item in error.protected_objects})[:5])
        raise ValidationError(
            _("Đã có dữ liệu mới gắn với đơn vị do đề án lập (%(names)s): không thể hoàn tác.") % {"names": names}
        ) from None
    returns_touch({pair for pair in pairs if pair[0] not in removed}, user)
    return set(record["federations"]) - removed


def batches(ids: list[int], size: int = 10_000):
    """Ids in slices a statement can take (SQLite allows some 32,000 parameters)."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _month_pairs(record: dict, month: Month) -> set[tuple[int, date]]:
    """(federation, month) of every row the undo writes, where it is now and where it goes back."""
    now = MonthlyFigure.objects.filter(cdcs_id__in=record["touched_cdcs"], month__gte=month.first_day)
    pairs = set(now.values_list("federation_id", "month"))
    month_at, federation_at = 2, 3  # positions in a snapshot row: [id, cdcs, month, federation, …]
    pairs |= {(row[federation_at], date.fromisoformat(row[month_at])) for row in record["figures_before"]}
    return pairs


def _register_restore(record: dict) -> None:
    for batch in batches(record["member_events"]):
        MemberEvent.objects.filter(pk__in=batch).delete()
    update_many([Member(pk=pk, cdcs_id=cdcs_id) for pk, cdcs_id in record["members_moved"]], ["cdcs"])
    update_many(
        [
            MemberTransfer(
                pk=pk,
                status=status,
                decided_at=datetime.fromisoformat(decided_at) if decided_at else None,
                decision_note=note,
            )
            for pk, status, decided_at, note in record["transfers_cancelled"]
        ],
        ["status", "decided_at", "decision_note"],
    )


def _cdcs_restore(record: dict) -> None:
    update_many(
        [
            GrassrootsUnion(
                pk=pk,
                dissolved_on=_day(dissolved_on),
                dissolution_reason=reason,
                merged_into_id=merged_into,
                ended_by_reorganisation=ended,
            )
            for pk, dissolved_on, reason, merged_into, ended in record["cdcs_ended"]
        ],
        ["dissolved_on", "dissolution_reason", "merged_into", "ended_by_reorganisation"],
    )
