"""Forms for the members pages: they validate and normalise; services do the rest."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.forms import DateInput
from associations.models import Association
from associations.selectors import association_choices

from . import idcard, phone, selectors
from .models import (
    HOUSEHOLD_CATEGORIES,
    CertificateKind,
    Household,
    IntegrityGroup,
    LeaveReason,
    LiaisonKind,
    Member,
    MemberGroup,
    MemberStatus,
    OfficerPosition,
    OfficerTitle,
)

# More of an ID number than its tail: 12+ digits (longer than any phone number typed),
# or 7+ characters ending in X. 7–11 digits are searched as a phone number.
_LONG_ID_LIKE = re.compile(r"^(\d{12,}[\dXx]?|\d{6,}[Xx])$")


def _association_label(association: Association) -> str:
    return f"{association.name}（{association.code}）"


def _group_label(group: MemberGroup) -> str:
    return f"{group.association.name} · {group.name}"


def _model_field(model, name: str, **kwargs: Any) -> forms.Field:
    """The model field's own form field, with dates as date pickers."""
    field = model._meta.get_field(name).formfield(**kwargs)
    if isinstance(field, forms.DateField):
        field.widget = DateInput()
    return field


# ── members ───────────────────────────────────────────────────────────────────


class MemberFilterForm(forms.Form):
    """The member list's search and filters (sent by GET, so never a full ID number)."""

    q = forms.CharField(
        label=_("姓名 / 身份证后 4–6 位 / 手机号"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 11, "autocomplete": "off"}),
    )
    association = forms.ModelChoiceField(
        label=_("协会（含下级）"), queryset=Association.objects.none(), required=False
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

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["association"]
        field.queryset = association_choices(user).order_by("path")
        field.label_from_instance = _association_label
        # Groups are offered for a chosen association only: a county has thousands.
        chosen = self.data.get("association") if self.is_bound else None
        self.offers_groups = bool(chosen and str(chosen).isdigit())
        if self.offers_groups:
            groups = MemberGroup.objects.visible_to(user).filter(association_id=chosen)
            self.fields["group"].queryset = groups.select_related("association")
            self.fields["group"].label_from_instance = lambda g: g.name

    def clean_q(self) -> str:
        q = re.sub(r"\s+", "", self.cleaned_data["q"])
        if _LONG_ID_LIKE.match(q):
            raise ValidationError(
                _("为保护个人信息，请只输入身份证号的后 4–6 位；完整号码请用“按身份证号查找”。")
            )
        return q


class IdLookupForm(forms.Form):
    """Find a member by full ID number (sent by POST so the number stays out of URLs)."""

    id_number = forms.CharField(label=_("完整身份证号"), max_length=22)

    def clean_id_number(self) -> str:
        return idcard.validate_id_number(self.cleaned_data["id_number"])


MEMBER_FORM_FIELDS = (
    "association",
    "group",
    "name",
    "gender",
    "id_number",
    "birth_date",
    "ethnicity",
    "phone",
    "education",
    "political_status",
    "occupation",
    "registration",
    "joined_on",
    "is_volunteer",
    "is_publicity_worker",
    "is_industry_leader",
    "is_newlywed_recruit",
    "notes",
)


class MemberForm(forms.Form):
    """Registration and editing. A plain form: the service compares old and new values."""

    def __init__(
        self,
        *args: Any,
        user,
        member: Member | None = None,
        association: Association | None = None,
        **kwargs: Any,
    ) -> None:
        if member is not None:
            kwargs["initial"] = model_to_dict(member, fields=MEMBER_FORM_FIELDS)
        elif association is not None:
            kwargs["initial"] = {"association": association.pk}
        super().__init__(*args, **kwargs)
        for name in MEMBER_FORM_FIELDS:
            self.fields[name] = _model_field(Member, name)
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"
        self.fields["birth_date"].required = False
        self.fields["birth_date"].help_text = _("留空则按身份证号自动填写。")
        self.fields["phone"].max_length = None  # normalised below (spaces, +86 …)
        self.fields["phone"].validators = []
        self.fields["association"].queryset = association_choices(user).order_by("path")
        self.fields["association"].label_from_instance = _association_label
        self.fields["group"].queryset = self._group_choices(user, member, association)
        self.fields["group"].label_from_instance = _group_label
        if member is not None and not idcard.may_view_full(user):
            # Without the permission the number is neither shown nor changed here.
            del self.fields["id_number"]
        if member is not None:
            self.fields["joined_on"].help_text = _(
                "修改的是本次入会的日期；离会、重新入会请用详情页的操作。"
            )

    def _group_choices(self, user, member, association):
        """Groups of the association being edited when known, else all the user sees."""
        chosen = self.data.get("association") if self.is_bound else None
        if not (chosen and str(chosen).isdigit()):
            chosen = member.association_id if member else (association.pk if association else None)
        current = Q(dissolved_on__isnull=True)
        if member is not None and member.group_id:
            current |= Q(pk=member.group_id)  # keep the member's group even if dissolved since
        groups = MemberGroup.objects.visible_to(user).filter(current)
        if chosen:
            groups = groups.filter(association_id=chosen)
        return groups.select_related("association").order_by("association__path", "name")

    def clean_id_number(self) -> str:
        return idcard.validate_id_number(self.cleaned_data["id_number"])

    def clean_phone(self) -> str:
        return phone.validate_mobile(self.cleaned_data["phone"])

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("离会日期"), widget=DateInput())
    reason = forms.ChoiceField(label=_("离会原因"), choices=LeaveReason.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class RejoinForm(forms.Form):
    joined_on = forms.DateField(label=_("重新入会日期"), widget=DateInput())
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class PositionForm(forms.Form):
    association = forms.ModelChoiceField(label=_("任职协会"), queryset=Association.objects.none())

    def __init__(self, *args: Any, user, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = (
            "title",
            "term",
            "started_on",
            "ended_on",
            "is_fulltime",
            "background",
            "cadre_rank",
            "monthly_allowance",
        )
        for name in names:
            self.fields[name] = _model_field(OfficerPosition, name)
        self.fields["association"].queryset = selectors.position_association_choices(user, member)
        self.fields["association"].label_from_instance = _association_label
        self.fields["association"].initial = member.association_id


class EndForm(forms.Form):
    """The end date of a post or a liaison pair."""

    ended_on = forms.DateField(label=_("结束日期"), widget=DateInput())


class DuesForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=1950, max_value=2100)
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0, max_digits=8, decimal_places=2)
    paid_on = forms.DateField(label=_("缴费日期"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class OfficersFilterForm(forms.Form):
    day = forms.DateField(label=_("日期"), required=False, widget=DateInput())
    association = forms.ModelChoiceField(
        label=_("协会（含下级）"), queryset=Association.objects.none(), required=False
    )
    title = forms.ChoiceField(
        label=_("职务"), choices=[("", _("全部")), *OfficerTitle.choices], required=False
    )

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["association"]
        # Officers sit in towns and above, and in villages: offer every level.
        field.queryset = association_choices(user).order_by("path")
        field.label_from_instance = _association_label


# ── households ────────────────────────────────────────────────────────────────

CATEGORY_CHOICES = [(k, Household._meta.get_field(k).verbose_name) for k in HOUSEHOLD_CATEGORIES]


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label=_("户编码 / 户主姓名"), required=False)
    association = forms.ModelChoiceField(
        label=_("协会（含下级）"), queryset=Association.objects.none(), required=False
    )
    category = forms.ChoiceField(
        label=_("户类别"),
        required=False,
        choices=[("", _("全部")), *CATEGORY_CHOICES],
    )

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["association"].queryset = association_choices(user).order_by("path")
        self.fields["association"].label_from_instance = _association_label


HOUSEHOLD_FORM_FIELDS = ("association", "code", "head_name", "size", "address", "notes")


class HouseholdForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("户类别"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=CATEGORY_CHOICES,
    )

    def __init__(
        self,
        *args: Any,
        user,
        household: Household | None = None,
        association: Association | None = None,
        **kwargs: Any,
    ) -> None:
        if household is not None:
            initial = model_to_dict(household, fields=HOUSEHOLD_FORM_FIELDS)
            initial["categories"] = [k for k in HOUSEHOLD_CATEGORIES if getattr(household, k)]
            kwargs["initial"] = initial
        elif association is not None:
            kwargs["initial"] = {"association": association.pk}
        super().__init__(*args, **kwargs)
        categories = self.fields.pop("categories")
        for name in HOUSEHOLD_FORM_FIELDS:
            self.fields[name] = _model_field(Household, name)
        self.fields["categories"] = categories
        self.fields["association"].queryset = association_choices(user).order_by("path")
        self.fields["association"].label_from_instance = _association_label


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(label=_("证件类别"), choices=CertificateKind.choices)
    number = forms.CharField(label=_("证件编号"), max_length=40, required=False)
    issued_on = forms.DateField(label=_("发证日期"), required=False, widget=DateInput())


# ── liaison ───────────────────────────────────────────────────────────────────


class VillageForm(forms.Form):
    village = forms.ModelChoiceField(label=_("村（居）"), queryset=Association.objects.none())

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = selectors.village_choices(user)
        self.fields["village"].label_from_instance = _association_label


class LiaisonForm(forms.Form):
    """One member ticked against several households of the village."""

    member = forms.ModelChoiceField(
        label=_("会员"), queryset=Member.objects.none(), widget=forms.RadioSelect
    )
    households = forms.ModelMultipleChoiceField(
        label=_("联系户"), queryset=Household.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(label=_("联系类型"), choices=LiaisonKind.choices)
    started_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    contract_signed_on = forms.DateField(
        label=_("合同签订日期"), required=False, widget=DateInput()
    )

    def __init__(self, *args: Any, village: Association, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"started_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        # Officers from above may liaise too, but they are paired from their own village;
        # the page offers the village's active members.
        self.fields["member"].queryset = Member.objects.filter(
            association=village, status=MemberStatus.ACTIVE
        )
        self.fields["households"].queryset = Household.objects.filter(association=village)


# ── groups ────────────────────────────────────────────────────────────────────


class MemberGroupForm(forms.Form):
    name = forms.CharField(label=_("小组名称"), max_length=60)
    leader = forms.ModelChoiceField(label=_("组长"), queryset=Member.objects.none(), required=False)
    founded_on = forms.DateField(label=_("成立日期"), required=False, widget=DateInput())
    dissolved_on = forms.DateField(label=_("撤销日期"), required=False, widget=DateInput())

    def __init__(
        self, *args: Any, association: Association, group: MemberGroup | None = None, **kwargs
    ) -> None:
        if group is not None:
            kwargs["initial"] = model_to_dict(
                group, fields=["name", "leader", "founded_on", "dissolved_on"]
            )
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = Member.objects.filter(
            association=association, status=MemberStatus.ACTIVE
        ).order_by("name")
        if group is None:
            del self.fields["dissolved_on"]


class IntegrityGroupForm(forms.Form):
    name = forms.CharField(label=_("小组名称"), max_length=60)
    leader_name = forms.CharField(label=_("组长"), max_length=40)
    agreement_signed_on = forms.DateField(
        label=_("联保协议签订日期"), required=False, widget=DateInput()
    )
    households = forms.ModelMultipleChoiceField(
        label=_("成员户（5–10 户流动人口户）"),
        queryset=Household.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    dissolved_on = forms.DateField(label=_("撤销日期"), required=False, widget=DateInput())

    def __init__(
        self,
        *args: Any,
        association: Association,
        group: IntegrityGroup | None = None,
        **kwargs: Any,
    ) -> None:
        if group is not None:
            initial = model_to_dict(
                group, fields=["name", "leader_name", "agreement_signed_on", "dissolved_on"]
            )
            initial["households"] = list(group.households.values_list("pk", flat=True))
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["households"].queryset = selectors.integrity_group_candidates(
            association, group
        )
        if group is None:
            del self.fields["dissolved_on"]
