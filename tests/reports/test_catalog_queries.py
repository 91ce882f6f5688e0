"""Query-count guards: computing the whole catalog live costs the same few queries whatever the
data (reading stored figures costs two: see test_store)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.models import EventMaterial
from associations.models import Level
from associations.services import association_create, system_actor
from reports.catalog import SOURCES, evaluate_with_yoy
from reports.catalog import evaluate_children_live as evaluate_children
from reports.catalog import evaluate_live as evaluate
from reports.catalog.store import work_off
from tests.activities.factories import (
    AidFactory,
    AwardFactory,
    EventFactory,
    LedgerEntryFactory,
    ProjectFactory,
    SelfGovernanceFactory,
)
from tests.members.factories import (
    DuesPaymentFactory,
    HouseholdFactory,
    LiaisonPairFactory,
    MemberFactory,
    MemberGroupFactory,
    OfficerPositionFactory,
)

# One aggregate query per source model; evaluate_children adds one to list the children.
EVALUATE_QUERIES = 19
CHILDREN_QUERIES = EVALUATE_QUERIES + 1


def populate(village, n: int) -> None:
    """`n` of every kind of record in a village, so rows multiply while queries must not."""
    day = dt.date(2024, 5, 1)
    for i in range(n):
        member = MemberFactory(association=village, joined_on=dt.date(2020 + i % 5, 1, 1))
        household = HouseholdFactory(association=village, is_family_planning=bool(i % 2))
        LiaisonPairFactory(member=member, household=household)
        DuesPaymentFactory(member=member)
        OfficerPositionFactory(member=member)
        MemberGroupFactory(association=village)
        event = EventFactory(association=village, started_on=day)
        EventMaterial.objects.create(event=event, kind="leaflet", quantity=i + 1)
        project = ProjectFactory(association=village, started_on=day)
        AidFactory(household=household, project=project, given_on=day)
        AwardFactory(association=village)
        LedgerEntryFactory(association=village, date=day)


def count_queries(function, *args) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = function(*args)
    return len(captured.captured_queries), result


def test_catalog_has_the_expected_number_of_sources():
    assert len(SOURCES) == EVALUATE_QUERIES


def test_evaluate_query_count_does_not_grow_with_data(network, django_assert_max_num_queries):
    county = network["county"]
    populate(network["village_a1"], 1)
    with django_assert_max_num_queries(EVALUATE_QUERIES):
        small_count, small = count_queries(evaluate, county, 2024)

    # Two more towns, many more villages, members and records.
    for t in range(2):
        town = association_create(
            by=system_actor(), code=f"3307999{t}", name=f"新镇{t}", level=Level.TOWN, parent=county
        )
        for v in range(3):
            village = association_create(
                by=system_actor(),
                code=f"3307999{t}20{v}",
                name=f"新村{t}{v}",
                level=Level.VILLAGE,
                parent=town,
            )
            populate(village, 4)
            SelfGovernanceFactory(association=village, households_due=10, households_signed=5)
    with django_assert_max_num_queries(EVALUATE_QUERIES):
        large_count, large = count_queries(evaluate, county, 2024)

    assert small_count == large_count == EVALUATE_QUERIES
    assert (small["members.total"], large["members.total"]) == (1, 1 + 2 * 3 * 4)
    assert large["org.associations.town"] == 4


def test_evaluate_children_query_count_does_not_grow(network, django_assert_max_num_queries):
    county = network["county"]
    populate(network["village_a1"], 1)
    with django_assert_max_num_queries(CHILDREN_QUERIES):
        small_count, small_rows = count_queries(evaluate_children, county, 2024)
    for t in range(3):
        town = association_create(
            by=system_actor(), code=f"3307998{t}", name=f"新镇{t}", level=Level.TOWN, parent=county
        )
        village = association_create(
            by=system_actor(),
            code=f"3307998{t}201",
            name=f"新村{t}",
            level=Level.VILLAGE,
            parent=town,
        )
        populate(village, 5)
    with django_assert_max_num_queries(CHILDREN_QUERIES):
        large_count, large_rows = count_queries(evaluate_children, county, 2024)
    assert small_count == large_count == CHILDREN_QUERIES
    assert (len(small_rows), len(large_rows)) == (2, 5)
    assert [figures["members.total"] for _town, figures in large_rows] == [1, 0, 5, 5, 5]


def test_a_few_codes_touch_only_their_sources(network, django_assert_num_queries):
    with django_assert_num_queries(1):
        evaluate(network["county"], 2024, ["rate.members_with_liaison", "members.total"])
    with django_assert_num_queries(2):  # a rate whose parts come from two sources
        evaluate(network["county"], 2024, ["rate.villages_ba_you"])
    work_off()  # what the task worker does after a write
    with django_assert_num_queries(4):  # stored: two queries a year
        evaluate_with_yoy(network["county"], 2024)
