"""Enterprise lists in Excel (from the tax or statistics office, or an export corrected), in the
three steps of every import on unionportal.lib.sheets:

1. `list_read(data)`: the bytes checked and opened as every upload is (unionportal.lib.sheets.workbook_read),
   headers found by name or alias under any title rows, blank rows skipped. A tax code is
   normalised (spaces and dots dropped) and must be 10 digits or 10-3 digits. A tax code typed
   into a number cell that comes out with 9 digits gets its leading zero back: the first two
   digits of a tax code are a province code from 01, never 00, so exactly one zero can have been
   lost, and only when the code started with it. Fewer digits are refused.
2. `list_preview(rows, user=…)`: each line matched by tax code with the register: a new enterprise,
   an update of an existing one (duplicates merged, never doubled; blank cells keep what is
   saved), or nothing to do. Refused: the same tax code twice in the file (both lines named),
   federation codes that do not exist or, for federation staff, are not their own, enterprises of
   another federation, unknown CĐCS. Writes nothing; a few queries whatever the length.
3. `list_import(...)`: in one transaction, with the rows locked, previews again; refuses when a
   problem has appeared or the plan is not the one the user looked at; else writes it all
   through services.enterprises_import. Everything or nothing."""

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import can_write, cdcs_now_under, cdcs_visible_to, is_provincial, own_federation
from members.audit import audit_log
from members.models import STOCK_MAX, GrassrootsUnion, Organisation, Sector
from members.services.common import Source
from unionportal.lib.formatting import count
from unionportal.lib.progress import SILENT, Reporter
from unionportal.lib.sheets import (
    ImportRefused,
    Problem,
    cell_text,
    find_header,
    normal,
    parse_number,
    read_rows,
    sheet_named,
    workbook_read,
)
from unionportal.lib.xlsx import unescape_text

from .exports import COLUMNS, HEADERS, LIST_SHEET
from .models import TAX_CODE_PATTERN, Enterprise, EnterpriseListUpload
from .services import ListChanges, enterprises_import, link_problem, normalise_tax_code

CHUNK = 900  # IN lists in chunks: SQLite builds of old take 999 parameters
_SECTORS = {normal(label): value for value, label in Sector.choices} | {value: value for value in Sector.values}
_SECTORS |= {
    "ngoài nhà nước": Sector.PRIVATE,
    "tư nhân": Sector.PRIVATE,
    "doanh nghiệp tư nhân": Sector.PRIVATE,
    "dn ngoài nhà nước": Sector.PRIVATE,
    "fdi": Sector.FDI,
    "doanh nghiệp fdi": Sector.FDI,
    "có vốn đầu tư nước ngoài": Sector.FDI,
    "dn fdi": Sector.FDI,
    "nhà nước": Sector.SOE,
    "dn nhà nước": Sector.SOE,
    "htx": Sector.COOPERATIVE,
    "hợp tác xã": Sector.COOPERATIVE,
}
# What a line may change on an existing enterprise, in the order of the file.
UPDATED = ("name", "address", "federation", "sector", "workers")


# --- 1. reading ---------------------------------------------------------------------------------


@dataclass
class EnterpriseList:
    sheet: str = LIST_SHEET
    # {"row": 5, "tax_code": "4600123456", "name": …, "address": …, "federation": "DT" | "",
    #  "sector": "fdi" | "", "workers": 120 | None, "cdcs": "DT01" | ""}
    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"sheet": self.sheet, "rows": self.rows}

    @classmethod
    def from_json(cls, data: dict) -> "EnterpriseList":
        return cls(sheet=data.get("sheet") or LIST_SHEET, rows=data.get("rows") or [])


def list_read(data: bytes, *, max_bytes: int | None = None, max_rows: int | None = None) -> EnterpriseList:
    """Read a list's bytes. Never raises for a bad file: its problems are in .problems."""
    read = EnterpriseList()
    max_rows = settings.UPLOAD_MAX_ROWS if max_rows is None else max_rows
    workbook_read(data, read.problems, lambda workbook: _read_list(workbook, read, max_rows), max_bytes=max_bytes)
    return read


def _read_list(workbook, read: EnterpriseList, max_rows: int) -> None:
    worksheet = sheet_named(workbook, LIST_SHEET, or_first=True)
    read.sheet = worksheet.name
    rows = worksheet.iter_rows()
    header = find_header(rows, COLUMNS, key="tax_code")
    if header is None:
        message = _("Không thấy dòng tiêu đề có cột “Mã số thuế”. Hãy dùng mẫu tải từ cổng thông tin.")
        read.problems.append(Problem(read.sheet, None, "", message))
        return
    header.positions.pop("number", None)
    build = partial(_enterprise_row, read)
    read.rows = read_rows(rows, header, max_rows=max_rows, problems=read.problems, sheet=read.sheet, build=build)


def _enterprise_row(read: EnterpriseList, cells, number: int) -> dict | None:
    before = len(read.problems)

    def refuse(key, message):
        read.problems.append(Problem(read.sheet, number, HEADERS[key], message))

    item = {"row": number}
    try:
        item["tax_code"] = tax_code_of(cells.get("tax_code"))
    except ValueError as error:
        refuse("tax_code", str(error))
    for key in ("name", "address", "federation", "cdcs"):
        item[key] = unescape_text(cell_text(cells.get(key)))
    sector = cell_text(cells.get("sector"))
    item["sector"] = _SECTORS.get(normal(sector), "") if sector else ""
    if sector and not item["sector"]:
        refuse("sector", _("Khu vực “%(text)s” không có trong danh sách.") % {"text": sector[:40]})
    try:
        item["workers"] = parse_number(cells.get("workers"), maximum=STOCK_MAX)
    except ValueError as error:
        refuse("workers", _("Số lao động %(error)s.") % {"error": error})
    return item if len(read.problems) == before else None


def tax_code_of(value) -> str:
    """The tax code of a cell, normalised; ValueError (Vietnamese) when it is not one."""
    if isinstance(value, bool):
        raise ValueError(_("Mã số thuế phải là 10 chữ số hoặc 10 chữ số - 3 chữ số."))
    if isinstance(value, int | float):
        if not float(value).is_integer():
            raise ValueError(_("Mã số thuế phải là 10 chữ số hoặc 10 chữ số - 3 chữ số."))
        digits = str(int(value))
        if len(digits) == 9:
            return "0" + digits  # the one zero a number cell can drop (see the module's note)
        if len(digits) < 9:
            raise ValueError(
                _("Mã số thuế ở ô kiểu số chỉ còn %(count)s chữ số. Hãy định dạng cột là văn bản (Text) và ghi đủ "
                  "10 chữ số.") % {"count": len(digits)}
            )  # fmt: skip
        text = digits
    else:
        text = normalise_tax_code(cell_text(value))
    if not text:
        raise ValueError(_("Thiếu mã số thuế."))
    if not re.match(TAX_CODE_PATTERN, text):
        raise ValueError(
            _("Mã số thuế “%(text)s” không đúng: cần 10 chữ số, hoặc 10 chữ số - 3 chữ số.") % {"text": text[:20]}
        )
    return text


# --- 2. preview ---------------------------------------------------------------------------------


@dataclass
class Line:
    row: int
    tax_code: str
    name: str
    enterprise: Enterprise | None = None  # the enterprise it updates; None: a new one
    values: dict = field(default_factory=dict)  # new: every field; update: those that change
    before: dict = field(default_factory=dict)  # update: the saved values of what changes
    link: object = None  # a GrassrootsUnion to link to

    @property
    def action(self) -> str:
        if self.enterprise is None:
            return "create"
        return "update" if self.values or self.link else "same"

    @property
    def changes(self) -> list[tuple[str, str, str]]:
        """(column, before, after) in words."""
        return [(HEADERS[name], _shown(name, self.before.get(name)), _shown(name, value))
                for name, value in self.values.items()]  # fmt: skip


def _shown(name: str, value) -> str:
    if value in (None, ""):
        return "–"
    if name == "sector":
        return str(Sector(value).label)
    if isinstance(value, Organisation):
        return value.code
    return str(value)


@dataclass
class ListPreview:
    sheet: str = LIST_SHEET
    lines: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def refuse(self, row: int | None, key: str, message: str) -> None:
        self.problems.append(Problem(self.sheet if row else "", row, HEADERS.get(key, ""), message))

    def _with(self, action: str) -> list[Line]:
        return [line for line in self.lines if line.action == action]

    @property
    def created(self) -> list[Line]:
        return self._with("create")

    @property
    def updated(self) -> list[Line]:
        return self._with("update")

    @property
    def unchanged(self) -> list[Line]:
        return self._with("same")

    @property
    def can_import(self) -> bool:
        return not self.problems and bool(self.created or self.updated)

    @property
    def plan(self) -> str:
        """A fingerprint of what the import would write."""
        items = [
            [line.row, line.tax_code, line.action, {k: _shown(k, v) for k, v in line.values.items()},
             line.link.code if line.link else None]
            for line in self.lines
        ]  # fmt: skip
        return hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()[:16]


def _chunks(items: list):
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def list_preview(read: EnterpriseList, *, user, lock: bool = False) -> ListPreview:
    preview = ListPreview(sheet=read.sheet, problems=list(read.problems))
    if preview.problems:
        return preview
    if not read.rows:
        preview.refuse(None, "", _("Tệp không có dòng doanh nghiệp nào."))
        return preview
    provincial = is_provincial(user) if user is not None else True
    own = own_federation(user) if user is not None else None
    federations = {org.code: org for org in Organisation.objects.federations()}
    first_row: dict[str, int] = {}
    for item in read.rows:
        if item["tax_code"] in first_row:
            preview.refuse(
                item["row"], "tax_code",
                _("Mã số thuế %(code)s ghi ở cả dòng %(first)s và dòng %(row)s: mỗi doanh nghiệp chỉ một dòng.")
                % {"code": item["tax_code"], "first": first_row[item["tax_code"]], "row": item["row"]},
            )  # fmt: skip
        else:
            first_row[item["tax_code"]] = item["row"]
    existing = {}
    for chunk in _chunks(sorted(first_row)):
        query = Enterprise.objects.filter(tax_code__in=chunk).select_related("federation", "cdcs").order_by()
        existing.update({e.tax_code: e for e in (query.select_for_update(of=("self",)) if lock else query)})
    codes = sorted({item["cdcs"] for item in read.rows if item["cdcs"]})
    visible = cdcs_visible_to(user) if user is not None else None
    cdcs_by_code, linked_to, now_under = {}, {}, None if user is None else set()
    for chunk in _chunks(codes):
        query = (visible if visible is not None else GrassrootsUnion.objects.all()).filter(code__in=chunk).order_by()
        cdcs_by_code.update({cdcs.code: cdcs for cdcs in query})
        if now_under is not None:
            now_under.update(cdcs_now_under(user).filter(code__in=chunk).values_list("pk", flat=True))
        linked_to.update(
            dict(Enterprise.objects.filter(cdcs__code__in=chunk).values_list("cdcs__code", "tax_code").order_by())
        )
    claimed: dict[str, int] = {}
    duplicated = {problem.row for problem in preview.problems}
    for item in read.rows:
        if item["row"] in duplicated:
            continue
        line = _line(item, existing.get(item["tax_code"]), preview, provincial=provincial, own=own,
                     federations=federations, user=user)  # fmt: skip
        if line is None:
            continue
        if item["cdcs"] and not _link(item, line, preview, cdcs_by_code, linked_to, claimed, now_under, user):
            continue
        preview.lines.append(line)
    if preview.problems:
        preview.lines = []
    return preview


def _line(item, enterprise, preview, *, provincial, own, federations, user) -> Line | None:
    row = item["row"]
    code = item["federation"]
    federation = None
    if code:
        federation = federations.get(code) or federations.get(code.upper())
        if federation is None:
            preview.refuse(row, "federation", _("Không có công đoàn cấp trên mã “%(code)s”.") % {"code": code[:20]})
            return None
        if federation.merged_into_id:
            message = _("%(org)s đã hợp nhất vào %(into)s; hãy ghi mã đơn vị mới.") % {
                "org": federation.name, "into": federation.merged_into,
            }  # fmt: skip
            preview.refuse(row, "federation", message)
            return None
        if user is not None and not can_write(user, federation):
            message = _("Doanh nghiệp của %(org)s: bạn chỉ nhập được doanh nghiệp của đơn vị mình.") % {
                "org": federation.name
            }
            preview.refuse(row, "federation", message)
            return None
    elif own is not None:
        federation = own
    if enterprise is not None:
        if user is not None and not can_write(user, enterprise.federation):
            message = _("Mã số thuế %(code)s đã có trong danh sách của %(org)s; liên hệ LĐLĐ tỉnh nếu cần chuyển.") % {
                "code": enterprise.tax_code, "org": enterprise.federation.name,
            }  # fmt: skip
            preview.refuse(row, "tax_code", message)
            return None
        wanted = {
            "name": item["name"], "address": item["address"], "federation": federation, "sector": item["sector"],
            "workers": item["workers"],
        }  # fmt: skip
        line = Line(row, enterprise.tax_code, item["name"] or enterprise.name, enterprise)
        for name in UPDATED:
            value = wanted[name]
            if value in (None, ""):
                continue  # a blank cell keeps what is saved
            saved = getattr(enterprise, name)
            if (value.pk != saved.pk) if name == "federation" else (value != saved):
                line.values[name], line.before[name] = value, saved
        candidate = Enterprise(**{**{name: getattr(enterprise, name) for name in UPDATED}, **line.values})
    else:
        missing = [key for key in ("name", "sector") if not item[key]] + (["federation"] if federation is None else [])
        if missing:
            message = _("Doanh nghiệp mới cần: %(columns)s.") % {"columns": ", ".join(HEADERS[key] for key in missing)}
            preview.refuse(row, missing[0], message)
            return None
        values = {
            "name": item["name"], "address": item["address"], "federation": federation, "sector": item["sector"],
            "workers": item["workers"] or 0,
        }  # fmt: skip
        line = Line(row, item["tax_code"], item["name"], values=values)
        candidate = Enterprise(tax_code=item["tax_code"], **values)
    try:
        candidate.full_clean(exclude=["tax_code", "stage_since", "federation"], validate_unique=False,
                             validate_constraints=False)  # fmt: skip
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                preview.refuse(row, name if name in HEADERS else "", message)
        return None
    return line


def _link(item, line: Line, preview: ListPreview, cdcs_by_code, linked_to, claimed, now_under, user) -> bool:
    row, code = item["row"], item["cdcs"]
    cdcs = cdcs_by_code.get(code)
    if cdcs is None:
        preview.refuse(row, "cdcs", _("Không tìm thấy CĐCS mã “%(code)s” trong sổ CĐCS.") % {"code": code[:20]})
        return False
    if now_under is not None and cdcs.pk not in now_under:
        preview.refuse(row, "cdcs", link_problem(cdcs, user))
        return False
    enterprise = line.enterprise
    if enterprise is not None and enterprise.cdcs_id == cdcs.pk:
        return True  # linked already
    if enterprise is not None and enterprise.cdcs_id:
        message = _("Doanh nghiệp này đã gắn với %(cdcs)s.") % {"cdcs": enterprise.cdcs}
        preview.refuse(row, "cdcs", message)
        return False
    holder = linked_to.get(code)
    if holder is not None and holder != line.tax_code:
        message = _("%(cdcs)s đã gắn với doanh nghiệp mã số thuế %(tax)s.") % {"cdcs": cdcs, "tax": holder}
        preview.refuse(row, "cdcs", message)
        return False
    if code in claimed:
        message = _("CĐCS %(code)s ghi ở cả dòng %(first)s và dòng %(row)s.") % {
            "code": code, "first": claimed[code], "row": row,
        }  # fmt: skip
        preview.refuse(row, "cdcs", message)
        return False
    claimed[code] = row
    line.link = cdcs
    return True


# --- 3. import ----------------------------------------------------------------------------------


class ListRefused(ImportRefused):
    """The enterprise list wrote nothing."""


class ListConflict(ListRefused):
    """The register changed after the preview the user confirmed."""


def list_import(
    *,
    read: EnterpriseList,
    user,
    plan: str | None,
    source: str = Source.UPLOAD,
    file_name: str = "",
    upload=None,
    progress: Reporter = SILENT,
) -> ListPreview:
    """Write the list, or nothing (ListRefused, ListConflict when the plan changed since the
    preview). `progress`: a job's page (organising.jobs), told the two steps."""
    try:
        with transaction.atomic():
            checked = {"count": count(len(read.rows))}
            progress.step(_("Kiểm tra lại %(count)s dòng với danh sách doanh nghiệp") % checked)
            preview = list_preview(read, user=user, lock=True)
            if preview.problems:
                raise ListRefused(preview.problems)
            if plan is not None and preview.plan != plan:
                message = _(
                    "Danh sách doanh nghiệp đã thay đổi sau khi bạn xem trước. Chưa ghi gì: hãy xem lại bản xem "
                    "trước (đã cập nhật) rồi xác nhận lần nữa."
                )
                raise ListConflict([Problem("", None, "", message)], preview.plan)
            changes = ListChanges()
            for line in preview.lines:
                if line.enterprise is None:
                    changes.created.append(Enterprise(tax_code=line.tax_code, **line.values))
                elif line.values:
                    changes.updated[line.enterprise.pk] = line.values
                if line.link is not None:
                    changes.linked[line.tax_code] = line.link
            words = {"created": count(len(changes.created)), "updated": count(len(changes.updated))}
            progress.step(_("Ghi %(created)s doanh nghiệp mới, cập nhật %(updated)s doanh nghiệp") % words)
            enterprises_import(changes=changes, on=timezone.localdate(), user=user, source=source)
            audit_log(
                user, "enterprise_list.import", upload, source=source, file=file_name,
                created=len(preview.created), updated=len(preview.updated), linked=len(changes.linked),
            )  # fmt: skip
    except ListRefused:
        raise
    except ValidationError as error:
        raise ListRefused([Problem("", None, "", message) for message in error.messages]) from None
    return preview


# --- the upload record ----------------------------------------------------------------------------


def list_receive(*, data: bytes, file_name: str, user) -> tuple[EnterpriseListUpload, ListPreview]:
    """Read and preview a list and keep what was read (not the file)."""
    read = list_read(data)
    preview = list_preview(read, user=user)
    upload = EnterpriseListUpload.receive(
        data=data,
        file_name=file_name or "doanh-nghiep.xlsx",
        user=user,
        problems=preview.problems,
        parsed={**read.as_json(), "plan": preview.plan},
        federation=own_federation(user),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return upload, preview


def list_finish(
    upload: EnterpriseListUpload, *, user, imported: ListPreview | None = None, refused: ListRefused | None = None
) -> None:
    """Note what became of an upload (imported, refused or, with neither, discarded)."""
    counts = (
        None if imported is None else {"rows_created": len(imported.created), "rows_updated": len(imported.updated)}
    )
    upload.finish(user=user, imported=counts, refused=refused)
