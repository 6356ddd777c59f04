"""Programmes and their quota grid: everyone with a role reads them, provincial staff change them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members.access import is_provincial, require_provincial, require_role

from .forms import ProgrammeForm
from .models import Programme
from .selectors import QUOTA_KINDS, QuotaGrid, overlapping_programmes, programmes_with_totals, quota_grid
from .services import MAX_PROGRAMME_YEARS, programme_copy, programme_create, quotas_save


def _overlap_note(programme: Programme) -> str:
    others = overlapping_programmes(first_year=programme.first_year, last_year=programme.last_year, exclude=programme)
    if not others:
        return ""
    return _(
        "Chương trình này có năm trùng với %(others)s. Báo cáo của năm trùng dùng chỉ tiêu của chương trình "
        "bắt đầu muộn hơn."
    ) % {"others": ", ".join(str(other) for other in others)}


@login_required
def programme_list(request):
    require_role(request.user)
    return render(
        request,
        "targets/programme_list.html",
        {"programmes": programmes_with_totals(), "can_edit": is_provincial(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request):
    require_provincial(request.user)
    latest = Programme.objects.order_by("-first_year", "-pk").first()
    if request.method == "POST":
        form = ProgrammeForm(request.POST)
        if form.is_valid():
            programme = _create(form, request.user)
            if programme is not None:
                messages.success(request, _("Đã tạo chương trình %(programme)s.") % {"programme": programme})
                if note := _overlap_note(programme):
                    messages.info(request, note)
                return redirect("targets:quotas", pk=programme.pk)
    else:
        initial = {"source": latest}
        if latest:
            initial.update(first_year=latest.last_year + 1, last_year=latest.last_year + 5)
        form = ProgrammeForm(initial=initial)
    existing = list(Programme.objects.order_by("first_year", "pk"))
    return render(
        request,
        "targets/programme_new.html",
        {"form": form, "existing": existing, "max_years": MAX_PROGRAMME_YEARS},
    )


def _create(form: ProgrammeForm, user) -> Programme | None:
    """The new programme, or None with the service's errors put on the form."""
    data = form.cleaned_data
    fields = {key: data[key] for key in ("name", "document_number", "document_date", "first_year", "last_year")}
    try:
        if data["source"]:
            return programme_copy(source=data["source"], copy_values=data["copy_values"], user=user, **fields)
        return programme_create(user=user, **fields)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def quotas(request, pk: int):
    require_role(request.user)
    programme = get_object_or_404(Programme, pk=pk)
    can_edit = is_provincial(request.user)
    grid = quota_grid(programme=programme)
    errors = []
    if request.method == "POST":
        require_provincial(request.user)
        errors = _save(request, grid)
        if not errors:
            return redirect("targets:quotas", pk=programme.pk)
    own_id = getattr(getattr(request.user, "profile", None), "federation_id", None)
    return render(
        request,
        "targets/quotas.html",
        {
            "programme": programme,
            "grid": grid,
            "can_edit": can_edit,
            "errors": errors,
            "own_id": own_id,
            "overlap_note": _overlap_note(programme),
        },
    )


def _save(request, grid: QuotaGrid) -> list[str]:
    """Save the typed grid. On refusal, put what was typed and the messages into the grid and
    return the messages that belong to no cell (or a summary)."""
    # A cell missing from the form (a row that appeared since the page was opened) stays as it is.
    typed = [(entry, request.POST.get(entry.name, str(entry.number))) for entry in grid.entries]
    values = {}
    for entry, text in typed:
        values.setdefault((entry.org_id, entry.year), {})[entry.kind] = text
    try:
        changed = quotas_save(
            programme=grid.programme,
            values={key: tuple(kinds.get(kind) for kind in QUOTA_KINDS) for key, kinds in values.items()},
            user=request.user,
        )
    except ValidationError as error:
        for entry, text in typed:
            entry.entered = text
        if not hasattr(error, "error_dict"):
            return error.messages
        by_cell = error.message_dict
        for entry in grid.entries:
            entry.error = " ".join(by_cell.get((entry.org_id, entry.year, entry.kind), []))
        general = by_cell.get(NON_FIELD_ERRORS, [])
        cells = sum(1 for key in by_cell if key != NON_FIELD_ERRORS)
        return general + [_("Chưa lưu gì: %(n)s ô chưa hợp lệ (tô đỏ bên dưới).") % {"n": cells}]
    if changed:
        messages.success(request, _("Đã lưu chỉ tiêu: %(n)s ô thay đổi.") % {"n": changed})
    else:
        messages.info(request, _("Không có chỉ tiêu nào thay đổi."))
    return []
