"""A province with more federations than a page of the dashboard's table (reports.dashboard_table,
50 a page): 61 federations under TN, "LĐLĐ huyện 01" … "LĐLĐ huyện 60" (codes H01 … H60) and
"LĐLĐ huyện Đại Từ" (DT). Each has one CĐCS of 100 members at the end of 2020; in January 2021
federation Hn admits n members and DT admits 0. Every federation but H56 … H60 has a 2021 quota
of 200 members (none of CĐCS), so its attainment is n/2 % and the ranks run H55 (1) … H01 (55),
DT (56); H56 … H60 have no quota and no rank. In 01/2021, a twelfth of the year (8,33 %), H17
and above keep pace, H16 … H01 and DT (17 federations) are behind."""

from members.figures.services import figures_record
from members.models import Role
from targets.models import Programme, Quota
from unionportal.lib.months import Month

from .province import cdcs_create, federation_create, province_create, user_create


def many_federations() -> dict:
    """The province of the module's docstring; returns its leader."""
    province = province_create()
    programme = Programme.objects.create(
        name="Phát triển đoàn viên 2021–2025", document_number="01/CTr", document_date="2021-01-05",
        first_year=2021, last_year=2025,
    )  # fmt: skip
    federations = [federation_create(province, f"H{n:02d}", position=n) for n in range(1, 61)]
    federations.append(federation_create(province, "DT", "LĐLĐ huyện Đại Từ", position=61))
    for number, org in enumerate(federations, start=1):
        cdcs = cdcs_create(org, number, opening=100, first_month=Month(2020, 12))
        admitted = number if org.code != "DT" else 0
        figures_record(cdcs=cdcs, month=Month(2021, 1), admitted=admitted, user=None)
        if number <= 55 or org.code == "DT":
            Quota.objects.create(programme=programme, organisation=org, year=2021, new_members=200, new_unions=0)
    return {"leader": user_create("lanhdao", Role.LEADERSHIP)}
