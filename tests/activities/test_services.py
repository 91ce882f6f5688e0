import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from activities import scoring, services
from activities.models import (
    Aid,
    AidKind,
    Assessment,
    AssessmentScore,
    AssessmentTemplate,
    Award,
    AwardLevel,
    Direction,
    Event,
    EventType,
    ExpensePurpose,
    FundSource,
    LedgerEntry,
    Project,
    ProjectKind,
    SelfGovernance,
)
from associations.records import StaleEdit, history_of
from associations.services import system_actor
from tests.members.factories import HouseholdFactory, MemberFactory, MemberGroupFactory

D = dt.date
MODELS = (Event, Project, Aid, Award, Assessment, SelfGovernance, LedgerEntry)


def errors_of(exc_info) -> dict:
    return exc_info.value.message_dict


def make_event(association, *, by=None, **extra):
    values = {
        "association": association,
        "type": EventType.MEMBER_DAY,
        "title": "5·29会员活动日",
        "started_on": D(2024, 5, 29),
    }
    return services.event_create(by=by or system_actor(), **{**values, **extra})


def make_project(association, *, by=None, **extra):
    values = {
        "code": "P2024-01",
        "association": association,
        "kind": ProjectKind.FEWER_BIRTHS,
        "name": "大白桃基地",
        "started_on": D(2024, 3, 1),
    }
    return services.project_create(by=by or system_actor(), **{**values, **extra})


def give_aid(household, *, by=None, **extra):
    values = {"household": household, "given_on": D(2024, 6, 1), "kind": AidKind.CASH}
    return services.aid_give(by=by or system_actor(), **{"amount": 500, **values, **extra})


def snapshot() -> list:
    """Every work record's version and withdrawal, and the related rows."""
    rows = [
        list(m.all_objects.order_by("pk").values_list("pk", "version", "withdrawn_at"))
        for m in MODELS
    ]
    return [*rows, list(Event.all_objects.values_list("materials__quantity", "attendees"))]


# ── Who may write: every service ──────────────────────────────────────────────
# Each write as `by` on town A's records (or, for creates, in village A1).
WRITES = {
    "event_create": lambda by, r, n: make_event(n["village_a1"], by=by),
    "event_update": lambda by, r, n: services.event_update(by=by, event=r["event"], title="改"),
    "event_withdraw": lambda by, r, n: services.event_withdraw(by=by, event=r["event"], reason="x"),
    "project_create": lambda by, r, n: make_project(n["village_a1"], by=by, code="X"),
    "project_update": lambda by, r, n: services.project_update(
        by=by, project=r["project"], name="改"
    ),
    "project_withdraw": lambda by, r, n: services.project_withdraw(
        by=by, project=r["project"], reason="x"
    ),
    "aid_give": lambda by, r, n: give_aid(r["household"], by=by, kind=AidKind.MEDICAL),
    "aid_update": lambda by, r, n: services.aid_update(by=by, aid=r["aid"], amount=1),
    "aid_withdraw": lambda by, r, n: services.aid_withdraw(by=by, aid=r["aid"], reason="x"),
    "award_grant": lambda by, r, n: services.award_grant(
        by=by, year=2024, level="city", title="x", awarding_body="y", association=n["village_a1"]
    ),
    "award_update": lambda by, r, n: services.award_update(by=by, award=r["award"], title="改"),
    "award_withdraw": lambda by, r, n: services.award_withdraw(by=by, award=r["award"], reason="x"),
    "assessment_create": lambda by, r, n: services.assessment_create(
        by=by, association=n["village_a1"], year=2024, template="san_you", items_met=[1]
    ),
    "assessment_update": lambda by, r, n: services.assessment_update(
        by=by, assessment=r["assessment"], items_met=[1]
    ),
    "assessment_withdraw": lambda by, r, n: services.assessment_withdraw(
        by=by, assessment=r["assessment"], reason="x"
    ),
    "selfgov_create": lambda by, r, n: services.selfgov_create(
        by=by, association=n["village_a2"], year=2024, charter_adopted=False
    ),
    "selfgov_update": lambda by, r, n: services.selfgov_update(
        by=by, selfgov=r["selfgov"], households_due=1
    ),
    "selfgov_withdraw": lambda by, r, n: services.selfgov_withdraw(
        by=by, selfgov=r["selfgov"], reason="x"
    ),
    "ledger_record": lambda by, r, n: services.ledger_record(
        by=by,
        association=n["village_a1"],
        date=D(2024, 1, 1),
        direction="expense",
        purpose="office",
        amount=1,
    ),
    "ledger_update": lambda by, r, n: services.ledger_update(by=by, entry=r["ledger"], amount=1),
    "ledger_withdraw": lambda by, r, n: services.ledger_withdraw(
        by=by, entry=r["ledger"], reason="x"
    ),
}
RESTORES = {
    "event": lambda by, r: services.event_restore(by=by, event=r["event"]),
    "aid": lambda by, r: services.aid_restore(by=by, aid=r["aid"]),
    "award": lambda by, r: services.award_restore(by=by, award=r["award"]),
    "assessment": lambda by, r: services.assessment_restore(by=by, assessment=r["assessment"]),
    "selfgov": lambda by, r: services.selfgov_restore(by=by, selfgov=r["selfgov"]),
    "ledger": lambda by, r: services.ledger_restore(by=by, entry=r["ledger"]),
}


@pytest.mark.parametrize("name", WRITES)
def test_an_actor_out_of_scope_is_refused(records, network, outsider, name):
    before = snapshot()
    with pytest.raises((PermissionDenied, ValidationError)) as exc:
        WRITES[name](outsider, records, network)
    if isinstance(exc.value, ValidationError):  # a chosen record: named on its field
        assert "不在您的管辖范围内" in str(exc.value.message_dict)
    assert snapshot() == before


@pytest.mark.parametrize("name", WRITES)
def test_a_read_only_officer_is_refused(records, network, county_officer, name):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        WRITES[name](county_officer, records, network)
    assert snapshot() == before


@pytest.mark.parametrize("name", [n for n in WRITES if n.endswith("_withdraw")])
def test_a_clerk_may_not_withdraw(records, network, village_clerk, name):
    with pytest.raises(PermissionDenied):
        WRITES[name](village_clerk, records, network)


@pytest.mark.parametrize("kind", RESTORES)
def test_restore_is_refused_out_of_scope_and_read_only(
    records, network, system, outsider, county_officer, village_clerk, kind
):
    WRITES[f"{kind}_withdraw"](system, records, network)
    for person in (outsider, county_officer, village_clerk):
        with pytest.raises(PermissionDenied):
            RESTORES[kind](person, records)
    assert type(records[kind]).all_objects.get(pk=records[kind].pk).is_withdrawn


def test_templates_are_changed_by_administrators_only(network, town_secretary, town_admin):
    template = AssessmentTemplate.objects.get(code="san_you")
    with pytest.raises(PermissionDenied):
        services.assessment_template_update(by=town_secretary, template=template, name="改")
    services.assessment_template_update(by=town_admin, template=template, name="三有（新）")
    assert AssessmentTemplate.objects.get(pk=template.pk).name == "三有（新）"


# ── History ───────────────────────────────────────────────────────────────────
def test_history_names_the_actor_of_every_kind(records, town_secretary, system):
    for kind in ("event", "project", "aid", "award", "assessment", "selfgov", "ledger"):
        assert records[kind].history.first().history_user == system, kind
    services.event_update(by=town_secretary, event=records["event"], title="改过的活动")
    entry = history_of(records["event"])[0]
    assert entry.who == "甲镇秘书长"
    assert [(c.label, c.old, c.new) for c in entry.changes] == [
        ("标题", "甲一村会员活动日", "改过的活动")
    ]


def test_related_sets_are_a_change_of_the_record(records, town_secretary, network):
    event = records["event"]
    version = event.version
    member = MemberFactory(association=network["village_a1"], name="李梅")
    services.event_update(
        by=town_secretary,
        event=event,
        materials={"leaflet": 600, "banner": 2},
        attendees=[member],
        version=version,
    )
    event.refresh_from_db()
    assert event.version == version + 1
    entry = history_of(event)[0]
    assert entry.who == "甲镇秘书长" and entry.changes == []
    assert (
        "参加会员改为：1 人" in entry.reason and "发放资料改为：宣传单 600、横幅 2" in entry.reason
    )
    assert event.materials.get(kind="banner").history.first().history_user == town_secretary
    # The same sets again change nothing.
    services.event_update(by=town_secretary, event=event, materials={"leaflet": 600, "banner": 2})
    assert Event.objects.get(pk=event.pk).version == version + 1


def test_a_stale_save_is_refused_and_names_who(records, town_secretary, county_secretary):
    event = records["event"]
    read_at = event.version
    services.event_update(by=county_secretary, event=event, place="村礼堂", version=read_at)
    stale = Event.objects.get(pk=event.pk)
    with pytest.raises(StaleEdit) as exc:
        services.event_update(
            by=town_secretary, event=stale, participants=1, materials={}, version=read_at
        )
    assert "县秘书长" in exc.value.messages[0] and "地点" in exc.value.messages[0]
    stored = Event.objects.get(pk=event.pk)
    assert stored.participants == 300 and stored.materials.count() == 1


# ── Withdrawal ────────────────────────────────────────────────────────────────
def test_withdraw_hides_and_restore_brings_back(records, town_secretary):
    award = records["award"]
    with pytest.raises(ValidationError) as exc:
        services.award_withdraw(by=town_secretary, award=award, reason=" ")
    assert "reason" in errors_of(exc)
    services.award_withdraw(by=town_secretary, award=award, reason="重复录入")
    assert not Award.objects.filter(pk=award.pk).exists()
    stored = Award.all_objects.get(pk=award.pk)
    assert (stored.withdrawal_reason, stored.withdrawn_by) == ("重复录入", town_secretary)
    assert history_of(stored)[0].reason == "重复录入"
    services.award_restore(by=town_secretary, award=stored)
    assert Award.objects.filter(pk=award.pk).exists()


def test_a_project_with_live_aid_or_ledger_lines_is_not_withdrawn(records, town_secretary):
    project, aid = records["project"], records["aid"]
    with pytest.raises(ValidationError) as exc:
        services.project_withdraw(by=town_secretary, project=project, reason="录错")
    assert "1 条未作废的帮扶记录" in exc.value.messages[0]
    services.aid_withdraw(by=town_secretary, aid=aid, reason="录错")
    line = services.ledger_update(by=town_secretary, entry=records["ledger"], project=project)
    with pytest.raises(ValidationError) as exc:
        services.project_withdraw(by=town_secretary, project=project, reason="录错")
    assert "经费收支" in exc.value.messages[0]
    services.ledger_update(by=town_secretary, entry=line, project=None)
    services.project_withdraw(by=town_secretary, project=project, reason="录错")
    # Aid of a withdrawn project waits for the project.
    with pytest.raises(ValidationError) as exc:
        services.aid_restore(by=town_secretary, aid=Aid.all_objects.get(pk=aid.pk))
    assert "项目“甲镇桃园项目”已作废" in exc.value.messages[0]
    services.project_restore(by=town_secretary, project=Project.all_objects.get(pk=project.pk))
    services.aid_restore(by=town_secretary, aid=Aid.all_objects.get(pk=aid.pk))
    assert Aid.objects.filter(pk=aid.pk).exists()


def test_an_event_with_ledger_lines_is_not_withdrawn(records, town_secretary):
    event = records["event"]
    line = services.ledger_update(
        by=town_secretary,
        entry=records["ledger"],
        event=event,
        direction="expense",
        source="",
        purpose="event",
    )
    with pytest.raises(ValidationError) as exc:
        services.event_withdraw(by=town_secretary, event=event, reason="录错")
    assert "1 条未作废的经费收支" in exc.value.messages[0]
    services.ledger_withdraw(by=town_secretary, entry=line, reason="录错")
    services.event_withdraw(by=town_secretary, event=event, reason="录错")
    with pytest.raises(ValidationError) as exc:
        services.ledger_restore(by=town_secretary, entry=LedgerEntry.all_objects.get(pk=line.pk))
    assert "已作废" in exc.value.messages[0]
    # A withdrawn event cannot be chosen for a new line either.
    with pytest.raises(ValidationError) as exc:
        services.ledger_record(
            by=town_secretary,
            association=event.association,
            date=D(2024, 6, 1),
            direction="expense",
            purpose="event",
            amount=1,
            event=Event.all_objects.get(pk=event.pk),
        )
    assert "event" in errors_of(exc)


def test_a_withdrawn_record_does_not_hold_its_natural_key(records, town_secretary):
    old = records["assessment"]
    services.assessment_withdraw(by=town_secretary, assessment=old, reason="录错年度")
    again = services.assessment_create(
        by=town_secretary,
        association=old.association,
        year=2024,
        template="ba_you",
        items_met=range(1, 9),
    )
    assert again.passed
    with pytest.raises(ValidationError) as exc:
        services.assessment_restore(
            by=town_secretary, assessment=Assessment.all_objects.get(pk=old.pk)
        )
    assert "已有这项考核记录" in exc.value.messages[0]


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


def test_event_choices_within_the_actors_scope(network, town_secretary):
    town_a = network["town_a"]
    with pytest.raises(ValidationError) as exc:
        make_event(network["village_b1"], by=town_secretary)
    assert "管辖范围" in errors_of(exc)["association"][0]
    with pytest.raises(ValidationError) as exc:
        make_event(town_a, by=town_secretary, co_organisers=[network["town_b"]])
    assert "co_organisers" in errors_of(exc)
    stranger = MemberFactory(association=network["village_b1"])
    with pytest.raises(ValidationError) as exc:
        make_event(town_a, by=town_secretary, attendees=[stranger])
    assert "attendees" in errors_of(exc)
    neighbour = MemberFactory(association=network["village_a2"])
    with pytest.raises(ValidationError) as exc:  # in scope, but not under the organiser
        make_event(network["village_a1"], by=town_secretary, attendees=[neighbour])
    assert "不是“甲一村计生协”及其下级协会的会员" in errors_of(exc)["attendees"][0]
    assert make_event(network["village_a1"], by=town_secretary).pk
    assert not Event.objects.filter(association=network["village_b1"]).exists()


def test_event_update_replaces_materials_only_when_given(network):
    event = make_event(network["town_a"], materials={"leaflet": 100})
    services.event_update(by=system_actor(), event=event, title="改名")
    assert event.materials.get().quantity == 100
    services.event_update(by=system_actor(), event=event, materials={"banner": 2})
    assert [(m.kind, m.quantity) for m in event.materials.all()] == [("banner", 2)]
    event.refresh_from_db()
    assert event.title == "改名"


def test_event_update_refuses_moving_outside_scope(network, town_secretary):
    event = make_event(network["village_a1"])
    with pytest.raises(ValidationError) as exc:
        services.event_update(by=town_secretary, event=event, association=network["village_b1"])
    assert "association" in errors_of(exc)
    assert Event.objects.get(pk=event.pk).association == network["village_a1"]


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


def test_project_totals_keep_agreeing_with_the_stored_breakdown(network, town_secretary):
    project = make_project(network["town_a"], funding={"bureau": (1000, 500)})
    with pytest.raises(ValidationError) as exc:
        services.project_update(by=town_secretary, project=project, funds_raised=2000)
    assert "1000" in errors_of(exc)["funds_raised"][0]
    version = Project.objects.get(pk=project.pk).version
    services.project_update(
        by=town_secretary, project=project, funding={"bureau": (2000, 500)}, funds_raised=0
    )
    stored = Project.objects.get(pk=project.pk)
    assert (stored.funds_raised, stored.version) == (Decimal(2000), version + 1)
    assert "资金来源改为" in history_of(stored)[0].reason


@pytest.mark.parametrize(
    "field", ["funds_raised", "jobs_created", "fixed_assets", "households_out_of_poverty"]
)
def test_project_negative_figures_rejected(network, field):
    with pytest.raises(ValidationError) as exc:
        make_project(network["town_a"], **{field: -1})
    assert field in errors_of(exc)


def test_project_end_before_start_and_duplicate_code(network, town_secretary):
    with pytest.raises(ValidationError) as exc:
        make_project(network["town_a"], ended_on=D(2024, 1, 1))
    assert "ended_on" in errors_of(exc)
    first = make_project(network["town_a"])
    with pytest.raises(ValidationError) as exc:
        make_project(network["town_a"])
    assert "code" in errors_of(exc)
    services.project_withdraw(by=town_secretary, project=first, reason="录错")
    with pytest.raises(ValidationError) as exc:
        make_project(network["town_a"])
    assert "已作废的项目" in errors_of(exc)["code"][0]


def test_project_cannot_move_away_from_its_aided_households(network):
    project = make_project(network["town_a"])
    give_aid(HouseholdFactory(association=network["village_a1"]), project=project)
    with pytest.raises(ValidationError) as exc:
        services.project_update(
            by=system_actor(), project=project, association=network["village_a2"]
        )
    assert "association" in errors_of(exc)
    project = Project.objects.get(pk=project.pk)
    with pytest.raises(ValidationError) as exc:
        services.project_update(by=system_actor(), project=project, started_on=D(2024, 7, 1))
    assert "started_on" in errors_of(exc)
    assert Project.objects.get(pk=project.pk).association == network["town_a"]


# ── Aid ───────────────────────────────────────────────────────────────────────
def test_aid_outside_the_projects_subtree_is_an_error_on_household(network):
    project = make_project(network["village_a1"])
    outside = HouseholdFactory(association=network["village_a2"], head_name="王五")
    with pytest.raises(ValidationError) as exc:
        give_aid(outside, project=project)
    message = errors_of(exc)["household"][0]
    assert "王五" in message and "不在项目" in message


def test_aid_inside_the_subtree_and_outside_any_project(network):
    project = make_project(network["town_a"])
    household = HouseholdFactory(association=network["village_a1"], is_family_planning=True)
    assert give_aid(household, project=project).project == project
    other = give_aid(household, kind=AidKind.MEDICAL, amount=800, provider="区民政局")
    assert other.project is None
    with pytest.raises(ValidationError) as exc:
        give_aid(household, kind=AidKind.MEDICAL, amount=800, provider="区民政局")
    assert "given_on" in errors_of(exc)


def test_aid_rules(network, outsider):
    project = make_project(network["town_a"], ended_on=D(2024, 12, 31))
    household = HouseholdFactory(association=network["village_a1"])
    with pytest.raises(ValidationError) as exc:
        give_aid(household, amount=-1)
    assert "amount" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        give_aid(household, given_on=D(2025, 2, 1), project=project)
    assert "实施期" in errors_of(exc)["given_on"][0]
    with pytest.raises(ValidationError) as exc:
        give_aid(household, by=outsider)
    assert "household" in errors_of(exc)


def test_aid_given_again_after_the_first_was_withdrawn(records, town_secretary):
    aid = records["aid"]
    services.aid_withdraw(by=town_secretary, aid=aid, reason="金额录错")
    again = give_aid(records["household"], by=town_secretary, amount=900, project=aid.project)
    assert again.amount == 900
    with pytest.raises(ValidationError):
        services.aid_restore(by=town_secretary, aid=Aid.all_objects.get(pk=aid.pk))


# ── Awards ────────────────────────────────────────────────────────────────────
AWARD = {
    "year": 2024,
    "level": AwardLevel.NATIONAL,
    "title": "全国先进志愿者",
    "awarding_body": "中国计生协",
}


def test_award_needs_exactly_one_recipient(network, system):
    with pytest.raises(ValidationError) as exc:
        services.award_grant(by=system, **AWARD)
    assert "association" in errors_of(exc)
    member = MemberFactory(association=network["village_a1"])
    with pytest.raises(ValidationError) as exc:
        services.award_grant(by=system, **AWARD, association=network["town_a"], member=member)
    assert set(errors_of(exc)) == {"association", "member"}


def test_award_association_follows_the_recipient(network, system, outsider):
    member = MemberFactory(association=network["village_a1"])
    household = HouseholdFactory(association=network["village_a2"])
    grant = services.award_grant
    assert grant(by=system, **AWARD, member=member).association == network["village_a1"]
    assert grant(by=system, **AWARD, household=household).association == network["village_a2"]
    award = grant(by=system, **AWARD, association=network["town_a"])
    assert award.association == network["town_a"] and award.recipient == network["town_a"]
    with pytest.raises(ValidationError) as exc:
        grant(by=outsider, **AWARD, member=member)
    assert "member" in errors_of(exc)


def test_award_to_a_member_group_takes_its_association(network, system):
    group = MemberGroupFactory(association=network["village_a1"], name="第一会员小组")
    award = services.award_grant(by=system, **AWARD, member_group=group)
    assert (award.association, award.recipient) == (network["village_a1"], group)
    # Named again (the form picks the group under its association), it must be the group's.
    again = services.award_grant(
        by=system, **AWARD, association=network["village_a1"], member_group=group
    )
    assert again.association == network["village_a1"]
    assert award.history.count() == 1


def test_award_to_a_named_person_outside_the_register(network, system):
    with pytest.raises(ValidationError) as exc:
        services.award_grant(by=system, **AWARD, person_name="陈秘书长")
    assert errors_of(exc) == {"association": ["请指定获奖个人所在的获奖协会。"]}
    award = services.award_grant(
        by=system, **AWARD, person_name=" 陈秘书长 ", association=network["town_a"]
    )
    assert (award.person_name, award.association) == ("陈秘书长", network["town_a"])
    assert award.recipient == "陈秘书长" and award.member is None


def test_award_names_at_most_one_recipient_below_the_association(network, system):
    group = MemberGroupFactory(association=network["village_a1"])
    member = MemberFactory(association=network["village_a1"])
    with pytest.raises(ValidationError) as exc:
        services.award_grant(by=system, **AWARD, member_group=group, person_name="陈秘书长")
    assert set(errors_of(exc)) == {"member_group", "person_name"}
    with pytest.raises(ValidationError) as exc:
        services.award_grant(by=system, **AWARD, member=member, member_group=group)
    assert set(errors_of(exc)) == {"member", "member_group"}
    assert "只能是协会、会员小组、会员、家庭或个人中的一个" in errors_of(exc)["member"][0]
    assert not Award.objects.exists()


def test_award_to_a_group_of_another_association_is_refused(network, system):
    group = MemberGroupFactory(association=network["village_a1"], name="第一会员小组")
    with pytest.raises(ValidationError) as exc:
        services.award_grant(
            by=system, **AWARD, association=network["village_a2"], member_group=group
        )
    errors = errors_of(exc)
    assert errors["association"] == ["获奖协会须为“第一会员小组”所在的协会“甲一村计生协”，或留空。"]
    assert set(errors) == {"association", "member_group"}
    # The model refuses it too (the admin's form validates the instance first).
    award = Award(**AWARD, association=network["village_a2"], member_group=group)
    with pytest.raises(ValidationError) as exc:
        award.full_clean()
    assert "member_group" in errors_of(exc)


def test_awards_to_groups_and_named_people_stay_in_the_scope(
    network, outsider, county_officer, town_secretary
):
    group = MemberGroupFactory(association=network["village_a1"])
    with pytest.raises(ValidationError) as exc:
        services.award_grant(by=outsider, **AWARD, member_group=group)
    assert "member_group" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        services.award_grant(
            by=outsider, **AWARD, person_name="陈秘书长", association=network["village_a1"]
        )
    assert "association" in errors_of(exc)
    with pytest.raises(PermissionDenied):
        services.award_grant(by=county_officer, **AWARD, member_group=group)
    assert not Award.objects.exists()
    award = services.award_grant(by=town_secretary, **AWARD, member_group=group)
    assert award.history.get().history_user == town_secretary


def test_the_database_keeps_one_recipient_per_award(network):
    group = MemberGroupFactory(association=network["village_a1"])
    award = Award(**AWARD, association=network["village_a1"], member_group=group, person_name="某")
    with pytest.raises(IntegrityError), transaction.atomic():
        award.save()


def test_award_update_keeps_the_recipient(network, system):
    award = services.award_grant(by=system, **AWARD, association=network["town_a"])
    services.award_update(
        by=system, award=award, year=2025, level="city", title="示范协会", awarding_body="市计生协"
    )
    award.refresh_from_db()
    assert (award.year, award.level, award.association) == (2025, "city", network["town_a"])
    with pytest.raises(ValidationError) as exc:
        services.award_update(by=system, award=award, year=1800)
    assert "年度须为 1980–" in errors_of(exc)["year"][0]


# ── Assessments ───────────────────────────────────────────────────────────────
def assess(association, template="ba_you", *, year=2024, items_met=(), **extra):
    return services.assessment_create(
        by=system_actor(),
        association=association,
        year=year,
        template=template,
        items_met=items_met,
        **extra,
    )


def met(assessment) -> list[int]:
    return sorted(row.item.number for row in assessment.scores.all() if row.score)


def test_assessment_passes_only_with_all_eight(network, town_secretary):
    village = network["village_a1"]
    first = assess(village, items_met=range(1, 8))
    assert (first.passed, first.total_score, met(first)) == (False, 7, [1, 2, 3, 4, 5, 6, 7])
    assert first.grade == "" and first.assessed_by == system_actor()
    again = services.assessment_update(
        by=town_secretary, assessment=first, items_met=range(1, 9), version=first.version
    )
    assert again.pk == first.pk and again.passed is True and again.total_score == 8
    entry = history_of(again)[0]
    assert "得分改为：8=1" in entry.reason and entry.who == "甲镇秘书长"
    assert again.assessed_by == town_secretary
    with pytest.raises(ValidationError) as exc:
        assess(village, items_met=[1])
    assert "已有这项考核记录" in str(exc.value)
    assert Assessment.objects.filter(association=village).count() == 1


def test_one_good_four_builds_passes_with_four_of_five(network):
    template = AssessmentTemplate.objects.get(code="yi_hao_si_jian")
    village = network["village_a1"]
    assert template.pass_mark == 4
    assert assess(village, template, items_met=[1, 2, 3, 5]).passed
    assert not assess(village, template, year=2025, items_met=[1, 2, 3]).passed


def test_assessment_unknown_item_number(network):
    with pytest.raises(ValidationError) as exc:
        assess(network["village_a1"], "san_you", items_met=[1, 4])
    assert errors_of(exc)["items_met"] == ["“三有”没有第 4 项（共 3 项）。"]
    with pytest.raises(ValidationError) as exc:
        assess(network["village_a1"], "nope")
    assert "template" in errors_of(exc)


# Worked by hand on `scored_template` (see conftest): 组织建设 counts its score × 40 ÷ 20.
# 92:   (10 + 9) × 2 = 38,  30 + 16 = 46,  item 5: 8   → 优秀, passed
# 79.5: (8 + 7) × 2 = 30,   25 + 15.5 = 40.5, item 5: 9 → 合格 (below 80), passed
# 59.99: (5 + 5) × 2 = 20,  20 + 10 = 30,  item 5: 9.99 → 不合格, not passed
SCORED = [
    ({1: 10, 2: 9, 3: 30, 4: 16, 5: 8}, Decimal(92), "excellent", True),
    ({1: 8, 2: 7, 3: 25, 4: "15.5", 5: 9}, Decimal("79.5"), "fair", True),
    ({1: 5, 2: 5, 3: 20, 4: 10, 5: "9.99"}, Decimal("59.99"), "fail", False),
]


@pytest.mark.parametrize(("scores", "total", "grade", "passed"), SCORED)
def test_scored_assessment_total_grade_and_pass_mark(
    network, scored_template, town_secretary, scores, total, grade, passed
):
    assessment = services.assessment_create(
        by=town_secretary,
        association=network["village_a1"],
        year=2024,
        template=scored_template,
        scores=scores,
    )
    assert (assessment.total_score, assessment.grade, assessment.passed) == (total, grade, passed)
    assert assessment.assessed_by == town_secretary
    assert assessment.history.first().history_user == town_secretary
    assert AssessmentScore.objects.filter(assessment=assessment).count() == 5


def test_scores_keep_their_evidence_and_change_item_by_item(network, scored_template, system):
    assessment = services.assessment_create(
        by=system,
        association=network["village_a1"],
        year=2024,
        template=scored_template,
        scores={1: services.ItemScore(10, "名册见台账第3页"), 3: 30},
    )
    assert assessment.total_score == 50  # 10 × 2 + 30
    # The reports fill an item (a bare score): the others and the evidence stay.
    again = services.assessment_update(by=system, assessment=assessment, scores={3: 20, 5: 10})
    rows = {row.item.number: (row.score, row.evidence) for row in again.scores.all()}
    assert rows == {1: (10, "名册见台账第3页"), 3: (20, ""), 5: (10, "")}
    assert again.total_score == 50  # 20 + 20 + 10
    assert "得分改为：3=20、5=10" in history_of(again)[0].reason
    # Scored 0 without evidence: no row left.
    services.assessment_update(by=system, assessment=again, scores={5: 0})
    assert met(again) == [1, 3]
    noted = services.assessment_update(
        by=system, assessment=again, scores={1: services.ItemScore(10, "名册已更新")}
    )
    assert history_of(noted)[0].reason == "第 1 项的评分依据已修改"


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({1: 11}, "第 1 项“会员名册及时更新”的得分须在 0–10 分之间（填写的是 11）。"),
        ({1: -1}, "须在 0–10 分之间"),
        ({1: "0.333"}, "最多保留两位小数"),
        ({1: "很好"}, "不是有效的金额"),
        ({1: "Infinity"}, "不是有效的分数"),
        ({6: 1}, "没有第 6 项"),
        ({1: services.ItemScore(1, "证" * 201)}, "评分依据不能超过 200 字"),
    ],
)
def test_scores_are_checked(network, scored_template, scores, message):
    with pytest.raises(ValidationError) as exc:
        services.assessment_create(
            by=system_actor(),
            association=network["village_a1"],
            year=2024,
            template=scored_template,
            scores=scores,
        )
    assert message in errors_of(exc)["scores"][0]
    assert not Assessment.objects.exists()


def test_scoring_sections_by_hand(scored_template):
    items = list(scored_template.items.select_related("group"))
    pk = {item.number: item.pk for item in items}
    sections = scoring.sections(items, {pk[1]: Decimal(10), pk[2]: Decimal(0), pk[3]: Decimal(7)})
    shape = [
        (s.group.name if s.group else None, s.earned, s.counted, s.counted_max) for s in sections
    ]
    assert shape == [("组织建设", 10, 20, 40), ("活动开展", 7, 7, 50), (None, 0, 0, 10)]
    assert (scoring.total(sections), scoring.maximum(sections)) == (27, 100)
    # Weighted thirds are rounded once, in the total: 1 ÷ 3 × 40 = 13.33…
    thirds = scoring.Section(
        scored_template.groups.get(name="组织建设"), [], Decimal(1), Decimal(3)
    )
    assert scoring.total([thirds, thirds]) == Decimal("26.67")


def test_template_change_rescores_every_assessment(network, town_admin, scored_template):
    assessment = services.assessment_create(
        by=town_admin,
        association=network["village_a1"],
        year=2024,
        template=scored_template,
        scores=SCORED[1][0],
    )
    withdrawn = services.assessment_create(
        by=town_admin,
        association=network["village_a2"],
        year=2024,
        template=scored_template,
        scores=SCORED[0][0],
    )
    services.assessment_withdraw(by=town_admin, assessment=withdrawn, reason="录错")
    # Bands moved down and the pass mark up: 79.5 is now 良好 and fails; 92 still 优秀.
    services.assessment_template_update(
        by=town_admin, template=scored_template, good_from=75, fair_from=70, pass_mark=80
    )
    assessment.refresh_from_db()
    assert (assessment.grade, assessment.passed) == ("good", False)
    assert Assessment.all_objects.get(pk=withdrawn.pk).grade == "excellent"
    # The 组织建设 weight to 20: 15 × 20 ÷ 20 = 15, so 79.5 − 30 + 15 = 64.5 (out of 80,
    # so 优秀 must come down too).
    services.assessment_template_update(
        by=town_admin,
        template=scored_template,
        pass_mark=60,
        excellent_from=78,
        groups=[{"name": "组织建设", "weight": 20}, {"name": "活动开展"}],
    )
    assessment.refresh_from_db()
    assert (assessment.total_score, assessment.grade, assessment.passed) == (
        Decimal("64.5"),
        "fail",
        True,
    )
    assert scored_template.history.first().history_user == town_admin


def test_template_items_are_checked_against_recorded_scores(network, town_admin, scored_template):
    services.assessment_create(
        by=town_admin,
        association=network["village_a1"],
        year=2024,
        template=scored_template,
        scores={3: 25, 5: 10},
    )
    rows = [
        {"id": i.pk, "number": i.number, "text": i.text, "points": i.points, "group": g}
        for i, g in ((i, i.group.name if i.group else None) for i in scored_template.items.all())
    ]

    def update(items, **fields):
        with pytest.raises(ValidationError) as exc:
            services.assessment_template_update(
                by=town_admin, template=scored_template, items=items, **fields
            )
        scored_template.refresh_from_db()  # as the next page would read it
        return " ".join(exc.value.messages)

    assert "第 5 项“按时上报年度工作总结”已有 1 条考核的得分，不能删除" in update(rows[:4])
    lowered = [*rows[:2], {**rows[2], "points": 20}, *rows[3:]]
    assert "第 3 项已有考核得 25 分，高于新的分值 20 分" in update(lowered)
    indicator = {**rows[2], "indicator_code": "events.total", "comparison": ">=", "threshold": 1}
    assert "只能得 0 分或 30 分" in update([*rows[:2], indicator, *rows[3:]])
    assert "达标分 120 高于满分 100" in update(rows, pass_mark=120)
    assert "第 2 项重复了" in update([*rows, {**rows[0], "id": None, "number": 2}])
    assert "没有名为“宣传”的分组" in update([*rows[:4], {**rows[4], "group": "宣传"}])
    # Renumbered by id: the scores stay with their items.
    swapped = [*rows[:2], {**rows[2], "number": 5}, rows[3], {**rows[4], "number": 3}]
    services.assessment_template_update(by=town_admin, template=scored_template, items=swapped)
    scored = {s.item.text: s.item.number for s in AssessmentScore.objects.select_related("item")}
    assert scored == {"开展5·29会员活动日": 5, "按时上报年度工作总结": 3}
    assert Assessment.objects.get().total_score == 35


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"indicator_code": "members.total"}, "请选择比较方式"),
        ({"indicator_code": "members.total", "comparison": ">="}, "请填写阈值"),
        ({"indicator_code": "Members Total", "comparison": ">=", "threshold": 1}, "小写字母"),
        (
            {
                "indicator_code": "rate.x",
                "comparison": "<=",
                "threshold": 120,
                "threshold_unit": "percent",
            },
            "0–100",
        ),
        ({"comparison": ">=", "threshold": 5}, "请同时填写指标代码"),
        ({"points": 0}, "分值必须大于 0"),
    ],
)
def test_indicator_items_are_checked(town_admin, item, message):
    with pytest.raises(ValidationError) as exc:
        services.assessment_template_create(
            by=town_admin,
            code="x",
            name="x",
            pass_mark=1,
            items=[{"number": 1, "text": "指标项", "points": 5, **item}],
        )
    texts = errors_of(exc)["items"]
    assert all(t.startswith("第 1 项：") for t in texts) and message in texts[0]


def test_indicator_items_score_all_or_nothing(network, town_admin):
    template = services.assessment_template_create(
        by=town_admin,
        code="rates",
        name="指标考核",
        pass_mark=5,
        items=[
            {
                "number": 1,
                "text": "八有达标率",
                "points": 5,
                "indicator_code": "rate.villages_ba_you",
                "comparison": ">=",
                "threshold": 85,
                "threshold_unit": "percent",
            }
        ],
    )
    item = template.items.get()
    assert item.rule() == "rate.villages_ba_you ≥ 85% 得 5 分"
    assert (item.earns(Decimal("85.0")), item.earns(Decimal("84.9"))) == (5, 0)
    assessment = services.assessment_create(
        by=town_admin, association=network["village_a1"], year=2024, template=template
    )
    with pytest.raises(ValidationError) as exc:
        services.assessment_update(by=town_admin, assessment=assessment, scores={1: 3})
    assert "只能得 0 分或 5 分" in errors_of(exc)["scores"][0]
    filled = services.assessment_update(
        by=town_admin, assessment=assessment, scores={1: item.earns(Decimal(90))}
    )
    assert filled.passed


def test_template_bands_descend_and_stay_under_the_maximum(town_admin):
    with pytest.raises(ValidationError) as exc:
        services.assessment_template_create(
            by=town_admin, code="x", name="x", pass_mark=0, excellent_from=80, good_from=90
        )
    assert errors_of(exc) == {
        "pass_mark": ["请填写达标分（大于 0）。"],
        "good_from": ["良好的分数线须低于优秀的（80）。"],
    }
    with pytest.raises(ValidationError) as exc:
        services.assessment_template_create(
            by=town_admin,
            code="x",
            name="x",
            pass_mark=2,
            fair_from=3,
            items=[{"number": 1, "text": "一", "points": 2}],
        )
    assert errors_of(exc) == {"fair_from": ["合格（总分 ≥） 3 高于满分 2。"]}


# ── Village self-governance ───────────────────────────────────────────────────
def selfgov(association, **extra):
    values = {"association": association, "year": 2024, "charter_adopted": False}
    return services.selfgov_create(by=system_actor(), **{**values, **extra})


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


def test_selfgov_once_a_year_and_updated(network, town_secretary):
    first = selfgov(network["village_a1"], households_due=100, households_signed=50)
    with pytest.raises(ValidationError) as exc:
        selfgov(network["village_a1"])
    assert "已有村民自治记录" in str(exc.value)
    second = services.selfgov_update(
        by=town_secretary,
        selfgov=first,
        charter_adopted=True,
        charter_adopted_on=D(2023, 5, 1),
        benefits_one_child=True,
        households_signed=90,
    )
    assert first.pk == second.pk and second.households_signed == 90
    assert second.history.first().history_user == town_secretary


# ── Ledger ────────────────────────────────────────────────────────────────────
def entry(association, **extra):
    values = {"association": association, "date": D(2024, 5, 29), "amount": 1000}
    return services.ledger_record(by=system_actor(), **{**values, **extra})


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


def test_ledger_choices_within_the_actors_scope(network, town_secretary):
    with pytest.raises(ValidationError) as exc:
        services.ledger_record(
            by=town_secretary,
            association=network["town_b"],
            date=D(2024, 5, 29),
            direction="income",
            source="dues",
            amount=1,
        )
    assert "association" in errors_of(exc)
    event = make_event(network["town_b"])
    with pytest.raises(ValidationError) as exc:
        services.ledger_record(
            by=town_secretary,
            association=network["town_a"],
            date=D(2024, 5, 29),
            direction="expense",
            purpose="event",
            event=event,
            amount=1,
        )
    assert "event" in errors_of(exc)


def test_ledger_update_sets_only_what_is_given(network, town_secretary):
    line = entry(network["town_a"], direction="income", source="bureau", note="拨款")
    services.ledger_update(
        by=town_secretary,
        entry=line,
        date=D(2024, 6, 1),
        direction="expense",
        source=None,
        purpose="office",
        amount=300,
    )
    line.refresh_from_db()
    assert (line.direction, line.source, line.purpose, line.note) == (
        "expense",
        "",
        "office",
        "拨款",
    )


def test_shipped_assessment_texts_follow_the_reader_s_language_and_edited_ones_stay(db):
    template = AssessmentTemplate.objects.get(code="ba_you")
    item = template.items.get(number=3)
    with translation.override("en"):
        assert (template.shown_name, item.shown_text) == ("“Eight Haves”", "A venue for activities")
    with translation.override("zh-hant"):
        assert (template.shown_name, item.shown_text) == ("八有", "活動場所")
    item.text = "有固定的活动场所"  # reworded by an administrator: shown as typed
    with translation.override("en"):
        assert item.shown_text == "有固定的活动场所"
