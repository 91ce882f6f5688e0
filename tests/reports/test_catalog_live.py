"""Withdrawn (作废) records count in no figure, nor do rows hanging off them; restored ones
count again. Figures worked out from `catalog_world` (see test_catalog_figures)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from activities.models import Aid, Assessment, Award, Event, LedgerEntry, Project, SelfGovernance
from associations.records import record_restore, record_withdraw
from members.models import DuesPayment, Household, LiaisonPair, Member, OfficerPosition
from reports.catalog import Rate, evaluate

from .catalog_world import build_world

D = Decimal

WITHDRAWABLE = (
    Member,
    Household,
    OfficerPosition,
    LiaisonPair,
    DuesPayment,
    Event,
    Project,
    Aid,
    Award,
    Assessment,
    SelfGovernance,
    LedgerEntry,
)


@pytest.fixture
def world(network):
    return build_world(network)


def withdraw(rows, by) -> None:
    for row in rows:
        record_withdraw(instance=row, by=by, reason="录入错误")


def restore_everything(by) -> None:
    for model in WITHDRAWABLE:
        for row in model.all_objects.filter(withdrawn_at__isnull=False):
            record_restore(instance=row, by=by)


def test_with_every_record_withdrawn_only_the_network_is_left(world, system):
    before = evaluate(world.county, 2024)
    for model in WITHDRAWABLE:
        withdraw(model.objects.all(), system)

    after = evaluate(world.county, 2024)
    counted = {code: v for code, v in after.items() if not isinstance(v, Rate) and v}
    assert counted == {  # associations and groups are dissolved, never withdrawn
        "org.associations.total": 10,
        "org.associations.county": 1,
        "org.associations.town": 2,
        "org.associations.branch": 1,
        "org.associations.village": 3,
        "org.associations.community": 1,
        "org.associations.enterprise": 1,
        "org.associations.floating": 1,
        "org.villages": 4,
        "org.member_groups": 3,
        "org.integrity_groups": 2,
        "org.integrity_groups.signed": 1,
    }
    assert all(v.numerator == 0 for v in after.values() if isinstance(v, Rate))

    restore_everything(system)
    assert evaluate(world.county, 2024) == before


def test_rows_of_a_withdrawn_member_or_household_do_not_count(world, system):
    before = evaluate(world.county, 2024)
    withdraw(Member.objects.all(), system)
    withdraw(Household.objects.all(), system)
    figures = evaluate(world.county, 2024)
    # Their periods, posts, dues, pairs, certificates, aid and awards are left as they
    # were, yet none of them counts.
    assert {
        code: figures[code]
        for code in (
            "members.total",
            "officers.total",
            "officers.monthly_allowance",
            "officers.allowances_paid",
            "org.towns_with_fulltime_vice_chair",
            "members.dues_paid",
            "liaison.pairs",
            "households.total",
            "households.certificates.honour",
            "aid.records",
            "awards.individual",
            "awards.family",
        )
    } == {
        "members.total": 0,
        "officers.total": 0,
        "officers.monthly_allowance": D("0.00"),
        "officers.allowances_paid": D("0.00"),
        "org.towns_with_fulltime_vice_chair": 0,
        "members.dues_paid": 0,
        "liaison.pairs": 0,
        "households.total": 0,
        "households.certificates.honour": 0,
        "aid.records": 0,
        "awards.individual": 0,
        "awards.family": 0,
    }
    assert figures["awards.total"] == 3  # the collective ones: town_a, b1, a2
    # a2 ran no project of its own: it counted through H3's aid in town A's PR2.
    assert figures["projects.villages"] == 2  # a1, community_a
    assert (figures["events.total"], figures["projects.total"]) == (4, 4)  # untouched

    restore_everything(system)
    assert evaluate(world.county, 2024) == before


def test_materials_of_a_withdrawn_event_and_aid_of_a_withdrawn_project_do_not_count(world, system):
    before = evaluate(world.county, 2024)
    withdraw([world.e2, world.pr2], system)
    figures = evaluate(world.county, 2024)
    assert (figures["events.total"], figures["events.training"]) == (3, 0)
    assert figures["events.materials"] == 542  # E2's 100 booklets are gone
    assert figures["events.participants.training"] == 0
    assert (figures["projects.total"], figures["projects.jobs_created"]) == (3, 5)
    assert figures["aid.records"] == 3  # H3's 400 in PR2 is gone
    assert figures["aid.amount"] == D("1800.00")
    assert figures["aid.households"] == 2  # H3 had aid outside any project too
    assert figures["aid.project_households"] == 1  # H1 in PR1
    assert figures["projects.villages"] == 2  # a1, community_a; a2 only through PR2
    # The ledger line of E2's cost is a record of its own: withdrawn separately.
    assert figures["funds.expense.event"] == D("50000.00")

    restore_everything(system)
    assert evaluate(world.county, 2024) == before
