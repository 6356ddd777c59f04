"""What every write of officers checks, and who may read their names.

Officers' names are personal data, as members' are: provincial staff read every CĐCS's, federation
staff those of the CĐCS now under their federation (members.access.cdcs_now_under), leadership
reads counts only. The same people write them; leadership never does."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.lib.months import Month

from ..access import can_read_people, cdcs_now_under, is_provincial
from ..models import GrassrootsUnion, Organisation, Term
from ..services.common import federation_of, short_day

FULL_TERM_YEARS = 5  # a term opened by a congress (the statute's five years)
PROVISIONAL_MONTHS = 12  # a provisional committee (BCH lâm thời) works at most a year


def federation_now(cdcs: GrassrootsUnion) -> Organisation | None:
    """The federation the CĐCS belongs to this month (or from its founding month, if later)."""
    return federation_of(cdcs, max(Month.of(timezone.localdate()), Month.of(cdcs.founded_on)))


def may_read_names(user, cdcs: GrassrootsUnion) -> bool:
    """May the user read the names of this CĐCS's officers?"""
    if user is None or is_provincial(user):
        return True
    return can_read_people(user) and cdcs_now_under(user).filter(pk=cdcs.pk).exists()


def may_write_officers(user, cdcs: GrassrootsUnion) -> bool:
    """May the user record this CĐCS's congresses and officers (it still exists, and is theirs)?"""
    return cdcs.dissolved_on is None and may_read_names(user, cdcs)


def require_officers_write(user, cdcs: GrassrootsUnion) -> Organisation | None:
    """Refuse a user who may not write this CĐCS's officers (403) or a CĐCS dissolved (a message);
    return its federation now, for the audit trail. user=None is the system itself."""
    if not may_read_names(user, cdcs):
        raise PermissionDenied(_("Bạn không có quyền ghi cán bộ của %(cdcs)s.") % {"cdcs": cdcs.name})
    if cdcs.dissolved_on is not None:
        raise ValidationError(
            _("%(cdcs)s đã giải thể ngày %(day)s; không ghi thêm cán bộ.")
            % {"cdcs": cdcs.name, "day": short_day(cdcs.dissolved_on)}
        )
    return federation_now(cdcs)


def require_past(on: date, field: str) -> None:
    if on > timezone.localdate():
        raise ValidationError({field: [_("Ngày %(day)s chưa đến.") % {"day": short_day(on)}]})


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29/02 becomes 28/02 in a year that has none)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day."""
    month = Month.of(day) + months
    return date(month.year, month.month, min(day.day, month.last_day.day))


def default_end(kind: str, starts_on: date) -> date:
    """When a term is due to end: five years after its congress, a year after a provisional committee's decision."""
    if kind == Term.Kind.PROVISIONAL:
        return add_months(starts_on, PROVISIONAL_MONTHS)
    return add_years(starts_on, FULL_TERM_YEARS)
