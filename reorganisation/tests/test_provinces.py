"""Merging provinces: Bắc Kạn's portal exported to a file and imported into Thái Nguyên's as upper-level
unions.

Bắc Kạn (BK) is built once for the module through the real services, exported, and rolled back:
the portal each test imports into is Thái Nguyên alone, which never held Bắc Kạn's rows. Bắc Kạn,
01–06/2021: LĐLĐ huyện Chợ Đồn (CD) with CD01 (100 members, +2 admitted a month) and CD02 (founded
10/02/2021 with 20, +1 in March, merged into CD01 on 15/05/2021 with its 21); LĐLĐ huyện Na Rì
(NR, merged into CD from 04/2021) with NR01 (50, −1 a month); the education union (GD) with GD01
(80, rows in January and June only, +3 in June); its direct block with TT01 (200, +5 a month); a
register of four members in CD01, one of them transferred to TT01. So at the end of each month:

    01: 102 + 49 + 80 + 205 = 436 members, 4 CĐCS
    02: 104 + 20 + 48 + 80 + 210 = 462, 5          03: 106 + 21 + 47 + 80 + 215 = 469, 5
    04: 108 + 21 + 46 + 80 + 220 = 475, 5          05: (110 + 21) + 45 + 80 + 225 = 481, 4 (CD02 merged)
    06: 133 + 44 + 83 + 230 = 490, 4

Thái Nguyên (TN) before: DT01 under DT (1.000, +10 in January and in June) and TN-T01 in its direct
block (300): 1.310 members and 2 CĐCS at the end of 01/2021, 1.320 and 2 at the end of 06/2021."""

import gzip
import json
import os
import stat
from dataclasses import dataclass
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test.utils import override_settings

from members.figures.services import figures_record
from members.figures.summary import summary_differences
from members.models import (
    AuditEntry,
    GrassrootsUnion,
    LossReason,
    Member,
    MemberEvent,
    MonthlyFigure,
    MonthlyReturn,
    Organisation,
    Sector,
)
from members.register.moves import member_transfer_accept, member_transfer_request
from members.register.services import MemberData, member_admit
from members.services.org import cdcs_merge, direct_block, organisation_merge
from reorganisation.models import ProvinceImport
from reorganisation.provinces.totals import Stock, portal_totals
from targets.models import Programme, Quota
from unionportal.lib.months import Month, month_range
from unionportal.testing.province import cdcs_create, federation_create

JANUARY, JUNE = Month(2021, 1), Month(2021, 6)
BAC_KAN_TOTALS = [(436, 4), (462, 5), (469, 5), (475, 5), (481, 4), (490, 4)]
PROGRAMME = {
    "document_number": "02/CTr-LĐLĐ",
    "document_date": date(2021, 1, 10),
    "first_year": 2021,
    "last_year": 2025,
}


def _month_rows(rows: dict) -> None:
    """{cdcs: {month: (admitted, transferred_in, lost_job)}} recorded month by month."""
    for month in sorted({month for months in rows.values() for month in months}):
        for cdcs, months in rows.items():
            if month in months:
                admitted, lost_job = months[month]
                figures_record(cdcs=cdcs, month=month, admitted=admitted, lost={LossReason.JOB: lost_job}, user=None)


def build_bac_kan() -> None:
    province = Organisation.objects.create(code="BK", name="LĐLĐ tỉnh Bắc Kạn", kind=Organisation.Kind.PROVINCE)
    cho_don = federation_create(province, "CD", "LĐLĐ huyện Chợ Đồn", active_from=date(1997, 1, 1), position=1)
    na_ri = federation_create(province, "NR", "LĐLĐ huyện Na Rì", active_from=date(1997, 1, 1), position=2)
    education = federation_create(province, "GD", "Công đoàn ngành Giáo dục tỉnh", Organisation.Kind.SECTOR, position=3)
    block = direct_block(create=True)
    cd01 = cdcs_create(cho_don, 1, code="CD01", opening=100, first_month=JANUARY)
    nr01 = cdcs_create(na_ri, 2, code="NR01", opening=50, first_month=JANUARY)
    gd01 = cdcs_create(education, 3, code="GD01", opening=80, first_month=JANUARY, sector=Sector.PUBLIC)
    tt01 = cdcs_create(block, 4, code="TT01", opening=200, first_month=JANUARY, sector=Sector.SOE)
    cd02 = cdcs_create(cho_don, 5, code="CD02", founded_on=date(2021, 2, 10))
    organisation_merge(source_org=na_ri, into=cho_don, from_month=Month(2021, 4), user=None)
    months = list(month_range(JANUARY, Month(2021, 5)))
    _month_rows(
        {
            cd01: {month: (2, 0) for month in months},
            nr01: {month: (0, 1) for month in months},
            tt01: {month: (5, 0) for month in months},
            cd02: {Month(2021, 2): (20, 0), Month(2021, 3): (1, 0), Month(2021, 4): (0, 0)},
        }
    )
    cdcs_merge(absorbed=cd02, into=cd01, on=date(2021, 5, 15), user=None)
    _month_rows({cd01: {JUNE: (2, 0)}, nr01: {JUNE: (0, 1)}, gd01: {JUNE: (3, 0)}, tt01: {JUNE: (5, 0)}})

    people = [("Hoàng Văn Tú", "001085012345"), ("Nông Thị Hoa", "001190023456"), ("Ma Văn Sơn", "")]
    members = [
        member_admit(
            cdcs=cd01,
            data=MemberData(name, date(2015, 3, 1), id_number=number),
            existing=True,
            month=JANUARY,
            user=None,
        )
        for name, number in people
    ]
    member_admit(cdcs=cd01, data=MemberData("Lý Thị Mai", date(2021, 3, 5)), user=None)
    transfer = member_transfer_request(member=members[2], to_cdcs=tt01, user=None)
    member_transfer_accept(transfer=transfer, on=date(2021, 6, 10), user=None)

    programme = Programme.objects.create(name="Chương trình phát triển đoàn viên 2021–2025", **PROGRAMME)
    for org, members_quota, unions_quota in (
        (province, 500, 5),
        (cho_don, 200, 2),
        (education, 100, 1),
        (block, 200, 2),
    ):
        Quota.objects.create(
            programme=programme, organisation=org, year=2021, new_members=members_quota, new_unions=unions_quota
        )
    MonthlyReturn.objects.filter(federation=block, month=JANUARY.first_day).update(status="submitted")
    MonthlyReturn.objects.filter(federation=cho_don, month=JANUARY.first_day).update(
        status="approved", approved_at="2021-02-10T08:00:00+07:00"
    )


@dataclass
class Exported:
    path: Path  # Bắc Kạn with its register
    printed: str
    bare: Path  # and without (--without-register)
    audited: list[dict]  # the export's audit entries' data


@pytest.fixture(scope="module")
def exported(django_db_setup, django_db_blocker, tmp_path_factory):
    """Bắc Kạn's files, and what export_province printed and audited; Bắc Kạn itself is rolled back."""
    folder = tmp_path_factory.mktemp("provinces")
    out = StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            build_bac_kan()
            call_command("export_province", str(folder / "bac-kan.json.gz"), stdout=out)
            call_command("export_province", str(folder / "bare.json.gz"), "--without-register", stdout=StringIO())
            audited = list(
                AuditEntry.objects.filter(action="province.export").order_by("pk").values_list("data", flat=True)
            )
        transaction.set_rollback(True)
    return Exported(folder / "bac-kan.json.gz", out.getvalue(), folder / "bare.json.gz", audited)


@pytest.fixture
def thai_nguyen(province, make_federation, make_cdcs):
    dt01 = make_cdcs(make_federation("DT", "LĐLĐ huyện Đại Từ"), code="DT01", opening=1_000, first_month=JANUARY)
    figures_record(cdcs=dt01, month=JANUARY, admitted=10, user=None)
    figures_record(cdcs=dt01, month=JUNE, admitted=10, user=None)
    make_cdcs(
        direct_block(create=True),
        code="TN-T01",
        opening=300,
        first_month=JANUARY,
        sector=Sector.PUBLIC,
        founded_on=date(2015, 3, 1),
    )
    return province


def _import(path, *options) -> str:
    """What the command printed, its table's columns closed up ("06/2021 | 1.320 / 2 | …")."""
    out = StringIO()
    call_command("import_province", str(path), "--as-upper-unions", *options, stdout=out, stderr=out)
    return " ".join(out.getvalue().split())


def _refused(path, *options) -> str:
    out = StringIO()
    with pytest.raises(CommandError, match="Không nhập: chưa ghi gì."):
        call_command("import_province", str(path), "--as-upper-unions", *options, stdout=out, stderr=out)
    return out.getvalue()


def _portal() -> tuple:
    """What an import would change: every table it writes, counted."""
    return tuple(
        model.objects.count()
        for model in (
            Organisation,
            GrassrootsUnion,
            MonthlyFigure,
            MonthlyReturn,
            Member,
            MemberEvent,
            Quota,
            Programme,
            ProvinceImport,
        )
    )


def _lines(path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as file:
        return file.read().split("\n")


def _rewrite(path, target, change) -> None:
    """A copy of the file at `target` with `change(lines)` applied, compressed again."""
    lines = _lines(path)
    change(lines)
    with gzip.open(target, "wt", encoding="utf-8") as file:
        file.write("\n".join(lines))


# --- the export ----------------------------------------------------------------------------------------


def test_the_export_is_one_compressed_json_document_readable_by_its_owner_only(exported, db):
    path, printed = exported.path, exported.printed
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with gzip.open(path, "rt", encoding="utf-8") as file:
        document = json.load(file)  # any JSON reader reads it whole
    header = document["header"]
    assert (header["format"], header["version"], header["province"]) == (
        "unionportal-province",
        1,
        {"code": "BK", "name": "LĐLĐ tỉnh Bắc Kạn"},
    )
    assert header["personal_data"] is True and header["months"] == {"first": "2021-01", "last": "2021-06"}
    assert [(row["members"], row["unions"]) for row in header["totals"]] == BAC_KAN_TOTALS
    assert header["counts"]["organisations"] == 4 and header["counts"]["cdcs"] == 5
    assert header["counts"]["members"] == 4 and header["counts"]["transfers"] == 1
    assert {name: len(document[name]) for name in header["counts"]} == header["counts"]
    assert "dữ liệu cá nhân" in printed and "5 CĐCS" in printed


def test_the_export_without_the_register_holds_no_personal_data(exported, db):
    with gzip.open(exported.bare, "rt", encoding="utf-8") as file:
        document = json.load(file)
    assert document["header"]["personal_data"] is False
    assert document["members"] == document["events"] == document["transfers"] == []
    assert [(data["members"], data["personal_data"], data["figures"]) for data in exported.audited] == [
        (4, True, 24),
        (0, False, 24),
    ]


# --- the import ----------------------------------------------------------------------------------------


def test_the_province_comes_in_as_upper_level_unions_and_the_totals_add_up(exported, thai_nguyen):
    path = exported.path
    assert portal_totals(JANUARY, JUNE)[JUNE] == Stock(1_320, 2)

    printed = _import(path)

    assert "Tệp: LĐLĐ tỉnh Bắc Kạn (BK)" in printed
    assert "06/2021 | 1.320 / 2 | 490 / 4 | 1.810 / 6" in printed
    assert "01/2021 | 1.310 / 2 | 436 / 4 | 1.746 / 6" in printed
    assert "Sau = trước + tệp ở cả 6 tháng 01/2021–06/2021" in printed
    after = portal_totals(JANUARY, JUNE)
    for month, (members, unions) in zip(month_range(JANUARY, JUNE), BAC_KAN_TOTALS, strict=True):
        before = Stock(1_310, 2) if month < JUNE else Stock(1_320, 2)
        assert after[month] == before + Stock(members, unions), month
    assert summary_differences() == []

    cho_don, na_ri = Organisation.objects.get(code="CD"), Organisation.objects.get(code="NR")
    assert (cho_don.parent, cho_don.kind, cho_don.active_from) == (thai_nguyen, "district", date(1997, 1, 1))
    assert (na_ri.active_to, na_ri.merged_into) == (date(2021, 3, 31), cho_don)
    assert Organisation.objects.get(code="GD").kind == Organisation.Kind.SECTOR
    assert Organisation.objects.filter(kind=Organisation.Kind.DIRECT).count() == 1
    assert direct_block().active_from == date(2010, 1, 1)  # TT01's first month, before TN-T01's 03/2015
    tt01 = GrassrootsUnion.objects.get(code="TT01")
    assert tt01.affiliations.get().federation == direct_block()
    assert set(MonthlyFigure.objects.filter(cdcs=tt01).values_list("federation__code", flat=True)) == {"TN-TT"}
    cd02 = GrassrootsUnion.objects.get(code="CD02")
    assert (cd02.merged_into.code, cd02.dissolved_on) == ("CD01", date(2021, 5, 15))
    nr01 = GrassrootsUnion.objects.get(code="NR01")
    assert list(nr01.figures.order_by("month").values_list("federation__code", flat=True)) == ["NR"] * 3 + ["CD"] * 3

    assert Member.objects.filter(cdcs__code="CD01").count() == 3
    moved = Member.objects.get(cdcs__code="TT01")
    assert moved.search_name == " ma van son " and moved.events.filter(transfer__isnull=False).count() == 2
    assert GrassrootsUnion.objects.get(code="CD01").register_from == JANUARY.first_day

    assert Quota.objects.get(organisation=cho_don, year=2021).new_members == 200
    assert Quota.objects.get(organisation=direct_block(), year=2021).new_members == 200
    assert not Quota.objects.filter(new_members=500).exists()  # Bắc Kạn's own quota stays out, said so
    assert "Chỉ tiêu của LĐLĐ tỉnh Bắc Kạn theo chương trình 02/CTr-LĐLĐ không được nhập" in printed
    # The direct block keeps its own January return; Chợ Đồn's approved January comes with it.
    assert MonthlyReturn.objects.get(federation=direct_block(), month=JANUARY.first_day).status == "draft"
    assert "giữ nguyên trạng thái đang có ở đây" in printed
    assert MonthlyReturn.objects.get(federation=cho_don, month=JANUARY.first_day).status == "approved"
    record = ProvinceImport.objects.get()
    assert (record.source_code, record.counts["figures"], record.counts["cdcs"]) == ("BK", 24, 5)
    assert AuditEntry.objects.filter(action="province.import", object_id=str(record.pk), data__cdcs=5).exists()


def test_importing_twice_changes_nothing_the_second_time(exported, thai_nguyen, tmp_path):
    path = exported.path
    _import(path)
    before = _portal()

    printed = _import(path)
    assert "đã được nhập lúc" in printed and "không thay đổi gì" in printed
    # The same data exported again (another moment in its header) is the same import.
    again = tmp_path / "bac-kan-again.json.gz"
    header = json.loads(_lines(path)[0].removeprefix('{"header": ').removesuffix(","))
    header["exported_at"] = "2026-01-01T00:00:00+07:00"

    def later_export(lines):
        lines[0] = '{"header": ' + json.dumps(header, ensure_ascii=False) + ","

    _rewrite(path, again, later_export)
    assert "không thay đổi gì" in _import(again)
    assert _portal() == before


def test_clashing_codes_are_refused_with_their_list_then_taken_with_a_prefix(
    exported, thai_nguyen, make_federation, make_cdcs
):
    path = exported.path
    make_cdcs(make_federation("GD", "Công đoàn ngành Giáo dục tỉnh", kind=Organisation.Kind.SECTOR), code="cd01")
    before = _portal()

    printed = _refused(path)
    assert "1 mã công đoàn cấp trên đã có trong cổng thông tin này" in printed and ": GD" in printed
    assert "1 mã CĐCS đã có trong cổng thông tin này (kể cả chỉ khác chữ hoa, chữ thường): CD01" in printed
    assert "--prefix" in printed
    assert _portal() == before

    _import(path, "--prefix", "BK-")
    assert set(Organisation.objects.filter(code__startswith="BK-").values_list("code", flat=True)) == {
        "BK-CD",
        "BK-NR",
        "BK-GD",
    }
    assert GrassrootsUnion.objects.get(code="BK-CD02").merged_into.code == "BK-CD01"
    assert Organisation.objects.get(code="BK-NR").merged_into.code == "BK-CD"
    assert ProvinceImport.objects.get().prefix == "BK-"


def test_a_prefix_that_makes_codes_too_long_is_refused(exported, thai_nguyen):
    path = exported.path
    printed = _refused(path, "--prefix", "BAC-KAN-SAU-SAP-NHAP-")
    assert "dài quá 20 ký tự: BAC-KAN-SAU-SAP-NHAP-CD" in printed
    assert not Organisation.objects.filter(code__startswith="BAC").exists()


def test_a_member_whose_id_number_is_in_the_register_here_is_refused(exported, thai_nguyen):
    path = exported.path
    member_admit(
        cdcs=GrassrootsUnion.objects.get(code="DT01"),
        data=MemberData("Hoàng Văn Tú", date(2015, 3, 1), id_number="001085012345"),
        existing=True,
        month=JANUARY,
        user=None,
    )
    printed = _refused(path)
    assert "1 đoàn viên trong tệp có số CCCD đã có trong sổ đoàn viên của tỉnh này" in printed
    assert "•••••••••345" in printed and "001085012345" not in printed


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("members_end", "cuối kỳ 107 ≠ đầu kỳ 104 + kết nạp 2 + chuyển đến 0 − giảm 0 = 106"),
        ("members_start", "đầu kỳ 105 khác cuối kỳ 104 của tháng 02/2021 (dòng trước)"),
    ],
)
def test_a_file_whose_rows_do_not_hold_together_is_refused_with_the_line_and_nothing_is_written(
    exported, thai_nguyen, tmp_path, field, message
):
    path = exported.path
    broken = tmp_path / "broken.json.gz"
    found = {}

    def break_march(lines):
        for number, line in enumerate(lines):
            if line.startswith('{"cdcs":"CD01","month":"2021-03"'):
                record = json.loads(line.removesuffix(","))
                record[field] += 1
                lines[number] = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + ","
                found["line"] = number + 1

    _rewrite(path, broken, break_march)
    before = _portal()
    printed = _refused(broken)
    assert f"dòng {found['line']} (figures): CĐCS CD01, tháng 03/2021: {message}" in printed
    assert _portal() == before
    assert not AuditEntry.objects.filter(action="province.import").exists()


def test_a_file_cut_short_or_not_a_province_file_is_refused(exported, thai_nguyen, tmp_path):
    path = exported.path
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(path.read_bytes()[:-40])
    assert "gzip" in _refused(cut)
    other = tmp_path / "other.json.gz"
    with gzip.open(other, "wt") as file:
        file.write('{"rows": []}\n')
    assert "Không phải tệp xuất dữ liệu tỉnh" in _refused(other)
    assert _portal()[-1] == 0


def test_the_import_says_how_to_import_and_a_dry_run_writes_nothing(exported, thai_nguyen):
    path = exported.path
    with pytest.raises(CommandError, match="--as-upper-unions"):
        call_command("import_province", str(path), stdout=StringIO())
    before = _portal()
    printed = _import(path, "--dry-run")
    assert "06/2021 | 1.320 / 2 | 490 / 4 | 1.810 / 6" in printed and "chưa ghi gì" in printed
    assert _portal() == before
