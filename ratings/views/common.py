"""What every ratings page needs: the year's rubric, and who may see it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from members.access import role_of

from ..models import Rubric


def require_role(user) -> None:
    """Everyone with a role reads the ratings; users without one see nothing."""
    if role_of(user) is None:
        raise PermissionDenied(_("Tài khoản của bạn chưa được phân quyền. Hãy liên hệ Ban Tổ chức LĐLĐ tỉnh."))


def rubric_of(year: int) -> Rubric:
    return get_object_or_404(Rubric, year=year)


def error_messages(error: ValidationError) -> list[str]:
    return list(error.messages)
