from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from members.management.arguments import user_argument
from members.models import AuditEntry
from reports.models import ApiToken
from reports.tokens import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = (
        "Mã truy cập API chỉ đọc (reports/api/progress.json): tạo cho một người dùng (mã chỉ in ra một lần), "
        "liệt kê, thu hồi. Mã có quyền xem như chính người dùng đó. Tạo và thu hồi ghi vào nhật ký dưới tên "
        "cán bộ Ban Tổ chức làm việc đó (--by)."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="create|list|revoke")
        create = actions.add_parser("create", help="tạo mã mới và in ra (chỉ một lần)")
        create.add_argument("--user", required=True, metavar="TÊN_ĐĂNG_NHẬP", help="mã hoạt động với quyền người này")
        create.add_argument("--name", default="", help="dùng cho việc gì (vd: bảng tin Văn phòng)")
        actions.add_parser("list", help="liệt kê các mã (không in được mã, chỉ phần đầu)")
        revoke = actions.add_parser("revoke", help="thu hồi một mã")
        revoke.add_argument("prefix", metavar="PHẦN_ĐẦU", help="phần đầu của mã, như lệnh list in ra")
        for parser in (create, revoke):
            parser.add_argument(
                "--by", required=True, metavar="TÊN_ĐĂNG_NHẬP", help="cán bộ Ban Tổ chức làm việc này (ghi nhật ký)"
            )

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, *, user, name, by, **options):
        person = user_argument(user)
        try:
            token, key = api_token_create(
                user=person, name=name, created_by=user_argument(by), source=AuditEntry.Source.COMMAND
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except PermissionDenied as error:
            raise CommandError(f"{by}: {error}") from None
        self.stderr.write(f"Đã tạo mã {token.prefix}… cho {person.get_username()}. Mã chỉ hiện một lần:")
        self.stdout.write(key)

    def _list(self, **options):
        for token in ApiToken.objects.select_related("user"):
            state = f"thu hồi {token.revoked_at:%d/%m/%Y}" if token.revoked_at else "đang dùng"
            used = f"{token.last_used_at:%d/%m/%Y %H:%M}" if token.last_used_at else "chưa dùng"
            self.stdout.write(f"{token.prefix}…\t{token.user.get_username()}\t{state}\t{used}\t{token.name}")

    def _revoke(self, *, prefix, by, **options):
        person = user_argument(by)
        tokens = list(ApiToken.objects.filter(prefix__startswith=prefix.rstrip("…")).select_related("user")[:2])
        if len(tokens) != 1:
            raise CommandError(f"Không có mã nào bắt đầu bằng {prefix!r}." if not tokens else "Có nhiều mã khớp.")
        try:
            api_token_revoke(token=tokens[0], revoked_by=person, source=AuditEntry.Source.COMMAND)
        except PermissionDenied as error:
            raise CommandError(f"{by}: {error}") from None
        self.stdout.write(f"Đã thu hồi mã {tokens[0].prefix}….")
