"""The drafted work report (工作报告) of a unit and year: read it (any role in scope), save
the secretary's text as a new version, put the latest figures in, look at and restore an
earlier version, and export the text to PDF.

The unit arrives as the pk in the path (or `?scope=`), the year as `?year=` (a form's
hidden `year` on POST); writes go through `reports.services` (`reports.submit` decides).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from associations.forms import VersionField, run_service
from associations.models import Association
from associations.permissions import require
from associations.scope import requested_scope, write_required
from associations.years import requested_year

from . import narrative, selectors, services
from .catalog import INDICATORS
from .dashboard import scope_choices
from .forms import WorkReportForm
from .models import WorkReport
from .pdf import render_pdf
from .views import attachment


class RegenerateForm(forms.Form):
    version = VersionField()


class RevertForm(forms.Form):
    history_id = forms.IntegerField(widget=forms.HiddenInput)
    version = VersionField()


def _url(scope: Association, year: int) -> str:
    return reverse("reports:narrative", args=[scope.pk]) + "?" + urlencode({"year": year})


def _looked_at(request: HttpRequest, report: WorkReport | None):
    """The earlier version asked for with `?version=<history id>` (None: the current one)."""
    wanted = request.GET.get("version")
    if not wanted:
        return None
    row = None
    if report is not None and wanted.isdigit():
        row = report.history.filter(history_id=int(wanted)).first()
    if row is None:
        raise Http404(_("没有这个版本。"))
    return row


@login_required
@require_safe
def work_report(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope, year = requested_scope(request, pk), requested_year(request.GET)
    return _render(request, scope, year)


@write_required
@require_POST
def work_report_save(request: HttpRequest, pk: int) -> HttpResponse:
    scope, year = requested_scope(request, pk), requested_year(request.POST)
    require(request.user, "reports.submit", scope)
    with translation.override(narrative.report_language()):
        form = WorkReportForm(request.POST, headings=narrative.headings(year))
    if run_service(form, services.work_report_save, association=scope, year=year, by=request.user):
        messages.success(request, _("工作报告已保存。"))
        return redirect(_url(scope, year))
    return _render(request, scope, year, form=form, status=400)


@write_required
@require_POST
def work_report_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    scope, year = requested_scope(request, pk), requested_year(request.POST)
    require(request.user, "reports.submit", scope)
    form = RegenerateForm(request.POST)
    service = services.work_report_regenerate
    if run_service(form, service, association=scope, year=year, by=request.user):
        messages.success(request, _("已用最新数据更新数字，本单位撰写的段落保持不变。"))
        return redirect(_url(scope, year))
    return _render(request, scope, year, failed=form, status=400)


@write_required
@require_POST
def work_report_revert(request: HttpRequest, pk: int) -> HttpResponse:
    scope, year = requested_scope(request, pk), requested_year(request.POST)
    require(request.user, "reports.submit", scope)
    report = selectors.work_report_for(scope, year)
    if report is None:
        raise Http404(_("该单位本年度还没有保存的工作报告。"))
    form = RevertForm(request.POST)
    if run_service(form, services.work_report_revert, report=report, by=request.user):
        messages.success(request, _("已恢复为所选版本。"))
        return redirect(_url(scope, year))
    return _render(request, scope, year, failed=form, status=400)


@require_POST
@login_required
def work_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The text as typed (saved or not) as a PDF."""
    scope, year = requested_scope(request, pk), requested_year(request.POST)
    with translation.override(narrative.report_language()):
        form = WorkReportForm(request.POST, headings=narrative.headings(year))
        if not form.is_valid():  # show the page again with what was typed
            return _render(request, scope, year, form=form, status=400)
        data = form.cleaned_data
        document = narrative.document(
            year, title=data["title"], salutation=data["salutation"], texts=data["texts"]
        )
        context = {"scope": scope, "year": year, "document": document}
        pdf = render_pdf("reports/narrative_pdf.html", context, request=request)
    return attachment(pdf, "application/pdf", f"{data['title']}.pdf")


def _render(
    request: HttpRequest,
    scope: Association,
    year: int,
    *,
    form: WorkReportForm | None = None,
    failed: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    report = selectors.work_report_for(scope, year)
    earlier = _looked_at(request, report)
    with translation.override(narrative.report_language()):
        fresh = narrative.generate(scope, year)
        current = selectors.work_report_draft(report) if report else fresh
        shown = selectors.work_report_draft(report, earlier) if earlier else current
        if form is None:
            initial = {
                "title": current.title,
                "salutation": current.salutation,
                "version": report.version if report else None,
                **{f"section_{key}": text for key, text in current.texts().items()},
            }
            form = WorkReportForm(initial=initial, headings=narrative.headings(year))
        definitions_url = reverse("reports:definitions")
        sections = [
            (
                section,
                [
                    (p, narrative.paragraph_html(p, definitions_url, shown.changed))
                    for p in section.paragraphs
                ],
            )
            for section in shown.sections
        ]
    context = {
        "scope": scope,
        "year": year,
        "report": report,
        "draft": shown,
        "sections": sections,
        "form": form,
        "failed_form": failed,
        "earlier": earlier,
        "stale": [
            (code, INDICATORS[code].name, change)
            for code, change in (narrative.changes(current, fresh) if report else {}).items()
        ],
        "versions": selectors.work_report_versions(report),
        "attached": selectors.report_for(scope, year).work_report,
        "scope_choices": scope_choices(request.user, scope),
        "ancestors": scope.ancestors().visible_to(request.user),
    }
    return render(request, "reports/narrative.html", context, status=status)
