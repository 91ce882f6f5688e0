"""Staff pages for the association's work: lists, details, forms, withdrawal and the year
at a glance. Each page fetches what the user may see (others get 404), hands the form to
the service (`run_service`) and renders; the rules live in the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations.forms import run_service
from associations.lists import bounded_page, sort_order
from associations.pickers import PICKER_LIMIT, picker_response
from associations.scope import (
    get_visible_or_404,
    perm_required,
    requested_scope,
    visible,
    write_required,
)
from associations.selectors import in_subtree
from associations.spreadsheets.views import export_response
from associations.withdrawal import (
    WithdrawableKind,
    kind_named,
    restore_action,
    withdraw_page,
)

from . import forms, selectors, services
from .models import (
    Aid,
    Assessment,
    AssessmentTemplate,
    Award,
    Event,
    LedgerEntry,
    Project,
    SelfGovernance,
)

PER_PAGE = 50
# The spreadsheet kind each list exports.
EXPORT_KINDS: dict[type[Model], str] = {
    Event: "events",
    Project: "projects",
    Aid: "aid",
    Award: "awards",
    Assessment: "assessments",
    SelfGovernance: "selfgov",
    LedgerEntry: "ledger",
}


def _list_page(
    request: HttpRequest,
    template: str,
    model: type[Model],
    filter_form: type[forms._Filters],
    rows: Callable[..., QuerySet],
    totals: Callable[[QuerySet], dict] | None = None,
    **extra: Any,
) -> HttpResponse:
    """A list: what the user may see under `?scope=` with the filters (live records, or
    withdrawn ones for those who may restore them), sorted by a column, a bounded page of it,
    or — with `?export=xlsx` — exactly those rows as a spreadsheet (personal data masked)."""
    scope = requested_scope(request)
    filters = filter_form(request.GET or None, user=request.user, scope=scope)
    chosen = filters.values()
    withdrawn = filters.wants_withdrawn()
    if request.GET.get("export") and not withdrawn:
        as_json = {k: v.pk if isinstance(v, Model) else v for k, v in chosen.items()}
        return export_response(request, EXPORT_KINDS[model], scope, filters=as_json)
    if withdrawn:
        records = model.all_objects.filter(withdrawn_at__isnull=False)
    else:
        records = model.objects.all()
    default, sorts = selectors.LIST_SORTS[model]
    sort, order = sort_order(request, sorts, default)
    if any(f.name == "association" for f in model._meta.fields):
        listed = rows(in_subtree(records, request.user, scope), **chosen)
    else:  # aid belongs where its household does
        listed = rows(visible(records, request.user), scope=scope, **chosen)
    listed = listed.order_by(*order)
    context = {
        "filters": filters,
        "page_obj": bounded_page(request, listed, PER_PAGE),
        "sort": sort,
        "exportable": not withdrawn,
        **({"totals": totals(listed)} if totals else {}),
        **extra,
    }
    return render(request, f"activities/{template}", context)


def _record(request: HttpRequest, model: type[Model], pk: int, *related: str) -> Model:
    """A record for its page: live, or withdrawn too for those who may restore it."""
    records = model.all_objects if request.user.has_perm("records.withdraw") else model.objects
    return get_visible_or_404(records.select_related(*related), request.user, pk=pk)


def _form_page(request: HttpRequest, form, title: str, cancel: str) -> HttpResponse:
    """The record form's page (a form may name its own, e.g. the assessment's score sheet)."""
    context = {"form": form, "title": title, "cancel_url": cancel}
    return render(request, f"activities/{getattr(form, 'page', 'form.html')}", context)


def _saved(request: HttpRequest, obj: Model, name: str) -> HttpResponse:
    messages.success(request, _("已保存。"))
    return redirect(f"activities:{name}_detail", pk=obj.pk)


def _create(
    request: HttpRequest, form, service: Callable[..., Model], title: str, name: str, **kwargs
) -> HttpResponse:
    if request.method == "POST" and (obj := run_service(form, service, by=request.user, **kwargs)):
        return _saved(request, obj, name)
    return _form_page(request, form, title, reverse(f"activities:{name}_list"))


def _edit(
    request: HttpRequest, form, service: Callable[..., Model], title: str, name: str, **record
) -> HttpResponse:
    """`record`: the service's keyword for the record edited, and the record."""
    [obj] = record.values()
    if request.method == "POST" and run_service(form, service, by=request.user, **record):
        return _saved(request, obj, name)
    return _form_page(request, form, title, reverse(f"activities:{name}_detail", args=[obj.pk]))


@login_required
def pick_project(request: HttpRequest) -> JsonResponse:
    """Projects the user may see, by code or name (`q`), for the aid and ledger forms."""
    rows = selectors.project_picks(visible(Project, request.user), request.GET.get("q", "")[:50])
    results = [{"value": p.pk, "text": forms.project_label(p)} for p in rows[:PICKER_LIMIT]]
    return picker_response(results)


@login_required
def pick_event(request: HttpRequest) -> JsonResponse:
    """Events the user may see, by title (`q`), for the ledger form."""
    rows = selectors.event_picks(visible(Event, request.user), request.GET.get("q", "")[:50])
    rows = rows.select_related("association")[:PICKER_LIMIT]
    results = [
        {"value": e.pk, "text": forms.event_label(e), "hint": e.association.name} for e in rows
    ]
    return picker_response(results)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return redirect("activities:event_list")


# ── Events 活动 ────────────────────────────────────────────────────────────────
@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request, "event_list.html", Event, forms.EventFilterForm, selectors.event_rows
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _record(request, Event, pk, "association")
    context = {
        "event": event,
        "materials": event.materials.all(),
        "co_organisers": event.co_organisers.all(),
        "attendees": selectors.event_attendees(event, request.user),
        "ledger": event.ledgerentry_set.visible_to(request.user).select_related("association"),
    }
    return render(request, "activities/event_detail.html", context)


@write_required
def event_create(request: HttpRequest) -> HttpResponse:
    form = forms.EventForm(request.POST or None, user=request.user)
    return _create(request, form, services.event_create, _("新增活动"), "event")


@write_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_visible_or_404(Event, request.user, pk=pk)
    form = forms.EventForm(request.POST or None, instance=event, user=request.user)
    return _edit(request, form, services.event_update, _("编辑活动"), "event", event=event)


# ── Projects 项目 ──────────────────────────────────────────────────────────────
@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request, "project_list.html", Project, forms.ProjectFilterForm, selectors.project_rows
    )


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _record(request, Project, pk, "association")
    aid = selectors.aid_rows(visible(Aid, request.user), project=project)
    context = {
        "project": project,
        "funding": project.funding.all(),
        "funding_totals": selectors.project_funding_totals(project),
        "aid_totals": selectors.aid_totals(aid),
        "page_obj": bounded_page(request, aid, PER_PAGE),
    }
    return render(request, "activities/project_detail.html", context)


@write_required
def project_create(request: HttpRequest) -> HttpResponse:
    form = forms.ProjectForm(request.POST or None, user=request.user)
    return _create(request, form, services.project_create, _("新增项目"), "project")


@write_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(Project, request.user, pk=pk)
    form = forms.ProjectForm(request.POST or None, instance=project, user=request.user)
    return _edit(request, form, services.project_update, _("编辑项目"), "project", project=project)


# ── Aid 帮扶 ───────────────────────────────────────────────────────────────────
@login_required
def aid_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, "aid_list.html", Aid, forms.AidFilterForm, selectors.aid_rows)


@login_required
def aid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    aid = _record(request, Aid, pk, "household__association", "project__association")
    return render(request, "activities/aid_detail.html", {"aid": aid})


@write_required
def aid_create(request: HttpRequest) -> HttpResponse:
    initial = {"project": request.GET.get("project")}
    form = forms.AidForm(request.POST or None, user=request.user, initial=initial)
    return _create(request, form, services.aid_give, _("登记帮扶"), "aid")


@write_required
def aid_edit(request: HttpRequest, pk: int) -> HttpResponse:
    aid = get_visible_or_404(Aid.objects.select_related("household"), request.user, pk=pk)
    form = forms.AidForm(request.POST or None, instance=aid, user=request.user)
    return _edit(request, form, services.aid_update, _("编辑帮扶记录"), "aid", aid=aid)


# ── Awards 表彰 ────────────────────────────────────────────────────────────────
@login_required
def award_list(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request, "award_list.html", Award, forms.AwardFilterForm, selectors.award_rows
    )


@login_required
def award_detail(request: HttpRequest, pk: int) -> HttpResponse:
    award = _record(request, Award, pk, "association", "member", "household", "member_group")
    return render(request, "activities/award_detail.html", {"award": award})


@write_required
def award_create(request: HttpRequest) -> HttpResponse:
    form = forms.AwardForm(request.POST or None, user=request.user)
    return _create(request, form, services.award_grant, _("登记表彰"), "award")


@write_required
def award_edit(request: HttpRequest, pk: int) -> HttpResponse:
    award = get_visible_or_404(Award, request.user, pk=pk)
    form = forms.AwardEditForm(request.POST or None, instance=award, user=request.user)
    return _edit(request, form, services.award_update, _("编辑表彰"), "award", award=award)


# ── Assessments 考核 ───────────────────────────────────────────────────────────
@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    templates = AssessmentTemplate.objects.all()
    return _list_page(
        request,
        "assessment_list.html",
        Assessment,
        forms.AssessmentFilterForm,
        selectors.assessment_rows,
        templates=templates,
    )


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _record(request, Assessment, pk, "association", "template", "assessed_by")
    sheet = selectors.score_sheet(assessment.template, assessment.scores.all())
    context = {"assessment": assessment, "sheet": sheet}
    return render(request, "activities/assessment_detail.html", context)


@write_required
def assessment_create(request: HttpRequest, template: str) -> HttpResponse:
    template = get_object_or_404(AssessmentTemplate, code=template)
    form = forms.AssessmentForm(request.POST or None, user=request.user, template=template)
    title = _("登记“%(name)s”考核") % {"name": template.name}
    return _create(
        request, form, services.assessment_create, title, "assessment", template=template
    )


@write_required
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    related = Assessment.objects.select_related("template")
    assessment = get_visible_or_404(related, request.user, pk=pk)
    form = forms.AssessmentForm(
        request.POST or None, user=request.user, template=assessment.template, instance=assessment
    )
    update = services.assessment_update
    return _edit(request, form, update, _("编辑考核"), "assessment", assessment=assessment)


# ── Village self-governance 村民自治 ───────────────────────────────────────────
@login_required
def selfgov_list(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        "selfgov_list.html",
        SelfGovernance,
        forms.SelfGovFilterForm,
        selectors.selfgov_rows,
    )


@login_required
def selfgov_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = _record(request, SelfGovernance, pk, "association")
    return render(request, "activities/selfgov_detail.html", {"row": row})


@write_required
def selfgov_create(request: HttpRequest) -> HttpResponse:
    form = forms.SelfGovForm(request.POST or None, user=request.user)
    return _create(request, form, services.selfgov_create, _("登记村民自治"), "selfgov")


@write_required
def selfgov_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_visible_or_404(SelfGovernance, request.user, pk=pk)
    form = forms.SelfGovForm(request.POST or None, instance=row, user=request.user)
    return _edit(request, form, services.selfgov_update, _("编辑村民自治"), "selfgov", selfgov=row)


# ── Ledger 经费 ────────────────────────────────────────────────────────────────
@login_required
def ledger_list(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        "ledger_list.html",
        LedgerEntry,
        forms.LedgerFilterForm,
        selectors.ledger_rows,
        totals=selectors.ledger_totals,
    )


@login_required
def ledger_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _record(request, LedgerEntry, pk, "association", "event", "project")
    return render(request, "activities/ledger_detail.html", {"entry": entry})


@write_required
def ledger_create(request: HttpRequest) -> HttpResponse:
    form = forms.LedgerForm(request.POST or None, user=request.user)
    return _create(request, form, services.ledger_record, _("登记经费收支"), "ledger")


@write_required
def ledger_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_visible_or_404(LedgerEntry, request.user, pk=pk)
    form = forms.LedgerForm(request.POST or None, instance=entry, user=request.user)
    return _edit(request, form, services.ledger_update, _("编辑经费收支"), "ledger", entry=entry)


# ── Withdrawal 作废 and restoring ─────────────────────────────────────────────
def _page(name: str) -> Callable[[Model], str]:
    return lambda record: reverse(f"activities:{name}_detail", args=[record.pk])


# The kind in the URL (as in `activities:<kind>_detail`).
KINDS: dict[str, WithdrawableKind] = {
    "event": WithdrawableKind(
        Event, "event", services.event_withdraw, services.event_restore, _page("event")
    ),
    "project": WithdrawableKind(
        Project, "project", services.project_withdraw, services.project_restore, _page("project")
    ),
    "aid": WithdrawableKind(Aid, "aid", services.aid_withdraw, services.aid_restore, _page("aid")),
    "award": WithdrawableKind(
        Award, "award", services.award_withdraw, services.award_restore, _page("award")
    ),
    "assessment": WithdrawableKind(
        Assessment,
        "assessment",
        services.assessment_withdraw,
        services.assessment_restore,
        _page("assessment"),
    ),
    "selfgov": WithdrawableKind(
        SelfGovernance,
        "selfgov",
        services.selfgov_withdraw,
        services.selfgov_restore,
        _page("selfgov"),
    ),
    "ledger": WithdrawableKind(
        LedgerEntry, "entry", services.ledger_withdraw, services.ledger_restore, _page("ledger")
    ),
}


@perm_required("records.withdraw")
def withdraw(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return withdraw_page(request, kind_named(KINDS, kind), pk)


@require_POST
@perm_required("records.withdraw")
def restore(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return restore_action(request, kind_named(KINDS, kind), pk)
