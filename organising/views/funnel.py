"""The steering committee's page of the organising pipeline (báo cáo vận động thành lập CĐCS):
read-only, for everyone with a role, scoped as the dashboard is (federation staff see their own
federation, a steering-committee member may keep to the federations they follow)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from members.access import orgs_visible_to
from members.models import Organisation
from unionportal.lib.months import Month

from ..funnel import Funnel, as_of_for, funnel_outlooks, organising_funnel, year_unions

EARLIEST_YEAR = 1990


class FunnelForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Năm"), error_messages={"invalid": gettext_lazy("Năm phải là số, ví dụ 2025.")}
    )
    org = forms.ChoiceField(label=gettext_lazy("Đơn vị"))
    mine = forms.BooleanField(label=gettext_lazy("Đơn vị tôi phụ trách"), required=False)

    def __init__(self, *args, orgs: list[Organisation], this_year: int, follows_some: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.this_year = this_year
        self.orgs = {org.code: org for org in orgs}
        self.fields["org"].choices = [
            (org.code, _("Toàn tỉnh (%(name)s)") % {"name": org.name} if org.is_province else org.name) for org in orgs
        ]
        if not follows_some:
            del self.fields["mine"]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > self.this_year:
            raise forms.ValidationError(_("Năm %(year)s chưa đến.") % {"year": year})
        if year < EARLIEST_YEAR:
            raise forms.ValidationError(_("Chỉ có số liệu từ năm %(year)s.") % {"year": EARLIEST_YEAR})
        return year

    def clean(self):
        data = super().clean()
        if "org" in data:
            data["organisation"] = self.orgs[data["org"]]
        return data


def _chart(funnel: Funnel) -> dict:
    stages = funnel.total.stages
    return {
        "labels": [
            _("Đã xác định"),
            _("Đã tuyên truyền"),
            _("Có ban vận động"),
            _("Thành lập CĐCS năm %(year)s") % {"year": funnel.year},
            _("Tạm dừng"),
        ],
        "values": [stages.identified, stages.approached, stages.committee, stages.founded, stages.stalled],
        "series": _("Doanh nghiệp"),
    }


@login_required
@require_GET
def funnel(request):
    """Per federation and for the province, in a year: the funnel, the conversion, the forecast
    against the CĐCS quota left, and the enterprises stuck longest."""
    orgs = list(orgs_visible_to(request.user))
    if not orgs:
        raise PermissionDenied(
            _("Tài khoản của bạn chưa được phân quyền xem báo cáo. Hãy liên hệ Ban Tổ chức LĐLĐ tỉnh.")
        )
    followed = set(Organisation.objects.filter(followers__user_id=request.user.pk).values_list("pk", flat=True))
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("year", str(today.year))
    data.setdefault("org", next((org for org in orgs if org.is_province), orgs[0]).code)
    form = FunnelForm(data, orgs=orgs, this_year=today.year, follows_some=bool(followed))
    context = {"form": form}
    if form.is_valid():
        year, scope = form.cleaned_data["year"], form.cleaned_data["organisation"]
        as_of = as_of_for(year, today)
        if scope.is_province:
            federations = list(
                Organisation.objects.federations()
                .active_between(Month(year, 1), Month(year, 12))
                .order_by("position", "name")
            )
        else:
            federations = [scope]
        only = followed if form.cleaned_data.get("mine") else None
        result = organising_funnel(year=year, as_of=as_of, scope=scope, federations=federations, only=only)
        founded, quotas = year_unions(
            year=year, as_of=as_of, scope=scope, federation_ids=[row.org.pk for row in result.rows]
        )
        funnel_outlooks(result, founded=founded, quotas=quotas)
        context.update(funnel=result, scope=scope, only_followed=only is not None, chart=_chart(result))
    return render(request, "organising/funnel.html", context)
