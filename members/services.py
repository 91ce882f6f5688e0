"""Writes to members, officers, households and liaison pairs.

Every caller (views, admin, imports, commands) goes through these. Each function
validates everything it can and raises one ValidationError naming every bad field,
so a form can show all problems at once and keep what was typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import VILLAGE_LEVELS, Association, Level

from . import idcard, phone
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
    Registration,
)

Errors = dict[str, list[str]]

# Posts only one person holds at a time in an association.
SINGLE_HOLDER_TITLES = (OfficerTitle.CHAIR, OfficerTitle.SECRETARY)
INTEGRITY_GROUP_SIZE = (5, 10)
# Member groups and households sit under associations that have members of their own.
MEMBER_GROUP_LEVELS = (Level.VILLAGE, Level.COMMUNITY, Level.ENTERPRISE, Level.FLOATING)
HOUSEHOLD_LEVELS = (Level.VILLAGE, Level.COMMUNITY, Level.ENTERPRISE, Level.FLOATING)


# ── shared checks ─────────────────────────────────────────────────────────────


def _add(errors: Errors, field: str, message: str) -> None:
    if message not in errors.setdefault(field, []):
        errors[field].append(message)


def _full_clean(obj: models.Model, errors: Errors, **kwargs: Any) -> None:
    """Run the model's own validation on the fields not already reported, then raise all."""
    try:
        obj.full_clean(exclude=list(errors), **kwargs)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                _add(errors, field, message)
    if errors:
        raise ValidationError(errors)


def _in_scope(association: Association | None, within: Association | None) -> bool:
    return within is None or (association is not None and within.contains(association))


def _check_scope(
    errors: Errors, association: Association | None, within: Association | None, field: str
) -> None:
    if not _in_scope(association, within):
        _add(errors, field, _("所选协会不在您的管辖范围内。"))


def _today() -> dt.date:
    return timezone.localdate()


def _not_future(errors: Errors, field: str, day: dt.date | None) -> None:
    if day and day > _today():
        _add(errors, field, _("日期不能晚于今天。"))


def _unknown_fields(given: Iterable[str], allowed: Iterable[str]) -> None:
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(unknown)}")


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


# ── members ───────────────────────────────────────────────────────────────────

MEMBER_FIELDS = (
    "association",
    "group",
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "id_number",
    "phone",
    "education",
    "political_status",
    "occupation",
    "registration",
    "is_volunteer",
    "is_publicity_worker",
    "is_industry_leader",
    "is_newlywed_recruit",
    "notes",
    "joined_on",
)


def _validate_member(member: Member, errors: Errors, *, check_taken: bool = True) -> None:
    """Checks shared by registering and editing; normalises the ID, phone and text.

    `check_taken` False: the caller checks a whole batch of ID numbers in one query.
    """
    member.name = (member.name or "").strip()
    member.ethnicity = (member.ethnicity or "").strip()
    try:
        number = idcard.validate_id_number(member.id_number)
    except ValidationError:
        number = ""
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
        taken = Member.objects.filter(id_number=member.id_number).exclude(pk=member.pk)
        if check_taken and taken.exists():
            _add(errors, "id_number", _("该身份证号已登记为会员，不能重复登记。"))
    try:
        member.phone = phone.validate_mobile(member.phone)
    except ValidationError as exc:
        _add(errors, "phone", exc.messages[0])
    association = member.association if member.association_id else None
    if (
        association
        and association.dissolved_on
        and (member.pk is None or "association" in getattr(member, "_changed", ()))
    ):
        _add(errors, "association", _("该协会已撤销，不能登记会员。"))
    if member.group_id:
        group = member.group
        if group.association_id != member.association_id:
            _add(errors, "group", _("会员小组必须属于会员所在的协会。"))
        elif group.dissolved_on and (member.pk is None or "group" in member._changed):
            _add(errors, "group", _("该会员小组已撤销。"))
    if member.joined_on and member.birth_date and member.joined_on < member.birth_date:
        _add(errors, "joined_on", _("入会日期不能早于出生日期。"))
    _not_future(errors, "joined_on", member.joined_on)


@transaction.atomic
def member_register(
    *,
    association: Association,
    name: str,
    gender: str,
    birth_date: dt.date | None,
    id_number: str,
    joined_on: dt.date,
    group: MemberGroup | None = None,
    ethnicity: str = "汉族",
    phone: str = "",
    education: str = "",
    political_status: str = "",
    occupation: str = "",
    registration: str = Registration.LOCAL,
    is_volunteer: bool = False,
    is_publicity_worker: bool = False,
    is_industry_leader: bool = False,
    is_newlywed_recruit: bool = False,
    notes: str = "",
    within: Association | None = None,
) -> Member:
    """Register a member (会员登记) and open their first membership period.

    Members normally belong to village, community, enterprise or floating
    associations; officers of towns and counties are registered at those levels,
    so any level is accepted. `within` is the acting user's scope.
    `birth_date` or `gender` left empty are taken from the ID number.
    """
    errors: Errors = {}
    _check_scope(errors, association, within, "association")
    member = Member(
        association=association,
        group=group,
        name=name,
        gender=gender,
        birth_date=birth_date,
        ethnicity=ethnicity,
        id_number=id_number,
        phone=phone,
        education=education,
        political_status=political_status,
        occupation=(occupation or "").strip(),
        registration=registration,
        is_volunteer=is_volunteer,
        is_publicity_worker=is_publicity_worker,
        is_industry_leader=is_industry_leader,
        is_newlywed_recruit=is_newlywed_recruit,
        notes=notes,
        joined_on=joined_on,
        status=MemberStatus.ACTIVE,
    )
    member._changed = set(MEMBER_FIELDS)
    _validate_member(member, errors)
    _full_clean(member, errors, validate_unique=False)
    member.save()
    MembershipPeriod.objects.create(member=member, joined_on=joined_on)
    return member


@transaction.atomic
def member_update(*, member: Member, within: Association | None = None, **fields: Any) -> Member:
    """Edit a member's data. Status changes go through member_leave / member_rejoin.

    A changed `joined_on` corrects the start of the current membership period.
    Moving to another association drops a group that does not belong to it.
    """
    _unknown_fields(fields, MEMBER_FIELDS)
    errors: Errors = {}
    if "association" in fields:
        _check_scope(errors, fields["association"], within, "association")
        if fields["association"] != member.association and "group" not in fields:
            fields["group"] = None
    changed = [name for name, value in fields.items() if getattr(member, name) != value]
    for name in changed:
        setattr(member, name, fields[name])
    member._changed = set(changed)
    _validate_member(member, errors)
    period = member.periods.order_by("-joined_on").first()
    if "joined_on" in changed and period is not None:
        if period.left_on and member.joined_on > period.left_on:
            _add(errors, "joined_on", _("入会日期不能晚于离会日期。"))
        earlier = member.periods.exclude(pk=period.pk).filter(left_on__gte=member.joined_on)
        if earlier.exists():
            _add(errors, "joined_on", _("入会日期须晚于上一次离会日期。"))
    _full_clean(member, errors, validate_unique=False)
    if not changed:
        return member
    # The normalisers may have changed values the caller passed as-is.
    update_fields = {*changed, "id_number", "phone", "name", "birth_date", "gender", "updated_at"}
    member.save(update_fields=sorted(update_fields))
    if "joined_on" in changed and period is not None:
        period.joined_on = member.joined_on
        period.save(update_fields=["joined_on"])
    return member


@transaction.atomic
def member_leave(*, member: Member, left_on: dt.date, reason: str, note: str = "") -> Member:
    """Close the open membership period (劝退, 迁出, 死亡 …).

    The member's open officer posts and liaison pairs end the same day, and a
    group they led loses its leader: someone who left cannot hold them.
    """
    errors: Errors = {}
    period = member.periods.filter(left_on__isnull=True).order_by("-joined_on").first()
    if period is None or member.status != MemberStatus.ACTIVE:
        raise ValidationError({"left_on": _("该会员已离会。")})
    if reason not in LeaveReason.values:
        _add(errors, "reason", _("请选择离会原因。"))
    if left_on is None:
        _add(errors, "left_on", _("请填写离会日期。"))
    elif left_on < period.joined_on:
        _add(errors, "left_on", _("离会日期不能早于入会日期。"))
    _not_future(errors, "left_on", left_on)
    if errors:
        raise ValidationError(errors)
    period.left_on, period.leave_reason, period.note = left_on, reason, note.strip()[:200]
    period.save(update_fields=["left_on", "leave_reason", "note"])
    member.status, member.left_on, member.leave_reason = MemberStatus.LEFT, left_on, reason
    member.save(update_fields=["status", "left_on", "leave_reason", "updated_at"])
    # One UPDATE each; a post or pair starting after the leave date ends on its first day.
    ended_on = Greatest(F("started_on"), Value(left_on, output_field=models.DateField()))
    for queryset in (member.positions.all(), member.liaisons.all()):
        queryset.filter(ended_on__isnull=True).update(ended_on=ended_on)
    member.groups_led.update(leader=None)
    return member


@transaction.atomic
def member_rejoin(*, member: Member, joined_on: dt.date, note: str = "") -> Member:
    """Open a new membership period after the last one ended."""
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
    MembershipPeriod.objects.create(member=member, joined_on=joined_on, note=note.strip()[:200])
    member.status, member.joined_on = MemberStatus.ACTIVE, joined_on
    member.left_on, member.leave_reason = None, ""
    member.save(update_fields=["status", "joined_on", "left_on", "leave_reason", "updated_at"])
    return member


# ── member groups ─────────────────────────────────────────────────────────────


def _validate_group(group: MemberGroup, errors: Errors) -> None:
    group.name = (group.name or "").strip()
    if group.association_id and group.association.level not in MEMBER_GROUP_LEVELS:
        _add(errors, "association", _("会员小组只能设在村（居）、企业或流动人口协会下。"))
    same_name = MemberGroup.objects.filter(association_id=group.association_id, name=group.name)
    if group.name and same_name.exclude(pk=group.pk).exists():
        _add(errors, "name", _("本协会已有同名的会员小组。"))
    if group.leader_id:
        if group.leader.association_id != group.association_id:
            _add(errors, "leader", _("组长必须是本协会的会员。"))
        elif group.leader.status != MemberStatus.ACTIVE:
            _add(errors, "leader", _("组长必须是在册会员。"))
    if group.founded_on and group.dissolved_on and group.dissolved_on < group.founded_on:
        _add(errors, "dissolved_on", _("撤销日期不能早于成立日期。"))


def member_group_create(
    *,
    association: Association,
    name: str,
    leader: Member | None = None,
    founded_on: dt.date | None = None,
    within: Association | None = None,
) -> MemberGroup:
    errors: Errors = {}
    _check_scope(errors, association, within, "association")
    group = MemberGroup(association=association, name=name, leader=leader, founded_on=founded_on)
    _validate_group(group, errors)
    _full_clean(group, errors, validate_constraints=False)
    group.save()
    return group


def member_group_update(*, group: MemberGroup, **fields: Any) -> MemberGroup:
    """Rename, change the leader, or mark the group dissolved (its members keep their data)."""
    _unknown_fields(fields, ("name", "leader", "founded_on", "dissolved_on"))
    for name, value in fields.items():
        setattr(group, name, value)
    errors: Errors = {}
    _validate_group(group, errors)
    _full_clean(group, errors, validate_constraints=False)
    if fields:
        group.save(update_fields=sorted({*fields, "name"}))
    return group


# ── households ────────────────────────────────────────────────────────────────

_CATEGORY_BY_NAME = {label: flag for flag, label in HOUSEHOLD_CATEGORIES.items()}


def category_flags(categories: Iterable[str], errors: Errors) -> dict[str, bool]:
    """Every category flag set to whether it is listed (flag names or contract names)."""
    flags = dict.fromkeys(HOUSEHOLD_CATEGORIES, False)
    for raw in categories:
        value = str(raw).strip()
        flag = value if value in HOUSEHOLD_CATEGORIES else _CATEGORY_BY_NAME.get(value)
        if flag is None:
            _add(errors, "categories", _("未知的户类别：%(value)s。") % {"value": value})
        else:
            flags[flag] = True
    return flags


def _validate_household(household: Household, errors: Errors) -> None:
    household.code = (household.code or "").strip()
    household.head_name = (household.head_name or "").strip()
    if Household.objects.filter(code=household.code).exclude(pk=household.pk).exists():
        _add(errors, "code", _("户编码已被使用，请核对。"))
    if household.association_id and household.association.level not in HOUSEHOLD_LEVELS:
        _add(errors, "association", _("户只能登记在村（居）、企业或流动人口协会下。"))
    if household.size is not None and household.size < 1:
        _add(errors, "size", _("家庭人口至少为 1。"))
    if household.is_one_child and household.is_two_daughter:
        _add(errors, "categories", _("独生子女户与两女户不能同时勾选。"))
    if household.integrity_group_id and not household.is_floating:
        _add(errors, "categories", _("加入诚信小组的户必须是流动人口户。"))


def household_create(
    *,
    code: str,
    head_name: str,
    association: Association,
    size: int | None = None,
    address: str = "",
    categories: Iterable[str] = (),
    notes: str = "",
    within: Association | None = None,
) -> Household:
    """Register a household in care; categories are flag names or contract names."""
    errors: Errors = {}
    _check_scope(errors, association, within, "association")
    household = Household(
        code=code,
        head_name=head_name,
        association=association,
        size=size,
        address=(address or "").strip(),
        notes=notes,
        **category_flags(categories, errors),
    )
    _validate_household(household, errors)
    _full_clean(household, errors, validate_unique=False)
    household.save()
    return household


HOUSEHOLD_FIELDS = ("code", "head_name", "association", "size", "address", "notes", "categories")


def household_update(
    *, household: Household, within: Association | None = None, **fields: Any
) -> Household:
    """Edit a household; `categories` replaces all flags, single flags may also be passed."""
    _unknown_fields(fields, (*HOUSEHOLD_FIELDS, *HOUSEHOLD_CATEGORIES))
    errors: Errors = {}
    if "categories" in fields:
        fields.update(category_flags(fields.pop("categories"), errors))
    if "association" in fields:
        _check_scope(errors, fields["association"], within, "association")
        if fields["association"] != household.association and household.integrity_group_id:
            _add(errors, "association", _("该户属于诚信小组，请先从小组中移出再调整协会。"))
    changed = [name for name, value in fields.items() if getattr(household, name) != value]
    for name in changed:
        setattr(household, name, fields[name])
    _validate_household(household, errors)
    _full_clean(household, errors, validate_unique=False)
    if changed:
        household.save(update_fields=sorted({*changed, "code", "head_name"}))
    return household


def certificate_record(
    *, household: Household, kind: str, number: str = "", issued_on: dt.date | None = None
) -> HouseholdCertificate:
    """Record (or correct) the household's certificate of one kind."""
    certificate = HouseholdCertificate.objects.filter(household=household, kind=kind).first()
    certificate = certificate or HouseholdCertificate(household=household, kind=kind)
    certificate.number, certificate.issued_on = (number or "").strip(), issued_on
    errors: Errors = {}
    _not_future(errors, "issued_on", issued_on)
    _full_clean(certificate, errors, validate_constraints=False)
    certificate.save()
    return certificate


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


def _validate_integrity_group(
    group: IntegrityGroup, households: list[Household] | None, errors: Errors
) -> None:
    group.name = (group.name or "").strip()
    group.leader_name = (group.leader_name or "").strip()
    if group.association_id and group.association.level not in VILLAGE_LEVELS:
        _add(errors, "association", _("诚信小组只能设在村（居）协会下。"))
    same_name = IntegrityGroup.objects.filter(association_id=group.association_id, name=group.name)
    if group.name and same_name.exclude(pk=group.pk).exists():
        _add(errors, "name", _("本协会已有同名的诚信小组。"))
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


@transaction.atomic
def integrity_group_create(
    *,
    association: Association,
    name: str,
    leader_name: str,
    agreement_signed_on: dt.date | None = None,
    households: Iterable[Household] = (),
    within: Association | None = None,
) -> IntegrityGroup:
    """诚信小组: 5–10 floating households of one village under a guarantee agreement."""
    households = _fresh(households)
    errors: Errors = {}
    _check_scope(errors, association, within, "association")
    group = IntegrityGroup(
        association=association,
        name=name,
        leader_name=leader_name,
        agreement_signed_on=agreement_signed_on,
    )
    _validate_integrity_group(group, households, errors)
    _not_future(errors, "agreement_signed_on", agreement_signed_on)
    _full_clean(group, errors)
    group.save()
    Household.objects.filter(pk__in=[h.pk for h in households]).update(integrity_group=group)
    return group


@transaction.atomic
def integrity_group_update(
    *, group: IntegrityGroup, households: Iterable[Household] | None = None, **fields: Any
) -> IntegrityGroup:
    """Edit the group; `households`, when given, replaces its membership."""
    _unknown_fields(fields, ("name", "leader_name", "agreement_signed_on", "dissolved_on"))
    chosen = None if households is None else _fresh(households)
    for name, value in fields.items():
        setattr(group, name, value)
    errors: Errors = {}
    dissolving = group.dissolved_on is not None
    _validate_integrity_group(group, None if dissolving else chosen, errors)
    _not_future(errors, "agreement_signed_on", group.agreement_signed_on)
    _full_clean(group, errors)
    if fields:
        group.save(update_fields=sorted({*fields, "name", "leader_name"}))
    if chosen is not None:
        group.households.exclude(pk__in=[h.pk for h in chosen]).update(integrity_group=None)
        Household.objects.filter(pk__in=[h.pk for h in chosen]).update(integrity_group=group)
    return group


# ── officers ──────────────────────────────────────────────────────────────────


@transaction.atomic
def position_assign(
    *,
    member: Member,
    association: Association,
    title: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    term: int | None = None,
    is_fulltime: bool = False,
    background: str = "",
    cadre_rank: str = "",
    monthly_allowance: Decimal | int | str = 0,
    within: Association | None = None,
) -> OfficerPosition:
    """Give a member a post in an association's council (the association or one above theirs)."""
    errors: Errors = {}
    _check_scope(errors, association, within, "association")
    if not association.contains(member.association):
        _add(errors, "member", _("会员须属于该协会或其下级协会。"))
    if title == OfficerTitle.FULLTIME_VICE_CHAIR:
        is_fulltime = True
    position = OfficerPosition(
        member=member,
        association=association,
        title=title,
        term=term,
        started_on=started_on,
        ended_on=ended_on,
        is_fulltime=is_fulltime,
        background=background or "",
        cadre_rank=cadre_rank or "",
        monthly_allowance=monthly_allowance if monthly_allowance not in ("", None) else 0,
    )
    if started_on:
        _check_membership(
            errors, member, started_on, ended_on, "started_on", _("任职开始时该会员不在册。")
        )
        if ended_on and ended_on < started_on:
            _add(errors, "ended_on", _("任职结束日期不能早于开始日期。"))
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
    position.save()
    return position


POSITION_DETAILS = ("term", "is_fulltime", "background", "cadre_rank", "monthly_allowance")


def position_update(*, position: OfficerPosition, **fields: Any) -> OfficerPosition:
    """Correct a post's details: term, full-time, background, cadre rank, allowance.

    Holder, association, title and start are the post's identity: to change one,
    end the post and assign a new one.
    """
    _unknown_fields(fields, POSITION_DETAILS)
    changed = [name for name, value in fields.items() if getattr(position, name) != value]
    for name in changed:
        setattr(position, name, fields[name])
    errors: Errors = {}
    if position.title == OfficerTitle.FULLTIME_VICE_CHAIR and not position.is_fulltime:
        _add(errors, "is_fulltime", _("专职副会长必须是专职。"))
    _full_clean(position, errors, validate_constraints=False)
    if changed:
        position.save(update_fields=changed)
    return position


def position_end(*, position: OfficerPosition, ended_on: dt.date) -> OfficerPosition:
    """End a term of office (离任) on `ended_on`, the last day in office."""
    if ended_on is None:
        raise ValidationError({"ended_on": _("请填写任职结束日期。")})
    if ended_on < position.started_on:
        raise ValidationError({"ended_on": _("任职结束日期不能早于开始日期。")})
    position.ended_on = ended_on
    position.save(update_fields=["ended_on"])
    return position


# ── dues ──────────────────────────────────────────────────────────────────────


def dues_record(
    *,
    member: Member,
    year: int,
    amount: Decimal | int | str,
    paid_on: dt.date | None = None,
) -> DuesPayment:
    """Record a year's dues (会费); recording the same year again corrects it."""
    errors: Errors = {}
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        _add(errors, "amount", _("金额须为数字。"))
    else:
        if amount < 0:
            _add(errors, "amount", _("金额不能为负数。"))
    if not isinstance(year, int) or not 1950 <= year <= _today().year + 1:
        _add(errors, "year", _("年度无效。"))
    else:
        in_year = MembershipPeriod.objects.filter(
            Q(member=member),
            Q(joined_on__lte=dt.date(year, 12, 31)),
            Q(left_on__isnull=True) | Q(left_on__gt=dt.date(year, 1, 1)),
        )
        if not in_year.exists():
            _add(errors, "year", _("该会员在 %(year)s 年不在册。") % {"year": year})
    _not_future(errors, "paid_on", paid_on)
    if errors:
        raise ValidationError(errors)
    payment = DuesPayment.objects.filter(member=member, year=year).first()
    payment = payment or DuesPayment(member=member, year=year)
    payment.amount, payment.paid_on = amount, paid_on
    _full_clean(payment, errors, validate_constraints=False)
    payment.save()
    return payment


# ── liaison pairs ─────────────────────────────────────────────────────────────


def liaison_pair(
    *,
    member: Member,
    household: Household,
    started_on: dt.date,
    kind: str = LiaisonKind.HELP,
    ended_on: dt.date | None = None,
    contract_signed_on: dt.date | None = None,
    within: Association | None = None,
) -> LiaisonPair:
    """Pair a member with a household (会员联系户).

    The member must belong to the household's association, or hold a post on
    started_on in an association above it (a council member liaising in a village).
    """
    errors: Errors = {}
    _check_scope(errors, household.association, within, "household")
    _check_scope(errors, member.association, within, "member")
    pair = LiaisonPair(
        member=member,
        household=household,
        kind=kind,
        started_on=started_on,
        ended_on=ended_on,
        contract_signed_on=contract_signed_on,
    )
    if started_on and not errors:
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
        if ended_on and ended_on < started_on:
            _add(errors, "ended_on", _("结束日期不能早于开始日期。"))
        same = LiaisonPair.objects.filter(member=member, household=household)
        if _overlapping(same, started_on, ended_on).exists():
            _add(
                errors,
                "household",
                _("%(name)s 已在联系“%(household)s”。")
                % {"name": member.name, "household": household},
            )
    _not_future(errors, "contract_signed_on", contract_signed_on)
    _full_clean(pair, errors, validate_constraints=False)
    pair.save()
    return pair


def liaison_end(*, pair: LiaisonPair, ended_on: dt.date) -> LiaisonPair:
    """End a liaison pair on `ended_on` (its last day)."""
    if ended_on is None:
        raise ValidationError({"ended_on": _("请填写结束日期。")})
    if pair.ended_on is not None:
        raise ValidationError({"ended_on": _("该联系关系已结束。")})
    if ended_on < pair.started_on:
        raise ValidationError({"ended_on": _("结束日期不能早于开始日期。")})
    pair.ended_on = ended_on
    pair.save(update_fields=["ended_on"])
    return pair


def liaison_update(
    *, pair: LiaisonPair, kind: str | None = None, contract_signed_on: dt.date | None = None
) -> LiaisonPair:
    """Change how a pair works (its kind) or record the contract signed for it."""
    errors: Errors = {}
    changed = []
    if kind is not None and kind != pair.kind:
        pair.kind = kind
        changed.append("kind")
    if contract_signed_on != pair.contract_signed_on:
        if contract_signed_on is not None and contract_signed_on < pair.started_on:
            _add(errors, "contract_signed_on", _("合同签订日期不能早于开始日期。"))
        _not_future(errors, "contract_signed_on", contract_signed_on)
        pair.contract_signed_on = contract_signed_on
        changed.append("contract_signed_on")
    _full_clean(pair, errors, validate_constraints=False)
    if changed:
        pair.save(update_fields=changed)
    return pair


@transaction.atomic
def liaison_pair_many(
    *,
    member: Member,
    households: Iterable[Household],
    started_on: dt.date,
    kind: str = LiaisonKind.HELP,
    contract_signed_on: dt.date | None = None,
    within: Association | None = None,
) -> list[LiaisonPair]:
    """Pair one member with several households in one go: all are paired, or none."""
    households = list(households)
    if not households:
        raise ValidationError({"households": _("请至少选择一户。")})
    pairs, errors = [], {}
    for household in households:
        try:
            with transaction.atomic():
                pairs.append(
                    liaison_pair(
                        member=member,
                        household=household,
                        started_on=started_on,
                        kind=kind,
                        contract_signed_on=contract_signed_on,
                        within=within,
                    )
                )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    _add(errors, field, message)
    if errors:
        raise ValidationError(errors)
    return pairs


# ── Bulk import ───────────────────────────────────────────────────────────────

_REGISTER_DEFAULTS: dict[str, Any] = {
    "group": None,
    "birth_date": None,
    "gender": "",
    "ethnicity": "汉族",
    "phone": "",
    "education": "",
    "political_status": "",
    "occupation": "",
    "registration": Registration.LOCAL,
    "is_volunteer": False,
    "is_publicity_worker": False,
    "is_industry_leader": False,
    "is_newlywed_recruit": False,
    "notes": "",
}


def _registered_id_numbers(numbers: list[str], batch: int = 1000) -> set[str]:
    """Which of these ID numbers are already members (one query per thousand)."""
    wanted = sorted({number for number in numbers if number})
    taken: set[str] = set()
    for start in range(0, len(wanted), batch):
        chunk = wanted[start : start + batch]
        found = Member.objects.filter(id_number__in=chunk).values_list("id_number", flat=True)
        taken.update(found)
    return taken


@transaction.atomic
def members_import_rows(
    *, rows: list[dict[str, Any]], within: Association | None = None
) -> list[Errors]:
    """Register many members at once (spreadsheet imports of 100,000 rows).

    Each row holds member_register's arguments (association and group as loaded
    objects), plus `left_on` and `leave_reason` for a member who has already left.
    The checks are member_register's and member_leave's; the writes are two bulk
    inserts. Returns one error dict per row ({} when fine) and writes nothing
    unless every row is fine.
    """
    results: list[Errors] = []
    members: list[Member] = []
    seen: set[str] = set()
    for data in rows:
        data = dict(data)
        left_on, reason = data.pop("left_on", None), data.pop("leave_reason", "") or ""
        _unknown_fields(data, MEMBER_FIELDS)
        errors: Errors = {}
        _check_scope(errors, data.get("association"), within, "association")
        member = Member(**{**_REGISTER_DEFAULTS, **data}, status=MemberStatus.ACTIVE)
        member.occupation = (member.occupation or "").strip()
        member._changed = set(MEMBER_FIELDS)
        _validate_member(member, errors, check_taken=False)
        if member.id_number in seen:
            _add(errors, "id_number", _("该身份证号在本批中重复。"))
        seen.add(member.id_number)
        if left_on is not None or reason:
            if reason not in LeaveReason.values:
                _add(errors, "reason", _("请选择离会原因。"))
            if left_on is None:
                _add(errors, "left_on", _("请填写离会日期。"))
            elif member.joined_on and left_on < member.joined_on:
                _add(errors, "left_on", _("离会日期不能早于入会日期。"))
            _not_future(errors, "left_on", left_on)
            member.status, member.left_on, member.leave_reason = MemberStatus.LEFT, left_on, reason
        try:
            # The caller passes loaded association and group objects: no per-row FK queries.
            member.full_clean(exclude=[*errors, "association", "group"], validate_unique=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    _add(errors, field, message)
        results.append(errors)
        members.append(member)
    taken = _registered_id_numbers([member.id_number for member in members])
    for member, errors in zip(members, results, strict=True):
        if member.id_number in taken:
            _add(errors, "id_number", _("该身份证号已登记为会员，不能重复登记。"))
    if any(results):
        return results
    Member.objects.bulk_create(members, batch_size=500)
    MembershipPeriod.objects.bulk_create(
        [
            MembershipPeriod(
                member=member,
                joined_on=member.joined_on,
                left_on=member.left_on,
                leave_reason=member.leave_reason,
            )
            for member in members
        ],
        batch_size=500,
    )
    return results
