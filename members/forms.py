"""Forms of the members app: the CĐCS register (search, founding, dissolution, moves, merges)."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from unionportal.lib.forms import DateField, MonthField
from unionportal.lib.text import CodeFormField, NFCFormField

from .models import GrassrootsUnion, Organisation, Sector


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


# --- the upper union a CĐCS is put under ----------------------------------------------------

DIRECT = Organisation.Kind.DIRECT.value  # the choice "LĐLĐ tỉnh trực tiếp quản lý"


class DirectChoiceIterator(forms.models.ModelChoiceIterator):
    """The federations, after the empty choice "LĐLĐ tỉnh trực tiếp quản lý" when offered."""

    def __iter__(self):
        choices = super().__iter__()
        if self.field.empty_label is not None:
            yield next(choices)
        if self.field.direct:
            yield (DIRECT, self.field.direct_label)
        yield from choices

    def __len__(self):
        return super().__len__() + (1 if self.field.direct else 0)


class UpperUnionField(forms.ModelChoiceField):
    """An upper-level union to put a CĐCS under; with `direct` (provincial staff) also the province
    directly, cleaned to Organisation.Kind.DIRECT: the services find the province's direct block
    or make it on first use (members.services.org.direct_block). The queryset leaves the block out."""

    iterator = DirectChoiceIterator
    direct_label = _("LĐLĐ tỉnh trực tiếp quản lý")

    def __init__(self, *args, **kwargs):
        self.direct = False
        super().__init__(*args, **kwargs)

    def offer(self, federations, *, direct: bool) -> None:
        self.direct = direct
        self.queryset = federations.exclude(kind=Organisation.Kind.DIRECT) if direct else federations
        if direct:
            self.help_text = _(
                "“LĐLĐ tỉnh trực tiếp quản lý”: CĐCS thuộc khối CĐCS trực thuộc LĐLĐ tỉnh; Ban Tổ chức nhập, "
                "gửi số liệu tháng của khối này."
            )

    def to_python(self, value):
        if self.direct and value == DIRECT:
            return Organisation.Kind.DIRECT
        return super().to_python(value)


# --- founding -------------------------------------------------------------------------------


class CdcsFoundForm(forms.Form):
    code = CodeFormField(label=_("Mã CĐCS"))
    name = NFCFormField(label=_("Tên CĐCS"), max_length=255)
    employer = NFCFormField(label=_("Cơ quan, đơn vị, doanh nghiệp"), max_length=255)
    sector = forms.ChoiceField(label=_("Khu vực"), choices=[("", _("— Chọn khu vực —")), *Sector.choices])
    workers = forms.IntegerField(label=_("Số lao động"), min_value=0, initial=0)
    federation = UpperUnionField(
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

    def __init__(self, *args, federations, direct: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].offer(federations, direct=direct)
        if not direct and len(federations) == 1:  # federation staff: their own, and nothing else to pick
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
    federation = UpperUnionField(
        label=_("Chuyển về công đoàn cấp trên"), queryset=None, empty_label=_("— Chọn công đoàn cấp trên —")
    )
    from_month = MonthField(label=_("Từ tháng"))

    def __init__(self, *args, federations, direct: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].offer(federations, direct=direct)


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


# --- upper-level unions ------------------------------------------------------------------------


class OrganisationFoundForm(forms.Form):
    code = CodeFormField(label=_("Mã đơn vị"))
    name = NFCFormField(
        label=_("Tên công đoàn cấp trên"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("ví dụ: Công đoàn phường Phan Đình Phùng")}),
    )
    kind = forms.ChoiceField(label=_("Loại"))
    active_from = MonthField(
        label=_("Hoạt động từ tháng"),
        help_text=_("Tháng đầu tiên đơn vị có CĐCS trực thuộc và báo cáo số liệu."),
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("— Chọn loại —")), *((kind.value, kind.label) for kind in kinds)]


class OrganisationEndForm(forms.Form):
    from_month = MonthField(
        label=_("Kết thúc hoạt động từ tháng"),
        help_text=_("Tháng đầu tiên đơn vị không còn hoạt động; tháng trước đó là tháng cuối cùng của đơn vị."),
    )
