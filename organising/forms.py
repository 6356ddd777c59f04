"""Forms of the organising pages. They check what a person typed; the rules are in services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Sector
from unionportal.lib.forms import DateField
from unionportal.lib.text import CodeFormField, NFCFormField, NoteFormField

from .models import Contact, Stage, StallReason
from .services import normalise_tax_code

TAX_CODE_HELP = _("10 chữ số, hoặc 10 chữ số - 3 chữ số với chi nhánh (ví dụ 4600123456 hoặc 4600123456-001).")


class EnterpriseFilterForm(forms.Form):
    q = NFCFormField(
        label=_("Tìm"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Tên hoặc mã số thuế"), "type": "search"}),
    )
    federation = forms.ChoiceField(label=_("Công đoàn cấp trên"), required=False)
    stage = forms.ChoiceField(label=_("Giai đoạn"), required=False, choices=[("", _("Tất cả")), *Stage.choices])
    sector = forms.ChoiceField(label=_("Khu vực"), required=False, choices=[("", _("Tất cả")), *Sector.choices])
    priority = forms.BooleanField(label=_("Chỉ doanh nghiệp ưu tiên"), required=False)
    overdue = forms.BooleanField(label=_("Chỉ việc quá hạn"), required=False)

    def __init__(self, *args, federations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].choices = [("", _("Tất cả")), *((org.code, org.name) for org in federations)]


class EnterpriseForm(forms.Form):
    name = NFCFormField(label=_("Tên doanh nghiệp"), max_length=255)
    tax_code = forms.CharField(label=_("Mã số thuế"), max_length=20, help_text=TAX_CODE_HELP)
    address = NFCFormField(label=_("Địa chỉ"), max_length=255, required=False)
    federation = forms.ModelChoiceField(
        label=_("Công đoàn cấp trên phụ trách"), queryset=None, empty_label=_("— Chọn công đoàn cấp trên —")
    )
    sector = forms.ChoiceField(label=_("Khu vực"), choices=[("", _("— Chọn khu vực —")), *Sector.choices])
    workers = forms.IntegerField(label=_("Số lao động"), min_value=0, initial=0)

    def __init__(self, *args, federations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = federations
        if len(federations) == 1:  # federation staff: their own, and nothing else to pick
            self.fields["federation"].initial = federations[0]
            self.fields["federation"].disabled = True
            self.fields["federation"].empty_label = None

    def clean_tax_code(self):
        return normalise_tax_code(self.cleaned_data["tax_code"])


class ContactForm(forms.Form):
    on = DateField(label=_("Ngày tiếp xúc"))
    kind = forms.ChoiceField(label=_("Hình thức"), choices=Contact.Kind.choices)
    people = forms.CharField(label=_("Cán bộ tham gia"), max_length=255, required=False)
    outcome = NoteFormField(label=_("Kết quả"))
    next_step = forms.CharField(label=_("Việc tiếp theo"), max_length=255, required=False)
    next_step_on = DateField(label=_("Hạn việc tiếp theo"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "contact")
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class StageMoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Chuyển sang giai đoạn"))
    on = DateField(label=_("Ngày"))
    reason = forms.ChoiceField(
        label=_("Lý do tạm dừng"), required=False, choices=[("", _("— Khi tạm dừng —")), *StallReason.choices]
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args, stages, **kwargs):
        kwargs.setdefault("prefix", "move")
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [(stage, Stage(stage).label) for stage in stages]
        self.fields["on"].initial = timezone.localdate()


class FoundForm(forms.Form):
    code = CodeFormField(label=_("Mã CĐCS"))
    name = NFCFormField(label=_("Tên CĐCS"), max_length=255)
    founding_decision = forms.CharField(
        label=_("Số quyết định thành lập"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("ví dụ 125/QĐ-LĐLĐ")}),
    )
    founded_on = DateField(
        label=_("Ngày quyết định thành lập"),
        help_text=_("CĐCS được tính vào chỉ tiêu thành lập mới của tháng này."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "found")
        super().__init__(*args, **kwargs)


class LinkForm(forms.Form):
    cdcs = NFCFormField(
        label=_("Mã CĐCS đã có trong sổ"),
        max_length=20,
        help_text=_("Doanh nghiệp đã có CĐCS: không tính thành lập mới."),
    )

    def __init__(self, *args, cdcs_choices, **kwargs):
        kwargs.setdefault("prefix", "link")
        super().__init__(*args, **kwargs)
        self.cdcs_choices = cdcs_choices

    def clean_cdcs(self):
        code = self.cleaned_data["cdcs"].strip()
        cdcs = self.cdcs_choices.filter(code=code).first()
        if cdcs is None:
            raise forms.ValidationError(_("Không tìm thấy CĐCS mã %(code)s.") % {"code": code})
        return cdcs


class LentStaffForm(forms.Form):
    lent_staff = forms.ModelMultipleChoiceField(
        label=_("Cán bộ LĐLĐ tỉnh hỗ trợ"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, staff, **kwargs):
        kwargs.setdefault("prefix", "lent")
        super().__init__(*args, **kwargs)
        self.fields["lent_staff"].queryset = staff
        self.fields["lent_staff"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


class PriorityRuleForm(forms.Form):
    min_workers = forms.IntegerField(
        label=_("Ưu tiên doanh nghiệp từ (lao động)"),
        min_value=1,
        help_text=_("Doanh nghiệp chưa có CĐCS có từ số lao động này trở lên được ưu tiên vận động trước."),
    )
    stuck_days = forms.IntegerField(
        label=_("Coi là chậm sau (ngày)"),
        min_value=1,
        help_text=_("Doanh nghiệp ở một giai đoạn lâu hơn số ngày này được nêu trong báo cáo Ban Chỉ đạo."),
    )


def cdcs_for_linking(queryset):
    """CĐCS that no enterprise is linked to yet."""
    return queryset.filter(enterprise__isnull=True)
