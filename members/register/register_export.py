"""The whole province's member register in one Excel file, for provincial staff, as a job (jobs/).

Every active member with their full ID number, one sheet per upper-level union named by its code
(a union past Excel's million rows goes on over further sheets; the last sheet names the unions
and counts their members), in the columns of a CĐCS's member list after the CĐCS's code and name.
At 2.5 million members that is minutes of work and a file of a hundred megabytes, so a job writes
it, streamed (openpyxl's write-only workbook keeps a row in memory at a time; members are read a
few thousand at a time, a union at a time), into EXPORT_DIR under a name made from the job and the
portal's secret that nobody can guess, readable by the portal's user only (0600). Only the person
who asked downloads it, from the job's page (export_views), for EXPORT_KEEP_HOURS; then it is
deleted. The export is audited with its counts once the file is whole, and each download when it
is made.

The work holds no transaction (SQLite's would keep its one write lock for minutes): it writes the
file aside, renames it once whole, then audits; run again, it writes the file again."""

import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from jobs.models import Job
from jobs.registry import JobFailed, Result, job_kind
from members.access import can_read_people, is_provincial
from members.audit import audit_log
from members.models import Affiliation, Gender, GrassrootsUnion, Member, Organisation
from members.register.lists import COLUMNS, DATE_FORMAT
from unionportal.lib.formatting import count
from unionportal.lib.months import Month
from unionportal.lib.progress import SILENT, Reporter
from unionportal.lib.xlsx import safe_value

EXPORT = "members.register_export"
KEY = EXPORT  # one at a time in the province: each is minutes of reading and writing
FILE_PREFIX = "so-doan-vien-"
SHEET_ROWS = 1_000_000  # Excel stops at 1,048,576 rows a sheet
CDCS_BATCH = 500  # CĐCS whose members one query reads (in code order; streamed a chunk at a time)
CHUNK = 2_000
MEMBER_COLUMNS = [column for column in COLUMNS if column.key != "number"]
FIELDS = ["cdcs_id", *(column.key for column in MEMBER_COLUMNS)]
DATES = {"born_on", "joined_on"}


def may_export(user) -> bool:
    """Provincial staff (and administrators), who read every member of the province."""
    return is_provincial(user) and can_read_people(user)


def export_path(job: Job) -> Path:
    """The job's file: a name made from the job and SECRET_KEY, not guessable from its number."""
    token = salted_hmac("members.register_export", str(job.pk), algorithm="sha256").hexdigest()
    return Path(settings.EXPORT_DIR) / f"{FILE_PREFIX}{job.pk}-{token}.xlsx"


def export_expires(job: Job) -> datetime | None:
    return job.finished_at + timedelta(hours=settings.EXPORT_KEEP_HOURS) if job.finished_at else None


def exports_purge(*, now: float | None = None) -> int:
    """Delete the exported files (and the half-written ones of a job that died) older than
    EXPORT_KEEP_HOURS; returns how many."""
    folder = Path(settings.EXPORT_DIR)
    if not folder.is_dir():
        return 0
    oldest = (now or time.time()) - settings.EXPORT_KEEP_HOURS * 3600
    removed = 0
    for path in folder.glob(f"{FILE_PREFIX}*"):
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # another process removed it first
            continue
    return removed


def export_offer(user) -> dict:
    """What the register's page offers: the button, and the user's latest export while it is kept."""
    if not may_export(user):
        return {"can_export": False, "last_export": None}
    since = timezone.now() - timedelta(hours=settings.EXPORT_KEEP_HOURS)
    last = Job.objects.filter(kind=EXPORT, created_by=user, created_at__gte=since).order_by("-pk").first()
    return {"can_export": True, "last_export": last}


# --- writing the file ---------------------------------------------------------------------------


@dataclass
class Written:
    members: int = 0
    unions: int = 0
    sheets: int = 0
    size: int = 0
    per_union: list[tuple[str, str, int]] = field(default_factory=list)


class _Book:
    """The write-only workbook: a sheet per union, continued on another past SHEET_ROWS."""

    def __init__(self):
        self.workbook = Workbook(write_only=True)
        self.sheet, self.rows, self.titles = None, 0, set()
        self.font = Font(bold=True)
        self.genders = {key: str(label) for key, label in Gender.choices}

    def start(self, code: str, name: str, part: int = 1) -> None:
        title = code[:24] if part == 1 else f"{code[:24]} ({part})"
        while title in self.titles:
            title = f"{title[:30]}_"
        self.titles.add(title)
        self.sheet, self.rows, self.code, self.name, self.part = self.workbook.create_sheet(title), 0, code, name, part
        for number, width in enumerate([14, 36, *(column.width for column in MEMBER_COLUMNS)], start=1):
            self.sheet.column_dimensions[get_column_letter(number)].width = width
        headers = [_("Mã CĐCS"), _("Tên CĐCS"), *(column.header for column in MEMBER_COLUMNS)]
        self.sheet.append([self.bold(text) for text in headers])
        self.sheet.freeze_panes = "C2"
        # One cell a date column, given its value row after row: the write-only sheet writes a row
        # as soon as it is appended, and a cell object a row would cost a tenth of the time.
        self.dates = {key: self._date_cell() for key in DATES}

    def add(self, cdcs: tuple[str, str], member: tuple) -> None:
        if self.rows >= SHEET_ROWS:
            self.start(self.code, self.name, self.part + 1)
        values = [safe_value(cdcs[0]), safe_value(cdcs[1])]
        for key, value in zip(FIELDS[1:], member[1:], strict=True):
            if key in DATES and value is not None:
                cell = self.dates[key]
                cell.value = value
                values.append(cell)
            else:
                values.append(safe_value(self.genders.get(value, "") if key == "gender" else value or None))
        self.sheet.append(values)
        self.rows += 1

    def _date_cell(self) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet)
        cell.number_format = DATE_FORMAT
        return cell

    def bold(self, text, sheet=None) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet or self.sheet, value=safe_value(str(text)))
        cell.font = self.font
        return cell


def _cdcs_by_union() -> tuple[list[tuple[str, str, list]], int]:
    """Each upper-level union in the province's order with its CĐCS today (code order), as
    (code, name, [(cdcs id, code, name)]); CĐCS under none last. And how many members in all."""
    now: dict[int, int] = {}
    for cdcs_id, federation_id in Affiliation.objects.order_by("cdcs_id", "valid_from").values_list(
        "cdcs_id", "federation_id"
    ):
        now[cdcs_id] = federation_id  # the latest affiliation wins
    under = defaultdict(list)
    for pk, code, name in GrassrootsUnion.objects.order_by("code").values_list("pk", "code", "name"):
        under[now.get(pk)].append((pk, code, name))
    unions = [
        (org.code, org.name, under.pop(org.pk))
        for org in Organisation.objects.federations().order_by("position", "name")
        if org.pk in under
    ]
    stray = [cdcs for group in under.values() for cdcs in group]
    if stray:
        unions.append(("—", _("Chưa trực thuộc công đoàn cấp trên nào"), sorted(stray, key=lambda cdcs: cdcs[1])))
    return unions, Member.objects.active().count()


def register_export_write(*, path: Path, progress: Reporter = SILENT) -> Written:
    """Write every active member of the province into a new Excel file at `path` (aside, then
    renamed; 0600). A few thousand members in memory at a time."""
    unions, total = _cdcs_by_union()
    progress.step(_("Ghi sổ đoàn viên ra tệp Excel: %(count)s đoàn viên") % {"count": count(total)}, total=total)
    book, written = _Book(), Written()
    for code, name, cdcs in unions:
        book.start(code, name)
        before = written.members
        for start in range(0, len(cdcs), CDCS_BATCH):
            batch = {pk: (cdcs_code, cdcs_name) for pk, cdcs_code, cdcs_name in cdcs[start : start + CDCS_BATCH]}
            members = (
                Member.objects.active()
                .filter(cdcs_id__in=list(batch))
                .order_by("cdcs__code", "search_name", "pk")
                .values_list(*FIELDS)
            )
            for member in members.iterator(chunk_size=CHUNK):
                book.add(batch[member[0]], member)
                written.members += 1
                if written.members % CHUNK == 0:
                    progress.advance(CHUNK)
        written.per_union.append((code, name, written.members - before))
    written.unions, written.sheets = len(unions), len(book.titles)
    progress.step(_("Đóng gói tệp Excel"))
    _info_sheet(book, written)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    aside = path.with_suffix(".part")
    with os.fdopen(os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as file:
        book.workbook.save(file)
    os.chmod(aside, 0o600)  # a file left by an earlier run keeps its mode through O_TRUNC
    os.replace(aside, path)
    written.size = path.stat().st_size
    return written


def _info_sheet(book: _Book, written: Written) -> None:
    sheet = book.workbook.create_sheet(_("Thông tin"))
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 40, 40
    moment = date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")
    sheet.append([book.bold(_("SỔ ĐOÀN VIÊN TOÀN TỈNH"), sheet)])
    sheet.append([_("Xuất lúc"), moment])
    sheet.append([_("Số đoàn viên đang sinh hoạt"), written.members])
    sheet.append([_("Dữ liệu cá nhân: chỉ dùng cho công việc, không gửi đi, xóa khi không cần nữa.")])
    sheet.append([])
    sheet.append([book.bold(_("Công đoàn cấp trên"), sheet), book.bold(_("Số đoàn viên"), sheet)])
    for code, name, members in written.per_union:
        sheet.append([safe_value(f"{code} – {name}"), members])


# --- the job ----------------------------------------------------------------------------------


@job_kind(EXPORT, title=gettext_lazy("Xuất toàn bộ sổ đoàn viên"), atomic=False)
def register_export_job(*, job: Job, progress) -> Result:
    """Seen by its owner only (and administrators): the file is theirs."""
    user = job.created_by
    if user is None or not may_export(user):
        raise JobFailed(_("Chỉ cán bộ Ban Tổ chức LĐLĐ tỉnh xuất được toàn bộ sổ đoàn viên."))
    exports_purge()
    written = register_export_write(path=export_path(job), progress=progress)
    audit_log(
        user,
        "member_register.export",
        month=Month.of(timezone.localdate()),
        job=job.pk,
        exported=written.members,
        unions=written.unions,
    )
    until = timezone.localtime() + timedelta(hours=settings.EXPORT_KEEP_HOURS)
    message = _(
        "Đã ghi %(members)s đoàn viên của %(unions)s công đoàn cấp trên vào tệp Excel (%(size)s MB, %(sheets)s "
        "trang tính). Chỉ bạn tải được tệp này, đến %(until)s; sau đó tệp tự xóa. Tệp có số CCCD đầy đủ: giữ "
        "kín và xóa khi không cần nữa."
    ) % {
        "members": count(written.members),
        "unions": count(written.unions),
        "size": number_format(written.size / 1024 / 1024, decimal_pos=1),
        "sheets": count(written.sheets),
        "until": date_format(until, "SHORT_DATETIME_FORMAT"),
    }
    return Result(message, url=reverse("members:register_export_file", kwargs={"pk": job.pk}), link=_("Tải tệp về"))
