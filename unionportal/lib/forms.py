"""Form pieces shared by every app.

Days and months are plain text inputs that show and read 03/12/2026 and 03/2021, day (or month)
first, whatever the language of the browser or of the page: a browser's own <input type="date">
shows and reads the browser's language (an English Chrome takes 03/12/2026 for 12 March), and its
<input type="month"> cannot be typed into. static/js/dates.js adds a calendar to both (vendored
vanillajs-datepicker); without it, typing is enough."""

from datetime import date

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .dates import DAY_FORMAT, EARLIEST_DAY, LATEST_DAY, parse_day
from .months import EARLIEST, LATEST, Month

# No `pattern` attribute: a browser would refuse the form itself, with a message in its own
# language; the server's message is in the page's.
_TYPED = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}


class DateInput(forms.DateInput):
    """A day typed as dd/mm/yyyy, with a calendar (data-date-input) where scripts run."""

    def __init__(self, attrs=None):
        attrs = {
            **_TYPED,
            "placeholder": "dd/mm/yyyy",
            "maxlength": "10",
            "data-date-input": "",
            "data-earliest": EARLIEST_DAY.isoformat(),
            "data-latest": LATEST_DAY.isoformat(),
            **(attrs or {}),
        }
        super().__init__(attrs, format=DAY_FORMAT)


class DateField(forms.Field):
    """A day: 03/12/2026 (also 3/12/2026, 03-12-2026, 03.12.2026, 03122026, or 2026-12-03
    pasted), always day first, between EARLIEST_DAY and LATEST_DAY."""

    widget = DateInput
    default_error_messages = {
        "invalid": _("Ngày không hợp lệ: hãy nhập dạng dd/mm/yyyy, ví dụ 10/03/2021."),
        "range": _("Ngày phải trong khoảng %(earliest)s – %(latest)s."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        try:
            day = parse_day(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise forms.ValidationError(
                self.error_messages["range"],
                code="range",
                params={"earliest": EARLIEST_DAY.strftime(DAY_FORMAT), "latest": LATEST_DAY.strftime(DAY_FORMAT)},
            )
        return day


class MonthInput(forms.TextInput):
    """A month typed as mm/yyyy, with a calendar of months (data-month-input) where scripts run."""

    def __init__(self, attrs=None):
        attrs = {
            **_TYPED,
            "placeholder": "mm/yyyy",
            "maxlength": "7",
            "data-month-input": "",
            "data-earliest": EARLIEST.first_day.isoformat(),
            "data-latest": LATEST.first_day.isoformat(),
            **(attrs or {}),
        }
        super().__init__(attrs)

    def format_value(self, value):
        if isinstance(value, Month):
            return str(value)
        try:  # "2021-03" from a query string shows as the page writes months
            return str(Month.parse(value)) if value else super().format_value(value)
        except ValueError:
            return super().format_value(value)


class MonthField(forms.Field):
    """A month, typed as 03/2021 or 2021-03, between EARLIEST and LATEST."""

    widget = MonthInput
    default_error_messages = {
        "invalid": _("Tháng không hợp lệ: hãy nhập dạng MM/YYYY, ví dụ 03/2021."),
        "range": _("Tháng phải trong khoảng %(earliest)s – %(latest)s."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Month):
            return value
        try:
            month = Month.parse(str(value))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not EARLIEST <= month <= LATEST:
            raise forms.ValidationError(
                self.error_messages["range"], code="range", params={"earliest": EARLIEST, "latest": LATEST}
            )
        return month


class LongSelect(forms.Select):
    """A <select> of many options (the federations of a whole country: 700), written in one pass.
    Django writes each option through a template of its own, which for hundreds of options costs
    more than the rest of a page. Flat choices only (no groups)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(item) for item in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, " selected" if str(key) in chosen else "", label) for key, label in self.choices),
        )
        attributes = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return format_html("<select{}>{}</select>", attributes, options)


def posted(request):
    """The form data of a POST, or None for a GET (an empty POST still binds the form)."""
    return request.POST if request.method == "POST" else None
