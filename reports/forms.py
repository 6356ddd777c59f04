from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import SectorGroup
from unionportal.lib.forms import MonthField
from unionportal.lib.months import Month


class ProgressForm(forms.Form):
    start = MonthField(label=_("Từ tháng"))
    end = MonthField(label=_("Đến tháng"))
    org = forms.ChoiceField(label=_("Đơn vị"))
    sector_group = forms.ChoiceField(
        label=_("Khu vực"), required=False, choices=[("", _("Tất cả khu vực")), *SectorGroup.choices]
    )

    def __init__(self, *args, orgs, latest: Month, **kwargs):
        super().__init__(*args, **kwargs)
        self.latest = latest
        self.orgs = {org.code: org for org in orgs}
        self.fields["org"].choices = [
            (org.code, _("Toàn tỉnh (%(name)s)") % {"name": org.name} if org.is_province else org.name) for org in orgs
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if end and end > self.latest:
            self.add_error("end", _("Tháng %(month)s chưa đến.") % {"month": end})
        if start and end and start > end:
            self.add_error("end", _("Tháng cuối phải sau hoặc bằng tháng đầu."))
        if "org" in data:
            data["organisation"] = self.orgs[data["org"]]
        return data


class DashboardForm(ProgressForm):
    """The report's range and scope, and, for a steering-committee member who follows some
    federations, a box to see only those in the federation table and the laggards."""

    mine = forms.BooleanField(label=_("Đơn vị tôi phụ trách"), required=False)

    def __init__(self, *args, follows_some: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not follows_some:
            del self.fields["mine"]
