"""The plan's pages through Django's test client: a plan built on the page in two steps (the helper
that fills many rows at once, a refused row named in the table), its page with the preview
before → after (figures computed by hand in pages_world), applied once even when clicked twice,
undone while no figure of the month is written and not after, a draft deleted; the Excel list
uploaded, previewed and confirmed through the pages; the template prefilled."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.figures.services import figures_record
from members.models import AuditEntry, GrassrootsUnion, Organisation, Role
from reorganisation.models import Plan, PlanLine, PlanUpload
from reorganisation.services import plan_create_draft
from unionportal.testing.html import attr, find, find_all, page, text
from unionportal.testing.province import user_create

from .pages_world import JUNE, MONTH, plan_file, reorg_province


@pytest.fixture
def world(province):
    return reorg_province(province)


@pytest.fixture
def staff(world):
    return user_create("bantochuc", Role.PROVINCIAL_STAFF)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def make_plan(user) -> Plan:
    """The plan of pages_world, made through the service as the pages make it."""
    return plan_create_draft(
        name="Đề án sắp xếp công đoàn cấp huyện", decision="15/QĐ-LĐLĐ", effective_month=MONTH,
        quota_rule=Plan.QuotaRule.MEMBERS, endings=["DT", "PB"],
        new_unions=[{"code": "XA1", "name": "Công đoàn xã Đại Từ", "kind": "commune"}],
        new_cdcs=[{"code": "DTM", "name": "CĐCS Trường học Đại Từ", "employer": "Các trường học xã Đại Từ",
                   "sector": "public", "union_code": "XA1"}],
        lines=[
            {"line_no": 1, "cdcs_code": "DT01", "action": "to_province", "union_code": "", "target_code": ""},
            {"line_no": 2, "cdcs_code": "DT02", "action": "merge", "union_code": "", "target_code": "DTM"},
            {"line_no": 3, "cdcs_code": "PB01", "action": "move", "union_code": "KCN", "target_code": ""},
        ],
        quotas=[], user=user,
    )  # fmt: skip


def form_data(response, form_id: str) -> dict:
    """What a browser would post from the form `form_id` as the page shows it (no button)."""
    form = find(page(response), "form", id=form_id)
    data = {}
    for element in find_all(form, "input"):
        name, kind = attr(element, "name"), attr(element, "type")
        if not name or (kind in ("checkbox", "radio") and "checked" not in dict(element.attributes)):
            continue
        data.setdefault(name, []).append(attr(element, "value") or "")
    for element in find_all(form, "select"):
        options = find_all(element, "option")
        chosen = [option for option in options if "selected" in dict(option.attributes)] or options[:1]
        data[attr(element, "name")] = [attr(chosen[0], "value") or ""]
    for element in find_all(form, "textarea"):
        data[attr(element, "name")] = [text(element)]
    return data


def row_of(response, code: str):
    return find(page(response), "tr", data_cdcs=code)


# --- building a plan on the page ----------------------------------------------------------------


def _step_two(client):
    response = client.get(reverse("reorganisation:plan_new"))
    data = form_data(response, "plan-form")
    data.update(name="Đề án sắp xếp công đoàn cấp huyện", decision="15/QĐ-LĐLĐ", effective_month="07/2025",
                endings=["DT", "PB"], go="lines")  # fmt: skip
    data.update({"union-0-code": "XA1", "union-0-name": "Công đoàn xã Đại Từ", "union-0-kind": "commune"})
    response = client.post(reverse("reorganisation:plan_new"), data)
    assert response.status_code == 200
    return response


def test_a_plan_is_built_on_the_page_with_the_fill_helper_and_kept_as_a_draft(staff_client):
    response = _step_two(staff_client)
    assert [attr(row, "data-cdcs") for row in find_all(page(response), "tr", data_cdcs=True)] == [
        "DT01", "DT02", "PB01",
    ]  # fmt: skip
    assert "40" in text(row_of(response, "DT01")) and "DT" in text(row_of(response, "DT01"))
    assert Plan.objects.count() == 0

    # every CĐCS of DT to the province at once, then DT02 merged into a new CĐCS, PB01 moved
    data = form_data(response, "plan-lines-form")
    data.update(go="fill", fill_scope="union:DT", fill_action="to_province")
    response = staff_client.post(reverse("reorganisation:plan_new"), data)
    assert "Đã điền cho 2 dòng." in response.content.decode()
    data = form_data(response, "plan-lines-form")
    assert (data["line-0-action"], data["line-1-action"], data["line-2-action"]) == (["to_province"],) * 2 + ([""],)
    data.update({"line-1-action": "merge", "line-1-target_code": "DTM", "line-2-action": "move",
                 "line-2-union_code": "KCN", "cdcs-0-code": "DTM", "cdcs-0-name": "CĐCS Trường học Đại Từ",
                 "cdcs-0-employer": "Các trường học xã Đại Từ", "cdcs-0-sector": "public",
                 "cdcs-0-union_code": "XA1", "go": "create"})  # fmt: skip
    response = staff_client.post(reverse("reorganisation:plan_new"), data)
    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == reverse("reorganisation:plan_detail", args=[plan.pk])
    assert list(plan.lines.values_list("line_no", "cdcs__code", "action", "union_code", "target_code")) == [
        (1, "DT01", "to_province", "", ""), (2, "DT02", "merge", "", "DTM"), (3, "PB01", "move", "KCN", ""),
    ]  # fmt: skip
    assert list(plan.new_unions.values_list("code", "name")) == [("XA1", "Công đoàn xã Đại Từ")]


def test_a_row_the_plan_refuses_is_named_in_the_table_and_nothing_is_kept(staff_client):
    data = form_data(_step_two(staff_client), "plan-lines-form")
    data.update({"line-0-action": "to_province", "line-1-action": "to_province", "line-2-action": "move",
                 "line-2-union_code": "XX", "go": "create"})  # fmt: skip
    response = staff_client.post(reverse("reorganisation:plan_new"), data)
    assert response.status_code == 200
    row = row_of(response, "PB01")
    assert "XX không phải công đoàn cấp trên đang hoạt động" in text(row)
    assert "table-danger" in attr(row, "class")
    # XA1 has no CĐCS now that DT02 goes to the province: said above the table
    assert "Công đoàn cấp trên mới XA1 – Công đoàn xã Đại Từ không có CĐCS nào trực thuộc." in text(
        find(page(response), id="plan-problems")
    )
    assert Plan.objects.count() == 0


def test_step_one_refuses_a_plan_without_unions_to_end_or_month(staff_client):
    data = {"name": "Đề án", "go": "lines", "quota_rule": "members", "union-TOTAL_FORMS": "0",
            "union-INITIAL_FORMS": "0"}  # fmt: skip
    response = staff_client.post(reverse("reorganisation:plan_new"), data)
    body = response.content.decode()
    assert "Hãy chọn ít nhất một công đoàn cấp trên kết thúc hoạt động." in body
    assert "This field is required" not in body and Plan.objects.count() == 0


# --- a plan's page --------------------------------------------------------------------------------


def test_the_preview_shows_each_organisation_before_and_after_and_the_province_unchanged(staff_client, staff):
    plan = make_plan(staff)
    response = staff_client.get(reverse("reorganisation:plan_detail", args=[plan.pk]))
    root = page(response)

    def figures(row):
        names = ("unions_before", "unions_after", "members_before", "members_after")
        return [text(find(row, "td", data_figure=name)) for name in names]

    rows = {attr(row, "data-org"): figures(row) for row in find_all(find(root, "table", id="plan-preview"), "tr",
                                                                     data_org=True)}  # fmt: skip
    assert rows == {
        "DT": ["2", "0", "70", "0"],
        "PB": ["1", "0", "25", "0"],
        "XA1": ["0", "1", "0", "30"],
        "direct": ["0", "1", "0", "40"],
        "KCN": ["1", "2", "50", "75"],
    }
    province = find(root, id="plan-province")
    names = ("unions_before", "unions_after", "members_before", "members_after")
    assert [text(find(province, data_figure=name)) for name in names] == ["4", "4", "145", "145"]
    assert "Số đoàn viên toàn tỉnh không đổi (145)" in text(find(root, id="members-unchanged"))
    quotas = {(attr(row, "data-org"), attr(row, "data-year")): text(row) for row in find_all(
        find(root, "table", id="plan-quotas"), "tr", data_org=True)}  # fmt: skip
    assert quotas[("DT", "2025")] == "DT 2025 120 → 60 6 → 3 12 → 6"
    assert quotas[("direct", "2025")].endswith("2025 0 → 34 0 → 2 0 → 3")
    assert quotas[("XA1", "2025")] == "XA1 2025 0 → 26 0 → 1 0 → 3"
    assert find(root, "button", id="plan-apply") and "disabled" not in dict(find(root, id="plan-apply").attributes)
    lines = [attr(row, "data-cdcs") for row in find_all(find(root, "table", id="plan-lines"), "tr", data_cdcs=True)]
    assert lines == ["DT01", "DT02", "PB01"]


def test_a_plan_is_applied_once_even_when_clicked_twice_then_undone(staff_client, staff, world):
    """Applying and undoing run as jobs (here in the request: no broker): the click lands on the
    job's page, which says what was done and links back to the plan."""
    plan = make_plan(staff)
    url = reverse("reorganisation:plan_apply", args=[plan.pk])
    response = staff_client.post(url, follow=True)
    assert response.redirect_chain[-1][0].startswith("/jobs/")
    assert "Đã áp dụng đề án" in response.content.decode()
    plan_url = reverse("reorganisation:plan_detail", args=[plan.pk])
    assert attr(find(page(response), "a", id="job-link"), "href") == plan_url
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPLIED
    assert str(Organisation.objects.get(code="DT").active_to) == "2025-06-30"
    assert GrassrootsUnion.objects.get(code="DT02").merged_into.code == "DTM"

    response = staff_client.post(url, follow=True)  # the second click lands after the first
    assert "Đề án này đã áp dụng lúc" in response.content.decode()
    assert AuditEntry.objects.filter(action="reorganisation.apply").count() == 1

    response = staff_client.get(reverse("reorganisation:plan_detail", args=[plan.pk]))
    root = page(response)
    assert find(root, id="plan-undo") and find(root, id="plan-applied")
    assert "?month=2025-07" in response.content.decode()

    response = staff_client.post(reverse("reorganisation:plan_undo", args=[plan.pk]), follow=True)
    assert "cơ cấu trở lại như trước" in response.content.decode()
    response = staff_client.get(plan_url)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.UNDONE
    assert Organisation.objects.get(code="DT").active_to is None
    assert not GrassrootsUnion.objects.filter(code="DTM").exists()
    assert GrassrootsUnion.objects.get(code="DT02").dissolved_on is None
    actions = [text(row) for row in find_all(page(response), "tr", data_action=True)]
    assert len(actions) == 3 and actions[0].split(" ", 2)[-1].startswith(staff.first_name)


def test_once_july_has_figures_the_page_says_why_undo_is_refused(staff_client, staff):
    plan = make_plan(staff)
    staff_client.post(reverse("reorganisation:plan_apply", args=[plan.pk]))
    figures_record(cdcs=GrassrootsUnion.objects.get(code="DT01"), month=MONTH, admitted=2, user=staff)
    response = staff_client.get(reverse("reorganisation:plan_detail", args=[plan.pk]))
    root = page(response)
    assert find_all(root, id="plan-undo") == []
    assert text(find(root, id="undo-refusal")).startswith("Không hoàn tác được nữa:")
    response = staff_client.post(reverse("reorganisation:plan_undo", args=[plan.pk]), follow=True)
    assert Plan.objects.get().status == Plan.Status.APPLIED


def test_a_draft_is_deleted_and_an_applied_plan_is_not(staff_client, staff):
    plan = make_plan(staff)
    response = staff_client.post(reverse("reorganisation:plan_delete", args=[plan.pk]))
    assert response.url == reverse("reorganisation:plan_list") and not Plan.objects.exists()
    assert AuditEntry.objects.filter(action="reorganisation.delete", data__name=plan.name).count() == 1
    plan = make_plan(staff)
    staff_client.post(reverse("reorganisation:plan_apply", args=[plan.pk]))
    response = staff_client.post(reverse("reorganisation:plan_delete", args=[plan.pk]), follow=True)
    assert "Chỉ xóa được dự thảo" in response.content.decode() and Plan.objects.filter(pk=plan.pk).exists()


def test_the_list_shows_counts_and_who_applied(staff_client, staff, client, world):
    plan = make_plan(staff)
    staff_client.post(reverse("reorganisation:plan_apply", args=[plan.pk]))
    response = staff_client.get(reverse("reorganisation:plan_list"))
    row = find(page(response), "tr", data_plan=str(plan.pk))
    assert text(row).startswith("Đề án sắp xếp công đoàn cấp huyện 15/QĐ-LĐLĐ 07/2025 Đã áp dụng 2 3 1 1")
    assert "Áp dụng: Bantochuc" in text(row)
    leader = user_create("lanhdao", Role.LEADERSHIP)
    client.force_login(leader)
    response = client.get(reverse("reorganisation:plan_list"))
    assert response.status_code == 200 and find_all(page(response), id="plan-new-link") == []
    response = client.get(reverse("reorganisation:plan_detail", args=[plan.pk]))
    assert find_all(page(response), id="plan-undo") == []


# --- the Excel list through the pages -------------------------------------------------------------


def test_the_template_is_prefilled_with_the_cdcs_of_the_unions_chosen(staff_client):
    response = staff_client.get(reverse("reorganisation:plan_template"), {"end": ["PB"], "month": "07/2025"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content])))
    assert [row[1] for row in book["CĐCS"].iter_rows(min_row=4, values_only=True)] == ["PB01"]
    assert book["Đề án"]["B5"].value == "07/2025"
    empty = staff_client.get(reverse("reorganisation:plan_template"))
    assert load_workbook(io.BytesIO(empty.content))["CĐCS"].max_row == 3


def test_an_uploaded_list_is_previewed_then_confirmed_into_a_draft(staff_client):
    file = io.BytesIO(plan_file())
    file.name = "de-an.xlsx"
    response = staff_client.post(reverse("reorganisation:plan_upload"), {"file": file})
    upload = PlanUpload.objects.get()
    assert response.url == reverse("reorganisation:upload_preview", args=[upload.pk])
    response = staff_client.get(response.url)
    root = page(response)
    assert text(find(root, id="count-endings")) == "2: DT, PB"
    assert text(find(root, id="count-lines")).startswith("3")
    assert find_all(root, id="upload-problems") == [] and Plan.objects.count() == 0
    response = staff_client.post(reverse("reorganisation:upload_confirm", args=[upload.pk]))
    plan = Plan.objects.get()
    assert response.url == reverse("reorganisation:plan_detail", args=[plan.pk])
    assert plan.lines.filter(action=PlanLine.Action.MERGE).get().line_no == 5


def test_a_refused_upload_lists_its_problems_by_sheet_row_and_column(staff_client):
    file = io.BytesIO(plan_file(month="2025/13"))
    file.name = "de-an.xlsx"
    response = staff_client.post(reverse("reorganisation:plan_upload"), {"file": file}, follow=True)
    rows = [[text(cell) for cell in find_all(row, "td")] for row in find_all(find(page(response), id="upload-problems"),
                                                                              "tr", data_row=True)]  # fmt: skip
    assert rows == [["Đề án", "5", "Tháng có hiệu lực (mm/yyyy)",
                     "Tháng có hiệu lực “2025/13” không đúng: hãy ghi dạng mm/yyyy, ví dụ 07/2025."]]  # fmt: skip
    assert find_all(page(response), id="confirm-upload") == [] and Plan.objects.count() == 0


def test_a_union_of_120_cdcs_is_sent_to_the_province_in_one_fill_and_its_page_reads_in_fixed_queries(
    staff_client, staff, world, django_assert_max_num_queries
):
    from unionportal.testing.province import cdcs_create

    for number in range(1, 119):  # DT has 120 CĐCS with DT01 and DT02
        cdcs_create(world["DT"], 100 + number, code=f"DX{number:03d}", opening=10 + number % 7, first_month=JUNE)
    response = staff_client.get(reverse("reorganisation:plan_new"))
    data = form_data(response, "plan-form")
    data.update(name="Đại Từ về tỉnh", effective_month="07/2025", endings=["DT"], go="lines")
    data = form_data(staff_client.post(reverse("reorganisation:plan_new"), data), "plan-lines-form")
    assert data["line-TOTAL_FORMS"] == ["120"]
    data.update(go="fill", fill_scope="all", fill_action="to_province")
    data = form_data(staff_client.post(reverse("reorganisation:plan_new"), data), "plan-lines-form")
    response = staff_client.post(reverse("reorganisation:plan_new"), {**data, "go": "create"})
    plan = Plan.objects.get()
    assert response.status_code == 302 and plan.lines.filter(action="to_province").count() == 120

    small = make_plan(staff)
    url = reverse("reorganisation:plan_detail", args=[small.pk])
    with django_assert_max_num_queries(40) as counted:
        staff_client.get(url)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        response = staff_client.get(reverse("reorganisation:plan_detail", args=[plan.pk]))
    row = find(page(response), "tr", data_org="direct")
    assert text(find(row, "td", data_figure="unions_after")) == "120"
