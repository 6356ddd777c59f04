"""The notices page (newest first, each with its link, marked read one by one or all at once)
and the e-mail setting. Every signed-in user with a role has notices; each sees only their own."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from members.access import require_role
from unionportal.lib.formatting import count

from . import selectors, services
from .forms import PreferenceForm
from .models import Notice

PER_PAGE = 20


@login_required
@require_GET
def notice_list(request):
    require_role(request.user)
    page = Paginator(selectors.notices_of(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {"page": page, "unread": selectors.unread_count(request.user)})


def _back_to_list(request):
    page = request.POST.get("page", "")
    return redirect(reverse("notices:list") + (f"?page={page}" if page.isdigit() else ""))


@login_required
@require_POST
def notice_read(request, pk: int):
    """Mark a notice read; with `open`, go on to where it points."""
    require_role(request.user)
    notice = get_object_or_404(Notice, pk=pk, user=request.user)
    services.notice_read(notice=notice)
    if "open" in request.POST and notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        return redirect(notice.link)
    return _back_to_list(request)


@login_required
@require_POST
def notices_read_all(request):
    require_role(request.user)
    marked = services.notices_read_all(user=request.user)
    if marked:
        messages.success(
            request,
            ngettext("Đã đánh dấu %(count)s thông báo là đã đọc.", "Đã đánh dấu %(count)s thông báo là đã đọc.", marked)
            % {"count": count(marked)},
        )
    return _back_to_list(request)


@login_required
def preference(request):
    """Turn e-mail on or off; without an address the portal can only say so."""
    require_role(request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            services.preference_set(user=request.user, email=form.cleaned_data["email"])
            if form.cleaned_data["email"]:
                messages.success(request, _("Đã bật: thông báo sẽ được gửi cả qua e-mail."))
            else:
                messages.success(request, _("Đã tắt: thông báo chỉ hiện trên cổng, không gửi e-mail."))
            return redirect("notices:settings")
    else:
        form = PreferenceForm(initial={"email": services.email_wanted(request.user)})
    context = {"form": form, "address": request.user.email, "email_ready": bool(settings.EMAIL_HOST)}
    return render(request, "notices/settings.html", context)
