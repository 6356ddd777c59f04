"""A plan's Excel list, with real files written by openpyxl: the template as downloaded (the CĐCS of
the ending unions prefilled) and filled in, received, previewed and confirmed into a draft; a
refused list names each problem's sheet, row and column, the plan's own checks included, and
creates nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from members.models import AuditEntry, Role
from reorganisation.imports import plan_read
from reorganisation.lists import plan_confirm, plan_discard, plan_receive
from reorganisation.models import Plan, PlanLine, PlanUpload
from reorganisation.workbook import plan_workbook
from unionportal.lib.sheets import ImportRefused
from unionportal.testing.child import in_child
from unionportal.testing.province import user_create

from .pages_world import MONTH, plan_file, reorg_province


@pytest.fixture
def world(province):
    return reorg_province(province)


@pytest.fixture
def staff(db):
    return user_create("bantochuc", Role.PROVINCIAL_STAFF)


def _problems(upload) -> list[tuple]:
    return [(problem["sheet"], problem["row"], problem["column"], problem["message"]) for problem in upload.problems]


def test_the_template_lists_each_cdcs_of_the_ending_unions_with_its_union_and_members(world):
    workbook = plan_workbook(endings=[world["DT"], world["PB"]], lines=_lines(), month=MONTH)
    buffer = io.BytesIO()
    workbook.save(buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    assert book.sheetnames == ["Đề án", "Đơn vị kết thúc", "Đơn vị mới", "CĐCS", "CĐCS mới", "Chỉ tiêu", "Hướng dẫn"]
    assert book["Đề án"]["B5"].value == "07/2025"
    assert [row[:2] for row in book["Đơn vị kết thúc"].iter_rows(min_row=4, values_only=True)] == [
        ("DT", "LĐLĐ huyện Đại Từ"), ("PB", "LĐLĐ huyện Phú Bình"),
    ]  # fmt: skip
    lines = book["CĐCS"]
    assert [row[:5] for row in lines.iter_rows(min_row=4, values_only=True)] == [
        (1, "DT01", "CĐCS DT01", "DT", 40), (2, "DT02", "CĐCS DT02", "DT", 30), (3, "PB01", "CĐCS PB01", "PB", 25),
    ]  # fmt: skip
    validations = lines.data_validations.dataValidation
    assert [str(item.sqref) for item in validations] == ["F4:F2006"]
    assert validations[0].formula1 == "'Hướng dẫn'!$D$1:$D$4"
    guide = book["Hướng dẫn"]
    assert [guide.cell(row=row, column=4).value for row in range(1, 5)] == [
        "Chuyển công đoàn cấp trên", "Chuyển về LĐLĐ tỉnh", "Hợp nhất vào CĐCS khác", "Kết thúc, chuyển đoàn viên",
    ]  # fmt: skip


def _lines():
    from reorganisation.listing import cdcs_of_unions

    return cdcs_of_unions(["DT", "PB"], MONTH)


def test_a_filled_in_list_is_previewed_then_confirmed_into_a_draft_whose_lines_are_the_sheets_rows(world, staff):
    upload = plan_receive(data=plan_file(), file_name="de-an.xlsx", user=staff)
    assert upload.outcome == PlanUpload.Outcome.PREVIEW, upload.problems
    assert Plan.objects.count() == 0  # the preview made nothing

    plan = plan_confirm(upload=upload, user=staff)
    assert (plan.name, plan.status, plan.effective_month) == (
        "Đề án sắp xếp công đoàn cấp huyện", Plan.Status.DRAFT, MONTH.first_day,
    )  # fmt: skip
    assert plan.decision == "Quyết định số 15/QĐ-LĐLĐ ngày 20/6/2025"
    assert sorted(plan.endings.values_list("organisation__code", flat=True)) == ["DT", "PB"]
    assert list(plan.new_unions.values_list("code", "kind")) == [("XA1", "commune")]
    assert list(plan.new_cdcs.values_list("code", "sector", "union_code")) == [("DTM", "public", "XA1")]
    assert list(plan.lines.values_list("line_no", "cdcs__code", "action", "union_code", "target_code")) == [
        (4, "DT01", PlanLine.Action.TO_PROVINCE, "", ""),
        (5, "DT02", PlanLine.Action.MERGE, "", "DTM"),
        (6, "PB01", PlanLine.Action.MOVE, "KCN", ""),
    ]
    upload.refresh_from_db()
    assert (upload.outcome, upload.plan_id, upload.parsed) == (PlanUpload.Outcome.IMPORTED, plan.pk, {})
    entries = AuditEntry.objects.filter(object_type="reorganisation.plan", object_id=str(plan.pk))
    assert set(entries.values_list("action", flat=True)) == {
        "reorganisation.draft", "reorganisation.upload",
    }  # fmt: skip

    with pytest.raises(ImportRefused):  # a second click
        plan_confirm(upload=upload, user=staff)
    assert Plan.objects.count() == 1


def _with_quotas(data: bytes, rows: list[list]) -> bytes:
    """The list with the rule "typed" and `rows` on its quota sheet."""
    book = load_workbook(io.BytesIO(data))
    book["Đề án"]["B6"] = "Theo số nhập"
    for row in rows:
        book["Chỉ tiêu"].append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_quotas_typed_on_their_sheet_go_with_the_plan_and_must_add_up_to_the_part_handed_on(world, staff):
    """DT's 2025 quotas from July: 60 members, 3 CĐCS, 6 officers, typed to the direct block ("")
    and to XA1; typed 1 CĐCS short, the list is refused on the plan's own check."""
    rows = [["DT", None, "05/CTr-LĐLĐ", 2025, 40, 2, 4], ["DT", "XA1", "05/CTr-LĐLĐ", 2025, 20, 1, 2]]
    upload = plan_receive(data=_with_quotas(plan_file(), rows), file_name="de-an.xlsx", user=staff)
    assert upload.outcome == PlanUpload.Outcome.PREVIEW, upload.problems
    plan = plan_confirm(upload=upload, user=staff)
    assert plan.quota_rule == Plan.QuotaRule.TYPED
    assert sorted(plan.quotas.values_list("from_organisation__code", "union_code", "year", "new_members",
                                          "new_unions", "trained_officers")) == [
        ("DT", "", 2025, 40, 2, 4), ("DT", "XA1", 2025, 20, 1, 2),
    ]  # fmt: skip

    rows[1][5] = 0
    rows.append(["HN", "XA1", "99/CTr", 2025, 1, 0, 0])
    upload = plan_receive(data=_with_quotas(plan_file(), rows), file_name="de-an.xlsx", user=staff)
    problems = _problems(upload)
    assert problems[:2] == [
        ("Chỉ tiêu", 6, "Mã đơn vị kết thúc", "“HN” không có trong trang Đơn vị kết thúc: chỉ chuyển chỉ tiêu của đơn "
                                             "vị kết thúc."),
        ("Chỉ tiêu", 6, "Chương trình (số văn bản)", "Không có chương trình “99/CTr” (ghi số văn bản của chương "
                                                     "trình)."),
    ]  # fmt: skip
    assert [message for _s, _r, _c, message in problems[2:]] == [
        "Chỉ tiêu năm 2025 (05/CTr-LĐLĐ (2023–2027)) LĐLĐ huyện Đại Từ chuyển đi phải là 60 / 3 / 6; đã nhập "
        "60 / 2 / 6 (kết nạp đoàn viên / thành lập CĐCS / đào tạo cán bộ)."
    ]
    assert Plan.objects.count() == 1


def test_a_list_with_unknown_codes_an_unknown_action_and_a_missing_line_is_refused_row_by_row(world, staff):
    data = plan_file(
        destinations={
            "DT01": ("Chuyển về LĐLĐ tỉnh", "", ""),
            "DT02": ("Giải tán", "", "DTM"),  # not an action
        },
        drop=("PB01",),  # PB's only CĐCS has no line
        extra_lines=[("ZZ99", "Chuyển về LĐLĐ tỉnh", "", ""), ("KCN01", "Chuyển công đoàn cấp trên", "XX", "")],
    )
    upload = plan_receive(data=data, file_name="de-an-loi.xlsx", user=staff)
    assert upload.outcome == PlanUpload.Outcome.REFUSED
    problems = _problems(upload)
    assert problems[:2] == [
        ("CĐCS", 5, "Hình thức", "Hình thức “Giải tán” không có: ghi “Chuyển công đoàn cấp trên” / “Chuyển về LĐLĐ "
                                 "tỉnh” / “Hợp nhất vào CĐCS khác” / “Kết thúc, chuyển đoàn viên”."),
        ("CĐCS", 6, "Mã CĐCS", "Không tìm thấy CĐCS mã “ZZ99” trong sổ CĐCS."),
    ]  # fmt: skip
    # the plan's own checks, on the rows that passed: KCN01's line names a union nobody has, and
    # PB01 (and DT02, whose line was refused) are left without a line
    messages = [message for _sheet, _row, _column, message in problems[2:]]
    unknown_union = "XX không phải công đoàn cấp trên đang hoạt động (và không kết thúc) hay mới trong đề án."
    assert ("CĐCS", 7, "", unknown_union) in problems[2:]
    assert any(message.startswith("CĐCS PB01 – CĐCS PB01 thuộc LĐLĐ huyện Phú Bình") for message in messages)
    assert Plan.objects.count() == 0 and PlanLine.objects.count() == 0
    assert upload.parsed == {}


def test_a_list_with_a_bad_month_and_an_unknown_ending_union_is_refused_and_creates_nothing(world, staff):
    data = plan_file(month="13/2025", endings=("DT", "PB"))
    book = load_workbook(io.BytesIO(data))
    book["Đơn vị kết thúc"].append(["HN", "LĐLĐ huyện không có"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = plan_receive(data=buffer.getvalue(), file_name="de-an.xlsx", user=staff)
    assert _problems(upload) == [
        ("Đề án", 5, "Tháng có hiệu lực (mm/yyyy)",
         "Tháng có hiệu lực “13/2025” không đúng: hãy ghi dạng mm/yyyy, ví dụ 07/2025."),
        ("Đơn vị kết thúc", 6, "Mã đơn vị", "Không có công đoàn cấp trên mã “HN”."),
    ]  # fmt: skip
    assert Plan.objects.count() == 0


def test_a_file_that_is_not_a_workbook_is_refused_by_the_hostile_file_checks(world, staff):
    upload = plan_receive(data=b"<html>not a workbook</html>", file_name="de-an.xlsx", user=staff)
    assert upload.outcome == PlanUpload.Outcome.REFUSED
    assert len(upload.problems) == 1 and upload.problems[0]["row"] is None
    read = plan_read(b"PK\x03\x04 broken zip")
    assert read.problems and not read.lines


def test_a_discarded_list_creates_nothing_and_forgets_what_was_read(world, staff):
    upload = plan_receive(data=plan_file(), file_name="de-an.xlsx", user=staff)
    plan_discard(upload=upload, user=staff)
    upload.refresh_from_db()
    assert (upload.outcome, upload.parsed) == (PlanUpload.Outcome.DISCARDED, {})
    assert Plan.objects.count() == 0


def test_a_sheet_reaching_to_the_grids_corner_is_refused_in_a_process_that_survives_it(world, staff, client):
    """The hostile-workbook check (unionportal.lib.xlsx.check_xlsx) before any parser: a file of a
    few cells claiming XFD1048576, posted to the upload page in a child under a memory ceiling."""
    book = Workbook()
    book.active.title = "Đề án"
    book.active["A1"], book.active["XFD1048576"] = "Tên đề án", 1
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(staff)

    def upload():
        response = client.post(
            reverse("reorganisation:plan_upload"), {"file": SimpleUploadedFile("de-an.xlsx", buffer.getvalue())}
        )
        return {"page": client.get(response.url).content.decode(), "plans": Plan.objects.count()}

    finished = in_child(upload)
    assert (finished.exit_code, finished.error) == (0, "")
    assert "Trang tính “Đề án” trải tới ô XFD1048576" in finished.value["page"]
    assert finished.value["plans"] == 0
