"""What the dashboard's charts draw, as plain data for json_script: numbers, month labels and
series names in the page's language. static/js/dashboard.js draws them; the tables under each
chart (templates/reports/_dash_charts.html) show the same numbers from the Dashboard itself."""

from django.utils.translation import gettext as _

from members.models import SectorGroup

from .dashboard import Dashboard


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def charts(board: Dashboard) -> dict[str, dict]:
    """One entry per chart: the page writes each as chart-<key>-data, for the canvas chart-<key>."""
    result = {
        "monthly": _monthly(board),
        "reasons": {
            "labels": [str(label) for _reason, label, _count in board.lost_by_reason],
            "values": [count for _reason, _label, count in board.lost_by_reason],
            "series": _("Giảm"),
        },
        "sectors": _sector_groups(board),
        "density": {
            "labels": [str(density.label) for density in board.density],
            "values": [_round(density.percent) for density in board.density],
            "series": _("Đoàn viên / lao động (%)"),
            "percent": True,
        },
        "projection": _projection(board),
    }
    if board.cumulative:
        result["cumulative"] = {
            "labels": [str(point.month) for point in board.cumulative],
            "admitted": [point.admitted for point in board.cumulative],
            "quota": [_round(point.quota, 0) for point in board.cumulative]
            if board.cumulative[-1].quota is not None
            else None,
            "series_admitted": _("Kết nạp lũy kế"),
            "series_quota": _("Chỉ tiêu lũy kế (chia đều theo tháng)"),
        }
    return result


def _monthly(board: Dashboard) -> dict:
    return {
        "labels": [str(point.month) for point in board.months],
        "admitted": [point.totals.admitted for point in board.months],
        "decrease": [point.totals.decrease for point in board.months],
        "series_admitted": _("Kết nạp mới"),
        "series_decrease": _("Giảm"),
    }


def _sector_groups(board: Dashboard) -> dict:
    """Each measure split between the two sector groups, as shares of the measure (counts for
    the tooltips): the measures differ too much in size to share one axis."""
    measures = [
        (_("Kết nạp mới"), "admitted"),
        (_("Giảm"), "decrease"),
        (_("Đoàn viên cuối kỳ"), "members_end"),
    ]
    groups = board.sector_groups
    datasets = []
    for group in SectorGroup:
        counts = [getattr(groups[group.value], name) for _label, name in measures]
        totals = [sum(getattr(groups[g], name) for g in SectorGroup.values) for _label, name in measures]
        shares = [_round(count * 100 / total) if total else 0 for count, total in zip(counts, totals, strict=True)]
        datasets.append({"label": str(group.label), "counts": counts, "shares": shares})
    return {"labels": [str(label) for label, _name in measures], "datasets": datasets}


def _projection(board: Dashboard) -> dict:
    projection = board.projection
    return {
        "labels": [str(month) for month, _actual, _projected in projection.cumulative],
        "actual": [actual for _month, actual, _projected in projection.cumulative],
        "projected": [_round(projected, 0) for _month, _actual, projected in projection.cumulative],
        "quota": projection.quota,
        "series_actual": _("Kết nạp lũy kế năm %(year)s") % {"year": projection.year},
        "series_projected": _("Dự báo theo nhịp hiện tại"),
        "series_quota": _("Chỉ tiêu năm"),
    }
