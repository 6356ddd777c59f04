"""CĐCS committees that need filling (cần kiện toàn), built through the officers' services with
days counted back from today, for the tests of the pages that show them: the home pages, the
dashboard, the browser journey.

DT (LĐLĐ huyện Đại Từ):
  DT01 CĐCS Công ty May Việt Đức   congress 2 years ago, committee of 3: chair Lan left 30 days ago
                                   → no chair since then, and short (2 of 3)
  DT02 CĐCS Trường THPT Đại Từ     its five-year term ended 10 days ago, no congress → overdue
  DT03 CĐCS Bệnh viện Đại Từ       its term ends in 40 days → congress due
  DT04 CĐCS UBND xã Hùng Sơn       a year into its term, full
  DT05 CĐCS Công ty Chè Tân Cương  no term recorded
PB (LĐLĐ huyện Phú Bình):
  PB01 CĐCS Công ty Gạch Phú Bình  a year into its term, committee of 2 with its chair alone → short

So DT needs 2 (1 without chair, 1 short, 1 overdue) and has 1 due; PB needs 1 (short); the
province 3 (1, 2, 1) and 1 due, of 6 CĐCS, 1 without a term."""

from datetime import date, timedelta

from django.utils import timezone

from members.models import Officer, Post
from members.officers.rules import add_years
from members.officers.services import OfficerData, TermData, officer_leave, term_open

from .province import cdcs_create

CDCS = {
    "DT01": "CĐCS Công ty May Việt Đức",
    "DT02": "CĐCS Trường THPT Đại Từ",
    "DT03": "CĐCS Bệnh viện Đại Từ",
    "DT04": "CĐCS UBND xã Hùng Sơn",
    "DT05": "CĐCS Công ty Chè Tân Cương",
    "PB01": "CĐCS Công ty Gạch Phú Bình",
}


def _term(cdcs, congress_on: date, size: int, names: list[tuple[str, str]]):
    data = TermData(congress_on=congress_on, decision_number="01/QĐ-LĐLĐ", committee_size=size)
    officers = [OfficerData(name, post, full_time=post == Post.CHAIR) for name, post in names]
    return term_open(cdcs=cdcs, data=data, officers=officers, user=None)


def committees_create(federation, other_federation, *, today: date | None = None) -> dict:
    """The CĐCS above, by code, and the chair who left DT01 (`left`)."""
    today = today or timezone.localdate()
    unions = {
        code: cdcs_create(federation if code.startswith("DT") else other_federation, 9000 + n, code=code, name=name)
        for n, (code, name) in enumerate(CDCS.items())
    }
    dt01 = _term(
        unions["DT01"],
        add_years(today, -2),
        3,
        [("Nguyễn Thị Lan", Post.CHAIR), ("Trần Văn Hùng", Post.VICE_CHAIR), ("Lê Thị Hoa", Post.MEMBER)],
    )
    _term(
        unions["DT02"],
        add_years(today, -5) - timedelta(days=10),
        2,
        [("Phạm Văn Nam", Post.CHAIR), ("Đỗ Thị Mai", Post.MEMBER)],
    )
    _term(unions["DT03"], add_years(today, -5) + timedelta(days=40), 1, [("Vũ Văn Tâm", Post.CHAIR)])
    _term(unions["DT04"], add_years(today, -1), 1, [("Hoàng Văn Sơn", Post.CHAIR)])
    _term(unions["PB01"], add_years(today, -1), 2, [("Hà Văn Lý", Post.CHAIR)])  # fmt: skip
    chair = dt01.officers.get(post=Post.CHAIR)
    left = officer_leave(officer=chair, on=today - timedelta(days=30), reason=Officer.LeftReason.RETIRED, user=None)
    return {**unions, "left": left}
