"""The ratings pages: a year opened, its rubric edited, the grid, the review, closing the year."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import AuditEntry
from ratings.models import Assessment, Criterion, Level, Rubric
from ratings.selectors import rubric_rules

from .conftest import full


def _management(prefix: str, total: int, initial: int) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


def test_provincial_staff_open_a_year_from_the_list(client_for, provincial_staff):
    client = client_for(provincial_staff)
    response = client.post(reverse("ratings:rubric_new"), {"year": "2024"})
    assert response.url == reverse("ratings:rubric", kwargs={"year": 2024})
    page = client.get(response.url).content.decode()
    assert "Hoàn thành xuất sắc nhiệm vụ" in page and "tổng 100 điểm" in page
    again = client.post(reverse("ratings:rubric_new"), {"year": "2024"})
    assert again.status_code == 400 and "Đã có bộ tiêu chí năm 2024" in again.content.decode()
    assert Rubric.objects.count() == 1


def test_criteria_are_edited_on_a_page_and_results_rescored(
    client_for, provincial_staff, federation, make_cdcs, make_rubric, rate
):
    rubric = make_rubric(2024)
    assessment = rate(rubric, make_cdcs(federation), federation, full())
    groups = list(rubric.groups.all())
    criteria = list(Criterion.objects.filter(rubric=rubric).order_by("group__position", "position"))
    data = {
        **_management("groups", len(groups), len(groups)),
        **_management("criteria", len(criteria) + 1, len(criteria)),
    }
    for index, group in enumerate(groups):
        data |= {
            f"groups-{index}-id": group.pk,
            f"groups-{index}-name": group.name,
            f"groups-{index}-position": group.position,
        }
    for index, criterion in enumerate(criteria):
        data |= {
            f"criteria-{index}-id": criterion.pk,
            f"criteria-{index}-group": criterion.group_id,
            f"criteria-{index}-position": criterion.position,
            f"criteria-{index}-code": criterion.code,
            f"criteria-{index}-name": criterion.name,
            f"criteria-{index}-max_score": 5 if criterion.code == "4.2" else criterion.max_score,
        }
    new = len(criteria)
    data |= {f"criteria-{new}-group": groups[-1].pk, f"criteria-{new}-position": "3", f"criteria-{new}-code": "4.3",
             f"criteria-{new}-name": "Xây dựng văn hóa doanh nghiệp", f"criteria-{new}-max_score": "5"}  # fmt: skip
    response = client_for(provincial_staff).post(reverse("ratings:rubric_criteria", kwargs={"year": 2024}), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rules = rubric_rules(rubric=rubric)
    assert rules.max_total == 100 and [c.code for c in rules.criteria][-2:] == ["4.2", "4.3"]
    assessment.refresh_from_db()
    assert assessment.self_total == 95  # 4.2 capped at its new maximum, 4.3 not scored yet
    assert assessment.status == Assessment.Status.DRAFT
    assert AuditEntry.objects.filter(action="rating.rubric_update").exists()


def test_a_duplicate_criterion_code_is_refused_with_a_message(client_for, provincial_staff, make_rubric):
    rubric = make_rubric(2024)
    group = rubric.groups.first()
    data = {**_management("groups", 0, 0), **_management("criteria", 1, 0)}
    data |= {"criteria-0-group": group.pk, "criteria-0-position": "9", "criteria-0-code": "1.1",
             "criteria-0-name": "Trùng mã", "criteria-0-max_score": "5"}  # fmt: skip
    response = client_for(provincial_staff).post(reverse("ratings:rubric_criteria", kwargs={"year": 2024}), data)
    assert response.status_code == 400
    assert "Trùng với một dòng khác." in response.content.decode()
    assert Criterion.objects.filter(rubric=rubric).count() == 9


def test_levels_need_one_from_zero_without_conditions(client_for, provincial_staff, make_rubric):
    rubric = make_rubric(2024)
    page = client_for(provincial_staff).get(reverse("ratings:rubric_levels", kwargs={"year": 2024})).content.decode()
    assert page.count('name="levels-0-requires_nonzero"') == 9  # one checkbox per criterion
    levels = list(Level.objects.filter(rubric=rubric))
    data = _management("levels", len(levels), len(levels))
    for index, level in enumerate(levels):
        data |= {f"levels-{index}-id": level.pk, f"levels-{index}-name": level.name,
                 f"levels-{index}-position": level.position, f"levels-{index}-min_total": level.min_total}  # fmt: skip
        data[f"levels-{index}-requires_nonzero"] = [c.pk for c in level.requires_nonzero.all()]
    data["levels-3-DELETE"] = "on"  # "Không hoàn thành nhiệm vụ", the level from 0
    response = client_for(provincial_staff).post(reverse("ratings:rubric_levels", kwargs={"year": 2024}), data)
    assert response.status_code == 400
    assert "Phải có một mức xếp loại từ 0 điểm" in response.content.decode()
    assert Level.objects.filter(rubric=rubric).count() == 4
    del data["levels-3-DELETE"]
    data["levels-0-min_total"] = "95"
    response = client_for(provincial_staff).post(reverse("ratings:rubric_levels", kwargs={"year": 2024}), data)
    assert response.status_code == 302
    assert Level.objects.get(rubric=rubric, name="Hoàn thành xuất sắc nhiệm vụ").min_total == 95


def test_the_rubric_cannot_be_edited_once_a_result_is_final(
    client_for, provincial_staff, federation, make_cdcs, make_rubric, rate
):
    rubric = make_rubric(2024)
    rate(rubric, make_cdcs(federation), federation, full(), full())
    client = client_for(provincial_staff)
    page = client.get(reverse("ratings:rubric_levels", kwargs={"year": 2024})).content.decode()
    assert "không sửa tiêu chí và mức xếp loại được nữa" in page
    response = client.post(reverse("ratings:rubric_levels", kwargs={"year": 2024}), _management("levels", 0, 0))
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="rating.rubric_update").exists()


def test_federation_staff_enter_the_grid_and_see_totals_and_levels(
    client_for, federation_user, federation, make_cdcs, make_rubric
):
    rubric = make_rubric(2024)
    cdcs = make_cdcs(federation, code="DT01")
    client = client_for(federation_user)
    url = reverse("ratings:grid", kwargs={"year": 2024, "code": "DT"})
    data = {f"s-{cdcs.pk}-{code}": value for code, value in full(c2_1=0).items()}
    assert client.post(url, data).url == url
    assessment = Assessment.objects.get(rubric=rubric, cdcs=cdcs)
    assert (assessment.self_total, assessment.self_level.name) == (85, "Hoàn thành tốt nhiệm vụ")
    page = client.get(url).content.decode()
    assert "Hoàn thành tốt nhiệm vụ" in page and 'value="15"' in page


def test_a_score_above_the_maximum_in_the_grid_is_refused_and_nothing_saved(
    client_for, federation_user, federation, make_cdcs, make_rubric
):
    make_rubric(2024)
    first, second = make_cdcs(federation), make_cdcs(federation)
    data = {f"s-{first.pk}-1.1": "8", f"s-{second.pk}-2.1": "16"}
    response = client_for(federation_user).post(reverse("ratings:grid", kwargs={"year": 2024, "code": "DT"}), data)
    assert response.status_code == 400
    assert "Tiêu chí 2.1 tối đa 15 điểm." in response.content.decode()
    assert not Assessment.objects.exists()


def test_a_grid_post_that_leaves_rows_or_cells_out_keeps_their_saved_scores(
    client_for, federation_user, federation, make_cdcs, make_rubric, rate
):
    rubric = make_rubric(2024)
    first, second = make_cdcs(federation, code="DT01"), make_cdcs(federation, code="DT02")
    rate(rubric, first, federation, full())
    rate(rubric, second, federation, full(c1_1=3))
    client = client_for(federation_user)
    url = reverse("ratings:grid", kwargs={"year": 2024, "code": "DT"})
    # DT02's row is not in the POST at all, and DT01's 1.2 is not either: neither is emptied
    data = {f"s-{first.pk}-{code}": value for code, value in full(c1_1=4).items() if code != "1.2"}
    assert client.post(url, data).url == url
    kept, changed = Assessment.objects.get(cdcs=second), Assessment.objects.get(cdcs=first)
    assert (kept.self_total, kept.status) == (93, Assessment.Status.SELF_ASSESSED)
    assert AuditEntry.objects.filter(action="rating.self_assess", object_id=str(kept.pk)).count() == 1
    assert (changed.self_total, changed.status) == (94, Assessment.Status.SELF_ASSESSED)
    # a cell sent empty is cleared: the result is no longer complete
    assert client.post(url, {f"s-{first.pk}-1.3": ""}).url == url
    changed.refresh_from_db()
    assert (changed.self_total, changed.status) == (84, Assessment.Status.DRAFT)
    assert Assessment.objects.get(cdcs=second).self_total == 93


def test_leadership_reads_the_grid_without_inputs(client_for, leader, federation, make_cdcs, make_rubric):
    make_rubric(2024)
    make_cdcs(federation)
    page = client_for(leader).get(reverse("ratings:grid", kwargs={"year": 2024, "code": "DT"})).content.decode()
    assert 'id="save-grid"' not in page and "disabled" in page


def test_the_review_page_shows_both_scores_and_finalises(
    client_for, federation_user, federation, make_cdcs, make_rubric, rate
):
    rubric = make_rubric(2024)
    cdcs = make_cdcs(federation, code="DT01")
    rate(rubric, cdcs, federation, full())
    client = client_for(federation_user)
    url = reverse("ratings:review", kwargs={"year": 2024, "code": "DT01"})
    data = {f"c-{code}": value for code, value in full(c3_1=0).items()} | {"note": "Chậm nộp kinh phí", "finalise": ""}
    assert client.post(url, data).url == url
    page = client.get(url).content.decode()
    assert 'id="self-total">100<' in page and 'id="reviewed-total">90<' in page
    assert "Chậm nộp kinh phí" in page and "đã thẩm định, chốt kết quả" in page
    assessment = Assessment.objects.get()
    assert (assessment.self_total, assessment.reviewed_total, assessment.status) == (100, 90, "final")
    history = [item["label"] for item in client.get(url).context["history"]]
    assert history == ["Thẩm định, chốt kết quả", "Tự chấm điểm"]


def test_provincial_staff_close_and_reopen_the_year_from_its_page(client_for, provincial_staff, make_rubric):
    make_rubric(2024)
    client = client_for(provincial_staff)
    client.post(reverse("ratings:rubric_close", kwargs={"year": 2024}))
    assert Rubric.objects.get().is_closed
    client.post(reverse("ratings:rubric_reopen", kwargs={"year": 2024}), {"reason": ""})
    assert Rubric.objects.get().is_closed  # no reason, no reopening
    client.post(reverse("ratings:rubric_reopen", kwargs={"year": 2024}), {"reason": "Bổ sung CĐCS"})
    assert not Rubric.objects.get().is_closed


def test_the_years_page_shows_each_federations_progress(
    client_for, leader, federation, other_federation, make_cdcs, make_rubric, rate
):
    rubric = make_rubric(2024)
    rate(rubric, make_cdcs(federation), federation, full(), full())  # final
    rate(rubric, make_cdcs(federation), federation, {"1.1": 3})  # draft
    make_cdcs(federation)  # not started
    make_cdcs(other_federation)  # not started
    response = client_for(leader).get(reverse("ratings:rubric", kwargs={"year": 2024}))
    lines = {line.federation.code: (line.not_started, line.counts) for line, _writes in response.context["progress"]}
    assert lines == {"DT": (1, [1, 0, 1]), "PB": (1, [0, 0, 0])}


def test_the_grid_reads_in_a_fixed_number_of_queries(
    client_for, federation_user, federation, make_cdcs, make_rubric, rate, django_assert_max_num_queries
):
    rubric = make_rubric(2024)
    rate(rubric, make_cdcs(federation), federation, full(), full())
    client = client_for(federation_user)
    url = reverse("ratings:grid", kwargs={"year": 2024, "code": "DT"})
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(8):
        rate(rubric, make_cdcs(federation), federation, full(c1_1=2), full(c1_1=1), finalise=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
