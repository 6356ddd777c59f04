"""The CĐCS officers on the leadership dashboard ("Cần kiện toàn cán bộ"): how many CĐCS of the
dashboard's scope have no chair, a committee short of its statute size, a term ended without a
congress, or a congress due, per federation and in all: today when the range runs to the last
month that has ended (as the dashboard opens), else on the range's last day. Numbers only, never
a name: leadership reads counts of officers (members.officers.rules); staff get a link to the
list, which names them. Two queries."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from members.access import is_federation_staff, is_provincial
from members.models import Organisation
from members.officers.selectors import Attention, AttentionCounts, needs_attention
from unionportal.lib.months import Month

from .dashboard import Dashboard

TOP = 3  # federations named in the card's sentence


@dataclass
class OfficersCard:
    attention: Attention
    federations: list[tuple[Organisation, AttentionCounts]]  # every one of the province's, the most to fill first
    list_link: bool  # the user may open the list of CĐCS (staff), not only read the counts

    @property
    def on(self) -> date:
        return self.attention.on

    @property
    def total(self) -> AttentionCounts:
        return self.attention.total

    @property
    def with_term(self) -> int:
        return self.total.cdcs - self.total.no_term

    @property
    def top(self) -> list[tuple[Organisation, AttentionCounts]]:
        """The federations with the most CĐCS to fill (none that has none)."""
        return [(org, counts) for org, counts in self.federations[:TOP] if counts.needing]


def officers_card(board: Dashboard, *, user, today: date | None = None) -> OfficersCard:
    """The card for the dashboard's scope: a federation, the federations a steering-committee
    member follows (when the dashboard is narrowed to them), or the whole province."""
    report = board.report
    today = today or timezone.localdate()
    on = today if report.end >= Month.last_complete(today) else report.end.last_day
    # The dashboard's own federations (the followed ones when it is narrowed to them): no query.
    scope = [line.row.org for line in board.lines] if report.scope.org.is_province else report.scope.org
    attention = needs_attention(scope=scope, on=on)
    return OfficersCard(
        attention=attention,
        federations=_ranked(attention) if report.scope.org.is_province else [],
        list_link=is_provincial(user) or is_federation_staff(user),
    )


def _ranked(attention: Attention) -> list[tuple[Organisation, AttentionCounts]]:
    """Every federation of the scope, the most CĐCS to fill first, then the most congresses due,
    then in the reports' order."""
    order = {org.pk: index for index, org in enumerate(attention.federations)}
    return sorted(
        ((org, attention.by_federation[org.pk]) for org in attention.federations),
        key=lambda pair: (-pair[1].needing, -pair[1].due, order[pair[0].pk]),
    )
