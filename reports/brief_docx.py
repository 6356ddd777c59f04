"""The meeting brief as a Word document (python-docx), laid out as Vietnamese administrative
documents are (Nghị định 30/2020/NĐ-CP: A4, Times New Roman 13–14, margins 2 / 3 cm), so that
the Ban Tổ chức can add a number and a signature and send it as it is.

The charts stay on the printed page: Word gets their figures as tables instead."""

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from unionportal.lib.formatting import count, percent

from .brief import Brief

FONT = "Times New Roman"


def brief_document(brief: Brief) -> bytes:
    document = Document()
    _page(document)
    _header(document, brief)
    _heading(document, _("I. KẾT QUẢ CHUNG"))
    _paragraph(document, brief.sentence)
    for text in brief.attainment:
        _paragraph(document, text)
    if brief.non_state:
        _heading(document, _("II. KHU VỰC NGOÀI NHÀ NƯỚC"))
        _paragraph(document, brief.non_state)
    if brief.board.lines:
        _heading(document, _("III. KẾT QUẢ THEO ĐƠN VỊ"))
        _federations(document, brief)
    if brief.laggards:
        _heading(document, _("IV. ĐƠN VỊ CHẬM TIẾN ĐỘ"))
        _paragraph(document, brief.laggards)
        for item in brief.laggard_items:
            _paragraph(document, f"- {item}")
    if brief.organising:
        _heading(document, _("V. VẬN ĐỘNG THÀNH LẬP CĐCS"))
        _paragraph(document, brief.organising)
        if brief.organising_stuck:
            _paragraph(document, _("Doanh nghiệp dừng lâu nhất ở một giai đoạn:"))
            for item in brief.organising_stuck:
                _paragraph(document, f"- {item}")
    _heading(document, _("VI. SỐ LIỆU THEO THÁNG"))
    _months(document, brief)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # Word picks the East Asian font for some letters
    style.paragraph_format.space_after = Pt(6)


def _header(document, brief: Brief) -> None:
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    _cell(left, brief.heading, bold=True, size=12)
    _cell(left, _("BAN TỔ CHỨC"), bold=True, size=12)
    _cell(right, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), bold=True, size=12)
    _cell(right, _("Độc lập – Tự do – Hạnh phúc"), bold=True, size=13)
    _cell(right, brief.date_line, italic=True, size=13)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    _run(title, _("BÁO CÁO NHANH"), bold=True, size=14)
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(subtitle, brief.title, bold=True)
    _run(subtitle, "\n" + _("(phục vụ họp Ban Chỉ đạo)"), italic=True)
    _run(subtitle, "\n" + brief.period, italic=True)


def _cell(cell, text: str, *, bold=False, italic=False, size=13) -> None:
    paragraph = cell.paragraphs[0] if not cell.paragraphs[0].text else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    _run(paragraph, text, bold=bold, italic=italic, size=size)


def _run(paragraph, text: str, *, bold=False, italic=False, size=None):
    run = paragraph.add_run(text)
    # Only what differs from the paragraph's style: writing bold=False into every cell's run
    # doubled the time of a long months table (a nine-year brief has 107 rows).
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if size:
        run.font.size = Pt(size)
    return run


def _heading(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(12)
    _run(paragraph, text, bold=True)


def _paragraph(document, text: str) -> None:
    paragraph = document.add_paragraph(text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Cm(1)


def _table(document, headers: list[str], rows: list[list[str]], *, size=10) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, text, bold=True, size=size)
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if index == 0 else WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.space_after = Pt(0)
            _run(paragraph, text, size=size)


def _federations(document, brief: Brief) -> None:
    headers = [
        _("Đơn vị"),
        _("Kết nạp mới"),
        _("Giảm"),
        _("Tăng tuyệt đối"),
        _("Thành lập CĐCS"),
        _("Giảm CĐCS"),
        _("Đoàn viên cuối kỳ"),
        _("Đạt chỉ tiêu năm (ĐV)"),
        _("Đạt chỉ tiêu năm (CĐCS)"),
    ]
    rows = []
    for line in brief.board.lines:
        figures = line.row.figures
        rows.append(
            [
                line.row.org.name,
                count(figures.admitted),
                count(figures.decrease),
                count(figures.net_members),
                count(figures.unions_founded),
                count(figures.unions_dissolved),
                count(figures.members_end),
                percent(line.row.year_members.percent),
                percent(line.row.year_unions.percent),
            ]
        )
    total = brief.board.report.total
    rows.append(
        [
            _("Cộng"),
            count(total.figures.admitted),
            count(total.figures.decrease),
            count(total.figures.net_members),
            count(total.figures.unions_founded),
            count(total.figures.unions_dissolved),
            count(total.figures.members_end),
            percent(total.year_members.percent),
            percent(total.year_unions.percent),
        ]
    )
    _table(document, headers, rows, size=9)


def _months(document, brief: Brief) -> None:
    headers = [_("Tháng"), _("Kết nạp mới"), _("Giảm"), _("Thành lập CĐCS"), _("Giảm CĐCS"), _("Đoàn viên cuối tháng")]
    rows = [
        [
            str(point.month),
            count(point.totals.admitted),
            count(point.totals.decrease),
            count(point.totals.unions_founded),
            count(point.totals.unions_dissolved),
            count(point.totals.members_end),
        ]
        for point in brief.board.months
    ]
    _table(document, headers, rows)
