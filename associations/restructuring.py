"""What moving or dissolving an association touches, shown before staff confirm, and what a
dissolution must settle first.

The apps above keep the records (members, households, posts, events …): each describes its
own in `<app>/restructuring.py` with a registered `Part`, discovered like the spreadsheet kinds,
so this module imports none of them. `association_dissolve` lets each part settle the unit's
records (members transferred or their membership ended) and refuses while a part still
names a blocker.

Moves are not dated: figures attribute records to the association they belong to now, so a
move (or a transfer of members) changes the figures of every year since the moved records
began, for the units that lose them and those that gain them. The preview lists those years
and the approved annual reports whose frozen figures will no longer match the live ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from .models import Association, Level
from .selectors import subtree_level_counts
from .years import last_year


@dataclass(frozen=True)
class Touched:
    """A kind of record a change carries along: what, how many, and an optional note."""

    label: str
    count: int
    note: str = ""


class Part:
    """One app's records under an association. Subclass in `<app>/restructuring.py` and
    decorate with `@register`; every method has a harmless default."""

    def touched(self, association: Association) -> list[Touched]:
        """The app's records in the association's subtree (shown in both previews)."""
        return []

    def first_year(self, association: Association) -> int | None:
        """The earliest year any of those records counts in (None: none)."""
        return None

    def active_members(self, association: Association) -> int:
        """Members of this unit itself still in the roll (they must go before it does)."""
        return 0

    def dissolve(
        self,
        *,
        by,
        association: Association,
        dissolved_on: dt.date,
        members_to: Association | None,
        end_memberships: bool,
    ) -> None:
        """Settle the unit's records before it is dissolved (inside its transaction)."""

    def blockers(self, association: Association) -> list[str]:
        """Why the unit may not be dissolved yet, in the user's words."""
        return []


_parts: list[Part] = []
_discovered = False


def register(part: type[Part]) -> type[Part]:
    _parts.append(part())
    return part


def parts() -> list[Part]:
    global _discovered
    if not _discovered:
        autodiscover_modules("restructuring")
        _discovered = True
    return _parts


@dataclass
class Preview:
    """What a move or a dissolution changes, for the confirmation page."""

    units: list[tuple[str, int]]  # (level, current associations of that level) in the subtree
    records: list[Touched]
    years: range  # the years whose figures change (empty: none)
    losing: list[Association]  # units whose figures fall
    gaining: list[Association]  # units whose figures rise
    drift: list = field(default_factory=list)  # approved annual reports that will drift
    active_members: int = 0


def _chain(association: Association | None) -> list[Association]:
    """The association and its ancestors, nearest first."""
    if association is None:
        return []
    return [association, *reversed(list(association.ancestors()))]


def _first_year(association: Association) -> int | None:
    years = [year for part in parts() if (year := part.first_year(association)) is not None]
    return min(years) if years else None


def approved_reports(units: list[Association], years: range) -> list:
    """Approved annual reports of `units` for `years`: their frozen figures stay as approved
    while the live ones change (the reports app sits above: read through the app registry)."""
    if not units or not years or not apps.is_installed("reports"):
        return []
    report = apps.get_model("reports", "AnnualReport")
    approved = "approved"  # reports.models.ReportStatus.APPROVED
    rows = report.objects.filter(association__in=units, year__in=list(years), status=approved)
    return list(rows.select_related("association").order_by("-year", "association__path"))


def active_members(association: Association) -> int:
    """Members of the unit itself still in the roll."""
    return sum(part.active_members(association) for part in parts())


def _preview(
    association: Association, old: list[Association], new: list[Association], since: int
) -> Preview:
    """The preview of records leaving the units in `old` (a chain, nearest first) for those in
    `new`: their shared ancestors keep their totals; every year from `since` changes."""
    shared = {a.pk for a in old} & {a.pk for a in new}
    losing = [a for a in old if a.pk not in shared]
    gaining = [a for a in new if a.pk not in shared]
    counts = subtree_level_counts(association, current=True)
    years = range(since, last_year() + 1)
    return Preview(
        units=[(Level(level).label, n) for level, n in counts.items() if n],
        records=[t for part in parts() for t in part.touched(association)],
        years=years,
        losing=losing,
        gaining=gaining,
        drift=approved_reports([*losing, *gaining], years),
        active_members=active_members(association),
    )


def move_preview(association: Association, new_parent: Association) -> Preview:
    """Moving `association` under `new_parent`: its old ancestors lose its figures and the new
    ones gain them, for every year since its records began (moves are not dated)."""
    first = _first_year(association)
    since = first if first is not None else last_year() + 1
    return _preview(association, _chain(association.parent), _chain(new_parent), since)


def dissolve_preview(
    association: Association, dissolved_on: dt.date, members_to: Association | None
) -> Preview:
    """Dissolving `association` on `dissolved_on`: it stops counting from that year; members
    transferred to `members_to` count there instead for every year since they joined."""
    since = dissolved_on.year
    if members_to is not None and (first := _first_year(association)) is not None:
        since = min(since, first)
    return _preview(association, _chain(association), _chain(members_to), since)


def settle_for_dissolution(
    *,
    by,
    association: Association,
    dissolved_on: dt.date,
    members_to: Association | None,
    end_memberships: bool,
) -> list[str]:
    """Let every part settle the unit's records; what still stops the dissolution."""
    for part in parts():
        part.dissolve(
            by=by,
            association=association,
            dissolved_on=dissolved_on,
            members_to=members_to,
            end_memberships=end_memberships,
        )
    return [message for part in parts() for message in part.blockers(association)]


def blockers_message(blockers: list[str]) -> str:
    return _("不能撤销：%(why)s") % {"why": "；".join(blockers)}
