"""The report in words, as a Ban Tổ chức officer would write it for the steering committee."""

from datetime import date

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from unionportal.lib.formatting import count
from unionportal.lib.months import Month

from .selectors import Figures, ProgressReport, Structure


def padded_count(number: int) -> str:
    """30018 → "30.018"; in Vietnamese, counts below ten are written with two digits ("03")."""
    text = count(abs(number))
    if (get_language() or "vi").startswith("vi") and abs(number) < 10:
        text = text.zfill(2)
    return text


def reaches_present(end: Month, *, written_on: date) -> bool:
    """Whether a range ending in `end` runs up to the day it is written about: to the last
    complete month (the report of 7 April covers March) or into the current one."""
    return end >= Month.last_complete(written_on)


def range_opening(start: Month, end: Month, *, written_on: date) -> str:
    """How the sentence opens: "Từ đầu năm 2018 đến nay" for a range that reaches the present, and
    for one that does not, its end said as an end: "Từ tháng 06/2019 đến hết tháng 03/2020",
    "Trong năm 2019", "Trong tháng 05/2020"."""
    if reaches_present(end, written_on=written_on):
        if start.month == 1:
            return _("Từ đầu năm %(year)s đến nay") % {"year": start.year}
        return _("Từ tháng %(month)s đến nay") % {"month": start}
    if start == end:
        return _("Trong tháng %(month)s") % {"month": start}
    if start.month == 1 and end.month == 12 and start.year == end.year:
        return _("Trong năm %(year)s") % {"year": start.year}
    if start.month == 1:
        return _("Từ đầu năm %(year)s đến hết tháng %(end)s") % {"year": start.year, "end": end}
    return _("Từ tháng %(start)s đến hết tháng %(end)s") % {"start": start, "end": end}


def decrease_words(decrease: int) -> str:
    """ "giảm 52 đoàn viên"; "không giảm đoàn viên nào"; more transferred in than lost: "số chuyển
    đến nhiều hơn số giảm 05 đoàn viên"."""
    if decrease > 0:
        return _("giảm %(count)s đoàn viên") % {"count": padded_count(decrease)}
    if decrease < 0:
        return _("số chuyển đến nhiều hơn số giảm %(count)s đoàn viên") % {"count": padded_count(decrease)}
    return _("không giảm đoàn viên nào")


def dissolved_words(dissolved: int) -> str:
    """ "giảm 64 CĐCS", or "không giảm CĐCS nào"."""
    if dissolved:
        return _("giảm %(count)s CĐCS") % {"count": padded_count(dissolved)}
    return _("không giảm CĐCS nào")


def _members(figures: Figures, *, open_range: bool) -> str:
    """ "đã kết nạp mới 540 đoàn viên; giảm 52 đoàn viên (tăng tuyệt đối 488 đoàn viên)", a zero
    said in words: "chưa kết nạp thêm đoàn viên nào", "không giảm đoàn viên nào"."""
    if figures.admitted:
        admitted = _("đã kết nạp mới %(count)s đoàn viên") % {"count": padded_count(figures.admitted)}
    elif open_range:
        admitted = _("chưa kết nạp thêm đoàn viên nào")
    else:
        admitted = _("không kết nạp được đoàn viên nào")
    decrease = decrease_words(figures.decrease)
    if figures.net_members > 0:
        net = _("tăng tuyệt đối %(count)s đoàn viên") % {"count": padded_count(figures.net_members)}
    elif figures.net_members < 0:
        net = _("giảm tuyệt đối %(count)s đoàn viên") % {"count": padded_count(figures.net_members)}
    else:
        net = _("số đoàn viên không đổi")
    return _("%(admitted)s; %(decrease)s (%(net)s)") % {"admitted": admitted, "decrease": decrease, "net": net}


def _unions(figures: Figures, *, open_range: bool) -> str:
    """ "thành lập mới 67 CĐCS, giảm 64 CĐCS (tăng tuyệt đối 03 CĐCS)", zeros in words."""
    if figures.unions_founded:
        founded = _("thành lập mới %(count)s CĐCS") % {"count": padded_count(figures.unions_founded)}
    elif open_range:
        founded = _("chưa thành lập thêm CĐCS nào")
    else:
        founded = _("không thành lập được CĐCS nào")
    dissolved = dissolved_words(figures.unions_dissolved)
    if figures.net_unions > 0:
        net = _("tăng tuyệt đối %(count)s CĐCS") % {"count": padded_count(figures.net_unions)}
    elif figures.net_unions < 0:
        net = _("giảm tuyệt đối %(count)s CĐCS") % {"count": padded_count(figures.net_unions)}
    else:
        net = _("số CĐCS không đổi")
    return _("%(founded)s, %(dissolved)s (%(net)s)") % {"founded": founded, "dissolved": dissolved, "net": net}


def progress_sentence(report: ProgressReport, *, written_on: date | None = None) -> str:
    """ "Từ đầu năm 2018 đến nay đã kết nạp mới 30.018 đoàn viên; giảm 10.979 đoàn viên (tăng tuyệt
    đối 19.039 đoàn viên); thành lập mới 67 CĐCS, giảm 64 CĐCS (tăng tuyệt đối 03 CĐCS)."

    Written as of `written_on` (today unless said), as the report to a meeting is: "đến nay" only
    when the range reaches that day, "đến hết tháng 03/2020" when it ended before."""
    written_on = written_on or timezone.localdate()
    open_range = reaches_present(report.end, written_on=written_on)
    figures = report.total.figures
    return _("%(since)s %(members)s; %(unions)s.") % {
        "since": range_opening(report.start, report.end, written_on=written_on),
        "members": _members(figures, open_range=open_range),
        "unions": _unions(figures, open_range=open_range),
    }


def structural_sentence(figures: Figures, *, province: bool) -> str:
    """What the structure changed, apart from development, in one sentence; empty when nothing:
    "Do sắp xếp tổ chức: 02 CĐCS hợp nhất, kết thúc; thành lập 01 CĐCS mới từ các CĐCS hợp nhất;
    50 đoàn viên chuyển theo CĐCS (không tính vào kết nạp mới, giảm và thành lập mới)." For one
    federation, the CĐCS moved in and out with their members too."""
    parts = []
    if figures.unions_reorg_ended:
        parts.append(_("%(count)s CĐCS hợp nhất, kết thúc") % {"count": padded_count(figures.unions_reorg_ended)})
    if figures.unions_reorg_founded:
        parts.append(
            _("thành lập %(count)s CĐCS mới từ các CĐCS hợp nhất")
            % {"count": padded_count(figures.unions_reorg_founded)}
        )
    if province or figures.reorg_in == figures.reorg_out:
        if figures.reorg_out:
            parts.append(_("%(count)s đoàn viên chuyển theo CĐCS") % {"count": padded_count(figures.reorg_out)})
    else:
        parts.append(
            _("%(in)s đoàn viên chuyển đến, %(out)s đoàn viên chuyển đi theo CĐCS")
            % {"in": padded_count(figures.reorg_in), "out": padded_count(figures.reorg_out)}
        )
    if not province:
        for count, members, text in (
            (figures.unions_moved_in, figures.members_moved_in, _("%(count)s CĐCS chuyển đến (%(members)s đoàn viên)")),
            (
                figures.unions_moved_out,
                figures.members_moved_out,
                _("%(count)s CĐCS chuyển đi (%(members)s đoàn viên)"),
            ),
        ):
            if count or members:
                parts.append(text % {"count": padded_count(count), "members": padded_count(members)})
    if not parts:
        return ""
    return _("Do sắp xếp tổ chức: %(parts)s (không tính vào kết nạp mới, giảm và thành lập mới).") % {
        "parts": "; ".join(parts)
    }


def structure_note(structure: str) -> str:
    """Which structure the figures are read on, as the pages, the files and the brief say it."""
    if structure == Structure.TODAY:
        return _(
            "Số liệu tính lại theo cơ cấu tổ chức hiện nay: mỗi CĐCS được tính cho đơn vị nó trực thuộc hiện nay "
            "trong mọi tháng của kỳ (CĐCS đã hợp nhất, kết thúc theo CĐCS nhận đoàn viên; CĐCS đã giải thể theo "
            "đơn vị cuối cùng của nó, hoặc dòng “Đơn vị đã kết thúc” khi đơn vị đó không còn), nên không có CĐCS "
            "chuyển giữa các đơn vị."
        )
    return _("Số liệu theo cơ cấu tổ chức của từng tháng: mỗi tháng tính cho đơn vị CĐCS trực thuộc trong tháng đó.")
