"""The member register (sổ đoàn viên): members, what happened to them (MemberEvent), and their
transfers between CĐCS of the province."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Right
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .counts import LossReason, first_of_month
from .org import GrassrootsUnion


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Member.Status.ACTIVE)


class Member(models.Model):
    """Một đoàn viên: a person in one CĐCS at a time. Written by members.register.services only;
    what happened to them is in their MemberEvents, which the register's monthly counts come from.

    Personal data: who may read it is members.access.members_visible_to; the ID number is shown
    masked (mask_id) except to those who ask for it, which the audit trail records."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang sinh hoạt")
        TRANSFERRED_OUT = "transferred_out", _("Đã chuyển đi ngoài tỉnh")
        LEFT = "left", _("Đã giảm")

    cdcs = models.ForeignKey(GrassrootsUnion, verbose_name=_("CĐCS"), on_delete=models.PROTECT, related_name="members")
    full_name = models.CharField(_("họ và tên"), max_length=150)
    # The name folded for search (members.register.people.fold): no diacritics, lower case, between spaces.
    search_name = models.CharField(max_length=160, editable=False, db_index=True)
    born_on = models.DateField(_("ngày sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("dân tộc"), max_length=50, blank=True)
    # Twelve ASCII digits: members.register.people.normal_id_number turns every other way of writing them into these.
    id_number = models.CharField(
        _("số CCCD"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"\A[0-9]{12}\Z", _("Số CCCD phải gồm đúng 12 chữ số."))],
    )
    card_number = models.CharField(_("số thẻ đoàn viên"), max_length=30, blank=True)
    # The card number as searches and lists compare it (members.register.people.card_key): "TN0001234" → "TN1234".
    card_key = models.CharField(max_length=30, blank=True, editable=False)
    joined_on = models.DateField(_("ngày vào công đoàn"))
    job = models.CharField(_("nghề nghiệp, chức vụ"), max_length=200, blank=True)
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    left_on = models.DateField(_("ngày giảm"), null=True, blank=True)
    left_reason = models.CharField(_("lý do giảm"), max_length=20, choices=LossReason.choices, blank=True)
    created_at = models.DateTimeField(_("ghi sổ lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("đoàn viên")
        verbose_name_plural = _("đoàn viên")
        ordering = ["search_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number=""),
                name="member_id_number_unique",
                violation_error_message=_("Số CCCD này đã có trong sổ đoàn viên của tỉnh."),
            ),
            models.CheckConstraint(
                condition=Q(status="active", left_on__isnull=True, left_reason="")
                | (~Q(status="active") & Q(left_on__isnull=False) & ~Q(left_reason="")),
                name="member_left_has_date_and_reason",
                violation_error_message=_("Đoàn viên đã giảm phải có ngày và lý do giảm."),
            ),
        ]
        indexes = [
            models.Index(fields=["cdcs", "status"]),
            models.Index(fields=["id_number"]),
            models.Index(fields=["card_key"]),
            # A search by the last four digits (members.register.people.member_search) finds its few
            # hundred members here instead of reading 2.5 million numbers.
            models.Index(Right("id_number", 4), name="member_id_ending"),
        ]
        # On PostgreSQL, migration 0015 adds a GIN index of the name's words (people.NameWords).

    def __str__(self):
        # Audit entries and messages name a member by record number only: no personal data there.
        return gettext("Đoàn viên #%(pk)s") % {"pk": self.pk}

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class MemberTransfer(models.Model):
    """A transfer between two CĐCS of the province (chuyển sinh hoạt): it waits until the receiving
    CĐCS accepts it; then the member leaves one and arrives in the other on the same day."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ tiếp nhận")
        ACCEPTED = "accepted", _("Đã tiếp nhận")
        REJECTED = "rejected", _("Bị từ chối")
        CANCELLED = "cancelled", _("Đã hủy")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    from_cdcs = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("từ CĐCS"), on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_cdcs = models.ForeignKey(
        GrassrootsUnion, verbose_name=_("đến CĐCS"), on_delete=models.PROTECT, related_name="transfers_in"
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("đề nghị lúc"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    accepted_on = models.DateField(_("ngày tiếp nhận"), null=True, blank=True)
    decision_note = models.CharField(_("lý do"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("chuyển sinh hoạt đoàn viên")
        verbose_name_plural = _("chuyển sinh hoạt đoàn viên")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status="pending"),
                name="transfer_one_pending_per_member",
                violation_error_message=_("Đoàn viên này đang có một đề nghị chuyển sinh hoạt chờ tiếp nhận."),
            ),
            models.CheckConstraint(condition=~Q(from_cdcs=F("to_cdcs")), name="transfer_between_two_cdcs"),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_on__isnull=False), name="transfer_accepted_has_date"
            ),
        ]
        indexes = [models.Index(fields=["to_cdcs", "status"]), models.Index(fields=["from_cdcs", "status"])]

    def __str__(self):
        return gettext("Chuyển sinh hoạt #%(pk)s") % {"pk": self.pk}


class MemberEvent(models.Model):
    """What happened to a member in a CĐCS on a day: the register's counts for a month are counts
    of these (members.register.people.register_figures), as the monthly figures are of people.

    OPENING puts a member who was in the CĐCS before it kept its register here into its stock from
    the month the register starts, without counting as a flow of that month."""

    class Kind(models.TextChoices):  # what happened to one person, hence the context
        OPENING = "opening", _("Ghi sổ (đã là đoàn viên)")
        ADMITTED = "admitted", pgettext_lazy("member event", "Kết nạp mới")
        TRANSFERRED_IN = "transferred_in", pgettext_lazy("member event", "Chuyển đến")
        LOST = "lost", pgettext_lazy("member event", "Giảm")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events")
    cdcs = models.ForeignKey(GrassrootsUnion, on_delete=models.PROTECT, related_name="member_events")
    kind = models.CharField(_("sự kiện"), max_length=20, choices=Kind.choices)
    reason = models.CharField(_("lý do giảm"), max_length=20, choices=LossReason.choices, blank=True)
    on = models.DateField(_("ngày"))
    month = models.DateField(_("tháng"))
    transfer = models.ForeignKey(MemberTransfer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("biến động đoàn viên")
        verbose_name_plural = _("biến động đoàn viên")
        ordering = ["on", "pk"]
        constraints = [
            models.CheckConstraint(condition=first_of_month("month"), name="member_event_month_starts_on_first"),
            models.CheckConstraint(
                condition=(Q(kind="lost") & ~Q(reason="")) | (~Q(kind="lost") & Q(reason="")),
                name="member_event_loss_has_reason",
            ),
        ]
        # Every column register_figures reads: it counts from the index, without the table.
        indexes = [models.Index(fields=["cdcs", "month", "kind", "reason"], name="member_event_counts")]

    def __str__(self):
        return f"{self.member_id} {self.kind} {self.on}"
