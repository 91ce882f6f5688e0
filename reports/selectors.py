"""Reads for level-by-level submission: a unit's report, its figures, drift and compilation.

Figures always come from `reports.catalog`; this module only layers the
parent's entered-on-behalf overrides on top, reads frozen snapshots back, and
adds children's figures up (counts and amounts summed, rates recomputed from
the summed numerators and denominators).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.models import Association, active_during
from associations.permissions import staff_accounts

from . import catalog, narrative
from .catalog import DECIMAL_KINDS, INDICATORS, FigureValue, Kind, Rate
from .models import (
    EDITABLE_STATUSES,
    AnnualReport,
    FigureOverride,
    ReportDeadline,
    ReportStatus,
    ReportTransition,
    WorkReport,
)
from .tables import MAIN_TABLES, format_figure, table_codes

SNAPSHOT_FORMAT = 1


def catalog_version() -> str:
    """A fingerprint of the indicator definitions, so a snapshot says which catalog it used."""
    spec = "|".join(
        f"{code}:{ind.kind}:{ind.numerator or ''}:{ind.denominator or ''}"
        for code, ind in sorted(INDICATORS.items())
    )
    digest = hashlib.sha1(spec.encode(), usedforsecurity=False).hexdigest()[:12]
    explicit = getattr(catalog, "VERSION", "")
    return f"{explicit}+{digest}" if explicit else digest


# ── Figures ──────────────────────────────────────────────────────────────────
def enterable_codes() -> list[str]:
    """Indicators a parent may enter on a unit's behalf: counts and amounts (rates follow)."""
    return [code for code, ind in INDICATORS.items() if ind.kind != Kind.RATE]


def override_value(code: str, raw: int | float | str) -> int | Decimal:
    if INDICATORS[code].kind in DECIMAL_KINDS:
        return Decimal(str(raw))
    return int(raw)


def figure_from_json(code: str, data) -> FigureValue:
    """A snapshot value read back into the catalog's types."""
    if isinstance(data, dict):
        return Rate(_number(data.get("numerator") or 0), _number(data.get("denominator") or 0))
    spec = INDICATORS.get(code)
    if spec is not None and spec.kind in DECIMAL_KINDS:
        return Decimal(str(data))
    return _number(data)


def _number(value: int | float | str) -> int | Decimal:
    if isinstance(value, int):
        return value
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else number


def apply_overrides(
    figures: dict[str, FigureValue], overrides: dict[str, int | Decimal]
) -> dict[str, FigureValue]:
    """Figures with entered values in place and the rates built on them recomputed."""
    result = dict(figures)
    for code, value in overrides.items():
        if code in result:
            result[code] = value
    for code, value in figures.items():
        spec = INDICATORS.get(code)
        if spec is None or spec.kind != Kind.RATE:
            continue
        if spec.numerator in overrides or spec.denominator in overrides:
            result[code] = Rate(
                overrides.get(spec.numerator, value.numerator),
                overrides.get(spec.denominator, value.denominator),
            )
    return result


def overrides_in_effect(report: AnnualReport) -> dict[str, FigureOverride]:
    """The latest entered value of each indicator (earlier rows are history)."""
    if report.pk is None:
        return {}
    rows = report.overrides.select_related("by").order_by("code", "at", "id")
    return {row.code: row for row in rows if row.code in INDICATORS}


def _override_values(rows: Iterable[FigureOverride]) -> dict[str, int | Decimal]:
    return {row.code: override_value(row.code, row.value) for row in rows}


def live_figures(
    report: AnnualReport, overrides: dict[str, FigureOverride] | None = None
) -> dict[str, FigureValue]:
    """Today's figures for the report's unit and year, with entered-on-behalf values applied."""
    overrides = overrides_in_effect(report) if overrides is None else overrides
    figures = catalog.evaluate(report.association, report.year)
    return apply_overrides(figures, _override_values(overrides.values()))


def snapshot_payload(
    figures: dict[str, FigureValue], overridden: Iterable[str]
) -> dict[str, object]:
    return {
        "format": SNAPSHOT_FORMAT,
        "figures": {code: catalog.as_json(value) for code, value in figures.items()},
        "overridden": sorted(overridden),
    }


def snapshot_figures(report: AnnualReport) -> dict[str, FigureValue] | None:
    if not report.snapshot:
        return None
    return {code: figure_from_json(code, data) for code, data in report.snapshot["figures"].items()}


@dataclass(frozen=True)
class FigureRow:
    code: str
    name: str
    unit: str
    value: FigureValue
    overridden: bool

    @property
    def text(self) -> str:
        return format_figure(self.value, self.code)


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    rows: list[FigureRow]


def section_title(section: str) -> str:
    titles = getattr(catalog, "SECTIONS", {})
    return str(titles.get(section, section))


def figure_sections(figures: dict[str, FigureValue], overridden: Iterable[str]) -> list[Section]:
    """Figures as rows grouped by catalog section, in catalog order; unknown codes last."""
    overridden = set(overridden)
    grouped: dict[str, list[FigureRow]] = {}
    for code, spec in INDICATORS.items():
        if code in figures:
            grouped.setdefault(spec.section, []).append(
                FigureRow(code, str(spec.name), str(spec.unit), figures[code], code in overridden)
            )
    retired = [code for code in figures if code not in INDICATORS]
    if retired:
        grouped["retired"] = [FigureRow(c, c, "", figures[c], c in overridden) for c in retired]
    return [Section(key, section_title(key), rows) for key, rows in grouped.items()]


@dataclass(frozen=True)
class Drift:
    code: str
    name: str
    old: FigureValue
    new: FigureValue

    @property
    def old_text(self) -> str:
        return format_figure(self.old, self.code)

    @property
    def new_text(self) -> str:
        return format_figure(self.new, self.code)


def drift(snapshot: dict[str, FigureValue], live: dict[str, FigureValue]) -> list[Drift]:
    """Indicators whose live value differs from the frozen one (same catalog codes only)."""
    changes = []
    for code, old in snapshot.items():
        if code in live and catalog.as_json(live[code]) != catalog.as_json(old):
            changes.append(Drift(code, str(INDICATORS[code].name), old, live[code]))
    return changes


# ── Reports, deadlines, staff ─────────────────────────────────────────────────
def report_for(association: Association, year: int) -> AnnualReport:
    """The unit's report for the year; an unsaved draft if nothing was done yet."""
    report = AnnualReport.objects.filter(association=association, year=year).first()
    return report or AnnualReport(association=association, year=year)


def report_history(report: AnnualReport) -> QuerySet[ReportTransition]:
    if report.pk is None:
        return ReportTransition.objects.none()
    return report.transitions.select_related("by").order_by("at", "id")


def override_history(report: AnnualReport) -> QuerySet[FigureOverride]:
    if report.pk is None:
        return FigureOverride.objects.none()
    return report.overrides.select_related("by").order_by("-at", "-id")


def deadline_for(parent: Association | None, year: int) -> ReportDeadline | None:
    if parent is None:
        return None
    return ReportDeadline.objects.filter(association=parent, year=year).first()


# A unit is staffed when it has an account that writes (`staff_accounts`), as the rules
# (`associations.permissions.without_staff`) decide who may act for it.
def has_staff(association: Association) -> bool:
    return staff_accounts().filter(association=association).exists()


def units_with_staff(associations: Iterable[Association]) -> set[int]:
    ids = [a.pk for a in associations]
    rows = staff_accounts().filter(association_id__in=ids).values_list("association_id", flat=True)
    return set(rows.distinct())


def units_to_enter_for(parent: Association, year: int) -> QuerySet[Association]:
    """Direct children a parent may enter figures for: no staff account, report still editable."""
    staffed = staff_accounts().values("association_id")
    locked = AnnualReport.objects.filter(year=year).exclude(status__in=EDITABLE_STATUSES)
    return (
        parent.children.filter(active_during(year))
        .exclude(pk__in=staffed)
        .exclude(pk__in=locked.values("association_id"))
        .order_by("path")
    )


def is_late(report: AnnualReport | None, due_on: dt.date | None, today: dt.date) -> bool:
    """Not submitted by the deadline, or first submitted after it."""
    if due_on is None:
        return False
    first = report.first_submitted_at if report is not None else None
    if first is None:
        return today > due_on
    return timezone.localdate(first) > due_on


# ── Compilation (汇总) ─────────────────────────────────────────────────────────
SOURCE_SNAPSHOT = "snapshot"
SOURCE_LIVE = "live"


@dataclass
class ChildRow:
    association: Association
    report: AnnualReport | None
    status: str
    late: bool
    has_staff: bool
    figures: dict[str, FigureValue] | None  # None: missing (no approved snapshot)
    overridden: set[str]
    values: list[tuple[str, bool]] | None  # (text, entered by parent), aligned with the codes

    @property
    def status_label(self) -> str:
        return str(ReportStatus(self.status).label)

    @property
    def missing(self) -> bool:
        return self.figures is None


@dataclass
class Compilation:
    parent: Association
    year: int
    source: str
    codes: list[str]
    deadline: ReportDeadline | None
    rows: list[ChildRow]
    total: dict[str, FigureValue]

    @property
    def columns(self) -> list[catalog.Indicator]:
        return [INDICATORS[code] for code in self.codes]

    @property
    def total_values(self) -> list[str]:
        return [format_figure(self.total[code], code) for code in self.codes]

    @property
    def missing_count(self) -> int:
        return sum(1 for row in self.rows if row.missing)

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        counts = {status: 0 for status in ReportStatus.values}
        for row in self.rows:
            counts[row.status] += 1
        return [(s, str(ReportStatus(s).label), counts[s]) for s in ReportStatus.values]

    @property
    def late_count(self) -> int:
        return sum(1 for row in self.rows if row.late)


def active_children(parent: Association, year: int) -> list[Association]:
    """The rows of a compilation: the same children as `catalog.evaluate_children` lists."""
    return list(parent.children.filter(active_during(year)).order_by("path"))


def sum_figures(figure_sets: Iterable[dict[str, FigureValue]], codes: list[str]):
    """Counts and amounts added up; rates rebuilt from summed numerators and denominators."""
    total: dict[str, FigureValue] = {}
    figure_sets = list(figure_sets)
    for code in codes:
        values = [figures[code] for figures in figure_sets if code in figures]
        if INDICATORS[code].kind == Kind.RATE:
            total[code] = Rate(
                sum((v.numerator for v in values), 0), sum((v.denominator for v in values), 0)
            )
        else:
            zero = Decimal(0) if INDICATORS[code].kind in DECIMAL_KINDS else 0
            total[code] = sum(values, zero)
    return total


def compilation(
    parent: Association, year: int, *, source: str, codes: list[str], today: dt.date | None = None
) -> Compilation:
    """The parent's direct children × `codes`, from approved snapshots or live data.

    A fixed number of queries: children, their reports, their overrides, staff,
    the deadline, plus one query per catalog source in live mode.
    """
    today = today or timezone.localdate()
    if source == SOURCE_LIVE:
        evaluated = catalog.evaluate_children(parent, year, codes)
        children = [child for child, _figures in evaluated]
    else:
        children = active_children(parent, year)
    reports = {
        r.association_id: r
        for r in AnnualReport.objects.filter(association__in=children, year=year)
    }
    deadline = deadline_for(parent, year)
    staffed = units_with_staff(children)

    if source == SOURCE_LIVE:
        entered: dict[int, list[FigureOverride]] = {}
        for row in FigureOverride.objects.filter(report__in=reports.values()).order_by(
            "report_id", "code", "at", "id"
        ):
            entered.setdefault(row.report_id, []).append(row)
        figures_by_child = {}
        for child, figures in evaluated:
            report = reports.get(child.pk)
            latest = {o.code: o for o in entered.get(report.pk, [])} if report else {}
            latest = {code: o for code, o in latest.items() if code in INDICATORS}
            figures_by_child[child.pk] = (
                apply_overrides(figures, _override_values(latest.values())),
                set(latest),
            )

    rows = []
    for child in children:
        report = reports.get(child.pk)
        if source == SOURCE_LIVE:
            figures, overridden = figures_by_child[child.pk]
        elif report is not None and report.is_approved and report.snapshot:
            frozen = snapshot_figures(report) or {}
            figures = {code: frozen[code] for code in codes if code in frozen}
            overridden = set(report.snapshot.get("overridden", []))
        else:
            figures, overridden = None, set()
        rows.append(
            ChildRow(
                association=child,
                report=report,
                status=report.status if report else ReportStatus.DRAFT,
                late=is_late(report, deadline.due_on if deadline else None, today),
                has_staff=child.pk in staffed,
                figures=figures,
                overridden=overridden,
                values=None
                if figures is None
                else [
                    (
                        format_figure(figures[code], code) if code in figures else "—",
                        code in overridden,
                    )
                    for code in codes
                ],
            )
        )
    total = sum_figures((row.figures for row in rows if row.figures is not None), codes)
    return Compilation(parent, year, source, codes, deadline, rows, total)


def sections_of_catalog() -> list[tuple[str, str]]:
    """(section code, title) in catalog order, for the compilation's column picker."""
    seen: dict[str, str] = {}
    for spec in INDICATORS.values():
        seen.setdefault(spec.section, section_title(spec.section))
    return list(seen.items())


def compilation_codes(section: str | None) -> list[str]:
    """The columns: a chosen catalog section, else those of the main annual tables."""
    if section in {code for code, _title in sections_of_catalog()}:
        return [code for code, spec in INDICATORS.items() if spec.section == section]
    return table_codes(MAIN_TABLES)


# ── A unit's report page ──────────────────────────────────────────────────────
@dataclass
class ReportOverview:
    report: AnnualReport
    transitions: QuerySet[ReportTransition]
    entered: QuerySet[FigureOverride]  # every figure entered on the unit's behalf, newest first
    figures: dict[str, FigureValue]
    sections: list[Section]
    drift: list[Drift]
    overridden: set[str]
    deadline: ReportDeadline | None
    late: bool
    staffed: bool
    catalog_changed: bool  # the snapshot was taken under other indicator definitions
    returned: ReportTransition | None  # while returned: the return (who, when, why)


def last_return(
    report: AnnualReport, transitions: QuerySet[ReportTransition]
) -> ReportTransition | None:
    """The move that sent the report back, while it is still returned (the page shows its
    reason at the top); reads the transitions the page lists anyway."""
    if report.status != ReportStatus.RETURNED:
        return None
    returns = [t for t in transitions if t.to_status == ReportStatus.RETURNED]
    return returns[-1] if returns else None


def report_overview(report: AnnualReport, today: dt.date | None = None) -> ReportOverview:
    """What the report page shows: the frozen figures once approved (with any drift), else live."""
    today = today or timezone.localdate()
    entered = overrides_in_effect(report)
    live = live_figures(report, entered)
    frozen = snapshot_figures(report) if report.is_approved else None
    if frozen is not None:
        overridden = set(report.snapshot.get("overridden", []))
        shown, changes = frozen, drift(frozen, live)
    else:
        overridden = set(entered)
        shown, changes = live, []
    deadline = deadline_for(report.association.parent, report.year)
    transitions = report_history(report)
    return ReportOverview(
        report=report,
        transitions=transitions,
        entered=override_history(report),
        figures=shown,
        sections=figure_sections(shown, overridden),
        drift=changes,
        overridden=overridden,
        deadline=deadline,
        late=is_late(report, deadline.due_on if deadline else None, today),
        staffed=has_staff(report.association),
        catalog_changed=frozen is not None and report.catalog_version != catalog_version(),
        returned=last_return(report, transitions),
    )


# ── The drafted work report ───────────────────────────────────────────────────
def work_report_for(association: Association, year: int) -> WorkReport | None:
    return WorkReport.objects.filter(association=association, year=year).first()


def work_report_draft(report: WorkReport, version: models.Model | None = None) -> narrative.Draft:
    """The saved draft (or one of its historical `version`s) as a `narrative.Draft`."""
    row = version or report
    return narrative.Draft.stored(
        report.association,
        report.year,
        title=row.title,
        salutation=row.salutation,
        content=row.content,
        figures=row.figures,
    )


@dataclass(frozen=True)
class WorkReportVersion:
    history_id: int
    version: int
    at: dt.datetime
    who: str
    reason: str


def work_report_versions(report: WorkReport | None) -> list[WorkReportVersion]:
    """Every saved version, newest first: who saved it, when and why."""
    if report is None:
        return []
    rows = report.history.select_related("history_user").order_by("-history_date", "-history_id")
    return [
        WorkReportVersion(
            row.history_id,
            row.version,
            row.history_date,
            _actor(row.history_user),
            row.history_change_reason or "",
        )
        for row in rows
    ]


def _actor(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else _("系统")


def attached_work_report(association: Association, year: int) -> dict | None:
    """The unit's current work report as it goes up with the submission: plain text,
    version, who saved it and when (None when nothing was saved)."""
    report = work_report_for(association, year)
    if report is None:
        return None
    latest = work_report_versions(report)[0]
    return {
        **work_report_draft(report).plain(),
        "version": report.version,
        "saved_by": latest.who,
        "saved_at": timezone.localtime(latest.at).strftime("%Y-%m-%d %H:%M"),
    }
