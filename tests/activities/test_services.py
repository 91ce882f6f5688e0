import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from activities import services
from activities.models import (
    AidKind,
    Assessment,
    AssessmentItem,
    AssessmentTemplate,
    AwardLevel,
    Direction,
    EventType,
    ExpensePurpose,
    FundSource,
    ProjectKind,
)
from tests.members.factories import HouseholdFactory, MemberFactory

D = dt.date


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


def make_event(association, **extra):
    values = {
        "association": association,
        "type": EventType.MEMBER_DAY,
        "title": "5·29会员活动日",
        "started_on": D(2024, 5, 29),
    }
    return services.event_create(**{**values, **extra})


def make_project(association, **extra):
    values = {
        "code": "P2024-01",
        "association": association,
        "kind": ProjectKind.FEWER_BIRTHS,
        "name": "大白桃基地",
        "started_on": D(2024, 3, 1),
    }
    return services.project_create(**{**values, **extra})


# ── Events ────────────────────────────────────────────────────────────────────
def test_event_with_materials_and_co_organisers(network):
    event = make_event(
        network["town_a"],
        participants=1200,
        cost=Decimal("8500.50"),
        materials={"leaflet": 3000, "banner": 12, "booklet": 0},
        co_organisers=[network["village_a1"]],
    )
    assert {m.kind: m.quantity for m in event.materials.all()} == {"leaflet": 3000, "banner": 12}
    assert list(event.co_organisers.all()) == [network["village_a1"]]
    assert event.cost == Decimal("8500.50")


@pytest.mark.parametrize(
    ("field", "value"),
    [("participants", -1), ("cost", -5), ("screened", -3), ("trainees", -1), ("training_days", -2)],
)
def test_event_negative_counts_and_amounts_rejected(network, field, value):
    with pytest.raises(ValidationError) as exc:
        make_event(network["town_a"], **{field: value})
    assert "不能为负数" in errors_of(exc)[field][0]


def test_event_end_before_start(network):
    with pytest.raises(ValidationError) as exc:
        make_event(network["town_a"], ended_on=D(2024, 5, 28))
    assert errors_of(exc) == {"ended_on": ["结束日期不能早于开始日期。"]}


def test_event_cases_found_within_screened(network):
    with pytest.raises(ValidationError) as exc:
        make_event(network["town_a"], type=EventType.SCREENING, screened=551, cases_found=600)
    assert list(errors_of(exc)) == ["cases_found"]
    assert "551" in errors_of(exc)["cases_found"][0]
    with pytest.raises(ValidationError) as exc:
        make_event(network["town_a"], type=EventType.SCREENING, cases_found=3)
    assert "screened" in errors_of(exc)
    event = make_event(network["town_a"], type=EventType.SCREENING, screened=551, cases_found=216)
    assert event.cases_found == 216


def test_event_materials_rules(network):
    with pytest.raises(ValidationError) as exc:
        make_event(network["town_a"], materials={"leaflet": -1})
    assert "不能为负数" in errors_of(exc)["materials"][0]
    with pytest.raises(ValidationError) as exc:
        make_event(network["town_a"], materials={"poster": 5})
    assert "poster" in errors_of(exc)["materials"][0]


def test_event_host_is_not_a_co_organiser(network):
    with pytest.raises(ValidationError) as exc:
        make_event(network["town_a"], co_organisers=[network["town_a"]])
    assert "co_organisers" in errors_of(exc)


def test_event_within_scope(network):
    town_a = network["town_a"]
    with pytest.raises(ValidationError) as exc:
        make_event(network["village_b1"], within=town_a)
    assert "管辖范围" in errors_of(exc)["association"][0]
    with pytest.raises(ValidationError) as exc:
        make_event(town_a, co_organisers=[network["town_b"]], within=town_a)
    assert "co_organisers" in errors_of(exc)
    stranger = MemberFactory(association=network["village_b1"])
    with pytest.raises(ValidationError) as exc:
        make_event(town_a, attendees=[stranger], within=town_a)
    assert "attendees" in errors_of(exc)
    assert make_event(network["village_a1"], within=town_a).pk


def test_event_update_replaces_materials_only_when_given(network):
    event = make_event(network["town_a"], materials={"leaflet": 100})
    args = {"association": event.association, "type": event.type, "started_on": event.started_on}
    services.event_update(event=event, title="改名", **args)
    assert event.materials.get().quantity == 100
    services.event_update(event=event, title="改名", materials={"banner": 2}, **args)
    assert [(m.kind, m.quantity) for m in event.materials.all()] == [("banner", 2)]
    event.refresh_from_db()
    assert event.title == "改名"


def test_event_update_refuses_moving_outside_scope(network):
    event = make_event(network["village_a1"])
    with pytest.raises(ValidationError):
        services.event_update(
            event=event,
            association=network["village_b1"],
            type=event.type,
            title=event.title,
            started_on=event.started_on,
            within=network["town_a"],
        )


# ── Projects ──────────────────────────────────────────────────────────────────
def test_project_funding_fills_zero_totals(network):
    project = make_project(
        network["town_a"],
        funding={FundSource.BUREAU: (20000, 15000), FundSource.RAISED: (7500, 7500)},
    )
    assert project.funds_raised == Decimal("27500")
    assert project.funds_spent == Decimal("22500")
    assert {f.source: f.raised for f in project.funding.all()} == {
        "bureau": Decimal("20000"),
        "raised": Decimal("7500"),
    }


def test_project_funding_must_agree_with_totals(network):
    with pytest.raises(ValidationError) as exc:
        make_project(network["town_a"], funds_raised=10000, funding={"bureau": (9000, 0)})
    assert "不一致" in errors_of(exc)["funds_raised"][0]
    with pytest.raises(ValidationError) as exc:
        make_project(network["town_a"], funding={"bureau": (-1, 0)})
    assert "funding" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        make_project(network["town_a"], funding={"lottery": (1, 0)})
    assert "funding" in errors_of(exc)


@pytest.mark.parametrize(
    "field", ["funds_raised", "jobs_created", "fixed_assets", "households_out_of_poverty"]
)
def test_project_negative_figures_rejected(network, field):
    with pytest.raises(ValidationError) as exc:
        make_project(network["town_a"], **{field: -1})
    assert field in errors_of(exc)


def test_project_end_before_start_and_duplicate_code(network):
    with pytest.raises(ValidationError) as exc:
        make_project(network["town_a"], ended_on=D(2024, 1, 1))
    assert "ended_on" in errors_of(exc)
    make_project(network["town_a"])
    with pytest.raises(ValidationError) as exc:
        make_project(network["town_a"])
    assert "code" in errors_of(exc)


def test_project_cannot_move_away_from_its_aided_households(network):
    project = make_project(network["town_a"])
    household = HouseholdFactory(association=network["village_a1"])
    services.aid_give(
        household=household, given_on=D(2024, 6, 1), kind="cash", amount=500, project=project
    )
    with pytest.raises(ValidationError) as exc:
        services.project_update(
            project=project,
            code=project.code,
            association=network["village_a2"],
            kind=project.kind,
            name=project.name,
            started_on=project.started_on,
        )
    assert "association" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        services.project_delete(project=project)
    assert "不能删除" in exc.value.messages[0]


# ── Aid ───────────────────────────────────────────────────────────────────────
def test_aid_outside_the_projects_subtree_is_an_error_on_household(network):
    project = make_project(network["village_a1"])
    outside = HouseholdFactory(association=network["village_a2"], head_name="王五")
    with pytest.raises(ValidationError) as exc:
        services.aid_give(
            household=outside,
            given_on=D(2024, 6, 1),
            kind=AidKind.CASH,
            amount=500,
            project=project,
        )
    message = errors_of(exc)["household"][0]
    assert "王五" in message and "不在项目" in message


def test_aid_inside_the_subtree_and_outside_any_project(network):
    project = make_project(network["town_a"])
    household = HouseholdFactory(association=network["village_a1"], is_family_planning=True)
    aid = services.aid_give(
        household=household, given_on=D(2024, 6, 1), kind=AidKind.CASH, amount=500, project=project
    )
    assert aid.project == project
    other = services.aid_give(
        household=household,
        given_on=D(2024, 6, 1),
        kind=AidKind.MEDICAL,
        amount=800,
        provider="区民政局",
    )
    assert other.project is None
    with pytest.raises(ValidationError) as exc:
        services.aid_give(
            household=household,
            given_on=D(2024, 6, 1),
            kind=AidKind.MEDICAL,
            amount=800,
            provider="区民政局",
        )
    assert "given_on" in errors_of(exc)


def test_aid_rules(network):
    project = make_project(network["town_a"], ended_on=D(2024, 12, 31))
    household = HouseholdFactory(association=network["village_a1"])
    with pytest.raises(ValidationError) as exc:
        services.aid_give(household=household, given_on=D(2024, 6, 1), kind="cash", amount=-1)
    assert "amount" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        services.aid_give(
            household=household, given_on=D(2025, 2, 1), kind="cash", amount=1, project=project
        )
    assert "实施期" in errors_of(exc)["given_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.aid_give(
            household=household,
            given_on=D(2024, 6, 1),
            kind="cash",
            amount=1,
            within=network["town_b"],
        )
    assert "household" in errors_of(exc)


# ── Awards ────────────────────────────────────────────────────────────────────
AWARD = {
    "year": 2024,
    "level": AwardLevel.NATIONAL,
    "title": "全国先进志愿者",
    "awarding_body": "中国计生协",
}


def test_award_needs_exactly_one_recipient(network):
    with pytest.raises(ValidationError) as exc:
        services.award_grant(**AWARD)
    assert "association" in errors_of(exc)
    member = MemberFactory(association=network["village_a1"])
    with pytest.raises(ValidationError) as exc:
        services.award_grant(**AWARD, association=network["town_a"], member=member)
    assert set(errors_of(exc)) == {"association", "member"}


def test_award_association_follows_the_recipient(network):
    member = MemberFactory(association=network["village_a1"])
    household = HouseholdFactory(association=network["village_a2"])
    assert services.award_grant(**AWARD, member=member).association == network["village_a1"]
    assert services.award_grant(**AWARD, household=household).association == network["village_a2"]
    award = services.award_grant(**AWARD, association=network["town_a"])
    assert award.association == network["town_a"] and award.recipient == network["town_a"]
    with pytest.raises(ValidationError) as exc:
        services.award_grant(**AWARD, member=member, within=network["town_b"])
    assert "member" in errors_of(exc)


def test_award_update_keeps_the_recipient(network):
    award = services.award_grant(**AWARD, association=network["town_a"])
    services.award_update(
        award=award, year=2025, level="city", title="示范协会", awarding_body="市计生协"
    )
    award.refresh_from_db()
    assert (award.year, award.level, award.association) == (2025, "city", network["town_a"])
    with pytest.raises(ValidationError) as exc:
        services.award_update(award=award, year=1800, level="city", title="x", awarding_body="y")
    assert "year" in errors_of(exc)


# ── Assessments ───────────────────────────────────────────────────────────────
def test_assessment_passes_only_with_all_eight(network):
    village = network["village_a1"]
    first = services.assessment_record(
        association=village, year=2024, template="ba_you", items_met=range(1, 8)
    )
    assert first.passed is False and first.items_met.count() == 7
    again = services.assessment_record(
        association=village, year=2024, template="ba_you", items_met=range(1, 9)
    )
    assert again.pk == first.pk and again.passed is True
    assert Assessment.objects.filter(association=village).count() == 1


def test_assessment_at_least_rule(network):
    template = AssessmentTemplate.objects.get(code="yi_hao_si_jian")
    village = network["village_a1"]
    assert services.assessment_record(
        association=village, year=2024, template=template, items_met=[1, 2, 3, 5]
    ).passed
    assert not services.assessment_record(
        association=village, year=2025, template=template, items_met=[1, 2, 3]
    ).passed


def test_assessment_unknown_item_number(network):
    with pytest.raises(ValidationError) as exc:
        services.assessment_record(
            association=network["village_a1"], year=2024, template="san_you", items_met=[1, 4]
        )
    assert errors_of(exc)["items_met"] == ["“三有”没有第 4 项（共 3 项）。"]
    with pytest.raises(ValidationError) as exc:
        services.assessment_record(
            association=network["village_a1"], year=2024, template="nope", items_met=[]
        )
    assert "template" in errors_of(exc)


def test_assessment_refresh_after_template_change(network):
    template = AssessmentTemplate.objects.get(code="san_you")
    assessment = services.assessment_record(
        association=network["village_a1"], year=2024, template=template, items_met=[1, 2, 3]
    )
    assert assessment.passed
    AssessmentItem.objects.create(template=template, number=4, text="有地办事")
    assert services.assessments_refresh(template=template) == 1
    assessment.refresh_from_db()
    assert assessment.passed is False


def test_assessment_within(network):
    with pytest.raises(ValidationError) as exc:
        services.assessment_record(
            association=network["village_b1"],
            year=2024,
            template="ba_you",
            items_met=[],
            within=network["town_a"],
        )
    assert "association" in errors_of(exc)


# ── Village self-governance ───────────────────────────────────────────────────
def selfgov(association, **extra):
    values = {"association": association, "year": 2024, "charter_adopted": False}
    return services.selfgov_record(**{**values, **extra})


def test_selfgov_signed_within_due(network):
    with pytest.raises(ValidationError) as exc:
        selfgov(network["village_a1"], households_due=100, households_signed=120)
    assert errors_of(exc) == {
        "households_signed": ["已签协议户数（120）不能多于应签协议户数（100）。"]
    }


def test_selfgov_charter_date_required(network):
    with pytest.raises(ValidationError) as exc:
        selfgov(network["village_a1"], charter_adopted=True)
    assert "charter_adopted_on" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        selfgov(network["village_a1"], charter_adopted=True, charter_adopted_on=D(2025, 1, 1))
    assert "晚于" in errors_of(exc)["charter_adopted_on"][0]
    with pytest.raises(ValidationError) as exc:
        selfgov(network["village_a1"], benefits_one_child=True)
    assert "charter_adopted" in errors_of(exc)


def test_selfgov_only_for_villages_and_communities(network):
    with pytest.raises(ValidationError) as exc:
        selfgov(network["town_a"])
    assert "association" in errors_of(exc)
    assert selfgov(network["community_a"]).pk


def test_selfgov_upserts(network):
    first = selfgov(network["village_a1"], households_due=100, households_signed=50)
    second = selfgov(
        network["village_a1"],
        charter_adopted=True,
        charter_adopted_on=D(2023, 5, 1),
        benefits_one_child=True,
        households_due=100,
        households_signed=90,
    )
    assert first.pk == second.pk and second.households_signed == 90
    with pytest.raises(ValidationError):
        selfgov(network["village_b1"], within=network["town_a"])


# ── Ledger ────────────────────────────────────────────────────────────────────
def entry(association, **extra):
    values = {"association": association, "date": D(2024, 5, 29), "amount": 1000}
    return services.ledger_record(**{**values, **extra})


def test_ledger_income_needs_source_expense_needs_purpose(network):
    town = network["town_a"]
    with pytest.raises(ValidationError) as exc:
        entry(town, direction=Direction.INCOME)
    assert errors_of(exc) == {"source": ["收入须填写收入来源。"]}
    with pytest.raises(ValidationError) as exc:
        entry(town, direction=Direction.EXPENSE)
    assert errors_of(exc) == {"purpose": ["支出须填写支出用途。"]}
    with pytest.raises(ValidationError) as exc:
        entry(town, direction=Direction.INCOME, source="bureau", purpose="event")
    assert "purpose" in errors_of(exc)
    assert entry(town, direction=Direction.EXPENSE, purpose=ExpensePurpose.EVENT).pk


@pytest.mark.parametrize("amount", [0, -10])
def test_ledger_amount_must_be_positive(network, amount):
    with pytest.raises(ValidationError) as exc:
        entry(network["town_a"], direction="income", source="bureau", amount=amount)
    assert errors_of(exc) == {"amount": ["金额必须大于 0。"]}


def test_ledger_within(network):
    with pytest.raises(ValidationError) as exc:
        entry(network["town_b"], direction="income", source="dues", within=network["town_a"])
    assert "association" in errors_of(exc)
    event = make_event(network["town_b"])
    with pytest.raises(ValidationError) as exc:
        entry(
            network["town_a"],
            direction="expense",
            purpose="event",
            event=event,
            within=network["town_a"],
        )
    assert "event" in errors_of(exc)


def test_ledger_update_and_delete(network):
    line = entry(network["town_a"], direction="income", source="bureau")
    services.ledger_update(
        entry=line,
        association=network["town_a"],
        date=D(2024, 6, 1),
        direction="expense",
        purpose="office",
        amount=300,
    )
    line.refresh_from_db()
    assert (line.direction, line.source, line.purpose) == ("expense", "", "office")
    with pytest.raises(ValidationError):
        services.ledger_delete(entry=line, within=network["town_b"])
    services.ledger_delete(entry=line, within=network["town_a"])
