"""The province's decisions on a month as posted from a page: approve, send back (with a reason)
or unlock (with a reason). The grid's buttons and the approvals queue (desk) post the same forms to
the same services; each page then sends the user back to itself.

Another federation's code is not found (404) for federation staff, as everywhere; the services
themselves admit provincial staff only (403 for others). A refusal (a stale month, unticked
warnings, no reason) becomes the page's error message and changes nothing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from unionportal.lib.months import Month

from ...access import access_org
from ...models import Organisation
from ..workflow import return_approve, return_send_back, return_unlock


def _decide(request, code: str, month: Month, action, success: str) -> Organisation:
    org = access_org(request.user, code)
    try:
        action(org)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success % {"month": month, "org": org.name})
    return org


def approve_posted(request, code: str, month: Month, *, version: int | None) -> Organisation:
    """`version`: the month's version the page showed (None: not checked)."""
    return _decide(
        request,
        code,
        month,
        lambda org: return_approve(
            federation=org,
            month=month,
            user=request.user,
            warnings_confirmed=request.POST.get("confirm") == "1",
            version=version,
        ),
        _("Đã duyệt và khóa số liệu tháng %(month)s của %(org)s."),
    )


def send_back_posted(request, code: str, month: Month) -> Organisation:
    return _decide(
        request,
        code,
        month,
        lambda org: return_send_back(
            federation=org, month=month, reason=request.POST.get("reason", ""), user=request.user
        ),
        _("Đã trả lại báo cáo tháng %(month)s của %(org)s để sửa; đơn vị sẽ thấy lý do trả lại."),
    )


def unlock_posted(request, code: str, month: Month) -> Organisation:
    return _decide(
        request,
        code,
        month,
        lambda org: return_unlock(
            federation=org, month=month, reason=request.POST.get("reason", ""), user=request.user
        ),
        _("Đã mở khóa số liệu tháng %(month)s của %(org)s; đơn vị sẽ thấy lý do mở khóa."),
    )
