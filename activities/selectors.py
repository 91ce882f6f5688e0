"""Reads over the association's work records: filtered lists, totals and the year at a glance.

Every function takes querysets already limited to what the user may see (or an
association whose subtree is the scope) and adds only filters, joins and
aggregates, so the number of queries never depends on the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth

from associations.models import Association, live
from members.models import Member, OfficerPosition

from . import scoring
from .models import (
    Aid,
    Assessment,
    AssessmentItem,
    AssessmentScore,
    AssessmentTemplate,
    Award,
    AwardLevel,
    Direction,
    Event,
    EventType,
    ExpensePurpose,
    FundSource,
    LedgerEntry,
    Project,
    SelfGovernance,
)

ZERO = Decimal(0)
MONEY_OUTPUT = DecimalField(max_digits=16, decimal_places=2)


def _money(expression) -> Coalesce:
    return Coalesce(expression, Value(ZERO), output_field=MONEY_OUTPUT)


def _count(expression) -> Coalesce:
    return Coalesce(expression, Value(0), output_field=IntegerField())


def _in(queryset: QuerySet, scope: Association | None) -> QuerySet:
    return queryset.within(scope) if scope is not None else queryset


# ── Lists ─────────────────────────────────────────────────────────────────────
def event_rows(
    events: QuerySet[Event],
    *,
    year: int | None = None,
    type: str | None = None,
    scope: Association | None = None,
) -> QuerySet[Event]:
    rows = _in(events, scope).select_related("association")
    if year:
        rows = rows.during(year)
    if type:
        rows = rows.filter(type=type)
    return rows


def project_rows(
    projects: QuerySet[Project],
    *,
    year: int | None = None,
    kind: str | None = None,
    scope: Association | None = None,
) -> QuerySet[Project]:
    rows = _in(projects, scope).select_related("association")
    if year:
        rows = rows.running_in(year)
    if kind:
        rows = rows.filter(kind=kind)
    # Meta.ordering is ignored once rows are grouped, so order explicitly.
    aid_count = Count("aid", filter=live("aid"))  # withdrawn aid is not counted
    return rows.annotate(aid_count=aid_count).order_by("-started_on", "code")


def aid_rows(
    aid: QuerySet[Aid],
    *,
    year: int | None = None,
    kind: str | None = None,
    scope: Association | None = None,
    project: Project | None = None,
) -> QuerySet[Aid]:
    rows = _in(aid, scope).select_related("household", "household__association", "project")
    if year:
        rows = rows.during(year)
    if kind:
        rows = rows.filter(kind=kind)
    if project is not None:
        rows = rows.filter(project=project)
    return rows


def aid_totals(aid: QuerySet[Aid]) -> dict[str, int | Decimal]:
    """Rows, distinct households, family-planning households among them, and amount."""
    return aid.order_by().aggregate(
        rows=Count("id"),
        households=Count("household", distinct=True),
        fp_households=Count(
            "household", distinct=True, filter=Q(household__is_family_planning=True)
        ),
        amount=_money(Sum("amount")),
        in_projects=Count("id", filter=Q(project__isnull=False)),
    )


def award_rows(
    awards: QuerySet[Award],
    *,
    year: int | None = None,
    level: str | None = None,
    scope: Association | None = None,
) -> QuerySet[Award]:
    rows = _in(awards, scope).select_related("association", "member", "household")
    if year:
        rows = rows.filter(year=year)
    if level:
        rows = rows.filter(level=level)
    return rows


def assessment_rows(
    assessments: QuerySet[Assessment],
    *,
    year: int | None = None,
    template: AssessmentTemplate | None = None,
    scope: Association | None = None,
    grade: str | None = None,
    passed: bool | None = None,
) -> QuerySet[Assessment]:
    rows = _in(assessments, scope).select_related("association", "template")
    if year:
        rows = rows.filter(year=year)
    if template is not None:
        rows = rows.filter(template=template)
    if grade:
        rows = rows.filter(grade=grade)
    if passed is not None:
        rows = rows.filter(passed=passed)
    return rows.order_by("-year", "association__path", "template__code")


@dataclass
class SheetRow:
    """An item on a score sheet: its score and evidence (the form adds its inputs)."""

    item: AssessmentItem
    score: Decimal = ZERO
    evidence: str = ""
    input: Any = None
    note: Any = None


@dataclass
class ScoreSheet:
    sections: list[tuple[scoring.Section, list[SheetRow]]]
    total: Decimal
    maximum: Decimal

    @property
    def grouped(self) -> bool:
        return any(section.group is not None for section, _rows in self.sections)


def score_sheet(template: AssessmentTemplate, scores: Iterable[AssessmentScore]) -> ScoreSheet:
    """A template's items by group with an assessment's scores (none: a blank sheet)."""
    items = list(template.items.select_related("group"))
    stored = {row.item_id: row for row in scores}
    sections = scoring.sections(items, {pk: row.score for pk, row in stored.items()})
    rows = {
        item.pk: SheetRow(item, stored[item.pk].score, stored[item.pk].evidence)
        if item.pk in stored
        else SheetRow(item)
        for item in items
    }
    return ScoreSheet(
        sections=[(section, [rows[item.pk] for item in section.items]) for section in sections],
        total=scoring.total(sections),
        maximum=scoring.maximum(sections),
    )


def selfgov_rows(
    rows: QuerySet[SelfGovernance],
    *,
    year: int | None = None,
    scope: Association | None = None,
    charter_adopted: bool | None = None,
) -> QuerySet[SelfGovernance]:
    rows = _in(rows, scope).select_related("association")
    if year:
        rows = rows.filter(year=year)
    if charter_adopted is not None:
        rows = rows.filter(charter_adopted=charter_adopted)
    return rows


def ledger_rows(
    entries: QuerySet[LedgerEntry],
    *,
    year: int | None = None,
    direction: str | None = None,
    scope: Association | None = None,
) -> QuerySet[LedgerEntry]:
    rows = _in(entries, scope).select_related("association", "event", "project")
    if year:
        rows = rows.during(year)
    if direction:
        rows = rows.filter(direction=direction)
    return rows


def ledger_totals(entries: QuerySet[LedgerEntry]) -> dict[str, Decimal]:
    totals = entries.order_by().aggregate(
        income=_money(Sum("amount", filter=Q(direction=Direction.INCOME))),
        expense=_money(Sum("amount", filter=Q(direction=Direction.EXPENSE))),
    )
    totals["balance"] = totals["income"] - totals["expense"]
    return totals


def project_funding_totals(project: Project) -> dict[str, Decimal]:
    return project.funding.aggregate(raised=_money(Sum("raised")), spent=_money(Sum("spent")))


def event_attendees(event: Event, user) -> list[tuple[Member, bool]]:
    """The event's attendees by name, each with whether `user` may open the member's page
    (one may have moved out of the user's scope since)."""
    attendees = list(event.attendees.select_related("association").order_by("name", "id_number"))
    visible = set(
        Member.objects.visible_to(user)
        .filter(pk__in=[m.pk for m in attendees])
        .values_list("pk", flat=True)
    )
    return [(member, member.pk in visible) for member in attendees]


# ── Event attendees 参加会员 ──────────────────────────────────────────────────
AttendeeEntry = tuple[str, str]  # (name, last digits of the ID number); either may be ""


def _matches(member: Member, entry: AttendeeEntry) -> bool:
    name, tail = entry
    return (not name or member.name == name) and member.id_number.endswith(tail)


def attendee_candidates(
    members: QuerySet[Member], organiser: Association, entries: Iterable[AttendeeEntry]
) -> dict[AttendeeEntry, list[Member]]:
    """The members of the organiser's subtree each typed entry could mean, in one query."""
    entries = list(entries)
    if not entries:
        return {}
    wanted = Q()
    for name, tail in entries:
        wanted |= Q(id_number__endswith=tail, **({"name": name} if name else {}))
    found = list(members.within(organiser).filter(wanted).order_by("name", "id_number"))
    return {entry: [m for m in found if _matches(m, entry)] for entry in entries}


# ── Officer allowances 津贴 ────────────────────────────────────────────────────
def _months_in_post(year: int):
    """Calendar months of `year` in which the post was held on at least one day."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    start_month = Case(
        When(started_on__lt=first, then=Value(1)),
        default=ExtractMonth("started_on"),
        output_field=IntegerField(),
    )
    end_month = Case(
        When(Q(ended_on__isnull=True) | Q(ended_on__gt=last), then=Value(12)),
        default=ExtractMonth("ended_on"),
        output_field=IntegerField(),
    )
    return ExpressionWrapper(end_month - start_month + 1, output_field=IntegerField())


def _positions_during(scope: Association, year: int) -> QuerySet[OfficerPosition]:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return OfficerPosition.objects.within(scope).filter(
        Q(started_on__lte=last), Q(ended_on__isnull=True) | Q(ended_on__gte=first)
    )


def officer_allowance_rows(scope: Association, year: int) -> QuerySet[OfficerPosition]:
    """Positions in the scope held during `year`, each with `months` in post and `allowance`.

    A month counts when the post was held on any day of it, so a hand-over in
    mid-month pays both holders for that month.
    """
    months = _months_in_post(year)
    return (
        _positions_during(scope, year)
        .annotate(
            months=months,
            allowance=ExpressionWrapper(F("monthly_allowance") * months, output_field=MONEY_OUTPUT),
        )
        .select_related("member", "association")
    )


def officer_allowances(scope: Association, year: int) -> dict[str, int | Decimal]:
    """Allowances paid to officers in the scope during `year` (monthly allowance × months)."""
    months = _months_in_post(year)
    paid = _positions_during(scope, year).filter(monthly_allowance__gt=0).order_by()
    return paid.aggregate(
        total=_money(
            Sum(ExpressionWrapper(F("monthly_allowance") * months, output_field=MONEY_OUTPUT))
        ),
        officers=Count("member", distinct=True),
        months=_count(Sum(months)),
    )


# ── The year at a glance ───────────────────────────────────────────────────────
@dataclass
class YearAtAGlance:
    association: Association
    year: int
    events: dict = field(default_factory=dict)
    events_by_type: list[dict] = field(default_factory=list)
    projects: dict = field(default_factory=dict)
    aid: dict = field(default_factory=dict)
    awards_by_level: list[dict] = field(default_factory=list)
    assessments: list[dict] = field(default_factory=list)
    selfgov: dict = field(default_factory=dict)
    ledger: dict = field(default_factory=dict)
    income_by_source: list[dict] = field(default_factory=list)
    expense_by_purpose: list[dict] = field(default_factory=list)
    allowances: dict = field(default_factory=dict)


def _labelled(rows, key: str, choices) -> list[dict]:
    """Grouped rows with the display label of their choice value added."""
    return [{**row, "label": choices(row[key]).label} for row in rows]


def association_year(association: Association, year: int) -> YearAtAGlance:
    """Totals for an association's subtree in a year, one aggregate query per record kind."""
    events = Event.objects.within(association).during(year).order_by()
    aid = Aid.objects.within(association).filter(given_on__year=year)
    awards = Award.objects.within(association).filter(year=year).order_by()
    ledger = LedgerEntry.objects.within(association).during(year).order_by()
    selfgov = SelfGovernance.objects.within(association).filter(year=year)
    glance = YearAtAGlance(association, year)
    glance.events = events.aggregate(
        count=Count("id"),
        participants=_count(Sum("participants")),
        cost=_money(Sum("cost")),
        screened=_count(Sum("screened")),
        cases_found=_count(Sum("cases_found")),
        trainees=_count(Sum("trainees")),
    )
    glance.events_by_type = _labelled(
        events.values("type")
        .annotate(count=Count("id"), participants=Sum("participants"), cost=_money(Sum("cost")))
        .order_by("type"),
        "type",
        EventType,
    )
    glance.projects = (
        Project.objects.within(association)
        .running_in(year)
        .aggregate(
            count=Count("id"),
            raised=_money(Sum("funds_raised")),
            spent=_money(Sum("funds_spent")),
            out_of_poverty=_count(Sum("households_out_of_poverty")),
            jobs=_count(Sum("jobs_created")),
        )
    )
    glance.aid = aid_totals(aid)
    glance.awards_by_level = _labelled(
        awards.values("level").annotate(count=Count("id")).order_by("level"), "level", AwardLevel
    )
    glance.assessments = list(
        Assessment.objects.within(association)
        .filter(year=year)
        .values("template__code", "template__name")
        .annotate(total=Count("id"), passed=Count("id", filter=Q(passed=True)))
        .order_by("template__code")
    )
    glance.selfgov = selfgov.aggregate(
        villages=Count("id"),
        charters=Count("id", filter=Q(charter_adopted=True)),
        signing=Count("id", filter=Q(households_signed__gt=0)),
        due=_count(Sum("households_due")),
        signed=_count(Sum("households_signed")),
    )
    glance.ledger = ledger_totals(ledger)
    glance.income_by_source = _labelled(
        ledger.filter(direction=Direction.INCOME)
        .values("source")
        .annotate(amount=Sum("amount"))
        .order_by("source"),
        "source",
        FundSource,
    )
    glance.expense_by_purpose = _labelled(
        ledger.filter(direction=Direction.EXPENSE)
        .values("purpose")
        .annotate(amount=Sum("amount"))
        .order_by("purpose"),
        "purpose",
        ExpensePurpose,
    )
    glance.allowances = officer_allowances(association, year)
    return glance


def association_year_rows(association: Association, year: int, limit: int = 20) -> dict:
    """The first rows of each kind for the page (totals come from `association_year`)."""
    return {
        # The biggest events first: village lectures would otherwise fill the list.
        "events": list(
            event_rows(Event.objects.within(association), year=year).order_by(
                "-participants", "-started_on"
            )[:limit]
        ),
        "projects": list(project_rows(Project.objects.within(association), year=year)[:limit]),
        "aid": list(aid_rows(Aid.objects.within(association), year=year)[:limit]),
        "awards": list(award_rows(Award.objects.within(association), year=year)[:limit]),
        "assessments": list(
            assessment_rows(Assessment.objects.within(association), year=year)[:limit]
        ),
        "ledger": list(ledger_rows(LedgerEntry.objects.within(association), year=year)[:limit]),
    }
