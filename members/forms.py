"""Forms for the members pages: they validate and normalise; services do the rest.

Each record kind's form takes its fields from the kind's tuple in `services.py`.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.forms import RecordForm, model_field
from associations.models import VILLAGE_LEVELS, Association
from associations.pickers import (
    Autocomplete,
    ScopeField,
    association_label,
    association_picker,
    prefill_single,
    use_picker,
)
from associations.selectors import LARGE_LEVELS, association_choices
from associations.years import YearField

from . import idcard, phone, selectors
from .models import (
    HOUSEHOLD_CATEGORIES,
    DuesPayment,
    Household,
    HouseholdCertificate,
    IntegrityGroup,
    LeaveReason,
    LiaisonPair,
    Member,
    MemberGroup,
    MemberStatus,
    OfficerPosition,
    OfficerTitle,
)
from .services import (
    CERTIFICATE_FIELDS,
    DUES_FIELDS,
    HOUSEHOLD_FIELDS,
    INTEGRITY_GROUP_FIELDS,
    LIAISON_DETAILS,
    LIAISON_FIELDS,
    MEMBER_FIELDS,
    MEMBER_GROUP_FIELDS,
    MEMBER_GROUP_LEVELS,
    POSITION_DETAILS,
    POSITION_FIELDS,
)

# More of an ID number than its tail: 12+ digits (longer than any phone number typed),
# or 7+ characters ending in X. 7–11 digits are searched as a phone number.
LONG_ID_LIKE = re.compile(r"^(\d{12,}[\dXx]?|\d{6,}[Xx])$")


SCOPE_LABEL = _("协会（含下级）")


def member_label(member: Member) -> str:
    """How pickers name a member: the name and the masked ID number (same-named people)."""
    return f"{member.name} {idcard.mask(member.id_number)}"


def _names_anywhere(field: forms.Field, scope: Association) -> bool:
    """Whether names are searched anywhere in them (a town or smaller) or from their start;
    the search box says which."""
    if scope.level not in LARGE_LEVELS:
        return True
    field.help_text = _(
        "县级及以上范围按姓名开头查找（如“王秀”）；按名字中间的字查找请先选择镇（街道）。"
    )
    return False


# ── members ───────────────────────────────────────────────────────────────────


class MemberFilterForm(forms.Form):
    """The member list's search and filters (sent by GET, so never a full ID number)."""

    q = forms.CharField(
        label=_("姓名 / 身份证后 4–6 位 / 手机号"),
        required=False,
        # No maxlength: a full ID number typed here goes to the look-up by POST (js/lists.js).
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-id-lookup": ""}),
    )
    group = forms.ModelChoiceField(
        label=_("会员小组"), queryset=MemberGroup.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *MemberStatus.choices], required=False
    )
    flags = forms.MultipleChoiceField(
        label=_("类别"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(f, Member._meta.get_field(f).verbose_name) for f in selectors.MEMBER_FLAGS],
    )

    def __init__(self, *args: Any, user, scope: Association, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"] = ScopeField(scope, label=SCOPE_LABEL)
        self.order_fields(["q", "scope"])
        self.anywhere = _names_anywhere(self.fields["q"], scope)
        # Groups are offered for an association that has them only: a county has thousands.
        self.offers_groups = scope.level in MEMBER_GROUP_LEVELS
        if self.offers_groups:
            self.fields["group"].queryset = MemberGroup.objects.filter(association=scope)
            self.fields["group"].label_from_instance = lambda g: g.name

    def clean_q(self) -> str:
        q = re.sub(r"\s+", "", self.cleaned_data["q"])
        if LONG_ID_LIKE.match(q):
            raise ValidationError(
                _("为保护个人信息，请只输入身份证号的后 4–6 位；完整号码请用“按身份证号查找”。")
            )
        return q

    def filters(self) -> dict[str, Any] | None:
        """The selector's filters (JSON values, so an export job can take them), or None when
        they are not valid (nothing is listed)."""
        if not self.is_bound:
            return {}
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return {
            "q": data["q"],
            "group": data["group"].pk if data.get("group") else None,
            "status": data["status"],
            "flags": list(data["flags"]),
            "anywhere": self.anywhere,
        }


class IdLookupForm(forms.Form):
    """Find a member by full ID number (sent by POST so the number stays out of URLs)."""

    id_number = forms.CharField(label=_("完整身份证号"), max_length=22)

    def clean_id_number(self) -> str:
        return idcard.validate_id_number(self.cleaned_data["id_number"])


class RevealForm(forms.Form):
    """Seeing a member's full ID number is logged with its purpose."""

    purpose = forms.CharField(
        label=_("查看用途"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：办理优待证、核对身份")}),
    )


class MemberForm(RecordForm):
    """Registration and editing (会员申请登记表); the service compares old and new values.

    The ID number is write-only: typed when registering, and on the edit form a correction
    field that is never pre-filled (left empty, the number stays). The birth date is only
    asked when registering (it may be left to the number); afterwards it follows the number.
    """

    model = Member
    record_fields = MEMBER_FIELDS
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=22,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(
        self,
        data=None,
        *,
        user,
        instance: Member | None = None,
        association: Association | None = None,
    ) -> None:
        initial = {"association": association.pk} if association and not instance else {}
        super().__init__(data, instance=instance, initial=initial)
        self.order_fields(MEMBER_FIELDS)
        self.fields["birth_date"].required = False
        self.fields["birth_date"].help_text = _("留空则按身份证号自动填写。")
        # Typed with spaces or +86 as often as not: normalised below.
        self.fields["phone"].max_length = None
        self.fields["phone"].validators = []
        self.fields["phone"].widget.attrs.pop("maxlength", None)
        association_picker(self.fields["association"], association_choices(user))
        prefill_single(self, "association")
        group = self.fields["group"]
        group.queryset = self._group_choices(user, instance)
        group.label_from_instance = lambda g: g.name
        placeholder = _("先选所属协会，再选小组")
        picker = Autocomplete(
            "members:pick_group", depends_on="association", placeholder=placeholder
        )
        use_picker(group, picker)
        group.help_text = _("先选所属协会，再选该协会的会员小组。")
        if instance is not None:
            del self.fields["birth_date"]
            correction = self.fields["id_number"]
            correction.label, correction.required = _("新身份证号（更正时填写）"), False
            correction.help_text = _(
                "留空则不变。填写后按新登记一样核对（校验位、出生日期、是否重复），"
                "出生日期随新号码更正。"
            )
            self.fields["joined_on"].help_text = _(
                "修改的是本次入会的日期；离会、重新入会请用详情页的操作。"
            )

    @staticmethod
    def _group_choices(user, member: Member | None):
        """Current groups the user sees (and the member's own, even if dissolved since); a
        group of another association than the chosen one is the service's error, in words."""
        current = Q(dissolved_on__isnull=True)
        if member is not None and member.group_id:
            current |= Q(pk=member.group_id)
        return MemberGroup.objects.visible_to(user).filter(current)

    def clean_id_number(self) -> str:
        number = self.cleaned_data["id_number"]
        return idcard.validate_id_number(number) if number else ""

    def clean_phone(self) -> str:
        return phone.validate_mobile(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("id_number") and "id_number" not in self.errors:
            cleaned.pop("id_number", None)  # no correction typed: the number stays
        return cleaned


class LeaveForm(forms.Form):
    left_on = model_field(Member, "left_on", required=True)
    reason = forms.ChoiceField(label=_("离会原因"), choices=LeaveReason.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class RejoinForm(forms.Form):
    joined_on = model_field(Member, "joined_on", label=_("重新入会日期"))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class EndForm(forms.Form):
    """The end date of a post or a liaison pair."""

    ended_on = model_field(LiaisonPair, "ended_on", required=True)


class PositionForm(RecordForm):
    """Assigning a post: where, what and from when, with its details."""

    model = OfficerPosition
    record_fields = POSITION_FIELDS
    association = forms.ModelChoiceField(label=_("任职协会"), queryset=Association.objects.none())

    def __init__(self, data=None, *, user, member: Member) -> None:
        super().__init__(data, initial={"association": member.association_id})
        field = self.fields["association"]
        field.queryset = selectors.position_association_choices(user, member)
        field.label_from_instance = association_label


class PositionDetailsForm(RecordForm):
    """Correcting a post's term, full-time, background, cadre rank and allowance."""

    model = OfficerPosition
    record_fields = POSITION_DETAILS


class DuesCorrectionForm(RecordForm):
    model = DuesPayment
    record_fields = DUES_FIELDS


class DuesForm(DuesCorrectionForm):
    year = YearField()

    def __init__(self, data=None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class OfficersFilterForm(forms.Form):
    day = model_field(OfficerPosition, "started_on", label=_("日期"), required=False)
    title = forms.ChoiceField(
        label=_("职务"), choices=[("", _("全部")), *OfficerTitle.choices], required=False
    )

    def __init__(self, *args: Any, user, scope: Association, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Officers sit in towns and above, and in villages: offer every level.
        self.fields["scope"] = ScopeField(scope, label=SCOPE_LABEL)
        self.order_fields(["day", "scope", "title"])


# ── households ────────────────────────────────────────────────────────────────

CATEGORY_CHOICES = [(k, Household._meta.get_field(k).verbose_name) for k in HOUSEHOLD_CATEGORIES]


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label=_("户编码 / 户主姓名"), required=False)
    category = forms.ChoiceField(
        label=_("户类别"),
        required=False,
        choices=[("", _("全部")), *CATEGORY_CHOICES],
    )

    def __init__(self, *args: Any, user, scope: Association, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"] = ScopeField(scope, label=SCOPE_LABEL)
        self.order_fields(["q", "scope", "category"])
        self.anywhere = _names_anywhere(self.fields["q"], scope)

    def filters(self) -> dict[str, Any]:
        """The selector's filters (an invalid one is left out)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        category = data.get("category") or None
        return {"q": data.get("q", ""), "category": category, "anywhere": self.anywhere}


class HouseholdForm(RecordForm):
    model = Household
    record_fields = HOUSEHOLD_FIELDS
    categories = forms.MultipleChoiceField(
        label=_("户类别"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=CATEGORY_CHOICES,
    )

    def __init__(
        self,
        data=None,
        *,
        user,
        instance: Household | None = None,
        association: Association | None = None,
    ) -> None:
        if instance is not None:
            initial = {"categories": instance.categories}
        else:
            initial = {"association": association.pk} if association else {}
        super().__init__(data, instance=instance, initial=initial)
        self.order_fields(HOUSEHOLD_FIELDS)
        association_picker(self.fields["association"], association_choices(user))
        prefill_single(self, "association")


class CertificateForm(RecordForm):
    model = HouseholdCertificate
    record_fields = CERTIFICATE_FIELDS


# ── liaison ───────────────────────────────────────────────────────────────────


class VillageForm(forms.Form):
    """The village (村、居) a page works on, sent as `?scope=`."""

    def __init__(self, *args: Any, user, village: Association | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"] = ScopeField(village, label=_("村（居）"), levels=VILLAGE_LEVELS)


class LiaisonForm(forms.Form):
    """One member ticked against several households of the village."""

    member = forms.ModelChoiceField(
        label=_("会员"), queryset=Member.objects.none(), widget=forms.RadioSelect
    )
    households = forms.ModelMultipleChoiceField(
        label=_("联系户"), queryset=Household.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, village: Association, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"started_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        for name in LIAISON_FIELDS:
            if name != "ended_on":  # a new pair is open
                self.fields[name] = model_field(LiaisonPair, name)
        # Officers from above may liaise too, but they are paired from their own village;
        # the page offers the village's active members.
        self.fields["member"].queryset = Member.objects.filter(
            association=village, status=MemberStatus.ACTIVE
        )
        self.fields["households"].queryset = Household.objects.filter(association=village)


class LiaisonDetailsForm(RecordForm):
    """Correcting a pair's kind and the date its contract was signed."""

    model = LiaisonPair
    record_fields = LIAISON_DETAILS


# ── groups ────────────────────────────────────────────────────────────────────


class MemberGroupForm(RecordForm):
    model = MemberGroup
    record_fields = MEMBER_GROUP_FIELDS

    def __init__(
        self, data=None, *, association: Association, instance: MemberGroup | None = None
    ) -> None:
        super().__init__(data, instance=instance)
        leader = self.fields["leader"]
        leader.queryset = Member.objects.filter(association=association, status=MemberStatus.ACTIVE)
        leader.label_from_instance = member_label
        params = {"association": association.pk, "active": 1}
        use_picker(leader, Autocomplete("members:pick_member", params=params))
        if instance is None:
            del self.fields["dissolved_on"]  # a new group is not dissolved
        else:
            self.fields["dissolved_on"].help_text = _("填写撤销日期即撤销该小组，会员资料保留。")


class IntegrityGroupForm(RecordForm):
    model = IntegrityGroup
    record_fields = INTEGRITY_GROUP_FIELDS
    households = forms.ModelMultipleChoiceField(
        label=_("成员户（5–10 户流动人口户）"),
        queryset=Household.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(
        self, data=None, *, association: Association, instance: IntegrityGroup | None = None
    ) -> None:
        initial = {}
        if instance is not None:
            initial["households"] = list(instance.households.values_list("pk", flat=True))
        super().__init__(data, instance=instance, initial=initial)
        self.order_fields(INTEGRITY_GROUP_FIELDS)
        self.fields["households"].queryset = selectors.integrity_group_candidates(
            association, instance
        )
        if instance is None:
            del self.fields["dissolved_on"]
