"""What bench/register_scale.py times that needs more than a line: the search as the people page runs
it (and as it ran before the capped count, the anchor), the 20,000-person list through the pages,
and the province's counts read person by person (the anchor of register_figures)."""

import io
import random
import time
from collections import Counter
from datetime import date

from django.db import connection
from django.db.models.functions import Lower
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from members.access import members_visible_to
from members.models import AuditEntry, Gender, GrassrootsUnion, Member, MemberEvent, MemberListUpload
from members.register.people import id_number_for
from members.register.search import member_search, people_page
from members.services.org import cdcs_found
from unionportal.lib.months import Month

PAGE = 50
IMPORT_CODE = "CS-NHAP-DS"


def search_page(user, query: str):
    """The people page's list for `query`, as members.register.views.people reads it: the members the
    user reads, the search, the count (up to COUNT_CAP) and the first page of 50, read."""
    listed = people_page(members_visible_to(user).select_related("cdcs"), query, number=1, per_page=PAGE)
    list(listed.page)
    return listed


def anchor_search_page(scope, query: str):
    """The anchor, the list as it was read before issue 22: every match counted, then the first page
    in name order, sorted when up to 5,000 match and walked along the name index beyond."""
    found = member_search(scope.select_related("cdcs"), query)
    matches = found.count()
    ordered = found.order_by(Lower("search_name"), "pk") if matches <= 5_000 else found.order_by("search_name", "pk")
    return matches, list(ordered[:PAGE])


def counts_in_python(month: Month) -> dict:
    """Every CĐCS's month counted person by person in Python, from every event up to the month."""
    start, flows = Counter(), Counter()
    events = MemberEvent.objects.filter(month__lte=month.first_day).values_list("cdcs_id", "kind", "reason", "month")
    for cdcs, kind, reason, when in events.iterator(chunk_size=20_000):
        if when == month.first_day and kind != MemberEvent.Kind.OPENING:
            flows[cdcs, kind, reason] += 1
        elif kind == MemberEvent.Kind.LOST:
            start[cdcs] -= 1
        else:
            start[cdcs] += 1
    return {"start": start, "flows": flows}


# --- the 20,000-person list ---------------------------------------------------------------------


def _list_workbook(cdcs: GrassrootsUnion, month: Month, people: int) -> bytes:
    """A CĐCS's member list as its officers fill the template: everyone joined before, with a CCCD
    number no one in the province holds (born in province 092 by its numbers)."""
    rng = random.Random("register-list")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách đoàn viên")
    sheet.append(["Mã CĐCS:", cdcs.code])
    sheet.append(["Tháng ghi sổ:", str(month)])
    header = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số CCCD", "Số thẻ đoàn viên"]
    sheet.append([*header, "Ngày vào công đoàn", "Nghề nghiệp, chức vụ"])
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
    given = {
        Gender.MALE: ["Văn Hùng", "Đức Anh", "Minh Tuấn", "Văn Nam", "Quang Huy", "Hữu Thắng"],
        Gender.FEMALE: ["Thị Hương", "Thị Lan", "Thu Trang", "Thị Hằng", "Ngọc Anh", "Thị Thu Hà"],
    }
    for n in range(people):
        gender = rng.choice([Gender.MALE, Gender.FEMALE])
        born = date(rng.randint(1970, 2005), rng.randint(1, 12), rng.randint(1, 28))
        joined = date(rng.randint(max(2016, born.year + 18), 2025), rng.randint(1, 12), rng.randint(1, 28))
        sheet.append(
            [
                n + 1,
                f"{rng.choice(families)} {rng.choice(given[gender])}",
                born,
                "Nam" if gender == Gender.MALE else "Nữ",
                "Kinh",
                id_number_for(born, gender, n, province=92),
                f"KCN{n + 1:06d}",
                joined,
                "Công nhân",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import_clean() -> None:
    """What an earlier run's list wrote, gone (the CĐCS stays, its register not started)."""
    cdcs = GrassrootsUnion.objects.filter(code=IMPORT_CODE).first()
    if cdcs is None:
        return
    MemberEvent.objects.filter(cdcs=cdcs).delete()
    Member.objects.filter(cdcs=cdcs).delete()
    MemberListUpload.objects.filter(cdcs=cdcs).delete()
    GrassrootsUnion.objects.filter(pk=cdcs.pk).update(register_from=None)


def import_case(province, *, people: int, target: float, load) -> None:
    _import_clean()
    cdcs = GrassrootsUnion.objects.filter(code=IMPORT_CODE).first() or cdcs_found(
        code=IMPORT_CODE,
        name="CĐCS Công ty TNHH Điện tử (nhập danh sách)",
        employer="Công ty TNHH Điện tử",
        sector="fdi",
        founded_on=date(2015, 3, 1),
        federation=province.big,
        user=None,
    )
    month = Month.of(date.today())
    data = _list_workbook(cdcs, month, people)
    print(f"\nA {people:,}-person member list ({len(data) / 1024:.0f} KiB .xlsx) for a CĐCS of the union ({load()})")
    client = Client()
    client.force_login(province.users["canbo.kcn"])
    since = timezone.now()
    started = time.perf_counter()
    upload = io.BytesIO(data)
    upload.name = "danh-sach-doan-vien.xlsx"
    response = client.post(
        reverse("members:member_list_upload", kwargs={"code": cdcs.code}), {"file": upload, "month": month.iso}
    )
    assert response.status_code == 302, response.content[:2000]
    uploaded = time.perf_counter()
    preview = client.get(response.headers["Location"])
    assert preview.status_code == 200 and b'id="confirm-upload"' in preview.content, preview.content[:3000]
    previewed = time.perf_counter()
    pk = MemberListUpload.objects.filter(cdcs=cdcs).latest("pk").pk
    confirm = reverse("members:member_list_confirm", kwargs={"code": cdcs.code, "pk": pk})
    done = client.post(confirm)
    confirmed = time.perf_counter()
    written = Member.objects.filter(cdcs=cdcs).count()
    assert done.status_code == 302 and written == people, (done.status_code, written)
    total = (confirmed - started) * 1000
    verdict = "ok" if total < target else f"MISSED (< {target / 1000:.0f} s)"
    print(f"  upload, read and check       {(uploaded - started) * 1000:9.0f} ms")
    print(f"  preview page                 {(previewed - uploaded) * 1000:9.0f} ms")
    print(f"  confirm (the write)          {(confirmed - previewed) * 1000:9.0f} ms")
    print(f"  end to end                   {total:9.0f} ms  {verdict}; {written:,} members written ({load()})")
    audits = AuditEntry.objects.filter(at__gte=since)
    print(f"  audit entries written: {audits.count():,} (deleted with the members afterwards)")
    _import_clean()
    audits.delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE members_member")
