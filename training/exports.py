"""The training report as an Excel file: the page's table, numbers as numbers."""

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook

from unionportal.lib.xlsx import table_workbook

from .selectors import TrainingReport, TrainingRow

NO_QUOTA = "—"


def report_workbook(report: TrainingReport) -> Workbook:
    headers = [
        _("Đơn vị"),
        _("Số lớp năm %(year)s") % {"year": report.year},
        _("Cán bộ được đào tạo năm %(year)s") % {"year": report.year},
        _("Chỉ tiêu năm %(year)s") % {"year": report.year},
        _("Tỷ lệ đạt năm (%)"),
        _("Cán bộ được đào tạo lũy kế chương trình"),
        _("Chỉ tiêu lũy kế chương trình"),
        _("Tỷ lệ đạt lũy kế (%)"),
        _("Chủ tịch CĐCS đương nhiệm ngày %(day)s") % {"day": _day(report)},
        _("Trong đó đã qua đào tạo"),
        _("Ủy viên BCH CĐCS đương nhiệm ngày %(day)s") % {"day": _day(report)},
        _("Trong đó đã qua đào tạo"),
    ]
    rows = [_row(row.org.name, row) for row in report.rows]
    if report.province_courses is not None:
        rows.append(_row(_("Lớp do LĐLĐ tỉnh tổ chức"), report.province_courses))
    if report.total is not None:
        rows.append(_row(_("Toàn tỉnh"), report.total))
    programme = report.programme
    heading = [
        _("Đào tạo cán bộ CĐCS năm %(year)s so với chỉ tiêu") % {"year": report.year},
        (
            _("Chỉ tiêu theo %(programme)s (%(number)s)")
            % {"programme": programme.name, "number": programme.document_number}
        )
        if programme
        else _("Chưa có chương trình nào giao chỉ tiêu cho năm này."),
    ]
    return table_workbook(_("Đào tạo cán bộ"), headers, rows, heading=heading)


def _day(report: TrainingReport) -> str:
    return formats.date_format(report.in_post_on, "SHORT_DATE_FORMAT")


def _row(label: str, row: TrainingRow) -> list:
    def rounded(value):
        return NO_QUOTA if value is None else round(value, 1)

    p = row.in_post
    in_post = [p.chairs, p.chairs_trained, p.committee, p.committee_trained] if p else [None] * 4
    return [
        label,
        row.courses,
        row.officers,
        row.quota or NO_QUOTA,
        rounded(row.attainment),
        row.programme_officers,
        row.programme_quota or NO_QUOTA,
        rounded(row.programme_attainment),
        *in_post,
    ]
