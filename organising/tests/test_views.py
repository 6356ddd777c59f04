"""The register's pages: filters, priorities first, overdue next steps, and the pipeline's forms."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import AuditEntry, GrassrootsUnion
from organising.models import Enterprise, PriorityRule, Stage
from organising.services import enterprise_create, stage_move


def make(federation, tax_code, workers, *, name=None, sector="private", on=date(2021, 3, 1)):
    return enterprise_create(
        name=name or f"Công ty {tax_code[-3:]}", tax_code=tax_code, federation=federation, sector=sector,
        workers=workers, on=on, user=None,
    )  # fmt: skip


def listed(page: str) -> list[str]:
    return re.findall(r'data-tax-code="([^"]+)"', page)


@pytest.fixture
def register(federation, other_federation, make_cdcs):
    small = make(federation, "4600000001", 10, name="Xưởng Mộc Nhỏ")
    big = make(federation, "4600000002", 400, name="Công ty Giày Lớn", sector="fdi")
    middle = make(federation, "4600000003", 60, name="Công ty Bao Bì")
    stalled = make(federation, "4600000004", 900, name="Công ty Đã Dừng")
    stage_move(enterprise=stalled, to_stage=Stage.STALLED, on=date(2021, 4, 1), reason="enterprise_closed", user=None)
    other = make(other_federation, "4600000005", 1000, name="Công ty Phú Bình")
    overdue_day = timezone.localdate() - timedelta(days=3)
    Enterprise.objects.filter(pk=middle.pk).update(next_step="Họp người lao động", next_step_on=overdue_day)
    Enterprise.objects.filter(pk=small.pk).update(next_step="Gọi lại", next_step_on=timezone.localdate() + timedelta(1))
    return {"small": small, "big": big, "middle": middle, "stalled": stalled, "other": other}


def test_priorities_come_first_biggest_first_and_overdue_steps_are_highlighted(client_for, provincial_staff, register):
    page = client_for(provincial_staff).get(reverse("organising:enterprise_list")).content.decode()
    # ≥ 25 workers, no union, still being worked on: the priorities, biggest first; then the others
    assert listed(page) == ["4600000005", "4600000002", "4600000003", "4600000004", "4600000001"]
    overdue = re.findall(r'data-tax-code="(\d+)" class="table-warning overdue"', page)
    assert overdue == ["4600000003"]
    assert "Quá hạn" in page


def test_the_priority_threshold_is_data(client_for, provincial_staff, register):
    client = client_for(provincial_staff)
    response = client.post(reverse("organising:priority_rule"), {"min_workers": "500", "stuck_days": "60"})
    assert response.status_code == 302
    assert PriorityRule.current().min_workers == 500
    page = client.get(reverse("organising:enterprise_list"), {"priority": "on"}).content.decode()
    assert listed(page) == ["4600000005"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"federation": "PB"}, ["4600000005"]),
        ({"stage": "stalled"}, ["4600000004"]),
        ({"sector": "fdi"}, ["4600000002"]),
        ({"priority": "on", "federation": "DT"}, ["4600000002", "4600000003"]),
        ({"overdue": "on"}, ["4600000003"]),
        ({"q": "Bao Bì"}, ["4600000003"]),
        ({"q": "4600.000.002"}, ["4600000002"]),
    ],
)
def test_the_list_filters(client_for, provincial_staff, register, query, expected):
    page = client_for(provincial_staff).get(reverse("organising:enterprise_list"), query).content.decode()
    assert listed(page) == expected


def test_federation_staff_see_only_their_federations_enterprises(client_for, federation_user, register):
    page = client_for(federation_user).get(reverse("organising:enterprise_list")).content.decode()
    assert "4600000005" not in listed(page) and len(listed(page)) == 4


def test_a_federation_user_moves_an_enterprise_and_founds_its_cdcs_on_its_page(client_for, federation_user, register):
    client = client_for(federation_user)
    enterprise = register["big"]
    url = reverse("organising:enterprise_detail", kwargs={"pk": enterprise.pk})
    page = client.get(url).content.decode()
    for button in ("Ghi lần tiếp xúc", "Chuyển giai đoạn", "Thành lập CĐCS", "Gắn với CĐCS đã có"):
        assert button in page
    assert 'value="CĐCS Công ty Giày Lớn"' in page  # the founding form is pre-filled
    contact = {"contact-on": "2021-03-05", "contact-kind": "visit", "contact-outcome": "Gặp giám đốc",
               "contact-next_step": "Họp người lao động", "contact-next_step_on": "2021-03-20"}  # fmt: skip
    client.post(reverse("organising:contact_log", kwargs={"pk": enterprise.pk}), contact)
    move = {"move-to_stage": "committee", "move-on": "2021-03-10"}
    assert client.post(reverse("organising:stage_move", kwargs={"pk": enterprise.pk}), move).status_code == 302
    found = {"found-code": "DT50", "found-name": "CĐCS Công ty Giày Lớn", "found-founded_on": "2021-03-25"}
    assert client.post(reverse("organising:enterprise_found", kwargs={"pk": enterprise.pk}), found).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.stage == Stage.FOUNDED and enterprise.cdcs.code == "DT50"
    assert GrassrootsUnion.objects.get(code="DT50").workers == 400
    page = client.get(url).content.decode()
    assert "Gặp giám đốc" in page and "DT50" in page and 'id="found-form"' not in page


def test_a_refused_move_shows_the_form_again_with_the_reason_and_changes_nothing(client_for, federation_user, register):
    client = client_for(federation_user)
    enterprise = register["big"]
    audited = AuditEntry.objects.count()
    response = client.post(
        reverse("organising:stage_move", kwargs={"pk": enterprise.pk}),
        {"move-to_stage": "stalled", "move-on": "2021-03-10"},
    )
    assert response.status_code == 200
    assert "Tạm dừng phải ghi lý do." in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.stage == Stage.IDENTIFIED
    assert AuditEntry.objects.count() == audited


def test_adding_an_enterprise_with_a_taken_tax_code_is_refused(client_for, federation_user, federation, register):
    data = {"name": "Trùng", "tax_code": "4600 000 001", "federation": federation.pk, "sector": "fdi", "workers": "5"}
    response = client_for(federation_user).post(reverse("organising:enterprise_new"), data)
    assert response.status_code == 200
    assert "Mã số thuế 4600000001 đã có trong danh sách" in response.content.decode()
    assert Enterprise.objects.filter(tax_code="4600000001").count() == 1


def test_provincial_staff_lend_themselves_to_an_enterprise(client_for, provincial_staff, register):
    enterprise = register["big"]
    client = client_for(provincial_staff)
    client.post(
        reverse("organising:lent_staff", kwargs={"pk": enterprise.pk}), {"lent-lent_staff": [provincial_staff.pk]}
    )
    assert list(enterprise.lent_staff.all()) == [provincial_staff]
    page = client.get(reverse("organising:enterprise_detail", kwargs={"pk": enterprise.pk})).content.decode()
    assert "Bantochuc" in page


def test_the_list_reads_a_fixed_number_of_queries(
    client_for, provincial_staff, federation, django_assert_max_num_queries
):
    Enterprise.objects.bulk_create(
        Enterprise(name=f"Công ty {n}", tax_code=f"46{n:08d}", federation=federation, sector="private", workers=n,
                   stage_since=date(2021, 3, 1))
        for n in range(1, 121)
    )  # fmt: skip
    client = client_for(provincial_staff)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("organising:enterprise_list")).status_code == 200
