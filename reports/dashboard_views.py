"""Dashboards, the year at a glance and the drafted work report (any role may view;
nothing is written)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from associations.models import Association
from associations.scope import requested_scope
from associations.years import requested_year

from . import glance, narrative
from .dashboard import build_dashboard, scope_choices
from .forms import NarrativeForm
from .pdf import render_pdf
from .targets import plan_against_actual
from .views import attachment


def _dashboard_context(request: HttpRequest, pk: int | None) -> dict:
    scope, year = requested_scope(request, pk), requested_year(request.GET)

    def child_href(child: Association) -> str:
        return reverse("reports:dashboard", args=[child.pk]) + "?" + urlencode({"year": year})

    data = build_dashboard(scope, year, child_href=child_href, sort=request.GET.get("sort"))
    return {
        "scope": scope,
        "year": year,
        "dashboard": data,
        "progress": plan_against_actual(scope, year),
        "scope_choices": scope_choices(request.user, scope),
        "ancestors": scope.ancestors().visible_to(request.user),
    }


@login_required
def dashboard(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return render(request, "reports/dashboard.html", _dashboard_context(request, pk))


@login_required
def dashboard_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    context = _dashboard_context(request, pk)
    pdf = render_pdf("reports/dashboard_pdf.html", context, request=request)
    name = _("%(scope)s%(year)s年工作仪表盘.pdf") % {
        "scope": context["scope"].name,
        "year": context["year"],
    }
    return attachment(pdf, "application/pdf", name)


@login_required
@require_safe
def association_year(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The year at a glance (年度工作一览) of an association and its subtree."""
    association, year = requested_scope(request, pk), requested_year(request.GET)
    context = {
        "association": association,
        "year": year,
        "glance": glance.year_at_a_glance(association, year),
        "records": glance.year_records(association, year),
        "scope_choices": scope_choices(request.user, association, grassroots=True),
        "ancestors": association.ancestors().visible_to(request.user),
    }
    return render(request, "reports/association_year.html", context)


@login_required
def narrative_draft(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope, year = requested_scope(request, pk), requested_year(request.GET)
    # The draft is a Chinese document whatever the page language (see report_language).
    with translation.override(narrative.report_language()):
        draft = narrative.draft(scope, year)
        form = NarrativeForm(initial=draft.initial(), sections=narrative.section_titles())
        context = _narrative_context(request, draft, form)
    return render(request, "reports/narrative.html", context)


@require_POST
@login_required
def narrative_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    scope, year = requested_scope(request, pk), requested_year(request.POST)
    form = NarrativeForm(request.POST, sections=narrative.section_titles())
    with translation.override(narrative.report_language()):
        if not form.is_valid():  # show the page again with what was typed
            context = _narrative_context(request, narrative.draft(scope, year), form)
            return render(request, "reports/narrative.html", context, status=400)
        context = {
            "scope": scope,
            "year": year,
            "title": form.cleaned_data["title"],
            "sections": narrative.edited_sections(form.section_texts()),
        }
        pdf = render_pdf("reports/narrative_pdf.html", context, request=request)
    return attachment(pdf, "application/pdf", f"{form.cleaned_data['title']}.pdf")


def _narrative_context(request: HttpRequest, draft: narrative.Draft, form: NarrativeForm) -> dict:
    definitions_url = reverse("reports:definitions")
    sections = [
        (section, section.html(definitions_url), form[f"section_{section.key}"])
        for section in draft.sections
    ]
    return {
        "scope": draft.scope,
        "year": draft.year,
        "draft": draft,
        "form": form,
        "sections": sections,
        "scope_choices": scope_choices(request.user, draft.scope),
        "ancestors": draft.scope.ancestors().visible_to(request.user),
    }
