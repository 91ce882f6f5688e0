"""Writes to the association's work records. Views, admin, imports and commands call these.

Every function is keyword-only, validates with `full_clean()` (the field rules
live in the models' `clean()` so the admin enforces them too) and raises
`ValidationError` keyed by field with a Chinese message. `within` is the acting
user's scope association: anything outside it is refused. `None` means the
caller has done its own scoping (commands, demo data).

Update functions take the full set of editable fields (what the edit form
shows); related sets (materials, co-organisers, attendees, funding) are left
unchanged when passed as None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from associations.models import Association
from members.models import Household, Member

from .models import (
    Aid,
    Assessment,
    AssessmentTemplate,
    Award,
    Event,
    EventMaterial,
    FundSource,
    LedgerEntry,
    MaterialKind,
    PassRule,
    Project,
    ProjectFunding,
    SelfGovernance,
)

Amount = Decimal | int | str
Money2 = tuple[Amount, Amount]


def _check_within(within: Association | None, association: Association, field: str) -> None:
    if within is not None and not within.contains(association):
        raise ValidationError(
            {field: _("“%(name)s”不在您的管辖范围内。") % {"name": association.name}}
        )


def _check_all_within(
    within: Association | None, objects: list[Member] | list[Association], field: str
) -> None:
    """One query for the whole set: the first object outside the scope is reported."""
    if within is None or not objects:
        return
    model = type(objects[0])
    scoped = model._default_manager.filter(pk__in=[obj.pk for obj in objects])
    stray = scoped.exclude(pk__in=scoped.within(within).values("pk")).first()
    if stray is not None:
        raise ValidationError({field: _("“%(name)s”不在您的管辖范围内。") % {"name": stray}})


def _decimal(value: Amount, field: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("“%(value)s”不是有效的金额。") % {"value": value}}) from exc


def _assign(instance: models.Model, values: Mapping[str, object]) -> list[str]:
    for field, value in values.items():
        setattr(instance, field, value)
    return list(values)


def _delete(instance: models.Model, association: Association, within: Association | None) -> None:
    _check_within(within, association, "association")
    try:
        instance.delete()
    except models.ProtectedError as exc:
        raise ValidationError(
            _("“%(name)s”还有关联记录（如帮扶记录），不能删除。") % {"name": instance}
        ) from exc


# ── Events 活动 ────────────────────────────────────────────────────────────────
def _material_rows(materials: Mapping[str, int] | None) -> list[tuple[str, int]]:
    rows = []
    for kind, quantity in (materials or {}).items():
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
            rows.append((kind, quantity))
    return rows


def _validate_event(
    event: Event,
    *,
    within: Association | None,
    co_organisers: Iterable[Association] | None,
    attendees: Iterable[Member] | None,
) -> None:
    _check_within(within, event.association, "association")
    event.full_clean()
    if co_organisers is not None:
        if any(a.pk == event.association_id for a in co_organisers):
            raise ValidationError({"co_organisers": _("主办协会不能同时作为协办单位。")})
        _check_all_within(within, co_organisers, "co_organisers")
    if attendees is not None:
        _check_all_within(within, attendees, "attendees")


def _set_event_relations(
    event: Event,
    co_organisers: Iterable[Association] | None,
    attendees: Iterable[Member] | None,
    materials: list[tuple[str, int]] | None,
) -> None:
    if co_organisers is not None:
        event.co_organisers.set(co_organisers)
    if attendees is not None:
        event.attendees.set(attendees)
    if materials is not None:
        event.materials.all().delete()
        EventMaterial.objects.bulk_create(
            EventMaterial(event=event, kind=kind, quantity=quantity) for kind, quantity in materials
        )


@transaction.atomic
def event_create(
    *,
    association: Association,
    type: str,
    title: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    place: str = "",
    participants: int = 0,
    cost: Amount = 0,
    co_organisers: Iterable[Association] = (),
    attendees: Iterable[Member] = (),
    materials: dict[str, int] | None = None,
    screened: int | None = None,
    cases_found: int | None = None,
    training_sessions: int | None = None,
    training_days: Amount | None = None,
    trainees: int | None = None,
    description: str = "",
    within: Association | None = None,
) -> Event:
    """Record an event with what it reached (materials as {kind: quantity}) and cost."""
    event = Event(
        association=association,
        type=type,
        title=title.strip(),
        started_on=started_on,
        ended_on=ended_on,
        place=place.strip(),
        participants=participants,
        cost=cost,
        screened=screened,
        cases_found=cases_found,
        training_sessions=training_sessions,
        training_days=training_days,
        trainees=trainees,
        description=description,
    )
    co_organisers, attendees = list(co_organisers), list(attendees)
    _validate_event(event, within=within, co_organisers=co_organisers, attendees=attendees)
    rows = _material_rows(materials)
    event.save()
    _set_event_relations(event, co_organisers, attendees, rows)
    return event


@transaction.atomic
def event_update(
    *,
    event: Event,
    association: Association,
    type: str,
    title: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    place: str = "",
    participants: int = 0,
    cost: Amount = 0,
    co_organisers: Iterable[Association] | None = None,
    attendees: Iterable[Member] | None = None,
    materials: dict[str, int] | None = None,
    screened: int | None = None,
    cases_found: int | None = None,
    training_sessions: int | None = None,
    training_days: Amount | None = None,
    trainees: int | None = None,
    description: str = "",
    within: Association | None = None,
) -> Event:
    _check_within(within, event.association, "association")
    fields = _assign(
        event,
        {
            "association": association,
            "type": type,
            "title": title.strip(),
            "started_on": started_on,
            "ended_on": ended_on,
            "place": place.strip(),
            "participants": participants,
            "cost": cost,
            "screened": screened,
            "cases_found": cases_found,
            "training_sessions": training_sessions,
            "training_days": training_days,
            "trainees": trainees,
            "description": description,
        },
    )
    co_organisers = list(co_organisers) if co_organisers is not None else None
    attendees = list(attendees) if attendees is not None else None
    _validate_event(event, within=within, co_organisers=co_organisers, attendees=attendees)
    rows = _material_rows(materials) if materials is not None else None
    event.save(update_fields=fields)
    _set_event_relations(event, co_organisers, attendees, rows)
    return event


def event_delete(*, event: Event, within: Association | None = None) -> None:
    _delete(event, event.association, within)


# ── Projects 项目 ──────────────────────────────────────────────────────────────
def _funding_rows(funding: Mapping[str, Money2] | None) -> list[tuple[str, Decimal, Decimal]]:
    rows = []
    for source, amounts in (funding or {}).items():
        if source not in FundSource.values:
            raise ValidationError({"funding": _("未知的资金来源“%(s)s”。") % {"s": source}})
        raised, spent = (_decimal(a or 0, "funding") for a in amounts)
        if raised < 0 or spent < 0:
            raise ValidationError(
                {"funding": _("%(s)s的金额不能为负数。") % {"s": FundSource(source).label}}
            )
        if raised or spent:
            rows.append((source, raised, spent))
    return rows


def _reconcile_totals(project: Project, rows: list[tuple[str, Decimal, Decimal]]) -> None:
    """A breakdown fills zero totals; non-zero totals must agree with it."""
    if not rows:
        return
    errors = {}
    for field, index, label in (("funds_raised", 1, _("筹集")), ("funds_spent", 2, _("支出"))):
        total = sum((row[index] for row in rows), Decimal(0))
        given = _decimal(getattr(project, field), field)
        if given == 0:
            setattr(project, field, total)
        elif given != total:
            errors[field] = _("按来源填写的%(label)s合计 %(sum)s 元与总额 %(total)s 元不一致。") % {
                "label": label,
                "sum": total,
                "total": given,
            }
    if errors:
        raise ValidationError(errors)


def _save_funding(project: Project, rows: list[tuple[str, Decimal, Decimal]] | None) -> None:
    if rows is None:
        return
    project.funding.all().delete()
    ProjectFunding.objects.bulk_create(
        ProjectFunding(project=project, source=source, raised=raised, spent=spent)
        for source, raised, spent in rows
    )


@transaction.atomic
def project_create(
    *,
    code: str,
    association: Association,
    kind: str,
    name: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    funds_raised: Amount = 0,
    funds_spent: Amount = 0,
    households_out_of_poverty: int = 0,
    jobs_created: int = 0,
    fixed_assets: Amount = 0,
    output_value: Amount = 0,
    tax_paid: Amount = 0,
    funding: dict[str, Money2] | None = None,
    description: str = "",
    within: Association | None = None,
) -> Project:
    """Register a project; `funding` is {source: (raised, spent)} and fills zero totals."""
    _check_within(within, association, "association")
    project = Project(
        code=code.strip(),
        association=association,
        kind=kind,
        name=name.strip(),
        started_on=started_on,
        ended_on=ended_on,
        funds_raised=funds_raised,
        funds_spent=funds_spent,
        households_out_of_poverty=households_out_of_poverty,
        jobs_created=jobs_created,
        fixed_assets=fixed_assets,
        output_value=output_value,
        tax_paid=tax_paid,
        description=description,
    )
    rows = _funding_rows(funding)
    _reconcile_totals(project, rows)
    project.full_clean()
    project.save()
    _save_funding(project, rows)
    return project


@transaction.atomic
def project_update(
    *,
    project: Project,
    code: str,
    association: Association,
    kind: str,
    name: str,
    started_on: dt.date,
    ended_on: dt.date | None = None,
    funds_raised: Amount = 0,
    funds_spent: Amount = 0,
    households_out_of_poverty: int = 0,
    jobs_created: int = 0,
    fixed_assets: Amount = 0,
    output_value: Amount = 0,
    tax_paid: Amount = 0,
    funding: dict[str, Money2] | None = None,
    description: str = "",
    within: Association | None = None,
) -> Project:
    _check_within(within, project.association, "association")
    _check_within(within, association, "association")
    fields = _assign(
        project,
        {
            "code": code.strip(),
            "association": association,
            "kind": kind,
            "name": name.strip(),
            "started_on": started_on,
            "ended_on": ended_on,
            "funds_raised": funds_raised,
            "funds_spent": funds_spent,
            "households_out_of_poverty": households_out_of_poverty,
            "jobs_created": jobs_created,
            "fixed_assets": fixed_assets,
            "output_value": output_value,
            "tax_paid": tax_paid,
            "description": description,
        },
    )
    rows = _funding_rows(funding) if funding is not None else None
    if rows is not None:
        _reconcile_totals(project, rows)
    project.full_clean()
    outside = project.aid.exclude(household__association__path__startswith=association.path)
    if outside.exists():
        raise ValidationError(
            {
                "association": _("本项目已有帮扶记录的受助户不在“%(name)s”的范围内。")
                % {"name": association.name}
            }
        )
    aid_dates = project.aid.aggregate(first=models.Min("given_on"), last=models.Max("given_on"))
    if aid_dates["first"] and (
        aid_dates["first"] < started_on or (ended_on and aid_dates["last"] > ended_on)
    ):
        raise ValidationError({"started_on": _("本项目已有帮扶记录的日期不在新的实施期内。")})
    project.save(update_fields=fields)
    _save_funding(project, rows)
    return project


def project_delete(*, project: Project, within: Association | None = None) -> None:
    _delete(project, project.association, within)


# ── Aid 帮扶 ───────────────────────────────────────────────────────────────────
def _validate_aid(aid: Aid, within: Association | None) -> None:
    _check_within(within, aid.household.association, "household")
    if aid.project_id:
        _check_within(within, aid.project.association, "project")
    aid.full_clean()
    if aid.project_id is None:
        # The natural-key constraint cannot see a missing project (NULL), so check here.
        twin = Aid.objects.filter(
            household=aid.household,
            given_on=aid.given_on,
            kind=aid.kind,
            project__isnull=True,
            provider=aid.provider,
        ).exclude(pk=aid.pk)
        if twin.exists():
            raise ValidationError({"given_on": _("该户当天已有同一单位、同一方式的帮扶记录。")})


def aid_give(
    *,
    household: Household,
    given_on: dt.date,
    kind: str,
    amount: Amount,
    project: Project | None = None,
    provider: str = "",
    note: str = "",
    within: Association | None = None,
) -> Aid:
    """Record aid to one household, within a project (inside its subtree) or from a provider."""
    aid = Aid(
        household=household,
        given_on=given_on,
        kind=kind,
        amount=amount,
        project=project,
        provider=provider.strip(),
        note=note.strip(),
    )
    _validate_aid(aid, within)
    aid.save()
    return aid


def aid_update(
    *,
    aid: Aid,
    household: Household,
    given_on: dt.date,
    kind: str,
    amount: Amount,
    project: Project | None = None,
    provider: str = "",
    note: str = "",
    within: Association | None = None,
) -> Aid:
    _check_within(within, aid.household.association, "household")
    fields = _assign(
        aid,
        {
            "household": household,
            "given_on": given_on,
            "kind": kind,
            "amount": amount,
            "project": project,
            "provider": provider.strip(),
            "note": note.strip(),
        },
    )
    _validate_aid(aid, within)
    aid.save(update_fields=fields)
    return aid


def aid_delete(*, aid: Aid, within: Association | None = None) -> None:
    _delete(aid, aid.household.association, within)


# ── Awards 表彰 ────────────────────────────────────────────────────────────────
def award_grant(
    *,
    year: int,
    level: str,
    title: str,
    awarding_body: str,
    association: Association | None = None,
    member: Member | None = None,
    household: Household | None = None,
    within: Association | None = None,
) -> Award:
    """An award to exactly one recipient: an association, a member or a household.

    The award's association is the recipient association or the recipient's
    association, so awards roll up with everything else.
    """
    given = {
        field: value
        for field, value in (
            ("association", association),
            ("member", member),
            ("household", household),
        )
        if value is not None
    }
    if not given:
        raise ValidationError({"association": _("请指定获奖对象：协会、会员或家庭之一。")})
    if len(given) > 1:
        message = _("获奖对象只能是协会、会员或家庭中的一个。")
        raise ValidationError({field: message for field in given})
    recipient = next(iter(given.values()))
    home = recipient if isinstance(recipient, Association) else recipient.association
    _check_within(within, home, next(iter(given)))
    award = Award(
        year=year,
        level=level,
        title=title.strip(),
        awarding_body=awarding_body.strip(),
        association=home,
        member=member,
        household=household,
    )
    award.full_clean()
    award.save()
    return award


def award_update(
    *,
    award: Award,
    year: int,
    level: str,
    title: str,
    awarding_body: str,
    within: Association | None = None,
) -> Award:
    """Edit what the award is; the recipient stays (delete and grant again to change it)."""
    _check_within(within, award.association, "association")
    fields = _assign(
        award,
        {
            "year": year,
            "level": level,
            "title": title.strip(),
            "awarding_body": awarding_body.strip(),
        },
    )
    award.full_clean()
    award.save(update_fields=fields)
    return award


def award_delete(*, award: Award, within: Association | None = None) -> None:
    _delete(award, award.association, within)


# ── Assessments 考核 ───────────────────────────────────────────────────────────
def _template(template: AssessmentTemplate | str) -> AssessmentTemplate:
    if isinstance(template, AssessmentTemplate):
        return template
    found = AssessmentTemplate.objects.filter(Q(code=template) | Q(name=template)).first()
    if found is None:
        raise ValidationError({"template": _("没有名为“%(t)s”的考核模板。") % {"t": template}})
    return found


@transaction.atomic
def assessment_record(
    *,
    association: Association,
    year: int,
    template: AssessmentTemplate | str,
    items_met: Iterable[int],
    assessed_on: dt.date | None = None,
    note: str = "",
    within: Association | None = None,
) -> Assessment:
    """Record (or replace) an association's assessment for a year against a template.

    `items_met` are item numbers of the template; `passed` follows its pass rule.
    """
    _check_within(within, association, "association")
    template = _template(template)
    items = {item.number: item for item in template.items.all()}
    try:
        numbers = {int(n) for n in items_met}
    except (TypeError, ValueError) as exc:
        raise ValidationError({"items_met": _("达标项须填写项目序号（数字）。")}) from exc
    unknown = sorted(numbers - items.keys())
    if unknown:
        raise ValidationError(
            {
                "items_met": _("“%(t)s”没有第 %(n)s 项（共 %(total)s 项）。")
                % {"t": template.name, "n": "、".join(map(str, unknown)), "total": len(items)}
            }
        )
    assessment = Assessment.objects.filter(
        association=association, year=year, template=template
    ).first() or Assessment(association=association, year=year, template=template)
    assessment.assessed_on = assessed_on
    assessment.note = note.strip()
    assessment.passed = template.passes(len(numbers), len(items))
    assessment.full_clean()
    assessment.save()
    assessment.items_met.set([items[n] for n in numbers])
    return assessment


def assessment_delete(*, assessment: Assessment, within: Association | None = None) -> None:
    _delete(assessment, assessment.association, within)


def assessments_refresh(*, template: AssessmentTemplate) -> int:
    """Recompute `passed` for every assessment of a template after its items or rule changed."""
    total = template.items.count()
    needed = template.pass_minimum if template.pass_rule == PassRule.AT_LEAST else total
    rows = Assessment.objects.filter(template=template)
    if not total or not needed:
        passing = rows.none() if not total else rows
    else:
        passing = rows.annotate(
            met=Count("items_met", filter=Q(items_met__template=template))
        ).filter(met__gte=needed)
    passing_ids = list(passing.values_list("pk", flat=True))
    changed = rows.filter(pk__in=passing_ids, passed=False).update(passed=True)
    changed += rows.exclude(pk__in=passing_ids).filter(passed=True).update(passed=False)
    return changed


# ── Village self-governance 村民自治 ───────────────────────────────────────────
def selfgov_record(
    *,
    association: Association,
    year: int,
    charter_adopted: bool,
    charter_adopted_on: dt.date | None = None,
    households_due: int = 0,
    households_signed: int = 0,
    is_pilot: bool = False,
    benefits_one_child: bool = False,
    rewards_second_birth_waiver: bool = False,
    subsidises_checkups: bool = False,
    other_provisions: str = "",
    within: Association | None = None,
) -> SelfGovernance:
    """Record (or replace) a village's self-governance state for a year."""
    _check_within(within, association, "association")
    row = SelfGovernance.objects.filter(
        association=association, year=year
    ).first() or SelfGovernance(association=association, year=year)
    _assign(
        row,
        {
            "charter_adopted": charter_adopted,
            "charter_adopted_on": charter_adopted_on,
            "households_due": households_due,
            "households_signed": households_signed,
            "is_pilot": is_pilot,
            "benefits_one_child": benefits_one_child,
            "rewards_second_birth_waiver": rewards_second_birth_waiver,
            "subsidises_checkups": subsidises_checkups,
            "other_provisions": other_provisions.strip(),
        },
    )
    row.full_clean()
    row.save()
    return row


def selfgov_delete(*, selfgov: SelfGovernance, within: Association | None = None) -> None:
    _delete(selfgov, selfgov.association, within)


# ── Ledger 经费 ────────────────────────────────────────────────────────────────
def _validate_entry(entry: LedgerEntry, within: Association | None) -> None:
    _check_within(within, entry.association, "association")
    if entry.event_id:
        _check_within(within, entry.event.association, "event")
    if entry.project_id:
        _check_within(within, entry.project.association, "project")
    entry.full_clean()


def ledger_record(
    *,
    association: Association,
    date: dt.date,
    direction: str,
    amount: Amount,
    source: str = "",
    purpose: str = "",
    event: Event | None = None,
    project: Project | None = None,
    note: str = "",
    within: Association | None = None,
) -> LedgerEntry:
    """One line of income (with its source) or expense (with its purpose)."""
    entry = LedgerEntry(
        association=association,
        date=date,
        direction=direction,
        amount=amount,
        source=source or "",
        purpose=purpose or "",
        event=event,
        project=project,
        note=note.strip(),
    )
    _validate_entry(entry, within)
    entry.save()
    return entry


def ledger_update(
    *,
    entry: LedgerEntry,
    association: Association,
    date: dt.date,
    direction: str,
    amount: Amount,
    source: str = "",
    purpose: str = "",
    event: Event | None = None,
    project: Project | None = None,
    note: str = "",
    within: Association | None = None,
) -> LedgerEntry:
    _check_within(within, entry.association, "association")
    fields = _assign(
        entry,
        {
            "association": association,
            "date": date,
            "direction": direction,
            "amount": amount,
            "source": source or "",
            "purpose": purpose or "",
            "event": event,
            "project": project,
            "note": note.strip(),
        },
    )
    _validate_entry(entry, within)
    entry.save(update_fields=fields)
    return entry


def ledger_delete(*, entry: LedgerEntry, within: Association | None = None) -> None:
    _delete(entry, entry.association, within)
