"""The report in words, as a Ban Tổ chức officer would write it for the steering committee."""

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from unionportal.lib.formatting import count

from .selectors import ProgressReport


def padded_count(number: int) -> str:
    """30018 → "30.018"; in Vietnamese, counts below ten are written with two digits ("03")."""
    text = count(abs(number))
    if (get_language() or "vi").startswith("vi") and abs(number) < 10:
        text = text.zfill(2)
    return text


def progress_sentence(report: ProgressReport) -> str:
    """ "Từ đầu năm 2018 đến nay đã kết nạp mới 30.018 đoàn viên; giảm 10.979 đoàn viên (tăng tuyệt
    đối 19.039 đoàn viên); thành lập mới 67 CĐCS, giảm 64 CĐCS (tăng tuyệt đối 03 CĐCS)."

    Written as of the end of the range, as the report to a meeting is."""
    figures = report.total.figures
    if report.start.month == 1:
        since = _("Từ đầu năm %(year)s đến nay") % {"year": report.start.year}
    else:
        since = _("Từ tháng %(month)s đến nay") % {"month": report.start}
    if figures.decrease >= 0:
        decrease = _("giảm %(count)s đoàn viên") % {"count": padded_count(figures.decrease)}
    else:
        decrease = _("số chuyển đến nhiều hơn số giảm %(count)s đoàn viên") % {"count": padded_count(figures.decrease)}
    if figures.net_members >= 0:
        net_members = _("tăng tuyệt đối %(count)s đoàn viên") % {"count": padded_count(figures.net_members)}
    else:
        net_members = _("giảm tuyệt đối %(count)s đoàn viên") % {"count": padded_count(figures.net_members)}
    if figures.net_unions >= 0:
        net_unions = _("tăng tuyệt đối %(count)s CĐCS") % {"count": padded_count(figures.net_unions)}
    else:
        net_unions = _("giảm tuyệt đối %(count)s CĐCS") % {"count": padded_count(figures.net_unions)}
    return _(
        "%(since)s đã kết nạp mới %(admitted)s đoàn viên; %(decrease)s (%(net_members)s); "
        "thành lập mới %(founded)s CĐCS, giảm %(dissolved)s CĐCS (%(net_unions)s)."
    ) % {
        "since": since,
        "admitted": padded_count(figures.admitted),
        "decrease": decrease,
        "net_members": net_members,
        "founded": padded_count(figures.unions_founded),
        "dissolved": padded_count(figures.unions_dissolved),
        "net_unions": net_unions,
    }
