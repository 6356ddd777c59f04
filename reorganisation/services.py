"""Every write of a reorganisation plan: building a draft from plain data (plan_create_draft),
applying it in one transaction (plan_apply) and undoing it (plan_undo, plan_undo_refusal).
Only provincial staff build, apply and undo plans."""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import require_provincial
from members.audit import audit_entry, audit_log, audit_many
from members.figures.locks import returns_touch
from members.figures.summary import summary_batch, summary_refresh
from unionportal.lib.formatting import count
from unionportal.lib.months import Month
from unionportal.lib.progress import SILENT, Reporter

from .apply import Applier
from .context import plan_context
from .drafts import draft_rows, field_messages
from .models import Plan, PlanLine
from .problems import context_problems, touched_federations
from .quotas import quotas_hand_on
from .undo import undo, undo_refusal


@transaction.atomic
def plan_create_draft(
    *,
    name: str,
    decision: str = "",
    effective_month: Month,
    quota_rule: str = Plan.QuotaRule.MEMBERS,
    endings: list[str],
    new_unions: list[dict],
    new_cdcs: list[dict],
    lines: list[dict],
    quotas: list[dict],
    user,
    note: str = "",
) -> Plan:
    """A draft plan from codes (the page's form or an Excel list). Refuses, with every reason in
    Vietnamese, what no plan could hold (unknown codes, a missing union for a move, a CĐCS on two
    lines, …); whole-plan checks are plan_problems'. Nothing is written when anything is refused."""
    require_provincial(user)
    plan = Plan(
        name=name.strip(),
        decision=decision.strip(),
        effective_month=effective_month.first_day,
        quota_rule=quota_rule,
        note=note.strip(),
        created_by=user if user is not None and user.is_authenticated else None,
    )
    errors = []
    try:
        plan.full_clean()
    except ValidationError as error:
        errors += field_messages(error, Plan)
    rows, row_errors = draft_rows(endings=endings, new_unions=new_unions, new_cdcs=new_cdcs, lines=lines, quotas=quotas)
    errors += row_errors
    if errors:
        raise ValidationError(errors)
    plan.save()
    for model, objects in rows.items():
        for obj in objects:
            obj.plan = plan
        model.objects.bulk_create(objects)
    audit_log(
        user,
        "reorganisation.draft",
        plan,
        month=effective_month,
        endings=len(endings),
        lines=len(lines),
        new_unions=len(new_unions),
        new_cdcs=len(new_cdcs),
    )
    return plan


@transaction.atomic
def plan_apply(*, plan: Plan, user, progress: Reporter = SILENT) -> Plan:
    """Apply a draft plan: all of it in one transaction or nothing (ValidationError with every
    problem). Two clicks apply it once: the plan is locked, and only a draft is applied.
    `progress` (the job's page, reorganisation.jobs) is told each step."""
    require_provincial(user)
    with summary_batch(progress):
        return _apply(plan, user, progress)


def _apply(plan: Plan, user, progress: Reporter) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Plan.Status.DRAFT:
        raise ValidationError(
            _("Đề án “%(plan)s” không còn là dự thảo (%(status)s): không áp dụng lại được.")
            % {"plan": plan.name, "status": plan.get_status_display().lower()}
        )
    progress.step(_("Kiểm tra đề án với cơ cấu và số liệu hiện có"))
    context = plan_context(plan)
    problems = context_problems(context)
    if problems:
        raise ValidationError([str(problem) for problem in problems])
    applier = Applier(context, user, progress)
    record = applier.run()
    progress.step(_("Giao lại chỉ tiêu của các công đoàn cấp trên kết thúc"))
    record.update(quotas_hand_on(context, applier.federation_of_key))
    federations = touched_federations(context) | set(record["new_unions"])
    federations |= {applier.federation_of_key[context.destination(line)].pk for line in context.lines}
    federations |= {applier.federation_of_key[context.union_key(cdcs.union_code)].pk for cdcs in context.new_cdcs}
    federations = sorted(federations)
    # Every federation whose month M the plan changes gets its return touched (its version bumped:
    # a grid open on the old structure must not save over the new one), the ended unions excepted.
    returns_touch({(pk, context.month.first_day) for pk in federations if pk not in context.ending_ids}, user)
    record["federations"] = federations
    summary_refresh(federation_ids=federations, since=context.month)

    plan.status, plan.applied_by, plan.applied_at = Plan.Status.APPLIED, _person(user), timezone.now()
    plan.undo_record = record
    plan.save(update_fields=["status", "applied_by", "applied_at", "undo_record"])
    progress.step(_("Ghi nhật ký thay đổi của %(count)s CĐCS") % {"count": count(len(context.lines))})
    actions = Counter(line.action for line in context.lines)
    audit_log(
        user,
        "reorganisation.apply",
        plan,
        month=context.month,
        unions_ended=len(context.endings),
        unions_founded=len(context.new_unions),
        cdcs_founded=len(context.new_cdcs),
        moved=actions[PlanLine.Action.MOVE],
        to_province=actions[PlanLine.Action.TO_PROVINCE],
        merged=actions[PlanLine.Action.MERGE],
        ended=actions[PlanLine.Action.END],
        members_transferred=record["members_transferred"],
        quotas=len(record["quotas_created"]) + len(record["quotas_changed"]) + len(record["quotas_deleted"]),
    )
    audit_many(
        audit_entry(
            user,
            "reorganisation.cdcs",
            line.cdcs,
            federation=applier.federation_of_key[context.destination(line)],
            month=context.month,
            plan=plan.pk,
            line_action=line.action,
            union=line.union_code,
            target=line.target_code,
        )
        for line in context.lines
    )
    return plan


def plan_undo_refusal(plan: Plan) -> str | None:
    """Why the plan can no longer be undone, or None when it can."""
    return undo_refusal(plan)


@transaction.atomic
def plan_undo(*, plan: Plan, user, progress: Reporter = SILENT) -> Plan:
    """Undo an applied plan exactly, in one transaction; refused (ValidationError) once anything
    was built on it (plan_undo_refusal)."""
    require_provincial(user)
    with summary_batch(progress):
        return _undo(plan, user, progress)


def _undo(plan: Plan, user, progress: Reporter) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    progress.step(_("Kiểm tra đề án còn hoàn tác được không"))
    refusal = undo_refusal(plan)
    if refusal:
        raise ValidationError(refusal)
    progress.step(_("Đưa cơ cấu, số liệu tháng và sổ đoàn viên về như trước khi áp dụng"))
    federations = undo(plan, user)
    month = Month.of(plan.effective_month)
    summary_refresh(federation_ids=federations, since=month)
    plan.status, plan.undone_by, plan.undone_at = Plan.Status.UNDONE, _person(user), timezone.now()
    plan.save(update_fields=["status", "undone_by", "undone_at"])
    record = plan.undo_record
    audit_log(
        user,
        "reorganisation.undo",
        plan,
        month=month,
        cdcs=len(record["touched_cdcs"]),
        unions_removed=len(record["new_unions"]),
        cdcs_removed=len(record["new_cdcs"]),
        members_transferred=record["members_transferred"],
    )
    return plan


def _person(user):
    return user if user is not None and user.is_authenticated else None
