"""The permission matrix's world: the objects its URLs point at, built once per test module.

Two federations, the federation user's own DT with its CĐCS DT01 and another, PB, with PB01 (and
Two federations, the federation user's own DT with its CĐCS DT01 and another, PB, with PB01 (and
PB02), a commune union XA without CĐCS, a month of figures, a programme, and in each federation
what every app's pages show: a previewed upload, members and a pending transfer, a member list,
an enterprise and an enterprise list, a course, ratings, a term with its chair and an officers'
list, a course naming that chair. The users by role are the conftest fixtures' users (same
usernames).

Each app's slice of the matrix (its tests/test_permissions*.py) reads the world through the
`matrix_world` fixture of conftest.py, which builds it once per module inside a transaction that
is rolled back at the module's end; each test runs in a savepoint of its own, rolled back too."""

from datetime import date

from members.models import GrassrootsUnion, Organisation, Role
from members.services.organisations import organisation_found
from unionportal.lib.months import Month

from .province import cdcs_create, federation_create, province_create, user_create

RATING_CODES = ("1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2")  # ratings.defaults


def build_world() -> dict:
    """Every object the matrix's URLs name, and the users who ask for them."""
    from targets.models import Programme

    province = province_create()
    federation = federation_create(province, "DT", "LĐLĐ huyện Đại Từ")
    other_federation = federation_create(province, "PB", "LĐLĐ huyện Phú Bình")
    # A commune union without CĐCS: the upper union provincial staff may end (organisation_end).
    organisation_found(code="XA", name="Công đoàn xã thử", kind=Organisation.Kind.COMMUNE, active_from=Month(2021, 1),
                       user=None)  # fmt: skip
    cdcs_create(federation, 1, code="DT01", opening=50, first_month=Month(2021, 3))
    cdcs_create(other_federation, 2, code="PB01", opening=40, first_month=Month(2021, 3))
    programme = Programme.objects.create(
        name="Chương trình thử", document_number="04/CTr-LĐLĐ", document_date=date(2018, 7, 11),
        first_year=2018, last_year=2023,
    )  # fmt: skip
    return {
        "programme": programme,
        **_ratings_world(),
        "uploads": {org.code: upload(org) for org in (federation, other_federation)},
        **_people_world(),
        **_reconcile_world(),
        **_member_list_world(),
        **_organising_world(),
        **_training_world(),
        **_officers_world(),
        **_named_world(),
        **_security_world(),
        **_reorganisation_world(),
        **_jobs_world(_notices_world(_users(federation, other_federation))),
    }


def _jobs_world(world: dict) -> dict:
    """A finished job of DT's staff (a month sheet's import) and one of PB's: each federation's
    staff see their own, never the other's."""
    from jobs.models import Job

    jobs = {}
    for code, role in (("DT", "federation"), ("PB", "other_federation")):
        federation = Organisation.objects.get(code=code)
        jobs[code] = Job.objects.create(
            kind="members.sheet_import", subject=f"{federation.name}, 03/2021", params={"federation": federation.pk},
            created_by=world["users"][role], state=Job.State.DONE, attempts=1, result={"message": "Đã nhập."},
        )  # fmt: skip
    return {**world, "jobs": jobs}


def _notices_world(users: dict) -> dict:
    """The users, and a notice for DT's staff and one for PB's: each reads and marks only their own."""
    from notices.models import Notice
    from notices.services import notices_create

    notices = {}
    for code, role in (("DT", "federation"), ("PB", "other_federation")):
        (notices[code],) = notices_create(
            users=[users[role]], kind=Notice.Kind.RETURN_APPROVED, data={"org": code, "month": "03/2021"},
            link=f"/figures/{code}/2021-03/",
        )  # fmt: skip
    return {"users": users, "notices": notices}


def _users(federation, other_federation) -> dict:
    """The roles of the matrix, by the name it gives them; `other_federation` is PB's staff."""
    return {
        "no_role": user_create("moi", None),
        "federation": user_create("canbo.dt", Role.FEDERATION_STAFF, federation),
        "other_federation": user_create("canbo.pb", Role.FEDERATION_STAFF, other_federation),
        "leader": user_create("lanhdao", Role.LEADERSHIP),
        "provincial": user_create("bantochuc", Role.PROVINCIAL_STAFF),
        "superuser": user_create("quantri", None, is_staff=True, is_superuser=True),
    }


def _security_world():
    """A second CĐCS of PB's, PB02, and a member PB01 asks it to take: a transfer no DT user may
    see or act on."""
    from members.models import Sector
    from members.register.moves import member_transfer_request
    from members.register.services import MemberData, member_admit
    from members.services.org import cdcs_found

    pb01 = GrassrootsUnion.objects.get(code="PB01")
    pb02 = cdcs_found(
        code="PB02", name="CĐCS Công ty Bình Minh", employer="Công ty Bình Minh", sector=Sector.PRIVATE, workers=60,
        founded_on=date(2015, 1, 1), federation=Organisation.objects.get(code="PB"), user=None,
    )  # fmt: skip
    cuc = member_admit(cdcs=pb01, data=MemberData("Lê Thị Cúc", date(2021, 3, 7)), user=None)
    return {"other_transfer": member_transfer_request(member=cuc, to_cdcs=pb02, user=None)}


def _reorganisation_world():
    """A draft plan from April 2021 ending PB (PB01 and PB02 to the province directly), and the
    same plan uploaded as an Excel list, read and waiting for its confirmation."""
    from reorganisation.imports import PlanRead
    from reorganisation.models import PlanUpload
    from reorganisation.services import plan_create_draft

    lines = [{"line_no": number, "cdcs_code": code, "action": "to_province", "union_code": "", "target_code": ""}
             for number, code in enumerate(("PB01", "PB02"), start=4)]  # fmt: skip
    plan = plan_create_draft(
        name="Đề án thử", effective_month=Month(2021, 4), endings=["PB"], new_unions=[], new_cdcs=[], lines=lines,
        quotas=[], user=None,
    )  # fmt: skip
    read = PlanRead(
        header={"name": "Đề án tải lên", "decision": "", "effective_month": "2021-04", "quota_rule": "members",
                "note": ""},
        header_rows={"name": 3, "effective_month": 5},
        endings=[{"row": 4, "code": "PB"}],
        lines=[{"row": line["line_no"], "cdcs": line["cdcs_code"], "action": "to_province", "union_code": "",
                "target_code": ""} for line in lines],
    )  # fmt: skip
    upload = PlanUpload.objects.create(file_name="de-an.xlsx", size=2, outcome="preview", parsed=read.as_json())
    return {"plan": plan, "plan_upload": upload}


def _training_world():
    """A course of DT's in March 2021 with 4 officers of DT01, and one of PB's."""
    from training.services import CourseData, course_create

    courses = {}
    for code in ("DT", "PB"):
        cdcs = GrassrootsUnion.objects.get(code=f"{code}01")
        data = CourseData(date(2021, 3, 2), "Kỹ năng thương lượng tập thể", 40, attendance=[(cdcs, 4)])
        courses[code] = course_create(organiser=Organisation.objects.get(code=code), data=data, user=None)
    return {"courses": courses}


def _officers_world():
    """DT01's and PB01's terms from their congress of 15/03/2021 (5 executive members by statute),
    each with a chair; a previewed officers' list of DT's and one of PB's, co-opting one member."""
    from members.models import Post
    from members.officers.services import OfficerData, TermData, term_open

    terms, chairs, uploads = {}, {}, {}
    for code in ("DT", "PB"):
        cdcs = GrassrootsUnion.objects.get(code=f"{code}01")
        data = TermData(congress_on=date(2021, 3, 15), decision_number="12/QĐ", committee_size=5)
        terms[code] = term_open(cdcs=cdcs, data=data, officers=[OfficerData("Nguyễn Thị Lan", Post.CHAIR)], user=None)
        chairs[code] = terms[code].officers.get()
        row = {"row": 6, "cdcs": cdcs.code, "full_name": "Hà Văn Sơn", "post": "member", "full_time": False,
               "how": "co_opted", "from_on": "2021-04-01", "to_on": None, "left_reason": "", "card_number": "",
               "congress_on": None, "decision_number": "", "starts_on": None, "ends_on": None,
               "committee_size": None, "inspection_size": None}  # fmt: skip
        uploads[code] = officer_list_upload(Organisation.objects.get(code=code), row)
    return {"terms": terms, "chairs": chairs, "officer_uploads": uploads}


def _named_world():
    """A course of DT's on 05/04/2021 with 1 officer of DT01, its chair by name, and one of PB's."""
    from training.services import CourseData, course_create, course_officers_name

    courses = {}
    for code in ("DT", "PB"):
        cdcs = GrassrootsUnion.objects.get(code=f"{code}01")
        data = CourseData(date(2021, 4, 5), "Nghiệp vụ cho chủ tịch CĐCS", 10, attendance=[(cdcs, 1)])
        courses[code] = course_create(organiser=Organisation.objects.get(code=code), data=data, user=None)
        chair = cdcs.terms.get().officers.get()
        course_officers_name(course=courses[code], named={cdcs.code: [chair.pk]}, user=None)
    return {"named_courses": courses}


def officer_list_upload(org, row: dict):
    """A previewed officers' list of `org`'s with one row."""
    from members.models import OfficerListUpload
    from members.officers.list_plan import list_preview
    from members.officers.lists import OfficerList

    read = OfficerList(org_code=org.code, rows=[row])
    return OfficerListUpload.objects.create(
        federation=org, file_name="can-bo.xlsx", size=2, sha256="0" * 64, outcome="preview",
        parsed={**read.as_json(), "plan": list_preview(read, federation=org, user=None).plan},
    )  # fmt: skip


def _organising_world():
    """An enterprise of DT's and one of PB's identified on 01/03/2021, and a previewed enterprise
    list of each, adding one enterprise."""
    from organising.services import enterprise_create

    enterprises, uploads = {}, {}
    for number, code in enumerate(("DT", "PB"), start=1):
        org = Organisation.objects.get(code=code)
        enterprises[code] = enterprise_create(
            name=f"Công ty Gạch {code}", tax_code=f"4600{number}00001", federation=org, sector="private", workers=80,
            on=date(2021, 3, 1), user=None,
        )  # fmt: skip
        row = {"row": 4, "tax_code": f"4600{number}00002", "name": "Công ty Mới", "address": "", "federation": code,
               "sector": "private", "workers": 30, "cdcs": ""}  # fmt: skip
        uploads[code] = enterprise_list_upload(org, row)
    return {"register_enterprises": enterprises, "enterprise_uploads": uploads}


def enterprise_list_upload(org, row: dict):
    """A previewed enterprise list of `org`'s with one row."""
    from organising.imports import EnterpriseList, list_preview
    from organising.models import EnterpriseListUpload

    read = EnterpriseList(rows=[row])
    return EnterpriseListUpload.objects.create(
        federation=org, file_name="doanh-nghiep.xlsx", size=2, sha256="0" * 64, outcome="preview",
        parsed={**read.as_json(), "plan": list_preview(read, user=None).plan},
    )  # fmt: skip


def _member_list_world():
    """A previewed member list for DT01 and one for PB01: one person admitted in March 2021."""
    uploads = {}
    for cdcs in GrassrootsUnion.objects.filter(code__in=["DT01", "PB01"]):
        row = {"row": 7, "full_name": "Lê Văn Dũng", "joined_on": "2021-03-10", "born_on": "1991-01-02"}
        uploads[cdcs.code] = member_list_upload(cdcs, row)
    return {"member_lists": uploads}


def member_list_upload(cdcs, row: dict):
    """A previewed member list of March 2021 for `cdcs` with one row."""
    from members.models import MemberListUpload
    from members.register.list_import import list_preview
    from members.register.lists import MemberList

    members = MemberList(cdcs_code=cdcs.code, month="2021-03", rows=[row])
    plan = list_preview(members, cdcs=cdcs, month=Month(2021, 3), user=None).plan
    return MemberListUpload.objects.create(
        cdcs=cdcs, month=date(2021, 3, 1), file_name="danh-sach.xlsx", size=2, sha256="0" * 64,
        outcome="preview", parsed={**members.as_json(), "plan": plan},
    )  # fmt: skip


def _ratings_world():
    """Rubrics of 2020 (closed), 2021 (open, DT01 and PB01 self-assessed) and 2022 (open, results
    final), and a previewed self-assessment sheet for DT and one for PB."""
    from ratings.models import Rubric
    from ratings.selectors import rubric_rules
    from ratings.services import assessment_review, assessments_self_save, rubric_close, rubric_create

    rubrics = {year: rubric_create(year=year, user=None) for year in (2020, 2021, 2022)}
    uploads = {}
    for org in Organisation.objects.filter(code__in=["DT", "PB"]):
        cdcs = GrassrootsUnion.objects.get(code=f"{org.code}01")
        for year, rubric in rubrics.items():
            scores = {c.id: c.max_score - 1 for c in rubric_rules(rubric=rubric).criteria}
            (assessment,) = assessments_self_save(rubric=rubric, federation=org, scores={cdcs.pk: scores}, user=None)
            if year != 2021:
                assessment_review(assessment=assessment, scores=scores, note="", finalise=True, user=None)
        uploads[org.code] = rating_upload(org, cdcs.code)
    rubric_close(rubric=Rubric.objects.get(year=2020), user=None)
    return {"rating_uploads": uploads}


def rating_upload(org, code: str):
    """A previewed self-assessment sheet of `org`'s for 2021, giving CĐCS `code` 5 on every criterion."""
    from ratings.imports import ScoreSheet
    from ratings.models import RatingUpload, Rubric

    row = {"row": 6, "code": code, "scores": dict.fromkeys(RATING_CODES, 5)}
    sheet = ScoreSheet(org.code, "2021", {code: code for code in RATING_CODES}, [row])
    return RatingUpload.objects.create(
        rubric=Rubric.objects.get(year=2021), federation=org, file_name="tu-cham.xlsx", size=2, outcome="preview",
        parsed=sheet.as_json(),
    )  # fmt: skip


def _reconcile_world():
    """DT01 keeps its member register from 03/2021, so that its drill-down lists someone."""
    from members.register.services import MemberData, member_admit

    dt01 = GrassrootsUnion.objects.get(code="DT01")
    old = MemberData("Phạm Văn Cũ", date(2015, 1, 5))
    return {"registered": member_admit(cdcs=dt01, data=old, existing=True, month=Month(2021, 3), user=None)}


def _people_world():
    """A member in DT01 and one in PB01, whom PB01 has asked DT01 to take."""
    from members.register.moves import member_transfer_request
    from members.register.services import MemberData, member_admit

    dt01, pb01 = GrassrootsUnion.objects.get(code="DT01"), GrassrootsUnion.objects.get(code="PB01")
    an = MemberData("Nguyễn Văn An", date(2021, 3, 5), date(1990, 5, 1), "male", id_number="001090001234")
    binh = MemberData("Trần Thị Bình", date(2021, 3, 6), date(1992, 2, 2), "female", id_number="001192005678")
    members = {"DT": member_admit(cdcs=dt01, data=an, user=None), "PB": member_admit(cdcs=pb01, data=binh, user=None)}
    return {"members": members, "transfer": member_transfer_request(member=members["PB"], to_cdcs=dt01, user=None)}


def upload(org, code=None):
    """A previewed upload that adds 5 admissions to the federation's CĐCS (or `code`) in March 2021."""
    from members.figures.sheet import Sheet
    from members.models import MonthlyReturn, Upload

    row = {"row": 9, "code": code or f"{org.code}01", "values": {"admitted": 5}}
    sheet = Sheet(org_code=org.code, month="2021-03", rows=[row])
    return Upload.objects.create(
        federation=org, month=date(2021, 3, 1), source="upload", file_name="so-lieu.xlsx", content=b"PK", size=2,
        sha256="0" * 64, outcome="preview", parsed=sheet.as_json(),
        return_version=MonthlyReturn.objects.get(federation=org, month=date(2021, 3, 1)).version,
    )  # fmt: skip
