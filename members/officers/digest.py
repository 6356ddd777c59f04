"""What the home pages and the dashboard show of "cần kiện toàn" (selectors.needs_attention): the
CĐCS in the order someone should see to them, and the federations with the most to fill. Pure
functions of an Attention: no query."""

from ..models import Organisation
from .selectors import Attention, AttentionCounts, AttentionRow


def urgency(row: AttentionRow) -> tuple:
    """No chair first (the longest without one first), then terms overdue (the oldest first),
    committees short, and last the congresses due (the soonest first)."""
    if row.no_chair_since is not None:
        return (0, row.no_chair_since, row.code)
    if row.overdue_since is not None:
        return (1, row.overdue_since, row.code)
    if row.short:
        return (2, row.ends_on, row.code)
    return (3, row.due_on or row.ends_on, row.code)


def rows_by_urgency(attention: Attention) -> list[AttentionRow]:
    return sorted(attention.rows, key=urgency)


def federations_ranked(attention: Attention, limit: int | None = None) -> list[tuple[Organisation, AttentionCounts]]:
    """The scope's federations with CĐCS to fill, the most first (ties in the reports' order),
    each with its counts; `limit` keeps the first ones."""
    order = {org.pk: index for index, org in enumerate(attention.federations)}
    orgs = {org.pk: org for org in attention.federations}
    ranked = sorted(
        ((orgs[pk], counts) for pk, counts in attention.by_federation.items() if counts.needing),
        key=lambda pair: (-pair[1].needing, order[pair[0].pk]),
    )
    return ranked[:limit] if limit is not None else ranked
