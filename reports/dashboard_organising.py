"""The organising pipeline on the leadership dashboard and in the meeting brief: organising.funnel
read at the end of the dashboard's range, its forecast set against the CĐCS quota left by the
progress report the dashboard already has, so that the card and the tiles say the same
"founded so far" and the card costs three queries whatever the number of federations."""

from datetime import date

from django.utils import timezone

from organising.funnel import Funnel, as_of_for, funnel_outlooks, organising_funnel

from .selectors import ProgressReport

# The enterprises stuck longest that the dashboard card lists (the funnel page lists ten).
CARD_STUCK = 5


def organising_card(report: ProgressReport, *, only=None, today: date | None = None) -> Funnel:
    """The funnel of the report's scope (and sector group) on the last day of its range (today
    when the range ends this month), with a row for each federation of the report (those in
    `only`, when given), and each row's outlook against the year's CĐCS quota left."""
    today = today or timezone.localdate()
    as_of = min(as_of_for(report.end.year, today), report.end.last_day)
    funnel = organising_funnel(
        year=report.end.year,
        as_of=as_of,
        scope=report.scope.org,
        federations=[row.org for row in report.rows if row.org.pk],  # not the line of ended federations
        sector_group=report.scope.sector_group,
        only=only,
        stuck_limit=CARD_STUCK,
    )
    rows = [*report.rows, report.total]
    funnel_outlooks(
        funnel,
        founded={row.org.pk: row.year_unions.actual for row in rows},
        quotas={row.org.pk: row.year_unions.quota for row in rows},
    )
    return funnel
