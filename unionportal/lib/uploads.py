"""What every two-step list upload shares: the record of an upload (`ListUpload`, abstract: each app's
own model adds what it is for and has its own table) and the form that takes the file.

The member lists (members.MemberListUpload), the enterprise lists (organising.EnterpriseListUpload)
and the self-assessment sheets (ratings.RatingUpload) each keep what was read and the problems
found until the upload is confirmed or dropped; the month sheets keep their original files
(members.Upload) and use the form only."""

from django import forms
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .sheets import ImportRefused, Problem


def uploader(user):
    """Who is noted on an upload: the user, or nobody for a command run without one."""
    return user if user is not None and user.is_authenticated else None


class ListUpload(models.Model):
    """An Excel list uploaded to be imported in two steps: what was read and the problems found,
    until it is confirmed or dropped. The member lists, the enterprise lists and the
    self-assessment sheets each add what they are for (a CĐCS and month, a federation, a year)."""

    class Outcome(models.TextChoices):
        PREVIEW = "preview", _("chờ xác nhận")
        REFUSED = "refused", _("bị từ chối")
        IMPORTED = "imported", _("đã nhập")
        DISCARDED = "discarded", _("đã hủy")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    problems = models.JSONField(_("lỗi"), default=list, blank=True)
    parsed = models.JSONField(_("dữ liệu đọc được"), default=dict, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.file_name

    @classmethod
    def receive(cls, *, data: bytes, file_name: str, user, problems: list[Problem], parsed: dict, **fields):
        """Keep an upload as read: refused with its problems (and nothing of what was read), or
        waiting for its confirmation with what was read (`parsed`). `file_name` is the default
        when the browser sent none; `fields` are what the app's own model adds."""
        refused = bool(problems)
        return cls.objects.create(
            uploaded_by=uploader(user),
            file_name=file_name[-255:],
            size=len(data),
            outcome=cls.Outcome.REFUSED if refused else cls.Outcome.PREVIEW,
            problems=[vars(problem) for problem in problems],
            parsed={} if refused else parsed,
            **fields,
        )

    def finish(self, *, user, imported: dict | None = None, refused: ImportRefused | None = None, forget: bool = True):
        """Note what became of the upload: imported (with the counts its model keeps, e.g.
        {"rows_created": 3}), refused, or, with neither, discarded; with `forget`, what was read
        is emptied (personal data stays in the register, not in a copy)."""
        fields = ["outcome", "problems", "finished_by", "finished_at"]
        if imported is not None:
            self.outcome = self.Outcome.IMPORTED
            for name, value in imported.items():
                setattr(self, name, value)
            fields += list(imported)
        elif refused is not None:
            self.outcome, self.problems = self.Outcome.REFUSED, [vars(problem) for problem in refused.problems]
        else:
            self.outcome = self.Outcome.DISCARDED
        if forget:
            self.parsed = {}
            fields.append("parsed")
        self.finished_by, self.finished_at = uploader(user), timezone.now()
        self.save(update_fields=fields)


class UploadForm(forms.Form):
    """The file of an upload; what it is checked for is unionportal.lib.sheets.workbook_read's."""

    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": _("Hãy chọn tệp .xlsx (tệp lớn hơn giới hạn cũng bị bỏ qua).")},
    )
