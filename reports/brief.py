"""The meeting brief (báo cáo nhanh phục vụ họp Ban Chỉ đạo): the dashboard of a range in the
paragraphs a Ban Tổ chức officer writes for the steering committee, so that nobody retypes it.

The figures are the dashboard's (reports.dashboard), the sentence is progress_sentence; this
module only words them. The page (templates/reports/brief.html) and the .docx (brief_docx.py)
print the same Brief."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from members.models import Organisation, SectorGroup
from unionportal.lib.formatting import count, percent

from .dashboard import Dashboard, Laggard
from .selectors import Attainment
from .texts import decrease_words, dissolved_words, padded_count, progress_sentence, structural_sentence

# The sections a brief may have, in their order; a section that does not apply is left out and the
# ones after it move up, so that the numbers run on. The page ends with the charts, the Word file
# with their figures as a table, under the same number.
SECTIONS = ("general", "non_state", "federations", "laggards", "organising", "closing")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
# The document-type code and the issuer's abbreviation of the number line (Nghị định 30/2020, phụ lục III).
NUMBER_SUFFIX = "BC-LĐLĐ"


@dataclass
class Signing:
    """What the person preparing the brief fills in on its form: the number (blank: the office
    writes it by hand), the date, who signs and who receives it."""

    on: date
    number: str = ""
    signer_title: str = ""
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)


@dataclass
class Brief:
    board: Dashboard
    signing: Signing
    issuer_above: str  # the body above the issuer, in capitals: "LIÊN ĐOÀN LAO ĐỘNG TỈNH THÁI NGUYÊN"
    issuer: str  # the body that issues it, in bold capitals: "BAN TỔ CHỨC"
    place: str  # the place of the date line ("Thái Nguyên, ngày …"), empty when unknown
    title: str
    period: str
    sentence: str
    structural: str  # what the structure changed, apart from development; empty when nothing
    attainment: list[str]
    non_state: str
    laggards: str  # the sentence that opens the list, empty without quotas
    laggard_items: list[str]
    organising: str = ""  # the organising pipeline in a paragraph, empty when it has nothing
    organising_stuck: list[str] = field(default_factory=list)  # the enterprises stuck longest

    @property
    def number_line(self) -> str:
        """ "Số: 15/BC-LĐLĐ", or with room for the office's number: "Số:      /BC-LĐLĐ"."""
        number = self.signing.number or "\u00a0" * 6
        return _("Số: %(number)s/%(suffix)s") % {"number": number, "suffix": NUMBER_SUFFIX}

    @property
    def date_line(self) -> str:
        """ "Thái Nguyên, ngày 07 tháng 4 năm 2021": a day below 10 and the months 1 and 2 with
        a leading zero (Nghị định 30/2020)."""
        on = self.signing.on
        day = _("ngày %(day)s tháng %(month)s năm %(year)d") % {
            "day": f"{on.day:02d}",
            "month": f"{on.month:02d}" if on.month < 3 else str(on.month),
            "year": on.year,
        }
        return f"{self.place}, {day}" if self.place else day.capitalize()

    @property
    def headings(self) -> dict[str, str]:
        """The heading of each section the brief has, numbered in order: {"general": "I. KẾT QUẢ
        CHUNG", "federations": "II. KẾT QUẢ THEO ĐƠN VỊ", …}."""
        present = {
            "general": True,
            "non_state": bool(self.non_state),
            "federations": bool(self.board.lines),
            "laggards": bool(self.laggards),
            "organising": bool(self.organising),
            "closing": True,
        }
        titles = {
            "general": _("KẾT QUẢ CHUNG"),
            "non_state": _("KHU VỰC NGOÀI NHÀ NƯỚC"),
            "federations": _("KẾT QUẢ THEO ĐƠN VỊ"),
            "laggards": _("ĐƠN VỊ CHẬM TIẾN ĐỘ"),
            "organising": _("VẬN ĐỘNG THÀNH LẬP CĐCS"),
            "charts": _("BIỂU ĐỒ"),
            "months": _("SỐ LIỆU THEO THÁNG"),
        }
        numbered = [key for key in SECTIONS if present[key]]
        headings = {key: f"{ROMAN[index]}. {titles[key]}" for index, key in enumerate(numbered) if key != "closing"}
        closing = ROMAN[len(numbered) - 1]
        return {**headings, "charts": f"{closing}. {titles['charts']}", "months": f"{closing}. {titles['months']}"}


def meeting_brief(board: Dashboard, *, signing: Signing, province: Organisation, federation=None) -> Brief:
    """The brief of `board`, issued by the province's Ban Tổ chức, or by `federation` when its
    own staff prepare it."""
    report = board.report
    org = report.scope.org
    scope = (
        org.name if not report.scope.sector_group else f"{org.name} ({SectorGroup(report.scope.sector_group).label})"
    )
    laggards = _laggards(board)  # empty without quotas, and then no list either
    if federation is None:
        above, issuer = _full_name(province.name).upper(), _("BAN TỔ CHỨC")
    else:
        above, issuer = province.name.upper(), _full_name(federation.name).upper()
    return Brief(
        board=board,
        signing=signing,
        issuer_above=above,
        issuer=issuer,
        place=_place(federation.name if federation else "") or _place(province.name),
        title=_("Kết quả phát triển đoàn viên, thành lập công đoàn cơ sở"),
        period=_period(report, scope),
        sentence=progress_sentence(report, written_on=signing.on),
        structural=structural_sentence(report.total.figures, province=org.is_province),
        attainment=_attainment(board),
        non_state=_non_state(board),
        laggards=laggards,
        laggard_items=[_laggard(laggard) for laggard in board.laggards] if laggards else [],
        organising=_organising(board),
        organising_stuck=_organising_stuck(board),
    )


def _period(report, scope: str) -> str:
    """ "Toàn tỉnh …, từ tháng 01/2021 đến tháng 03/2021", and when restated ", theo cơ cấu tổ chức hiện nay"."""
    period = _("%(scope)s, từ tháng %(start)s đến tháng %(end)s") % {
        "scope": scope,
        "start": report.start,
        "end": report.end,
    }
    if report.scope.restated:
        period += _(", theo cơ cấu tổ chức hiện nay")
    return period


def _full_name(name: str) -> str:
    """ "LĐLĐ tỉnh Thái Nguyên" → "Liên đoàn Lao động tỉnh Thái Nguyên", as the issuer is written."""
    return "Liên đoàn Lao động " + name.removeprefix("LĐLĐ ") if name.startswith("LĐLĐ ") else name


PLACE_PREFIXES = ("tỉnh ", "thành phố ", "huyện ", "thị xã ", "quận ")


def _place(name: str) -> str:
    """ "LĐLĐ tỉnh Thái Nguyên" → "Thái Nguyên", "LĐLĐ huyện Đại Từ" → "Đại Từ", for the date line;
    empty for a body that is not named after a place."""
    rest = _full_name(name).removeprefix("Liên đoàn Lao động ")
    for prefix in PLACE_PREFIXES:
        if rest.startswith(prefix):
            return rest.removeprefix(prefix)
    return ""


def _versus(attainment: Attainment, unit: str) -> str:
    return _("%(percent)s (%(actual)s/%(quota)s %(unit)s)") % {
        "percent": percent(attainment.percent),
        "actual": padded_count(attainment.actual),
        "quota": padded_count(attainment.quota),
        "unit": unit,
    }


def _attainment(board: Dashboard) -> list[str]:
    """Against this year's quota and the programme's, with the share of time gone by."""
    report, total = board.report, board.report.total
    if report.programme is None or report.scope.sector_group:
        return []
    paragraphs = []
    for label, members, unions in (
        (_("chỉ tiêu năm %(year)s") % {"year": report.year}, total.year_members, total.year_unions),
        (
            _("chỉ tiêu cả chương trình %(number)s") % {"number": report.programme.document_number},
            total.programme_members,
            total.programme_unions,
        ),
    ):
        if not members.quota and not unions.quota:
            paragraphs.append(_("Chưa giao %(what)s.") % {"what": label})
            continue
        paragraphs.append(
            _(
                "So với %(what)s: kết nạp mới đạt %(members)s; thành lập mới CĐCS đạt %(unions)s; "
                "thời gian đã qua %(elapsed)s."
            )
            % {
                "what": label,
                "members": _versus(members, _("đoàn viên")) if members.quota else _("(chưa giao)"),
                "unions": _versus(unions, pgettext("unit", "CĐCS")) if unions.quota else _("(chưa giao)"),
                "elapsed": percent(members.expected_percent),
            }
        )
    return paragraphs


def _non_state(board: Dashboard) -> str:
    part = board.sector_groups.get(SectorGroup.NON_STATE)
    everyone = board.report.total.figures
    if part is None:
        return ""
    share = part.admitted * 100 / everyone.admitted if everyone.admitted else None
    members_share = part.members_end * 100 / everyone.members_end if everyone.members_end else None
    if part.admitted:
        admitted = _("kết nạp mới %(admitted)s đoàn viên (%(share)s tổng số kết nạp mới)") % {
            "admitted": padded_count(part.admitted),
            "share": percent(share),
        }
    else:
        admitted = _("không có đoàn viên kết nạp mới")
    if part.unions_founded:
        founded = _("thành lập mới %(count)s CĐCS") % {"count": padded_count(part.unions_founded)}
    else:
        founded = _("không có CĐCS thành lập mới")
    return _(
        "Khu vực ngoài nhà nước %(admitted)s, %(decrease)s; %(founded)s, %(dissolved)s. Đến cuối tháng %(end)s, "
        "khu vực này có %(members)s đoàn viên trong %(unions)s CĐCS, bằng %(members_share)s số đoàn viên."
    ) % {
        "admitted": admitted,
        "decrease": decrease_words(part.decrease),
        "founded": founded,
        "dissolved": dissolved_words(part.unions_dissolved),
        "end": board.report.end,
        "members": padded_count(part.members_end),
        "unions": padded_count(part.unions_end),
        "members_share": percent(members_share),
    }


def _laggard(laggard: Laggard) -> str:
    parts = []
    for gap, unit in ((laggard.members, _("đoàn viên")), (laggard.unions, pgettext("unit", "CĐCS"))):
        if gap.behind:
            text = _("đạt %(percent)s chỉ tiêu %(unit)s, còn thiếu %(needed)s") % {
                "percent": percent(gap.attainment.percent),
                "unit": unit,
                "needed": padded_count(gap.needed),
            }
            if gap.per_month:
                text += _(" (bình quân %(per_month)s mỗi tháng còn lại)") % {"per_month": padded_count(gap.per_month)}
            parts.append(text)
    return f"{laggard.row.org.name}: {'; '.join(parts)}."


def _laggards(board: Dashboard) -> str:
    if board.report.programme is None or board.report.scope.sector_group:
        return ""
    if not board.laggards:
        return _("Không có đơn vị nào chậm so với tiến độ thời gian của năm %(year)s.") % {"year": board.report.year}
    return _("%(count)s đơn vị chậm so với tiến độ thời gian (%(elapsed)s của năm %(year)s):") % {
        "count": padded_count(len(board.laggards)),
        "elapsed": percent(board.report.total.year_members.expected_percent),
        "year": board.report.year,
    }


# The enterprises stuck longest that the brief names.
BRIEF_STUCK = 3


def _organising(board: Dashboard) -> str:
    """ "Đang vận động 12 doanh nghiệp chưa có CĐCS (04 doanh nghiệp đã có ban vận động); từ đầu năm
    2021 đã thành lập 02 CĐCS qua vận động; dự kiến thành lập thêm 03 CĐCS đến hết năm, so với 05
    CĐCS còn phải thành lập theo chỉ tiêu (còn thiếu 02 CĐCS)." """
    funnel = board.organising
    if funnel is None or not funnel.has_data:
        return ""
    total, outlook = funnel.total, funnel.total.outlook
    stages, year = total.stages, funnel.year
    if not stages.open:
        open_ = _("Không có doanh nghiệp chưa có CĐCS nào đang được vận động")
    elif stages.committee:
        open_ = _(
            "Đang vận động %(open)s doanh nghiệp chưa có CĐCS (%(committee)s doanh nghiệp đã có ban vận động)"
        ) % {
            "open": padded_count(stages.open),
            "committee": padded_count(stages.committee),
        }
    else:
        open_ = _("Đang vận động %(open)s doanh nghiệp chưa có CĐCS (chưa doanh nghiệp nào có ban vận động)") % {
            "open": padded_count(stages.open)
        }
    if stages.founded:
        founded = _("từ đầu năm %(year)s đã thành lập %(founded)s CĐCS qua vận động") % {
            "year": year,
            "founded": padded_count(stages.founded),
        }
    else:
        founded = _("từ đầu năm %(year)s chưa thành lập được CĐCS nào qua vận động") % {"year": year}
    if total.expected_whole:
        expected = _("dự kiến thành lập thêm %(expected)s CĐCS đến hết năm") % {
            "expected": padded_count(total.expected_whole)
        }
    else:
        expected = _("chưa dự kiến thành lập thêm CĐCS nào đến hết năm")
    text = f"{open_}; {founded}; {expected}"
    if outlook is None or outlook.remaining is None:
        return text + _(" (chưa giao chỉ tiêu thành lập CĐCS).")
    if not outlook.remaining:
        return text + _("; đã đủ số CĐCS phải thành lập theo chỉ tiêu.")
    verdict = _("đủ") if outlook.enough else _("còn thiếu %(count)s CĐCS") % {"count": padded_count(outlook.shortfall)}
    return text + _(", so với %(remaining)s CĐCS còn phải thành lập theo chỉ tiêu (%(verdict)s).") % {
        "remaining": padded_count(outlook.remaining),
        "verdict": verdict,
    }


def _organising_stuck(board: Dashboard) -> list[str]:
    funnel = board.organising
    if funnel is None:
        return []
    return [
        _("%(name)s (%(federation)s): %(stage)s từ ngày %(since)s (%(days)s ngày).")
        % {
            "name": item.name,
            "federation": item.federation.name if item.federation else "–",
            "stage": item.stage_label,
            "since": item.since.strftime("%d/%m/%Y"),
            "days": count(item.days),
        }
        for item in funnel.stuck[:BRIEF_STUCK]
    ]
