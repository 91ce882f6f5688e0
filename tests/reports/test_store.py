"""Stored figures agree with live computation for every indicator, scope and year; writes mark
what they change, pages catch up, and the store is read in a fixed number of queries."""

import datetime as dt

import pytest

from associations.models import Association, Level
from associations.services import association_move, system_actor
from reports.catalog import INDICATORS, evaluate, evaluate_children, evaluate_live
from reports.catalog.engine import evaluate_children_live
from reports.catalog.store import (
    INLINE_REFRESH_LIMIT,
    mark,
    rebuild,
    stored_years,
    work_off,
)
from reports.models import FigureRefresh, StoredFigures
from tests.members.factories import MemberFactory
from tests.reports.catalog_world import build_world

YEARS = (2023, 2024, 2025)


@pytest.fixture
def world(network):
    return build_world(network)


def _differences(stored: dict, live: dict) -> dict:
    return {
        code: (stored[code], live[code])
        for code in INDICATORS
        if str(stored[code]) != str(live[code])
    }


def test_stored_figures_agree_with_live_ones_everywhere(world):
    """Every indicator, every association of the world, three years; scopes and children."""
    for year in YEARS:
        for scope in Association.objects.order_by("path"):
            assert _differences(evaluate(scope, year), evaluate_live(scope, year)) == {}, (
                scope.code,
                year,
            )
            stored = evaluate_children(scope, year)
            live = evaluate_children_live(scope, year)
            assert [child.pk for child, _f in stored] == [child.pk for child, _f in live]
            for (child, a), (_same, b) in zip(stored, live, strict=True):
                assert _differences(a, b) == {}, (scope.code, child.code, year)


def test_a_full_rebuild_gives_the_same_as_incremental_refreshes(world):
    before = {
        (scope.pk, year): evaluate(scope, year)
        for scope in Association.objects.all()
        for year in YEARS
    }
    StoredFigures.objects.all().delete()
    for year in YEARS:
        rebuild(year)
    for (pk, year), figures in before.items():
        scope = Association.objects.get(pk=pk)
        assert _differences(evaluate(scope, year), figures) == {}


def test_a_write_marks_its_association_from_its_year_and_the_scope_catches_up(world):
    county = world.county
    evaluate(county, 2025)  # everything under the county refreshed for 2025
    under = FigureRefresh.objects.filter(association__path__startswith=county.path)
    assert not under.filter(year=2025).exists()
    FigureRefresh.objects.all().delete()
    MemberFactory(
        association=world.village_b1,
        gender="F",
        birth_date=dt.date(1990, 1, 1),
        joined_on=dt.date(2025, 3, 1),
    )
    marked = set(FigureRefresh.objects.values_list("association_id", "year"))
    assert (world.village_b1.pk, 2025) in marked and (world.village_b1.pk, 2024) not in marked
    figures = evaluate(county, 2025)
    assert figures["members.total"] == evaluate_live(county, 2025)["members.total"]
    assert not figures.stale and figures.as_of is not None


def test_a_committed_write_has_the_worker_refresh_what_it_marked(
    world, settings, django_capture_on_commit_callbacks
):
    settings.FIGURES_REFRESH_AFTER_WRITES = True  # off for the rest of the suite
    FigureRefresh.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        MemberFactory(association=world.village_b1, joined_on=dt.date(2025, 3, 1))
    assert queued  # the refresh task, run at once by the tests' task backend
    assert not FigureRefresh.objects.exists()
    stored = StoredFigures.objects.get(association=world.village_b1, year=2025)
    live = evaluate_live(world.village_b1, 2025)["members.total"]
    assert stored.subtree["members.total"] == live


def test_many_pending_associations_are_read_as_of_their_last_computation(world, monkeypatch):
    county = world.county
    before = evaluate(county, 2025)["members.total"]
    mark(Association.objects.values_list("pk", flat=True))
    monkeypatch.setattr("reports.catalog.store.INLINE_REFRESH_LIMIT", 3)
    figures = evaluate(county, 2025)
    assert figures.stale and figures["members.total"] == before
    assert work_off() > 0 and not FigureRefresh.objects.exists()
    assert not evaluate(county, 2025).stale
    assert INLINE_REFRESH_LIMIT >= 3


def test_a_move_refreshes_both_the_old_and_the_new_parent(world):
    total_a = evaluate(world.town_a, 2025)["members.total"]
    total_b = evaluate(world.town_b, 2025)["members.total"]
    in_a1 = evaluate(world.village_a1, 2025)["members.total"]
    association_move(by=system_actor(), association=world.village_a1, new_parent=world.town_b)
    assert evaluate(world.town_a, 2025)["members.total"] == total_a - in_a1
    assert evaluate(world.town_b, 2025)["members.total"] == total_b + in_a1
    for scope in (world.town_a, world.town_b, world.county):
        assert _differences(evaluate(scope, 2025), evaluate_live(scope, 2025)) == {}


def test_reading_a_refreshed_scope_costs_two_queries_whatever_its_size(
    world, django_assert_num_queries
):
    evaluate(world.county, 2025)
    with django_assert_num_queries(2):  # pending marks under the scope; its stored row
        evaluate(world.county, 2025)
    evaluate_children(world.county, 2025)
    with django_assert_num_queries(3):  # pending marks; the children; their stored rows
        evaluate_children(world.county, 2025)


def test_years_outside_the_store_are_computed_live(world):
    old = min(stored_years()) - 1
    assert evaluate(world.county, old) == evaluate_live(world.county, old)
    assert not StoredFigures.objects.filter(year=old).exists()


def test_a_new_association_gets_its_row_when_first_read(world):
    new = Association.objects.create(
        code="33079901299",
        name="新村",
        level=Level.VILLAGE,
        parent=world.town_a,
        path=world.town_a.path + "33079901299/",
        depth=2,
    )
    FigureRefresh.objects.all().delete()
    assert evaluate(new, 2025)["org.associations.total"] == 1


def test_a_year_never_stored_is_read_whole_from_the_top(world):
    """The first read of a year with nothing stored (a new year, a cleared store) computes
    every level below the scope, not only its children: the county's figures count the
    villages' members, and what it leaves in the store agrees with live figures too."""
    StoredFigures.objects.all().delete()
    FigureRefresh.objects.all().delete()
    for year in YEARS:
        assert _differences(evaluate(world.county, year), evaluate_live(world.county, year)) == {}
        for scope in Association.objects.order_by("path"):
            assert _differences(evaluate(scope, year), evaluate_live(scope, year)) == {}, (
                scope.code,
                year,
            )
