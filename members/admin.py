"""Admin for members' records (system administrators only): scoped rows and choices, ID
numbers masked, every save through the services, withdraw and restore as actions."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from associations.admin import ServiceAdmin
from associations.spreadsheets.admin import RecordsAdminMixin

from . import idcard, phone, selectors, services
from .forms import LONG_ID_LIKE
from .models import (
    HOUSEHOLD_CATEGORIES,
    DuesPayment,
    Household,
    HouseholdCertificate,
    IntegrityGroup,
    LiaisonPair,
    Member,
    MemberGroup,
    MembershipPeriod,
    OfficerPosition,
)


def _given(data: dict, names: tuple[str, ...]) -> dict:
    """The cleaned fields of a record kind that the admin form has (some are read-only)."""
    return {name: data[name] for name in names if name in data}


class ReadOnlyInlines:
    """For an admin whose inlines only show related rows: ServiceAdmin saves none of them,
    so the change message has none to list."""

    def construct_change_message(self, request, form, formsets, add=False):
        return super().construct_change_message(request, form, [], add)


# ── withdrawing (作废) and restoring, as actions ───────────────────────────────


class WithdrawActionForm(ActionForm):
    reason = forms.CharField(label=_("作废原因"), max_length=200, required=False)


def _run_on_each(request: HttpRequest, queryset, call: Callable, done: str) -> None:
    """Each selected row through the service; what is refused is said, the rest is done."""
    count = 0
    for record in queryset:
        try:
            call(record)
        except (ValidationError, PermissionDenied) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, f"{record}：{text}")
        else:
            count += 1
    if count:
        messages.success(request, done % {"n": count})


def withdrawal_actions(withdraw: Callable, restore: Callable, arg: str) -> list[Callable]:
    """The admin actions that withdraw (with the reason typed beside the action) and restore."""

    @admin.action(description=_("作废所选记录（在左侧填写作废原因）"))
    def withdraw_selected(model_admin, request: HttpRequest, queryset) -> None:
        reason = request.POST.get("reason", "")

        def call(record) -> None:
            withdraw(by=request.user, reason=reason, **{arg: record})

        live = queryset.filter(withdrawn_at__isnull=True)
        _run_on_each(request, live, call, gettext("已作废 %(n)s 条记录。"))

    @admin.action(description=_("恢复所选的已作废记录"))
    def restore_selected(model_admin, request: HttpRequest, queryset) -> None:
        def call(record) -> None:
            restore(by=request.user, **{arg: record})

        withdrawn = queryset.filter(withdrawn_at__isnull=False)
        _run_on_each(request, withdrawn, call, gettext("已恢复 %(n)s 条记录。"))

    return [withdraw_selected, restore_selected]


class WithdrawableAdmin(ServiceAdmin):
    """A ServiceAdmin for a withdrawable model: withdrawn rows are listed (and filtered on),
    and withdrawn or restored by the actions above, for those who may (records.withdraw)."""

    action_form = WithdrawActionForm
    # (withdraw service, restore service, the services' keyword for the record)
    withdrawal: tuple[Callable, Callable, str]

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        if request.user.has_perm("records.withdraw"):
            for action in withdrawal_actions(*self.withdrawal):
                name = action.__name__
                actions[name] = (action, name, action.short_description)
        return actions

    def get_list_filter(self, request: HttpRequest):
        return [*super().get_list_filter(request), ("withdrawn_at", admin.EmptyFieldListFilter)]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_withdrawn:
            readonly += ["withdrawn_at", "withdrawal_reason"]
        return readonly


# ── members ───────────────────────────────────────────────────────────────────


class PeriodInline(admin.TabularInline):
    """Membership history is written by leave/rejoin only; here it is shown."""

    model = MembershipPeriod
    extra = 0
    can_delete = False
    fields = readonly_fields = ["joined_on", "left_on", "leave_reason", "note"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class MemberAdminForm(forms.ModelForm):
    # Typed with spaces or +86 as often as not; the service normalises it.
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    # Write-only: required when registering; on a change, a correction (never pre-filled).
    id_number = forms.CharField(
        label=_("新身份证号（更正时填写）"),
        max_length=22,
        required=False,
        help_text=_("留空则不变。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Member
        fields = list(services.MEMBER_FIELDS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["id_number"].label, self.fields["id_number"].help_text = _("身份证号"), ""
            self.fields["id_number"].required = True

    def clean_phone(self) -> str:
        return phone.validate_mobile(self.cleaned_data["phone"])

    def clean_id_number(self) -> str:
        number = self.cleaned_data["id_number"]
        return idcard.validate_id_number(number) if number else ""


@admin.register(Member)
class MemberAdmin(ReadOnlyInlines, RecordsAdminMixin, WithdrawableAdmin):
    """ID numbers are masked here for everyone (the full number is revealed, and logged, on
    the member page only), with the birth year beside them, never the birth date."""

    record_kind = "members"  # import/export buttons: the same spreadsheets as the staff pages
    withdrawal = (services.member_withdraw, services.member_restore, "member")
    form = MemberAdminForm
    list_select_related = ["association", "group"]
    list_filter = [
        "status",
        "gender",
        "registration",
        "is_volunteer",
        "is_publicity_worker",
        "is_industry_leader",
        "is_newlywed_recruit",
    ]
    list_display = [
        "name",
        "gender",
        "masked_id_number",
        "birth_year",
        "association",
        "group",
        "status",
        "joined_on",
    ]
    search_fields = ["name"]
    search_help_text = _("姓名、身份证号后 4–6 位或手机号")
    autocomplete_fields = ["association", "group"]
    inlines = [PeriodInline]
    list_per_page = 50
    show_full_result_count = False

    def get_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return list(services.MEMBER_FIELDS)
        fields = [name for name in services.MEMBER_FIELDS if name != "birth_date"]
        fields[fields.index("id_number") : fields.index("id_number")] = [
            "masked_id_number",
            "birth_year",
        ]
        return [*fields, "status", "left_on", "leave_reason"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [
            *super().get_readonly_fields(request, obj),
            "masked_id_number",
            "birth_year",
            "status",
            "left_on",
            "leave_reason",
        ]

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, obj: Member) -> str:
        return idcard.mask(obj.id_number)

    @admin.display(description=_("出生年份"))
    def birth_year(self, obj: Member) -> int | None:
        return obj.birth_year

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        if request.GET.get("field_name"):  # an autocomplete: live members only
            queryset = queryset.filter(withdrawn_at__isnull=True)
        term = "".join(search_term.split())
        if not term:
            return queryset, False
        if LONG_ID_LIKE.match(term):
            messages.warning(request, gettext("为保护个人信息，请只输入身份证号的后 4–6 位。"))
            return queryset.none(), False
        return selectors.member_search(queryset, term), False

    def service_save(self, request: HttpRequest, obj: Member | None, data: dict) -> Member:
        fields = _given(data, services.MEMBER_FIELDS)
        if not fields.get("id_number"):
            fields.pop("id_number", None)  # no correction typed
        if obj is None:
            return services.member_register(by=request.user, **fields)
        return services.member_update(by=request.user, member=obj, **fields)


# ── households ────────────────────────────────────────────────────────────────


class CertificateInline(admin.TabularInline):
    """Shown here; recorded on the household page, through certificate_record."""

    model = HouseholdCertificate
    fields = readonly_fields = ["kind", "number", "issued_on"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyInlines, RecordsAdminMixin, WithdrawableAdmin):
    record_kind = "households"
    withdrawal = (services.household_withdraw, services.household_restore, "household")
    list_display = ["code", "head_name", "association", "size", *HOUSEHOLD_CATEGORIES]
    list_select_related = ["association"]
    list_filter = list(HOUSEHOLD_CATEGORIES)
    search_fields = ["code", "head_name"]
    autocomplete_fields = ["association"]
    fields = [
        "association",
        "code",
        "head_name",
        "address",
        "size",
        *HOUSEHOLD_CATEGORIES,
        "integrity_group",
        "notes",
    ]
    inlines = [CertificateInline]
    list_per_page = 50

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [*super().get_readonly_fields(request, obj), "integrity_group"]

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        if request.GET.get("field_name"):  # an autocomplete: live households only
            queryset = queryset.filter(withdrawn_at__isnull=True)
        return super().get_search_results(request, queryset, search_term)

    def service_save(self, request: HttpRequest, obj: Household | None, data: dict) -> Household:
        fields = _given(data, services.HOUSEHOLD_FIELDS)
        fields["categories"] = [flag for flag in HOUSEHOLD_CATEGORIES if data.get(flag)]
        if obj is None:
            return services.household_create(by=request.user, **fields)
        return services.household_update(by=request.user, household=obj, **fields)


# ── groups ────────────────────────────────────────────────────────────────────


@admin.register(MemberGroup)
class MemberGroupAdmin(ServiceAdmin):
    list_display = ["name", "association", "leader", "founded_on", "dissolved_on"]
    list_select_related = ["association", "leader"]
    search_fields = ["name", "association__name"]
    autocomplete_fields = ["association", "leader"]
    fields = ["association", *services.MEMBER_GROUP_FIELDS]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return ["association"] if obj is not None else []

    def service_save(self, request, obj: MemberGroup | None, data: dict) -> MemberGroup:
        fields = _given(data, services.MEMBER_GROUP_FIELDS)
        if obj is None:
            association = data.get("association")
            return services.member_group_create(by=request.user, association=association, **fields)
        return services.member_group_update(by=request.user, group=obj, **fields)


class IntegrityHouseholdInline(admin.TabularInline):
    model = Household
    fk_name = "integrity_group"
    fields = readonly_fields = ["code", "head_name", "is_floating"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


# The group's own fields; its households are chosen on the integrity-group page.
INTEGRITY_GROUP_OWN = tuple(f for f in services.INTEGRITY_GROUP_FIELDS if f != "households")


@admin.register(IntegrityGroup)
class IntegrityGroupAdmin(ReadOnlyInlines, ServiceAdmin):
    list_display = ["name", "association", "leader_name", "agreement_signed_on", "dissolved_on"]
    list_select_related = ["association"]
    search_fields = ["name", "leader_name"]
    fields = ["association", *INTEGRITY_GROUP_OWN]
    readonly_fields = ["association"]
    inlines = [IntegrityHouseholdInline]

    def has_add_permission(self, request, *args) -> bool:
        return False  # a group needs its 5–10 households: use the integrity-group page

    def service_save(self, request, obj: IntegrityGroup | None, data: dict) -> IntegrityGroup:
        fields = _given(data, INTEGRITY_GROUP_OWN)
        return services.integrity_group_update(by=request.user, group=obj, **fields)


# ── officers, dues, liaison pairs ─────────────────────────────────────────────


@admin.register(OfficerPosition)
class OfficerPositionAdmin(RecordsAdminMixin, WithdrawableAdmin):
    record_kind = "positions"
    withdrawal = (services.position_withdraw, services.position_restore, "position")
    list_display = [
        "member",
        "association",
        "title",
        "started_on",
        "ended_on",
        "is_fulltime",
        "background",
        "monthly_allowance",
    ]
    list_select_related = ["member", "association"]
    list_filter = ["title", "is_fulltime", "background", "cadre_rank"]
    search_fields = ["member__name", "association__name"]
    autocomplete_fields = ["member", "association"]
    date_hierarchy = "started_on"
    fields = ["member", "association", *services.POSITION_FIELDS]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # A post's holder, place, title and start are its identity: end it and assign anew.
        identity = ["member", "association", "title", "started_on"] if obj is not None else []
        return [*super().get_readonly_fields(request, obj), *identity]

    def service_save(self, request, obj: OfficerPosition | None, data: dict) -> OfficerPosition:
        by = request.user
        if obj is None:
            fields = _given(data, services.POSITION_FIELDS)
            member, association = data.get("member"), data.get("association")
            return services.position_assign(by=by, member=member, association=association, **fields)
        services.position_update(by=by, position=obj, **_given(data, services.POSITION_DETAILS))
        if data.get("ended_on") and data["ended_on"] != obj.ended_on:
            services.position_end(by=by, position=obj, ended_on=data["ended_on"])
        return obj


@admin.register(DuesPayment)
class DuesPaymentAdmin(WithdrawableAdmin):
    withdrawal = (services.dues_withdraw, services.dues_restore, "payment")
    list_display = ["member", "year", "amount", "paid_on"]
    list_select_related = ["member"]
    list_filter = ["year"]
    search_fields = ["member__name"]
    autocomplete_fields = ["member"]
    fields = ["member", "year", *services.DUES_FIELDS]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        identity = ["member", "year"] if obj is not None else []
        return [*super().get_readonly_fields(request, obj), *identity]

    def service_save(self, request, obj: DuesPayment | None, data: dict) -> DuesPayment:
        fields = _given(data, services.DUES_FIELDS)
        if obj is None:
            member, year = data.get("member"), data.get("year")
            return services.dues_record(by=request.user, member=member, year=year, **fields)
        return services.dues_update(by=request.user, payment=obj, **fields)


@admin.register(LiaisonPair)
class LiaisonPairAdmin(RecordsAdminMixin, WithdrawableAdmin):
    record_kind = "liaisons"
    withdrawal = (services.liaison_withdraw, services.liaison_restore, "pair")
    list_display = ["member", "household", "kind", "started_on", "ended_on", "contract_signed_on"]
    list_select_related = ["member", "household"]
    list_filter = ["kind", ("ended_on", admin.EmptyFieldListFilter)]
    search_fields = ["member__name", "household__head_name", "household__code"]
    autocomplete_fields = ["member", "household"]
    date_hierarchy = "started_on"
    fields = ["member", "household", *services.LIAISON_FIELDS]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        identity = ["member", "household", "started_on"] if obj is not None else []
        return [*super().get_readonly_fields(request, obj), *identity]

    def service_save(self, request, obj: LiaisonPair | None, data: dict) -> LiaisonPair:
        by = request.user
        if obj is None:
            fields = _given(data, services.LIAISON_FIELDS)
            member, household = data.get("member"), data.get("household")
            return services.liaison_pair(by=by, member=member, household=household, **fields)
        services.liaison_update(by=by, pair=obj, **_given(data, services.LIAISON_DETAILS))
        if data.get("ended_on") and obj.ended_on is None:
            services.liaison_end(by=by, pair=obj, ended_on=data["ended_on"])
        return obj
