"""Admin for members' records: scoped rows and dropdowns, IDs masked, writes through services."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from associations.admin import ServiceAdmin
from associations.spreadsheets.admin import RecordsAdminMixin

from . import idcard, phone, selectors, services
from .forms import _LONG_ID_LIKE, MEMBER_FORM_FIELDS
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
from .services import POSITION_DETAILS


def _masked_id(request: HttpRequest) -> Callable[[Member], str]:
    """A list column showing the ID as the user may see it (the request is bound here)."""

    def id_number(obj: Member) -> str:
        return idcard.shown_to(obj.id_number, request.user)

    id_number.short_description = _("身份证号")
    return id_number


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


# The admin offers the same fields as the staff page.
MEMBER_ADMIN_FIELDS = MEMBER_FORM_FIELDS


class MemberAdminForm(forms.ModelForm):
    # Typed with spaces or +86 as often as not; the service normalises it.
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)

    class Meta:
        model = Member
        fields = [*MEMBER_ADMIN_FIELDS]

    def clean_phone(self) -> str:
        return phone.validate_mobile(self.cleaned_data["phone"])


@admin.register(Member)
class MemberAdmin(RecordsAdminMixin, ServiceAdmin):
    record_kind = "members"  # import/export buttons: the same spreadsheets as the staff pages
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
    search_fields = ["name"]
    search_help_text = _("姓名、身份证号后 4–6 位或手机号")
    autocomplete_fields = ["group"]
    inlines = [PeriodInline]
    list_per_page = 50
    show_full_result_count = False

    def get_list_display(self, request: HttpRequest):
        return [
            "name",
            "gender",
            _masked_id(request),
            "association",
            "group",
            "status",
            "joined_on",
        ]

    def get_fields(self, request: HttpRequest, obj=None):
        fields = list(MEMBER_ADMIN_FIELDS)
        if obj is not None and not idcard.may_view_full(request.user):
            fields[fields.index("id_number")] = "masked_id_number"
        return [*fields, "status", "left_on", "leave_reason"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return ["masked_id_number", "status", "left_on", "leave_reason"]

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, obj: Member) -> str:
        return idcard.mask(obj.id_number)

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        term = "".join(search_term.split())
        if not term:
            return queryset, False
        if _LONG_ID_LIKE.match(term):
            messages.warning(request, gettext("为保护个人信息，请只输入身份证号的后 4–6 位。"))
            return queryset.none(), False
        return queryset.filter(selectors.member_search(term)), False

    def service_save(self, request: HttpRequest, obj: Member | None, form) -> Member:
        if obj is None:
            data = {name: form.cleaned_data.get(name) for name in MEMBER_ADMIN_FIELDS}
            return services.member_register(within=self.within(request), **data)
        data = self.changed(form, MEMBER_ADMIN_FIELDS)
        return services.member_update(member=obj, within=self.within(request), **data)


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
class HouseholdAdmin(RecordsAdminMixin, ServiceAdmin):
    record_kind = "households"
    list_display = ["code", "head_name", "association", "size", *HOUSEHOLD_CATEGORIES]
    list_select_related = ["association"]
    list_filter = list(HOUSEHOLD_CATEGORIES)
    search_fields = ["code", "head_name"]
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
    readonly_fields = ["integrity_group"]
    inlines = [CertificateInline]
    list_per_page = 50

    def service_save(self, request: HttpRequest, obj: Household | None, form) -> Household:
        data = form.cleaned_data
        categories = [flag for flag in HOUSEHOLD_CATEGORIES if data.get(flag)]
        own = ("association", "code", "head_name", "address", "size", "notes")
        if obj is None:
            fields = {name: data.get(name) for name in own}
            return services.household_create(
                categories=categories, within=self.within(request), **fields
            )
        changed = self.changed(form, own)
        return services.household_update(
            household=obj, categories=categories, within=self.within(request), **changed
        )


@admin.register(MemberGroup)
class MemberGroupAdmin(ServiceAdmin):
    list_display = ["name", "association", "leader", "founded_on", "dissolved_on"]
    list_select_related = ["association", "leader"]
    search_fields = ["name", "association__name"]
    autocomplete_fields = ["leader"]
    fields = ["association", "name", "leader", "founded_on", "dissolved_on"]

    def service_save(self, request: HttpRequest, obj: MemberGroup | None, form) -> MemberGroup:
        data = form.cleaned_data
        if obj is None:
            return services.member_group_create(
                association=data["association"],
                name=data["name"],
                leader=data.get("leader"),
                founded_on=data.get("founded_on"),
                within=self.within(request),
            )
        changed = self.changed(form, ("name", "leader", "founded_on", "dissolved_on"))
        return services.member_group_update(group=obj, **changed)


class IntegrityHouseholdInline(admin.TabularInline):
    model = Household
    fk_name = "integrity_group"
    fields = readonly_fields = ["code", "head_name", "is_floating"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IntegrityGroup)
class IntegrityGroupAdmin(ServiceAdmin):
    """Households are chosen on the integrity-group page; here the group's own data."""

    list_display = ["name", "association", "leader_name", "agreement_signed_on", "dissolved_on"]
    list_select_related = ["association"]
    search_fields = ["name", "leader_name"]
    fields = ["association", "name", "leader_name", "agreement_signed_on", "dissolved_on"]
    inlines = [IntegrityHouseholdInline]

    def has_add_permission(self, request, *args) -> bool:
        return False  # a group needs its 5–10 households: use the integrity-group page

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return ["association"]

    def service_save(self, request, obj: IntegrityGroup | None, form) -> IntegrityGroup:
        changed = self.changed(form, ("name", "leader_name", "agreement_signed_on", "dissolved_on"))
        return services.integrity_group_update(group=obj, **changed)


@admin.register(OfficerPosition)
class OfficerPositionAdmin(RecordsAdminMixin, ServiceAdmin):
    record_kind = "positions"
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
    autocomplete_fields = ["member"]
    date_hierarchy = "started_on"

    ASSIGN_FIELDS = (
        "member",
        "association",
        "title",
        "started_on",
        "ended_on",
        "term",
        "is_fulltime",
        "background",
        "cadre_rank",
        "monthly_allowance",
    )

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # A post's holder, place and title are its identity: end it and assign a new one.
        return ["member", "association", "title", "started_on"] if obj is not None else []

    def service_save(self, request, obj: OfficerPosition | None, form) -> OfficerPosition:
        data = form.cleaned_data
        if obj is None:
            fields = {name: data.get(name) for name in self.ASSIGN_FIELDS}
            return services.position_assign(within=self.within(request), **fields)
        details = {name: data[name] for name in form.changed_data if name in POSITION_DETAILS}
        services.position_update(position=obj, **details)
        if "ended_on" in form.changed_data and data["ended_on"]:
            services.position_end(position=obj, ended_on=data["ended_on"])
        return obj


@admin.register(DuesPayment)
class DuesPaymentAdmin(ServiceAdmin):
    list_display = ["member", "year", "amount", "paid_on"]
    list_select_related = ["member"]
    list_filter = ["year"]
    search_fields = ["member__name"]
    autocomplete_fields = ["member"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return ["member", "year"] if obj is not None else []

    def service_save(self, request, obj: DuesPayment | None, form) -> DuesPayment:
        data = form.cleaned_data
        member = obj.member if obj is not None else data["member"]
        year = obj.year if obj is not None else data["year"]
        return services.dues_record(
            member=member, year=year, amount=data["amount"], paid_on=data.get("paid_on")
        )


@admin.register(LiaisonPair)
class LiaisonPairAdmin(RecordsAdminMixin, ServiceAdmin):
    record_kind = "liaisons"
    list_display = ["member", "household", "kind", "started_on", "ended_on", "contract_signed_on"]
    list_select_related = ["member", "household"]
    list_filter = ["kind", ("ended_on", admin.EmptyFieldListFilter)]
    search_fields = ["member__name", "household__head_name", "household__code"]
    autocomplete_fields = ["member", "household"]
    date_hierarchy = "started_on"

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return ["member", "household", "started_on"] if obj is not None else []

    def service_save(self, request, obj: LiaisonPair | None, form) -> LiaisonPair:
        data = form.cleaned_data
        if obj is None:
            return services.liaison_pair(
                member=data["member"],
                household=data["household"],
                started_on=data["started_on"],
                kind=data["kind"],
                ended_on=data.get("ended_on"),
                contract_signed_on=data.get("contract_signed_on"),
                within=self.within(request),
            )
        services.liaison_update(
            pair=obj, kind=data["kind"], contract_signed_on=data.get("contract_signed_on")
        )
        if "ended_on" in form.changed_data and data["ended_on"] and obj.ended_on is None:
            services.liaison_end(pair=obj, ended_on=data["ended_on"])
        return obj
