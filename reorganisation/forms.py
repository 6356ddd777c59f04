"""The plan built on a page, in two steps: the header, the unions that end and those founded (step
one), then where each CĐCS goes, the CĐCS founded and, for the rule "typed", the quotas (step two).
What the forms hold becomes a PlanRead, as an Excel list does, and reorganisation.drafting checks
and keeps it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Sector
from targets.models import Programme
from unionportal.lib.forms import MonthField
from unionportal.lib.text import CodeFormField, NFCFormField, NoteFormField

from .imports import PlanRead, line_code_problems
from .listing import endable_unions
from .models import UNION_KINDS, Plan, PlanLine

SMALL = {"class": "form-control form-control-sm"}
SMALL_SELECT = {"class": "form-select form-select-sm"}
QUOTA_MAX = 10_000_000


class PlanForm(forms.Form):
    name = NFCFormField(label=_("Tên đề án"), max_length=255)
    decision = NFCFormField(
        label=_("Số, ngày quyết định"), max_length=150, required=False,
        help_text=_("Ví dụ: Quyết định số 15/QĐ-LĐLĐ ngày 20/6/2025"),
    )  # fmt: skip
    effective_month = MonthField(
        label=_("Tháng có hiệu lực"),
        help_text=_(
            "Tháng đầu tiên các CĐCS trực thuộc theo cơ cấu mới; đơn vị kết thúc hoạt động đến hết tháng trước."
        ),
    )
    quota_rule = forms.ChoiceField(
        label=_("Chuyển chỉ tiêu còn lại của đơn vị kết thúc"), choices=Plan.QuotaRule.choices,
        initial=Plan.QuotaRule.MEMBERS, widget=forms.RadioSelect,
    )  # fmt: skip
    note = NoteFormField(label=_("Ghi chú"), rows=2, required=False)
    endings = forms.MultipleChoiceField(
        label=_("Công đoàn cấp trên kết thúc hoạt động"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Hãy chọn ít nhất một công đoàn cấp trên kết thúc hoạt động.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unions = endable_unions().order_by("position", "code")
        self.fields["endings"].choices = [(org.code, f"{org.code} – {org.name}") for org in unions]

    def clean(self):
        data = super().clean()
        month, endings = data.get("effective_month"), data.get("endings")
        if month and endings:
            active = set(endable_unions(month).filter(code__in=endings).values_list("code", flat=True))
            idle = [code for code in endings if code not in active]
            if idle:
                self.add_error(
                    "endings",
                    _("Không hoạt động trong tháng %(month)s, không thể kết thúc: %(codes)s.")
                    % {"month": month - 1, "codes": ", ".join(idle)},
                )
        return data


class NewUnionForm(forms.Form):
    code = CodeFormField(label=_("Mã"), required=False, help_text="", widget=forms.TextInput(attrs=SMALL))
    name = NFCFormField(label=_("Tên"), max_length=200, required=False, widget=forms.TextInput(attrs=SMALL))
    kind = forms.ChoiceField(
        label=_("Loại"), choices=[("", "—"), *UNION_KINDS], required=False, widget=forms.Select(attrs=SMALL_SELECT)
    )

    def clean(self):
        return _whole_row(self, ("code", "name", "kind"))


class LineForm(forms.Form):
    """Where one CĐCS goes; `pick` marks it for "apply to the rows picked"."""

    cdcs = forms.CharField(widget=forms.HiddenInput)
    pick = forms.BooleanField(
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    action = forms.ChoiceField(
        label=_("Hình thức"), choices=[("", _("— Chọn —")), *PlanLine.Action.choices],
        error_messages={"required": _("Chọn hình thức.")}, widget=forms.Select(attrs=SMALL_SELECT),
    )  # fmt: skip
    union_code = CodeFormField(
        label=_("Đến công đoàn cấp trên"), required=False, help_text="",
        widget=forms.TextInput(attrs={**SMALL, "list": "union-codes", "autocomplete": "off"}),
    )  # fmt: skip
    target_code = CodeFormField(
        label=_("CĐCS nhận đoàn viên"), required=False, help_text="",
        widget=forms.TextInput(attrs={**SMALL, "list": "cdcs-codes", "autocomplete": "off"}),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("action"):
            found = line_code_problems(data["action"], data.get("union_code") or "", data.get("target_code") or "")
            for name, message in found:
                if name not in self.errors:
                    self.add_error(name, message)
        return data


class NewCdcsForm(forms.Form):
    code = CodeFormField(label=_("Mã CĐCS"), required=False, help_text="", widget=forms.TextInput(attrs=SMALL))
    name = NFCFormField(label=_("Tên CĐCS"), max_length=255, required=False, widget=forms.TextInput(attrs=SMALL))
    employer = NFCFormField(
        label=_("Cơ quan, đơn vị"), max_length=255, required=False, widget=forms.TextInput(attrs=SMALL)
    )
    sector = forms.ChoiceField(
        label=_("Khu vực"),
        choices=[("", "—"), *Sector.choices],
        required=False,
        widget=forms.Select(attrs=SMALL_SELECT),
    )
    union_code = CodeFormField(
        label=_("Công đoàn cấp trên"), required=False, help_text="",
        widget=forms.TextInput(attrs={**SMALL, "list": "union-codes", "autocomplete": "off",
                                      "placeholder": _("trống: trực thuộc tỉnh")}),
    )  # fmt: skip

    def clean(self):
        return _whole_row(self, ("code", "name", "employer", "sector"), optional=("union_code",))


class QuotaForm(forms.Form):
    from_code = forms.ChoiceField(label=_("Từ đơn vị"), required=False, widget=forms.Select(attrs=SMALL_SELECT))
    union_code = CodeFormField(
        label=_("Đến đơn vị"), required=False, help_text="",
        widget=forms.TextInput(attrs={**SMALL, "list": "union-codes", "autocomplete": "off",
                                      "placeholder": _("trống: trực thuộc tỉnh")}),
    )  # fmt: skip
    programme = forms.ModelChoiceField(
        label=_("Chương trình"), queryset=Programme.objects.all(), required=False, empty_label="—",
        widget=forms.Select(attrs=SMALL_SELECT),
    )  # fmt: skip
    year = forms.IntegerField(label=_("Năm"), min_value=1990, max_value=2100, required=False,
                              widget=forms.NumberInput(attrs=SMALL))  # fmt: skip
    new_members = forms.IntegerField(label=_("Kết nạp"), min_value=0, max_value=QUOTA_MAX, required=False,
                                     widget=forms.NumberInput(attrs=SMALL))  # fmt: skip
    new_unions = forms.IntegerField(label=_("Thành lập CĐCS"), min_value=0, max_value=QUOTA_MAX, required=False,
                                    widget=forms.NumberInput(attrs=SMALL))  # fmt: skip
    trained_officers = forms.IntegerField(label=_("Đào tạo cán bộ"), min_value=0, max_value=QUOTA_MAX,
                                          required=False, widget=forms.NumberInput(attrs=SMALL))  # fmt: skip

    def __init__(self, *args, endings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_code"].choices = [("", "—"), *((code, code) for code in endings)]

    def clean(self):
        return _whole_row(
            self, ("from_code", "programme", "year"), optional=("union_code", "new_members", "new_unions",
                                                                 "trained_officers"))  # fmt: skip


def _whole_row(form, needed, optional=()) -> dict:
    """A row of a table of the page: empty is no row, begun must be whole."""
    data = form.cleaned_data
    if any(data.get(name) not in (None, "") for name in (*needed, *optional)):
        for name in needed:
            if data.get(name) in (None, "") and name not in form.errors:
                form.add_error(name, _("Ô này không được để trống."))
    return data


def _filled(formset) -> list[dict]:
    return [form.cleaned_data for form in formset.forms if form.cleaned_data and any(
        value not in (None, "", False) for name, value in form.cleaned_data.items() if name != "pick")]  # fmt: skip


NewUnionFormSet = forms.formset_factory(NewUnionForm, extra=3, max_num=500)
LineFormSet = forms.formset_factory(LineForm, extra=0, max_num=5000)
NewCdcsFormSet = forms.formset_factory(NewCdcsForm, extra=3, max_num=2000)
QuotaFormSet = forms.formset_factory(QuotaForm, extra=2, max_num=1000)


def plan_read_of(plan_form, unions, lines, new_cdcs, quotas) -> PlanRead:
    """What the page's valid forms hold, as an Excel list's would be read: a row is the line's
    place in its table."""
    data = plan_form.cleaned_data
    header = {
        "name": data["name"], "decision": data["decision"], "effective_month": data["effective_month"].iso,
        "quota_rule": data["quota_rule"], "note": data["note"],
    }  # fmt: skip
    read = PlanRead(header=header)
    read.endings = [{"row": row, "code": code} for row, code in enumerate(data["endings"], start=1)]
    read.new_unions = [{"row": row, **item} for row, item in enumerate(_filled(unions), start=1)]
    read.lines = [
        {"row": row, "cdcs": form.cleaned_data["cdcs"], "action": form.cleaned_data["action"],
         "union_code": form.cleaned_data["union_code"], "target_code": form.cleaned_data["target_code"]}
        for row, form in enumerate(lines.forms, start=1)
    ]  # fmt: skip
    read.new_cdcs = [{"row": row, **item} for row, item in enumerate(_filled(new_cdcs), start=1)]
    if data["quota_rule"] == Plan.QuotaRule.TYPED and quotas is not None:
        read.quotas = [
            {"row": row, **item, "programme": item["programme"].document_number, "programme_id": item["programme"].pk,
             **{key: item[key] or 0 for key in ("new_members", "new_unions", "trained_officers")}}
            for row, item in enumerate(_filled(quotas), start=1)
        ]  # fmt: skip
    return read
