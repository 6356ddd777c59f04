"""The province's direct block in the quota grid: a line with its own quotas, from the year it
began, whose numbers count with the federations' against the province's."""

from datetime import date

import pytest
from django.urls import reverse

from members.models import Organisation
from members.services.org import cdcs_found
from targets.models import Quota
from targets.selectors import quota_grid
from targets.services import quota_set


@pytest.fixture
def block(province, federation, provincial_staff, programme):
    """The direct block, active from 03/2025 (its first CĐCS); 2025: the province 5.000 members,
    DT 4.200."""
    cdcs_found(
        code="BV01", name="CĐCS Bệnh viện", employer="Bệnh viện", sector="public", founded_on=date(2025, 3, 5),
        federation=Organisation.Kind.DIRECT, user=provincial_staff,
    )  # fmt: skip
    for org, members in ((province, 5000), (federation, 4200)):
        quota_set(programme=programme, organisation=org, year=2025, new_members=members, new_unions=5, user=None)
    return Organisation.objects.get(kind=Organisation.Kind.DIRECT)


def test_the_direct_block_gets_quotas_that_count_against_the_province(client_for, block, programme, provincial_staff):
    grid = quota_grid(programme=programme)
    row = next(row for row in grid.federations if row.org == block)
    assert [cell.open for cell in row.cells] == [False, True, True, True, True]  # 2024: it did not exist yet
    assert row.started_on == date(2025, 3, 1)
    data = {f"q-{block.pk}-2025-new_members": "800", f"q-{block.pk}-2025-new_unions": "0"}
    response = client_for(provincial_staff).post(reverse("targets:quotas", kwargs={"pk": programme.pk}), data)
    assert response.status_code == 302
    assert Quota.objects.get(organisation=block, year=2025).new_members == 800
    members_2025 = next(c for c in quota_grid(programme=programme).sums if (c.year, c.kind) == (2025, "new_members"))
    assert (members_2025.total, members_2025.target, members_2025.matches) == (5000, 5000, True)  # 4.200 + 800
