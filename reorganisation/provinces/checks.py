"""The checks of the import's first pass, record by record and section by section: what each
record must be on its own, what it refers to, and, for the monthly rows, the stock identity and the
continuity of each CĐCS's rows (start = the previous row's end)."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from members.models import LOSS_FIELDS, Member, MemberEvent, MemberTransfer, MonthlyReturn, Organisation
from members.register.people import ID_NUMBER
from unionportal.lib.formatting import count
from unionportal.lib.months import Month

from .fileformat import SECTIONS
from .totals import StockTotals

if TYPE_CHECKING:
    from .reading import ProvinceFile


class RecordChecks:
    """One method per section, called with each record's values in the file's order."""

    def __init__(self, file: "ProvinceFile"):
        self.file = file
        self.refuse = file.refuse
        self.affiliated: dict[str, Month] = {}  # CĐCS code → its first affiliation
        self.affiliation_keys: set[tuple] = set()
        self.stock = StockTotals(file.first, file.last) if file.first else None
        self.group: list = []  # the monthly rows of the CĐCS being read: (month, start, end)
        self.group_code: str | None = None
        self.grouped: set[str] = set()
        self.months: set[Month] = set()
        self.keys: set[tuple] = set()  # returns, members, transfers: what must be once
        self.member_ids: set[int] = set()
        self.transfer_ids: set[int] = set()
        self.pending: set[int] = set()
        self.merged: list[tuple[int, str, str]] = []
        self.ended = 0  # the sections before SECTIONS[ended] are complete

    # --- the tree ------------------------------------------------------------------------------

    def organisations(self, line: int, values: dict) -> None:
        if values["code"] in self.file.organisations:
            return self.refuse(line, "organisations", _("mã %(code)s lặp lại") % {"code": values["code"]})
        if values["active_from"] and values["active_to"] and values["active_to"] < values["active_from"]:
            self.refuse(line, "organisations", _("ngày kết thúc hoạt động trước ngày bắt đầu"))
        if values["merged_into"] and not values["active_to"]:
            self.refuse(line, "organisations", _("đã hợp nhất nhưng không có ngày kết thúc hoạt động"))
        self.file.organisations[values["code"]] = {**values, "line": line}

    def end_organisations(self) -> None:
        organisations, province = self.file.organisations, self.file.source_code
        for org in organisations.values():
            if org["parent"] != province and org["parent"] not in organisations:
                self.refuse(
                    org["line"], "organisations", _("trực thuộc %(code)s, không có trong tệp") % {"code": org["parent"]}
                )
            if org["merged_into"] and org["merged_into"] not in organisations:
                self.refuse(
                    org["line"],
                    "organisations",
                    _("hợp nhất vào %(code)s, không có trong tệp") % {"code": org["merged_into"]},
                )
        directs = [org for org in organisations.values() if org["kind"] == Organisation.Kind.DIRECT]
        for org in directs[1:]:
            self.refuse(org["line"], "organisations", _("tỉnh chỉ có một khối CĐCS trực thuộc"))

    def programmes(self, line: int, values: dict) -> None:
        key = (values["document_number"], values["document_date"])
        if key in self.file.programmes:
            return self.refuse(line, "programmes", _("chương trình %(number)s lặp lại") % {"number": key[0]})
        if values["last_year"] < values["first_year"]:
            self.refuse(line, "programmes", _("năm kết thúc trước năm bắt đầu"))
        self.file.programmes[key] = {**values, "line": line}

    def quotas(self, line: int, values: dict) -> None:
        programme = self.file.programmes.get((values["programme_number"], values["programme_date"]))
        organisation = values["organisation"]
        key = ("quota", values["programme_number"], values["programme_date"], organisation, values["year"])
        if programme is None:
            self.refuse(
                line, "quotas", _("chương trình %(number)s không có trong tệp") % {"number": values["programme_number"]}
            )
        elif not programme["first_year"] <= values["year"] <= programme["last_year"]:
            self.refuse(line, "quotas", _("năm %(year)s nằm ngoài chương trình") % {"year": values["year"]})
        if organisation != self.file.source_code and organisation not in self.file.organisations:
            self.refuse(line, "quotas", _("đơn vị %(code)s không có trong tệp") % {"code": organisation})
        if key in self.keys:
            self.refuse(line, "quotas", _("chỉ tiêu lặp lại"))
        self.keys.add(key)
        self.file.quotas.append({**values, "line": line})

    def cdcs(self, line: int, values: dict) -> None:
        code = values["code"]
        if code in self.file.cdcs:
            return self.refuse(line, "cdcs", _("mã CĐCS %(code)s lặp lại") % {"code": code})
        dissolved = values["dissolved_on"]
        if dissolved and dissolved < values["founded_on"]:
            self.refuse(line, "cdcs", _("ngày giải thể trước ngày thành lập"))
        if dissolved and not values["dissolution_reason"]:
            self.refuse(line, "cdcs", _("giải thể mà không ghi lý do"))
        if values["ended_by_reorganisation"] and not dissolved:
            self.refuse(line, "cdcs", _("kết thúc do sắp xếp tổ chức mà không có ngày kết thúc"))
        if values["merged_into"]:
            self.merged.append((line, code, values["merged_into"]))
        self.file.cdcs[code] = (Month.of(values["founded_on"]), Month.of(dissolved) if dissolved else None)

    def affiliations(self, line: int, values: dict) -> None:
        code, federation = values["cdcs"], values["federation"]
        if code not in self.file.cdcs:
            return self.refuse(line, "affiliations", _("CĐCS %(code)s không có trong tệp") % {"code": code})
        if federation not in self.file.organisations:
            self.refuse(
                line, "affiliations", _("công đoàn cấp trên %(code)s không có trong tệp") % {"code": federation}
            )
        if (code, values["valid_from"]) in self.affiliation_keys:
            self.refuse(line, "affiliations", _("CĐCS %(code)s có hai nơi trực thuộc cùng một tháng") % {"code": code})
        self.affiliation_keys.add((code, values["valid_from"]))
        month = Month.of(values["valid_from"])
        self.affiliated[code] = min(month, self.affiliated.get(code, month))
        if federation == self.file.direct_code:
            self.file.direct_since = min(values["valid_from"], self.file.direct_since or values["valid_from"])

    # --- the monthly figures ---------------------------------------------------------------------

    def figures(self, line: int, values: dict) -> None:
        code, month = values["cdcs"], Month.of(values["month"])
        where = _("CĐCS %(code)s, tháng %(month)s") % {"code": code, "month": month}
        if code not in self.file.cdcs:
            return self.refuse(line, "figures", _("%(where)s: CĐCS không có trong tệp") % {"where": where})
        if values["federation"] not in self.file.organisations:
            self.refuse(
                line,
                "figures",
                _("%(where)s: công đoàn cấp trên %(code)s không có trong tệp")
                % {"where": where, "code": values["federation"]},
            )
        if code != self.group_code:
            self._close_group()
            if code in self.grouped:
                self.refuse(
                    line,
                    "figures",
                    _("%(where)s: số liệu của CĐCS phải liền nhau, theo thứ tự tháng") % {"where": where},
                )
            self.group_code = code
        previous = self.group[-1] if self.group else None
        if previous and month <= previous[0]:
            self.refuse(
                line,
                "figures",
                _("%(where)s: tháng không sau tháng %(month)s của dòng trước") % {"where": where, "month": previous[0]},
            )
        elif previous and values["members_start"] != previous[2]:
            self.refuse(
                line,
                "figures",
                _("%(where)s: đầu kỳ %(start)s khác cuối kỳ %(end)s của tháng %(month)s (dòng trước)")
                % {
                    "where": where,
                    "start": count(values["members_start"]),
                    "end": count(previous[2]),
                    "month": previous[0],
                },
            )
        self._identity(line, where, values)
        self.months.add(month)
        self.group.append((month, values["members_start"], values["members_end"]))

    def _identity(self, line: int, where: str, values: dict) -> None:
        lost = sum(values[name] for name in LOSS_FIELDS.values())
        expected = values["members_start"] + values["admitted"] + values["transferred_in"] - lost
        if values["members_end"] != expected:
            self.refuse(
                line,
                "figures",
                _(
                    "%(where)s: cuối kỳ %(end)s ≠ đầu kỳ %(start)s + kết nạp %(admitted)s + chuyển đến %(in)s − giảm "
                    "%(lost)s = %(expected)s"
                )
                % {
                    "where": where,
                    "end": count(values["members_end"]),
                    "start": count(values["members_start"]),
                    "admitted": count(values["admitted"]),
                    "in": count(values["transferred_in"]),
                    "lost": count(lost),
                    "expected": count(expected),
                },
            )
        if values["reorg_in"] > values["transferred_in"] or values["reorg_out"] > values["lost_transferred_out"]:
            self.refuse(
                line,
                "figures",
                _("%(where)s: phần do sắp xếp tổ chức lớn hơn số chuyển đến, chuyển đi") % {"where": where},
            )

    def end_figures(self) -> None:
        self._close_group()

    def _close_group(self) -> None:
        code = self.group_code
        if code is None:
            return
        self.grouped.add(code)
        if self.stock is not None:
            founded, dissolved = self.file.cdcs[code]
            self.stock.add(founded=founded, dissolved=dissolved, affiliated=self.affiliated.get(code), rows=self.group)
        self.group, self.group_code = [], None

    def returns(self, line: int, values: dict) -> None:
        key = ("return", values["federation"], values["month"])
        if values["federation"] not in self.file.organisations:
            self.refuse(
                line, "returns", _("công đoàn cấp trên %(code)s không có trong tệp") % {"code": values["federation"]}
            )
        if key in self.keys:
            self.refuse(line, "returns", _("báo cáo tháng lặp lại"))
        if values["status"] == MonthlyReturn.Status.APPROVED and not values["approved_at"]:
            self.refuse(line, "returns", _("đã duyệt mà không có thời điểm duyệt"))
        if values["sent_back_at"] and (
            values["status"] != MonthlyReturn.Status.DRAFT or not values["send_back_reason"]
        ):
            self.refuse(line, "returns", _("đã trả lại thì phải đang nhập và có lý do trả lại"))
        self.keys.add(key)

    # --- the member register ------------------------------------------------------------------------

    def members(self, line: int, values: dict) -> None:
        if values["id"] in self.member_ids:
            return self.refuse(line, "members", _("đoàn viên #%(id)s lặp lại") % {"id": values["id"]})
        self.member_ids.add(values["id"])
        if values["cdcs"] not in self.file.cdcs:
            self.refuse(line, "members", _("CĐCS %(code)s không có trong tệp") % {"code": values["cdcs"]})
        number = values["id_number"]
        if number and not ID_NUMBER.match(number):
            self.refuse(line, "members", _("số CCCD của đoàn viên #%(id)s không hợp lệ") % {"id": values["id"]})
        elif number in self.file.id_numbers:
            self.refuse(
                line,
                "members",
                _("số CCCD của đoàn viên #%(id)s trùng với dòng %(line)s")
                % {"id": values["id"], "line": self.file.id_numbers[number]},
            )
        elif number:
            self.file.id_numbers[number] = line
        if values["status"] == Member.Status.ACTIVE:
            consistent = values["left_on"] is None and not values["left_reason"]
        else:
            consistent = values["left_on"] is not None and bool(values["left_reason"])
        if not consistent:
            self.refuse(
                line, "members", _("đoàn viên #%(id)s: tình trạng không khớp ngày và lý do giảm") % {"id": values["id"]}
            )

    def transfers(self, line: int, values: dict) -> None:
        if values["id"] in self.transfer_ids:
            return self.refuse(line, "transfers", _("chuyển sinh hoạt #%(id)s lặp lại") % {"id": values["id"]})
        self.transfer_ids.add(values["id"])
        if values["member"] not in self.member_ids:
            self.refuse(line, "transfers", _("đoàn viên #%(id)s không có trong tệp") % {"id": values["member"]})
        for code in (values["from_cdcs"], values["to_cdcs"]):
            if code not in self.file.cdcs:
                self.refuse(line, "transfers", _("CĐCS %(code)s không có trong tệp") % {"code": code})
        if values["from_cdcs"] == values["to_cdcs"]:
            self.refuse(line, "transfers", _("chuyển đi và đến cùng một CĐCS"))
        if values["status"] == MemberTransfer.Status.ACCEPTED and not values["accepted_on"]:
            self.refuse(line, "transfers", _("đã tiếp nhận mà không có ngày tiếp nhận"))
        if values["status"] == MemberTransfer.Status.PENDING:
            if values["member"] in self.pending:
                self.refuse(
                    line, "transfers", _("đoàn viên #%(id)s có hai đề nghị chờ tiếp nhận") % {"id": values["member"]}
                )
            self.pending.add(values["member"])

    def events(self, line: int, values: dict) -> None:
        if values["member"] not in self.member_ids:
            self.refuse(line, "events", _("đoàn viên #%(id)s không có trong tệp") % {"id": values["member"]})
        if values["cdcs"] not in self.file.cdcs:
            self.refuse(line, "events", _("CĐCS %(code)s không có trong tệp") % {"code": values["cdcs"]})
        if (values["kind"] == MemberEvent.Kind.LOST) != bool(values["reason"]):
            self.refuse(line, "events", _("chỉ sự kiện giảm mới có lý do giảm, và luôn có"))
        if values["transfer"] is not None and values["transfer"] not in self.transfer_ids:
            self.refuse(line, "events", _("chuyển sinh hoạt #%(id)s không có trong tệp") % {"id": values["transfer"]})

    # --- the whole file -----------------------------------------------------------------------------

    def reach(self, section: str) -> None:
        """A record of `section` comes: the sections before it are complete."""
        while self.ended < SECTIONS.index(section):
            ending = getattr(self, f"end_{SECTIONS[self.ended]}", None)
            if ending is not None:
                ending()
            self.ended += 1

    def finish(self) -> None:
        self.reach(SECTIONS[-1])
        ending = getattr(self, f"end_{SECTIONS[-1]}", None)
        if ending is not None:
            ending()
        for line, code, into in self.merged:
            if into not in self.file.cdcs:
                self.refuse(
                    line,
                    "cdcs",
                    _("CĐCS %(code)s hợp nhất vào %(into)s, không có trong tệp") % {"code": code, "into": into},
                )
        if self.stock is not None:
            for code, (founded, dissolved) in self.file.cdcs.items():
                if code not in self.grouped:
                    self.stock.add(founded=founded, dissolved=dissolved, affiliated=self.affiliated.get(code), rows=[])
            self.file.totals = self.stock.totals()
        self._against_header()

    def _against_header(self) -> None:
        header, file = self.file.header, self.file
        for name in SECTIONS:
            if header["counts"][name] != file.counts[name]:
                file.refuse(
                    0,
                    name,
                    _("phần đầu tệp ghi %(said)s bản ghi, tệp có %(found)s")
                    % {"said": count(header["counts"][name]), "found": count(file.counts[name])},
                )
        months = (min(self.months), max(self.months)) if self.months else (None, None)
        if months != (file.first, file.last):
            file.refuse(0, "figures", _("tháng đầu, tháng cuối của số liệu khác với phần đầu tệp"))
            return
        said = {
            item.get("month"): (item.get("members"), item.get("unions"))
            for item in header["totals"]
            if isinstance(item, dict)
        }
        for month, stock in file.totals.items():
            if said.get(month.iso) != (stock.members, stock.unions):
                members, unions = said.get(month.iso) or ("–", "–")
                file.refuse(
                    0,
                    "figures",
                    _(
                        "cuối tháng %(month)s: phần đầu tệp ghi %(members)s đoàn viên, %(unions)s CĐCS; số liệu "
                        "trong tệp cho %(found_members)s đoàn viên, %(found_unions)s CĐCS"
                    )
                    % {
                        "month": month,
                        "members": members,
                        "unions": unions,
                        "found_members": count(stock.members),
                        "found_unions": count(stock.unions),
                    },
                )
        if len(said) != len(file.totals):
            file.refuse(0, "figures", _("phần đầu tệp ghi số cuối tháng cho những tháng không có số liệu"))
