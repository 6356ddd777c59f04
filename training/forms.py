from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Organisation
from unionportal.lib.forms import DateField
from unionportal.lib.text import NoteFormField

from .services import MAX_OFFICERS, CourseData

_NUMBER_ERRORS = {
    "invalid": _("Hãy nhập một số nguyên."),
    "min_value": _("Số cán bộ phải từ 1 trở lên."),
    "max_value": _("Số cán bộ quá lớn (tối đa %(limit_value)s)."),
}


class CourseForm(forms.Form):
    starts_on = DateField(label=_("Ngày bắt đầu"))
    ends_on = DateField(
        label=_("Ngày kết thúc"),
        required=False,
        help_text=_("Để trống nếu lớp học trong một ngày."),
    )
    topic = forms.CharField(
        label=_("Nội dung, chủ đề"),
        max_length=255,
        help_text=_("Ví dụ: Nghiệp vụ công tác công đoàn cho chủ tịch CĐCS mới thành lập"),
    )
    place = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    officers = forms.IntegerField(
        label=_("Số cán bộ CĐCS được đào tạo"),
        min_value=1,
        max_value=MAX_OFFICERS,
        error_messages=_NUMBER_ERRORS,
        help_text=_("Tổng số cán bộ của lớp; đây là số được tính vào chỉ tiêu đào tạo."),
    )
    note = NoteFormField(label=_("Ghi chú"), rows=2, required=False)

    @classmethod
    def initial_from(cls, course) -> dict:
        return {name: getattr(course, name) for name in cls.base_fields}

    def course_data(self, attendance) -> CourseData:
        return CourseData(**self.cleaned_data, attendance=attendance)


class AttendanceForm(forms.Form):
    """One CĐCS and how many of its officers attended; a row left empty is no row."""

    cdcs = forms.ModelChoiceField(
        label=_("CĐCS"),
        queryset=None,
        required=False,
        empty_label=_("— Chọn CĐCS —"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm", "aria-label": _("CĐCS")}),
    )
    officers = forms.IntegerField(
        label=_("Số cán bộ"),
        min_value=1,
        max_value=MAX_OFFICERS,
        required=False,
        error_messages=_NUMBER_ERRORS,
        widget=forms.NumberInput(
            attrs={"class": "form-control form-control-sm text-end", "min": "1", "aria-label": _("Số cán bộ")}
        ),
    )

    def __init__(self, *args, cdcs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cdcs"].queryset = cdcs

    def clean(self):
        data = super().clean()
        if data.get("cdcs") and data.get("officers") is None and "officers" not in self.errors:
            self.add_error("officers", _("Hãy nhập số cán bộ của CĐCS này."))
        if data.get("officers") is not None and not data.get("cdcs") and "cdcs" not in self.errors:
            self.add_error("cdcs", _("Hãy chọn CĐCS."))
        return data


class BaseAttendanceFormSet(forms.BaseFormSet):
    def rows(self) -> list[tuple]:
        """(CĐCS, officers) of the rows filled in."""
        return [
            (form.cleaned_data["cdcs"], form.cleaned_data["officers"])
            for form in self.forms
            if form.cleaned_data.get("cdcs")
        ]


AttendanceFormSet = forms.formset_factory(AttendanceForm, formset=BaseAttendanceFormSet, extra=3, max_num=500)


class OrganiserForm(forms.Form):
    """The first step of a new course for those who may write for several organisations."""

    org = forms.ModelChoiceField(label=_("Đơn vị tổ chức lớp"), queryset=None, to_field_name="code")

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class CourseFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int, required=False, empty_value=None)
    org = forms.ModelChoiceField(
        label=_("Đơn vị tổ chức"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("— Tất cả —"),
    )

    def __init__(self, *args, years, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("— Tất cả —")), *((year, str(year)) for year in years)]
        self.fields["org"].queryset = orgs
