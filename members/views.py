"""Staff pages for members, officers, households, liaison pairs and groups."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations.forms import add_service_errors
from associations.models import VILLAGE_LEVELS, Association
from associations.scope import default_scope, get_visible_or_404, visible, write_required

from . import selectors, services
from .forms import (
    CertificateForm,
    DuesForm,
    EndForm,
    HouseholdFilterForm,
    HouseholdForm,
    IdLookupForm,
    IntegrityGroupForm,
    LeaveForm,
    LiaisonForm,
    MemberFilterForm,
    MemberForm,
    MemberGroupForm,
    OfficersFilterForm,
    PositionForm,
    RejoinForm,
    VillageForm,
)
from .models import (
    Household,
    IntegrityGroup,
    LiaisonPair,
    Member,
    MemberGroup,
    OfficerPosition,
)

MEMBERS_PER_PAGE = 50
ROWS_PER_PAGE = 100


def _within(request: HttpRequest) -> Association | None:
    return request.user.association


def _chosen(request: HttpRequest, param: str = "association", levels=None) -> Association | None:
    """An association picked by ?association=<pk>, or None; outsiders' picks are 404."""
    pk = request.GET.get(param)
    if not pk:
        return None
    queryset = Association.objects.filter(level__in=levels) if levels else Association
    return get_visible_or_404(queryset, request.user, pk=pk)


def _village(request: HttpRequest) -> Association | None:
    """The village a page works on: the one picked, else the user's own if it is one."""
    village = _chosen(request, "village", VILLAGE_LEVELS)
    own = request.user.association
    if village is None and own is not None and own.level in VILLAGE_LEVELS:
        village = own
    return village


# ── members ───────────────────────────────────────────────────────────────────


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    form = MemberFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid() and "q" in form.errors:
        # A full ID number typed in the search box: say why, and drop it from the address.
        messages.error(request, form.errors["q"][0])
        query = request.GET.copy()
        query.pop("q")
        return redirect(f"{reverse('members:list')}?{query.urlencode()}")
    if form.is_bound and not form.is_valid():
        members = Member.objects.none()
    else:
        filters = form.cleaned_data if form.is_bound else {}
        members = selectors.member_list(
            request.user,
            q=filters.get("q", ""),
            association=filters.get("association"),
            group=filters.get("group"),
            status=filters.get("status"),
            flags=filters.get("flags", ()),
        )
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "lookup_form": IdLookupForm()}
    return render(request, "members/member_list.html", context)


@require_POST
@login_required
def member_lookup(request: HttpRequest) -> HttpResponse:
    """Full ID number lookup by POST, so the number stays out of URLs and logs."""
    form = IdLookupForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["id_number"][0])
        return redirect("members:list")
    member = visible(Member, request.user).filter(id_number=form.cleaned_data["id_number"]).first()
    if member is None:
        messages.warning(request, _("在您的管辖范围内没有找到该身份证号的会员。"))
        return redirect("members:list")
    return redirect("members:detail", pk=member.pk)


@write_required
def member_create(request: HttpRequest) -> HttpResponse:
    association = _chosen(request)
    form = MemberForm(request.POST or None, user=request.user, association=association)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_register(within=_within(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记会员“%(name)s”。") % {"name": member.name})
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form})


@write_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(selectors.member_in_scope(request.user), request.user, pk=pk)
    form = MemberForm(request.POST or None, user=request.user, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(member=member, within=_within(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "member": member})


def _detail_page(request: HttpRequest, member: Member, **forms: Form) -> HttpResponse:
    """The member page; an action that failed passes its bound form to show the errors."""
    context: dict[str, Any] = {"detail": selectors.member_detail(member), "member": member}
    if request.user.can_write:
        context.update(
            leave_form=LeaveForm(initial={"left_on": timezone.localdate()}),
            rejoin_form=RejoinForm(initial={"joined_on": timezone.localdate()}),
            position_form=PositionForm(user=request.user, member=member),
            dues_form=DuesForm(),
            end_form=EndForm(auto_id=False, initial={"ended_on": timezone.localdate()}),
            # Posts in an association above the user's scope are shown but not ended here.
            endable_positions=set(
                member.positions.visible_to(request.user)
                .filter(ended_on__isnull=True)
                .values_list("pk", flat=True)
            ),
        )
        context.update(forms)
    return render(request, "members/member_detail.html", context)


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_visible_or_404(selectors.member_in_scope(request.user), request.user, pk=pk)
    return _detail_page(request, member)


def _member_action(request: HttpRequest, pk: int, form_class, form_name: str, action, **extra):
    """Shared shape of the detail page's actions: form → service → back to the member."""
    member = get_visible_or_404(selectors.member_in_scope(request.user), request.user, pk=pk)
    form = form_class(request.POST or None, **{k: v(member) for k, v in extra.items()})
    if request.method == "POST" and form.is_valid():
        try:
            action(member, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("members:detail", pk=member.pk)
    return _detail_page(request, member, **{form_name: form})


@write_required
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    def leave(member: Member, data: dict) -> None:
        services.member_leave(member=member, **data)

    return _member_action(request, pk, LeaveForm, "leave_form", leave)


@write_required
def member_rejoin(request: HttpRequest, pk: int) -> HttpResponse:
    def rejoin(member: Member, data: dict) -> None:
        services.member_rejoin(member=member, **data)

    return _member_action(request, pk, RejoinForm, "rejoin_form", rejoin)


@write_required
def position_assign(request: HttpRequest, pk: int) -> HttpResponse:
    def assign(member: Member, data: dict) -> None:
        services.position_assign(member=member, within=_within(request), **data)

    extra = {"user": lambda _m: request.user, "member": lambda m: m}
    return _member_action(request, pk, PositionForm, "position_form", assign, **extra)


@write_required
def dues_record(request: HttpRequest, pk: int) -> HttpResponse:
    def record(member: Member, data: dict) -> None:
        services.dues_record(member=member, **data)

    return _member_action(request, pk, DuesForm, "dues_form", record)


@require_POST
@write_required
def position_end(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_visible_or_404(OfficerPosition, request.user, pk=pk)
    form = EndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["ended_on"])
        services.position_end(position=position, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已结束任职。"))
    return redirect("members:detail", pk=position.member_id)


@login_required
def officers(request: HttpRequest) -> HttpResponse:
    """Who held which post on a date (default today) in the user's scope."""
    form = OfficersFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    scope = data.get("association") or default_scope(request.user)
    day = data.get("day") or timezone.localdate()
    positions = selectors.positions_held_on(scope, day, title=data.get("title"))
    page = Paginator(positions, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "scope": scope, "day": day}
    return render(request, "members/officers.html", context)


# ── households ────────────────────────────────────────────────────────────────


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    form = HouseholdFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    households = selectors.household_list(
        request.user,
        q=data.get("q", ""),
        association=data.get("association"),
        category=data.get("category"),
    )
    page = Paginator(households, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "members/household_list.html", {"form": form, "page_obj": page})


def _household_page(request: HttpRequest, household: Household, **forms: Form) -> HttpResponse:
    context: dict[str, Any] = {
        "detail": selectors.household_detail(household),
        "household": household,
    }
    if request.user.can_write:
        context["certificate_form"] = forms.get("certificate_form") or CertificateForm()
    return render(request, "members/household_detail.html", context)


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(selectors.household_in_scope(request.user), request.user, pk=pk)
    return _household_page(request, household)


@write_required
def household_create(request: HttpRequest) -> HttpResponse:
    association = _chosen(request)
    form = HouseholdForm(request.POST or None, user=request.user, association=association)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(within=_within(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记户“%(h)s”。") % {"h": household})
            return redirect("members:household_detail", pk=household.pk)
    return render(request, "members/household_form.html", {"form": form})


@write_required
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(selectors.household_in_scope(request.user), request.user, pk=pk)
    form = HouseholdForm(request.POST or None, user=request.user, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(
                household=household, within=_within(request), **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("members:household_detail", pk=household.pk)
    context = {"form": form, "household": household}
    return render(request, "members/household_form.html", context)


@write_required
def certificate_record(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(selectors.household_in_scope(request.user), request.user, pk=pk)
    form = CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_record(household=household, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("members:household_detail", pk=household.pk)
    return _household_page(request, household, certificate_form=form)


# ── liaison ───────────────────────────────────────────────────────────────────


def _liaison_page(request: HttpRequest, village: Association | None, form=None) -> HttpResponse:
    context: dict[str, Any] = {
        "village_form": VillageForm(initial={"village": village}, user=request.user),
        "village": village,
    }
    if village is not None:
        context["candidates"] = selectors.liaison_candidates(village)
        context["form"] = form or LiaisonForm(village=village)
        context["end_form"] = EndForm(auto_id=False, initial={"ended_on": timezone.localdate()})
    return render(request, "members/liaison.html", context)


@login_required
def liaison(request: HttpRequest) -> HttpResponse:
    """Pick a village; see its active members, households and open pairs."""
    return _liaison_page(request, _village(request))


@write_required
def liaison_create(request: HttpRequest, village_pk: int) -> HttpResponse:
    """One member ticked against several households, paired in one submit (all or none)."""
    villages = Association.objects.filter(level__in=VILLAGE_LEVELS)
    village = get_visible_or_404(villages, request.user, pk=village_pk)
    form = LiaisonForm(request.POST or None, village=village)
    if request.method == "POST" and form.is_valid():
        try:
            pairs = services.liaison_pair_many(within=_within(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已结对 %(n)s 户。") % {"n": len(pairs)})
            return redirect(f"{reverse('members:liaison')}?village={village.pk}")
    return _liaison_page(request, village, form)


@require_POST
@write_required
def liaison_end(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_visible_or_404(LiaisonPair.objects.select_related("household"), request.user, pk=pk)
    form = EndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["ended_on"])
        services.liaison_end(pair=pair, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已结束联系。"))
    return redirect(f"{reverse('members:liaison')}?village={pair.household.association_id}")


# ── member groups and integrity groups ────────────────────────────────────────


@login_required
def member_groups(request: HttpRequest) -> HttpResponse:
    village = _village(request)
    context = {
        "village_form": VillageForm(initial={"village": village}, user=request.user),
        "village": village,
        "groups": selectors.member_groups(village) if village else [],
    }
    return render(request, "members/member_groups.html", context)


@write_required
def member_group_create(request: HttpRequest, village_pk: int) -> HttpResponse:
    village = get_visible_or_404(Association, request.user, pk=village_pk)
    form = MemberGroupForm(request.POST or None, association=village)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_group_create(
                association=village, within=_within(request), **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建会员小组。"))
            return redirect(f"{reverse('members:groups')}?village={village.pk}")
    return render(request, "members/group_form.html", {"form": form, "village": village})


@write_required
def member_group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_visible_or_404(
        MemberGroup.objects.select_related("association"), request.user, pk=pk
    )
    form = MemberGroupForm(request.POST or None, association=group.association, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_group_update(group=group, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(f"{reverse('members:groups')}?village={group.association_id}")
    context = {"form": form, "village": group.association, "group": group}
    return render(request, "members/group_form.html", context)


@login_required
def integrity_groups(request: HttpRequest) -> HttpResponse:
    village = _village(request)
    context = {
        "village_form": VillageForm(initial={"village": village}, user=request.user),
        "village": village,
        "groups": selectors.integrity_groups(village) if village else [],
    }
    return render(request, "members/integrity_groups.html", context)


@write_required
def integrity_group_create(request: HttpRequest, village_pk: int) -> HttpResponse:
    village = get_visible_or_404(Association, request.user, pk=village_pk)
    form = IntegrityGroupForm(request.POST or None, association=village)
    if request.method == "POST" and form.is_valid():
        try:
            services.integrity_group_create(
                association=village, within=_within(request), **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已创建诚信小组。"))
            return redirect(f"{reverse('members:integrity_groups')}?village={village.pk}")
    return render(request, "members/integrity_group_form.html", {"form": form, "village": village})


@write_required
def integrity_group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    queryset = IntegrityGroup.objects.select_related("association")
    group = get_visible_or_404(queryset, request.user, pk=pk)
    form = IntegrityGroupForm(request.POST or None, association=group.association, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.integrity_group_update(group=group, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(f"{reverse('members:integrity_groups')}?village={group.association_id}")
    context = {"form": form, "village": group.association, "group": group}
    return render(request, "members/integrity_group_form.html", context)
