"""The body of the entry grid, rendered in Python.

A federation of 1,000 CĐCS makes 13,000 cells; Django's template engine takes most of a second
for them, plain string building a few tens of milliseconds. Everything that comes from the
database or from what was typed goes through escape(); the rest of the page stays a template
(templates/members/grid.html)."""

from urllib.parse import quote

from django.urls import reverse
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionportal.lib.formatting import count

from ...models import Sector
from ..grid import Grid, GridRow, encode_base
from ..reconcile import figures_of, register_differences

_PLACEHOLDER = "CODE-PLACEHOLDER"

# Sectors as the grid shows them under each name; the full name is in the cell's title.
SECTOR_SHORT = {
    "public": gettext_lazy("HCSN"),
    "soe": gettext_lazy("DNNN"),
    "private": gettext_lazy("DN ngoài NN"),
    "fdi": gettext_lazy("FDI"),
    "cooperative": gettext_lazy("HTX"),
    "other": gettext_lazy("Khác"),
}


def render_rows(grid: Grid, rows: list[GridRow], *, writable: bool) -> SafeString:
    """The rows of the grid the page shows (all of them, or a page of them: grid_paging)."""
    detail = reverse("members:cdcs_detail", kwargs={"code": _PLACEHOLDER})
    history = reverse("members:figure_history", kwargs={"code": _PLACEHOLDER, "month": grid.month})
    texts = {
        "dissolved": escape(_("giải thể")),
        "opening": escape(_("đầu kỳ")),
        "opening_title": escape(_("Tháng đầu tiên trên hệ thống: nhập số đoàn viên đầu kỳ")),
        "missing": escape(_("chưa nhập")),
        "conflict": escape(_("Ô viền vàng: số bạn nhập khác số người khác vừa lưu. Bấm số đúng, hoặc gõ lại.")),
        "mine": escape(_("Của bạn")),
        "mine_title": escape(_("Giữ số bạn nhập")),
        "theirs": escape(_("Đã lưu")),
        "theirs_title": escape(_("Lấy số người khác đã lưu")),
        "taken": escape(_("Người khác đã lưu số này sau khi bạn mở trang")),
        "acknowledge": escape(_("Đã kiểm tra, số liệu đúng")),
        "acknowledged": escape(_("Đã kiểm tra")),
        "history": escape(_("Lịch sử")),
        "prefilled": escape(_("theo sổ đoàn viên")),
        "prefilled_title": escape(_("Điền sẵn theo sổ đoàn viên, chưa lưu: kiểm tra rồi bấm Lưu số liệu.")),
        "off_register": escape(_("lệch sổ")),
        "off_register_title": escape(_("Số liệu đã lưu khác số đếm từ sổ đoàn viên: xem trang đối chiếu.")),
    }
    # Each sector's names once, not once a row: a lazy translation is looked up each time it is read.
    texts["sectors"] = {
        value: (escape(label), escape(SECTOR_SHORT.get(value, value))) for value, label in Sector.choices
    }
    reconcile = reverse("members:reconcile", kwargs={"code": grid.federation.code, "month": grid.month})
    links = {"detail": detail, "history": history, "reconcile": reconcile}
    return mark_safe("".join(_row(row, writable, links, texts) for row in rows))


def _input(row: GridRow, column: str, value, texts: dict, extra: str = "", attrs: str = "", hint: str = "") -> str:
    """One cell's input, marked when it is at fault, in conflict with someone else's save (with a
    button for each value) or was taken from someone else's save."""
    css, title = f"g{extra}", hint
    if column in row.cell_errors:
        css += " is-invalid"
        title = escape(" ".join(row.cell_errors[column]))
        attrs += ' aria-invalid="true"'
    elif column in row.conflicts:
        css += " conflict"
    elif column in row.taken:
        css += " taken"
        title = texts["taken"]
    if title:  # already escaped
        attrs += f' title="{title}"'
    cell = f'<input class="{css}" name="r{row.cdcs.pk}-{column}" value="{escape(value)}"{attrs}>'
    if column not in row.conflicts:
        return cell
    mine, theirs = row.conflicts[column]
    return (
        f'{cell}<span class="pick-both">'
        f'<button type="button" class="pick active" data-value="{_plain(mine)}" title="{texts["mine_title"]}">'
        f"{texts['mine']}: {count(mine or 0)}</button>"
        f'<button type="button" class="pick" data-value="{_plain(theirs)}" title="{texts["theirs_title"]}">'
        f"{texts['theirs']}: {count(theirs or 0)}</button></span>"
    )


def _plain(value: int | None) -> str:
    return "" if value is None else str(value)


def _row(row: GridRow, writable: bool, links: dict, texts: dict) -> str:
    cdcs = row.cdcs
    code = quote(cdcs.code, safe="")
    css = "table-danger" if row.errors else ("table-warning" if row.conflicts else "")
    start = row.start
    marks = " data-prefilled" if row.prefilled else ""
    if row.posted or row.prefilled or row.figure is None:
        # Shows what is not saved (typed before a refused save, filled from the register, or
        # nothing yet, which a save makes a row of): the page's script posts it even untouched.
        marks += " data-post"
    return "".join(
        [
            f'<tr id="row-{cdcs.pk}" data-start="{"" if start is None else start}" class="{css}"{marks}>',
            _name_cell(row, code, links, texts),
            *_count_cells(row, writable, texts),
            _notes_cell(row, code, writable, links, texts),
            "</tr>",
        ]
    )


def _name_cell(row: GridRow, code: str, links: dict, texts: dict) -> str:
    """The CĐCS: its name (a link to it), code and sector, and when it was dissolved."""
    cdcs = row.cdcs
    name = escape(cdcs.name)
    sector, short = texts["sectors"].get(cdcs.sector) or (escape(cdcs.sector),) * 2
    parts = [
        '<th scope="row" class="sticky-col fw-normal">',
        f'<a href="{links["detail"].replace(_PLACEHOLDER, code)}" title="{name} · {sector}">{name}</a>',
        f"<small>{escape(cdcs.code)} · {short}",
    ]
    if cdcs.dissolved_on:
        day = formats.date_format(cdcs.dissolved_on, "SHORT_DATE_FORMAT")
        parts.append(f' · <span class="text-danger">{texts["dissolved"]} {day}</span>')
    parts.append("</small></th>")
    return "".join(parts)


def _count_cells(row: GridRow, writable: bool, texts: dict) -> list[str]:
    """The opening stock, the month's flows, the end stock and the workers: inputs when writable."""
    parts = []
    if row.needs_opening and writable:
        opening = _input(
            row,
            "members_start",
            row.typed.get("members_start", ""),
            texts,
            " opening",
            f' placeholder="{texts["opening"]}"',
            hint=texts["opening_title"],
        )
        parts.append(f'<td class="text-end">{opening}</td>')
    else:
        parts.append(f'<td class="text-end">{count(row.start)}</td>')

    for column, value in row.cells:
        border = " border-start" if column == "lost_job" else ""
        cell = _input(row, column, value, texts) if writable else count(value if value != "" else None)
        parts.append(f'<td class="text-end{border}">{cell}</td>')
    end = row.computed_end()
    if writable:
        typed_end = _input(
            row, "members_end", row.typed.get("members_end", ""), texts, " end", f' placeholder="{_plain(end)}"'
        )
        parts.append(
            f'<td class="text-end border-start">{typed_end}</td>'
            f'<td class="text-end">{_input(row, "workers", row.typed.get("workers", ""), texts)}</td>'
        )
    else:
        parts.append(
            f'<td class="text-end border-start"><strong>{count(end)}</strong></td>'
            f'<td class="text-end">{count(row.values.get("workers"))}</td>'
        )
    return parts


def _notes_cell(row: GridRow, code: str, writable: bool, links: dict, texts: dict) -> str:
    """What the row says beside its figures: missing, prefilled, off the register, its errors,
    conflicts and warnings (with the "Đã kiểm tra" box), its history, and the row as saved."""
    cdcs = row.cdcs
    parts = ['<td class="small notes">']
    if row.figure is None:
        parts.append(f'<span class="badge text-bg-secondary">{texts["missing"]}</span>')
    if row.prefilled:
        parts.append(
            f' <span class="badge text-bg-info prefilled" title="{texts["prefilled_title"]}">'
            f"{texts['prefilled']}</span>"
        )
    off_register = row.figure is not None and row.register is not None
    if off_register and register_differences(figures_of(row.figure), row.register):
        parts.append(
            f' <a class="badge text-bg-warning off-register me-1" href="{links["reconcile"]}#cdcs-{code}" '
            f'title="{texts["off_register_title"]}">{texts["off_register"]}</a>'
        )
    parts.extend(f'<div class="text-danger row-error">{escape(message)}</div>' for message in row.errors)
    if row.conflicts:
        parts.append(f'<div class="text-warning-emphasis row-conflict">{texts["conflict"]}</div>')
    if row.warnings and not row.errors:  # a refused row has enough to say
        tone = "text-body-secondary" if row.ticked else "text-warning-emphasis"
        parts.append(f'<div class="row-warning {tone}">')
        parts.extend(f"<div>⚠ {escape(message)}</div>" for message in row.warning_messages())
        if writable:
            checked = " checked" if row.ticked else ""
            parts.append(
                f'<label class="form-check-label"><input type="checkbox" class="form-check-input me-1" '
                f'name="r{cdcs.pk}-ack" value="1"{checked}>{texts["acknowledge"]}</label>'
            )
        elif row.ticked:
            parts.append(f"<div>{texts['acknowledged']}</div>")
        parts.append("</div>")
    if row.figure is not None:
        url = links["history"].replace(_PLACEHOLDER, code)
        parts.append(f'<a class="history-link" href="{url}">{texts["history"]}</a>')
    if writable:  # the row as saved when the page was made, for a later save to merge with others' (grid_save)
        box = bool(row.warnings and not row.errors) and row.ticked  # the tick as the form will post it untouched
        parts.append(f'<input type="hidden" name="r{cdcs.pk}-base" value="{encode_base(row.saved(), box)}">')
    parts.append("</td>")
    return "".join(parts)
