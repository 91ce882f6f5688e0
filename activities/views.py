"""Staff pages for the association's work: lists, details, forms and the year at a glance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from associations.models import Association
from associations.scope import get_visible_or_404, secretary_required, visible, write_required

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


def _page(request: HttpRequest, rows: QuerySet) -> Page:
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def _listing(
    request: HttpRequest,
    template: str,
    model: type[Model],
    filter_form: type[forms._Filters],
    rows: Callable[..., QuerySet],
    **extra: Any,
) -> HttpResponse:
    """A filtered, paginated list of what the user may see."""
    filters = filter_form(request.GET or None, user=request.user)
    queryset = rows(visible(model, request.user), **filters.values())
    context = {"filters": filters, "page_obj": _page(request, queryset), **extra}
    return render(request, f"activities/{template}", context)


def _save(form, service: Callable[..., Model], **kwargs: Any) -> Model | None:
    """Run the service on a valid form; its errors go back onto the form, what was typed stays."""
    if not form.is_valid():
        return None
    try:
        return service(**form.values(), **kwargs)
    except ValidationError as exc:
        forms.add_service_errors(form, exc)
        return None


def _form_page(request: HttpRequest, form, title: str, cancel: str, **extra: Any) -> HttpResponse:
    context = {"form": form, "title": title, "cancel_url": cancel, **extra}
    return render(request, "activities/form.html", context)


def _saved(request: HttpRequest, obj: Model, name: str) -> HttpResponse:
    messages.success(request, _("已保存。"))
    return redirect(f"activities:{name}_detail", pk=obj.pk)


def _scope(request: HttpRequest) -> Association | None:
    return request.user.association


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return redirect("activities:event_list")


# ── Events 活动 ────────────────────────────────────────────────────────────────
@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, "event_list.html", Event, forms.EventFilterForm, selectors.event_rows)


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_visible_or_404(Event.objects.select_related("association"), request.user, pk=pk)
    context = {
        "event": event,
        "materials": event.materials.all(),
        "co_organisers": event.co_organisers.all(),
        "attendee_count": event.attendees.count(),
        "ledger": event.ledgerentry_set.visible_to(request.user).select_related("association"),
    }
    return render(request, "activities/event_detail.html", context)


@write_required
def event_create(request: HttpRequest) -> HttpResponse:
    form = forms.EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and (
        event := _save(form, services.event_create, within=_scope(request))
    ):
        return _saved(request, event, "event")
    return _form_page(request, form, _("新增活动"), reverse("activities:event_list"))


@write_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_visible_or_404(Event, request.user, pk=pk)
    form = forms.EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and _save(
        form, services.event_update, event=event, within=_scope(request)
    ):
        return _saved(request, event, "event")
    return _form_page(request, form, _("编辑活动"), reverse("activities:event_detail", args=[pk]))


# ── Projects 项目 ──────────────────────────────────────────────────────────────
@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    return _listing(
        request, "project_list.html", Project, forms.ProjectFilterForm, selectors.project_rows
    )


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(Project.objects.select_related("association"), request.user, pk=pk)
    aid = selectors.aid_rows(visible(Aid, request.user), project=project)
    context = {
        "project": project,
        "funding": project.funding.all(),
        "funding_totals": selectors.project_funding_totals(project),
        "aid_totals": selectors.aid_totals(aid),
        "page_obj": _page(request, aid),
    }
    return render(request, "activities/project_detail.html", context)


@write_required
def project_create(request: HttpRequest) -> HttpResponse:
    form = forms.ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and (
        project := _save(form, services.project_create, within=_scope(request))
    ):
        return _saved(request, project, "project")
    return _form_page(request, form, _("新增项目"), reverse("activities:project_list"))


@write_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_visible_or_404(Project, request.user, pk=pk)
    form = forms.ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and _save(
        form, services.project_update, project=project, within=_scope(request)
    ):
        return _saved(request, project, "project")
    cancel = reverse("activities:project_detail", args=[pk])
    return _form_page(request, form, _("编辑项目"), cancel)


# ── Aid 帮扶 ───────────────────────────────────────────────────────────────────
@login_required
def aid_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, "aid_list.html", Aid, forms.AidFilterForm, selectors.aid_rows)


@login_required
def aid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    related = Aid.objects.select_related("household__association", "project__association")
    aid = get_visible_or_404(related, request.user, pk=pk)
    return render(request, "activities/aid_detail.html", {"aid": aid})


@write_required
def aid_create(request: HttpRequest) -> HttpResponse:
    initial = {"project": request.GET.get("project")}
    form = forms.AidForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and (aid := _save(form, services.aid_give, within=_scope(request))):
        return _saved(request, aid, "aid")
    return _form_page(request, form, _("登记帮扶"), reverse("activities:aid_list"))


@write_required
def aid_edit(request: HttpRequest, pk: int) -> HttpResponse:
    aid = get_visible_or_404(Aid.objects.select_related("household"), request.user, pk=pk)
    form = forms.AidForm(request.POST or None, instance=aid, user=request.user)
    if request.method == "POST" and _save(
        form, services.aid_update, aid=aid, within=_scope(request)
    ):
        return _saved(request, aid, "aid")
    return _form_page(request, form, _("编辑帮扶记录"), reverse("activities:aid_detail", args=[pk]))


# ── Awards 表彰 ────────────────────────────────────────────────────────────────
@login_required
def award_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, "award_list.html", Award, forms.AwardFilterForm, selectors.award_rows)


@login_required
def award_detail(request: HttpRequest, pk: int) -> HttpResponse:
    related = Award.objects.select_related("association", "member", "household")
    award = get_visible_or_404(related, request.user, pk=pk)
    return render(request, "activities/award_detail.html", {"award": award})


@write_required
def award_create(request: HttpRequest) -> HttpResponse:
    form = forms.AwardForm(request.POST or None, user=request.user)
    if request.method == "POST" and (
        award := _save(form, services.award_grant, within=_scope(request))
    ):
        return _saved(request, award, "award")
    return _form_page(request, form, _("登记表彰"), reverse("activities:award_list"))


@write_required
def award_edit(request: HttpRequest, pk: int) -> HttpResponse:
    award = get_visible_or_404(Award, request.user, pk=pk)
    form = forms.AwardEditForm(request.POST or None, instance=award, user=request.user)
    if request.method == "POST" and _save(
        form, services.award_update, award=award, within=_scope(request)
    ):
        return _saved(request, award, "award")
    return _form_page(request, form, _("编辑表彰"), reverse("activities:award_detail", args=[pk]))


# ── Assessments 考核 ───────────────────────────────────────────────────────────
@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    return _listing(
        request,
        "assessment_list.html",
        Assessment,
        forms.AssessmentFilterForm,
        selectors.assessment_rows,
        templates=AssessmentTemplate.objects.all(),
    )


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    related = Assessment.objects.select_related("association", "template")
    assessment = get_visible_or_404(related, request.user, pk=pk)
    met = set(assessment.items_met.values_list("pk", flat=True))
    items = [(item, item.pk in met) for item in assessment.template.items.all()]
    context = {"assessment": assessment, "items": items, "met_count": len(met)}
    return render(request, "activities/assessment_detail.html", context)


@write_required
def assessment_create(request: HttpRequest, template: str) -> HttpResponse:
    template = get_object_or_404(AssessmentTemplate, code=template)
    initial = {"year": dt.date.today().year}
    form = forms.AssessmentForm(
        request.POST or None, user=request.user, template=template, initial=initial
    )
    if request.method == "POST" and (
        assessment := _save(form, services.assessment_record, within=_scope(request))
    ):
        return _saved(request, assessment, "assessment")
    title = _("登记“%(name)s”考核") % {"name": template.name}
    return _form_page(request, form, title, reverse("activities:assessment_list"))


@write_required
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_visible_or_404(
        Assessment.objects.select_related("template"), request.user, pk=pk
    )
    initial = {
        "association": assessment.association_id,
        "year": assessment.year,
        "items_met": list(assessment.items_met.values_list("number", flat=True)),
        "assessed_on": assessment.assessed_on,
        "note": assessment.note,
    }
    form = forms.AssessmentForm(
        request.POST or None,
        user=request.user,
        template=assessment.template,
        initial=initial,
        fixed=True,
    )
    if request.method == "POST" and _save(form, services.assessment_record, within=_scope(request)):
        return _saved(request, assessment, "assessment")
    cancel = reverse("activities:assessment_detail", args=[pk])
    return _form_page(request, form, _("编辑考核"), cancel)


# ── Village self-governance 村民自治 ───────────────────────────────────────────
@login_required
def selfgov_list(request: HttpRequest) -> HttpResponse:
    return _listing(
        request,
        "selfgov_list.html",
        SelfGovernance,
        forms.SelfGovFilterForm,
        selectors.selfgov_rows,
    )


@login_required
def selfgov_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_visible_or_404(
        SelfGovernance.objects.select_related("association"), request.user, pk=pk
    )
    return render(request, "activities/selfgov_detail.html", {"row": row})


@write_required
def selfgov_create(request: HttpRequest) -> HttpResponse:
    form = forms.SelfGovForm(request.POST or None, user=request.user)
    if request.method == "POST" and (
        row := _save(form, services.selfgov_record, within=_scope(request))
    ):
        return _saved(request, row, "selfgov")
    return _form_page(request, form, _("登记村民自治"), reverse("activities:selfgov_list"))


@write_required
def selfgov_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_visible_or_404(SelfGovernance, request.user, pk=pk)
    form = forms.SelfGovForm(request.POST or None, instance=row, user=request.user)
    if request.method == "POST" and _save(form, services.selfgov_record, within=_scope(request)):
        return _saved(request, row, "selfgov")
    cancel = reverse("activities:selfgov_detail", args=[pk])
    return _form_page(request, form, _("编辑村民自治"), cancel)


# ── Ledger 经费 ────────────────────────────────────────────────────────────────
@login_required
def ledger_list(request: HttpRequest) -> HttpResponse:
    filters = forms.LedgerFilterForm(request.GET or None, user=request.user)
    rows = selectors.ledger_rows(visible(LedgerEntry, request.user), **filters.values())
    context = {
        "filters": filters,
        "page_obj": _page(request, rows),
        "totals": selectors.ledger_totals(rows),
    }
    return render(request, "activities/ledger_list.html", context)


@login_required
def ledger_detail(request: HttpRequest, pk: int) -> HttpResponse:
    related = LedgerEntry.objects.select_related("association", "event", "project")
    entry = get_visible_or_404(related, request.user, pk=pk)
    return render(request, "activities/ledger_detail.html", {"entry": entry})


@write_required
def ledger_create(request: HttpRequest) -> HttpResponse:
    form = forms.LedgerForm(request.POST or None, user=request.user)
    if request.method == "POST" and (
        entry := _save(form, services.ledger_record, within=_scope(request))
    ):
        return _saved(request, entry, "ledger")
    return _form_page(request, form, _("登记经费收支"), reverse("activities:ledger_list"))


@write_required
def ledger_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_visible_or_404(LedgerEntry, request.user, pk=pk)
    form = forms.LedgerForm(request.POST or None, instance=entry, user=request.user)
    if request.method == "POST" and _save(
        form, services.ledger_update, entry=entry, within=_scope(request)
    ):
        return _saved(request, entry, "ledger")
    cancel = reverse("activities:ledger_detail", args=[pk])
    return _form_page(request, form, _("编辑经费收支"), cancel)


# ── Delete ────────────────────────────────────────────────────────────────────
# kind in the URL → (model, service, its keyword, the list to return to)
DELETABLE: dict[str, tuple[type[Model], Callable[..., None], str, str]] = {
    "event": (Event, services.event_delete, "event", "activities:event_list"),
    "project": (Project, services.project_delete, "project", "activities:project_list"),
    "aid": (Aid, services.aid_delete, "aid", "activities:aid_list"),
    "award": (Award, services.award_delete, "award", "activities:award_list"),
    "assessment": (
        Assessment,
        services.assessment_delete,
        "assessment",
        "activities:assessment_list",
    ),
    "selfgov": (SelfGovernance, services.selfgov_delete, "selfgov", "activities:selfgov_list"),
    "ledger": (LedgerEntry, services.ledger_delete, "entry", "activities:ledger_list"),
}


@secretary_required
def delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in DELETABLE:
        raise Http404
    model, service, keyword, back = DELETABLE[kind]
    obj = get_visible_or_404(model, request.user, pk=pk)
    error = None
    if request.method == "POST":
        try:
            service(**{keyword: obj}, within=_scope(request))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("已删除。"))
            return redirect(back)
    cancel = reverse(f"activities:{kind}_detail", args=[pk])
    context = {
        "object": obj,
        "model_name": model._meta.verbose_name,
        "error": error,
        "cancel_url": cancel,
    }
    return render(request, "activities/confirm_delete.html", context)
