"""A member list's preview and import (members.register.lists reads it; members.register.list_match
matches its lines with the register): `list_preview` checks every line and says what would be
written, `list_import` writes it all in one transaction or nothing, and the upload record
(MemberListUpload) notes what became of each file without keeping it."""

import hashlib
from dataclasses import replace
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import PeopleScope, can_write, cdcs_now_under
from members.audit import audit_log
from members.models import GrassrootsUnion, Member, MemberListUpload
from members.register.event_months import event_months
from members.register.list_lines import ListPreview, ListRow, approved_lines_message
from members.register.list_match import Register, histories_check, register_match
from members.register.lists import MemberList, day_shown, list_read
from members.register.lookups import lookup_record
from members.register.people import ID_NUMBER, card_key, fold
from members.register.services import ListEntry, MemberData, current_federation, members_import, record_problems
from members.services.common import Source, federation_of
from unionportal.lib.formatting import count
from unionportal.lib.months import Month
from unionportal.lib.progress import SILENT, Reporter
from unionportal.lib.sheets import ImportRefused, Problem


def may_import(user, cdcs: GrassrootsUnion) -> bool:
    """May the user write the register of this CĐCS? Those whose federation it is now under, and
    provincial staff."""
    if not cdcs_now_under(user).filter(pk=cdcs.pk).exists():
        return False
    federation = current_federation(cdcs)
    return federation is not None and can_write(user, federation)


def month_problem(cdcs: GrassrootsUnion, month: Month, *, today: date | None = None) -> str | None:
    """Why a list cannot be entered for this month, or None."""
    today = today or timezone.localdate()
    if month > Month.of(today):
        return _("Tháng ghi sổ %(month)s chưa đến.") % {"month": month}
    if not cdcs.is_active_in(month):
        return _("%(cdcs)s không hoạt động trong tháng %(month)s.") % {"cdcs": cdcs, "month": month}
    if cdcs.register_from and month < Month.of(cdcs.register_from):
        return _("Sổ đoàn viên của %(cdcs)s ghi từ tháng %(start)s; hãy chọn tháng từ đó trở đi.") % {
            "cdcs": cdcs,
            "start": Month.of(cdcs.register_from),
        }
    return None


def list_preview(
    members: MemberList, *, cdcs: GrassrootsUnion, month: Month, user, lock: bool = False, today: date | None = None
) -> ListPreview:
    """What importing the list into the CĐCS's register for `month` would write, and every reason
    it cannot. With lock=True (inside list_import's transaction) the rows read are locked."""
    today = today or timezone.localdate()
    preview = ListPreview(cdcs=cdcs, month=month, sheet=members.sheet)
    preview.problems.extend(members.problems)
    if user is not None and not may_import(user, cdcs):
        preview.refuse(None, "", _("Bạn không có quyền ghi sổ đoàn viên của %(cdcs)s.") % {"cdcs": cdcs})
        return preview
    reason = month_problem(cdcs, month, today=today)
    if reason:
        preview.refuse(None, "", reason)
    _check_identity(members, preview)
    if any(problem.row is None for problem in preview.problems):
        return preview  # not this CĐCS's list or month, or unreadable: line checks would only add noise
    preview.register_starts = cdcs.register_from is None
    preview.register_from = month if preview.register_starts else Month.of(cdcs.register_from)
    rows = _checked_rows(members.rows, preview, today)
    register = Register(cdcs, [row.data for row in rows], lock=lock)
    preview.checked = register.checked
    scope = PeopleScope(user)
    register_match(rows, register, preview, scope)
    histories_check(preview, scope)
    matched = {line.member.pk for line in preview.lines if line.member is not None}
    preview.missing = sum(1 for member in register.own if member.is_active and member.pk not in matched)
    _count_months(preview)
    return preview


def _count_months(preview: ListPreview) -> None:
    """The month each line entering the CĐCS counts in, and those of them that are approved."""
    entering = [line for line in preview.lines if line.event]
    month_of = {line.on: Month.of(line.on) for line in entering}  # a list of 20,000 has a few hundred days
    months = event_months([(preview.cdcs, month) for month in set(month_of.values())])
    for line in entering:
        line.counted = months[(preview.cdcs.pk, month_of[line.on])]
    preview.approved = sorted({line.counted.month for line in entering if line.counted.approved})


def _check_identity(members: MemberList, preview: ListPreview) -> None:
    """The list, when it says so, must be this CĐCS's and this month's."""
    cdcs, month = preview.cdcs, preview.month
    if members.cdcs_code and members.cdcs_code.casefold() != cdcs.code.casefold():
        message = _("Tệp này là danh sách của CĐCS mã %(code)s, không phải của %(cdcs)s.") % {
            "code": members.cdcs_code,
            "cdcs": cdcs,
        }
        preview.refuse(None, "", message)
    if members.month and members.month != month.iso:
        try:
            typed = Month.parse(members.month)
        except ValueError:
            typed = members.month
        message = _("Tệp này ghi tháng ghi sổ %(file)s, không phải tháng %(month)s đã chọn.") % {
            "file": typed,
            "month": month,
        }
        preview.refuse(None, "", message)


_LIMITS = {name: Member._meta.get_field(name).max_length for name in ("full_name", "ethnicity", "card_number", "job")}


def _checked_rows(rows: list[dict], preview: ListPreview, today: date) -> list[ListRow]:
    """Each line's record checked on its own and against the lines above it; returns the lines
    without a problem."""
    seen: dict[tuple, tuple[int, str]] = {}  # key → (first line, its ID number)
    good = []
    last_day = preview.month.last_day
    for item in rows:
        number = item["row"]
        before = len(preview.problems)
        if not item.get("full_name"):
            preview.refuse(number, "full_name", _("Cần ghi họ và tên."))
        if not item.get("joined_on"):
            preview.refuse(number, "joined_on", _("Cần ghi ngày vào công đoàn."))
        if len(preview.problems) > before:
            continue
        data = MemberData(
            full_name=item["full_name"],
            joined_on=date.fromisoformat(item["joined_on"]),
            born_on=date.fromisoformat(item["born_on"]) if item.get("born_on") else None,
            gender=item.get("gender") or "",
            ethnicity=item.get("ethnicity") or "",
            id_number=item.get("id_number") or "",
            card_number=item.get("card_number") or "",
            job=item.get("job") or "",
        ).cleaned()
        for name, limit in _LIMITS.items():
            if len(getattr(data, name)) > limit:
                preview.refuse(number, name, _("Dài quá %(limit)s ký tự.") % {"limit": limit})
        checked = data
        if data.id_number and not ID_NUMBER.match(data.id_number):
            # Said without the number itself: problems are kept after the list is gone.
            preview.refuse(number, "id_number", _("Số CCCD phải gồm đúng 12 chữ số."))
            checked = replace(data, id_number="")
        problems = record_problems(checked, today=today)
        for name, message in problems.items():
            preview.refuse(number, name, message)
        if "joined_on" not in problems and data.joined_on > last_day:
            message = _("Ngày vào công đoàn %(day)s sau tháng ghi sổ %(month)s.") % {
                "day": day_shown(data.joined_on),
                "month": preview.month,
            }
            preview.refuse(number, "joined_on", message)
        row = ListRow(number, data, fold(data.full_name))
        _check_duplicates(row, seen, preview)
        if len(preview.problems) == before:
            good.append(row)
    return good


def _check_duplicates(row: ListRow, seen: dict, preview: ListPreview) -> None:
    """The same ID number, card number, or name and birth date as a line above (two people with
    the same name and birth date but different ID numbers are two people)."""
    data = row.data
    keys = []
    if data.id_number:
        keys.append(("id", data.id_number))
    if data.card_number:
        keys.append(("card", card_key(data.card_number)))
    if data.born_on:
        keys.append(("person", row.name, data.born_on))
    elif not (data.id_number or data.card_number):
        keys.append(("name", row.name))
    for key in keys:
        first, first_id = seen.setdefault(key, (row.number, data.id_number))
        if first == row.number or (key[0] == "person" and first_id and data.id_number and first_id != data.id_number):
            continue
        column, message = {
            "id": ("id_number", _("Số CCCD trùng với dòng %(first)s.")),
            "card": ("card_number", _("Số thẻ đoàn viên trùng với dòng %(first)s.")),
            "person": ("full_name", _("Họ tên và ngày sinh trùng với dòng %(first)s.")),
            "name": (
                "full_name",
                _("Trùng họ tên với dòng %(first)s; cần ghi ngày sinh, số CCCD hoặc số thẻ để phân biệt."),
            ),
        }[key[0]]
        preview.refuse(row.number, column, message % {"first": first})
        return


# --- 3. import ---------------------------------------------------------------------------------


class ListRefused(ImportRefused):
    """The member list wrote nothing."""


class ListConflict(ListRefused):
    """The register changed after the preview the user confirmed: the plan is not the same."""


class ListNeedsConfirmation(ListRefused):
    """Lines count in an approved month, and the user did not say that they mean it."""


def list_import(
    *,
    members: MemberList,
    cdcs: GrassrootsUnion,
    month: Month,
    user,
    plan: str | None,
    source: str = Source.UPLOAD,
    file_name: str = "",
    upload: MemberListUpload | None = None,
    confirm_month: bool = False,
    progress: Reporter = SILENT,
) -> ListPreview:
    """Write the list, or nothing (ListRefused). `plan` is the fingerprint of the preview the user
    confirmed: if the register changed since so that the import would write something else, it
    is refused (ListConflict) for them to look again. None: no preview to hold it to. Lines that
    count in an approved month are written only with confirm_month (else ListNeedsConfirmation).
    `progress`: a job's page (members.register.list_jobs), told the two steps."""
    if user is not None and not may_import(user, cdcs):
        raise PermissionDenied(_("Bạn không có quyền ghi sổ đoàn viên của %(cdcs)s.") % {"cdcs": cdcs})
    try:
        with transaction.atomic():
            cdcs = GrassrootsUnion.objects.select_for_update().get(pk=cdcs.pk)
            progress.step(_("Kiểm tra lại %(count)s dòng với sổ đoàn viên") % {"count": count(len(members.rows))})
            preview = list_preview(members, cdcs=cdcs, month=month, user=user, lock=True)
            if preview.problems:
                raise ListRefused(preview.problems)
            if plan is not None and preview.plan != plan:
                message = _(
                    "Sổ đoàn viên của %(cdcs)s đã thay đổi sau khi bạn xem trước. Chưa ghi gì: hãy xem lại bản "
                    "xem trước (đã cập nhật theo sổ mới) rồi xác nhận lần nữa."
                ) % {"cdcs": cdcs}
                raise ListConflict([Problem("", None, "", message)], preview.plan)
            if preview.approved and not confirm_month:
                raise ListNeedsConfirmation([Problem("", None, "", approved_lines_message(preview))])
            entries = [
                ListEntry(data=line.data, member=line.member, event=line.event, on=line.on, changed=tuple(line.changed))
                for line in preview.lines
                if line.writes
            ]
            if not entries:
                return preview
            words = {"count": count(len(entries)), "cdcs": cdcs}
            progress.step(_("Ghi %(count)s người vào sổ đoàn viên của %(cdcs)s") % words)
            members_import(cdcs=cdcs, month=month, entries=entries, user=user, source=source)
            audit_log(
                user,
                "member_list.import",
                cdcs,
                source=source,
                federation=federation_of(cdcs, month) or current_federation(cdcs),
                month=month,
                file=file_name,
                upload=upload.pk if upload else None,
                admitted=len(preview.admitted) + len(preview.admitted_before),
                opening=len(preview.opening),
                transferred_in=len(preview.arrived),
                readmitted=len(preview.readmitted),
                updated=len(preview.updated),
            )
    except IntegrityError:
        # Someone saved one of the list's ID numbers between our reading and our writing.
        message = _("Sổ đoàn viên vừa được người khác thay đổi cùng lúc; chưa ghi gì. Hãy xác nhận lại.")
        raise ListRefused([Problem("", None, "", message)]) from None
    except ListRefused:
        raise
    except ValidationError as error:
        raise ListRefused([Problem("", None, "", message) for message in error.messages]) from None
    return preview


# --- the upload record -------------------------------------------------------------------------


def list_check(
    members: MemberList, *, cdcs: GrassrootsUnion, month: Month, user, source: str = Source.UPLOAD
) -> ListPreview:
    """The preview of a list as its uploader first sees it: its look-ups in the province's register
    audited and counted against the user's daily limit (members.register.lookups); past that
    limit, a preview that answers nothing but why."""
    preview = list_preview(members, cdcs=cdcs, month=month, user=user)
    refusal = lookup_record(
        user=user,
        cdcs=cdcs,
        federation=current_federation(cdcs),
        checked=preview.checked,
        found_elsewhere=preview.found_elsewhere,
        source=source,
        always=True,
    )
    if refusal:
        preview = ListPreview(cdcs=cdcs, month=month, sheet=members.sheet)
        preview.refuse(None, "", refusal)
    return preview


def list_receive(
    *, data: bytes, file_name: str, cdcs: GrassrootsUnion, month: Month, user, source: str = Source.UPLOAD
) -> tuple[MemberListUpload, MemberList, ListPreview]:
    """Read and check a list (list_check) and keep what was read (not the file) with whether it
    can be imported. Returns (upload, members, preview)."""
    members = list_read(data)
    preview = list_check(members, cdcs=cdcs, month=month, user=user, source=source)
    upload = MemberListUpload.receive(
        data=data,
        file_name=file_name or "danh-sach.xlsx",
        user=user,
        problems=preview.problems,
        parsed={**members.as_json(), "plan": preview.plan},
        cdcs=cdcs,
        month=month.first_day,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return upload, members, preview


def list_finish(
    upload: MemberListUpload, *, user, imported: ListPreview | None = None, refused: ListRefused | None = None
) -> None:
    """Note what became of an upload (imported, refused or, with neither, discarded) and forget
    what was read from it."""
    counts = None
    if imported is not None:
        counts = {
            "rows_created": sum(1 for line in imported.lines if line.event),
            "rows_updated": len(imported.updated),
        }
    upload.finish(user=user, imported=counts, refused=refused)
