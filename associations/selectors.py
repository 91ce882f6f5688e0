"""Reads over the association network that span rows or relations."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from .models import Association, PersonalDataAccess


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


def children_with_counts_in_subtree(
    association: Association, *, max_depth: int
) -> QuerySet[Association]:
    """The subtree down to `max_depth`, in tree order, each node with its direct-children count."""
    return (
        subtree(association)
        .filter(depth__lte=max_depth)
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
