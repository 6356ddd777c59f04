"""The import's first pass: read every record of a province file and say, with its line, what is
wrong with it, before anything is written. Every monthly row must keep the stock identity (end =
start + admitted + transferred in − lost) and continue its CĐCS's previous row (start = the
previous end); references must lead to records of the file; the counts and the month-end totals
of the header must be the records'. What the second pass needs (the organisations, programmes,
quotas, codes and ID numbers, the totals) is kept; the monthly rows and the register are not."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

from members.models import Organisation
from unionportal.lib.formatting import count
from unionportal.lib.months import Month

from .checks import RecordChecks
from .fields import load_record
from .fileformat import SECTIONS, ProvinceFileError, ProvinceFileReader, file_sha256
from .totals import Stock

PROBLEMS_KEPT = 200  # beyond these, a file is only counted wrong, line by line


class ProvinceRefused(Exception):
    """The file is not imported, nothing was written: why, one line each (and how many more)."""

    def __init__(self, problems: list[str], *, more: int = 0):
        super().__init__("\n".join(problems))
        self.problems = problems
        self.more = more


@dataclass
class Problem:
    line: int
    section: str
    message: str

    def __str__(self) -> str:
        where = _("dòng %(line)s") % {"line": count(self.line)} if self.line else _("tệp")
        return f"{where} ({self.section}): {self.message}" if self.section else f"{where}: {self.message}"


@dataclass
class ProvinceFile:
    """What the first pass keeps of a file: enough to check it against this portal and write it."""

    path: Path
    header: dict
    sha256: str = ""
    content_sha256: str = ""
    organisations: dict[str, dict] = field(default_factory=dict)  # by code
    programmes: dict[tuple, dict] = field(default_factory=dict)  # by (document number, date)
    quotas: list[dict] = field(default_factory=list)
    cdcs: dict[str, tuple[Month, Month | None]] = field(default_factory=dict)  # code → founded, dissolved
    id_numbers: dict[str, int] = field(default_factory=dict)  # a member's ID number → the line
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SECTIONS, 0))
    totals: dict[Month, Stock] = field(default_factory=dict)
    first: Month | None = None
    last: Month | None = None
    direct_since: date | None = None  # the first month a CĐCS belongs to the direct block
    problems: list[Problem] = field(default_factory=list)
    problems_more: int = 0

    @property
    def source_code(self) -> str:
        return self.header["province"]["code"]

    @property
    def source_name(self) -> str:
        return self.header["province"]["name"]

    @property
    def direct_code(self) -> str | None:
        return next((code for code, org in self.organisations.items() if org["kind"] == Organisation.Kind.DIRECT), None)

    def refuse(self, line: int, section: str, message: str) -> None:
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(Problem(line, section, message))
        else:
            self.problems_more += 1


def _header_problems(header: dict) -> list[str]:
    province = header.get("province")
    problems = []
    if not (
        isinstance(province, dict) and isinstance(province.get("code"), str) and isinstance(province.get("name"), str)
    ):
        problems.append(_("phần đầu tệp không ghi mã và tên tỉnh"))
    counts = header.get("counts")
    if not (isinstance(counts, dict) and all(isinstance(counts.get(name), int) for name in SECTIONS)):
        problems.append(_("phần đầu tệp không ghi số bản ghi của từng mục"))
    if not isinstance(header.get("totals"), list) or not isinstance(header.get("months"), dict):
        problems.append(_("phần đầu tệp không ghi số đoàn viên, CĐCS cuối mỗi tháng"))
    if not isinstance(header.get("exported_at"), str):
        problems.append(_("phần đầu tệp không ghi thời điểm xuất"))
    return problems


def _header_months(header: dict) -> tuple[Month | None, Month | None]:
    months = header["months"]
    if months.get("first") is None:
        return None, None
    try:
        return Month.parse(months["first"]), Month.parse(months["last"])
    except (TypeError, ValueError, KeyError):
        raise ProvinceFileError(_("Phần đầu tệp ghi sai tháng đầu, tháng cuối."), line=1) from None


def province_file_header(path: Path) -> ProvinceFile:
    """A file's header only, of a file known to be good (imported already)."""
    file = ProvinceFile(path=Path(path), header=ProvinceFileReader(path).header)
    file.first, file.last = _header_months(file.header)
    return file


def province_file_read(path: Path) -> ProvinceFile:
    """Read and check the whole file (province_file.problems empty when it may be imported)."""
    try:
        reader = ProvinceFileReader(path)
    except ProvinceFileError as error:
        file = ProvinceFile(path=Path(path), header={})
        file.refuse(error.line, "", error.message)
        return file
    file = ProvinceFile(path=Path(path), header=reader.header)
    problems = _header_problems(reader.header)
    if problems:
        for message in problems:
            file.refuse(1, "", message)
        return file
    try:
        file.first, file.last = _header_months(reader.header)
        checks = RecordChecks(file)
        for section, line, record in reader.records():
            checks.reach(section)
            values, problems = load_record(section, record)
            file.counts[section] += 1
            if problems:
                file.refuse(line, section, "; ".join(problems))
                continue
            getattr(checks, section)(line, values)
        checks.finish()
    except ProvinceFileError as error:
        file.refuse(error.line, "", error.message)
        return file
    file.sha256, file.content_sha256 = file_sha256(path), reader.content_sha256
    return file
