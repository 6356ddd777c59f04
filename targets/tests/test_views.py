"""The programme list, the new-programme form and the quota grid, through the Django test client."""

import re
from datetime import date

import pytest
from django.urls import reverse

from members.models import AuditEntry, Organisation
from targets.models import Programme, Quota
from targets.services import programme_create, quota_set


@pytest.fixture
def quotas(programme, province, federation, other_federation):
    """2024: the province 5.000 members / 10 CĐCS; DT 3.000 / 6 and PB 2.200 / 4, so that the
    federations' members add up to 200 more than the province's and their CĐCS match it."""
    for org, members, unions in [(province, 5000, 10), (federation, 3000, 6), (other_federation, 2200, 4)]:
        quota_set(programme=programme, organisation=org, year=2024, new_members=members, new_unions=unions, user=None)


def _grid_url(programme):
    return reverse("targets:quotas", kwargs={"pk": programme.pk})


def _text(response) -> str:
    """The page's visible text, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _sum_cell(response, year, kind) -> str:
    html = response.content.decode()
    match = re.search(rf'<td[^>]*data-sum data-year="{year}" data-kind="{kind}">(.*?)</td>', html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def _grid_post(programme, **changes) -> dict:
    """Every open cell as the page would send it, with some changed."""
    data = {}
    for quota in Quota.objects.filter(programme=programme):
        data[f"q-{quota.organisation_id}-{quota.year}-new_members"] = str(quota.new_members)
        data[f"q-{quota.organisation_id}-{quota.year}-new_unions"] = str(quota.new_unions)
    data.update(changes)
    return data


# --- the grid ---------------------------------------------------------------------------------


def test_grid_shows_the_federations_sum_against_the_province_and_flags_the_difference(
    client_for, leader, programme, quotas
):
    response = client_for(leader).get(_grid_url(programme))
    assert response.status_code == 200
    assert _sum_cell(response, 2024, "new_members") == "5.200 / 5.000 (+200)"
    assert _sum_cell(response, 2024, "new_unions") == "10 ✓"
    assert _sum_cell(response, 2025, "new_members") == "0 ✓"
    assert _sum_cell(response, "all", "new_members") == "5.200 / 5.000 (+200)"
    assert "khác chỉ tiêu của tỉnh ở 1 ô" in _text(response)


def test_grid_lists_the_province_first_then_the_federations(client_for, leader, programme, quotas):
    text = _text(client_for(leader).get(_grid_url(programme)))
    province = text.index("LĐLĐ tỉnh Thái Nguyên Chỉ tiêu giao từ Tổng Liên đoàn")
    assert province < text.index("LĐLĐ huyện Đại Từ") < text.index("Tổng các đơn vị so với chỉ tiêu của tỉnh")
    assert province < text.index("LĐLĐ huyện Phú Bình") < text.index("Tổng các đơn vị so với chỉ tiêu của tỉnh")


def test_a_merged_federation_shows_its_dates_and_no_cells_after_it_ended(
    client_for, provincial_staff, programme, federation, make_federation
):
    make_federation("DHY", "LĐLĐ huyện Đồng Hỷ", active_to=date(2025, 6, 30), merged_into=federation)
    make_federation("CU", "LĐLĐ huyện Cũ", active_to=date(2020, 12, 31))  # gone before the programme
    response = client_for(provincial_staff).get(_grid_url(programme))
    text = _text(response)
    assert "LĐLĐ huyện Đồng Hỷ Hợp nhất vào LĐLĐ huyện Đại Từ từ 07/2025" in text
    assert "LĐLĐ huyện Cũ" not in text
    html = response.content.decode()
    dhy = Organisation.objects.get(code="DHY").pk
    assert f'name="q-{dhy}-2025-new_members"' in html
    assert f'name="q-{dhy}-2026-new_members"' not in html


def test_provincial_staff_save_the_grid_and_see_the_new_value(
    client_for, provincial_staff, programme, quotas, federation
):
    client = client_for(provincial_staff)
    name = f"q-{federation.pk}-2024-new_members"
    response = client.post(_grid_url(programme), _grid_post(programme, **{name: "2800"}), follow=True)
    assert response.redirect_chain == [(_grid_url(programme), 302)]
    assert "Đã lưu chỉ tiêu: 1 ô thay đổi." in _text(response)
    assert f'name="{name}" value="2.800"' in response.content.decode()
    assert _sum_cell(response, 2024, "new_members") == "5.000 ✓"
    assert AuditEntry.objects.filter(action="quota.set", user=provincial_staff).count() == 1


@pytest.mark.parametrize("typed", ["9.500", "9500", "9 500", "9\u00a0500", " 9.500 "])
def test_the_grid_shows_quotas_as_9_500_and_reads_them_back_as_typed(
    client_for, provincial_staff, programme, quotas, province, typed
):
    client = client_for(provincial_staff)
    name = f"q-{province.pk}-2024-new_members"
    assert f'name="{name}" value="5.000"' in client.get(_grid_url(programme)).content.decode()
    response = client.post(_grid_url(programme), _grid_post(programme, **{name: typed}), follow=True)
    assert "Đã lưu chỉ tiêu: 1 ô thay đổi." in _text(response)
    assert Quota.objects.get(programme=programme, organisation=province, year=2024).new_members == 9500
    assert f'name="{name}" value="9.500"' in response.content.decode()


def test_the_english_grid_shows_9_500_with_a_comma_and_reads_it_back(
    client_for, provincial_staff, programme, quotas, province
):
    client = client_for(provincial_staff)
    client.post(reverse("set_language"), {"language": "en", "next": _grid_url(programme)})
    name = f"q-{province.pk}-2024-new_members"
    assert f'name="{name}" value="5,000"' in client.get(_grid_url(programme)).content.decode()
    response = client.post(_grid_url(programme), _grid_post(programme, **{name: "9,500"}), follow=True)
    assert f'name="{name}" value="9,500"' in response.content.decode()
    assert Quota.objects.get(programme=programme, organisation=province, year=2024).new_members == 9500


@pytest.mark.parametrize("typed", ["9,5", "9.5", "95.00", "9.500,5", "9.500 người"])
def test_a_quota_that_is_not_a_whole_number_is_refused_next_to_its_cell(
    client_for, provincial_staff, programme, quotas, province, typed
):
    name = f"q-{province.pk}-2024-new_members"
    response = client_for(provincial_staff).post(_grid_url(programme), _grid_post(programme, **{name: typed}))
    cell = re.search(
        rf'<input[^>]*name="{name}"[^>]*>\s*<div class="invalid-feedback">([^<]*)</div>', response.content.decode()
    )
    assert cell and cell.group(1) == "Phải là số nguyên."
    assert Quota.objects.get(programme=programme, organisation=province, year=2024).new_members == 5000


def test_saving_an_unchanged_grid_says_nothing_changed(client_for, provincial_staff, programme, quotas):
    response = client_for(provincial_staff).post(_grid_url(programme), _grid_post(programme), follow=True)
    assert "Không có chỉ tiêu nào thay đổi." in _text(response)
    assert not AuditEntry.objects.filter(action="quota.set", user=provincial_staff).exists()


def test_a_bad_cell_shows_a_vietnamese_message_next_to_it_and_changes_nothing(
    client_for, provincial_staff, programme, quotas, province, federation
):
    bad, good = f"q-{federation.pk}-2024-new_unions", f"q-{province.pk}-2024-new_members"
    response = client_for(provincial_staff).post(
        _grid_url(programme), _grid_post(programme, **{bad: "-3", good: "5200"})
    )
    assert response.status_code == 200
    html = response.content.decode()
    cell = re.search(rf'<input[^>]*name="{bad}"[^>]*>\s*<div class="invalid-feedback">([^<]*)</div>', html)
    assert cell and cell.group(1) == "Không được âm."
    assert "Chưa lưu gì: 1 ô chưa hợp lệ" in _text(response)
    assert f'name="{good}" value="5200"' in html  # what was typed stays on the page
    assert Quota.objects.get(programme=programme, organisation=province, year=2024).new_members == 5000
    assert Quota.objects.get(programme=programme, organisation=federation, year=2024).new_unions == 6


@pytest.mark.parametrize("who", ["federation_user", "leader"])
def test_federations_and_leadership_read_the_grid_without_inputs(request, client_for, programme, quotas, who):
    response = client_for(request.getfixturevalue(who)).get(_grid_url(programme))
    html = response.content.decode()
    assert response.status_code == 200
    assert "quota-input" not in html and "Lưu chỉ tiêu" not in html
    assert "Chỉ xem" in _text(response)
    assert "3.000" in _text(response)  # numbers in Vietnamese format


def test_a_federation_users_post_is_refused_and_changes_nothing(
    client_for, federation_user, programme, quotas, federation
):
    response = client_for(federation_user).post(
        _grid_url(programme), _grid_post(programme, **{f"q-{federation.pk}-2024-new_members": "1"})
    )
    assert response.status_code == 403
    assert Quota.objects.get(programme=programme, organisation=federation, year=2024).new_members == 3000


def test_grid_queries_do_not_grow_with_federations(
    client_for, leader, programme, province, make_federation, django_assert_max_num_queries
):
    for number in range(20):
        org = make_federation(f"F{number:02d}")
        quota_set(programme=programme, organisation=org, year=2025, new_members=100, new_unions=1, user=None)
    client = client_for(leader)
    with django_assert_max_num_queries(8):
        response = client.get(_grid_url(programme))
    assert len(re.findall(r'<tr class="[^"]*" data-org=', response.content.decode())) == 21


def test_an_unknown_programme_is_not_found(client_for, leader, db):
    assert client_for(leader).get(reverse("targets:quotas", kwargs={"pk": 999})).status_code == 404


# --- the list and the new programme -----------------------------------------------------------


def test_list_shows_programmes_newest_first_with_the_provinces_quotas(client_for, leader, programme, quotas):
    programme_create(
        name="Chương trình giai đoạn 2018–2023",
        document_number="04/CTr-LĐLĐ",
        document_date=date(2018, 7, 11),
        first_year=2018,
        last_year=2023,
        user=None,
    )
    response = client_for(leader).get(reverse("targets:programme_list"))
    text = _text(response)
    assert text.index("Số 01/CTr-LĐLĐ ngày 15/01/2024 2024–2028 5.000 10 3") < text.index(
        "Số 04/CTr-LĐLĐ ngày 11/07/2018"
    )
    assert "Tạo chương trình mới" not in text


def test_provincial_staff_see_the_new_programme_button(client_for, provincial_staff, programme):
    assert "Tạo chương trình mới" in _text(client_for(provincial_staff).get(reverse("targets:programme_list")))


def _new_programme(**changes):
    return {
        "name": "Chương trình phát triển đoàn viên nhiệm kỳ 2028–2033",
        "document_number": "02/CTr-LĐLĐ",
        "document_date": "2028-07-01",
        "first_year": "2028",
        "last_year": "2033",
        **changes,
    }


def test_new_programme_form_offers_the_latest_programme_to_copy(client_for, provincial_staff, programme):
    response = client_for(provincial_staff).get(reverse("targets:programme_new"))
    assert re.search(rf'<option value="{programme.pk}" selected>', response.content.decode())
    assert 'value="2029"' in response.content.decode()


def test_creating_a_programme_by_copying_opens_its_grid_with_the_rows(
    client_for, provincial_staff, programme, quotas, federation
):
    response = client_for(provincial_staff).post(
        reverse("targets:programme_new"), _new_programme(source=programme.pk, copy_values="on"), follow=True
    )
    copy = Programme.objects.get(document_number="02/CTr-LĐLĐ")
    assert response.redirect_chain == [(_grid_url(copy), 302)]
    text = _text(response)
    assert "Đã tạo chương trình 02/CTr-LĐLĐ (2028–2033)." in text
    assert "có năm trùng với 01/CTr-LĐLĐ (2024–2028)" in text  # 2028 is in both: allowed, said
    assert Quota.objects.filter(programme=copy).count() == 3 * 6
    # the source's last year (2028) had no quotas: everything starts at zero
    assert Quota.objects.get(programme=copy, organisation=federation, year=2030).new_members == 0


def test_a_duplicate_document_is_shown_on_the_field(client_for, provincial_staff, programme):
    response = client_for(provincial_staff).post(
        reverse("targets:programme_new"), _new_programme(document_number="01/CTr-LĐLĐ", document_date="2024-01-15")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'id="error_1_id_document_number"[^>]*>\s*<strong>Đã có chương trình số 01/CTr-LĐLĐ', html)
    assert Programme.objects.count() == 1


def test_a_programme_of_more_than_ten_years_is_refused(client_for, provincial_staff, db):
    response = client_for(provincial_staff).post(reverse("targets:programme_new"), _new_programme(last_year="2040"))
    assert "Một chương trình kéo dài tối đa 10 năm." in _text(response)
    assert not Programme.objects.exists()


def test_federation_staff_cannot_create_a_programme(client_for, federation_user, db):
    response = client_for(federation_user).post(reverse("targets:programme_new"), _new_programme())
    assert response.status_code == 403
    assert not Programme.objects.exists()


def test_a_row_missing_from_the_posted_form_keeps_its_quotas(
    client_for, provincial_staff, programme, quotas, federation, other_federation
):
    """A page opened before another row got quotas must not zero that row when saved."""
    data = {
        key: value for key, value in _grid_post(programme).items() if not key.startswith(f"q-{other_federation.pk}-")
    }
    data[f"q-{federation.pk}-2024-new_members"] = "2800"
    client_for(provincial_staff).post(_grid_url(programme), data)
    assert Quota.objects.get(programme=programme, organisation=federation, year=2024).new_members == 2800
    assert Quota.objects.get(programme=programme, organisation=other_federation, year=2024).new_members == 2200
