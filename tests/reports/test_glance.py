"""The year at a glance: catalog figures only (they agree with `evaluate`), the first
records to open, scoped like every page. Figures from `catalog_world`."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from associations.records import record_withdraw
from reports import glance
from reports.catalog import Rate, evaluate
from reports.catalog.store import work_off

from .catalog_world import build_world

D = Decimal


@pytest.fixture
def world(network):
    return build_world(network)


def lines(card) -> dict:
    return {line.code: line.value for line in card.lines}


def test_every_figure_is_the_catalogs(world, django_assert_max_num_queries):
    # Stored figures: the pending check and the scope's row, whatever the data.
    work_off()
    with django_assert_max_num_queries(2):
        page = glance.year_at_a_glance(world.county, 2024)
    assert page.figures == evaluate(world.county, 2024, glance.glance_codes())
    shown = [line for card in page.cards for line in card.lines] + page.key_figures
    assert all(line.value == page.figures[line.code] for line in shown)


def test_the_county_in_2024(world):
    page = glance.year_at_a_glance(world.county, 2024)
    cards = {card.key: lines(card) for card in page.cards}
    # 3 villages with a charter and 3 signing: dissolved village A3 is not counted.
    assert cards["assessments"]["rate.villages_with_charter"] == Rate(3, 4)
    assert cards["assessments"]["rate.agreement_villages"] == Rate(3, 4)
    assert cards["assessments"]["rate.agreement_households"] == Rate(160, 260)
    assert cards["events"]["events.total"] == 4
    assert cards["aid"]["aid.amount"] == D("2200.00")
    # Breakdowns list only what is not zero.
    assert cards["funds"] == {
        "funds.income": D("127500.50"),
        "funds.income.bureau": D("100000.00"),
        "funds.income.budget": D("20000.50"),
        "funds.income.raised": D("7500.00"),
        "funds.expense": D("50240.00"),
        "funds.expense.event": D("50000.00"),
        "funds.expense.allowance": D("240.00"),
        "officers.allowances_paid": D("1280.00"),  # M10 720, M1 240, M2 240, M9 80
        "officers.allowance_recipients": 4,
    }
    assert list(cards["awards"]) == [
        "awards.total",
        "awards.national",
        "awards.provincial",
        "awards.city",
        "awards.county",
        "awards.town",
    ]
    by_type = [
        (row.label, row.events.value, row.participants.value, row.cost.value)
        for row in page.events_by_type
    ]
    assert by_type == [
        ("5·29会员活动日", 1, 120, D("800.00")),
        ("9·25纪念活动", 1, 50, D("1000.50")),
        ("培训", 1, 300, D("5000.00")),
        ("健康检查", 1, 551, D("0.00")),
    ]


def test_records_to_open_are_live_rows_of_the_subtree(world, system):
    records = glance.year_records(world.town_a, 2024, limit=1)
    events = records["events"]
    assert [e.title for e in events.rows] == [world.e2.title] and events.more  # E2: 300 people
    record_withdraw(instance=world.e2, by=system, reason="重复录入")
    events = glance.year_records(world.town_a, 2024, limit=1)["events"]
    assert world.e2 not in events.rows and not events.more  # E1 left (E3 is town B's)
    projects = glance.year_records(world.town_a, 2024)["projects"]
    assert world.pr2 in projects.rows and not projects.more


def test_page(client_for, county_officer, world):
    url = reverse("reports:association_year", args=[world.town_a.pk])
    response = client_for(county_officer).get(url, {"year": 2024})
    assert response.status_code == 200
    assert response.context["glance"].figures["events.total"] == 2  # E1, E2
    body = response.content.decode()
    assert "甲镇计生协 · 2024 年工作一览" in body
    assert f'href="{reverse("reports:definitions")}#ind-events.total"' in body
    assert reverse("activities:event_detail", args=[world.e2.pk]) in body


def test_page_defaults_to_the_users_unit_and_reads_the_scope(client_for, town_secretary, world):
    client = client_for(town_secretary)
    own = client.get(reverse("reports:association_year"))
    assert own.context["association"] == world.town_a
    assert "乙镇" not in own.content.decode()  # nor in the scope picker
    picked = client.get(reverse("reports:association_year"), {"scope": world.village_a1.pk})
    assert picked.context["association"] == world.village_a1


@pytest.mark.parametrize("how", ["path", "scope"])
def test_outsider_gets_404(client_for, outsider, world, how):
    client = client_for(outsider)
    if how == "path":
        response = client.get(reverse("reports:association_year", args=[world.town_a.pk]))
    else:
        response = client.get(reverse("reports:association_year"), {"scope": world.town_a.pk})
    assert response.status_code == 404


def test_the_page_writes_nothing(client_for, county_officer, world):
    url = reverse("reports:association_year", args=[world.town_a.pk])
    assert client_for(county_officer).post(url, {"year": 2024}).status_code == 405
