"""Who leads a CĐCS (cán bộ CĐCS): its terms (nhiệm kỳ), each opened by a congress (đại hội) or,
for a new CĐCS, by the upper union's appointment of a provisional committee (BCH lâm thời), and
the people who held a post in its executive committee (ban chấp hành, BCH) or its inspection
committee (ủy ban kiểm tra, UBKT) during the term, from one day to another.

A change during a term is a dated row: a chair who leaves keeps her row with the day she left
and why (`to_on`, `left_reason`), her replacement is a new row from the day he was appointed or
co-opted (`from_on`, `how`). Written by members.officers.services only, which audit every write;
what "cần kiện toàn" means is members.officers.selectors.needs_attention."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from unionportal.lib.text import NFCCharField, NoteField
from unionportal.lib.uploads import ListUpload

from .org import GrassrootsUnion, Organisation
from .register import Member

# The largest committee a CĐCS's statute may set: a bound against a typing slip ("150" for "15").
COMMITTEE_MAX = 50


def in_post_on(on: date, prefix: str = "") -> Q:
    """Officers in post on the day `on` (from_on ≤ on < to_on: on the day someone leaves, they no
    longer hold the post, and whoever follows them that day does); `prefix` for a related name
    ("officers__")."""
    still = Q(**{f"{prefix}to_on__isnull": True}) | Q(**{f"{prefix}to_on__gt": on})
    return Q(**{f"{prefix}from_on__lte": on}) & still


class TermQuerySet(models.QuerySet):
    def current_on(self, on: date):
        """Each CĐCS's term on the day `on`: the last to have started by then."""
        later = Term.objects.filter(cdcs=OuterRef("cdcs"), starts_on__gt=OuterRef("starts_on"), starts_on__lte=on)
        return self.filter(starts_on__lte=on).exclude(Exists(later))


class Term(models.Model):
    """A term of a CĐCS's committees (nhiệm kỳ): from `starts_on` until the next term starts. It is
    due to end on `ends_on` (five years after a congress, by the statute; the provisional
    committee's term is shorter); a term past that day with no next term is overdue."""

    class Kind(models.TextChoices):
        CONGRESS = "congress", _("Đại hội")
        PROVISIONAL = "provisional", _("BCH lâm thời do cấp trên chỉ định")

    cdcs = models.ForeignKey(GrassrootsUnion, verbose_name=_("CĐCS"), on_delete=models.PROTECT, related_name="terms")
    kind = models.CharField(_("mở nhiệm kỳ bằng"), max_length=12, choices=Kind.choices, default=Kind.CONGRESS)
    congress_on = models.DateField(_("ngày đại hội"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định công nhận"), max_length=100, blank=True)
    starts_on = models.DateField(_("nhiệm kỳ từ ngày"))
    ends_on = models.DateField(_("nhiệm kỳ đến ngày"))
    committee_size = models.PositiveSmallIntegerField(_("số ủy viên BCH"))
    inspection_size = models.PositiveSmallIntegerField(_("số ủy viên UBKT"), default=0)
    note = NoteField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhiệm kỳ CĐCS")
        verbose_name_plural = _("nhiệm kỳ CĐCS")
        ordering = ["cdcs", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["cdcs", "starts_on"],
                name="term_one_start_per_day",
                violation_error_message=_("CĐCS này đã có một nhiệm kỳ bắt đầu ngày này."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="term_ends_after_start",
                violation_error_message=_("Ngày kết thúc nhiệm kỳ phải sau ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=Q(kind="provisional") | (Q(congress_on__isnull=False) & Q(congress_on__lte=F("starts_on"))),
                name="term_congress_has_day",
                violation_error_message=_("Nhiệm kỳ mở bằng đại hội phải có ngày đại hội, không sau ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=Q(committee_size__gte=1, committee_size__lte=COMMITTEE_MAX)
                & Q(inspection_size__lte=COMMITTEE_MAX),
                name="term_sizes_in_range",
                violation_error_message=_("Số ủy viên BCH từ 1 đến 50, số ủy viên UBKT từ 0 đến 50."),
            ),
        ]
        indexes = [models.Index(fields=["ends_on"])]

    def __str__(self):
        return gettext("Nhiệm kỳ %(start)s–%(end)s của %(cdcs)s") % {
            "start": self.starts_on.year,
            "end": self.ends_on.year,
            "cdcs": self.cdcs.code,
        }


class Body(models.TextChoices):
    EXECUTIVE = "executive", _("Ban chấp hành")
    INSPECTION = "inspection", _("Ủy ban kiểm tra")


class Post(models.TextChoices):
    """A post in one of the two committees; the order is the order of precedence on a page."""

    CHAIR = "chair", _("Chủ tịch")
    VICE_CHAIR = "vice_chair", _("Phó Chủ tịch")
    STANDING = "standing", _("Ủy viên Ban Thường vụ")
    MEMBER = "member", _("Ủy viên Ban Chấp hành")
    INSPECTION_CHAIR = "inspection_chair", _("Chủ nhiệm UBKT")
    INSPECTION_VICE = "inspection_vice", _("Phó Chủ nhiệm UBKT")
    INSPECTION_MEMBER = "inspection_member", _("Ủy viên UBKT")


POSTS_OF_BODY = {
    Body.EXECUTIVE: (Post.CHAIR, Post.VICE_CHAIR, Post.STANDING, Post.MEMBER),
    Body.INSPECTION: (Post.INSPECTION_CHAIR, Post.INSPECTION_VICE, Post.INSPECTION_MEMBER),
}
# Posts that one person holds at a time in a term (two chairs at once are refused).
SINGLE_POSTS = (Post.CHAIR, Post.INSPECTION_CHAIR)


class OfficerQuerySet(models.QuerySet):
    def in_post(self, on: date):
        return self.filter(in_post_on(on))


class Officer(models.Model):
    """One person in one post of a term, from `from_on` until `to_on`, the day they left it (empty
    while in post)."""

    class How(models.TextChoices):
        ELECTED = "elected", _("Bầu tại đại hội")
        CO_OPTED = "co_opted", _("Bầu bổ sung")
        APPOINTED = "appointed", _("Cấp trên chỉ định")

    class LeftReason(models.TextChoices):
        TERM_ENDED = "term_ended", _("Hết nhiệm kỳ")
        POST_CHANGED = "post_changed", _("Chuyển sang chức vụ khác")
        MOVED = "moved", _("Chuyển công tác, nghỉ việc")
        RETIRED = "retired", _("Nghỉ hưu")
        RESIGNED = "resigned", _("Xin thôi")
        DISMISSED = "dismissed", _("Miễn nhiệm, bãi nhiệm, cách chức")
        DIED = "died", _("Từ trần")
        OTHER = "other", _("Lý do khác")

    term = models.ForeignKey(Term, verbose_name=_("nhiệm kỳ"), on_delete=models.CASCADE, related_name="officers")
    full_name = NFCCharField(_("họ và tên"), max_length=150)
    member = models.ForeignKey(
        Member,
        verbose_name=_("đoàn viên trong sổ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="officer_posts",
    )
    body = models.CharField(_("cơ quan"), max_length=12, choices=Body.choices, default=Body.EXECUTIVE)
    post = models.CharField(_("chức vụ"), max_length=20, choices=Post.choices)
    full_time = models.BooleanField(_("chuyên trách"), default=False)
    how = models.CharField(_("hình thức"), max_length=10, choices=How.choices, default=How.ELECTED)
    decision_number = models.CharField(_("số quyết định"), max_length=100, blank=True)
    from_on = models.DateField(_("từ ngày"))
    to_on = models.DateField(_("đến ngày"), null=True, blank=True)
    left_reason = models.CharField(_("lý do thôi giữ chức vụ"), max_length=15, choices=LeftReason.choices, blank=True)
    note = NoteField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = OfficerQuerySet.as_manager()

    class Meta:
        verbose_name = _("cán bộ CĐCS")
        verbose_name_plural = _("cán bộ CĐCS")
        ordering = ["term", "from_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(full_name=""), name="officer_has_name", violation_error_message=_("Hãy ghi họ và tên.")
            ),
            models.CheckConstraint(
                condition=Q(body="executive", post__in=POSTS_OF_BODY[Body.EXECUTIVE])
                | Q(body="inspection", post__in=POSTS_OF_BODY[Body.INSPECTION]),
                name="officer_post_of_body",
                violation_error_message=_("Chức vụ này không thuộc cơ quan đã chọn."),
            ),
            models.CheckConstraint(
                condition=Q(to_on__isnull=True) | Q(to_on__gte=F("from_on")),
                name="officer_leaves_after_joining",
                violation_error_message=_("Ngày thôi giữ chức vụ không được trước ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=Q(to_on__isnull=True, left_reason="") | (Q(to_on__isnull=False) & ~Q(left_reason="")),
                name="officer_left_has_day_and_reason",
                violation_error_message=_("Thôi giữ chức vụ phải có ngày và lý do."),
            ),
            models.UniqueConstraint(
                fields=["term", "post"],
                condition=Q(post__in=SINGLE_POSTS, to_on__isnull=True),
                name="officer_one_chair_in_post",
                violation_error_message=_("Nhiệm kỳ này đang có người giữ chức vụ này."),
            ),
        ]
        indexes = [models.Index(fields=["term", "to_on"])]

    def __str__(self):
        # Audit entries and messages name an officer by post and record number: no name there.
        return gettext("%(post)s #%(pk)s") % {"post": self.get_post_display(), "pk": self.pk}

    @property
    def in_post(self) -> bool:
        return self.to_on is None

    @property
    def is_single_post(self) -> bool:
        return self.post in SINGLE_POSTS


class OfficerListUpload(ListUpload):
    """A federation's list of CĐCS officers (Excel), until it is confirmed or dropped; what was read
    is emptied once it is finished (the names stay in the officers' rows, not in a copy)."""

    federation = models.ForeignKey(
        Organisation, verbose_name=_("công đoàn cấp trên"), on_delete=models.PROTECT, related_name="+"
    )
    sha256 = models.CharField(max_length=64)
    terms_created = models.PositiveIntegerField(_("số nhiệm kỳ thêm mới"), default=0)
    officers_created = models.PositiveIntegerField(_("số cán bộ thêm mới"), default=0)
    officers_updated = models.PositiveIntegerField(_("số cán bộ cập nhật"), default=0)

    class Meta(ListUpload.Meta):
        verbose_name = _("danh sách cán bộ CĐCS tải lên")
        verbose_name_plural = _("danh sách cán bộ CĐCS tải lên")

    def __str__(self):
        return f"{self.file_name} ({self.federation.code})"
