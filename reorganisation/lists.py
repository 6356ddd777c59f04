"""A plan's Excel list uploaded, in two steps as every list is: received (read, checked against
the portal and by the plan's own checks, kept as read on a PlanUpload, nothing else written),
then confirmed (the draft plan made, all or nothing) or discarded. Confirming makes a draft only:
the tree changes when the plan is applied on its page."""

import hashlib

from django.db import transaction
from django.utils.translation import gettext as _

from members.access import require_provincial
from members.audit import audit_log
from unionportal.lib.sheets import ImportRefused, Problem

from .drafting import draft_create, draft_problems
from .imports import PlanRead, plan_read
from .models import Plan, PlanUpload


def plan_receive(*, data: bytes, file_name: str, user) -> PlanUpload:
    """Read and check a plan's list, and keep what was read (not the file)."""
    require_provincial(user)
    read = plan_read(data)
    problems = draft_problems(read, user=user)
    parsed = {**read.as_json(), "sha256": hashlib.sha256(data).hexdigest()}
    return PlanUpload.receive(
        data=data, file_name=file_name or "de-an-sap-xep.xlsx", user=user, problems=problems, parsed=parsed
    )


def upload_read(upload: PlanUpload) -> PlanRead:
    return PlanRead.from_json(upload.parsed)


def upload_problems(upload: PlanUpload, *, user) -> list[Problem]:
    """The list's problems as things stand now (a code may have gone, a month been locked)."""
    return draft_problems(upload_read(upload), user=user)


def plan_confirm(*, upload: PlanUpload, user) -> Plan:
    """The draft plan of an upload waiting for its confirmation; ImportRefused (the upload noted
    as refused, nothing else written) when a problem has appeared since."""
    require_provincial(user)
    try:
        with transaction.atomic():
            upload = PlanUpload.objects.select_for_update().get(pk=upload.pk)  # a second click waits here
            if upload.outcome != PlanUpload.Outcome.PREVIEW:
                message = _("Tệp này đã được xử lý (%(outcome)s).") % {"outcome": upload.get_outcome_display()}
                raise AlreadyDone([Problem("", None, "", message)])
            plan = draft_create(upload_read(upload), user=user)
            upload.plan = plan
            upload.save(update_fields=["plan"])
            upload.finish(user=user, imported={})
            audit_log(user, "reorganisation.upload", plan, file=upload.file_name, lines=plan.lines.count())
    except AlreadyDone:
        raise
    except ImportRefused as refused:
        upload.finish(user=user, refused=refused)
        raise
    return plan


class AlreadyDone(ImportRefused):
    """The upload was confirmed, refused or discarded already (a second click)."""


def plan_discard(*, upload: PlanUpload, user) -> None:
    require_provincial(user)
    if upload.outcome == PlanUpload.Outcome.PREVIEW:
        upload.finish(user=user)
