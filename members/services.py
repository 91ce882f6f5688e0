"""Writes to members, officers, households, liaison pairs, groups and dues.

Every caller (views, admin, imports, commands) goes through these, naming its actor
`by`: the scope and the role are checked from it (`associations.permissions.require`)
and the record's history says who made the change. Each function validates everything
it can and raises one ValidationError naming every bad field, so a form can show all
problems at once and keep what was typed. Nothing is deleted: records entered in error
are withdrawn (作废) and can be restored.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict, TypeVar, Unpack

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from associations.models import (
    VILLAGE_LEVELS,
    AccessKind,
    Association,
    Level,
    User,
    Withdrawable,
)
from associations.permissions import require
from associations.records import (
    field_names,
    model_update,
    record_restore,
    record_save,
    record_withdraw,
)
from associations.services import personal_data_access_record
from associations.years import YearError, check_year, first_day, last_day

from . import idcard, personal_data, phone
from .models import (
    HOUSEHOLD_CATEGORIES,
    DuesPayment,
    Gender,
    Household,
    HouseholdCertificate,
    IntegrityGroup,
    LeaveReason,
    LiaisonKind,
    LiaisonPair,
    Member,
    MemberGroup,
    MembershipPeriod,
    MemberStatus,
    OfficerPosition,
    OfficerTitle,
)

Errors = dict[str, list[str]]
logger = logging.getLogger(__name__)
W = TypeVar("W", bound=Withdrawable)

# Posts only one person holds at a time in an association.
SINGLE_HOLDER_TITLES = (OfficerTitle.CHAIR, OfficerTitle.SECRETARY)
INTEGRITY_GROUP_SIZE = (5, 10)
# Member groups and households sit under associations that have members of their own.
MEMBER_GROUP_LEVELS = (Level.VILLAGE, Level.COMMUNITY, Level.ENTERPRISE, Level.FLOATING)
HOUSEHOLD_LEVELS = MEMBER_GROUP_LEVELS


# ── The fields of each record kind, declared once ─────────────────────────────


class MemberFields(TypedDict, total=False):
    """A member's own data (会员申请登记表); status changes by leaving and rejoining."""

    association: Association
    group: MemberGroup | None
    name: str
    gender: str
    id_number: str
    birth_date: dt.date | None  # empty: taken from the ID number
    ethnicity: str
    phone: str
    education: str
    political_status: str
    occupation: str
    registration: str
    joined_on: dt.date  # of the current membership period
    is_volunteer: bool
    is_publicity_worker: bool
    is_industry_leader: bool
    is_newlywed_recruit: bool
    notes: str


class MemberGroupFields(TypedDict, total=False):
    name: str
    leader: Member | None
    founded_on: dt.date | None
    dissolved_on: dt.date | None


class HouseholdFields(TypedDict, total=False):
    association: Association
    code: str
    head_name: str
    size: int | None
    address: str
    # Flag names or their contract names (HOUSEHOLD_CATEGORIES); replaces every flag.
    categories: Iterable[str]
    notes: str


class CertificateFields(TypedDict, total=False):
    kind: str
    number: str
    issued_on: dt.date | None


class IntegrityGroupFields(TypedDict, total=False):
    name: str
    leader_name: str
    agreement_signed_on: dt.date | None
    dissolved_on: dt.date | None
    households: Iterable[Household]  # 5–10 floating households; replaces the membership


class PositionHeld(TypedDict, total=False):
    """A post's identity and term of office: to change one, end it and assign a new one."""

    title: str
    started_on: dt.date
    ended_on: dt.date | None


class PositionDetails(TypedDict, total=False):
    """What may be corrected on a post (position_update)."""

    term: int | None
    is_fulltime: bool
    background: str
    cadre_rank: str
    monthly_allowance: Decimal


class PositionFields(PositionHeld, PositionDetails, total=False):
    pass


class DuesFields(TypedDict, total=False):
    amount: Decimal
    paid_on: dt.date | None


class LiaisonDetails(TypedDict, total=False):
    """What may be corrected on a pair (liaison_update)."""

    kind: str
    contract_signed_on: dt.date | None


class LiaisonFields(LiaisonDetails, total=False):
    started_on: dt.date
    ended_on: dt.date | None


MEMBER_FIELDS = field_names(MemberFields)
MEMBER_GROUP_FIELDS = field_names(MemberGroupFields)
HOUSEHOLD_FIELDS = field_names(HouseholdFields)
CERTIFICATE_FIELDS = field_names(CertificateFields)
INTEGRITY_GROUP_FIELDS = field_names(IntegrityGroupFields)
POSITION_FIELDS = field_names(PositionFields)
POSITION_DETAILS = field_names(PositionDetails)
DUES_FIELDS = field_names(DuesFields)
LIAISON_FIELDS = field_names(LiaisonFields)
LIAISON_DETAILS = field_names(LiaisonDetails)


# ── shared checks ─────────────────────────────────────────────────────────────


def _add(errors: Errors, field: str, message: str) -> None:
    if message not in errors.setdefault(field, []):
        errors[field].append(message)


def _merge(errors: Errors, exc: ValidationError) -> None:
    for field, messages in exc.message_dict.items():
        for message in messages:
            _add(errors, field, message)


def _full_clean(obj: models.Model, errors: Errors, **kwargs: Any) -> None:
    """Run the model's own validation on the fields not already reported, then raise all."""
    try:
        obj.full_clean(exclude=list(errors), **kwargs)
    except ValidationError as exc:
        _merge(errors, exc)
    if errors:
        raise ValidationError(errors)


def _only(fields: dict[str, Any], allowed: Iterable[str]) -> None:
    """A service that corrects some fields only refuses the others (a caller's bug)."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(unknown)}")


def _trusted(instance: models.Model, changed: list[str]) -> None:
    """`model_update` validation for values the service has checked itself."""


def _today() -> dt.date:
    return timezone.localdate()


def _not_future(errors: Errors, field: str, day: dt.date | None) -> None:
    if day and day > _today():
        _add(errors, field, _("日期不能晚于今天。"))


def _overlapping(queryset: models.QuerySet, start: dt.date, end: dt.date | None) -> models.QuerySet:
    """Rows whose [started_on, ended_on] (inclusive, open end) meets [start, end]."""
    queryset = queryset.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    return queryset.filter(started_on__lte=end) if end else queryset


def _check_membership(
    errors: Errors, member: Member, start: dt.date, end: dt.date | None, field: str, message: str
) -> None:
    """The member must be in the roll on `start` and stay in it until `end` (a post, a pair)."""
    period = MembershipPeriod.objects.filter(member=member).active_on(start).first()
    if period is None:
        _add(errors, field, message)
    elif period.left_on and (end is None or end > period.left_on):
        _add(
            errors,
            "ended_on",
            _("%(name)s 已于 %(day)s 离会，结束日期不能晚于离会日期。")
            % {"name": member.name, "day": period.left_on.isoformat()},
        )


def _withdraw(by: User, instance: W, reason: str) -> W:
    require(by, "records.withdraw", instance)
    record_withdraw(instance=instance, by=by, reason=reason)
    return instance


def _restore(by: User, instance: W) -> W:
    require(by, "records.withdraw", instance)
    record_restore(instance=instance, by=by)
    return instance


# ── members ───────────────────────────────────────────────────────────────────

_STRIPPED = ("name", "ethnicity", "occupation", "notes")


def _normalised(fields: MemberFields) -> MemberFields:
    """Typed values as they are stored (checked afterwards, so a change is a real change)."""
    cleaned: dict[str, Any] = dict(fields)
    for name in _STRIPPED:
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "id_number" in cleaned:
        cleaned["id_number"] = idcard.normalise(cleaned["id_number"])
    if "phone" in cleaned:
        cleaned["phone"] = phone.normalise(cleaned["phone"])
    return cleaned  # type: ignore[return-value]


def id_taken_message(by: User, holder: Member) -> str:
    """Why a number is refused. Outside the actor's scope it names nobody and nowhere; inside
    it names the member (by 会员编号), pointing to restoring one that was withdrawn."""
    if not by.has_perm("scope.view", holder):
        return _("该身份证号已登记为会员，不能重复登记。")
    if holder.is_withdrawn:
        return _(
            "该身份证号属于已作废的会员（会员编号 %(number)s），请由秘书长在“已作废”名单中"
            "恢复该会员，不要重复登记。"
        ) % {"number": holder.number}
    return _("该身份证号已登记为会员“%(name)s”（会员编号 %(number)s），不能重复登记。") % {
        "name": holder.name,
        "number": holder.number,
    }


TOO_MANY_REFUSALS = gettext_lazy("操作过于频繁，请稍后再试。")


def _refuse_taken_id(by: User, number: str, holder: Member) -> str:
    """A refusal says the number exists: each is counted (rate limit), logged to the
    application log and recorded in the personal-data log (that row is written with the
    caller's transaction, so the staff pages check before theirs begins)."""
    masked = idcard.mask(number)
    personal_data.count_duplicate_refusal(by)
    logger.info("Refused a registered ID number %s to user %s", masked, by.pk)
    personal_data_access_record(
        by=by, kind=AccessKind.DUPLICATE, subject=masked, association=holder.association
    )
    return id_taken_message(by, holder)


def _check_id_free(by: User, pk: int | None, number: str, errors: Errors) -> None:
    """Refuse a number another member (withdrawn ones too) holds; past the rate limit no
    number is checked at all, so the refusals cannot be used to probe numbers."""
    if not personal_data.duplicate_refusal_allowed(by):
        _add(errors, "id_number", str(TOO_MANY_REFUSALS))
        return
    others = Member.all_objects.exclude(pk=pk).select_related("association")
    holder = others.with_id_number(number).first()
    if holder is not None:
        _add(errors, "id_number", _refuse_taken_id(by, number, holder))


def _valid_id(number: str) -> str:
    try:
        return idcard.validate_id_number(number)
    except ValidationError:
        return ""


def _check_member(
    by: User, member: Member, changed: Iterable[str], errors: Errors, *, check_taken: bool = True
) -> None:
    """Checks shared by registering, editing and importing; fills birth date and gender
    from the ID number when they were left empty.

    `check_taken` False: the caller checks the number itself (a whole batch in one query,
    or before its transaction begins).
    """
    changed = set(changed)
    number = _valid_id(member.id_number)
    if number and member.birth_date is None:
        member.birth_date = idcard.birth_date(number)  # the card decides when no date was typed
    if number and not member.gender:
        member.gender = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
    try:
        member.id_number = idcard.validate_id_number(member.id_number, birth=member.birth_date)
    except ValidationError as exc:
        for message in exc.messages:
            _add(errors, "id_number", message)
    else:
        if check_taken and "id_number" in changed:
            _check_id_free(by, member.pk, member.id_number, errors)
    try:
        member.phone = phone.validate_mobile(member.phone)
    except ValidationError as exc:
        _add(errors, "phone", exc.messages[0])
    association = member.association if member.association_id else None
    if association and association.dissolved_on and "association" in changed:
        _add(errors, "association", _("该协会已撤销，不能登记会员。"))
    if member.group_id:
        group = member.group
        if group.association_id != member.association_id:
            _add(errors, "group", _("会员小组必须属于会员所在的协会。"))
        elif group.dissolved_on and "group" in changed:
            _add(errors, "group", _("该会员小组已撤销。"))
    if member.joined_on and member.birth_date and member.joined_on < member.birth_date:
        _add(errors, "joined_on", _("入会日期不能早于出生日期。"))
    _not_future(errors, "joined_on", member.joined_on)


def member_register(*, by: User, **fields: Unpack[MemberFields]) -> Member:
    """Register a member (会员登记) and open their first membership period.

    Members normally belong to village, community, enterprise or floating
    associations; officers of towns and counties are registered at those levels,
    so any level is accepted. `birth_date` or `gender` left empty are taken from
    the ID number.
    """
    require(by, "records.change", fields.get("association"), field="association")
    member = Member(**_normalised(fields), status=MemberStatus.ACTIVE)
    errors: Errors = {}
    _check_member(by, member, MEMBER_FIELDS, errors)  # before the transaction: see above
    _full_clean(member, errors, validate_unique=False)
    with transaction.atomic():
        record_save(member, by=by)
        record_save(MembershipPeriod(member=member, joined_on=member.joined_on), by=by)
    return member


def member_update(
    *, by: User, member: Member, version: int | None = None, **fields: Unpack[MemberFields]
) -> Member:
    """Edit a member's data. Status changes go through member_leave / member_rejoin.

    A changed `joined_on` corrects the start of the current membership period.
    Moving to another association drops a group that does not belong to it. A new
    `id_number` corrects a mistyped one: checked like a new registration, and the birth
    date follows it unless one is given.
    """
    _only(fields, MEMBER_FIELDS)
    require(by, "records.change", member)
    new_association = fields.get("association")
    if new_association is not None and new_association != member.association:
        require(by, "records.change", new_association, field="association")
        fields.setdefault("group", None)
    data: dict[str, Any] = dict(_normalised(fields))
    id_errors: Errors = {}
    number = data.pop("id_number", None)
    if number is not None and number != member.id_number:
        data.update(personal_data.id_columns(number))  # the stored columns change
        if valid := _valid_id(number):
            data.setdefault("birth_date", idcard.birth_date(valid))
            _check_id_free(by, member.pk, valid, id_errors)  # before the transaction
    period = member.periods.order_by("-joined_on").first()

    def validate(member: Member, changed: list[str]) -> None:
        errors: Errors = {field: list(messages) for field, messages in id_errors.items()}
        if "id_number_hash" in changed:
            changed = [*changed, "id_number"]
        _check_member(by, member, changed, errors, check_taken=False)
        if "joined_on" in changed and period is not None:
            if period.left_on and member.joined_on > period.left_on:
                _add(errors, "joined_on", _("入会日期不能晚于离会日期。"))
            earlier = member.periods.exclude(pk=period.pk).filter(left_on__gte=member.joined_on)
            if earlier.exists():
                _add(errors, "joined_on", _("入会日期须晚于上一次离会日期。"))
        _full_clean(member, errors, validate_unique=False)

    with transaction.atomic():
        member, changed = model_update(
            instance=member, data=data, by=by, version=version, validate=validate
        )
        if "joined_on" in changed and period is not None:
            period.joined_on = member.joined_on
            record_save(period, by=by, update_fields=["joined_on"])
    return member


@transaction.atomic
def member_leave(
    *, by: User, member: Member, left_on: dt.date, reason: str, note: str = ""
) -> Member:
    """Close the open membership period (劝退, 迁出, 死亡 …).

    The member's open officer posts and liaison pairs end the same day (one begun
    later ends on its first day), and a group they led loses its leader: someone who
    left cannot hold them. A member has a handful of these, each saved with history.
    """
    require(by, "records.change", member)
    period = member.periods.filter(left_on__isnull=True).order_by("-joined_on").first()
    if period is None or member.status != MemberStatus.ACTIVE:
        raise ValidationError({"left_on": _("该会员已离会。")})
    errors: Errors = {}
    if reason not in LeaveReason.values:
        _add(errors, "reason", _("请选择离会原因。"))
    if left_on is None:
        _add(errors, "left_on", _("请填写离会日期。"))
    elif left_on < period.joined_on:
        _add(errors, "left_on", _("离会日期不能早于入会日期。"))
    _not_future(errors, "left_on", left_on)
    if errors:
        raise ValidationError(errors)
    period.left_on, period.leave_reason, period.note = left_on, reason, (note or "").strip()[:200]
    record_save(period, by=by, update_fields=["left_on", "leave_reason", "note"])
    data = {"status": MemberStatus.LEFT, "left_on": left_on, "leave_reason": reason}
    model_update(instance=member, data=data, by=by, validate=_trusted)
    open_posts = member.positions.filter(ended_on__isnull=True)
    open_pairs = member.liaisons.filter(ended_on__isnull=True)
    for record in [*open_posts, *open_pairs]:
        ended_on = max(record.started_on, left_on)
        model_update(instance=record, data={"ended_on": ended_on}, by=by, validate=_trusted)
    for group in member.groups_led.all():
        model_update(instance=group, data={"leader": None}, by=by, validate=_trusted)
    return member


@transaction.atomic
def member_rejoin(*, by: User, member: Member, joined_on: dt.date, note: str = "") -> Member:
    """Open a new membership period after the last one ended."""
    require(by, "records.change", member)
    last = member.periods.order_by("-joined_on").first()
    if member.status != MemberStatus.LEFT or last is None or last.left_on is None:
        raise ValidationError({"joined_on": _("该会员仍在册，无需重新入会。")})
    errors: Errors = {}
    if joined_on is None:
        _add(errors, "joined_on", _("请填写重新入会日期。"))
    elif joined_on <= last.left_on:
        _add(
            errors,
            "joined_on",
            _("重新入会日期须晚于上次离会日期（%(day)s）。") % {"day": last.left_on.isoformat()},
        )
    _not_future(errors, "joined_on", joined_on)
    if member.association.dissolved_on:
        _add(errors, "joined_on", _("会员所在协会已撤销，请先把会员调到其他协会。"))
    if errors:
        raise ValidationError(errors)
    period = MembershipPeriod(member=member, joined_on=joined_on, note=(note or "").strip()[:200])
    record_save(period, by=by)
    data = {"status": MemberStatus.ACTIVE, "joined_on": joined_on, "left_on": None}
    model_update(instance=member, data={**data, "leave_reason": ""}, by=by, validate=_trusted)
    return member


def member_withdraw(*, by: User, member: Member, reason: str) -> Member:
    """Withdraw a member registered in error: gone from lists and figures (with their
    posts, pairs and dues), kept with its history, restorable."""
    return _withdraw(by, member, reason)


def member_restore(*, by: User, member: Member) -> Member:
    return _restore(by, member)


# ── member groups ─────────────────────────────────────────────────────────────


def _check_group(group: MemberGroup, errors: Errors) -> None:
    group.name = (group.name or "").strip()
    if group.association_id and group.association.level not in MEMBER_GROUP_LEVELS:
        _add(errors, "association", _("会员小组只能设在村（居）、企业或流动人口协会下。"))
    same_name = MemberGroup.objects.filter(association_id=group.association_id, name=group.name)
    if group.name and same_name.exclude(pk=group.pk).exists():
        _add(errors, "name", _("本协会已有同名的会员小组。"))
    if group.leader_id:
        if group.leader.association_id != group.association_id:
            _add(errors, "leader", _("组长必须是本协会的会员。"))
        elif group.leader.status != MemberStatus.ACTIVE or group.leader.is_withdrawn:
            _add(errors, "leader", _("组长必须是在册会员。"))
    if group.founded_on and group.dissolved_on and group.dissolved_on < group.founded_on:
        _add(errors, "dissolved_on", _("撤销日期不能早于成立日期。"))


def _validate_group(group: MemberGroup, changed: list[str]) -> None:
    errors: Errors = {}
    _check_group(group, errors)
    _full_clean(group, errors, validate_constraints=False)


def member_group_create(
    *, by: User, association: Association, **fields: Unpack[MemberGroupFields]
) -> MemberGroup:
    """A member group (会员小组) under a village, community, enterprise or floating association."""
    require(by, "records.change", association, field="association")
    group = MemberGroup(association=association, **fields)
    _validate_group(group, [])
    return record_save(group, by=by)


def member_group_update(
    *, by: User, group: MemberGroup, version: int | None = None, **fields: Unpack[MemberGroupFields]
) -> MemberGroup:
    """Rename, change the leader, or mark the group dissolved (its members keep their data)."""
    _only(fields, MEMBER_GROUP_FIELDS)
    require(by, "records.change", group)
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
    group, _changed = model_update(
        instance=group, data=fields, by=by, version=version, validate=_validate_group
    )
    return group


# ── households and certificates ───────────────────────────────────────────────

_CATEGORY_BY_NAME = {label: flag for flag, label in HOUSEHOLD_CATEGORIES.items()}


def category_flags(categories: Iterable[str], errors: Errors) -> dict[str, bool]:
    """Every category flag set to whether it is listed (flag names or contract names)."""
    flags = dict.fromkeys(HOUSEHOLD_CATEGORIES, False)
    for raw in categories or ():
        value = str(raw).strip()
        flag = value if value in HOUSEHOLD_CATEGORIES else _CATEGORY_BY_NAME.get(value)
        if flag is None:
            _add(errors, "categories", _("未知的户类别：%(value)s。") % {"value": value})
        else:
            flags[flag] = True
    return flags


def _household_data(fields: HouseholdFields, errors: Errors) -> dict[str, Any]:
    """The model's values: text stripped, `categories` turned into its flags."""
    data: dict[str, Any] = dict(fields)
    for name in ("code", "head_name", "address", "notes"):
        if name in data:
            data[name] = (data[name] or "").strip()
    if "categories" in data:
        data.update(category_flags(data.pop("categories"), errors))
    return data


def _check_household(household: Household, errors: Errors) -> None:
    taken = Household.all_objects.filter(code=household.code).exclude(pk=household.pk).first()
    if taken is not None and taken.is_withdrawn:
        _add(errors, "code", _("该户编码属于已作废的户，请由秘书长恢复该户，不要重复登记。"))
    elif taken is not None:
        _add(errors, "code", _("户编码已被使用，请核对。"))
    if household.association_id and household.association.level not in HOUSEHOLD_LEVELS:
        _add(errors, "association", _("户只能登记在村（居）、企业或流动人口协会下。"))
    if household.size is not None and household.size < 1:
        _add(errors, "size", _("家庭人口至少为 1。"))
    if household.is_one_child and household.is_two_daughter:
        _add(errors, "categories", _("独生子女户与两女户不能同时勾选。"))
    if household.integrity_group_id and not household.is_floating:
        _add(errors, "categories", _("加入诚信小组的户必须是流动人口户。"))
    _full_clean(household, errors, validate_unique=False)


def household_create(*, by: User, **fields: Unpack[HouseholdFields]) -> Household:
    """Register a household in care; categories are flag names or contract names."""
    require(by, "records.change", fields.get("association"), field="association")
    errors: Errors = {}
    household = Household(**_household_data(fields, errors))
    _check_household(household, errors)
    return record_save(household, by=by)


def household_update(
    *,
    by: User,
    household: Household,
    version: int | None = None,
    **fields: Unpack[HouseholdFields],
) -> Household:
    """Edit a household; `categories`, when given, replaces all its category flags."""
    _only(fields, HOUSEHOLD_FIELDS)
    require(by, "records.change", household)
    errors: Errors = {}
    new_association = fields.get("association")
    if new_association is not None and new_association != household.association:
        require(by, "records.change", new_association, field="association")
        if household.integrity_group_id:
            _add(errors, "association", _("该户属于诚信小组，请先从小组中移出再调整协会。"))
    data = _household_data(fields, errors)
    household, _changed = model_update(
        instance=household,
        data=data,
        by=by,
        version=version,
        validate=lambda household, _changed: _check_household(household, errors),
    )
    return household


def household_withdraw(*, by: User, household: Household, reason: str) -> Household:
    """Withdraw a household registered in error (its pairs and aid stop counting)."""
    return _withdraw(by, household, reason)


def household_restore(*, by: User, household: Household) -> Household:
    return _restore(by, household)


def certificate_record(
    *, by: User, household: Household, **fields: Unpack[CertificateFields]
) -> HouseholdCertificate:
    """Record (or correct) the household's certificate of one kind."""
    require(by, "records.change", household)
    kind = fields.get("kind", "")
    certificate = HouseholdCertificate.objects.filter(household=household, kind=kind).first()
    certificate = certificate or HouseholdCertificate(household=household, kind=kind)
    certificate.number = (fields.get("number") or "").strip()
    certificate.issued_on = fields.get("issued_on")
    errors: Errors = {}
    _not_future(errors, "issued_on", certificate.issued_on)
    _full_clean(certificate, errors, validate_constraints=False)
    return record_save(certificate, by=by)


# ── integrity groups ──────────────────────────────────────────────────────────


def _fresh(households: Iterable[Household]) -> list[Household]:
    """The chosen households as stored now (callers may hold stale copies), without repeats."""
    pks = {h.pk for h in households}
    households = Household.objects.filter(pk__in=pks)
    return list(households.select_related("association", "integrity_group"))


def _in_other_live_group(household: Household, group: IntegrityGroup) -> bool:
    """A household may leave a dissolved group for a new one, never a live one."""
    current = household.integrity_group
    return current is not None and current.pk != group.pk and current.dissolved_on is None


def _check_integrity_group(
    group: IntegrityGroup, households: list[Household] | None, errors: Errors
) -> None:
    group.name = (group.name or "").strip()
    group.leader_name = (group.leader_name or "").strip()
    if group.association_id and group.association.level not in VILLAGE_LEVELS:
        _add(errors, "association", _("诚信小组只能设在村（居）协会下。"))
    same_name = IntegrityGroup.objects.filter(association_id=group.association_id, name=group.name)
    if group.name and same_name.exclude(pk=group.pk).exists():
        _add(errors, "name", _("本协会已有同名的诚信小组。"))
    _not_future(errors, "agreement_signed_on", group.agreement_signed_on)
    if households is None:
        return
    low, high = INTEGRITY_GROUP_SIZE
    if not low <= len(households) <= high:
        _add(
            errors,
            "households",
            _("诚信小组须由 %(low)s–%(high)s 户流动人口户组成，现选了 %(n)s 户。")
            % {"low": low, "high": high, "n": len(households)},
        )
    for household in households:
        if household.association_id != group.association_id:
            _add(errors, "households", _("“%(h)s”不属于本村。") % {"h": household})
        elif not household.is_floating:
            _add(errors, "households", _("“%(h)s”不是流动人口户。") % {"h": household})
        elif _in_other_live_group(household, group):
            _add(errors, "households", _("“%(h)s”已在其他诚信小组中。") % {"h": household})


def _set_integrity_group(by: User, households: Iterable[Household], group: IntegrityGroup | None):
    """5–10 households at a time: each is saved with its history."""
    for household in households:
        data = {"integrity_group": group}
        model_update(instance=household, data=data, by=by, validate=_trusted)


@transaction.atomic
def integrity_group_create(
    *, by: User, association: Association, **fields: Unpack[IntegrityGroupFields]
) -> IntegrityGroup:
    """诚信小组: 5–10 floating households of one village under a guarantee agreement."""
    require(by, "records.change", association, field="association")
    households = _fresh(fields.pop("households", ()))
    group = IntegrityGroup(association=association, **fields)
    errors: Errors = {}
    _check_integrity_group(group, households, errors)
    _full_clean(group, errors)
    record_save(group, by=by)
    _set_integrity_group(by, households, group)
    return group


@transaction.atomic
def integrity_group_update(
    *,
    by: User,
    group: IntegrityGroup,
    version: int | None = None,
    **fields: Unpack[IntegrityGroupFields],
) -> IntegrityGroup:
    """Edit the group; `households`, when given, replaces its membership (not checked
    when the group is being dissolved)."""
    _only(fields, INTEGRITY_GROUP_FIELDS)
    require(by, "records.change", group)
    chosen = _fresh(fields.pop("households")) if "households" in fields else None

    def validate(group: IntegrityGroup, changed: list[str]) -> None:
        errors: Errors = {}
        _check_integrity_group(group, None if group.dissolved_on else chosen, errors)
        _full_clean(group, errors)

    group, _changed = model_update(
        instance=group, data=fields, by=by, version=version, validate=validate
    )
    if chosen is not None:
        keep = {h.pk for h in chosen}
        _set_integrity_group(by, group.households.exclude(pk__in=keep), None)
        _set_integrity_group(by, chosen, group)
    return group


# ── officers ──────────────────────────────────────────────────────────────────


def _check_dates(errors: Errors, start: dt.date | None, end: dt.date | None, message: str) -> None:
    if start and end and end < start:
        _add(errors, "ended_on", message)


@transaction.atomic
def position_assign(
    *, by: User, member: Member, association: Association, **fields: Unpack[PositionFields]
) -> OfficerPosition:
    """Give a member a post in an association's council (the association or one above theirs)."""
    require(by, "records.change", association, field="association")
    errors: Errors = {}
    if not association.contains(member.association):
        _add(errors, "member", _("会员须属于该协会或其下级协会。"))
    if fields.get("title") == OfficerTitle.FULLTIME_VICE_CHAIR:
        fields["is_fulltime"] = True
    if fields.get("monthly_allowance") in ("", None):
        fields["monthly_allowance"] = Decimal(0)
    for text in ("background", "cadre_rank"):
        fields[text] = fields.get(text) or ""
    position = OfficerPosition(member=member, association=association, **fields)
    title, started_on, ended_on = position.title, position.started_on, position.ended_on
    if started_on:
        _check_membership(
            errors, member, started_on, ended_on, "started_on", _("任职开始时该会员不在册。")
        )
        _check_dates(errors, started_on, ended_on, _("任职结束日期不能早于开始日期。"))
        same_post = OfficerPosition.objects.filter(association=association, title=title)
        overlapping = _overlapping(same_post, started_on, ended_on)
        if overlapping.filter(member=member).exists():
            _add(errors, "title", _("该会员在此期间已担任该职务。"))
        elif title in SINGLE_HOLDER_TITLES:
            holder = overlapping.select_related("member").first()
            if holder is not None:
                _add(
                    errors,
                    "title",
                    _("该协会在此期间已有%(title)s（%(name)s），请先结束其任职。")
                    % {"title": OfficerTitle(title).label, "name": holder.member.name},
                )
    _full_clean(position, errors, validate_constraints=False)
    return record_save(position, by=by)


def _validate_details(position: OfficerPosition, changed: list[str]) -> None:
    errors: Errors = {}
    if position.title == OfficerTitle.FULLTIME_VICE_CHAIR and not position.is_fulltime:
        _add(errors, "is_fulltime", _("专职副会长必须是专职。"))
    _full_clean(position, errors, validate_constraints=False)


def position_update(
    *,
    by: User,
    position: OfficerPosition,
    version: int | None = None,
    **fields: Unpack[PositionDetails],
) -> OfficerPosition:
    """Correct a post's details: term, full-time, background, cadre rank, allowance.

    Holder, association, title and start are the post's identity: to change one,
    end the post (or withdraw one entered in error) and assign a new one.
    """
    _only(fields, POSITION_DETAILS)
    require(by, "records.change", position)
    for text in ("background", "cadre_rank"):
        if text in fields:
            fields[text] = fields[text] or ""
    position, _changed = model_update(
        instance=position, data=fields, by=by, version=version, validate=_validate_details
    )
    return position


P = TypeVar("P", OfficerPosition, LiaisonPair)


def _end(by: User, record: P, ended_on: dt.date | None, missing: str, too_early: str) -> P:
    """End a post or a pair on `ended_on`, its last day."""
    require(by, "records.change", record)
    if ended_on is None:
        raise ValidationError({"ended_on": missing})
    if ended_on < record.started_on:
        raise ValidationError({"ended_on": too_early})
    record, _changed = model_update(
        instance=record, data={"ended_on": ended_on}, by=by, validate=_trusted
    )
    return record


def position_end(*, by: User, position: OfficerPosition, ended_on: dt.date) -> OfficerPosition:
    """End a term of office (离任) on `ended_on`, the last day in office."""
    missing, too_early = _("请填写任职结束日期。"), _("任职结束日期不能早于开始日期。")
    return _end(by, position, ended_on, missing, too_early)


def position_withdraw(*, by: User, position: OfficerPosition, reason: str) -> OfficerPosition:
    """Withdraw a post entered in error (a wrong holder, title or start)."""
    return _withdraw(by, position, reason)


def position_restore(*, by: User, position: OfficerPosition) -> OfficerPosition:
    return _restore(by, position)


# ── dues ──────────────────────────────────────────────────────────────────────


def _dues_data(fields: DuesFields, errors: Errors) -> dict[str, Any]:
    data: dict[str, Any] = dict(fields)
    if "amount" in data:
        try:
            data["amount"] = Decimal(str(data["amount"]))
        except (InvalidOperation, ValueError):
            _add(errors, "amount", _("金额须为数字。"))
            del data["amount"]
        else:
            if data["amount"] < 0:
                _add(errors, "amount", _("金额不能为负数。"))
    _not_future(errors, "paid_on", data.get("paid_on"))
    return data


def _save_dues(
    by: User, payment: DuesPayment, fields: DuesFields, errors: Errors, version: int | None
) -> DuesPayment:
    data = _dues_data(fields, errors)
    if payment.pk is None:
        for name, value in data.items():
            setattr(payment, name, value)
        _full_clean(payment, errors, validate_constraints=False)
        return record_save(payment, by=by)
    if errors:
        raise ValidationError(errors)
    payment, _changed = model_update(instance=payment, data=data, by=by, version=version)
    return payment


@transaction.atomic
def dues_record(
    *, by: User, member: Member, year: int, **fields: Unpack[DuesFields]
) -> DuesPayment:
    """Record a year's dues (会费); recording the same year again corrects it."""
    require(by, "records.change", member)
    errors: Errors = {}
    try:
        year = check_year(year)
    except YearError as exc:
        _add(errors, "year", exc.messages[0])
    else:
        in_year = MembershipPeriod.objects.filter(
            Q(member=member),
            Q(joined_on__lte=last_day(year)),
            Q(left_on__isnull=True) | Q(left_on__gt=first_day(year)),
        )
        if not in_year.exists():
            _add(errors, "year", _("该会员在 %(year)s 年不在册。") % {"year": year})
    if errors:
        _dues_data(fields, errors)  # every bad field at once
        raise ValidationError(errors)
    payment = DuesPayment.all_objects.filter(member=member, year=year).first()
    if payment is not None and payment.is_withdrawn:
        _add(errors, "year", _("该年度的会费记录已作废，请先恢复再更正。"))
    return _save_dues(by, payment or DuesPayment(member=member, year=year), fields, errors, None)


def dues_update(
    *, by: User, payment: DuesPayment, version: int | None = None, **fields: Unpack[DuesFields]
) -> DuesPayment:
    """Correct a recorded payment's amount or date."""
    _only(fields, DUES_FIELDS)
    require(by, "records.change", payment)
    return _save_dues(by, payment, fields, {}, version)


def dues_withdraw(*, by: User, payment: DuesPayment, reason: str) -> DuesPayment:
    return _withdraw(by, payment, reason)


def dues_restore(*, by: User, payment: DuesPayment) -> DuesPayment:
    return _restore(by, payment)


# ── liaison pairs ─────────────────────────────────────────────────────────────


def _check_contract(errors: Errors, pair: LiaisonPair) -> None:
    signed = pair.contract_signed_on
    if signed is not None and pair.started_on and signed < pair.started_on:
        _add(errors, "contract_signed_on", _("合同签订日期不能早于开始日期。"))
    _not_future(errors, "contract_signed_on", signed)


def liaison_pair(
    *, by: User, member: Member, household: Household, **fields: Unpack[LiaisonFields]
) -> LiaisonPair:
    """Pair a member with a household (会员联系户).

    The member must belong to the household's association, or hold a post on
    started_on in an association above it (a council member liaising in a village).
    """
    require(by, "records.change", household, field="household")
    require(by, "records.change", member, field="member")
    fields.setdefault("kind", LiaisonKind.HELP)
    pair = LiaisonPair(member=member, household=household, **fields)
    started_on, ended_on = pair.started_on, pair.ended_on
    errors: Errors = {}
    if started_on:
        if member.association_id != household.association_id:
            officer_above = (
                OfficerPosition.objects.held_on(started_on)
                .filter(member=member)
                .filter(association__in=household.association.ancestors())
            )
            if not officer_above.exists():
                _add(
                    errors,
                    "member",
                    _("%(name)s 不是该户所在协会的会员，也不是上级协会的理事。")
                    % {"name": member.name},
                )
        not_in_roll = _("%(name)s 在开始日期不在册。") % {"name": member.name}
        _check_membership(errors, member, started_on, ended_on, "member", not_in_roll)
        _check_dates(errors, started_on, ended_on, _("结束日期不能早于开始日期。"))
        same = LiaisonPair.objects.filter(member=member, household=household)
        if _overlapping(same, started_on, ended_on).exists():
            _add(
                errors,
                "household",
                _("%(name)s 已在联系“%(household)s”。")
                % {"name": member.name, "household": household},
            )
    _not_future(errors, "contract_signed_on", pair.contract_signed_on)
    _full_clean(pair, errors, validate_constraints=False)
    return record_save(pair, by=by)


@transaction.atomic
def liaison_pair_many(
    *,
    by: User,
    member: Member,
    households: Iterable[Household],
    **fields: Unpack[LiaisonFields],
) -> list[LiaisonPair]:
    """Pair one member with several households in one go: all are paired, or none."""
    households = list(households)
    if not households:
        raise ValidationError({"households": _("请至少选择一户。")})
    pairs, errors = [], {}
    for household in households:
        try:
            with transaction.atomic():
                pairs.append(liaison_pair(by=by, member=member, household=household, **fields))
        except ValidationError as exc:
            _merge(errors, exc)
    if errors:
        raise ValidationError(errors)
    return pairs


def _validate_pair(pair: LiaisonPair, changed: list[str]) -> None:
    errors: Errors = {}
    if "contract_signed_on" in changed:
        _check_contract(errors, pair)
    _full_clean(pair, errors, validate_constraints=False)


def liaison_update(
    *, by: User, pair: LiaisonPair, version: int | None = None, **fields: Unpack[LiaisonDetails]
) -> LiaisonPair:
    """Change how a pair works (its kind) or record the contract signed for it."""
    _only(fields, LIAISON_DETAILS)
    require(by, "records.change", pair)
    pair, _changed = model_update(
        instance=pair, data=fields, by=by, version=version, validate=_validate_pair
    )
    return pair


def liaison_end(*, by: User, pair: LiaisonPair, ended_on: dt.date) -> LiaisonPair:
    """End a liaison pair on `ended_on` (its last day)."""
    require(by, "records.change", pair)
    if pair.ended_on is not None:
        raise ValidationError({"ended_on": _("该联系关系已结束。")})
    missing, too_early = _("请填写结束日期。"), _("结束日期不能早于开始日期。")
    return _end(by, pair, ended_on, missing, too_early)


def liaison_withdraw(*, by: User, pair: LiaisonPair, reason: str) -> LiaisonPair:
    return _withdraw(by, pair, reason)


def liaison_restore(*, by: User, pair: LiaisonPair) -> LiaisonPair:
    return _restore(by, pair)


# ── Bulk import ───────────────────────────────────────────────────────────────


def _registered(numbers: list[str], batch: int = 1000) -> dict[str, Member]:
    """Members already holding these ID numbers (one query per thousand)."""
    wanted = sorted({number for number in numbers if number})
    holders: dict[str, Member] = {}
    for start in range(0, len(wanted), batch):
        found = Member.all_objects.with_id_numbers(wanted[start : start + batch])
        for holder in found.select_related("association"):
            holders[holder.id_number] = holder
    return holders


def _leave_errors(member: Member, left_on: dt.date | None, reason: str, errors: Errors) -> None:
    if reason not in LeaveReason.values:
        _add(errors, "reason", _("请选择离会原因。"))
    if left_on is None:
        _add(errors, "left_on", _("请填写离会日期。"))
    elif member.joined_on and left_on < member.joined_on:
        _add(errors, "left_on", _("离会日期不能早于入会日期。"))
    _not_future(errors, "left_on", left_on)


@transaction.atomic
def members_import_rows(*, by: User, rows: list[dict[str, Any]]) -> list[Errors]:
    """Register many members at once (spreadsheet imports of 100,000 rows).

    Each row holds member_register's fields (association and group as loaded
    objects), plus `left_on` and `leave_reason` for a member who has already left.
    The checks are member_register's and member_leave's; the writes are bulk
    inserts with their history (the actor named). Returns one error dict per row
    ({} when fine) and writes nothing unless every row is fine.
    """
    results: list[Errors] = []
    members: list[Member] = []
    seen: set[str] = set()
    for data in rows:
        data = dict(data)
        left_on, reason = data.pop("left_on", None), data.pop("leave_reason", "") or ""
        _only(data, MEMBER_FIELDS)
        errors: Errors = {}
        try:
            require(by, "records.change", data.get("association"), field="association")
        except ValidationError as exc:
            _merge(errors, exc)
        member = Member(**_normalised(data), status=MemberStatus.ACTIVE)
        _check_member(by, member, MEMBER_FIELDS, errors, check_taken=False)
        if member.id_number in seen:
            _add(errors, "id_number", _("该身份证号在本批中重复。"))
        seen.add(member.id_number)
        if left_on is not None or reason:
            _leave_errors(member, left_on, reason, errors)
            member.status, member.left_on, member.leave_reason = MemberStatus.LEFT, left_on, reason
        try:
            # The caller passes loaded association and group objects: no per-row FK queries.
            member.full_clean(exclude=[*errors, "association", "group"], validate_unique=False)
        except ValidationError as exc:
            _merge(errors, exc)
        results.append(errors)
        members.append(member)
    holders = _registered([member.id_number for member in members])
    for member, errors in zip(members, results, strict=True):
        holder = holders.get(member.id_number)
        if holder is None:
            continue
        if personal_data.duplicate_refusal_allowed(by):
            _add(errors, "id_number", _refuse_taken_id(by, member.id_number, holder))
        else:
            _add(errors, "id_number", str(TOO_MANY_REFUSALS))
    if any(results):
        return results
    bulk_create_with_history(members, Member, batch_size=500, default_user=by)
    periods = [
        MembershipPeriod(
            member=member,
            joined_on=member.joined_on,
            left_on=member.left_on,
            leave_reason=member.leave_reason,
        )
        for member in members
    ]
    bulk_create_with_history(periods, MembershipPeriod, batch_size=500, default_user=by)
    return results
