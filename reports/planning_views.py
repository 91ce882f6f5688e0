"""Pages of target management (目标管理): the yearly context (基本情况), work plans and their
targets against the year's figures, targets one by one or for all children at once,
comparison across units and assessment results.

The unit arrives as `?scope=` (or a record's pk), the year as `?year=`; outsiders get 404.
Forms go to `reports.services` through `run_service`; what the pages show comes from the
catalog (`targets`, `rankings`, `assessments`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST, require_safe

from associations.forms import run_service
from associations.models import Association
from associations.scope import (
    get_visible_or_404,
    perm_required,
    requested_scope,
    write_required,
)
from associations.withdrawal import WithdrawableKind, restore_action, withdraw_page
from associations.years import requested_year

from . import assessments, services
from .catalog import INDICATORS, evaluate
from .context import context_rows, context_totals
from .dashboard import scope_choices
from .models import Target, UnitContext, WorkPlan
from .planning_forms import (
    BulkTargetForm,
    ContextForm,
    PlanForm,
    RankingForm,
    ResultsForm,
    TargetForm,
)
from .rankings import indicator_ranking
from .targets import Attainment, plan_against_actual


def _scope_year(request: HttpRequest) -> tuple[Association, int]:
    return requested_scope(request), requested_year(request.GET)


def _query(scope: Association, year: int, **extra: object) -> str:
    return "?" + urlencode({"scope": scope.pk, "year": year, **extra})


def _form_page(request: HttpRequest, form, title: str, cancel: str) -> HttpResponse:
    context = {"form": form, "title": title, "cancel_url": cancel}
    return render(request, "activities/form.html", context)


def _record(request: HttpRequest, model: type[Model], pk: int) -> Model:
    """A record for its page: live, or withdrawn too for those who may restore it."""
    records = model.all_objects if request.user.has_perm("records.withdraw") else model.objects
    return get_visible_or_404(records.select_related("association"), request.user, pk=pk)


# ── Work plans and targets ────────────────────────────────────────────────────
@login_required
@require_safe
def plan_list(request: HttpRequest) -> HttpResponse:
    scope, year = _scope_year(request)
    context = {
        "scope": scope,
        "year": year,
        "plans": WorkPlan.objects.filter(association=scope).order_by("-year"),
        "progress": plan_against_actual(scope, year),
        "scope_choices": scope_choices(request.user, scope),
    }
    return render(request, "reports/planning/plan_list.html", context)


@login_required
@require_safe
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _record(request, WorkPlan, pk)
    context = {"plan": plan, "progress": plan_against_actual(plan.association, plan.year)}
    return render(request, "reports/planning/plan_detail.html", context)


@login_required
@require_safe
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = _record(request, Target, pk)
    spec = INDICATORS.get(target.code)  # None: a code the catalog no longer defines
    attainment = None
    if spec is not None:
        value = evaluate(target.association, target.year, [target.code])[target.code]
        attainment = Attainment(target, spec, value)
    context = {"target": target, "attainment": attainment}
    return render(request, "reports/planning/target_detail.html", context)


@write_required
def targets_bulk(request: HttpRequest) -> HttpResponse:
    """One indicator's target for every child unit at once."""
    scope, year = _scope_year(request)
    form = BulkTargetForm(request.POST or None, parent=scope)
    if request.method == "POST" and (
        written := run_service(
            form, services.targets_set_for_children, by=request.user, parent=scope, year=year
        )
    ):
        messages.success(request, _("已下达 %(n)s 个单位的目标。") % {"n": len(written)})
        return redirect(reverse("reports:plans") + _query(scope, year))
    cancel = reverse("reports:plans") + _query(scope, year)
    title = _("向%(scope)s各下级单位下达%(year)s年目标") % {"scope": scope.name, "year": year}
    return _form_page(request, form, title, cancel)


# ── Yearly context 基本情况 ────────────────────────────────────────────────────
@login_required
@require_safe
def context_list(request: HttpRequest) -> HttpResponse:
    scope, year = _scope_year(request)
    context = {
        "scope": scope,
        "year": year,
        "rows": context_rows(scope, year),
        "total": context_totals(scope, year),
        "scope_choices": scope_choices(request.user, scope, grassroots=True),
    }
    return render(request, "reports/planning/context_list.html", context)


@login_required
@require_safe
def context_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, UnitContext, pk)
    return render(request, "reports/planning/context_detail.html", {"record": record})


# ── Comparison across units and assessment results ────────────────────────────
DEFAULT_RANKING_CODE = "rate.members_with_liaison"


@login_required
@require_safe
def ranking(request: HttpRequest) -> HttpResponse:
    scope, year = _scope_year(request)
    query = request.GET.copy()
    query.setdefault("code", DEFAULT_RANKING_CODE)
    form = RankingForm(query, scope=scope)
    result = None
    if form.is_valid():

        def href(unit: Association) -> str:
            return reverse("reports:rankings") + _query(unit, year, code=form.cleaned_data["code"])

        level = form.cleaned_data["level"]
        result = indicator_ranking(scope, year, form.cleaned_data["code"], level=level, href=href)
    context = {
        "scope": scope,
        "year": year,
        "form": form,
        "ranking": result,
        "scope_choices": scope_choices(request.user, scope),
    }
    return render(request, "reports/planning/ranking.html", context, status=200 if result else 400)


def _results_page(request: HttpRequest, scope: Association, year: int, form) -> HttpResponse:
    result = None
    if form.is_valid():
        data = form.cleaned_data
        result = assessments.results(scope, data["template"], year, level=data["level"])
    context = {
        "scope": scope,
        "year": year,
        "form": form,
        "results": result,
        "scope_choices": scope_choices(request.user, scope),
    }
    return render(request, "reports/planning/results.html", context)


@login_required
@require_safe
def assessment_results(request: HttpRequest) -> HttpResponse:
    scope, year = _scope_year(request)
    query = request.GET.copy()
    if "template" not in query:
        first = ResultsForm(scope=scope).fields["template"].queryset.first()
        query["template"] = first.pk if first else ""
    return _results_page(request, scope, year, ResultsForm(query, scope=scope))


@require_POST
@write_required
def assessments_fill(request: HttpRequest) -> HttpResponse:
    """按指标计分: fill the indicator items of the results shown."""
    scope, year = _scope_year(request)
    form = ResultsForm(request.POST, scope=scope)
    changed = run_service(form, services.assessments_fill, by=request.user, scope=scope, year=year)
    if changed is None and form.errors:
        return _results_page(request, scope, year, form)
    messages.success(request, _("已按指标计分，%(n)s 份考核有变化。") % {"n": changed or 0})
    data = form.cleaned_data
    query = _query(scope, year, template=data["template"].pk, level=data["level"])
    return redirect(reverse("reports:assessment_results") + query)


# ── Creating, editing, withdrawing (作废) and restoring ─────────────────────────
@dataclass(frozen=True)
class _Kind:
    model: type[Model]
    keyword: str  # the services' name for the record
    form: type
    create: Callable[..., Model]
    update: Callable[..., Model]
    withdraw: Callable[..., Model]
    restore: Callable[..., Model]
    listing: str  # the page a new record's form goes back to

    @property
    def detail(self) -> str:
        return f"reports:{self.keyword}_detail"

    @property
    def withdrawable(self) -> WithdrawableKind:
        def page(record: Model) -> str:
            return reverse(self.detail, args=[record.pk])

        return WithdrawableKind(self.model, self.keyword, self.withdraw, self.restore, page)


# The kind in the URL (as in `reports:<kind>_detail`).
KINDS: dict[str, _Kind] = {
    "plan": _Kind(
        WorkPlan,
        "plan",
        PlanForm,
        services.plan_create,
        services.plan_update,
        services.plan_withdraw,
        services.plan_restore,
        "reports:plans",
    ),
    "target": _Kind(
        Target,
        "target",
        TargetForm,
        services.target_create,
        services.target_update,
        services.target_withdraw,
        services.target_restore,
        "reports:plans",
    ),
    "context": _Kind(
        UnitContext,
        "context",
        ContextForm,
        services.context_create,
        services.context_update,
        services.context_withdraw,
        services.context_restore,
        "reports:context",
    ),
}
CREATE_TITLES = {
    "plan": _lazy("制定工作计划"),
    "target": _lazy("下达目标"),
    "context": _lazy("填写基本情况"),
}
EDIT_TITLES = {
    "plan": _lazy("编辑工作计划"),
    "target": _lazy("修改目标"),
    "context": _lazy("编辑基本情况"),
}


def _kind(name: str) -> _Kind:
    if name not in KINDS:
        raise Http404
    return KINDS[name]


@write_required
def create(request: HttpRequest, kind: str) -> HttpResponse:
    """A new record of a unit and year, the unit picked among `?scope=` and its children."""
    spec = _kind(kind)
    scope, year = _scope_year(request)
    initial = {"year": year, "association": scope}
    form = spec.form(request.POST or None, user=request.user, scope=scope, initial=initial)
    if request.method == "POST" and (obj := run_service(form, spec.create, by=request.user)):
        messages.success(request, _("已保存。"))
        return redirect(spec.detail, pk=obj.pk)
    cancel = reverse(spec.listing) + _query(scope, year)
    return _form_page(request, form, str(CREATE_TITLES[kind]), cancel)


@write_required
def edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = _kind(kind)
    obj = get_visible_or_404(spec.model.objects.select_related("association"), request.user, pk=pk)
    form = spec.form(request.POST or None, user=request.user, scope=obj.association, instance=obj)
    if request.method == "POST" and run_service(
        form, spec.update, by=request.user, **{spec.keyword: obj}
    ):
        messages.success(request, _("已保存。"))
        return redirect(spec.detail, pk=pk)
    return _form_page(request, form, str(EDIT_TITLES[kind]), reverse(spec.detail, args=[pk]))


@perm_required("records.withdraw")
def withdraw(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return withdraw_page(request, _kind(kind).withdrawable, pk)


@require_POST
@perm_required("records.withdraw")
def restore(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return restore_action(request, _kind(kind).withdrawable, pk)
