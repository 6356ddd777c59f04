import json
from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandError

from members.models import LossReason, Organisation, SectorGroup
from reports.selectors import Figures, ProgressReport, Scope, Structure, progress_report
from reports.texts import progress_sentence, structural_sentence, structure_note
from unionportal.lib.formatting import count as _n
from unionportal.lib.formatting import percent as _pct
from unionportal.lib.months import Month


class Command(BaseCommand):
    help = "In báo cáo phát triển đoàn viên, CĐCS của một khoảng tháng và câu tóm tắt."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, metavar="YYYY-MM", help="tháng đầu (vd 2018-01)")
        parser.add_argument("--to", dest="end", required=True, metavar="YYYY-MM", help="tháng cuối (vd 2021-03)")
        parser.add_argument("--org", metavar="MÃ", help="mã công đoàn cấp trên (mặc định: toàn tỉnh)")
        parser.add_argument("--sector-group", choices=SectorGroup.values, help="chỉ khu vực nhà nước / ngoài nhà nước")
        parser.add_argument(
            "--structure",
            choices=Structure.values,
            default=Structure.MONTHS,
            help="months: theo cơ cấu tổ chức của từng tháng (mặc định); today: tính lại theo cơ cấu hiện nay",
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, start, end, org, sector_group, structure, format, **options):
        try:
            start, end = Month.parse(start), Month.parse(end)
        except ValueError as error:
            raise CommandError(f"Tháng phải có dạng YYYY-MM: {error}") from None
        if start > end:
            raise CommandError(f"Tháng đầu {start} ở sau tháng cuối {end}.")
        if org:
            organisation = Organisation.objects.filter(code=org).first()
            if organisation is None:
                raise CommandError(
                    f"Không có đơn vị mã {org!r}. Các mã: "
                    + ", ".join(Organisation.objects.values_list("code", flat=True))
                )
        else:
            organisation = Organisation.objects.filter(kind=Organisation.Kind.PROVINCE).first()
            if organisation is None:
                raise CommandError("Chưa có LĐLĐ tỉnh trong cơ sở dữ liệu (chạy seed_demo để có dữ liệu mẫu).")
        report = progress_report(start=start, end=end, scope=Scope(organisation, sector_group, structure))
        if format == "json":
            self.stdout.write(json.dumps(as_json(report), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(as_text(report))


def _figures_json(figures: Figures) -> dict:
    derived = (
        "lost",
        "decrease",
        "net_members",
        "net_unions",
        "members_moved",
        "unions_moved",
        "members_reorganised",
        "unions_reorganised",
    )
    return {**asdict(figures), **{name: getattr(figures, name) for name in derived}}


def _row_json(row) -> dict:
    attainment = {}
    for name in ("year_members", "year_unions", "programme_members", "programme_unions"):
        value = getattr(row, name)
        attainment[name] = {
            "actual": value.actual,
            "quota": value.quota,
            "percent": None if value.percent is None else round(value.percent, 1),
            "expected_percent": round(value.expected_percent, 1),
            "on_track": value.on_track,
        }
    return {"code": row.org.code, "name": row.org.name, **_figures_json(row.figures), "attainment": attainment}


def as_json(report: ProgressReport) -> dict:
    programme = report.programme
    return {
        "from": report.start.iso,
        "to": report.end.iso,
        "organisation": report.scope.org.code,
        "sector_group": report.scope.sector_group,
        "structure": report.scope.structure,
        "programme": {
            "document_number": programme.document_number,
            "name": programme.name,
            "first_year": programme.first_year,
            "last_year": programme.last_year,
        }
        if programme
        else None,
        "total": _row_json(report.total),
        "federations": [_row_json(row) for row in report.rows],
        "sentence": progress_sentence(report),
        "reorganisation": structural_sentence(report.total.figures, province=report.scope.org.is_province),
    }


def as_text(report: ProgressReport) -> str:
    figures = report.total.figures
    scope = report.scope.org.name
    if report.scope.sector_group:
        scope += f" – {SectorGroup(report.scope.sector_group).label}"
    lines = [
        f"BÁO CÁO PHÁT TRIỂN ĐOÀN VIÊN, THÀNH LẬP CĐCS: {scope}",
        f"Kỳ báo cáo: {report.start} – {report.end}",
        f"Chương trình: {report.programme.document_number} ({report.programme.first_year}–{report.programme.last_year})"
        if report.programme
        else f"Chưa có chương trình nào cho năm {report.year}.",
        structure_note(report.scope.structure),
        "",
        f"{'':<34}{'Đoàn viên':>12}{'CĐCS':>8}",
        f"{'Đầu kỳ':<34}{_n(figures.members_start):>12}{_n(figures.unions_start):>8}",
        f"{'Kết nạp mới / thành lập mới':<34}{_n(figures.admitted):>12}{_n(figures.unions_founded):>8}",
        f"{'Giảm':<34}{_n(figures.decrease):>12}{_n(figures.unions_dissolved):>8}",
        f"{'Tăng tuyệt đối':<34}{_n(figures.net_members):>12}{_n(figures.net_unions):>8}",
    ]
    if not report.scope.org.is_province:
        lines.append(
            f"{'Chuyển CĐCS đến / đi (thuần)':<34}{_n(figures.members_moved):>12}{_n(figures.unions_moved):>8}"
        )
    if figures.has_structural or not report.scope.org.is_province:
        label = "Sắp xếp theo đề án (thuần)"
        lines.append(f"{label:<34}{_n(figures.members_reorganised):>12}{_n(figures.unions_reorganised):>8}")
    lines += [
        f"{'Cuối kỳ':<34}{_n(figures.members_end):>12}{_n(figures.unions_end):>8}",
        "",
        f"  Chuyển đến: {_n(figures.transferred_in)}; tổng giảm: {_n(figures.lost)}, trong đó:",
    ]
    lines += [f"    – {LossReason(reason).label}: {_n(count)}" for reason, count in figures.lost_by_reason.items()]
    lines += [
        "",
        f"{'Đơn vị':<38}{'Kết nạp':>9}{'Giảm':>8}{'Tăng TĐ':>8}{'Cuối kỳ':>9}"
        f"{'Lập mới':>8}{'Giải thể':>9}{f'% CT {report.year}':>11}{'% CT':>8}{'Sắp xếp':>9}",
    ]
    for row in [*report.rows, report.total]:
        g = row.figures
        name = "Tổng" if row is report.total else row.org.name
        lines.append(
            f"{name[:37]:<38}{_n(g.admitted):>9}{_n(g.decrease):>8}{_n(g.net_members):>8}"
            f"{_n(g.members_end):>9}{_n(g.unions_founded):>8}{_n(g.unions_dissolved):>9}"
            f"{_pct(row.year_members.percent):>11}{_pct(row.programme_members.percent):>8}"
            f"{_n(g.members_structural):>9}"
        )
    lines += ["", progress_sentence(report)]
    structural = structural_sentence(figures, province=report.scope.org.is_province)
    if structural:
        lines.append(structural)
    return "\n".join(lines)
