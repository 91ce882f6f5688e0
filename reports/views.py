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
from associations.scope import requested_scope
from associations.years import requested_year

from . import narrative
from .catalog import INDICATORS, SECTIONS
from .dashboard import dashboard_codes, scope_choices
from .exports import render_pdf_report, write_xlsx
from .forms import TableFilterForm
from .replica import replica_reads_view
from .tables import TABLES, annual_tables, table_label

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _table_request(request: HttpRequest) -> tuple[Association, int, TableFilterForm]:
    return requested_scope(request), requested_year(request.GET), TableFilterForm(request.GET)


@login_required
@require_safe
@replica_reads_view
def tables(request: HttpRequest) -> HttpResponse:
    scope, year, form = _table_request(request)
    valid = form.is_valid()
    context = {
        "scope": scope,
        "year": year,
        "form": form,
        "tables": annual_tables(scope, year, by_children=form.by_children) if valid else [],
        "scope_choices": scope_choices(request.user, scope, grassroots=True),
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/tables/tables.html", context, status=200 if valid else 400)


@login_required
@require_safe
@replica_reads_view
def tables_xlsx(request: HttpRequest) -> HttpResponse:
    scope, year, form = _table_request(request)
    if not form.is_valid():
        return _bad_request(form)
    buffer = io.BytesIO()
    write_xlsx(scope, year, buffer, by_children=form.by_children)
    return attachment(buffer.getvalue(), XLSX_TYPE, _file_name(scope, year, "xlsx"))


@login_required
@require_safe
@replica_reads_view
def tables_pdf(request: HttpRequest) -> HttpResponse:
    scope, year, form = _table_request(request)
    if not form.is_valid():
        return _bad_request(form)
    pdf = render_pdf_report(scope, year, by_children=form.by_children)
    return attachment(pdf, "application/pdf", _file_name(scope, year, "pdf"))


def shown_in() -> dict[str, list[str]]:
    """Where each indicator is shown: its tables (a rate's column shows its numerator and
    denominator too), the dashboard, the drafted work report."""
    places: dict[str, list[str]] = {}

    def add(codes, place: str) -> None:
        for code in codes:
            spec = INDICATORS[code]
            for shown in (code, spec.numerator, spec.denominator):
                if shown and place not in places.setdefault(shown, []):
                    places[shown].append(place)

    for spec in TABLES:
        add(spec.codes, table_label(spec))
    add(dashboard_codes(), _("仪表盘"))
    add(narrative.codes_used(), _("工作报告"))
    return places


@login_required
@require_safe
def definitions(request: HttpRequest) -> HttpResponse:
    used_in = shown_in()
    rows = [
        (spec, SECTIONS.get(spec.section, spec.section), used_in.get(code, []))
        for code, spec in INDICATORS.items()
    ]
    return render(request, "reports/tables/definitions.html", {"rows": rows})


def _bad_request(form: TableFilterForm) -> HttpResponse:
    messages = [message for errors in form.errors.values() for message in errors]
    return HttpResponseBadRequest(" ".join(messages), content_type="text/plain; charset=utf-8")


def _file_name(scope: Association, year: int, extension: str) -> str:
    return _("%(scope)s%(year)s年度年报表.%(ext)s") % {
        "scope": scope.name,
        "year": year,
        "ext": extension,
    }


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # RFC 5987 form, so Chinese file names survive every browser.
    safe_name = filename.replace("/", "_").replace("\\", "_")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(safe_name, safe='')}"
    return response
