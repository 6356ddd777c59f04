"""Workbooks whose sheets reach far beyond their few cells (issue 17): a 5 KB file holding A1 and
XFD1048576 made python-calamine ask for 512 GB and abort the process; A1 and Z1048576 took 850 MB
a request; the admin's import padded rows out to the sheet's <dimension> for minutes. Every door
an uploaded workbook comes through (the four upload pages, the three import commands, the
admin's import pages) is walked here in a child process under a memory limit
(unionportal.testing.child), which must end with the Vietnamese refusal, not a crash."""

import io
import random
import re
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import execute_from_command_line
from django.urls import reverse
from openpyxl import Workbook

from members.figures.sheet import sheet_read
from members.models import GrassrootsUnion, MonthlyFigure, Upload
from organising.models import Enterprise
from ratings.models import Assessment
from ratings.services import rubric_create
from targets.models import Quota
from unionportal.lib.months import Month
from unionportal.lib.resources import XLSXFormat
from unionportal.lib.xlsx import UnsafeFile, check_xlsx, sheet_extents
from unionportal.testing.child import in_child
from unionportal.testing.sheets import fill, template, to_bytes

SHEET = "Danh sách"
APRIL = Month(2021, 4)
# The hostile files, and the cell each refusal must name.
REACHES = {"corner": "XFD1048576", "column-z": "Z1048576", "dimension-too-small": "Z1048576"}


def workbook(cells: dict[str, object], *, title: str = SHEET) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for reference, value in cells.items():
        sheet[reference] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_parts(data: bytes, change) -> bytes:
    """The workbook with each worksheet part passed through change(xml) -> xml."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            part = source.read(entry)
            target.writestr(entry, change(part) if entry.filename.startswith("xl/worksheets/sheet") else part)
    return buffer.getvalue()


def with_dimension(data: bytes, reference: str) -> bytes:
    """The workbook with every sheet claiming `reference` as its <dimension>, whatever it holds."""
    return with_parts(
        data, lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{reference}"'.encode(), xml)
    )


def with_sheet_data(data: bytes, rows: bytes) -> bytes:
    """The workbook with its sheet's cells replaced by `rows`, XML written by hand."""
    return with_parts(
        data,
        lambda xml: re.sub(
            rb"<sheetData>.*</sheetData>|<sheetData/>", b"<sheetData>" + rows + b"</sheetData>", xml, flags=re.S
        ),
    )


@pytest.fixture(scope="session")
def hostile() -> dict[str, bytes]:
    """Built once: a few KB each."""
    return {
        "corner": workbook({"A1": "Mã CĐCS", "XFD1048576": 1}),
        "column-z": workbook({"A1": "Mã CĐCS", "Z1048576": 1}),
        "dimension-too-small": with_dimension(workbook({"A1": "Mã CĐCS", "Z1048576": 1}), "A1:C3"),
    }


@pytest.fixture(scope="session")
def long_text() -> bytes:
    """One cell of 70 MB of text (Excel stops at 32,767 characters), zipped to 0.6 MB: each
    part inflates 150 times, under the 200 the zip check allows."""
    rng = random.Random(17)
    text = "".join(rng.randbytes(30).hex() + "a" * 9_000 for _ in range(70 * 1024 * 1024 // 9_060))
    return with_parts(workbook({"A1": "PLACEHOLDER"}), lambda xml: xml.replace(b"PLACEHOLDER", text.encode()))


def extents(data: bytes):
    return sheet_extents(zipfile.ZipFile(io.BytesIO(data)))


# --- the check itself -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REACHES)
def test_a_sheet_reaching_past_the_limits_is_refused_naming_the_sheet_and_the_cell(hostile, name):
    with pytest.raises(UnsafeFile) as refused:
        check_xlsx(hostile[name])
    message = str(refused.value)
    assert f"Trang tính “{SHEET}” trải tới ô {REACHES[name]}" in message
    assert "20.000 dòng, 256 cột, 1.000.000 ô cho cả tệp" in message


def test_a_dimension_claiming_the_whole_grid_over_three_cells_is_not_trusted():
    data = with_dimension(workbook({"A1": "Mã CĐCS", "B1": 2, "A2": 3}), "A1:XFD1048576")
    check_xlsx(data)
    (extent,) = extents(data)
    assert (extent.rows, extent.columns, extent.dimension) == (2, 2, "A1:XFD1048576")


def test_cells_and_rows_without_a_reference_follow_the_one_before(settings):
    rows = b'<row r="3"><c r="B3"><v>1</v></c><c><v>2</v></c><c/></row><row/><row><c r="E5"/><c/></row>'
    (extent,) = extents(with_sheet_data(workbook({}), rows))
    assert (extent.rows, extent.columns, extent.corner) == (5, 6, "F5")  # D3, then row 4, row 5 to F5

    settings.UPLOAD_MAX_SHEET_ROWS = 30
    unnumbered = with_sheet_data(workbook({}), b"<row><c/></row>" * 31)
    with pytest.raises(UnsafeFile, match="trải tới ô A31 "):
        check_xlsx(unnumbered)
    settings.UPLOAD_MAX_SHEET_COLUMNS = 20
    wide = with_sheet_data(workbook({}), b"<row>" + b"<c><v>1</v></c>" * 21 + b"</row>")
    with pytest.raises(UnsafeFile, match="trải tới ô U1 "):
        check_xlsx(wide)


def test_cells_in_comments_and_text_are_not_taken_for_cells():
    rows = (
        b'<!-- <row r="1048576"><c r="XFD1048576"/></row> --><row r="1"><c r="A1" t="inlineStr">'
        b'<is><t><![CDATA[<c r="XFD1"/>]]> &lt;c r="XFD2"/&gt;</t></is></c></row>'
    )
    (extent,) = extents(with_sheet_data(workbook({}), rows))
    assert (extent.rows, extent.columns) == (1, 1)


def test_the_cells_of_all_sheets_count_together(settings):
    settings.UPLOAD_MAX_CELLS = 1_000
    book = Workbook()
    book.active.title = "Một"
    book.active["T30"] = 1  # 600 cells
    book.create_sheet("Hai")["T25"] = 1  # 500 more
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(UnsafeFile) as refused:
        check_xlsx(buffer.getvalue())
    assert "cộng lại trải trên hơn 1.000 ô" in str(refused.value)
    assert "trang tính “Hai” trải tới ô T25" in str(refused.value)


def test_a_sheet_stored_outside_the_worksheets_folder_is_checked_too(hostile):
    """Readers follow the workbook's relationships wherever they point, and the workbook itself
    may sit where [Content_Types].xml says (openpyxl looks there)."""
    source, buffer = zipfile.ZipFile(io.BytesIO(hostile["corner"])), io.BytesIO()
    moves = {"xl/worksheets/sheet1.xml": "xl/data/trang 1.xml", "xl/workbook.xml": "xl/book.xml"}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            part = source.read(entry).replace(b"/xl/worksheets/sheet1.xml", b"data/trang%201.xml")
            part = part.replace(b"/xl/workbook.xml", b"/xl/book.xml")
            name = moves.get(entry.filename, entry.filename)
            target.writestr("xl/_rels/book.xml.rels" if name == "xl/_rels/workbook.xml.rels" else name, part)
    moved = buffer.getvalue()
    assert "xl/worksheets/sheet1.xml" not in zipfile.ZipFile(io.BytesIO(moved)).namelist()
    with pytest.raises(UnsafeFile, match=f"Trang tính “{SHEET}” trải tới ô XFD1048576"):
        check_xlsx(moved)


def test_a_dtd_past_the_start_of_a_sheet_is_refused():
    hidden = with_parts(
        workbook({"A1": 1}),
        lambda xml: xml.replace(
            b"<worksheet", b"<!--" + b"x" * 5000 + b'--><!DOCTYPE w [<!ENTITY a "b">]><worksheet', 1
        ),
    )
    with pytest.raises(UnsafeFile, match="khai báo XML không được phép"):
        check_xlsx(hidden)


@pytest.mark.parametrize("reference", ["1A", "A", "A1B2", "AAAAAAAA1", "A" + "1" * 16])
def test_a_cell_reference_that_is_no_cell_is_refused_as_damaged(reference):
    data = with_sheet_data(workbook({}), f'<row r="1"><c r="{reference}"/></row>'.encode())
    with pytest.raises(UnsafeFile, match="bị hỏng"):
        check_xlsx(data)


def test_a_workbook_just_inside_the_limits_is_read_within_the_memory_ceiling(federation, world):
    """The month's template with a note at AX19000: near the farthest a file may reach (a million
    cells for all its sheets), where a reader's range is at its largest, 32 MB for
    python-calamine; both readers go through every row of it well inside 256 MB."""
    book = template(federation, APRIL)
    book.worksheets[0]["AX19000"] = "ghi chú"
    data = to_bytes(book)
    assert 950_000 < sum(extent.cells for extent in extents(data)) <= 1_000_000

    def read():
        sheet = sheet_read(data)
        try:
            XLSXFormat().create_dataset(data)
        except UnsafeFile as refused:
            return [[row["code"] for row in sheet.rows], [problem.message for problem in sheet.problems], str(refused)]

    finished = in_child(read, headroom=256 * 1024 * 1024)
    assert (finished.exit_code, finished.error) == (0, "")
    codes, problems, admin = finished.value
    assert (codes, problems) == (["DT01"], [])
    assert "hơn 10000 dòng" in admin  # the admin's own cap on rows, once it has read them all


# --- every door: the four upload pages, the three commands, the admin -------------------------------


@pytest.fixture
def world(federation, make_cdcs):
    """What the pages and commands need to get as far as reading a file."""
    cdcs = make_cdcs(federation, code="DT01", opening=100, first_month=Month(2021, 3))
    rubric_create(year=2024, user=None)
    return cdcs


def _written() -> list[int]:
    return [model.objects.count() for model in (MonthlyFigure, GrassrootsUnion, Enterprise, Assessment, Quota)] + [
        GrassrootsUnion.objects.get(code="DT01").members.count()
    ]


PAGES = {
    "month-sheet": lambda: (reverse("members:upload", kwargs={"code": "DT", "month": APRIL}), {}),
    "member-list": lambda: (reverse("members:member_list_upload", kwargs={"code": "DT01"}), {"month": "2021-03"}),
    "enterprise-list": lambda: (reverse("organising:list_upload"), {}),
    "self-assessment": lambda: (reverse("ratings:upload", kwargs={"year": 2024, "code": "DT"}), {}),
}


@pytest.mark.parametrize("name", ["corner", "column-z"])
@pytest.mark.parametrize("upload_page", PAGES)
def test_a_hostile_workbook_is_refused_on_every_upload_page(
    client_for, federation_user, world, hostile, upload_page, name
):
    client = client_for(federation_user)
    url, fields = PAGES[upload_page]()

    def upload():
        before = _written()
        response = client.post(url, {**fields, "file": SimpleUploadedFile("so-lieu.xlsx", hostile[name])})
        assert response.status_code == 302, response.status_code
        return {"page": client.get(response.url).content.decode(), "unchanged": _written() == before}

    finished = in_child(upload)
    assert (finished.exit_code, finished.error) == (0, "")
    assert f"Trang tính “{SHEET}” trải tới ô {REACHES[name]}" in finished.value["page"]
    assert finished.value["unchanged"]


COMMANDS = {
    "import_month": ["--federation", "DT", "--month", "2021-04"],
    "import_members": ["--cdcs", "DT01", "--month", "2021-03"],
    "import_enterprises": [],
}


@pytest.mark.parametrize("name", ["corner", "column-z"])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_hostile_workbook_is_refused_by_every_import_command(world, hostile, tmp_path, command, name):
    path = tmp_path / "so-lieu.xlsx"
    path.write_bytes(hostile[name])

    def run():
        before = _written()
        try:
            execute_from_command_line(["manage.py", command, str(path), *COMMANDS[command], "--skip-checks"])
        finally:
            print("không đổi" if _written() == before else "ĐÃ GHI")

    finished = in_child(run)
    assert finished.exit_code == 1, finished  # CommandError, as from the shell; 134 was the abort
    assert f"Trang tính “{SHEET}” trải tới ô {REACHES[name]}" in finished.output
    assert finished.output.endswith("không đổi\n")


ADMIN_IMPORTS = ["members_grassrootsunion", "members_monthlyfigure", "targets_quota"]


@pytest.mark.parametrize("name", ["corner", "dimension-too-small"])
@pytest.mark.parametrize("model", ADMIN_IMPORTS)
def test_a_hostile_workbook_is_refused_on_the_admin_import_pages(client_for, superuser, world, hostile, model, name):
    client = client_for(superuser)

    def post():
        before = _written()
        upload = SimpleUploadedFile("nhap.xlsx", hostile[name])
        response = client.post(
            reverse(f"admin:{model}_import"), {"format": "0", "resource": "0", "import_file": upload}
        )
        return {"status": response.status_code, "page": response.content.decode(), "unchanged": _written() == before}

    finished = in_child(post, seconds=30)  # the import-export default padded rows for minutes
    assert (finished.exit_code, finished.error) == (0, "")
    assert finished.value["status"] == 200 and finished.value["unchanged"]
    assert f"Trang tính “{SHEET}” trải tới ô {REACHES[name]}" in finished.value["page"]


# --- a <dimension> is not trusted, either way -------------------------------------------------------


def test_a_month_sheet_claiming_the_whole_grid_is_previewed_as_usual(client_for, federation, federation_user, world):
    data = with_dimension(to_bytes(fill(template(federation, APRIL), {"DT01": {"Kết nạp mới": 5}})), "A1:XFD1048576")
    client = client_for(federation_user)

    def upload():
        response = client.post(
            reverse("members:upload", kwargs={"code": "DT", "month": APRIL}),
            {"file": SimpleUploadedFile("so-lieu.xlsx", data)},
        )
        return client.get(response.url).content.decode()

    finished = in_child(upload)
    assert (finished.exit_code, finished.error) == (0, "")
    assert "Xem trước: 1 CĐCS thay đổi" in finished.value


@pytest.mark.parametrize("dimension", ["A1:B2", "A1:XFD1048576"])
def test_the_admin_import_reads_every_row_whatever_the_dimension_claims(admin_client, federation, dimension):
    rows = [["code", "name", "employer", "sector", "workers", "founded_on", "federation"]]
    rows += [[f"DT9{n}", f"CĐCS Công ty {n}", f"Công ty {n}", "private", 10, "2020-01-01", "DT"] for n in range(5)]
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("nhap.xlsx", with_dimension(buffer.getvalue(), dimension))

    preview = admin_client.post(
        reverse("admin:members_grassrootsunion_import"), {"format": "0", "resource": "0", "import_file": upload}
    )
    admin_client.post(reverse("admin:members_grassrootsunion_process_import"), preview.context["confirm_form"].initial)

    assert sorted(GrassrootsUnion.objects.values_list("code", flat=True)) == [f"DT9{n}" for n in range(5)]
    assert GrassrootsUnion.objects.get(code="DT94").founded_on == date(2020, 1, 1)


def test_a_cell_of_70_mb_of_text_is_refused_before_it_is_read(client_for, federation_user, world, long_text):
    """The text of a file is held about three times over while it is read: the 200 MB the zip
    check used to let through took 570 MB a request."""
    client = client_for(federation_user)

    def upload():
        response = client.post(
            reverse("members:upload", kwargs={"code": "DT", "month": APRIL}),
            {"file": SimpleUploadedFile("so-lieu.xlsx", long_text)},
        )
        return client.get(response.url).content.decode()

    finished = in_child(upload, headroom=128 * 1024 * 1024)
    assert (finished.exit_code, finished.error) == (0, "")
    assert "Tệp khi giải nén quá lớn, không nhận." in finished.value


def test_refused_uploads_are_kept_with_the_reason(client_for, federation_user, world, hostile):
    """In this process too (not only in a child), so that the record is seen here."""
    client = client_for(federation_user)
    client.post(
        reverse("members:upload", kwargs={"code": "DT", "month": APRIL}),
        {"file": SimpleUploadedFile("so-lieu.xlsx", hostile["column-z"])},
    )
    upload = Upload.objects.get()
    assert upload.outcome == Upload.Outcome.REFUSED
    (problem,) = upload.problems
    assert (problem["sheet"], problem["column"]) == (SHEET, "Z1048576")
    assert "trải tới ô Z1048576" in problem["message"]
