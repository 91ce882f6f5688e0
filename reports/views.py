"""The annual report tables (HTML, Excel, PDF) and the indicator definitions: read-only pages."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from associations.models import Association
from associations.scope import default_scope, get_visible_or_404

from .catalog import INDICATORS, SECTIONS
from .dashboard import scope_choices
from .exports import render_pdf_report, write_xlsx
from .table_forms import TableFilterForm, year_choices
from .tables import TABLES, annual_tables

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def requested_scope(request: HttpRequest, pk: int | None = None) -> Association:
    """The association in the path, else the picked one (`scope`), else the user's own.

    Anything outside the user's subtree answers 404.
    """
    pk = pk if pk is not None else request.GET.get("scope") or None
    if pk is None:
        return default_scope(request.user)
    return get_visible_or_404(Association, request.user, pk=pk)


@login_required
@require_safe
def tables(request: HttpRequest) -> HttpResponse:
    scope, form = requested_scope(request), TableFilterForm(request.GET)
    valid = form.is_valid()
    year = form.cleaned_data["year"] if valid else None
    context = {
        "scope": scope,
        "form": form,
        "tables": annual_tables(scope, year, by_children=form.by_children) if valid else [],
        "scope_choices": scope_choices(request.user, scope, grassroots=True),
        "years": year_choices(year),
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/tables/tables.html", context, status=200 if valid else 400)


@login_required
@require_safe
def tables_xlsx(request: HttpRequest) -> HttpResponse:
    scope, form = requested_scope(request), TableFilterForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    buffer = io.BytesIO()
    write_xlsx(scope, form.cleaned_data["year"], buffer, by_children=form.by_children)
    return attachment(buffer.getvalue(), XLSX_TYPE, _file_name(scope, form, "xlsx"))


@login_required
@require_safe
def tables_pdf(request: HttpRequest) -> HttpResponse:
    scope, form = requested_scope(request), TableFilterForm(request.GET)
    if not form.is_valid():
        return _bad_request(form)
    pdf = render_pdf_report(scope, form.cleaned_data["year"], by_children=form.by_children)
    return attachment(pdf, "application/pdf", _file_name(scope, form, "pdf"))


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


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # RFC 5987 form, so Chinese file names survive every browser.
    safe_name = filename.replace("/", "_").replace("\\", "_")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(safe_name, safe='')}"
    return response
