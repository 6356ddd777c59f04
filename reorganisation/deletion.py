"""What the pages do to a draft plan that the plan's services (reorganisation.services) do not:
delete it. A draft changes nothing in the tree, so deleting it is only its own rows, and its
history stays in the audit trail."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.access import require_provincial
from members.audit import audit_log
from unionportal.lib.months import Month

from .models import Plan


@transaction.atomic
def plan_delete(*, plan: Plan, user) -> None:
    """Delete a draft plan (its endings, lines, new unions and CĐCS, quotas); an applied or undone
    plan is history and stays."""
    require_provincial(user)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Plan.Status.DRAFT:
        raise ValidationError(_("Chỉ xóa được dự thảo; đề án đã áp dụng hoặc đã hoàn tác được giữ lại."))
    audit_log(user, "reorganisation.delete", plan, name=plan.name, month=Month.of(plan.effective_month))
    plan.delete()
