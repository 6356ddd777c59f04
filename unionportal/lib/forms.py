"""Form pieces shared by every app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .months import Month


class MonthInput(forms.TextInput):
    """<input type="month">: browsers show a month picker and send "2021-03"."""

    input_type = "month"

    def format_value(self, value):
        if isinstance(value, Month):
            return value.iso
        return super().format_value(value)


class MonthField(forms.Field):
    """A month, typed as 2021-03 or 03/2021."""

    widget = MonthInput
    default_error_messages = {"invalid": _("Tháng không hợp lệ: hãy nhập dạng MM/YYYY, ví dụ 03/2021.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Month):
            return value
        try:
            return Month.parse(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def posted(request):
    """The form data of a POST, or None for a GET (an empty POST still binds the form)."""
    return request.POST if request.method == "POST" else None
