"""`evaluate_children`: one row per direct child, each the figure of that child's subtree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from associations.models import Association, Level
from associations.services import association_dissolve, system_actor
from reports.catalog import INDICATORS, Kind, Rate, engine, evaluate, evaluate_children
from reports.selectors import active_children
from tests.associations.factories import AssociationFactory

from .catalog_world import build_world


@pytest.fixture
def world(network):
    return build_world(network)


# The county's own records in 2024 (not under any town): itself, M12 (member, chair and
# executive vice-chair) and event E4 with its 40 letters and half a day of training, and
# the bureau's 100,000.
COUNTY_OWN_2024 = {
    "org.associations.total": 1,
    "org.associations.county": 1,
    "members.total": 1,
    "members.male": 1,
    "members.age.60_plus": 1,
    "officers.total": 1,
    "officers.title.chair": 1,
    "officers.title.executive_vice_chair": 1,
    "officers.title.executive_vice_chair.stepped_back": 1,
    "officers.title.executive_vice_chair.deputy_division": 1,
    "officers.stepped_back": 1,
    "officers.rank.deputy_division": 1,
    "events.training_days": Decimal("0.5"),
    "events.total": 1,
    "events.sept_25": 1,
    "events.participants": 50,
    "events.cost": Decimal("1000.50"),
    "events.participants.sept_25": 50,
    "events.cost.sept_25": Decimal("1000.50"),
    "events.materials": 40,
    "events.materials.letter": 40,
    "funds.income": Decimal("100000"),
    "funds.income.bureau": Decimal("100000"),
}


def test_towns_sum_to_the_county_minus_its_own_records(world):
    county = evaluate(world.county, 2024)
    rows = evaluate_children(world.county, 2024)
    assert [child for child, _figures in rows] == [world.town_a, world.town_b]
    mismatched = {}
    for code, spec in INDICATORS.items():
        if spec.kind == Kind.RATE:
            continue
        summed = sum(figures[code] for _child, figures in rows) + COUNTY_OWN_2024.get(code, 0)
        if summed != county[code]:
            mismatched[code] = (summed, county[code])
    assert not mismatched, mismatched


def test_each_town_row_is_its_subtree(world):
    rows = dict(evaluate_children(world.county, 2024))
    town_a, town_b = rows[world.town_a], rows[world.town_b]
    assert town_a["members.total"] == 5  # M1, M2, M3, M10, M11
    assert town_b["members.total"] == 2  # M7, M9
    assert town_a["events.total"] == 2  # E3 is town B's, town A only co-organised it
    assert town_b["events.total"] == 1
    assert town_a["rate.villages_with_fulltime_vice_chair"] == Rate(0, 3)
    assert town_b["rate.villages_with_fulltime_vice_chair"] == Rate(1, 1)  # b1
    assert town_a["rate.members_with_liaison"] == Rate(2, 5)  # M1, M2
    assert town_b["rate.members_with_liaison"] == Rate(1, 2)  # M9 (household in town A)
    assert town_b["rate.towns_with_fulltime_vice_chair"] == Rate(0, 1)
    # The rows agree with evaluating each town on its own.
    assert town_a == evaluate(world.town_a, 2024)
    assert town_b == evaluate(world.town_b, 2024)


def test_children_active_during_the_year_only(world):
    # village_a3 (dissolved 2024-06-30) is still a row for 2024, with its project;
    # village_new (founded 2025) is not a row until 2025.
    rows = dict(evaluate_children(world.town_a, 2024, ["org.associations.total", "projects.total"]))
    assert list(rows) == [
        world.community_a,
        world.village_a1,
        world.village_a2,
        world.village_a3,
        world.enterprise_a,
    ]
    assert rows[world.village_a3] == {"org.associations.total": 0, "projects.total": 1}
    assert rows[world.enterprise_a] == {"org.associations.total": 1, "projects.total": 0}
    assert [c for c, _f in evaluate_children(world.town_b, 2024, ["members.total"])] == [
        world.village_b1,
        world.branch_b,
    ]
    assert world.village_new in [c for c, _f in evaluate_children(world.town_b, 2025)]
    assert world.village_a3 not in [c for c, _f in evaluate_children(world.town_a, 2025)]


def test_a_leaf_has_no_children(world):
    assert evaluate_children(world.village_a2, 2024) == []


def test_child_without_records_gets_zeros_and_empty_rates(world):
    rows = dict(evaluate_children(world.town_b, 2024))
    branch = rows[world.branch_b]
    assert branch["org.associations.branch"] == 1
    assert branch["members.total"] == 0
    assert branch["funds.income"] == Decimal(0)
    assert branch["rate.members_with_liaison"].value is None


def test_a_child_dissolved_on_1_january_is_not_a_row_that_year(network):
    # Dissolution dates are exclusive (active on D means dissolved_on > D), so a
    # village dissolved on 1 Jan 2024 was active on no day of 2024: no row for
    # 2024, still a row for 2023. One dissolved on 2 Jan was active on 1 Jan.
    town_b = network["town_b"]
    gone = AssociationFactory(code="33079902301", level=Level.VILLAGE, parent=town_b)
    association_dissolve(by=system_actor(), association=gone, dissolved_on=dt.date(2024, 1, 1))
    late = AssociationFactory(code="33079902302", level=Level.VILLAGE, parent=town_b)
    association_dissolve(by=system_actor(), association=late, dissolved_on=dt.date(2024, 1, 2))

    def rows(year: int) -> list:
        return [child for child, _f in evaluate_children(town_b, year, ["members.total"])]

    assert rows(2024) == [network["village_b1"], late]
    assert rows(2023) == [network["village_b1"], gone, late]
    # The compilation lists the same children as the catalog.
    assert active_children(town_b, 2024) == rows(2024)
    assert active_children(town_b, 2023) == rows(2023)


def _alone(association: Association, year: int) -> dict:
    """The figures of one association's own rows (its path exactly, no subtree)."""
    raw: dict = {}
    for src, figures in engine.plan(set(INDICATORS), year):
        rows = src.rows(year).filter(**{src.scope_lookup: association.path})
        raw.update(engine.by_code(rows.aggregate(**engine.aggregates(figures)), figures))
    return engine.finish(raw, INDICATORS)


def test_additive_indicators_are_the_sum_over_associations_taken_alone(world):
    subtree = evaluate(world.county, 2024)
    units = Association.objects.filter(path__startswith=world.county.path)
    alone = [_alone(unit, 2024) for unit in units]
    additive = [code for code, spec in INDICATORS.items() if spec.additive]
    assert all(INDICATORS[code].kind != Kind.RATE for code in additive)
    summed = {code: sum(figures[code] for figures in alone) for code in additive}
    assert {c: (summed[c], subtree[c]) for c in additive if summed[c] != subtree[c]} == {}
    # M2 holds posts in village A1 and in town A: one person, two associations.
    assert sum(figures["officers.total"] for figures in alone) == 5
    assert subtree["officers.total"] == 4
