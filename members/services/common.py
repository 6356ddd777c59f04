"""What every service shares: who and when in messages, days as pages show them, the federation
of a CĐCS in a month, and where a change came from (Source)."""

from datetime import date

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from unionportal.lib.months import Month

from ..models import AuditEntry, GrassrootsUnion, Organisation

Source = AuditEntry.Source


def short_moment(moment) -> str:
    """A moment as messages show it, in local time (dd/mm/yyyy hh:mm)."""
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def short_day(day: date) -> str:
    """A day as messages show it (dd/mm/yyyy)."""
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def display_name(user) -> str:
    """A person as messages and pages name them; no user is the system itself."""
    if user is None:
        return _("hệ thống")
    return user.get_full_name() or user.get_username()


def who_and_when(user, moment) -> dict[str, str]:
    """{"who": …, "when": …} for messages such as "X đã lưu … lúc Y"."""
    return {"who": display_name(user), "when": short_moment(moment) if moment else "–"}


def federation_of(cdcs: GrassrootsUnion, month: Month) -> Organisation | None:
    affiliation = (
        cdcs.affiliations.filter(valid_from__lte=month.first_day)
        .select_related("federation")
        .order_by("-valid_from")
        .first()
    )
    return affiliation.federation if affiliation else None
