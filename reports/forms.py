from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import SectorGroup
from unionportal.lib.forms import DateField, LongSelect, MonthField
from unionportal.lib.months import Month

from .selectors import Structure


class ProgressForm(forms.Form):
    start = MonthField(label=_("Từ tháng"))
    end = MonthField(label=_("Đến tháng"))
    org = forms.ChoiceField(label=_("Đơn vị"), widget=LongSelect)
    sector_group = forms.ChoiceField(
        label=_("Khu vực"), required=False, choices=[("", _("Tất cả khu vực")), *SectorGroup.choices]
    )
    # Which structure the figures are read on: the months' own (left out) or today's ("today").
    structure = forms.ChoiceField(label=_("Cơ cấu tổ chức"), required=False, choices=Structure.choices)

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
        data["structure"] = data.get("structure") or Structure.MONTHS
        return data


class DashboardForm(ProgressForm):
    """The report's range and scope, and, for a steering-committee member who follows some
    federations, a box to see only those in the federation table and the laggards."""

    mine = forms.BooleanField(label=_("Đơn vị tôi phụ trách"), required=False)

    def __init__(self, *args, follows_some: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not follows_some:
            del self.fields["mine"]


class BriefForm(DashboardForm):
    """The dashboard's range and scope, and what the person preparing the brief fills in: its
    number (blank: the office writes it by hand), its date, who signs it and who receives it."""

    number = forms.CharField(label=_("Số văn bản"), required=False, max_length=6)
    on = DateField(label=_("Ngày báo cáo"))
    signer_title = forms.CharField(label=_("Chức vụ người ký"), required=False, max_length=100)
    signer_name = forms.CharField(label=_("Họ tên người ký"), required=False, max_length=100)
    recipients = forms.CharField(
        label=_("Nơi nhận"),
        help_text=_("Mỗi dòng một nơi nhận."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    # The fields of the range and scope: an error there sends the user back to the dashboard.
    RANGE_FIELDS = ("start", "end", "org", "sector_group", "structure", "mine")
    MAX_RECIPIENTS = 12

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        if number and not number.isdigit():
            raise forms.ValidationError(_("Số văn bản chỉ gồm chữ số, ví dụ 15; để trống nếu Văn phòng ghi số."))
        return number

    def clean_recipients(self) -> list[str]:
        lines = [line.strip().removeprefix("-").strip() for line in self.cleaned_data["recipients"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > self.MAX_RECIPIENTS:
            raise forms.ValidationError(_("Nơi nhận có nhiều nhất %(count)d dòng.") % {"count": self.MAX_RECIPIENTS})
        return lines

    def clean(self):
        data = super().clean()
        on, end = data.get("on"), data.get("end")
        if on and end and on < end.first_day:
            self.add_error(
                "on",
                _("Ngày báo cáo %(day)s ở trước tháng cuối của kỳ báo cáo (%(end)s).")
                % {"day": on.strftime("%d/%m/%Y"), "end": end},
            )
        return data

    @property
    def range_errors(self) -> bool:
        return any(name in self.errors for name in self.RANGE_FIELDS)
