"""A CĐCS that moved: MV01 was founded under DT and is PB's from 01/2021. DT keeps reading its
history (access.cdcs_visible_to), but every write that names a CĐCS, by code or by id, asks
which federation it is under now (access.cdcs_now_under) or in the month the write is about:
DT's posts below change nothing, the same posts by PB's staff are made.

The world is the permission matrix's (unionportal/testing/world.py) with MV01 added, built once
for this module; each case runs in a savepoint rolled back after it."""

from datetime import date

import pytest
from django.urls import reverse

from members.models import AuditEntry, GrassrootsUnion, Organisation
from unionportal.lib.months import Month
from unionportal.testing.matrix import REFUSED_OR_SHOWN, table_rows, url_kwargs
from unionportal.testing.world import RATING_CODES, enterprise_list_upload, member_list_upload, rating_upload, upload

from .test_permissions import WRITES

# The module builds its world once: its tests stay on one of make test's workers.
pytestmark = pytest.mark.xdist_group(__name__)

MOVED_MONTH = Month(2021, 3)
ADMIT = {"mode": "new", "full_name": "Lê Văn Cường", "joined_on": "2021-03-08"}
COURSE = {"starts_on": "2021-03-10", "topic": "Nghiệp vụ công đoàn", "officers": "30", "attendance-TOTAL_FORMS": "1",
          "attendance-INITIAL_FORMS": "0", "attendance-0-cdcs": "{mv01}", "attendance-0-officers": "5"}  # fmt: skip

CONGRESS = {"term-kind": "congress", "term-congress_on": "01/04/2026", "term-committee_size": "3",
            "term-inspection_size": "0", "bch-TOTAL_FORMS": "15", "bch-INITIAL_FORMS": "0",
            "bch-0-full_name": "Lê Văn Cường", "bch-0-post": "chair"}  # fmt: skip
MOVED_TERM = {"code": "MV01", "pk": lambda world: world["moved"]["term"].pk}
MOVED_CHAIR = {"code": "MV01", "pk": lambda world: world["moved"]["chair"].pk}


def _moved(side):
    """Per write: (URL arguments, data) as posted by staff of `side` (DT: the CĐCS's federation before
    the move; PB: now). Placeholders: {mv01} its id, {version} the federation's March version."""
    return {
        "members:cdcs_dissolve": ({"code": "MV01"}, {"on": "2021-03-20", "reason": "Phá sản"}),
        "members:cdcs_merge": ({"code": "MV01"}, {"into": f"{side}01", "on": "2021-03-20"}),
        "members:cdcs_merge#into": ({"code": f"{side}01"}, {"into": "MV01", "on": "2021-03-20"}),
        "members:person_new": ({}, {"cdcs": "MV01", **ADMIT}),
        "members:member_list_confirm": (
            {"code": "MV01", "pk": lambda world: world["moved"]["member_list"].pk}, {}
        ),
        "members:grid": ({"code": side, "month": "2021-03"}, {
            "version": "{version}", "r{mv01}-admitted": "5",
            **({"r{pb02}-members_start": "0"} if side == "PB" else {})}),  # PB02's first month needs its stock
        "members:upload_confirm": ({"code": side, "pk": lambda world: world["moved"]["uploads"][side].pk}, {}),
        "organising:enterprise_link": (
            {"pk": lambda world: world["register_enterprises"][side].pk}, {"link-cdcs": "MV01"}
        ),
        "organising:list_confirm": ({"pk": lambda world: world["moved"]["enterprise_lists"][side].pk}, {}),
        "ratings:grid": ({"year": 2021, "code": side}, {f"s-{{mv01}}-{code}": "5" for code in RATING_CODES}),
        "ratings:upload_confirm": (
            {"year": 2021, "code": side, "pk": lambda world: world["moved"]["rating_uploads"][side].pk}, {}
        ),
        "members:term_new": ({"code": "MV01"}, CONGRESS),
        "members:term_edit": (MOVED_TERM, {"term-congress_on": "15/03/2021", "term-ends_on": "15/03/2026",
                                           "term-decision_number": "99/QĐ", "term-committee_size": "5",
                                           "term-inspection_size": "0"}),
        "members:officer_new": ({"code": "MV01"}, {"full_name": "Lê Văn Cường", "post": "member", "how": "co_opted",
                                                   "from_on": "01/04/2021"}),
        "members:officer_leave": (MOVED_CHAIR, {"on": "01/04/2021", "reason": "retired"}),
        "members:officer_edit": (MOVED_CHAIR, {"full_name": "Đỗ Văn Hải", "post": "chair", "how": "elected",
                                               "from_on": "15/03/2021", "full_time": "on"}),
        "training:course_new": ({}, {"organiser": side, **COURSE}),
        "training:course_edit": ({"pk": lambda world: world["courses"][side].pk}, COURSE),
    }  # fmt: skip


# Writes that name a CĐCS without needing it under the writer's federation, and why.
MOVED_ANY_FEDERATION = {
    "members:person_transfer": "a member may be transferred to any CĐCS of the province, which then accepts",
    "members:cdcs_move": "provincial staff only: no federation's staff move a CĐCS",
    "ratings:review": "a year's result is reviewed by the federation that rated it, even after a move",
    "ratings:review_reopen": "the same: the result stays the rating federation's",
    "reorganisation:plan_new": "provincial staff only: a plan names CĐCS of any federation",
}
UPLOAD_TABLES = {"members.Upload", "members.MemberListUpload", "organising.EnterpriseListUpload",
                 "ratings.RatingUpload"}  # fmt: skip


@pytest.fixture(scope="module")
def moved_world_once(matrix_world_once):
    """MV01 under DT from 2015, under PB from 01/2021, with February's figures reported by PB; and,
    for each side, an upload of March naming MV01, an enterprise list linking it and a
    self-assessment sheet rating it, and a member list for it, a term and its chair. Added to the module's world, in
    its transaction (rolled back at the module's end)."""
    from members.figures.services import figures_record
    from members.models import Post, Sector
    from members.officers.services import OfficerData, TermData, term_open
    from members.services.org import cdcs_found, cdcs_move

    dt, pb = Organisation.objects.get(code="DT"), Organisation.objects.get(code="PB")
    mv01 = cdcs_found(code="MV01", name="CĐCS Công ty Vận tải", employer="Công ty Vận tải", sector=Sector.PRIVATE,
                      workers=50, founded_on=date(2015, 1, 1), federation=dt, user=None)  # fmt: skip
    cdcs_move(cdcs=mv01, federation=pb, from_month=Month(2021, 1), user=None)
    figures_record(cdcs=mv01, month=Month(2021, 2), members_start=20, user=None)
    moved = {"uploads": {}, "enterprise_lists": {}, "rating_uploads": {}}
    for org in Organisation.objects.filter(code__in=["DT", "PB"]):
        moved["uploads"][org.code] = upload(org, code="MV01")
        row = {"row": 4, "tax_code": "", "name": "", "address": "", "federation": "", "sector": "", "workers": None,
               "cdcs": "MV01"}  # fmt: skip
        row["tax_code"] = matrix_world_once["register_enterprises"][org.code].tax_code
        moved["enterprise_lists"][org.code] = enterprise_list_upload(org, row)
        moved["rating_uploads"][org.code] = rating_upload(org, "MV01")
    row = {"row": 7, "full_name": "Lê Văn Dũng", "joined_on": "2021-03-10"}
    moved["member_list"] = member_list_upload(mv01, row)
    data = TermData(congress_on=date(2021, 3, 15), committee_size=5)
    moved["term"] = term_open(cdcs=mv01, data=data, officers=[OfficerData("Đỗ Văn Hải", Post.CHAIR)], user=None)
    moved["chair"] = moved["term"].officers.get()
    return {**matrix_world_once, "moved": moved}


@pytest.fixture
def moved_world(moved_world_once, db):
    return moved_world_once


def _moved_data(data: dict, side: str) -> dict:
    from members.models import MonthlyReturn

    ids = {
        "mv01": GrassrootsUnion.objects.get(code="MV01").pk,
        "pb02": GrassrootsUnion.objects.get(code="PB02").pk,
        "version": MonthlyReturn.objects.get(federation__code=side, month=MOVED_MONTH.first_day).version,
    }
    return {key.format(**ids): value.format(**ids) for key, value in data.items()}


def _data_rows():
    return {label: rows for label, rows in table_rows().items() if label not in UPLOAD_TABLES}


def test_every_write_that_names_a_cdcs_is_tried_on_a_moved_one(matrix_world):
    """A write of WRITES whose URL or data names a CĐCS has a moved-CĐCS line here, or a reason not to."""
    codes = set(GrassrootsUnion.objects.values_list("code", flat=True))
    naming = {
        name for name, (kwargs, data) in WRITES.items()
        if "{dt01}" in str(data) or codes & {str(value) for value in [*kwargs.values(), *data.values()]}
    }  # fmt: skip
    assert naming - {name.split("#")[0] for name in _moved("DT")} - set(MOVED_ANY_FEDERATION) == set()


@pytest.mark.parametrize("name", sorted(_moved("DT")))
def test_the_federation_a_cdcs_moved_away_from_cannot_write_to_it(client, moved_world, name):
    kwargs, data = _moved("DT")[name]
    client.force_login(moved_world["users"]["federation"])
    before, audited = _data_rows(), AuditEntry.objects.count()
    response = client.post(reverse(name.split("#")[0], kwargs=url_kwargs(kwargs, moved_world)), _moved_data(data, "DT"))
    assert response.status_code in REFUSED_OR_SHOWN
    assert AuditEntry.objects.count() == audited
    assert _data_rows() == before


@pytest.mark.parametrize("name", sorted(_moved("PB")))
def test_the_federation_a_cdcs_moved_to_writes_to_it(client, moved_world, name):
    """The counterpart of the test above, so that it cannot pass on data nobody would accept."""
    kwargs, data = _moved("PB")[name]
    client.force_login(moved_world["users"]["other_federation"])
    audited = AuditEntry.objects.count()
    response = client.post(reverse(name.split("#")[0], kwargs=url_kwargs(kwargs, moved_world)), _moved_data(data, "PB"))
    assert response.status_code == 302
    assert AuditEntry.objects.count() > audited
