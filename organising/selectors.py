"""Reads of the organising pipeline, and who may see which enterprise (one helper: access_enterprise)."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from members.access import can_write, role_of
from members.models import Role

from .models import OPEN_STAGES, Enterprise, PriorityRule


def enterprises_visible_to(user) -> QuerySet[Enterprise]:
    """Every enterprise for provincial staff and leadership, their own federation's for federation
    staff, none for anyone else."""
    role = role_of(user)
    if role in (Role.PROVINCIAL_STAFF, Role.LEADERSHIP):
        return Enterprise.objects.all()
    if role == Role.FEDERATION_STAFF:
        return Enterprise.objects.filter(federation_id=user.profile.federation_id)
    return Enterprise.objects.none()


def access_enterprise(user, pk: int, *, write: bool = False) -> Enterprise:
    """The enterprise if the user may see it (else 404, whatever the id guessed) and, with
    write=True, change it (else 403)."""
    enterprise = enterprises_visible_to(user).select_related("federation", "cdcs").filter(pk=pk).first()
    if enterprise is None:
        raise Http404(_("Không tìm thấy doanh nghiệp."))
    if write and not can_write(user, enterprise.federation):
        message = _("Bạn không có quyền thay đổi doanh nghiệp của %(org)s.") % {"org": enterprise.federation}
        raise PermissionDenied(message)
    return enterprise


def with_flags(queryset: QuerySet[Enterprise], *, today: date, min_workers: int) -> QuerySet[Enterprise]:
    """Annotate is_priority (no union, still being worked on, at least `min_workers` workers) and
    is_overdue (its next step's date has passed while it is still being worked on)."""
    open_stage = Q(stage__in=OPEN_STAGES)
    return queryset.annotate(
        is_priority=Case(
            When(open_stage & Q(has_union=False, workers__gte=min_workers), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        is_overdue=Case(
            When(open_stage & Q(next_step_on__lt=today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


@dataclass
class EnterpriseFilter:
    federation: str = ""  # an organisation code
    stage: str = ""
    sector: str = ""
    priority: bool = False
    overdue: bool = False
    q: str = ""


def enterprise_list(*, user, filters: EnterpriseFilter, today: date, rule: PriorityRule | None = None):
    """The enterprises the user sees, filtered, priorities first (biggest first), then the others
    by size and name. One query (plus the paginator's count)."""
    rule = rule or PriorityRule.current()
    queryset = with_flags(enterprises_visible_to(user), today=today, min_workers=rule.min_workers)
    if filters.federation:
        queryset = queryset.filter(federation__code=filters.federation)
    if filters.stage:
        queryset = queryset.filter(stage=filters.stage)
    if filters.sector:
        queryset = queryset.filter(sector=filters.sector)
    if filters.priority:
        queryset = queryset.filter(is_priority=True)
    if filters.overdue:
        queryset = queryset.filter(is_overdue=True)
    if filters.q:
        text = filters.q.strip()
        digits = text.replace(" ", "").replace(".", "")
        queryset = queryset.filter(Q(name__icontains=text) | Q(tax_code__startswith=digits))
    return queryset.select_related("federation", "cdcs").order_by("-is_priority", "-workers", "name", "pk")


def enterprise_page(enterprise: Enterprise) -> dict:
    """What the enterprise's page shows beside its data: stage history, contacts, lent staff."""
    return {
        "changes": list(enterprise.stage_changes.select_related("by").order_by("-on", "-pk")),
        "contacts": list(enterprise.contacts.select_related("by").order_by("-on", "-pk")),
        "lent": list(enterprise.lent_staff.order_by("first_name", "username")),
    }


def register_rows(queryset: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """The enterprises of an export, in the order of the list's file."""
    return queryset.select_related("federation", "cdcs").order_by("federation__position", "federation__code", "name")
