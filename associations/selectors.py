"""Reads over the association network that span rows or relations."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from .models import ALLOWED_PARENT_LEVELS, Association, Level, PersonalDataAccess


def subtree(
    association: Association, *, on: dt.date | None = None, current: bool = False
) -> QuerySet[Association]:
    """The association and everything under it, at any depth (one indexed prefix query).

    `on` keeps those active that day; `current` keeps those not dissolved.
    """
    queryset = Association.objects.within(association)
    if on:
        queryset = queryset.active_on(on)
    if current:
        queryset = queryset.current()
    return queryset


# Levels whose subtree is small enough (a town: a few thousand members) to search names by
# any part; above them a name is matched from its start, through an index.
LARGE_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY)


def in_subtree(queryset: QuerySet, user, association: Association) -> QuerySet:
    """Rows of a model with an `association` key under `association` that `user` may see,
    found by the associations' keys (a hashed look-up of at most a few thousand) instead of
    joining every row of a large table to its association's path."""
    keys = Association.objects.visible_within(user, association).values("pk")
    return queryset.filter(association__in=keys)


def subtree_level_counts(
    association: Association, *, on: dt.date | None = None, current: bool = False
) -> dict[str, int]:
    """How many associations of each level the subtree holds (the scope itself included)."""
    rows = (
        subtree(association, on=on, current=current)
        .values("level")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {level: 0 for level in Level.values}
    counts.update({row["level"]: row["n"] for row in rows})
    return counts


def children_with_counts(association: Association) -> QuerySet[Association]:
    """Direct children, each annotated with its own current direct-children count."""
    return association.children.annotate(
        child_count=Count("children", filter=Q(children__dissolved_on__isnull=True))
    ).order_by("dissolved_on", "level", "code")


def association_choices(user, *, levels: tuple[str, ...] | None = None) -> QuerySet[Association]:
    """Associations a user may pick in a form: visible, not dissolved, optionally by level."""
    queryset = Association.objects.visible_to(user).current()
    if levels:
        queryset = queryset.filter(level__in=levels)
    return queryset.only("id", "code", "name", "level", "path")


def association_search(
    user,
    q: str = "",
    *,
    levels: tuple[str, ...] | None = None,
    current: bool = True,
    outside: Association | None = None,
) -> QuerySet[Association]:
    """Associations a user may pick, matching `q` in the name (part) or the code (start),
    the higher levels first; `current` leaves dissolved ones out, `outside` a subtree."""
    queryset = Association.objects.visible_to(user)
    if current:
        queryset = queryset.current()
    if levels:
        queryset = queryset.filter(level__in=levels)
    if outside is not None:
        queryset = queryset.exclude(path__startswith=outside.path)
    q = q.strip()
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(code__startswith=q))
    return queryset.select_related("parent").order_by("depth", "path")


def move_targets(user, association: Association, q: str = "") -> QuerySet[Association]:
    """Where an association may be moved: current parents of an allowed level that the
    user may change, outside its own subtree, other than its parent now."""
    levels = tuple(level for level in ALLOWED_PARENT_LEVELS[association.level] if level)
    return association_search(user, q, levels=levels, outside=association).exclude(
        pk=association.parent_id
    )


def children_with_counts_in_subtree(
    association: Association, *, max_depth: int, path_to: Association | None = None
) -> QuerySet[Association]:
    """The subtree down to `max_depth`, in tree order, each node with its direct-children
    count; with `path_to`, also every node on the way down to it (a search's match)."""
    shown = Q(depth__lte=max_depth)
    if path_to is not None:
        shown |= Q(pk__in=path_to.ancestors().values("pk")) | Q(pk=path_to.pk)
    return (
        subtree(association)
        .filter(shown)
        .annotate(child_count=Count("children", filter=Q(children__dissolved_on__isnull=True)))
        .order_by("path")
    )


def nest(nodes: list[Association]) -> list[tuple[Association, list]]:
    """Turn a path-ordered list into (node, children) pairs for display as a tree."""
    roots: list[tuple[Association, list]] = []
    by_pk: dict[int, list] = {}
    for node in nodes:
        entry: tuple[Association, list] = (node, [])
        by_pk[node.pk] = entry[1]
        (by_pk.get(node.parent_id, roots)).append(entry)
    return roots


def personal_data_accesses(
    user,
    *,
    username: str = "",
    kind: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[PersonalDataAccess]:
    """Reveals of personal data in the user's scope, newest first, optionally filtered."""
    rows = PersonalDataAccess.objects.visible_to(user).select_related("by", "association")
    if username:
        rows = rows.filter(by__username=username.strip())
    if kind:
        rows = rows.filter(kind=kind)
    if since:
        rows = rows.filter(at__date__gte=since)
    if until:
        rows = rows.filter(at__date__lte=until)
    return rows
