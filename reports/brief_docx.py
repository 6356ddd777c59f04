"""The meeting brief as a Word document (python-docx), laid out as Vietnamese administrative
documents are (Nghị định 30/2020/NĐ-CP: A4, Times New Roman 13–14, margins 2 / 3 cm; the issuer,
the number line and the national motto at the top, "Nơi nhận" and the signature at the foot, the
page number in the footer), so that the Ban Tổ chức can sign it and send it as it is.

The charts stay on the printed page: Word gets their figures as tables instead."""

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from unionportal.lib.formatting import count, percent

from .brief import Brief

FONT = "Times New Roman"


def brief_document(brief: Brief) -> bytes:
    document = Document()
    _page(document)
    _header(document, brief)
    headings = brief.headings
    _heading(document, headings["general"])
    _paragraph(document, brief.sentence)
    if brief.structural:
        _paragraph(document, brief.structural)
    for text in brief.attainment:
        _paragraph(document, text)
    if brief.non_state:
        _heading(document, headings["non_state"])
        _paragraph(document, brief.non_state)
    if brief.board.lines:
        _heading(document, headings["federations"])
        _federations(document, brief)
    if brief.laggards:
        _heading(document, headings["laggards"])
        _paragraph(document, brief.laggards)
        for item in brief.laggard_items:
            _paragraph(document, f"- {item}")
    if brief.organising:
        _heading(document, headings["organising"])
        _paragraph(document, brief.organising)
        if brief.organising_stuck:
            _paragraph(document, _("Doanh nghiệp dừng lâu nhất ở một giai đoạn:"))
            for item in brief.organising_stuck:
                _paragraph(document, f"- {item}")
    _heading(document, headings["months"])
    _months(document, brief)
    _signature(document, brief)
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
    _page_number(section.footer.paragraphs[0])


def _page_number(paragraph) -> None:
    """A PAGE field, centred: Word writes each page's own number when it lays the pages out."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(12)
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _header(document, brief: Brief) -> None:
    """The issuer and the number on the left, the national motto and the date on the right, a
    short rule under each body (Nghị định 30/2020, phụ lục I), then the title."""
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    _cell(left, brief.issuer_above, size=12)
    _cell(left, brief.issuer, bold=True, size=12)
    _rule(left, indent=2.2)
    _cell(left, brief.number_line, size=13)
    _cell(right, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), bold=True, size=12)
    _cell(right, _("Độc lập - Tự do - Hạnh phúc"), bold=True, size=13)
    _rule(right, indent=2.6)
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


def _rule(cell, *, indent: float) -> None:
    """A short line under a body's name: an empty paragraph's bottom border, narrowed by indents."""
    paragraph = cell.add_paragraph()
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = Cm(indent)
    paragraph.paragraph_format.space_after = Pt(4)
    paragraph.paragraph_format.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _signature(document, brief: Brief) -> None:
    """ "Nơi nhận:" and its list on the left, the signer's position, room to sign and the name on
    the right."""
    signing = brief.signing
    document.add_paragraph()
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(8), Cm(8)
    heading = left.paragraphs[0]
    _run(heading, _("Nơi nhận:"), bold=True, italic=True, size=12)
    for recipient in signing.recipients:
        paragraph = left.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        _run(paragraph, f"- {recipient}", size=11)
    _cell(right, signing.signer_title, bold=True, size=13)
    for _blank in range(4):  # room for the signature and the seal
        _cell(right, "", size=13)
    _cell(right, signing.signer_name, bold=True, size=13)


def _cell(cell, text: str, *, bold=False, italic=False, size=13) -> None:
    first = cell.paragraphs[0]
    paragraph = first if len(cell.paragraphs) == 1 and not first.runs else cell.add_paragraph()
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
