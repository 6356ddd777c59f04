"""Audit histories: everything recorded for a federation's month, and for one CĐCS's month."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.lib.months import Month

from ... import selectors
from ...access import access_org, cdcs_visible_to, figures_visible_to, orgs_visible_to
from ...models import MonthlyFigure, MonthlyReturn
from ...services.common import federation_of

PER_PAGE = 100


def _page(request, entries):
    return Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))


def _timeline(monthly_return: MonthlyReturn | None) -> list[dict]:
    """The return's last submission, approval, unlocking and sending back (until the next
    submission), in the order they happened."""
    if monthly_return is None:
        return []
    sent_back = monthly_return.send_back_reason
    events = [
        (monthly_return.submitted_at, _("Gửi báo cáo"), monthly_return.submitted_by, ""),
        (monthly_return.approved_at, _("Duyệt, khóa số liệu"), monthly_return.approved_by, ""),
        (monthly_return.unlocked_at, _("Mở khóa"), monthly_return.unlocked_by, monthly_return.unlock_reason),
        (monthly_return.sent_back_at, _("Trả lại để sửa"), monthly_return.sent_back_by, sent_back),
    ]
    return [
        {"at": at, "label": label, "user": user, "note": note}
        for at, label, user, note in sorted((e for e in events if e[0] is not None), key=lambda e: e[0])
    ]


@login_required
def return_history(request, code: str, month: Month):
    federation = access_org(request.user, code)
    if federation.is_province:
        raise Http404(_("LĐLĐ tỉnh không có báo cáo tháng."))
    monthly_return = (
        MonthlyReturn.objects.filter(federation=federation, month=month.first_day)
        .select_related("submitted_by", "approved_by", "unlocked_by", "sent_back_by")
        .first()
    )
    due_at = selectors.return_due_at(month)
    return render(
        request,
        "members/history_return.html",
        {
            "federation": federation,
            "month": month,
            "monthly_return": monthly_return,
            "due_at": due_at,
            "timeliness": selectors.timeliness(monthly_return, due_at=due_at, now=timezone.now()),
            "timeline": _timeline(monthly_return),
            "page": _page(request, selectors.return_history(federation=federation, month=month)),
        },
    )


def _figures_visible(user, cdcs, month: Month, row: MonthlyFigure | None) -> bool:
    """Federation staff see a CĐCS's month only when it was under their federation that month."""
    if row is not None:
        return figures_visible_to(user).filter(pk=row.pk).exists()
    federation = federation_of(cdcs, month)  # None: the CĐCS did not exist yet
    return federation is not None and orgs_visible_to(user).filter(pk=federation.pk).exists()


@login_required
def figure_history(request, code: str, month: Month):
    cdcs = get_object_or_404(cdcs_visible_to(request.user), code=code)
    row = (
        MonthlyFigure.objects.filter(cdcs=cdcs, month=month.first_day)
        .select_related("federation", "updated_by")
        .first()
    )
    if not _figures_visible(request.user, cdcs, month, row):
        raise Http404(_("Không tìm thấy số liệu."))
    return render(
        request,
        "members/history_figure.html",
        {
            "cdcs": cdcs,
            "month": month,
            "row": row,
            "page": _page(request, selectors.figure_history(cdcs=cdcs, month=month, row=row)),
        },
    )
