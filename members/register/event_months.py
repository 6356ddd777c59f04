"""Which month a member register event counts in, and whether it may be written there.

An event (admitted, transferred in, lost, entered as a member already) counts in the month of its
day, for the federation the CĐCS belonged to that month (members.register.people.register_figures). Pages
say which before anything is saved ("tính vào số liệu tháng 03/2021"), and the services refuse:

- an event before the CĐCS's register starts (register_from): no month of the register would
  count it (someone who was a member before is entered as one, into the register's first month);
- an event in a month the federation's figures are approved and locked for, unless the user
  confirms it (confirm_month): the approved figures stay as they are and the reconciliation will
  show that month differing from the register, which is right when the paperwork came late."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from unionportal.lib.months import Month

from ..models import Affiliation, GrassrootsUnion, MonthlyReturn, Organisation
from ..services.common import short_day

CONFIRM_FIELD = "confirm_month"  # the name of the box that confirms an approved month, on every form


@dataclass(frozen=True)
class EventMonth:
    cdcs: GrassrootsUnion
    month: Month
    federation: Organisation | None
    approved: bool

    def approved_message(self, on: date) -> str:
        return _(
            "Biến động ngày %(day)s tính vào số liệu tháng %(month)s của %(org)s, tháng đã duyệt và khóa số liệu. "
            "Số liệu đã duyệt giữ nguyên; đối chiếu với sổ đoàn viên sẽ lệch ở tháng đó. Nếu đúng là ngày này, "
            "hãy đánh dấu “Vẫn ghi vào tháng đã duyệt” rồi ghi lại."
        ) % {"day": short_day(on), "month": self.month, "org": self.federation.name if self.federation else self.cdcs}


def counts_in(on: date) -> str:
    """What a page says next to the date of an event."""
    return _("tính vào số liệu tháng %(month)s") % {"month": Month.of(on)}


def event_months(items: list[tuple[GrassrootsUnion, Month]]) -> dict[tuple[int, Month], EventMonth]:
    """(CĐCS id, month) → its EventMonth, for any number of them in two queries."""
    if not items:
        return {}
    unions = {cdcs.pk: cdcs for cdcs, _month in items}
    affiliations: dict[int, list[Affiliation]] = {}
    rows = Affiliation.objects.filter(cdcs_id__in=unions).select_related("federation").order_by("valid_from")
    for affiliation in rows:
        affiliations.setdefault(affiliation.cdcs_id, []).append(affiliation)
    federations = {}
    for cdcs, month in items:
        under = [a for a in affiliations.get(cdcs.pk, []) if a.valid_from <= month.first_day]
        federations[(cdcs.pk, month)] = under[-1].federation if under else None
    wanted = {(federation.pk, month.first_day) for (_pk, month), federation in federations.items() if federation}
    condition = Q(pk__in=[])
    for federation_id, first_day in wanted:
        condition |= Q(federation_id=federation_id, month=first_day)
    approved = set(
        MonthlyReturn.objects.filter(condition, status=MonthlyReturn.Status.APPROVED).values_list(
            "federation_id", "month"
        )
    )
    return {
        (pk, month): EventMonth(
            unions[pk], month, federation, federation is not None and (federation.pk, month.first_day) in approved
        )
        for (pk, month), federation in federations.items()
    }


def event_month(cdcs: GrassrootsUnion, on: date) -> EventMonth:
    return event_months([(cdcs, Month.of(on))])[(cdcs.pk, Month.of(on))]


def require_countable(
    cdcs: GrassrootsUnion, on: date, *, confirmed: bool, field: str = "on", starts: bool = True
) -> EventMonth:
    """Refuse an event the register of the CĐCS cannot count (ValidationError on `field`), or one
    in an approved month that was not confirmed (on CONFIRM_FIELD). Returns its EventMonth.
    starts=False: the approved month only (an event moved away from `on`)."""
    if starts and cdcs.register_from and on < cdcs.register_from:
        raise ValidationError(
            {
                field: [
                    _(
                        "Sổ đoàn viên của %(cdcs)s ghi từ tháng %(start)s: biến động ngày %(day)s trước đó không tính "
                        "vào tháng nào của sổ. Người đã là đoàn viên trước khi ghi sổ thì ghi theo diện “Đã là đoàn "
                        "viên, nay ghi vào sổ”."
                    )
                    % {"cdcs": cdcs, "start": Month.of(cdcs.register_from), "day": short_day(on)}
                ]
            }
        )
    counted = event_month(cdcs, on)
    if counted.approved and not confirmed:
        raise ValidationError({CONFIRM_FIELD: [counted.approved_message(on)]})
    return counted
