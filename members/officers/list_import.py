"""An officers' list written (members.officers.list_plan plans it): `list_import` previews again
inside one transaction with the CĐCS's rows locked, refuses when a problem has appeared or the
plan is not the one the user looked at, and otherwise writes every term and officer at once,
audited as the pages' writes are (term.open, officer.add, officer.leave, officer.update), with
one entry for the list. Everything or nothing. The upload record (OfficerListUpload) notes what
became of each file without keeping it."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from unionportal.lib.sheets import ImportRefused, Problem

from ..audit import audit_entry, audit_log, audit_many
from ..models import SINGLE_POSTS, Officer, OfficerListUpload, Organisation, Term
from ..services.common import Source
from .list_plan import ListPreview, PlanOfficer, PlanTerm, list_preview
from .lists import OfficerList, list_read
from .services import body_of


class ListRefused(ImportRefused):
    """The officers' list wrote nothing."""


class ListConflict(ListRefused):
    """What is recorded changed after the preview the user confirmed."""


def list_import(
    *, read: OfficerList, federation: Organisation, user, plan: str | None, source: str = Source.UPLOAD,
    file_name: str = "", upload: OfficerListUpload | None = None,
) -> ListPreview:  # fmt: skip
    """Write the list, or nothing (ListRefused; ListConflict when the plan changed since the preview)."""
    try:
        with transaction.atomic():
            preview = list_preview(read, federation=federation, user=user, lock=True)
            if preview.problems:
                raise ListRefused(preview.problems)
            if plan is not None and preview.plan != plan:
                message = _(
                    "Cán bộ của các CĐCS trong tệp đã thay đổi sau khi bạn xem trước. Chưa ghi gì: hãy xem lại "
                    "bản xem trước (đã cập nhật) rồi xác nhận lần nữa."
                )
                raise ListConflict([Problem("", None, "", message)], preview.plan)
            entries = _write(preview, user=user, source=source)
            # A post falling vacant is saved alone, so that whoever listens to the audit trail's
            # saves (notices) hears of it as of a leaving recorded on the page; the rest in bulk.
            vacant = [entry for entry in entries if entry.data.get("vacant")]
            for entry in vacant:
                entry.save()
            audit_many([entry for entry in entries if not entry.data.get("vacant")])
            audit_log(
                user, "officer_list.import", upload, source=source, federation=federation, file=file_name,
                terms=len(preview.new_terms), created=len(preview.created), updated=len(preview.updated),
            )  # fmt: skip
    except ListRefused:
        raise
    except ValidationError as error:
        raise ListRefused([Problem("", None, "", message) for message in error.messages]) from None
    return preview


def _who(user):
    return user if user is not None and user.is_authenticated else None


def _write(preview: ListPreview, *, user, source: str) -> list:
    """Every term and officer of the plan, in a few statements; the audit entries of each."""
    common, entries = {"source": source, "federation": preview.federation}, []
    new_terms = [planned.term for planned in preview.new_terms]
    for term in new_terms:
        term.recorded_by = _who(user)
    Term.objects.bulk_create(new_terms)
    for planned in preview.changed_terms:
        planned.term.save(update_fields=[*planned.changed, "updated_at"])
        entries.append(audit_entry(user, "term.update", planned.term, cdcs=planned.cdcs.code, fields=planned.changed,
                                   **common))  # fmt: skip
    created, updated = [], []
    for planned in preview.terms:
        if planned.is_new:
            term = planned.term
            entries.append(audit_entry(user, "term.open", term, cdcs=planned.cdcs.code, kind=term.kind,
                                       starts_on=term.starts_on.isoformat(), ends_on=term.ends_on.isoformat(),
                                       officers=len(planned.officers), **common))  # fmt: skip
        for line in planned.officers:
            if line.officer is None:
                created.append((planned, _new_officer(planned.term, line, user)))
            elif line.changed:
                updated.append((planned, _changed_officer(line)))
    # Those who leave first: a chair leaving and the successor in one list would otherwise be two
    # chairs in post for a moment (officer_one_chair_in_post).
    fields = ["full_time", "how", "member", "to_on", "left_reason"]
    Officer.objects.bulk_update([officer for _planned, (officer, _line) in updated], fields)
    Officer.objects.bulk_create([officer for _planned, officer in created])
    for planned, officer in created:
        entries.append(audit_entry(user, "officer.add", officer, cdcs=planned.cdcs.code, post=officer.post,
                                   how=officer.how, from_on=officer.from_on.isoformat(), **common))  # fmt: skip
    for planned, (officer, line) in updated:
        entries.append(_officer_change(user, officer, line, planned, common))
    return entries


def _new_officer(term: Term, line: PlanOfficer, user) -> Officer:
    data = line.data
    return Officer(
        term=term, full_name=data.full_name, member=data.member, body=body_of(data.post), post=data.post,
        full_time=data.full_time, how=data.how, from_on=data.from_on, to_on=data.extra["to_on"],
        left_reason=data.extra["left_reason"], recorded_by=_who(user),
    )  # fmt: skip


def _changed_officer(line: PlanOfficer) -> tuple[Officer, PlanOfficer]:
    officer, data = line.officer, line.data
    officer.full_time, officer.how, officer.member = data.full_time, data.how, data.member
    officer.to_on, officer.left_reason = data.extra["to_on"], data.extra["left_reason"]
    return officer, line


def _officer_change(user, officer: Officer, line: PlanOfficer, planned: PlanTerm, common: dict):
    """A person leaving their post by the list is an "officer.leave" (notices hear of a vacant
    chair from it); the end of a term by the next congress is the term's; the rest a correction."""
    code = planned.cdcs.code
    if "to_on" in line.changed and officer.to_on and officer.left_reason != Officer.LeftReason.TERM_ENDED:
        return audit_entry(user, "officer.leave", officer, cdcs=code, post=officer.post, on=officer.to_on.isoformat(),
                           reason=officer.left_reason, vacant=officer.post in SINGLE_POSTS, **common)  # fmt: skip
    return audit_entry(user, "officer.update", officer, cdcs=code, fields=line.changed, **common)


# --- the upload record ---------------------------------------------------------------------------


def list_receive(
    *, data: bytes, file_name: str, federation: Organisation, user
) -> tuple[OfficerListUpload, ListPreview]:
    """Read and preview a list and keep what was read (not the file)."""
    read = list_read(data)
    preview = list_preview(read, federation=federation, user=user)
    upload = OfficerListUpload.receive(
        data=data, file_name=file_name or "can-bo-cdcs.xlsx", user=user, problems=preview.problems,
        parsed={**read.as_json(), "plan": preview.plan}, federation=federation,
        sha256=hashlib.sha256(data).hexdigest(),
    )  # fmt: skip
    return upload, preview


def list_finish(
    upload: OfficerListUpload, *, user, imported: ListPreview | None = None, refused: ListRefused | None = None
) -> None:
    """Note what became of an upload (imported, refused or, with neither, discarded)."""
    counts = None
    if imported is not None:
        counts = {"terms_created": len(imported.new_terms), "officers_created": len(imported.created),
                  "officers_updated": len(imported.updated)}  # fmt: skip
    upload.finish(user=user, imported=counts, refused=refused)
