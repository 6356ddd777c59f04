"""What the monthly figures and the member register count: the reasons a member is lost, the flow
fields of a month, and the ceilings every count is held to."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from unionportal.lib.formatting import count


class LossReason(models.TextChoices):
    JOB = "job", _("Nghỉ việc, chuyển công tác")
    RETIRED = "retired", _("Nghỉ hưu")
    ENTERPRISE_CLOSED = "enterprise_closed", _("Doanh nghiệp giải thể, phá sản")
    LEFT = "left", _("Ra khỏi tổ chức, xóa tên")
    DIED = "died", _("Từ trần")
    TRANSFERRED_OUT = "transferred_out", _("Chuyển đi")
    CDCS_DISSOLVED = "cdcs_dissolved", _("CĐCS giải thể")


# One column per reason: MonthlyFigure.lost_job, .lost_retired, …
LOSS_FIELDS = {reason: f"lost_{reason.value}" for reason in LossReason}
FLOW_FIELDS = ("admitted", "transferred_in", *LOSS_FIELDS.values())
# Of transferred_in and lost_transferred_out, the members a reorganisation plan moved (a CĐCS
# merged or ended into another): part of those columns, so the stock identity is unchanged, and
# taken out of them by the reports, which show them on a line of their own.
REORG_FIELDS = ("reorg_in", "reorg_out")

# Ceilings on one CĐCS's counts: far above anything a CĐCS reaches, far below the database's
# integer range (2,147,483,647), so that a slip of the keyboard ("1000000000000" admitted) is
# refused with a message on every path instead of being stored or ending in a database error.
# The largest workplaces in Vietnam employ a few tens of thousands (one employer near 100,000
# at the very most), so a CĐCS never admits, receives or loses 100,000 members in one month,
# and never has 1,000,000 members or workers.
FLOW_MAX = 100_000  # admitted, transferred in, each reason lost: one CĐCS, one month
STOCK_MAX = 1_000_000  # members at the start or end of a month, workers
STOCK_FIELDS = ("members_start", "members_end", "workers")


def ceiling_of(field: str) -> int:
    """The largest count a monthly figure's field (or a CĐCS's workers) may hold."""
    return STOCK_MAX if field in STOCK_FIELDS else FLOW_MAX


def too_large_message(limit: int) -> str:
    if limit == FLOW_MAX:
        return gettext("Không được lớn hơn %(max)s: không CĐCS nào có ngần ấy trong một tháng; hãy kiểm tra lại.") % {
            "max": count(limit)
        }
    return gettext("Không được lớn hơn %(max)s: không CĐCS nào có ngần ấy; hãy kiểm tra lại.") % {"max": count(limit)}


# The path the migrations name it by (members.models re-exports it), wherever it is written.
@deconstructible(path="members.models.AtMost")
class AtMost:
    """A field's ceiling (FLOW_MAX or STOCK_MAX), said in the reader's language when it refuses."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value) -> None:
        if value is not None and value > self.limit:
            raise ValidationError(too_large_message(self.limit), code="max_value")

    def __eq__(self, other) -> bool:
        return isinstance(other, AtMost) and other.limit == self.limit

    def __hash__(self) -> int:
        return hash(self.limit)


def first_of_month(field: str) -> Q:
    """Months are stored as the date of their first day: the database holds a field to it."""
    return Q(**{f"{field}__day": 1})
