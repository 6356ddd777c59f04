"""Forms of the members app: the CĐCS register (search, founding, dissolution, moves, merges)."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from unionportal.lib.forms import DateField, MonthField
from unionportal.lib.text import CodeFormField, NFCFormField

from .models import GrassrootsUnion, Sector


def add_service_errors(form: forms.Form, error: ValidationError, *, fields: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form: next to the field it names when the form has
    that field (`fields` maps the service's names onto the form's), else above the form."""
    fields = fields or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.error_dict.items():
        name = fields.get(name, name)
        target = name if name in form.fields and name != NON_FIELD_ERRORS else None
        form.add_error(target, [message for e in errors for message in e.messages])


# --- the list ---------------------------------------------------------------------------------


class CdcsStatus:
    ACTIVE = "active"
    DISSOLVED = "dissolved"
    MERGED = "merged"
    CHOICES = [
        (ACTIVE, _("Đang hoạt động")),
        (DISSOLVED, _("Đã giải thể")),
        (MERGED, _("Đã hợp nhất")),
    ]


class CdcsSearchForm(forms.Form):
    q = NFCFormField(
        label=_("Tìm"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Mã, tên CĐCS hoặc đơn vị"), "type": "search"}),
    )
    federation = forms.ChoiceField(label=_("Công đoàn cấp trên"), required=False)
    sector = forms.ChoiceField(label=_("Khu vực"), required=False, choices=[("", _("Tất cả")), *Sector.choices])
    status = forms.ChoiceField(label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *CdcsStatus.CHOICES])
    year = forms.TypedChoiceField(label=_("Thành lập năm"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, federations, years, fixed_federation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_federation is not None:
            self.fields["federation"].choices = [(fixed_federation.code, fixed_federation.name)]
            self.fields["federation"].disabled = True
            self.fields["federation"].initial = fixed_federation.code
        else:
            self.fields["federation"].choices = [("", _("Tất cả")), *((org.code, org.name) for org in federations)]
        self.fields["year"].choices = [("", _("Mọi năm")), *((year, year) for year in years)]


# --- founding -------------------------------------------------------------------------------


class CdcsFoundForm(forms.Form):
    code = CodeFormField(label=_("Mã CĐCS"))
    name = NFCFormField(label=_("Tên CĐCS"), max_length=255)
    employer = NFCFormField(label=_("Cơ quan, đơn vị, doanh nghiệp"), max_length=255)
    sector = forms.ChoiceField(label=_("Khu vực"), choices=[("", _("— Chọn khu vực —")), *Sector.choices])
    workers = forms.IntegerField(label=_("Số lao động"), min_value=0, initial=0)
    federation = forms.ModelChoiceField(
        label=_("Công đoàn cấp trên"), queryset=None, empty_label=_("— Chọn công đoàn cấp trên —")
    )
    founding_decision = forms.CharField(
        label=_("Số quyết định thành lập"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("ví dụ 125/QĐ-LĐLĐ")}),
    )
    founded_on = DateField(
        label=_("Ngày quyết định thành lập"),
        help_text=_("Ngày ký quyết định được tính là ngày thành lập CĐCS: CĐCS được tính vào tháng đó."),
    )

    def __init__(self, *args, federations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = federations
        if len(federations) == 1:  # federation staff: their own, and nothing else to pick
            self.fields["federation"].initial = federations[0]
            self.fields["federation"].disabled = True
            self.fields["federation"].empty_label = None


# --- dissolution, moves, merges ---------------------------------------------------------------


class CdcsDissolveForm(forms.Form):
    on = DateField(label=_("Ngày giải thể"))
    reason = forms.CharField(
        label=_("Lý do giải thể"),
        max_length=255,
        widget=forms.TextInput(attrs={"placeholder": _("ví dụ: doanh nghiệp ngừng hoạt động")}),
    )


class CdcsMoveForm(forms.Form):
    federation = forms.ModelChoiceField(
        label=_("Chuyển về công đoàn cấp trên"), queryset=None, empty_label=_("— Chọn công đoàn cấp trên —")
    )
    from_month = MonthField(label=_("Từ tháng"))

    def __init__(self, *args, federations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = federations


class CdcsMergeForm(forms.Form):
    into = NFCFormField(
        label=_("Hợp nhất vào CĐCS (mã)"),
        max_length=300,
        widget=forms.TextInput(attrs={"list": "merge-targets", "autocomplete": "off"}),
        help_text=_("Gõ mã hoặc tên để chọn trong danh sách."),
    )
    on = DateField(label=_("Ngày hợp nhất"))

    def __init__(self, *args, targets, **kwargs):
        """targets: the CĐCS the user may pick, a queryset (it is looked up, not listed whole)."""
        super().__init__(*args, **kwargs)
        self.targets = targets

    def clean_into(self) -> GrassrootsUnion:
        code = self.cleaned_data["into"].strip()
        # A datalist option reads "CODE – name"; people may also paste just that.
        code = code.split(" – ", 1)[0].strip()
        target = self.targets.filter(code__iexact=code).first()
        if target is None:
            raise ValidationError(
                _("Không tìm thấy CĐCS mã “%(code)s” mà bạn được phép hợp nhất vào."), params={"code": code}
            )
        return target
