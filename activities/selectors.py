"""Reads over the association's work records: filtered lists and totals.

Every function takes querysets already limited to what the user may see (or an
association whose subtree is the scope) and adds only filters, joins and
aggregates, so the number of queries never depends on the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from associations.models import Association
from members.models import Member

from . import scoring
from .models import (
    Aid,
    Assessment,
    AssessmentItem,
    AssessmentScore,
    AssessmentTemplate,
    Award,
    Direction,
    Event,
    LedgerEntry,
    Project,
    SelfGovernance,
)

ZERO = Decimal(0)
MONEY_OUTPUT = DecimalField(max_digits=16, decimal_places=2)


def _money(expression) -> Coalesce:
    return Coalesce(expression, Value(ZERO), output_field=MONEY_OUTPUT)


def _in(queryset: QuerySet, scope: Association | None) -> QuerySet:
    return queryset.within(scope) if scope is not None else queryset


# ── Lists ─────────────────────────────────────────────────────────────────────
# Each list's sortable columns (key → order, the last field unique) and the default key.
LIST_SORTS: dict[type, tuple[str, dict[str, tuple[str, ...]]]] = {
    Event: (
        "-date",
        {
            "date": ("started_on", "id"),
            "title": ("title", "id"),
            "association": ("association__path", "-started_on", "id"),
            "participants": ("participants", "id"),
            "cost": ("cost", "id"),
        },
    ),
    Project: (
        "-started_on",
        {
            "started_on": ("started_on", "code"),
            "code": ("code",),
            "association": ("association__path", "code"),
            "raised": ("funds_raised", "code"),
        },
    ),
    Aid: ("-date", {"date": ("given_on", "id"), "amount": ("amount", "id")}),
    Award: ("-year", {"year": ("year", "-level", "id"), "name": ("title", "id")}),
    Assessment: (
        "-year",
        {
            "year": ("year", "-association__path", "-template__code", "-id"),
            "association": ("association__path", "-year", "id"),
            "total": ("total_score", "id"),
        },
    ),
    SelfGovernance: (
        "-year",
        {
            "year": ("year", "-association__path", "-id"),
            "association": ("association__path", "-year", "id"),
        },
    ),
    LedgerEntry: ("-date", {"date": ("date", "id"), "amount": ("amount", "id")}),
}


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
    # Counted for the rows of a page only (a subquery PostgreSQL evaluates after the LIMIT),
    # not by grouping every project of a city with its aid; withdrawn aid is not counted.
    live_aid = Aid.objects.filter(project=OuterRef("pk")).order_by().values("project")
    aid_count = Coalesce(Subquery(live_aid.annotate(n=Count("id")).values("n")), 0)
    return rows.annotate(aid_count=aid_count).order_by("-started_on", "code")


def aid_rows(
    aid: QuerySet[Aid],
    *,
    year: int | None = None,
    kind: str | None = None,
    scope: Association | None = None,
    project: Project | None = None,
) -> QuerySet[Aid]:
    rows = _in(aid, scope).select_related(
        "household", "household__association", "project", "project__association"
    )
    if year:
        rows = rows.during(year)
    if kind:
        rows = rows.filter(kind=kind)
    if project is not None:
        rows = rows.filter(project=project)
    return rows


def project_picks(projects: QuerySet[Project], q: str = "") -> QuerySet[Project]:
    """Projects a picker offers, by code (start) or name (part), the latest first."""
    if q := q.strip():
        projects = projects.filter(Q(code__istartswith=q) | Q(name__icontains=q))
    return projects.order_by("-started_on", "code")


def event_picks(events: QuerySet[Event], q: str = "") -> QuerySet[Event]:
    """Events a picker offers, by title (part), the latest first."""
    if q := q.strip():
        events = events.filter(title__icontains=q)
    return events.order_by("-started_on", "-id")


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
    rows = _in(awards, scope).select_related("association", "member", "household", "member_group")
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
    attendees = list(event.attendees.select_related("association").order_by("name", "id"))
    visible = set(
        Member.objects.visible_to(user)
        .filter(pk__in=[m.pk for m in attendees])
        .values_list("pk", flat=True)
    )
    return [(member, member.pk in visible) for member in attendees]
