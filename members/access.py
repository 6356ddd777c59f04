"""Who may see and change what. Every view, import and command asks here, nowhere else.

- administrators (Django superusers) and provincial staff see and change everything;
- leadership and steering-committee members see everything and change nothing;
- federation staff see and change only their own federation's CĐCS and figures;
- anyone else (no profile) sees nothing but the login page."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from unionportal.lib.months import Month

from .models import GrassrootsUnion, Member, MonthlyFigure, Organisation, Role


def role_of(user) -> str | None:
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.PROVINCIAL_STAFF
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def is_provincial(user) -> bool:
    return role_of(user) == Role.PROVINCIAL_STAFF


def is_federation_staff(user) -> bool:
    return role_of(user) == Role.FEDERATION_STAFF


def reads_whole_province(user) -> bool:
    """Provincial staff and leadership: who read every federation, and the province's own pages
    (its reorganisation plans)."""
    return role_of(user) in (Role.PROVINCIAL_STAFF, Role.LEADERSHIP)


def own_federation(user) -> Organisation | None:
    """The federation of federation staff; None for every other role, who belong to none."""
    return user.profile.federation if is_federation_staff(user) else None


def _own_federation_id(user) -> int | None:
    return user.profile.federation_id if is_federation_staff(user) else None


def require_role(user) -> None:
    """Refuse (403) an account nobody has given a role yet: it reads nothing but the login page."""
    if role_of(user) is None:
        raise PermissionDenied(_("Tài khoản của bạn chưa được phân quyền. Hãy liên hệ Ban Tổ chức LĐLĐ tỉnh."))


def orgs_visible_to(user) -> QuerySet[Organisation]:
    """Organisations whose figures the user may read: the province and every federation,
    or only their own federation."""
    role = role_of(user)
    if role in (Role.PROVINCIAL_STAFF, Role.LEADERSHIP):
        return Organisation.objects.all()
    if role == Role.FEDERATION_STAFF:
        return Organisation.objects.filter(pk=_own_federation_id(user))
    return Organisation.objects.none()


def can_write(user, federation: Organisation) -> bool:
    """May the user change the CĐCS and figures of this federation?"""
    role = role_of(user)
    if role == Role.PROVINCIAL_STAFF:
        return True
    return role == Role.FEDERATION_STAFF and federation.pk == _own_federation_id(user)


def can_write_any(user) -> bool:
    """May the user change anything at all (provincial and federation staff), for pages that offer
    adding before a federation is chosen?"""
    return role_of(user) in (Role.PROVINCIAL_STAFF, Role.FEDERATION_STAFF)


def orgs_writable_by(user) -> QuerySet[Organisation]:
    """Organisations whose CĐCS, figures, enterprises and courses the user may change (can_write of
    each): every one, the province included, for provincial staff, their own federation for
    federation staff, none for anyone else. Callers narrow it (federations only, not merged away,
    active this month)."""
    role = role_of(user)
    if role == Role.PROVINCIAL_STAFF:
        return Organisation.objects.all()
    if role == Role.FEDERATION_STAFF:
        return Organisation.objects.filter(pk=_own_federation_id(user))
    return Organisation.objects.none()


def require_write(user, federation: Organisation) -> None:
    """For services: refuse a change the user may not make. user=None is the system itself
    (demo data, migrations), which is trusted."""
    if user is not None and not can_write(user, federation):
        raise PermissionDenied(_("Bạn không có quyền thay đổi số liệu của %(org)s.") % {"org": federation.name})


def require_provincial(user) -> None:
    if user is not None and not is_provincial(user):
        raise PermissionDenied(_("Chỉ cán bộ Ban Tổ chức LĐLĐ tỉnh được làm việc này."))


def access_org(user, code: str, *, write: bool = False) -> Organisation:
    """The organisation with this code if the user may see it (else 404, so that codes of other
    federations cannot be probed) and, with write=True, change it (else 403)."""
    org = orgs_visible_to(user).filter(code=code).first()
    if org is None:
        raise Http404(_("Không tìm thấy đơn vị."))
    if write:
        require_write(user, org)
    return org


def cdcs_visible_to(user) -> QuerySet[GrassrootsUnion]:
    """CĐCS the user may read: for federation staff, those that are or were under their federation
    ("was ever under": their history stays readable). A write that names a CĐCS asks cdcs_now_under."""
    role = role_of(user)
    if role in (Role.PROVINCIAL_STAFF, Role.LEADERSHIP):
        return GrassrootsUnion.objects.all()
    if role == Role.FEDERATION_STAFF:
        return GrassrootsUnion.objects.filter(affiliations__federation_id=_own_federation_id(user)).distinct()
    return GrassrootsUnion.objects.none()


def figures_visible_to(user) -> QuerySet[MonthlyFigure]:
    """Monthly rows the user may read: for federation staff, the months their federation reported."""
    role = role_of(user)
    if role in (Role.PROVINCIAL_STAFF, Role.LEADERSHIP):
        return MonthlyFigure.objects.all()
    if role == Role.FEDERATION_STAFF:
        return MonthlyFigure.objects.filter(federation_id=_own_federation_id(user))
    return MonthlyFigure.objects.none()


# --- the member register: personal data ---------------------------------------------------------


def can_read_people(user) -> bool:
    """Member records are personal data: provincial and federation staff read those their work
    needs; leadership sees counts, never names."""
    return role_of(user) in (Role.PROVINCIAL_STAFF, Role.FEDERATION_STAFF)


def require_people(user) -> None:
    if not can_read_people(user):
        raise PermissionDenied(_("Danh sách đoàn viên là dữ liệu cá nhân; vai trò của bạn chỉ xem số liệu tổng hợp."))


def cdcs_now_under(user) -> QuerySet[GrassrootsUnion]:
    """CĐCS "now under" the user's federation, which the user may change and name in a write (its
    members, its member lists, linking an enterprise to it): every CĐCS for provincial staff, those
    under their own federation this month for federation staff (a CĐCS that moved away takes its
    members' records and its enterprise with it), none for anyone else."""
    role = role_of(user)
    if role == Role.PROVINCIAL_STAFF:
        return GrassrootsUnion.objects.all()
    if role == Role.FEDERATION_STAFF:
        return GrassrootsUnion.objects.under(_own_federation_id(user), Month.of(timezone.localdate()))
    return GrassrootsUnion.objects.none()


def members_visible_to(user) -> QuerySet[Member]:
    """Member records the user may read (see cdcs_now_under)."""
    role = role_of(user)
    if role == Role.PROVINCIAL_STAFF:
        return Member.objects.all()
    if role == Role.FEDERATION_STAFF:
        # A subquery (GrassrootsUnion.objects.under), which PostgreSQL estimates well: the CĐCS ids as
        # a list cost more than the search itself for a union of 3,000 CĐCS (20 ms of parameters
        # and planning, bench/register_scale.py).
        return Member.objects.filter(cdcs_id__in=cdcs_now_under(user).values("pk"))
    return Member.objects.none()


class PeopleScope:
    """cdcs_now_under as a set of ids, for code that asks it of many members with one query.
    user=None is the system itself (demo data, commands run without --user), which reads all."""

    def __init__(self, user, *, among=None):
        """`among`: the only CĐCS ids that will be asked about, when the caller knows them (a member's
        page asks of a handful, not of the 3,000 CĐCS of a large union)."""
        self.everything = user is None or is_provincial(user)
        self.ids = set()
        if not self.everything:
            under = cdcs_now_under(user) if among is None else cdcs_now_under(user).filter(pk__in=list(among))
            self.ids = set(under.values_list("pk", flat=True))

    def __contains__(self, cdcs_id) -> bool:
        return self.everything or cdcs_id in self.ids

    def reads(self, member: Member) -> bool:
        return member.cdcs_id in self


def id_holder_refusal(scope: PeopleScope, holder: Member, *, transfer_hint: bool = False) -> tuple[str, bool]:
    """Why an ID number typed for someone new cannot be theirs, because `holder` has it, in the
    words the user may read, and whether that told them of a member they may not read (a look-up
    answered "elsewhere", which members.register.services counts and audits).

    The one place that decides what a user learns of an ID number held elsewhere: a member they
    may read is named with their CĐCS, as the list shows it anyway; anyone else is only "a member
    elsewhere", never which CĐCS or federation, whether they are active, or since when."""
    if not scope.reads(holder):
        return _("Người có số CCCD này đã là đoàn viên ở đơn vị khác; Ban Tổ chức LĐLĐ tỉnh có thể giúp."), True
    if holder.is_active:
        if transfer_hint:
            text = _("Người có số CCCD này đang sinh hoạt tại %(cdcs)s; cần làm thủ tục chuyển sinh hoạt.")
        else:
            text = _("Người có số CCCD này đang sinh hoạt tại %(cdcs)s.")
        return text % {"cdcs": holder.cdcs}, False
    return _("Số CCCD này đã có trong sổ (%(member)s).") % {"member": holder}, False
