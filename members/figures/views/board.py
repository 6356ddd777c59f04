"""The submission board (bảng theo dõi nộp báo cáo): which federation has sent its month, on time
or late, and how far along the others are."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal.lib.forms import MonthField
from unionportal.lib.months import Month

from ... import selectors
from ...access import is_federation_staff, orgs_visible_to, require_role

ME = "me"
BY_URGENCY = "urgency"


class BoardForm(forms.Form):
    month = MonthField(label=gettext_lazy("Tháng"))
    follower = forms.ChoiceField(label=gettext_lazy("Đơn vị theo dõi của"), required=False)
    sort = forms.ChoiceField(
        label=gettext_lazy("Sắp xếp"),
        required=False,
        choices=[("", gettext_lazy("Theo thứ tự đơn vị")), (BY_URGENCY, gettext_lazy("Quá hạn, trễ hạn trước"))],
    )

    def __init__(self, *args, followers, me, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Tất cả các đơn vị"))]
        if any(user.pk == me.pk for user in followers):
            choices.append((ME, _("Các đơn vị tôi theo dõi")))
        choices += [(str(user.pk), user.get_full_name() or user.get_username()) for user in followers]
        self.fields["follower"].choices = choices

    def follower_id(self, me) -> int | None:
        value = self.cleaned_data["follower"]
        return me.pk if value == ME else (int(value) if value else None)


@login_required
def board(request):
    require_role(request.user)
    federation_staff = is_federation_staff(request.user)
    followers = [] if federation_staff else list(selectors.followers())
    data = request.GET.copy()
    data.setdefault("month", Month.last_complete(timezone.localdate()).iso)
    form = BoardForm(data, followers=followers, me=request.user)
    context = {"form": form, "federation_staff": federation_staff}
    if form.is_valid():
        month = form.cleaned_data["month"]
        federations = orgs_visible_to(request.user).federations().active_between(month, month)
        follower_id = None if federation_staff else form.follower_id(request.user)
        if follower_id:
            federations = federations.filter(followers__user_id=follower_id)
        rows = selectors.board_rows(month=month, federations=federations)
        if form.cleaned_data["sort"] == BY_URGENCY:
            rows = selectors.board_rows_by_urgency(rows)
        context.update(
            month=month,
            due_at=selectors.return_due_at(month),
            rows=rows,
            summary=selectors.board_summary(rows),
            following=follower_id is not None,
        )
    return render(request, "members/board.html", context)
