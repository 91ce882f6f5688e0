"""Pages of level-by-level submission (逐级上报): a unit's report and its parent's compilation.

The unit arrives as the pk in the path (outside the user's subtree: 404), the year
as the path year (unusable: the site's 400 page). Services decide who may do what
(`reports.*` rules); templates ask the same rules with `{% has_perm %}`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from associations.forms import run_service
from associations.models import Association
from associations.permissions import require
from associations.scope import requested_scope, write_required
from associations.years import check_year, requested_year

from . import selectors, services
from .forms import CommentForm, DeadlineForm, OnBehalfForm, OverrideForm
from .tables import unit_tables

# action → (service, comment required, form slot on the report page, success message)
ACTIONS: dict[str, tuple[Callable, bool, str, str]] = {
    "submit": (services.report_submit, False, "submit_form", gettext_lazy("报表已上报。")),
    "return": (services.report_return, True, "review_form", gettext_lazy("报表已退回。")),
    "approve": (
        services.report_approve,
        False,
        "review_form",
        gettext_lazy("报表已审核通过，指标数据已冻结。"),
    ),
    "reopen": (services.report_reopen, True, "reopen_form", gettext_lazy("已撤回审核。")),
}
# Who may take each action (the services check it again).
ACTION_PERMISSIONS = {
    "submit": "reports.submit",
    "return": "reports.review",
    "approve": "reports.review",
    "reopen": "reports.review",
}


def _unit_year(request: HttpRequest, pk: int, year: int) -> tuple[Association, int]:
    return requested_scope(request, pk), check_year(year)


@login_required
def submission_home(request: HttpRequest) -> HttpResponse:
    unit, year = requested_scope(request), requested_year(request.GET)
    return redirect("reports:submission", pk=unit.pk, year=year)


@login_required
def report_detail(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    return _render_report(request, *_unit_year(request, pk, year))


@write_required
@require_POST
def report_act(request: HttpRequest, pk: int, year: int, action: str) -> HttpResponse:
    association, year = _unit_year(request, pk, year)
    require(request.user, ACTION_PERMISSIONS[action], association)
    service, comment_required, slot, done = ACTIONS[action]
    form = CommentForm(request.POST, required=comment_required, prefix=slot)
    report = selectors.report_for(association, year)
    if run_service(form, service, report=report, by=request.user):
        messages.success(request, done)
        return _back(request, "reports:submission", association, year)
    return _render_report(request, association, year, **{slot: form})


@write_required
@require_POST
def report_override(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    association, year = _unit_year(request, pk, year)
    require(request.user, "reports.enter_on_behalf", association)
    form = OverrideForm(request.POST)
    report = selectors.report_for(association, year)
    if run_service(form, services.figure_override, report=report, by=request.user):
        messages.success(request, _("已代填该指标。"))
        return redirect("reports:submission", pk=association.pk, year=year)
    return _render_report(request, association, year, override_form=form)


@login_required
def compilation_home(request: HttpRequest) -> HttpResponse:
    unit, year = requested_scope(request), requested_year(request.GET)
    return redirect("reports:compilation", pk=unit.pk, year=year)


@login_required
def compilation(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    return _render_compilation(request, *_unit_year(request, pk, year))


@write_required
@require_POST
def deadline_set(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    parent, year = _unit_year(request, pk, year)
    require(request.user, "reports.review_children", parent)
    form = DeadlineForm(request.POST)
    if run_service(form, services.deadline_set, parent=parent, year=year, by=request.user):
        messages.success(request, _("已设置上报截止日期。"))
        return _back(request, "reports:compilation", parent, year)
    return _render_compilation(request, parent, year, deadline_form=form)


@write_required
@require_POST
def compilation_enter(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Enter a figure for a child without staff, straight from the compilation page."""
    parent, year = _unit_year(request, pk, year)
    require(request.user, "reports.review_children", parent)
    units = selectors.units_to_enter_for(parent, year)
    form = OnBehalfForm(request.POST, units=units, year=year)
    if run_service(form, services.figure_override, by=request.user):
        messages.success(request, _("已代填该指标。"))
        return _back(request, "reports:compilation", parent, year)
    return _render_compilation(request, parent, year, enter_form=form)


# ── Rendering shared by GET and failed POST ───────────────────────────────────
def _render_report(
    request: HttpRequest, association: Association, year: int, **bound
) -> HttpResponse:
    overview = selectors.report_overview(selectors.report_for(association, year))
    context = {
        "association": association,
        "year": year,
        "report": overview.report,
        "overview": overview,
        "ancestors": association.ancestors().visible_to(request.user),
        "submit_form": CommentForm(prefix="submit_form"),
        "review_form": CommentForm(prefix="review_form"),
        "reopen_form": CommentForm(prefix="reopen_form", required=True),
        "override_form": OverrideForm(),
        "tables": unit_tables(association, year, overview.figures),
        "failed_form": next(iter(bound.values()), None),
        **bound,
    }
    return render(request, "reports/submission/detail.html", context)


def _render_compilation(
    request: HttpRequest, parent: Association, year: int, **bound
) -> HttpResponse:
    live = request.GET.get("source") == selectors.SOURCE_LIVE
    source = selectors.SOURCE_LIVE if live else selectors.SOURCE_SNAPSHOT
    section = request.GET.get("section") or ""
    codes = selectors.compilation_codes(section)
    result = selectors.compilation(parent, year, source=source, codes=codes)
    units = selectors.units_to_enter_for(parent, year)
    context = {
        "parent": parent,
        "year": year,
        "result": result,
        "section": section,
        "sections": selectors.sections_of_catalog(),
        "ancestors": parent.ancestors().visible_to(request.user),
        "deadline_form": DeadlineForm(deadline=result.deadline),
        "enter_form": OnBehalfForm(units=units, year=year),
        **bound,
    }
    return render(request, "reports/submission/compilation.html", context)


def _back(request: HttpRequest, fallback: str, association: Association, year: int):
    """Return to the page the form was on (e.g. the compilation), else the fallback page."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback, pk=association.pk, year=year)
