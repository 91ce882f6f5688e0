"""The annual report tables (HTML, Excel, PDF) and the indicator definitions: read-only pages."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from associations.models import Association
from associations.scope import default_scope, get_visible_or_404, visible

from .catalog import INDICATORS, SECTIONS
from .exports import render_pdf_report, write_xlsx
from .table_forms import TableFilterForm, year_choices
from .tables import TABLES, annual_tables

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(request: HttpRequest) -> Association:
    """The picked association (`scope`), else the user's own; outside the subtree: 404."""
    pk = request.GET.get("scope") or None
    return (
        default_scope(request.user)
        if pk is None
        else get_visible_or_404(Association, request.user, pk=pk)
    )


def _scope_choices(user, current: Association) -> list[tuple[int, str]]:
    """The scope picker: every current unit the user sees (and the shown one), indented by depth."""
    root = default_scope(user)
    units = (
        visible(Association, user)
        .filter(Q(dissolved_on__isnull=True) | Q(pk=current.pk))
        .only("pk", "name", "depth")
        .order_by("path")
    )
    return [(unit.pk, "\u3000" * max(unit.depth - root.depth, 0) + unit.name) for unit in units]


@login_required
@require_safe
def tables(request: HttpRequest) -> HttpResponse:
    scope, form = _scope(request), TableFilterForm(request.GET)
    valid = form.is_valid()
    year = form.cleaned_data["year"] if valid else None
    context = {
        "scope": scope,
        "form": form,
        "tables": annual_tables(scope, year, by_children=form.by_children) if valid else [],
        "scope_choices": _scope_choices(request.user, scope),
        "years": year_choices(year),
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/tables/tables.html", context, status=200 if valid else 400)


@login_required
@require_safe
def tables_xlsx(request: HttpRequest) -> HttpResponse:
    scope, form = _scope(request), TableFilterForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    buffer = io.BytesIO()
    write_xlsx(scope, form.cleaned_data["year"], buffer, by_children=form.by_children)
    return _download(buffer.getvalue(), XLSX_TYPE, _file_name(scope, form, "xlsx"))


@login_required
@require_safe
def tables_pdf(request: HttpRequest) -> HttpResponse:
    scope, form = _scope(request), TableFilterForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    pdf = render_pdf_report(scope, form.cleaned_data["year"], by_children=form.by_children)
    return _download(pdf, "application/pdf", _file_name(scope, form, "pdf"))


@login_required
@require_safe
def definitions(request: HttpRequest) -> HttpResponse:
    used_in: dict[str, list[str]] = {}
    for number, spec in enumerate(TABLES, start=1):
        for code in spec.codes:
            used_in.setdefault(code, []).append(_("表%(number)s") % {"number": number})
    rows = [
        (spec, SECTIONS.get(spec.section, spec.section), used_in.get(code, []))
        for code, spec in INDICATORS.items()
    ]
    return render(request, "reports/tables/definitions.html", {"rows": rows})


def _bad_request(form: TableFilterForm) -> HttpResponse:
    messages = [message for errors in form.errors.values() for message in errors]
    return HttpResponseBadRequest(" ".join(messages), content_type="text/plain; charset=utf-8")


def _file_name(scope: Association, form: TableFilterForm, extension: str) -> str:
    return _("%(scope)s%(year)s年度年报表.%(ext)s") % {
        "scope": scope.name,
        "year": form.cleaned_data["year"],
        "ext": extension,
    }


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # RFC 5987 form, so Chinese file names survive every browser.
    safe_name = filename.replace("/", "_").replace("\\", "_")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(safe_name, safe='')}"
    return response
