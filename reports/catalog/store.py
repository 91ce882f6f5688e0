"""Stored figures: every figure costs the same at any scale.

The catalog (`engine`) defines every figure as an aggregate over records; computed live, a
city's report scans hundreds of thousands of rows. Here each (association, year) keeps its
figures in `StoredFigures`:

- `own`: the additive figures of the rows the association owns itself (one grouped query per
  source computes them for any number of associations);
- `subtree`: every count and amount of its whole subtree — for additive figures the sum of its
  own and its children's subtree figures, for the others (distinct people who may hold posts or
  liaise in several associations) an aggregate over the subtree's rows.

A scope's figures are then one row; its children's, one row each; rates are rebuilt from
their stored parts. A write marks the association that owns the changed row (`mark`, from the
model signals below, or `records_changed` after a bulk import) for every stored year; the
refresh task recomputes the marked associations' own figures and walks up their ancestors.
A page reading a scope with a few marks under it refreshes them first; with many (a large
import still being worked off) it shows the stored figures "as of" their computation.
Past years stay exact: a change to an old record marks the old years too.

`evaluate_live` (in `engine`) stays the definition; a test holds the two equal for every
indicator, scope and year of a hand-built world.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, models, transaction
from django.db.models import Case, IntegerField, Value, When
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from associations.models import Association, active_during
from associations.signals import records_changed
from associations.years import last_year
from reports.models import FigureRefresh, StoredFigures

from . import engine
from .engine import DECIMAL_KINDS, INDICATORS, FigureValue, Kind, Source

logger = logging.getLogger(__name__)

# A page refreshes inline when at most this many associations under it are out of date and
# its subtree is no bigger than this (a town); otherwise it reads the figures "as of".
INLINE_REFRESH_LIMIT = 60
INLINE_SUBTREE_LIMIT = 200
Raw = dict[str, Any]


class Figures(dict):
    """A scope's figures by code; `as_of` is when the oldest of them was computed, and
    `stale` says some records under the scope changed since (being refreshed)."""

    as_of: dt.datetime | None = None
    stale: bool = False


def stored_years(today: dt.date | None = None) -> range:
    """The years kept in store: the last ten and the next one (older years are computed live)."""
    first = getattr(settings, "FIGURES_STORED_FROM", None)
    end = last_year(today)
    return range(first or end - 11, end + 1)


def catalog_version() -> str:
    """Stored figures computed under other definitions are not used (a rebuild redoes them)."""
    import hashlib

    spec = "|".join(
        f"{code}:{spec.kind}:{spec.additive}:{spec.numerator or ''}:{spec.denominator or ''}"
        for code, spec in sorted(INDICATORS.items())
    )
    return hashlib.sha1(spec.encode(), usedforsecurity=False).hexdigest()[:16]


STORED_CODES = [code for code, spec in INDICATORS.items() if spec.kind != Kind.RATE]
ADDITIVE_CODES = [code for code in STORED_CODES if INDICATORS[code].additive]
OTHER_CODES = [code for code in STORED_CODES if not INDICATORS[code].additive]


def _owner(src: Source) -> str:
    """The lookup of the owning association's id, from the source's path lookup."""
    return "pk" if src.scope_lookup == "path" else src.scope_lookup.removesuffix("__path")


def _jsonable(raw: Raw) -> Raw:
    return {
        code: str(value) if isinstance(value, Decimal) else value for code, value in raw.items()
    }


def _number(code: str, value: Any) -> int | Decimal:
    if INDICATORS[code].kind in DECIMAL_KINDS:
        return Decimal(str(value or 0))
    return int(value or 0)


# ── Computing ─────────────────────────────────────────────────────────────────
def own_figures(year: int, codes: list[str], owners: Iterable[int] | None = None) -> dict[int, Raw]:
    """Each association's figures over the rows it owns itself: one grouped query a source."""
    result: dict[int, Raw] = defaultdict(dict)
    owner_ids = None if owners is None else list(owners)
    for src, figures in engine.plan(set(codes), year):
        owner = _owner(src)
        rows = src.rows(year)
        if owner_ids is not None:
            rows = rows.filter(**{f"{owner}__in": owner_ids})
        grouped = rows.values(owner).order_by().annotate(**engine.aggregates(figures))
        for row in grouped:
            result[row[owner]].update(engine.by_code(row, figures))
    return result


def units_figures(units: list[Association], year: int, codes: list[str]) -> dict[int, Raw]:
    """The figures of several disjoint subtrees at once (one query a source, each row labelled
    with the unit whose subtree holds it) — the non-additive figures of internal nodes."""
    result: dict[int, Raw] = {unit.pk: {} for unit in units}
    if not units:
        return result
    for src, figures in engine.plan(set(codes), year):
        prefix = f"{src.scope_lookup}__startswith"
        label = Case(
            *[When(**{prefix: unit.path}, then=Value(unit.pk)) for unit in units],
            default=None,
            output_field=IntegerField(),
        )
        # The same prefixes as a filter, so a small subtree is found through the indexes.
        within = models.Q()
        for unit in units:
            within |= models.Q(**{prefix: unit.path})
        rows = (
            src.rows(year)
            .filter(within)
            .annotate(_unit=label)
            .exclude(_unit=None)
            .values("_unit")
            .order_by()
            .annotate(**engine.aggregates(figures))
        )
        for row in rows:
            result[row["_unit"]].update(engine.by_code(row, figures))
    return result


def _by_depth(nodes: Iterable[Association]) -> dict[int, list[Association]]:
    levels: dict[int, list[Association]] = defaultdict(list)
    for node in nodes:
        levels[node.depth].append(node)
    return levels


def _save(rows: dict[int, tuple[Raw, Raw]], year: int) -> None:
    now, version = timezone.now(), catalog_version()
    StoredFigures.objects.bulk_create(
        [
            StoredFigures(
                association_id=pk,
                year=year,
                own=_jsonable(own),
                subtree=_jsonable(subtree),
                catalog_version=version,
                computed_at=now,
            )
            # Always in the same order, so two refreshes of overlapping trees (the worker and a
            # page catching up) lock the rows in one order and never deadlock.
            for pk, (own, subtree) in sorted(rows.items())
        ],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["association", "year"],
        update_fields=["own", "subtree", "catalog_version", "computed_at"],
    )


def _sum_into(total: Raw, part: Raw) -> None:
    for code in ADDITIVE_CODES:
        if code in part:
            total[code] = _number(code, total.get(code)) + _number(code, part[code])


def refresh(year: int, dirty: Iterable[int]) -> int:
    """Recompute the stored figures of `dirty` associations and of all their ancestors for
    `year`; returns how many rows were written."""
    dirty = set(dirty)
    if not dirty:
        return 0
    touched = list(Association.objects.filter(pk__in=dirty))
    prefixes = {prefix for node in touched for prefix in _ancestor_paths(node)}
    affected = list(Association.objects.filter(path__in=prefixes))
    affected_ids = {node.pk for node in affected}
    fresh_own = own_figures(year, ADDITIVE_CODES, dirty)
    stored = {
        row.association_id: row
        for row in StoredFigures.objects.filter(
            year=year, catalog_version=catalog_version()
        ).filter(
            models.Q(association_id__in=affected_ids)
            | models.Q(association__parent_id__in=affected_ids)
        )
    }
    children: dict[int, list[int]] = defaultdict(list)
    for child_id, parent_id in Association.objects.filter(parent_id__in=affected_ids).values_list(
        "pk", "parent_id"
    ):
        children[parent_id].append(child_id)
    missing = [
        child
        for kids in children.values()
        for child in kids
        if child not in stored and child not in affected_ids
    ]
    if missing:
        # Children never computed (new, a year never stored, a version change): compute their
        # whole subtrees first, since their own children have no rows either.
        below = models.Q()
        for path in Association.objects.filter(pk__in=missing).values_list("path", flat=True):
            below |= models.Q(path__startswith=path)
        rebuild(year, Association.objects.filter(below))
        stored.update(
            {
                row.association_id: row
                for row in StoredFigures.objects.filter(
                    year=year, association_id__in=missing, catalog_version=catalog_version()
                )
            }
        )
    # The distinct-person figures of each affected subtree, one subtree at a time: a
    # village's is quick, the root's reads every row of its sources once.
    others: dict[int, Raw] = {}
    if OTHER_CODES:
        for node in affected:
            others.update(units_figures([node], year, OTHER_CODES))
    rows: dict[int, tuple[Raw, Raw]] = {}
    subtrees: dict[int, Raw] = {}
    for node in sorted(affected, key=lambda a: -a.depth):
        if node.pk in dirty:
            own = fresh_own.get(node.pk, {})
        else:
            own = (
                dict(stored[node.pk].own)
                if node.pk in stored
                else own_figures(year, ADDITIVE_CODES, [node.pk]).get(node.pk, {})
            )
        subtree: Raw = {}
        _sum_into(subtree, own)
        for child in children.get(node.pk, []):
            if child in subtrees:  # recomputed this round (possibly all zero: empty)
                _sum_into(subtree, subtrees[child])
            elif child in stored:
                _sum_into(subtree, stored[child].subtree)
        subtree.update(others.get(node.pk, {}))
        subtrees[node.pk] = subtree
        rows[node.pk] = (own, subtree)
    _save(rows, year)
    return len(rows)


def units_figures_by_depth(nodes: list[Association], year: int) -> dict[int, Raw]:
    """The non-additive figures of each node's subtree: disjoint nodes of one depth at a time."""
    result: dict[int, Raw] = {}
    if not OTHER_CODES:
        return result
    for level in _by_depth(nodes).values():
        result.update(units_figures(level, year, OTHER_CODES))
    return result


def _ancestor_paths(node: Association) -> list[str]:
    parts = node.path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def rebuild(year: int, nodes: models.QuerySet[Association] | None = None) -> int:
    """Compute from scratch the stored figures of `nodes` (default: every association) for
    `year`: one grouped query a source for everyone's own figures, then subtrees bottom-up."""
    nodes = list(nodes if nodes is not None else Association.objects.all())
    ids = {node.pk for node in nodes}
    everyone = ids if len(ids) < 500 else None  # filtering by thousands of ids costs more
    own = own_figures(year, STORED_CODES, everyone)
    parents = dict(Association.objects.filter(pk__in=ids).values_list("pk", "parent_id"))
    has_children = set(
        Association.objects.filter(parent_id__in=ids).values_list("parent_id", flat=True)
    )
    internal = [node for node in nodes if node.pk in has_children]
    others = units_figures_by_depth(internal, year)
    stored_children = {}
    outside = Association.objects.filter(parent_id__in=ids).exclude(pk__in=ids)
    if outside.exists():  # children not being rebuilt: their stored subtrees
        stored_children = {
            row.association_id: row.subtree
            for row in StoredFigures.objects.filter(
                year=year, association__in=outside, catalog_version=catalog_version()
            )
        }
    subtrees: dict[int, Raw] = defaultdict(dict)
    rows: dict[int, tuple[Raw, Raw]] = {}
    for pk, subtree in stored_children.items():
        subtrees[pk] = subtree
    for node in sorted(nodes, key=lambda a: -a.depth):
        mine = own.get(node.pk, {})
        own_additive = {code: mine[code] for code in ADDITIVE_CODES if code in mine}
        subtree = subtrees[node.pk]
        _sum_into(subtree, own_additive)
        if node.pk in has_children:
            subtree.update(others.get(node.pk, {}))
        else:  # a leaf's subtree is itself: its own distinct counts are the subtree's
            subtree.update({code: mine[code] for code in OTHER_CODES if code in mine})
        rows[node.pk] = (own_additive, subtree)
        parent = parents.get(node.pk)
        if parent is not None:
            _sum_into(subtrees[parent], subtree)
    _save(rows, year)
    return len(rows)


# ── Reading ───────────────────────────────────────────────────────────────────
def _pending(scope: Association, year: int) -> list[int]:
    return list(
        FigureRefresh.objects.filter(
            year=year, association__path__startswith=scope.path
        ).values_list("association_id", flat=True)[: INLINE_REFRESH_LIMIT + 1]
    )


def _catch_up(scope: Association, year: int) -> bool:
    """Refresh the few out-of-date associations under a small `scope` now (a town and
    below: it takes milliseconds); above that, or with many pending, the figures are shown
    as of their last computation while the task worker catches up. True if stale."""
    pending = _pending(scope, year)
    if not pending:
        return False
    small = Association.objects.within(scope)[: INLINE_SUBTREE_LIMIT + 1].count()
    if len(pending) > INLINE_REFRESH_LIMIT or small > INLINE_SUBTREE_LIMIT:
        return True
    try:
        with transaction.atomic():
            refresh(year, pending)
            FigureRefresh.objects.filter(year=year, association_id__in=pending).delete()
    except OperationalError:  # another refresh holds these rows: read them as they are
        logger.warning("Inline refresh of %s/%s gave way to a concurrent one", scope.pk, year)
        return True
    return False


def _finish(raw: Raw, codes: list[str]) -> dict[str, FigureValue]:
    return engine.finish({code: value for code, value in raw.items()}, codes)


def _read(associations: list[Association], year: int) -> dict[int, StoredFigures]:
    rows = {
        row.association_id: row
        for row in StoredFigures.objects.filter(
            year=year,
            association__in=associations,
            catalog_version=catalog_version(),
        )
    }
    missing = [a for a in associations if a.pk not in rows]
    if missing:
        refresh(year, [a.pk for a in missing])
        rows.update(
            {
                row.association_id: row
                for row in StoredFigures.objects.filter(
                    year=year, association__in=missing, catalog_version=catalog_version()
                )
            }
        )
    return rows


def evaluate(scope: Association, year: int, codes: Iterable[str] | None = None) -> Figures:
    """Every requested indicator (default: all) for the scope's subtree in `year`."""
    codes = list(codes) if codes is not None else list(INDICATORS)
    if year not in stored_years():
        return Figures(engine.evaluate_live(scope, year, codes))
    stale = _catch_up(scope, year)
    row = _read([scope], year)[scope.pk]
    figures = Figures(_finish(row.subtree, codes))
    figures.as_of, figures.stale = row.computed_at, stale
    return figures


def evaluate_children(
    scope: Association, year: int, codes: Iterable[str] | None = None
) -> list[tuple[Association, Figures]]:
    """The same figures for each of the scope's direct children active that year."""
    codes = list(codes) if codes is not None else list(INDICATORS)
    if year not in stored_years():
        return [(c, Figures(f)) for c, f in engine.evaluate_children_live(scope, year, codes)]
    children = list(scope.children.filter(active_during(year)).order_by("path"))
    return evaluate_units(scope, children, year, codes)


def evaluate_units(
    scope: Association, units: list[Association], year: int, codes: Iterable[str] | None = None
) -> list[tuple[Association, Figures]]:
    """The same figures for any units under `scope` (every village of a county, say), each
    unit's subtree: one stored row a unit, all read in one query."""
    codes = list(codes) if codes is not None else list(INDICATORS)
    if year not in stored_years():
        return [(unit, Figures(engine.evaluate_live(unit, year, codes))) for unit in units]
    stale = _catch_up(scope, year)
    rows = _read(units, year)
    result = []
    for unit in units:
        figures = Figures(_finish(rows[unit.pk].subtree, codes))
        figures.as_of, figures.stale = rows[unit.pk].computed_at, stale
        result.append((unit, figures))
    return result


def evaluate_with_yoy(
    scope: Association, year: int, codes: Iterable[str] | None = None
) -> dict[str, tuple[FigureValue, FigureValue, int | Decimal | float | None]]:
    """Each figure with last year's and the change (`yoy`)."""
    codes = list(codes) if codes is not None else list(INDICATORS)
    now, before = evaluate(scope, year, codes), evaluate(scope, year - 1, codes)
    return {
        code: (now[code], before[code], engine.change(now[code], before[code])) for code in codes
    }


# ── Marking what changed ──────────────────────────────────────────────────────
QUEUED_KEY = "figures-refresh-queued"


def mark(association_ids: Iterable[int], since: int | None = None) -> None:
    """The figures of these associations are out of date from year `since` on (default: every
    stored year), as part of the current transaction."""
    ids = {pk for pk in association_ids if pk is not None}
    if not ids:
        return
    years = [year for year in stored_years() if since is None or year >= since]
    FigureRefresh.objects.bulk_create(
        [FigureRefresh(association_id=pk, year=year) for pk in ids for year in years],
        ignore_conflicts=True,
    )
    if settings.FIGURES_REFRESH_AFTER_WRITES:
        transaction.on_commit(_enqueue_refresh)


def _enqueue_refresh() -> None:
    from reports.tasks import refresh_figures

    # One queued refresh works off every mark; don't queue another while one waits.
    if cache.add(QUEUED_KEY, True, timeout=300):
        refresh_figures.enqueue()


def work_off(limit: int = 5000) -> int:
    """Refresh every marked association (the task's body); returns how many marks were done."""
    done = 0
    cache.delete(QUEUED_KEY)
    while True:
        started = timezone.now()
        marks = list(
            FigureRefresh.objects.order_by("year", "marked_at").values_list(
                "pk", "association_id", "year"
            )[:limit]
        )
        if not marks:
            return done
        by_year: dict[int, set[int]] = defaultdict(set)
        for _pk, association_id, year in marks:
            by_year[year].add(association_id)
        for year, ids in by_year.items():
            try:
                with transaction.atomic():
                    refresh(year, ids)
                    # Marks made while this ran stay for the next round.
                    FigureRefresh.objects.filter(
                        year=year, association_id__in=ids, marked_at__lte=started
                    ).delete()
            except OperationalError:  # a page refreshing the same rows: try again later
                logger.warning("Refresh of %s associations for %s deferred", len(ids), year)
                _enqueue_refresh()
                return done
        done += len(marks)


# Which associations' figures a changed row affects. A member's details count where they are
# registered, where they hold posts and where the households they liaise with are.
def _owners(instance: models.Model) -> set[int | None]:
    from activities.models import Aid, Event, EventMaterial, Project, ProjectFunding
    from members.models import (
        DuesPayment,
        Household,
        HouseholdCertificate,
        LiaisonPair,
        Member,
        MembershipPeriod,
    )

    if isinstance(instance, Association):
        return {instance.pk, instance.parent_id}
    if isinstance(instance, Member):
        posts = instance.positions.values_list("association_id", flat=True)
        liaised = instance.liaisons.values_list("household__association_id", flat=True)
        return {instance.association_id, *posts, *liaised}
    if isinstance(instance, MembershipPeriod | DuesPayment):
        return {instance.member.association_id}
    if isinstance(instance, LiaisonPair | HouseholdCertificate):
        return {instance.household.association_id}
    if isinstance(instance, Household):
        return {instance.association_id}
    if isinstance(instance, Aid):
        return {
            instance.household.association_id,
            instance.project.association_id if instance.project_id else None,
        }
    if isinstance(instance, Project):
        aided = instance.aid.values_list("household__association_id", flat=True)
        return {instance.association_id, *aided}
    if isinstance(instance, EventMaterial):
        return {instance.event.association_id}
    if isinstance(instance, ProjectFunding):
        return {instance.project.association_id}
    if isinstance(instance, Event):
        return {instance.association_id}
    return {getattr(instance, "association_id", None)}


def _feeding_models() -> list[type[models.Model]]:
    from django.apps import apps

    labels = [
        "associations.Association",
        "members.Member",
        "members.MembershipPeriod",
        "members.MemberGroup",
        "members.OfficerPosition",
        "members.DuesPayment",
        "members.Household",
        "members.HouseholdCertificate",
        "members.IntegrityGroup",
        "members.LiaisonPair",
        "activities.Event",
        "activities.EventMaterial",
        "activities.Project",
        "activities.ProjectFunding",
        "activities.Aid",
        "activities.Award",
        "activities.Assessment",
        "activities.SelfGovernance",
        "activities.LedgerEntry",
        "reports.UnitContext",
    ]
    return [apps.get_model(label) for label in labels]


# The dates that place a record in time: a change counts from the earliest year among them
# (stocks of every later year change too). A record without one affects every year.
_DATE_FIELDS = (
    "joined_on",
    "left_on",
    "started_on",
    "ended_on",
    "given_on",
    "date",
    "paid_on",
    "issued_on",
    "founded_on",
    "dissolved_on",
    "contract_signed_on",
    "assessed_on",
    "charter_adopted_on",
)


def _first_year(instance: models.Model) -> int | None:
    if isinstance(instance, Association):
        return None  # a move or a dissolution re-attributes every year
    years = [
        value.year
        for name in _DATE_FIELDS
        if isinstance(value := getattr(instance, name, None), dt.date)
    ]
    if isinstance(getattr(instance, "year", None), int):
        years.append(instance.year)
    return min(years) if years else None


def _earliest(*years: int | None) -> int | None:
    return None if None in years else min(years)  # type: ignore[type-var]


def _before_save(sender, instance, raw=False, **kwargs) -> None:
    """Remember the owners and dates before an edit (a row moved to another association, or
    to another year, changes both the old and the new)."""
    if raw or instance.pk is None:
        return
    previous = type(instance)._base_manager.filter(pk=instance.pk).first()
    if previous is not None:
        instance._figures_before = (_owners(previous), _first_year(previous))


def _after_change(sender, instance, raw=False, **kwargs) -> None:
    if raw:
        return
    owners, since = getattr(instance, "_figures_before", (set(), _first_year(instance)))
    mark(_owners(instance) | owners, _earliest(_first_year(instance), since))


def _after_m2m(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        mark(_owners(instance), _first_year(instance))


def _after_bulk(sender, scope: Association | None = None, **kwargs) -> None:
    queryset = Association.objects.all() if scope is None else Association.objects.within(scope)
    mark(queryset.values_list("pk", flat=True))


def connect_signals() -> None:
    """Called once at start-up (ReportsConfig.ready)."""
    for model in _feeding_models():
        uid = f"figures-{model._meta.label_lower}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-pre")
        post_save.connect(_after_change, sender=model, dispatch_uid=f"{uid}-post")
        post_delete.connect(_after_change, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _after_m2m, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}"
            )
    records_changed.connect(_after_bulk, dispatch_uid="figures-records-changed")
