"""Text as it comes in, one rule for every path (forms, the admin, Excel sheets, commands, services).

- **One Unicode form.** Some Vietnamese keyboards send decomposed letters (NFD: "e" followed by
  the combining marks), others composed ones (NFC), and both look the same on screen. Names and
  codes are stored composed, and a value looked up is composed first, so that "Đại Từ" typed
  either way is one name and finds the other. The model fields below do it in `to_python` (forms,
  full_clean), `pre_save` (every save, bulk inserts included) and `get_prep_value` (lookups).
- **One rule for codes** of CĐCS and federations, which stand in URLs, file names and sheets:
  letters A–Z or a–z, digits and dashes between them, at most 20 characters. No space, "/" (it
  would end a URL's segment), dot ("." and ".." are paths, and "DT.01" is a look-alike of "DT01"),
  underscore (it vanishes under a link's underline) or letter with a diacritic.
- **One limit for free text** (notes, reasons, a contact's outcome), so that a page cannot be made
  to store megabytes."""

import unicodedata

from django import forms
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

CODE_MAX_LENGTH = 20
# One form for Python (the validator: \Z, as $ would accept a trailing newline) and one for the
# database's CHECK constraint (PostgreSQL's ~ and SQLite's REGEXP: no \Z there).
CODE_PATTERN = r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*\Z"
CODE_DB_PATTERN = r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$"
CODE_MESSAGE = _(
    "Mã chỉ gồm chữ cái không dấu (A–Z), chữ số và dấu gạch ngang “-” giữa chúng; không có khoảng trắng, "
    "dấu “/”, dấu chấm hay ký tự khác."
)
CODE_HELP = _("Chữ cái không dấu, chữ số và dấu gạch ngang, tối đa 20 ký tự; ví dụ DT15 hoặc KCN-07.")
code_validator = RegexValidator(CODE_PATTERN, CODE_MESSAGE, code="code_format")

TEXT_MAX_LENGTH = 2000
TEXT_LENGTH_MESSAGE = _("Tối đa %(limit_value)s ký tự (bạn đã ghi %(show_value)s ký tự).")
text_length_validator = MaxLengthValidator(TEXT_MAX_LENGTH, message=TEXT_LENGTH_MESSAGE)


def nfc(value):
    """Text in its composed form (NFC); anything else as it is."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


# --- form fields --------------------------------------------------------------------------------


class NFCFormField(forms.CharField):
    """A text field whose value is composed (NFC) before it is checked: a length counts letters as
    they are seen, not as the keyboard sent them."""

    def to_python(self, value):
        return nfc(super().to_python(value))


class CodeFormField(NFCFormField):
    default_validators = [code_validator]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", CODE_MAX_LENGTH)
        kwargs.setdefault("help_text", CODE_HELP)
        super().__init__(**kwargs)


class NoteFormField(NFCFormField):
    """Free text, at most TEXT_MAX_LENGTH characters (the browser stops there too)."""

    default_validators = [text_length_validator]

    def __init__(self, *, rows: int = 3, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        kwargs.pop("max_length", None)  # the limit is the validator's, with its Vietnamese message
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "maxlength": str(TEXT_MAX_LENGTH)}


# --- model fields -------------------------------------------------------------------------------


class _Composed:
    """Compose text wherever a model field's value comes in or goes out to the database."""

    def to_python(self, value):
        return nfc(super().to_python(value))

    def get_prep_value(self, value):
        return nfc(super().get_prep_value(value))

    def pre_save(self, model_instance, add):
        value = nfc(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value


class NFCCharField(_Composed, models.CharField):
    """A name or other short text, stored composed (NFC)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NFCFormField, **kwargs})


class CodeField(NFCCharField):
    """The code of a CĐCS or a federation (see the module's note)."""

    default_validators = [code_validator]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", CODE_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": CodeFormField, **kwargs})


class NoteField(_Composed, models.TextField):
    """Free text of at most TEXT_MAX_LENGTH characters, checked by full_clean and by its forms."""

    default_validators = [text_length_validator]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NoteFormField, **kwargs})
