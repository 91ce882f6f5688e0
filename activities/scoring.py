"""How item scores make an assessment's total (目标管理考核), in one place: the services
store the total, the pages show the sections, the reports rank by the total.

An item counts its score as it is, except in a group with a weight: the group counts
(its items' scores ÷ their points) × the weight. E.g. a group weighted 40 whose two
10-point items scored 10 and 9 counts 19 ÷ 20 × 40 = 38. The total is rounded to 0.01
(half up) once, at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .models import AssessmentGroup, AssessmentItem

CENT = Decimal("0.01")
ZERO = Decimal(0)


def rounded(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Section:
    """A group of items (or the items outside any group) and what it counts."""

    group: AssessmentGroup | None
    items: list[AssessmentItem] = field(default_factory=list)
    earned: Decimal = ZERO  # the items' scores
    points: Decimal = ZERO  # the items' full points

    @property
    def weighted(self) -> bool:
        return self.group is not None and self.group.weight is not None

    @property
    def counted(self) -> Decimal:
        """What the section adds to the total."""
        if not self.weighted:
            return self.earned
        if not self.points:
            return ZERO
        return self.earned / self.points * self.group.weight

    @property
    def counted_max(self) -> Decimal:
        return self.group.weight if self.weighted else self.points


def sections(items: Iterable[AssessmentItem], scores: Mapping[int, Decimal]) -> list[Section]:
    """The template's items (in order, groups fetched) by group, in the order of each
    group's first item; `scores` by item pk (an item without one scored 0)."""
    by_group: dict[int | None, Section] = {}
    for item in items:
        section = by_group.setdefault(item.group_id, Section(item.group))
        section.items.append(item)
        section.earned += scores.get(item.pk, ZERO)
        section.points += item.points
    return list(by_group.values())


def total(parts: Iterable[Section]) -> Decimal:
    return rounded(sum((part.counted for part in parts), ZERO))


def maximum(parts: Iterable[Section]) -> Decimal:
    return rounded(sum((part.counted_max for part in parts), ZERO))
