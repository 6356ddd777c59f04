"""Who reads and who builds plans, asked of members.access: provincial staff build, apply and undo
them; leadership reads them; federation staff and accounts without a role see nothing of them."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from members.access import reads_whole_province, require_provincial, require_role

from ..models import Plan


def require_reader(user) -> None:
    require_role(user)
    if not reads_whole_province(user):
        raise PermissionDenied(_("Chỉ LĐLĐ tỉnh xem được đề án sắp xếp tổ chức."))


def require_builder(user) -> None:
    require_role(user)
    require_provincial(user)


def plan_for(request, pk: int, *, write: bool = False) -> Plan:
    """The plan `pk` for one who may read it (else 403) and, with write, change it (else 403);
    404 when there is none."""
    (require_builder if write else require_reader)(request.user)
    return get_object_or_404(Plan.objects.select_related("created_by", "applied_by", "undone_by"), pk=pk)
