"""Pages of level-by-level submission (逐级上报): a unit's report and its parent's compilation."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from associations.models import Association
from associations.scope import default_scope, get_visible_or_404, write_required

from . import selectors, services
from .forms import CommentForm, DeadlineForm, OnBehalfForm, OverrideForm
from .tables import unit_tables

FIRST_YEAR = 1949

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


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise Http404(_("年度超出范围。"))


@login_required
def submission_home(request: HttpRequest) -> HttpResponse:
    unit = default_scope(request.user)
    return redirect("reports:submission", pk=unit.pk, year=selectors.default_report_year())


@login_required
def report_detail(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    association = get_visible_or_404(Association, request.user, pk=pk)
    return _render_report(request, association, year)


@write_required
@require_POST
def report_act(request: HttpRequest, pk: int, year: int, action: str) -> HttpResponse:
    association = get_visible_or_404(Association, request.user, pk=pk)
    _check_year(year)
    service, comment_required, slot, done = ACTIONS[action]
    form = CommentForm(request.POST, required=comment_required, prefix=slot)
    if form.is_valid():
        report = selectors.report_for(association, year)
        try:
            service(report=report, by=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, done)
            return _back(request, "reports:submission", association, year)
    return _render_report(request, association, year, **{slot: form})


@write_required
@require_POST
def report_override(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    association = get_visible_or_404(Association, request.user, pk=pk)
    _check_year(year)
    form = OverrideForm(request.POST)
    if form.is_valid():
        report = selectors.report_for(association, year)
        try:
            services.figure_override(report=report, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已代填该指标。"))
            return redirect("reports:submission", pk=association.pk, year=year)
    return _render_report(request, association, year, override_form=form)


@login_required
def compilation_home(request: HttpRequest) -> HttpResponse:
    unit = default_scope(request.user)
    return redirect("reports:compilation", pk=unit.pk, year=selectors.default_report_year())


@login_required
def compilation(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    parent = get_visible_or_404(Association, request.user, pk=pk)
    return _render_compilation(request, parent, year)


@write_required
@require_POST
def deadline_set(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    parent = get_visible_or_404(Association, request.user, pk=pk)
    _check_year(year)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.deadline_set(parent=parent, year=year, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已设置上报截止日期。"))
            return _back(request, "reports:compilation", parent, year)
    return _render_compilation(request, parent, year, deadline_form=form)


@write_required
@require_POST
def compilation_enter(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Enter a figure for a child without staff, straight from the compilation page."""
    parent = get_visible_or_404(Association, request.user, pk=pk)
    _check_year(year)
    form = OnBehalfForm(request.POST, units=selectors.units_to_enter_for(parent, year))
    if form.is_valid():
        data = dict(form.cleaned_data)
        report = selectors.report_for(data.pop("unit"), year)
        try:
            services.figure_override(report=report, by=request.user, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("已代填该指标。"))
            return _back(request, "reports:compilation", parent, year)
    return _render_compilation(request, parent, year, enter_form=form)


# ── Rendering shared by GET and failed POST ───────────────────────────────────
def _render_report(
    request: HttpRequest, association: Association, year: int, **bound
) -> HttpResponse:
    _check_year(year)
    user = request.user
    report = selectors.report_for(association, year)
    overview = selectors.report_overview(report)
    context = {
        "association": association,
        "year": year,
        "report": report,
        "overview": overview,
        "ancestors": association.ancestors().visible_to(user),
        "history": selectors.report_history(report),
        "override_history": selectors.override_history(report),
        "has_children": association.children.exists(),
        "parent_visible": association.parent is not None and user.sees(association.parent),
        "can_submit": report.is_editable
        and services.may_submit(user, report, staffed=overview.staffed),
        "can_review": services.may_review(user, report),
        "can_enter": report.is_editable
        and services.may_enter_on_behalf(user, report, staffed=overview.staffed),
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
    request: HttpRequest,
    parent: Association,
    year: int,
    deadline_form: DeadlineForm | None = None,
    enter_form: OnBehalfForm | None = None,
) -> HttpResponse:
    _check_year(year)
    live = request.GET.get("source") == selectors.SOURCE_LIVE
    source = selectors.SOURCE_LIVE if live else selectors.SOURCE_SNAPSHOT
    section = request.GET.get("section")
    codes = selectors.compilation_codes(section)
    result = selectors.compilation(parent, year, source=source, codes=codes)
    deadline = result.deadline
    can_review = services.may_review_children(request.user, parent)
    units = selectors.units_to_enter_for(parent, year)
    context = {
        "parent": parent,
        "year": year,
        "result": result,
        "section": section or "",
        "sections": selectors.sections_of_catalog(),
        "ancestors": parent.ancestors().visible_to(request.user),
        "can_review": can_review,
        "deadline_form": deadline_form
        or DeadlineForm(initial={"due_on": deadline.due_on if deadline else None}),
        "enter_form": (enter_form or OnBehalfForm(units=units)) if can_review else None,
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


def _add_errors(form, exc: ValidationError) -> None:
    """A service's error shown against the form field it names, else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
