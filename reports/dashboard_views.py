"""Dashboards and the year at a glance (any role may view; nothing is written)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from associations.models import Association
from associations.scope import requested_scope
from associations.years import requested_year

from . import glance
from .dashboard import build_dashboard, scope_choices
from .pdf import render_pdf
from .replica import replica_reads_view
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
@replica_reads_view
def dashboard(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return render(request, "reports/dashboard.html", _dashboard_context(request, pk))


@login_required
@replica_reads_view
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
@replica_reads_view
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
