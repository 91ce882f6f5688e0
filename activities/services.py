"""Writes to the association's work records. Views, admin, imports and the demo call these.

Every function is keyword-only and takes its actor `by`: the role and the scope are
checked from it (`require`), and the record's history names it. A chosen association,
household, member, project or event outside the actor's scope is a ValidationError on
that field. Each record kind declares its fields once (`EventFields` …): create takes
them, update takes any of them (only those passed change, None clears an optional one)
and the version the user's form was read at (`model_update` refuses a stale save).

Related sets — event materials, co-organisers and attendees, project funding, an
assessment's item scores — are written here and count as a change of their record: a
new version and one history entry whose reason says what they became.

What happened cannot be dated after today (`_validated`): events, aid, ledger lines,
awards, assessments and self-governance refuse a future date or year on its field.

Nothing is deleted: `<kind>_withdraw` (作废, with a reason) and `<kind>_restore`.
- A project cannot be withdrawn while it has live aid (withdraw the aid first, one by
  one: aid is money given to a household and is answered for on its own); aid of a
  withdrawn project cannot be restored until the project is.
- An event or a project that live ledger lines refer to cannot be withdrawn until those
  lines refer to another one or are withdrawn (the money was spent; it stays accounted
  for); such a line cannot be restored while its event or project is withdrawn.
- A record whose natural key a live record has taken since (the same household, day and
  kind of aid; the same association, year and checklist …) cannot be restored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict, TypeVar, Unpack

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association, User, Withdrawable
from associations.permissions import require
from associations.records import (
    bump_version,
    check_version,
    field_names,
    model_update,
    record_restore,
    record_save,
    record_withdraw,
)
from members.models import Household, Member, MemberGroup

from . import scoring
from .models import (
    AWARDEES,
    Aid,
    Assessment,
    AssessmentGroup,
    AssessmentItem,
    AssessmentScore,
    AssessmentTemplate,
    Award,
    Event,
    EventMaterial,
    FundSource,
    LedgerEntry,
    MaterialKind,
    Project,
    ProjectFunding,
    SelfGovernance,
    ThresholdUnit,
    shown_number,
)

M = TypeVar("M", bound=models.Model)
Amount = Decimal | int | str

# The history keeps a change reason of at most this many characters (django-simple-history).
REASON_LENGTH = 100


# ── Shared ────────────────────────────────────────────────────────────────────
def _normalised(model: type[models.Model], fields: Mapping[str, Any]) -> dict[str, Any]:
    """Text stripped; None for a text field that cannot be null is the empty text."""
    cleaned = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        elif value is None:
            field = model._meta.get_field(name)
            if isinstance(field, models.CharField | models.TextField) and not field.null:
                value = ""
        cleaned[name] = value
    return cleaned


# What happened cannot be dated after today: these dates and years are refused in the
# future. A project may be planned ahead (it is registered before it starts), so its
# dates are not listed.
HAPPENED_ON: dict[type[models.Model], tuple[str, ...]] = {
    Event: ("started_on", "ended_on"),
    Aid: ("given_on",),
    LedgerEntry: ("date",),
    Assessment: ("assessed_on",),
    SelfGovernance: ("charter_adopted_on",),
}
HAPPENED_IN: dict[type[models.Model], tuple[str, ...]] = {
    Award: ("year",),
    Assessment: ("year",),
    SelfGovernance: ("year",),
}


def _label(instance: models.Model, name: str) -> str:
    return str(instance._meta.get_field(name).verbose_name)


def _dated_in_future(instance: models.Model) -> dict[str, list[str]]:
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    for name in HAPPENED_ON.get(type(instance), ()):
        value = getattr(instance, name)
        if isinstance(value, dt.date) and value > today:
            errors[name] = [
                _("%(label)s %(value)s 晚于今天（%(today)s）：已经发生的事不能登记在将来。")
                % {"label": _label(instance, name), "value": value, "today": today}
            ]
    for name in HAPPENED_IN.get(type(instance), ()):
        value = getattr(instance, name)
        if isinstance(value, int) and value > today.year:
            errors[name] = [
                _("%(label)s %(value)s 晚于今年（%(year)s）：已经发生的事不能登记在将来。")
                % {"label": _label(instance, name), "value": value, "year": today.year}
            ]
    return errors


def _validated(instance: models.Model, changed: Sequence[str] = ()) -> None:
    """The model's own checks, and nothing that happened dated after today; every error
    at once. Every kind validates through this (`model_update(validate=...)`)."""
    errors = _dated_in_future(instance)
    try:
        instance.full_clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _require_chosen(by: User, obj: models.Model | None, field: str) -> None:
    """A record the user picked: they may write there, it is in their scope and it is live."""
    require(by, "records.change", obj, field=field)
    if isinstance(obj, Withdrawable) and obj.is_withdrawn:
        raise ValidationError({field: _("“%(name)s”已作废，不能选用。") % {"name": obj}})


def _require_choices(by: User, fields: Mapping[str, Any], *names: str) -> None:
    """Each of these picked records that is given: see `_require_chosen`."""
    for name in names:
        if fields.get(name) is not None:
            _require_chosen(by, fields[name], name)


def _require_all_chosen(by: User, objects: Sequence[M], field: str) -> None:
    """A picked set in one query: the first one outside the actor's scope is reported."""
    if not objects:
        return
    queryset = type(objects[0])._default_manager.filter(pk__in=[obj.pk for obj in objects])
    stray = queryset.exclude(pk__in=queryset.visible_to(by).values("pk")).first()
    if stray is not None:
        raise ValidationError({field: _("“%(name)s”不在您的管辖范围内。") % {"name": stray}})


def _decimal(value: Amount, field: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("“%(value)s”不是有效的金额。") % {"value": value}}) from exc


def _saved(
    instance: M,
    data: Mapping[str, Any],
    *,
    by: User,
    related: Sequence[str] = (),
    validate: Callable[[M, list[str]], None] | None = None,
) -> M:
    """Save the changed own fields; related rows written just before (`related`: what they
    became, in words) make a new version and history entry even when nothing else changed."""
    if related:
        instance._change_reason = "；".join(related)[:REASON_LENGTH]
    instance, changed = model_update(
        instance=instance, data=data, by=by, validate=validate or _validated
    )
    if related and not changed:
        bump_version(instance, by=by)
    instance.__dict__.pop("_change_reason", None)
    return instance


def _replace_rows(
    *,
    by: User,
    stored: Iterable[M],
    key: str,
    wanted: Mapping[str, Mapping[str, Any]],
    make: Callable[[str], M],
) -> bool:
    """Make a record's child rows (materials, funding) match `wanted` {key: values}, each
    write in their own history; whether anything changed. A row no longer wanted (none
    handed out) is removed: it is a part of its record, whose history says what it became."""
    current = {getattr(row, key): row for row in stored}
    changed = False
    for value, row in current.items():
        if value not in wanted:
            row._history_user = by
            row.delete()
            changed = True
    for value, values in wanted.items():
        row = current.get(value) or make(value)
        if row.pk is None or any(getattr(row, name) != v for name, v in values.items()):
            for name, v in values.items():
                setattr(row, name, v)
            record_save(row, by=by)
            changed = True
    return changed


def _set_related(manager, objects: Sequence[models.Model]) -> bool:
    """Set a many-to-many set; whether it changed."""
    if {obj.pk for obj in manager.all()} == {obj.pk for obj in objects}:
        return False
    manager.set(objects)
    return True


def _became(label: str, shown: str) -> str:
    return _("%(label)s改为：%(shown)s") % {"label": label, "shown": shown or "—"}


def _withdraw(
    instance: Withdrawable,
    *,
    by: User,
    reason: str,
    used_by: Sequence[tuple[models.QuerySet, str]] = (),
) -> None:
    """Withdraw, unless live records (`used_by`: aid, ledger lines, and what they are
    called) still refer to it."""
    require(by, "records.withdraw", instance)
    for users, what in used_by:
        if count := users.count():
            raise ValidationError(
                _("还有 %(n)s 条未作废的%(what)s关联“%(name)s”，请先作废它们或改为关联其他记录。")
                % {"n": count, "what": what, "name": instance}
            )
    record_withdraw(instance=instance, by=by, reason=reason)


def _restore(
    instance: M,
    *,
    by: User,
    references: Sequence[str] = (),
    validate: Callable[[M, list[str]], None] | None = None,
) -> None:
    """Restore, unless a record it refers to is withdrawn or it no longer validates as a
    live record (a live one has taken its natural key since)."""
    require(by, "records.withdraw", instance)
    for name in references:
        related = getattr(instance, name)
        if isinstance(related, Withdrawable) and related.is_withdrawn:
            label = instance._meta.get_field(name).verbose_name
            raise ValidationError(
                _("%(label)s“%(name)s”已作废，请先恢复它。") % {"label": label, "name": related}
            )
    withdrawn_at = instance.withdrawn_at
    instance.withdrawn_at = None  # checked as it will be once restored
    try:
        (validate or _validated)(instance, [])
    finally:
        instance.withdrawn_at = withdrawn_at
    record_restore(instance=instance, by=by)


# ── Events 活动 ────────────────────────────────────────────────────────────────
class EventFields(TypedDict, total=False):
    association: Association
    type: str
    title: str
    started_on: dt.date
    ended_on: dt.date | None
    place: str
    participants: int
    cost: Decimal
    screened: int | None
    cases_found: int | None
    training_sessions: int | None
    training_days: Decimal | None
    trainees: int | None
    description: str


EVENT_FIELDS = field_names(EventFields)


def _material_rows(materials: Mapping[str, int | None]) -> dict[str, dict[str, int]]:
    """{kind: quantity} checked; kinds with none handed out are left out."""
    rows = {}
    for kind, quantity in materials.items():
        if kind not in MaterialKind.values:
            raise ValidationError({"materials": _("未知的资料类别“%(kind)s”。") % {"kind": kind}})
        try:
            quantity = int(quantity or 0)
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                {"materials": _("%(kind)s的数量“%(q)s”不是整数。") % {"kind": kind, "q": quantity}}
            ) from exc
        if quantity < 0:
            raise ValidationError(
                {"materials": _("%(kind)s的数量不能为负数。") % {"kind": MaterialKind(kind).label}}
            )
        if quantity:
            rows[kind] = {"quantity": quantity}
    return rows


def _check_event_sets(
    by: User,
    organiser: Association,
    co_organisers: Sequence[Association] | None,
    attendees: Sequence[Member] | None,
) -> None:
    if co_organisers is not None:
        if any(a.pk == organiser.pk for a in co_organisers):
            raise ValidationError({"co_organisers": _("主办协会不能同时作为协办单位。")})
        _require_all_chosen(by, co_organisers, "co_organisers")
    if attendees:
        _require_all_chosen(by, attendees, "attendees")
        pks = [m.pk for m in attendees]
        stray = Member.objects.filter(pk__in=pks).exclude(
            association__path__startswith=organiser.path
        )
        if stray.exists():
            raise ValidationError(
                {
                    "attendees": _("参加会员“%(name)s”不是“%(association)s”及其下级协会的会员。")
                    % {"name": stray.first(), "association": organiser.name}
                }
            )


def _write_event_sets(
    event: Event,
    *,
    by: User,
    co_organisers: Sequence[Association] | None,
    attendees: Sequence[Member] | None,
    materials: dict[str, dict[str, int]] | None,
) -> list[str]:
    """Write the sets given (None: leave alone); what changed, in words."""
    changes = []
    if co_organisers is not None and _set_related(event.co_organisers, co_organisers):
        names = "、".join(a.name for a in co_organisers)
        changes.append(_became(_("协办单位"), names))
    if attendees is not None and _set_related(event.attendees, attendees):
        changes.append(_became(_("参加会员"), _("%(n)s 人") % {"n": len(attendees)}))
    if materials is not None and _replace_rows(
        by=by,
        stored=event.materials.all(),
        key="kind",
        wanted=materials,
        make=lambda kind: EventMaterial(event=event, kind=kind),
    ):
        shown = "、".join(f"{MaterialKind(k).label} {v['quantity']}" for k, v in materials.items())
        changes.append(_became(_("发放资料"), shown))
    return changes


@transaction.atomic
def event_create(
    *,
    by: User,
    co_organisers: Iterable[Association] = (),
    attendees: Iterable[Member] = (),
    materials: Mapping[str, int | None] | None = None,
    **fields: Unpack[EventFields],
) -> Event:
    """Record an event with what it reached (materials as {kind: quantity}) and cost."""
    fields = _normalised(Event, fields)
    _require_chosen(by, fields.get("association"), "association")
    event = Event(**fields)
    _validated(event)
    co_organisers, attendees = list(co_organisers), list(attendees)
    _check_event_sets(by, event.association, co_organisers, attendees)
    rows = _material_rows(materials or {})
    record_save(event, by=by)
    _write_event_sets(
        event, by=by, co_organisers=co_organisers, attendees=attendees, materials=rows
    )
    return event


@transaction.atomic
def event_update(
    *,
    by: User,
    event: Event,
    version: int | None = None,
    co_organisers: Iterable[Association] | None = None,
    attendees: Iterable[Member] | None = None,
    materials: Mapping[str, int | None] | None = None,
    **fields: Unpack[EventFields],
) -> Event:
    """Edit an event; a related set passed (even empty) replaces the stored one."""
    require(by, "records.change", event)
    check_version(event, version)
    fields = _normalised(Event, fields)
    _require_choices(by, fields, "association")
    organiser = fields.get("association") or event.association
    co_organisers = list(co_organisers) if co_organisers is not None else None
    attendees = list(attendees) if attendees is not None else None
    if attendees is None and organiser != event.association:
        # The attendees stay: they must still belong under the new organiser.
        _check_event_sets(by, organiser, None, list(event.attendees.all()))
    _check_event_sets(by, organiser, co_organisers, attendees)
    rows = _material_rows(materials) if materials is not None else None
    related = _write_event_sets(
        event, by=by, co_organisers=co_organisers, attendees=attendees, materials=rows
    )
    return _saved(event, fields, by=by, related=related)


def event_withdraw(*, by: User, event: Event, reason: str) -> Event:
    _withdraw(event, by=by, reason=reason, used_by=[(event.ledgerentry_set.all(), _("经费收支"))])
    return event


def event_restore(*, by: User, event: Event) -> Event:
    _restore(event, by=by)
    return event


# ── Projects 项目 ──────────────────────────────────────────────────────────────
class ProjectFields(TypedDict, total=False):
    code: str
    association: Association
    kind: str
    name: str
    started_on: dt.date
    ended_on: dt.date | None
    funds_raised: Decimal
    funds_spent: Decimal
    households_out_of_poverty: int
    jobs_created: int
    fixed_assets: Decimal
    output_value: Decimal
    tax_paid: Decimal
    description: str


PROJECT_FIELDS = field_names(ProjectFields)
Funding = Mapping[str, tuple[Amount, Amount]]
FundingRows = dict[str, dict[str, Decimal]]


def _funding_rows(funding: Funding) -> FundingRows:
    """{source: (raised, spent)} checked; sources with neither are left out."""
    rows = {}
    for source, amounts in funding.items():
        if source not in FundSource.values:
            raise ValidationError({"funding": _("未知的资金来源“%(s)s”。") % {"s": source}})
        raised, spent = (_decimal(a or 0, "funding") for a in amounts)
        if raised < 0 or spent < 0:
            raise ValidationError(
                {"funding": _("%(s)s的金额不能为负数。") % {"s": FundSource(source).label}}
            )
        if raised or spent:
            rows[source] = {"raised": raised, "spent": spent}
    return rows


def _with_totals(fields: dict[str, Any], rows: FundingRows, project: Project | None) -> None:
    """A breakdown by source fills zero totals; totals given otherwise must agree with it."""
    errors = {}
    for name, part, label in (
        ("funds_raised", "raised", _("筹集")),
        ("funds_spent", "spent", _("支出")),
    ):
        total = sum((row[part] for row in rows.values()), Decimal(0))
        given = _decimal(fields.get(name, getattr(project, name, 0)), name)
        if given == 0:
            fields[name] = total
        elif given != total:
            errors[name] = _("按来源填写的%(label)s合计 %(sum)s 元与总额 %(total)s 元不一致。") % {
                "label": label,
                "sum": total,
                "total": given,
            }
    if errors:
        raise ValidationError(errors)


def _validate_project(project: Project, changed: list[str]) -> None:
    _validated(project)
    taken = Project.all_objects.filter(code=project.code).exclude(pk=project.pk).first()
    if taken is not None and taken.is_withdrawn:
        # The database keeps codes unique across withdrawn projects too.
        raise ValidationError(
            {
                "code": _(
                    "项目编码“%(code)s”属于已作废的项目“%(name)s”，请恢复该项目或换一个编码。"
                )
                % {"code": project.code, "name": taken.name}
            }
        )
    if project.pk is None or not {"association", "started_on", "ended_on"} & set(changed):
        return
    outside = project.aid.exclude(household__association__path__startswith=project.association.path)
    if outside.exists():
        raise ValidationError(
            {
                "association": _("本项目已有帮扶记录的受助户不在“%(name)s”的范围内。")
                % {"name": project.association.name}
            }
        )
    dates = project.aid.aggregate(first=models.Min("given_on"), last=models.Max("given_on"))
    if dates["first"] and (
        dates["first"] < project.started_on
        or (project.ended_on and dates["last"] > project.ended_on)
    ):
        raise ValidationError({"started_on": _("本项目已有帮扶记录的日期不在新的实施期内。")})


def _write_funding(project: Project, rows: FundingRows, *, by: User) -> list[str]:
    if not _replace_rows(
        by=by,
        stored=project.funding.all(),
        key="source",
        wanted=rows,
        make=lambda source: ProjectFunding(project=project, source=source),
    ):
        return []
    shown = "、".join(f"{FundSource(s).label} {r['raised']}/{r['spent']}" for s, r in rows.items())
    return [_became(_("资金来源"), shown)]


@transaction.atomic
def project_create(
    *, by: User, funding: Funding | None = None, **fields: Unpack[ProjectFields]
) -> Project:
    """Register a project; `funding` is {source: (raised, spent)} and fills zero totals."""
    fields = _normalised(Project, fields)
    _require_chosen(by, fields.get("association"), "association")
    rows = _funding_rows(funding or {})
    if rows:
        _with_totals(fields, rows, None)
    project = Project(**fields)
    _validate_project(project, [])
    record_save(project, by=by)
    _write_funding(project, rows, by=by)
    return project


@transaction.atomic
def project_update(
    *,
    by: User,
    project: Project,
    version: int | None = None,
    funding: Funding | None = None,
    **fields: Unpack[ProjectFields],
) -> Project:
    """Edit a project. Its totals always agree with its breakdown by source (the one given,
    else the stored one); moving it or changing its period must keep its aid inside."""
    require(by, "records.change", project)
    check_version(project, version)
    fields = _normalised(Project, fields)
    _require_choices(by, fields, "association")
    if funding is not None:
        rows = _funding_rows(funding)
    else:
        rows = {f.source: {"raised": f.raised, "spent": f.spent} for f in project.funding.all()}
    if rows and (funding is not None or {"funds_raised", "funds_spent"} & set(fields)):
        _with_totals(fields, rows, project)
    related = _write_funding(project, rows, by=by) if funding is not None else []
    return _saved(project, fields, by=by, related=related, validate=_validate_project)


def project_withdraw(*, by: User, project: Project, reason: str) -> Project:
    used_by = [(project.aid.all(), _("帮扶记录")), (project.ledgerentry_set.all(), _("经费收支"))]
    _withdraw(project, by=by, reason=reason, used_by=used_by)
    return project


def project_restore(*, by: User, project: Project) -> Project:
    _restore(project, by=by)
    return project


# ── Aid 帮扶 ───────────────────────────────────────────────────────────────────
class AidFields(TypedDict, total=False):
    household: Household
    project: Project | None
    given_on: dt.date
    kind: str
    amount: Decimal
    provider: str
    note: str


AID_FIELDS = field_names(AidFields)


def _validate_aid(aid: Aid, changed: list[str]) -> None:
    _validated(aid)
    if aid.project_id is None:
        # The natural-key constraint cannot see a missing project (NULL), so check here.
        twin = Aid.objects.filter(
            household=aid.household_id,
            given_on=aid.given_on,
            kind=aid.kind,
            project__isnull=True,
            provider=aid.provider,
        ).exclude(pk=aid.pk)
        if twin.exists():
            raise ValidationError({"given_on": _("该户当天已有同一单位、同一方式的帮扶记录。")})


def aid_give(*, by: User, **fields: Unpack[AidFields]) -> Aid:
    """Record aid to one household, within a project (inside its subtree) or from a provider."""
    fields = _normalised(Aid, fields)
    _require_chosen(by, fields.get("household"), "household")
    _require_choices(by, fields, "project")
    aid = Aid(**fields)
    _validate_aid(aid, [])
    return record_save(aid, by=by)


@transaction.atomic
def aid_update(
    *, by: User, aid: Aid, version: int | None = None, **fields: Unpack[AidFields]
) -> Aid:
    require(by, "records.change", aid)
    fields = _normalised(Aid, fields)
    _require_choices(by, fields, "household", "project")
    aid, _changed = model_update(
        instance=aid, data=fields, by=by, version=version, validate=_validate_aid
    )
    return aid


def aid_withdraw(*, by: User, aid: Aid, reason: str) -> Aid:
    _withdraw(aid, by=by, reason=reason)
    return aid


def aid_restore(*, by: User, aid: Aid) -> Aid:
    _restore(aid, by=by, references=("household", "project"), validate=_validate_aid)
    return aid


# ── Awards 表彰 ────────────────────────────────────────────────────────────────
class AwardFields(TypedDict, total=False):
    """What an award is (editable after granting)."""

    year: int
    level: str
    title: str
    awarding_body: str


class AwardGrantFields(AwardFields, total=False):
    """… and its one recipient, fixed once granted (withdraw and grant again to change it):
    an association alone, or one awardee below it: a member group, a member, a household,
    or a person outside the member register named under the association."""

    association: Association | None
    member_group: MemberGroup | None
    member: Member | None
    household: Household | None
    person_name: str


AWARD_FIELDS = field_names(AwardFields)
AWARD_GRANT_FIELDS = field_names(AwardGrantFields)
RECIPIENTS = ("association", *AWARDEES)


def award_grant(*, by: User, **fields: Unpack[AwardGrantFields]) -> Award:
    """An award to exactly one recipient: an association, a member group, a member, a
    household, or a person outside the register (named, under `association`).

    The award's association is the recipient association or the recipient's association
    (given again it must be that one: a form picks the group under its association), so
    awards roll up with everything else.
    """
    fields = _normalised(Award, fields)
    association = fields.pop("association", None)
    awardees = {name: value for name in AWARDEES if (value := fields.pop(name, None))}
    if len(awardees) > 1:
        message = _("获奖对象只能是协会、会员小组、会员、家庭或个人中的一个。")
        raise ValidationError(dict.fromkeys(awardees, message))
    if association is not None:
        _require_chosen(by, association, "association")
    field, below = next(iter(awardees.items()), ("", None))
    if isinstance(below, models.Model):
        _require_chosen(by, below, field)
        if association is not None and association != below.association:
            raise ValidationError(
                {
                    "association": _("获奖协会须为“%(name)s”所在的协会“%(association)s”，或留空。")
                    % {"name": below, "association": below.association.name},
                    field: _("“%(name)s”属于协会“%(association)s”，与所填获奖协会不一致。")
                    % {"name": below, "association": below.association.name},
                }
            )
        association = below.association
    if association is None:
        require(by, "records.change")
        message = (
            _("请指定获奖个人所在的获奖协会。")
            if field == "person_name"
            else _("请指定获奖对象：协会、会员小组、会员、家庭或个人之一。")
        )
        raise ValidationError({"association": message})
    award = Award(**{**fields, **awardees, "association": association})
    _validated(award)
    return record_save(award, by=by)


def award_update(
    *, by: User, award: Award, version: int | None = None, **fields: Unpack[AwardFields]
) -> Award:
    require(by, "records.change", award)
    fields = _normalised(Award, fields)
    award, _changed = model_update(
        instance=award, data=fields, by=by, version=version, validate=_validated
    )
    return award


def award_withdraw(*, by: User, award: Award, reason: str) -> Award:
    _withdraw(award, by=by, reason=reason)
    return award


def award_restore(*, by: User, award: Award) -> Award:
    _restore(award, by=by)
    return award


# ── Assessments 考核 ───────────────────────────────────────────────────────────
class AssessmentFields(TypedDict, total=False):
    association: Association
    year: int
    assessed_on: dt.date | None
    note: str


ASSESSMENT_FIELDS = field_names(AssessmentFields)


@dataclass(frozen=True)
class ItemScore:
    """An item's score and the evidence for it (评分依据)."""

    score: Amount | None
    evidence: str = ""


# Scores given, by item number: an ItemScore, or a bare amount (the evidence stays).
Scores = Mapping[int, ItemScore | Amount | None]
# Scores stored, by item pk: (score, evidence); an item without one scored 0.
Stored = dict[int, tuple[Decimal, str]]
UNSCORED = (Decimal(0), "")
EVIDENCE_LENGTH = 200


def _template(template: AssessmentTemplate | str | None) -> AssessmentTemplate:
    if isinstance(template, AssessmentTemplate):
        return template
    found = AssessmentTemplate.objects.filter(Q(code=template) | Q(name=template)).first()
    if found is None:
        raise ValidationError({"template": _("没有名为“%(t)s”的考核模板。") % {"t": template}})
    return found


def _items_of(template: AssessmentTemplate) -> list[AssessmentItem]:
    return list(template.items.select_related("group"))


def _numbers(values: Iterable[Any], field: str, template: AssessmentTemplate, known) -> set[int]:
    """Item numbers of the template, or an error on `field` naming those it lacks."""
    try:
        numbers = {int(n) for n in values}
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: _("考核项须填写序号（数字）。")}) from exc
    unknown = sorted(numbers - set(known))
    if unknown:
        raise ValidationError(
            {
                field: _("“%(t)s”没有第 %(n)s 项（共 %(total)s 项）。")
                % {"t": template.name, "n": "、".join(map(str, unknown)), "total": len(known)}
            }
        )
    return numbers


def _score_of(item: AssessmentItem, value: Amount | None, evidence: str) -> tuple[Decimal, str]:
    """A score within the item's points (an indicator item: 0 or its points)."""
    score = _decimal(value or 0, "scores")
    if not score.is_finite():
        raise ValidationError({"scores": _("“%(value)s”不是有效的分数。") % {"value": value}})
    named = {
        "n": item.number,
        "text": item.text,
        "points": shown_number(item.points),
        "score": shown_number(score),
    }
    if score != scoring.rounded(score):
        message = _("第 %(n)s 项的得分 %(score)s 最多保留两位小数。")
    elif not 0 <= score <= item.points:
        message = _("第 %(n)s 项“%(text)s”的得分须在 0–%(points)s 分之间（填写的是 %(score)s）。")
    elif item.from_indicator and score not in (0, item.points):
        message = _("第 %(n)s 项按指标计分，只能得 0 分或 %(points)s 分（填写的是 %(score)s）。")
    elif len(evidence) > EVIDENCE_LENGTH:
        message = _("第 %(n)s 项的评分依据不能超过 200 字。")
    else:
        return score, evidence
    raise ValidationError({"scores": message % named})


def _rescored(
    template: AssessmentTemplate,
    items: list[AssessmentItem],
    stored: Stored,
    items_met: Iterable[int] | None,
    scores: Scores | None,
) -> Stored:
    """The scores an assessment will have. `items_met` (the whole list met, as on a
    checklist) gives every item its full points or 0; `scores` then sets the items it
    names. An item named by neither keeps its score, and every item its evidence unless
    an ItemScore gives one."""
    by_number = {item.number: item for item in items}
    wanted = dict(stored)
    if items_met is not None:
        met = _numbers(items_met, "items_met", template, by_number)
        for item in items:
            score = item.points if item.number in met else Decimal(0)
            wanted[item.pk] = (score, stored.get(item.pk, UNSCORED)[1])
    for number, value in (scores or {}).items():
        [number] = _numbers([number], "scores", template, by_number)
        item = by_number[number]
        evidence = stored.get(item.pk, UNSCORED)[1]
        if isinstance(value, ItemScore):
            value, evidence = value.score, (value.evidence or "").strip()
        wanted[item.pk] = _score_of(item, value, evidence)
    return wanted


def _results(template: AssessmentTemplate, items: list[AssessmentItem], wanted: Stored) -> dict:
    """The total, grade and `passed` of these scores."""
    total = scoring.total(scoring.sections(items, {pk: s for pk, (s, _e) in wanted.items()}))
    return {
        "total_score": total,
        "grade": template.grade_for(total),
        "passed": template.passes(total),
    }


def _stored_scores(assessment: Assessment) -> Stored:
    return {row.item_id: (row.score, row.evidence) for row in assessment.scores.all()}


def _write_scores(
    assessment: Assessment,
    items: list[AssessmentItem],
    stored: Stored,
    wanted: Stored,
    *,
    by: User,
) -> list[str]:
    """Score rows as wanted (an item scored 0 without evidence has none); what changed,
    in words."""
    _replace_rows(
        by=by,
        stored=assessment.scores.all(),
        key="item_id",
        wanted={pk: {"score": s, "evidence": e} for pk, (s, e) in wanted.items() if s or e},
        make=lambda pk: AssessmentScore(assessment=assessment, item_id=pk),
    )
    before = {item: stored.get(item.pk, UNSCORED) for item in items}
    after = {item: wanted.get(item.pk, UNSCORED) for item in items}
    scored = [
        f"{i.number}={shown_number(after[i][0])}" for i in items if before[i][0] != after[i][0]
    ]
    noted = [str(i.number) for i in items if before[i][1] != after[i][1]]
    changes = [_became(_("得分"), "、".join(scored))] if scored else []
    if noted:
        changes.append(_("第 %(n)s 项的评分依据已修改") % {"n": "、".join(noted)})
    return changes


@transaction.atomic
def assessment_create(
    *,
    by: User,
    template: AssessmentTemplate | str,
    items_met: Iterable[int] | None = None,
    scores: Scores | None = None,
    **fields: Unpack[AssessmentFields],
) -> Assessment:
    """An association's assessment for a year against a template (its code, name or
    itself), scored by `items_met` (item numbers met: full points) and `scores`
    ({number: score or ItemScore}); the total, grade and `passed` follow, and `by` is
    its assessor."""
    fields = _normalised(Assessment, fields)
    _require_chosen(by, fields.get("association"), "association")
    template = _template(template)
    items = _items_of(template)
    wanted = _rescored(template, items, {}, items_met, scores)
    assessment = Assessment(
        **fields, **_results(template, items, wanted), template=template, assessed_by=by
    )
    _validated(assessment)
    record_save(assessment, by=by)
    _write_scores(assessment, items, {}, wanted, by=by)
    return assessment


@transaction.atomic
def assessment_update(
    *,
    by: User,
    assessment: Assessment,
    version: int | None = None,
    items_met: Iterable[int] | None = None,
    scores: Scores | None = None,
    **fields: Unpack[AssessmentFields],
) -> Assessment:
    """Edit an assessment (its template stays). `items_met` given is the whole list met
    (the other items score 0 unless `scores` names them); `scores` alone changes the
    items it names — the reports fill indicator items so. Whoever changes a score
    becomes the assessor."""
    require(by, "records.change", assessment)
    check_version(assessment, version)
    fields = _normalised(Assessment, fields)
    _require_choices(by, fields, "association")
    related = []
    if items_met is not None or scores is not None:
        template = assessment.template
        items = _items_of(template)
        stored = _stored_scores(assessment)
        wanted = _rescored(template, items, stored, items_met, scores)
        related = _write_scores(assessment, items, stored, wanted, by=by)
        fields.update(_results(template, items, wanted))
        if related:
            fields["assessed_by"] = by
    return _saved(assessment, fields, by=by, related=related)


def assessment_withdraw(*, by: User, assessment: Assessment, reason: str) -> Assessment:
    _withdraw(assessment, by=by, reason=reason)
    return assessment


def assessment_restore(*, by: User, assessment: Assessment) -> Assessment:
    _restore(assessment, by=by)
    return assessment


# ── Assessment templates 考核模板 (administrators) ─────────────────────────────
class AssessmentTemplateFields(TypedDict, total=False):
    code: str
    name: str
    description: str
    pass_mark: Decimal
    excellent_from: Decimal | None
    good_from: Decimal | None
    fair_from: Decimal | None


class AssessmentGroupFields(TypedDict, total=False):
    name: str
    weight: Decimal | None


class AssessmentItemFields(TypedDict, total=False):
    number: int
    text: str
    group: str | None  # the name of one of the template's groups
    points: Decimal
    indicator_code: str
    comparison: str
    threshold: Decimal | None
    threshold_unit: str


class GroupSpec(AssessmentGroupFields, total=False):
    id: int | None  # the stored group this changes (a rename); else matched by name


class ItemSpec(AssessmentItemFields, total=False):
    id: int | None  # the stored item this changes (a renumbering); else matched by number


ASSESSMENT_TEMPLATE_FIELDS = field_names(AssessmentTemplateFields)
ASSESSMENT_GROUP_FIELDS = field_names(AssessmentGroupFields)
ASSESSMENT_ITEM_FIELDS = field_names(AssessmentItemFields)
MAX_ITEM_NUMBER = 999
# Renumbered items step aside first (a number is unique within a template).
PARKED = 10000


def _put(row: M, values: Mapping[str, Any], *, by: User, label: str, key: str) -> M:
    """Create or change one group or item of a template; its errors on `key`, named."""
    try:
        if row.pk is None:
            for name, value in values.items():
                setattr(row, name, value)
            row.full_clean()
            record_save(row, by=by)
        else:
            model_update(instance=row, data=values, by=by)
    except ValidationError as exc:
        raise ValidationError({key: [f"{label}：{m}" for m in exc.messages]}) from exc
    return row


def _write_groups(
    template: AssessmentTemplate, groups: Sequence[GroupSpec], *, by: User
) -> tuple[dict[str, AssessmentGroup], list[AssessmentGroup]]:
    """Groups as given (matched by id, else by name): {name: group}, and the stored
    groups no longer wanted (removed once the items have left them)."""
    stored = {group.pk: group for group in template.groups.all()}
    named: dict[str, AssessmentGroup] = {}
    for spec in groups:
        values = _normalised(
            AssessmentGroup, {k: spec[k] for k in ASSESSMENT_GROUP_FIELDS if k in spec}
        )
        name = values.get("name") or ""
        if not name:
            raise ValidationError({"groups": _("分组名称不能为空。")})
        if name in named:
            raise ValidationError({"groups": _("分组“%(name)s”重复了。") % {"name": name}})
        taken = {group.pk for group in named.values()}
        group = stored.get(spec.get("id") or 0)
        if group is None or group.pk in taken:
            group = next((g for g in stored.values() if g.name == name and g.pk not in taken), None)
        group = group or AssessmentGroup(template=template)
        label = _("分组“%(name)s”") % {"name": name}
        named[name] = _put(group, values, by=by, label=label, key="groups")
    kept = {group.pk for group in named.values()}
    return named, [group for pk, group in stored.items() if pk not in kept]


def _item_numbers(items: Sequence[ItemSpec]) -> None:
    seen: set[int] = set()
    for spec in items:
        number = spec.get("number")
        if not isinstance(number, int) or not 1 <= number <= MAX_ITEM_NUMBER:
            raise ValidationError(
                {
                    "items": _("考核项序号须为 1–%(max)s 的整数（填写的是 %(n)s）。")
                    % {"max": MAX_ITEM_NUMBER, "n": number}
                }
            )
        if number in seen:
            raise ValidationError({"items": _("第 %(n)s 项重复了。") % {"n": number}})
        seen.add(number)


def _write_items(
    template: AssessmentTemplate,
    items: Sequence[ItemSpec],
    groups: Mapping[str, AssessmentGroup],
    *,
    by: User,
) -> None:
    """Items as given (matched by id, else by number). An item some assessment has
    scored is not removed (its scores would silently vanish)."""
    _item_numbers(items)
    stored = {item.pk: item for item in template.items.all()}
    claims: dict[int, int] = {}  # stored item → the index of the row that changes it
    for index, spec in enumerate(items):
        if spec.get("id") in stored:
            claims.setdefault(spec["id"], index)
    free = {item.number: item for pk, item in stored.items() if pk not in claims}
    rows = []
    for index, spec in enumerate(items):
        if claims.get(spec.get("id") or 0) == index:
            item = stored[spec["id"]]
        else:
            item = free.pop(spec["number"], None) or AssessmentItem(template=template)
            if item.pk is not None:
                claims[item.pk] = index
        rows.append((item, spec))
    unwanted = [item for pk, item in stored.items() if pk not in claims]
    scored = (
        AssessmentItem.objects.filter(pk__in=[i.pk for i in unwanted])
        .annotate(scored=Count("scores"))
        .filter(scored__gt=0)
        .first()
    )
    if scored is not None:
        raise ValidationError(
            {
                "items": _("第 %(n)s 项“%(text)s”已有 %(count)s 条考核的得分，不能删除。")
                % {"n": scored.number, "text": scored.text, "count": scored.scored}
            }
        )
    for item in unwanted:
        item._history_user = by
        item.delete()
    moving = [item.pk for item, spec in rows if item.pk and item.number != spec["number"]]
    # An intermediate state of this transaction: each row's save below records its change.
    AssessmentItem.objects.filter(pk__in=moving).update(number=F("number") + PARKED)
    for item, spec in rows:
        values = _normalised(
            AssessmentItem, {k: spec[k] for k in ASSESSMENT_ITEM_FIELDS if k in spec}
        )
        values["threshold_unit"] = values.get("threshold_unit") or ThresholdUnit.NUMBER
        label = _("第 %(n)s 项") % {"n": spec["number"]}
        if "group" in values:
            name = values["group"] or ""
            if name and name not in groups:
                raise ValidationError(
                    {
                        "items": _("%(item)s：没有名为“%(name)s”的分组。")
                        % {"item": label, "name": name}
                    }
                )
            values["group"] = groups.get(name)
        _put(item, values, by=by, label=label, key="items")


def _check_scores_fit(template: AssessmentTemplate) -> None:
    """Recorded scores still fit their items' new points and ways of scoring."""
    scores = AssessmentScore.objects.filter(item__template=template).select_related("item")
    over = scores.filter(score__gt=F("item__points")).first()
    odd = (
        scores.exclude(item__indicator_code="")
        .exclude(score=0)
        .exclude(score=F("item__points"))
        .first()
    )
    if over is not None:
        message = _("第 %(n)s 项已有考核得 %(score)s 分，高于新的分值 %(points)s 分。")
    elif odd is not None:
        message = _(
            "第 %(n)s 项改为按指标计分（只能得 0 分或 %(points)s 分），但已有考核得 %(score)s 分。"
        )
    else:
        return
    row = over or odd
    raise ValidationError(
        {
            "items": message
            % {
                "n": row.item.number,
                "score": shown_number(row.score),
                "points": shown_number(row.item.points),
            }
        }
    )


def _write_template_rows(
    template: AssessmentTemplate,
    groups: Sequence[GroupSpec] | None,
    items: Sequence[ItemSpec] | None,
    *,
    by: User,
) -> None:
    if groups is not None:
        named, unwanted = _write_groups(template, groups, by=by)
    else:
        named, unwanted = {group.name: group for group in template.groups.all()}, []
    if items is not None:
        _write_items(template, items, named, by=by)
        _check_scores_fit(template)
    for group in unwanted:
        if group.items.exists():
            raise ValidationError(
                {"groups": _("分组“%(name)s”下还有考核项，不能删除。") % {"name": group.name}}
            )
        group._history_user = by
        group.delete()
    top = scoring.maximum(scoring.sections(_items_of(template), {}))
    errors = {}
    for name in ("pass_mark", *(band for band, _grade in AssessmentTemplate.BANDS)):
        value = getattr(template, name)
        if top and value is not None and value > top:
            errors[name] = _("%(label)s %(value)s 高于满分 %(top)s。") % {
                "label": _label(template, name),
                "value": shown_number(value),
                "top": shown_number(top),
            }
    if errors:
        raise ValidationError(errors)


def _rescore(template: AssessmentTemplate) -> None:
    """Recompute the total, grade and `passed` of every assessment of a template after its
    items, groups, pass mark or bands changed.

    Withdrawn ones too, so a restored assessment is right. Every village has one a year
    per checklist — thousands of rows — so this is one bulk update without history: these
    are derived, and the template's own history says what changed.
    """
    items = _items_of(template)
    scores: dict[int, dict[int, Decimal]] = {}
    for assessment_id, item_id, score in AssessmentScore.objects.filter(
        assessment__template=template
    ).values_list("assessment_id", "item_id", "score"):
        scores.setdefault(assessment_id, {})[item_id] = score
    changed = []
    for row in Assessment.all_objects.filter(template=template).only(
        "total_score", "grade", "passed"
    ):
        total = scoring.total(scoring.sections(items, scores.get(row.pk, {})))
        results = (total, template.grade_for(total), template.passes(total))
        if (row.total_score, row.grade, row.passed) != results:
            row.total_score, row.grade, row.passed = results
            changed.append(row)
    Assessment.all_objects.bulk_update(changed, ["total_score", "grade", "passed"], batch_size=500)


@transaction.atomic
def assessment_template_create(
    *,
    by: User,
    groups: Sequence[GroupSpec] = (),
    items: Sequence[ItemSpec] = (),
    **fields: Unpack[AssessmentTemplateFields],
) -> AssessmentTemplate:
    """A new checklist or scored template for the whole network (administrators only)."""
    require(by, "templates.change")
    template = AssessmentTemplate(**_normalised(AssessmentTemplate, fields))
    template.full_clean()
    record_save(template, by=by)
    _write_template_rows(template, groups, items, by=by)
    return template


@transaction.atomic
def assessment_template_update(
    *,
    by: User,
    template: AssessmentTemplate,
    groups: Sequence[GroupSpec] | None = None,
    items: Sequence[ItemSpec] | None = None,
    **fields: Unpack[AssessmentTemplateFields],
) -> AssessmentTemplate:
    """Change a template shared by the whole network (administrators only): its own
    fields, and its groups and items when given (the whole list); every assessment
    against it is re-scored."""
    require(by, "templates.change")
    template, _changed = model_update(
        instance=template, data=_normalised(AssessmentTemplate, fields), by=by
    )
    _write_template_rows(template, groups, items, by=by)
    _rescore(template)
    return template


# ── Village self-governance 村民自治 ───────────────────────────────────────────
class SelfGovFields(TypedDict, total=False):
    association: Association
    year: int
    charter_adopted: bool
    charter_adopted_on: dt.date | None
    benefits_one_child: bool
    rewards_second_birth_waiver: bool
    subsidises_checkups: bool
    other_provisions: str
    households_due: int
    households_signed: int
    is_pilot: bool


SELFGOV_FIELDS = field_names(SelfGovFields)


def selfgov_create(*, by: User, **fields: Unpack[SelfGovFields]) -> SelfGovernance:
    """A village's self-governance (charter and agreements) for a year."""
    fields = _normalised(SelfGovernance, fields)
    _require_chosen(by, fields.get("association"), "association")
    row = SelfGovernance(**fields)
    _validated(row)
    return record_save(row, by=by)


def selfgov_update(
    *,
    by: User,
    selfgov: SelfGovernance,
    version: int | None = None,
    **fields: Unpack[SelfGovFields],
) -> SelfGovernance:
    require(by, "records.change", selfgov)
    fields = _normalised(SelfGovernance, fields)
    _require_choices(by, fields, "association")
    selfgov, _changed = model_update(
        instance=selfgov, data=fields, by=by, version=version, validate=_validated
    )
    return selfgov


def selfgov_withdraw(*, by: User, selfgov: SelfGovernance, reason: str) -> SelfGovernance:
    _withdraw(selfgov, by=by, reason=reason)
    return selfgov


def selfgov_restore(*, by: User, selfgov: SelfGovernance) -> SelfGovernance:
    _restore(selfgov, by=by)
    return selfgov


# ── Ledger 经费 ────────────────────────────────────────────────────────────────
class LedgerFields(TypedDict, total=False):
    association: Association
    date: dt.date
    direction: str
    amount: Decimal
    source: str
    purpose: str
    event: Event | None
    project: Project | None
    note: str


LEDGER_FIELDS = field_names(LedgerFields)


def ledger_record(*, by: User, **fields: Unpack[LedgerFields]) -> LedgerEntry:
    """One line of income (with its source) or expense (with its purpose)."""
    fields = _normalised(LedgerEntry, fields)
    _require_chosen(by, fields.get("association"), "association")
    _require_choices(by, fields, "event", "project")
    entry = LedgerEntry(**fields)
    _validated(entry)
    return record_save(entry, by=by)


def ledger_update(
    *, by: User, entry: LedgerEntry, version: int | None = None, **fields: Unpack[LedgerFields]
) -> LedgerEntry:
    require(by, "records.change", entry)
    fields = _normalised(LedgerEntry, fields)
    _require_choices(by, fields, "association", "event", "project")
    entry, _changed = model_update(
        instance=entry, data=fields, by=by, version=version, validate=_validated
    )
    return entry


def ledger_withdraw(*, by: User, entry: LedgerEntry, reason: str) -> LedgerEntry:
    _withdraw(entry, by=by, reason=reason)
    return entry


def ledger_restore(*, by: User, entry: LedgerEntry) -> LedgerEntry:
    _restore(entry, by=by, references=("event", "project"))
    return entry
