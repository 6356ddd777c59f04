"""The demo province: each app seeds its own part, in the order they stand on each other, in one
transaction; the counts go to the audit trail and the screen."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from members.audit import audit_log
from members.demo import later_seeders
from members.demo.province import demo_exists, demo_logins, resume_members, seed_members
from members.demo.tables import REORGANISATION
from members.models import AuditEntry
from organising.demo import seed_organising
from ratings.demo import seed_ratings
from reorganisation.demo import seed_reorganisation
from targets.demo import seed_targets
from training.demo import seed_training
from unionportal.lib.months import Month


@transaction.atomic
def seed_demo(*, end: Month) -> dict[str, int]:
    """Build the demo province with figures up to `end`. Returns counts of what it wrote."""
    # The figures up to 06/2025 when the demo goes past its July 2025 reorganisation: the plan is
    # applied on them (quotas in place, to be handed on), then the later months are generated on
    # the structure it left.
    world = seed_members(end=end, pause_before=REORGANISATION)
    quotas = seed_targets(province=world.province, federations=world.federations, end=end)
    if world.paused:
        seed_reorganisation(world=world)
        resume_members(world)
    # Issue 8: the organising pipeline, the annual CĐCS rating and the cadre training.
    extra = {"province": world.province, "federations": world.federations, "users": world.users, "end": end}
    enterprises, ratings, courses = seed_organising(**extra), seed_ratings(**extra), seed_training(**extra)
    for seed in later_seeders():  # the home pages' work to do (desk.demo)
        seed(federations=world.federations, users=world.users, end=end)
    counts = {
        "federations": len(world.federations),
        "cdcs": world.cdcs,
        "figures": world.figures,
        "returns": world.returns,
        "quotas": quotas,
        "users": len(world.users) + 1,
        "members": world.members,
        "enterprises": enterprises,
        "ratings": ratings,
        "courses": courses,
    }
    audit_log(world.admin, "demo.seed", world.province, source=AuditEntry.Source.COMMAND, end=end.iso, **counts)
    return counts


class Command(BaseCommand):
    help = "Dựng tỉnh mẫu (như Thái Nguyên) với số liệu đến tháng gần nhất đã kết thúc. Chạy lại không thay đổi gì."

    def add_arguments(self, parser):
        parser.add_argument(
            "--until", metavar="YYYY-MM", help="tháng cuối có số liệu (mặc định: tháng gần nhất đã kết thúc)"
        )

    def handle(self, *args, until=None, **options):
        try:
            end = Month.parse(until) if until else Month.last_complete(timezone.localdate())
        except ValueError:
            raise CommandError(f"--until phải có dạng YYYY-MM, không phải {until!r}.") from None
        if end < Month(2021, 3):
            raise CommandError("Dữ liệu mẫu cần chạy ít nhất đến 03/2021.")
        if demo_exists():
            self.stdout.write("Dữ liệu mẫu đã có sẵn: không thay đổi gì.")
        else:
            counts = seed_demo(end=end)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã dựng tỉnh mẫu đến {end}: {counts['federations']} công đoàn cấp trên, {counts['cdcs']} CĐCS, "
                    f"{counts['figures']} dòng số liệu tháng, {counts['quotas']} chỉ tiêu, "
                    f"{counts['members']} đoàn viên trong sổ, {counts['enterprises']} doanh nghiệp đang theo dõi, "
                    f"{counts['ratings']} kết quả đánh giá CĐCS, {counts['courses']} lớp đào tạo cán bộ."
                )
            )
        self.stdout.write("\nTài khoản dùng thử (mật khẩu như nhau):")
        for username, password, what in demo_logins():
            self.stdout.write(f"  {username:<12} {password:<10} {what}")
