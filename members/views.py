"""Staff pages for members, officers, households, liaison pairs and groups.

Each page: scoped fetch (outsiders get 404) → form → `run_service(form, service,
by=request.user, …)` → redirect or render. The association a page is about comes as
`?scope=<pk>` (read by `requested_scope`), or as the pk in the path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations.forms import run_service
from associations.lists import bounded_page, sort_order
from associations.models import VILLAGE_LEVELS, AccessKind, Association
from associations.permissions import require
from associations.pickers import PICKER_LIMIT, picker_response
from associations.scope import (
    SCOPE_PARAMETER,
    get_visible_or_404,
    perm_required,
    requested_scope,
    visible,
    write_required,
)
from associations.services import personal_data_access_record
from associations.spreadsheets.views import export_response
from associations.withdrawal import (
    WithdrawableKind,
    kind_named,
    restore_action,
    withdraw_page,
)

from . import idcard, selectors, services
from .forms import (
    CertificateForm,
    DuesCorrectionForm,
    DuesForm,
    EndForm,
    HouseholdFilterForm,
    HouseholdForm,
    IdLookupForm,
    IntegrityGroupForm,
    LeaveForm,
    LiaisonDetailsForm,
    LiaisonForm,
    MemberFilterForm,
    MemberForm,
    MemberGroupForm,
    OfficersFilterForm,
    PositionDetailsForm,
    PositionForm,
    RejoinForm,
    RevealForm,
    VillageForm,
    member_label,
)
from .models import (
    DuesPayment,
    Household,
    IntegrityGroup,
    LiaisonPair,
    Member,
    MemberGroup,
    OfficerPosition,
)

MEMBERS_PER_PAGE = 50
ROWS_PER_PAGE = 100
WITHDRAWN_SHOWN = 200
# Set after an ID number was corrected: the member page shows it once to whoever typed it.
CORRECTED_ID_SESSION_KEY = "members:corrected-id"


def _scoped_url(name: str, association: Association) -> str:
    return f"{reverse(name)}?{SCOPE_PARAMETER}={association.pk}"


def _chosen_scope(request: HttpRequest) -> Association | None:
    """The association picked with `?scope=` (a new record's initial one), else None."""
    return requested_scope(request) if request.GET.get(SCOPE_PARAMETER) else None


def _village(request: HttpRequest) -> Association | None:
    """The village a page works on: `?scope=`, else the user's own; None if it is not one."""
    scope = requested_scope(request)
    return scope if scope.level in VILLAGE_LEVELS else None


def _post_action(request: HttpRequest, form: forms.Form, service, done: str, **kwargs) -> None:
    """A one-button action: its outcome (or what was wrong) as a message on the next page."""
    if run_service(form, service, by=request.user, **kwargs) is not None:
        messages.success(request, done)
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))


def _edit_record(
    request: HttpRequest,
    record: models.Model,
    form_class: type[forms.Form],
    service: Callable[..., Any],
    arg: str,
    *,
    title: str,
    back: str,
) -> HttpResponse:
    """A small correction page (a post's details, a pair's kind, a payment) for one record."""
    require(request.user, "records.change", record)
    form = form_class(request.POST or None, instance=record)
    if request.method == "POST" and run_service(form, service, by=request.user, **{arg: record}):
        messages.success(request, _("已保存。"))
        return redirect(back)
    context = {"form": form, "title": title, "cancel_url": back}
    return render(request, "members/record_form.html", context)


# ── pickers (JSON) ────────────────────────────────────────────────────────────


def _picked_association(request: HttpRequest) -> Association | None:
    """`?association=<pk>` of a picker: a visible association (else 404), or None."""
    pk = request.GET.get("association")
    return get_visible_or_404(Association, request.user, pk=pk) if pk else None


@login_required
def pick_member(request: HttpRequest) -> JsonResponse:
    """Members by name, ID tail or phone (`q`), under `association`, in the roll if `active=1`;
    ID numbers masked."""
    members = selectors.member_picks(
        request.user,
        request.GET.get("q", "")[:20],
        within=_picked_association(request),
        active=request.GET.get("active") == "1",
    )
    rows = [
        {
            "value": m.pk,
            "text": member_label(m),
            "hint": m.association.name,
        }
        for m in members[:PICKER_LIMIT]
    ]
    return picker_response(rows)


@login_required
def pick_household(request: HttpRequest) -> JsonResponse:
    """Households by code or head's name (`q`), under `association`."""
    households = selectors.household_picks(
        request.user, request.GET.get("q", "")[:30], within=_picked_association(request)
    )
    rows = [
        {"value": h.pk, "code": h.code, "text": str(h), "hint": h.association.name}
        for h in households[:PICKER_LIMIT]
    ]
    return picker_response(rows)


@login_required
def pick_group(request: HttpRequest) -> JsonResponse:
    """The current member groups of the chosen `association` (none until one is chosen)."""
    association = _picked_association(request)
    if association is None:
        return picker_response([])
    groups = selectors.group_picks(request.user, association.pk, request.GET.get("q", "")[:30])
    return picker_response([{"value": g.pk, "text": g.name} for g in groups[:PICKER_LIMIT]])


# ── members ───────────────────────────────────────────────────────────────────


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    scope = requested_scope(request)
    form = MemberFilterForm(request.GET or None, user=request.user, scope=scope)
    if form.is_bound and not form.is_valid() and "q" in form.errors:
        # A full ID number typed in the search box (without script, which posts it to the
        # look-up instead): say why, and drop it from the address.
        messages.error(request, form.errors["q"][0])
        query = request.GET.copy()
        query.pop("q")
        return redirect(f"{reverse('members:list')}?{query.urlencode()}")
    filters = form.filters()
    if request.GET.get("export") and filters is not None:
        return export_response(request, "members", scope, filters=filters)
    sort, order = sort_order(request, selectors.MEMBER_SORTS, "name")
    members = Member.objects.none()
    if filters is not None:
        members = selectors.member_list(request.user, scope=scope, order=order, **filters)
    context = {
        "form": form,
        "page_obj": bounded_page(request, members, MEMBERS_PER_PAGE),
        "lookup_form": IdLookupForm(),
        "scope": scope,
        "sort": sort,
    }
    return render(request, "members/member_list.html", context)


@require_POST
@login_required
def member_lookup(request: HttpRequest) -> HttpResponse:
    """Full ID number lookup by POST, so the number stays out of URLs and logs."""
    form = IdLookupForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["id_number"][0])
        return redirect("members:list")
    number = form.cleaned_data["id_number"]
    member = visible(Member, request.user).with_id_number(number).first()
    personal_data_access_record(
        by=request.user,
        kind=AccessKind.LOOKUP,
        subject=idcard.mask(number),
        association=member.association if member else None,
    )
    if member is None:
        messages.warning(request, _("在您的管辖范围内没有找到该身份证号的会员。"))
        return redirect("members:list")
    return redirect("members:detail", pk=member.pk)


def _live_member(request: HttpRequest, pk: int) -> Member:
    """A member the user may see and that is not withdrawn (actions and edits)."""
    queryset = Member.objects.select_related("association", "group")
    return get_visible_or_404(queryset, request.user, pk=pk)


@write_required
def member_create(request: HttpRequest) -> HttpResponse:
    form = MemberForm(request.POST or None, user=request.user, association=_chosen_scope(request))
    register = services.member_register
    if request.method == "POST" and (member := run_service(form, register, by=request.user)):
        messages.success(request, _("已登记会员“%(name)s”。") % {"name": member.name})
        return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form})


@write_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _live_member(request, pk)
    require(request.user, "records.change", member)
    form = MemberForm(request.POST or None, user=request.user, instance=member)
    if request.method == "POST" and run_service(
        form, services.member_update, by=request.user, member=member
    ):
        messages.success(request, _("已保存。"))
        if form.cleaned_data.get("id_number"):
            # The person who typed the correction sees it once on the next page; only the
            # member's key travels in the session, never the number.
            request.session[CORRECTED_ID_SESSION_KEY] = member.pk
        return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "member": member})


def _detail_page(
    request: HttpRequest, member: Member, *, revealed: bool = False, **action_forms: forms.Form
) -> HttpResponse:
    """The member page, the ID number masked and the birth year only, unless `revealed`
    (a logged reveal); an action that failed passes its bound form to show the errors."""
    user = request.user
    with_withdrawn = user.has_perm("records.withdraw", member)
    can_change = not member.is_withdrawn and user.has_perm("records.change", member)
    context: dict[str, Any] = {
        "detail": selectors.member_detail(member, with_withdrawn=with_withdrawn),
        "member": member,
        "can_change": can_change,
        "revealed": revealed,
        "corrected_id": request.session.pop(CORRECTED_ID_SESSION_KEY, None) == member.pk,
    }
    if not revealed and user.has_perm("personal_data.view", member):
        context["reveal_form"] = action_forms.pop("reveal_form", None) or RevealForm()
    if can_change:
        today = timezone.localdate()
        context.update(
            leave_form=LeaveForm(initial={"left_on": today}),
            rejoin_form=RejoinForm(initial={"joined_on": today}),
            position_form=PositionForm(user=user, member=member),
            dues_form=DuesForm(),
            end_form=EndForm(auto_id=False, initial={"ended_on": today}),
        )
        context.update(action_forms)
    response = render(request, "members/member_detail.html", context)
    if revealed or context["corrected_id"]:
        add_never_cache_headers(response)  # the full number stays out of caches and history
    return response


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(selectors.member_in_scope(request.user), request.user, pk=pk)
    return _detail_page(request, member)


@require_POST
@perm_required("personal_data.view")
def member_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full ID number and birth date, once, with the purpose logged."""
    member = get_visible_or_404(selectors.member_in_scope(request.user), request.user, pk=pk)
    require(request.user, "personal_data.view", member)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, member, reveal_form=form)
    personal_data_access_record(
        by=request.user,
        kind=AccessKind.VIEW,
        subject=_("%(name)s（会员编号 %(number)s）")
        % {"name": member.name, "number": member.number},
        association=member.association,
        purpose=form.cleaned_data["purpose"],
    )
    return _detail_page(request, member, revealed=True)


def _changeable_member(request: HttpRequest, pk: int) -> Member:
    member = _live_member(request, pk)
    require(request.user, "records.change", member)
    return member


def _member_action(
    request: HttpRequest, member: Member, form_name: str, form: forms.Form, service: Callable
) -> HttpResponse:
    """The detail page's actions: form → service → back to the member."""
    if request.method == "POST" and run_service(form, service, by=request.user, member=member):
        messages.success(request, _("已保存。"))
        return redirect("members:detail", pk=member.pk)
    return _detail_page(request, member, **{form_name: form})


@write_required
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    member, form = _changeable_member(request, pk), LeaveForm(request.POST or None)
    return _member_action(request, member, "leave_form", form, services.member_leave)


@write_required
def member_rejoin(request: HttpRequest, pk: int) -> HttpResponse:
    member, form = _changeable_member(request, pk), RejoinForm(request.POST or None)
    return _member_action(request, member, "rejoin_form", form, services.member_rejoin)


@write_required
def position_assign(request: HttpRequest, pk: int) -> HttpResponse:
    member = _changeable_member(request, pk)
    form = PositionForm(request.POST or None, user=request.user, member=member)
    return _member_action(request, member, "position_form", form, services.position_assign)


@write_required
def dues_record(request: HttpRequest, pk: int) -> HttpResponse:
    member, form = _changeable_member(request, pk), DuesForm(request.POST or None)
    return _member_action(request, member, "dues_form", form, services.dues_record)


@require_POST
@write_required
def position_end(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_visible_or_404(OfficerPosition, request.user, pk=pk)
    form = EndForm(request.POST)
    _post_action(request, form, services.position_end, _("已结束任职。"), position=position)
    return redirect("members:detail", pk=position.member_id)


@write_required
def position_edit(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = OfficerPosition.objects.select_related("member", "association")
    position = get_visible_or_404(queryset, request.user, pk=pk)
    title = _("更正任职信息：%(post)s") % {"post": position}
    back = reverse("members:detail", args=[position.member_id])
    form, update = PositionDetailsForm, services.position_update
    return _edit_record(request, position, form, update, "position", title=title, back=back)


@write_required
def dues_edit(request: HttpRequest, pk: int) -> HttpResponse:
    payment = get_visible_or_404(DuesPayment.objects.select_related("member"), request.user, pk=pk)
    title = _("更正会费：%(payment)s") % {"payment": payment}
    back = reverse("members:detail", args=[payment.member_id])
    form, update = DuesCorrectionForm, services.dues_update
    return _edit_record(request, payment, form, update, "payment", title=title, back=back)


@login_required
def officers(request: HttpRequest) -> HttpResponse:
    """Who held which post on a date (default today) in the chosen scope."""
    scope = requested_scope(request)
    form = OfficersFilterForm(request.GET or None, user=request.user, scope=scope)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    day = data.get("day") or timezone.localdate()
    positions = selectors.positions_held_on(scope, day, title=data.get("title"))
    page = bounded_page(request, positions, ROWS_PER_PAGE)
    context = {"form": form, "page_obj": page, "scope": scope, "day": day}
    return render(request, "members/officers.html", context)


# ── households ────────────────────────────────────────────────────────────────


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    scope = requested_scope(request)
    form = HouseholdFilterForm(request.GET or None, user=request.user, scope=scope)
    filters = form.filters()
    if request.GET.get("export"):
        return export_response(request, "households", scope, filters=filters)
    sort, order = sort_order(request, selectors.HOUSEHOLD_SORTS, "code")
    households = selectors.household_list(request.user, scope=scope, order=order, **filters)
    context = {
        "form": form,
        "page_obj": bounded_page(request, households, MEMBERS_PER_PAGE),
        "scope": scope,
        "sort": sort,
    }
    return render(request, "members/household_list.html", context)


def _household_page(
    request: HttpRequest, household: Household, certificate_form: forms.Form | None = None
) -> HttpResponse:
    can_change = not household.is_withdrawn and request.user.has_perm("records.change", household)
    context: dict[str, Any] = {
        "detail": selectors.household_detail(household),
        "household": household,
        "can_change": can_change,
    }
    if can_change:
        context["certificate_form"] = certificate_form or CertificateForm()
    return render(request, "members/household_detail.html", context)


def _live_household(request: HttpRequest, pk: int) -> Household:
    queryset = Household.objects.select_related("association", "integrity_group")
    return get_visible_or_404(queryset, request.user, pk=pk)


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(selectors.household_in_scope(request.user), request.user, pk=pk)
    return _household_page(request, household)


@write_required
def household_create(request: HttpRequest) -> HttpResponse:
    association = _chosen_scope(request)
    form = HouseholdForm(request.POST or None, user=request.user, association=association)
    create = services.household_create
    if request.method == "POST" and (household := run_service(form, create, by=request.user)):
        messages.success(request, _("已登记户“%(h)s”。") % {"h": household})
        return redirect("members:household_detail", pk=household.pk)
    return render(request, "members/household_form.html", {"form": form})


@write_required
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = _live_household(request, pk)
    require(request.user, "records.change", household)
    form = HouseholdForm(request.POST or None, user=request.user, instance=household)
    if request.method == "POST" and run_service(
        form, services.household_update, by=request.user, household=household
    ):
        messages.success(request, _("已保存。"))
        return redirect("members:household_detail", pk=household.pk)
    context = {"form": form, "household": household}
    return render(request, "members/household_form.html", context)


@write_required
def certificate_record(request: HttpRequest, pk: int) -> HttpResponse:
    household = _live_household(request, pk)
    require(request.user, "records.change", household)
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and run_service(
        form, services.certificate_record, by=request.user, household=household
    ):
        messages.success(request, _("已保存。"))
        return redirect("members:household_detail", pk=household.pk)
    return _household_page(request, household, certificate_form=form)


# ── liaison ───────────────────────────────────────────────────────────────────


def _liaison_page(request: HttpRequest, village: Association | None, form=None) -> HttpResponse:
    context: dict[str, Any] = {
        "village_form": VillageForm(user=request.user, village=village),
        "village": village,
    }
    if village is not None:
        context["candidates"] = selectors.liaison_candidates(village)
        if request.user.has_perm("records.change", village):
            context["form"] = form or LiaisonForm(village=village)
            context["end_form"] = EndForm(auto_id=False, initial={"ended_on": timezone.localdate()})
    return render(request, "members/liaison.html", context)


@login_required
def liaison(request: HttpRequest) -> HttpResponse:
    """Pick a village; see its active members, households and open pairs."""
    return _liaison_page(request, _village(request))


def _village_in_path(request: HttpRequest, pk: int) -> Association:
    villages = Association.objects.filter(level__in=VILLAGE_LEVELS)
    village = get_visible_or_404(villages, request.user, pk=pk)
    require(request.user, "records.change", village)
    return village


@write_required
def liaison_create(request: HttpRequest, village_pk: int) -> HttpResponse:
    """One member ticked against several households, paired in one submit (all or none)."""
    village = _village_in_path(request, village_pk)
    form = LiaisonForm(request.POST or None, village=village)
    pair = services.liaison_pair_many
    if request.method == "POST" and (pairs := run_service(form, pair, by=request.user)):
        messages.success(request, _("已结对 %(n)s 户。") % {"n": len(pairs)})
        return redirect(_scoped_url("members:liaison", village))
    return _liaison_page(request, village, form)


@require_POST
@write_required
def liaison_end(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_visible_or_404(LiaisonPair.objects.select_related("household"), request.user, pk=pk)
    _post_action(request, EndForm(request.POST), services.liaison_end, _("已结束联系。"), pair=pair)
    return redirect(_scoped_url("members:liaison", pair.household.association))


@write_required
def liaison_edit(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = LiaisonPair.objects.select_related("member", "household__association")
    pair = get_visible_or_404(queryset, request.user, pk=pk)
    title = _("更正联系关系：%(pair)s") % {"pair": pair}
    back = _scoped_url("members:liaison", pair.household.association)
    form, update = LiaisonDetailsForm, services.liaison_update
    return _edit_record(request, pair, form, update, "pair", title=title, back=back)


# ── member groups and integrity groups ────────────────────────────────────────


def _groups_page(request: HttpRequest, template: str, groups) -> HttpResponse:
    village = _village(request)
    context = {
        "village_form": VillageForm(user=request.user, village=village),
        "village": village,
        "groups": groups(village) if village else [],
    }
    return render(request, template, context)


# The list page and the form template of each kind of group.
_MEMBER_GROUPS = ("members:groups", "members/group_form.html")
_INTEGRITY_GROUPS = ("members:integrity_groups", "members/integrity_group_form.html")


def _group_form(
    request: HttpRequest,
    form: forms.Form,
    service: Callable,
    village: Association,
    pages: tuple[str, str],
    **kwargs: Any,
) -> HttpResponse:
    """Create or edit a group of a village: back to the village's groups when saved."""
    list_name, template = pages
    if request.method == "POST" and run_service(form, service, by=request.user, **kwargs):
        messages.success(request, _("已保存。"))
        return redirect(_scoped_url(list_name, village))
    context = {"form": form, "village": village, "group": kwargs.get("group")}
    return render(request, template, context)


@login_required
def member_groups(request: HttpRequest) -> HttpResponse:
    return _groups_page(request, "members/member_groups.html", selectors.member_groups)


@write_required
def member_group_create(request: HttpRequest, village_pk: int) -> HttpResponse:
    village = get_visible_or_404(Association, request.user, pk=village_pk)
    require(request.user, "records.change", village)
    form = MemberGroupForm(request.POST or None, association=village)
    create = services.member_group_create
    return _group_form(request, form, create, village, _MEMBER_GROUPS, association=village)


@write_required
def member_group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = MemberGroup.objects.select_related("association")
    group = get_visible_or_404(queryset, request.user, pk=pk)
    require(request.user, "records.change", group)
    form = MemberGroupForm(request.POST or None, association=group.association, instance=group)
    update = services.member_group_update
    return _group_form(request, form, update, group.association, _MEMBER_GROUPS, group=group)


@login_required
def integrity_groups(request: HttpRequest) -> HttpResponse:
    return _groups_page(request, "members/integrity_groups.html", selectors.integrity_groups)


@write_required
def integrity_group_create(request: HttpRequest, village_pk: int) -> HttpResponse:
    village = _village_in_path(request, village_pk)
    form = IntegrityGroupForm(request.POST or None, association=village)
    create = services.integrity_group_create
    return _group_form(request, form, create, village, _INTEGRITY_GROUPS, association=village)


@write_required
def integrity_group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = IntegrityGroup.objects.select_related("association")
    group = get_visible_or_404(queryset, request.user, pk=pk)
    require(request.user, "records.change", group)
    form = IntegrityGroupForm(request.POST or None, association=group.association, instance=group)
    update = services.integrity_group_update
    return _group_form(request, form, update, group.association, _INTEGRITY_GROUPS, group=group)


# ── withdrawing (作废) and restoring ───────────────────────────────────────────


def _to_member(record) -> str:
    return reverse("members:detail", args=[record.member_id])


WITHDRAWABLE = {
    "member": WithdrawableKind(
        Member,
        "member",
        services.member_withdraw,
        services.member_restore,
        lambda member: reverse("members:detail", args=[member.pk]),
    ),
    "household": WithdrawableKind(
        Household,
        "household",
        services.household_withdraw,
        services.household_restore,
        lambda household: reverse("members:household_detail", args=[household.pk]),
    ),
    "position": WithdrawableKind(
        OfficerPosition,
        "position",
        services.position_withdraw,
        services.position_restore,
        _to_member,
    ),
    "liaison": WithdrawableKind(
        LiaisonPair, "pair", services.liaison_withdraw, services.liaison_restore, _to_member
    ),
    "dues": WithdrawableKind(
        DuesPayment, "payment", services.dues_withdraw, services.dues_restore, _to_member
    ),
}


@perm_required("records.withdraw")
def withdraw(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return withdraw_page(request, kind_named(WITHDRAWABLE, kind), pk)


@require_POST
@perm_required("records.withdraw")
def restore(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    return restore_action(request, kind_named(WITHDRAWABLE, kind), pk)


@perm_required("records.withdraw")
def withdrawn(request: HttpRequest) -> HttpResponse:
    """已作废: withdrawn members and households of the scope, to check or restore."""
    scope = requested_scope(request)
    context = {
        "scope": scope,
        "members": selectors.withdrawn_members(request.user, scope)[:WITHDRAWN_SHOWN],
        "households": selectors.withdrawn_households(request.user, scope)[:WITHDRAWN_SHOWN],
        "shown": WITHDRAWN_SHOWN,
    }
    return render(request, "members/withdrawn.html", context)
