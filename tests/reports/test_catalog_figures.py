"""Every catalog figure against numbers worked out by hand from `catalog_world`.

The comments next to each expected value name the records that make it up
(M1… are members, P… posts, L… liaison pairs, H… households; see catalog_world).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from activities.models import (
    AidKind,
    AwardLevel,
    Direction,
    EventMaterial,
    EventType,
    ExpensePurpose,
    FundSource,
    MaterialKind,
    ProjectKind,
)
from members.models import CadreRank, Education, LeaveReason, OfficerTitle
from reports.catalog import Rate, evaluate
from tests.activities.factories import (
    AidFactory,
    AwardFactory,
    EventFactory,
    LedgerEntryFactory,
    ProjectFactory,
)
from tests.members.factories import HouseholdFactory, MemberFactory, OfficerPositionFactory

from .catalog_world import build_world

D = Decimal


@pytest.fixture
def world(network):
    return build_world(network)


# The county in 2024: every figure that is not zero. All others must be zero.
COUNTY_2024 = {
    # county, town_a, town_b, a1, a2, b1, community_a, enterprise_a, branch_b, floating_b
    # (village_a3 dissolved 2024-06-30, village_new founded 2025, the other county outside)
    "org.associations.total": 10,
    "org.associations.county": 1,
    "org.associations.town": 2,
    "org.associations.branch": 1,
    "org.associations.village": 3,
    "org.associations.community": 1,
    "org.associations.enterprise": 1,
    "org.associations.floating": 1,
    "org.villages": 4,
    # populations: a1 800, a2 300, b1 900; community_a none (a3 dissolved, none either)
    "org.population": 2000,
    "org.villages_without_population": 1,  # community_a
    "org.admin_villages_500": 2,  # a1, b1 (a2 has 300; community_a is not a 行政村)
    "org.member_groups": 3,  # a1 一组 (no dates), a1 二组 (2024-05), a2 一组 (2023-06)
    "org.integrity_groups": 2,  # 诚信一组 (signed 2024-04), 诚信二组 (no date)
    "org.integrity_groups.signed": 1,
    # posts on 2024-12-31: M10 FVC+council @town_a, M2 chair @a1 + vice-chair @town_a,
    # M9 FVC @b1 (ends 12-31), M12 chair + executive vice-chair @county; M1's FVC ended 12-30.
    "officers.total": 4,
    "officers.female": 1,  # M10
    "officers.title.chair": 2,  # M2, M12
    "officers.title.executive_vice_chair": 1,  # M12
    "officers.title.executive_vice_chair.stepped_back": 1,
    "officers.title.executive_vice_chair.deputy_division": 1,
    "officers.title.vice_chair": 1,  # M2
    "officers.title.council": 1,  # M10
    "officers.fulltime_vice_chairs": 2,  # M10, M9
    "officers.fulltime_vice_chairs.female": 1,  # M10
    # by the level of the association served: M9 at village B1, M10 at town A
    "officers.fulltime_vice_chairs.village": 1,
    "officers.fulltime_vice_chairs.village.male": 1,
    "officers.fulltime_vice_chairs.village.retired_cadres": 1,
    "officers.fulltime_vice_chairs.town": 1,
    "officers.fulltime_vice_chairs.town.female": 1,
    "officers.fulltime_vice_chairs.town.stepped_back": 1,
    "officers.fulltime": 2,  # M9, M2 (posts marked 专职)
    "officers.retired_cadres": 2,  # M2 (two posts), M9
    "officers.stepped_back": 2,  # M10, M12
    "officers.rank.division": 1,  # M2
    "officers.rank.deputy_division": 1,  # M12
    "officers.rank.section": 1,  # M10
    "officers.rank.deputy_section": 1,  # M9
    "officers.monthly_allowance": D("100.00"),  # 60 + 20 + 20
    # held during 2024: M10 FVC 60 × 12, M1 FVC 20 × 12 (to 12-30), M2 chair 20 × 12,
    # M9 FVC 20 × 4 (Sep–Dec); the other posts pay nothing
    "officers.allowances_paid": D("1280.00"),
    "officers.allowance_recipients": 4,  # M10, M1, M2, M9
    "org.towns_with_fulltime_vice_chair": 1,  # town_a
    "org.villages_with_fulltime_vice_chair": 1,  # b1
    "rate.towns_with_fulltime_vice_chair": Rate(1, 2),
    "rate.villages_with_fulltime_vice_chair": Rate(1, 4),
    "org.admin_villages_500_with_fulltime_vice_chair": 1,  # b1 (900 people, M9)
    "rate.admin_villages_500_with_fulltime_vice_chair": Rate(1, 2),
    "assessments.villages_ba_you": 2,  # a1, community_a (a3 dissolved, a2 failed)
    "rate.villages_ba_you": Rate(2, 4),
    "assessments.villages_ba_you_assessed": 3,  # a1, a2, community_a
    "rate.villages_ba_you_assessed": Rate(2, 3),
    # nobody was assessed against 三有 or 一好四建: 0 of all, no share of the assessed
    "rate.villages_san_you": Rate(0, 4),
    "rate.villages_san_you_assessed": Rate(0, 0),
    "rate.villages_yi_hao_si_jian": Rate(0, 4),
    "rate.villages_yi_hao_si_jian_assessed": Rate(0, 0),
    "rate.san_you": Rate(0, 10),
    "assessments.model_associations": 3,  # town_a, b1, enterprise_a
    "rate.model_associations": Rate(3, 10),
    # members on 2024-12-31: M1, M2, M3, M7 (rejoined 2024-09), M9, M10, M11, M12
    "members.total": 8,
    "members.female": 4,  # M1, M3, M7, M10
    "members.male": 4,  # M2, M9, M11, M12
    "members.volunteers": 2,  # M1, M7 (MX is outside)
    "members.publicity_workers": 1,  # M2
    "members.industry_leaders": 1,  # M2
    "members.floating": 2,  # M3, M9
    "members.party": 2,  # M1 party, M7 probationary
    "members.age.under_30": 2,  # M3 28, M11 24
    "members.age.30_39": 2,  # M1 34, M9 39
    "members.age.50_59": 2,  # M7 54, M10 59
    "members.age.60_plus": 2,  # M2 74, M12 66
    "members.education.none": 1,
    "members.education.primary": 1,
    "members.education.junior": 1,
    "members.education.senior": 1,
    "members.education.college": 1,
    "members.education.bachelor": 1,
    "members.education.postgraduate": 1,
    "members.with_liaison": 3,  # M1, M2, M9
    "members.joined": 4,  # M3, M7 (again), M8, M11
    "members.newlywed_recruits": 2,  # M3, M11
    "members.left": 3,  # M4 moved, M5 died (12-31), M8 persuaded
    "members.left.moved": 1,
    "members.left.died": 1,
    "members.left.persuaded": 1,
    "members.dues_paid": 3,  # M1, M2, M4 (left, but paid for 2024)
    "members.dues_amount": D("50.50"),
    # pairs on 2024-12-31: L1 M1-H1, L2 M1-H2, L3 M2-H2 (ends 12-31), L4 M9-H3
    "liaison.pairs": 4,
    "liaison.households": 3,
    "liaison.members": 3,
    "liaison.contracts": 2,  # L1, L4 (L3 signed 2025)
    "liaison.households.family_planning": 2,  # H1, H2
    "liaison.households.one_child": 1,
    "liaison.households.two_daughter": 1,
    "liaison.households.in_difficulty": 2,  # H2, H3
    "liaison.households.poor_mother": 1,
    "rate.members_with_liaison": Rate(3, 8),
    "rate.liaison_contracts": Rate(2, 4),
    "households.total": 5,
    "households.family_planning": 3,
    "households.one_child": 1,
    "households.two_daughter": 1,
    "households.in_difficulty": 2,
    "households.poor_mother": 1,
    "households.floating": 1,
    "households.certificates.honour": 2,  # H1 (2023), H4 (no date)
    "households.certificates.preferential": 1,  # H2 (2024-07); H3's is 2025
    "households.certificates_issued.preferential": 1,
    # projects running in 2024: PR1 a1, PR2 town_a, PR5 community_a (starts 12-31), PR6 a3
    "projects.total": 4,
    "projects.fewer_births": 1,
    "projects.three_combinations": 1,
    "projects.happiness": 1,
    "projects.birth_care": 1,
    "projects.started": 3,
    "projects.funds_raised": D("15000.50"),
    "projects.funds_spent": D("12000.00"),
    "projects.households_out_of_poverty": 12,
    "projects.jobs_created": 25,
    "projects.fixed_assets": D("50000.00"),
    "projects.output_value": D("30000.00"),
    "projects.tax_paid": D("2000.00"),
    # a1 and community_a run one; a2's household H3 got aid in town A's PR2 (a3 dissolved)
    "projects.villages": 3,
    "rate.villages_with_project": Rate(3, 4),
    # aid in 2024: H1 twice (one in PR1), H3 twice (one in PR2)
    "aid.records": 4,
    "aid.households": 2,
    "aid.project_households": 2,
    "aid.fp_households": 1,
    "aid.households.one_child": 1,
    "aid.households.in_difficulty": 1,
    "aid.households.poor_mother": 1,
    "aid.amount": D("2200.00"),
    "aid.kind.cash.households": 2,  # H1 (PR1), H3 twice
    "aid.kind.cash.amount": D("1900.00"),  # 500 + 1000 + 400
    "aid.kind.in_kind.households": 1,  # H1
    "aid.kind.in_kind.amount": D("300.00"),
    "aid.people": 3,  # H1's 3 people once (aided twice); H3's size is not recorded
    "aid.households_size_unknown": 1,  # H3
    "rate.aid_fp_share": Rate(1, 2),
    # events starting in 2024: E1 a1, E2 town_a, E3 b1, E4 county
    "events.total": 4,
    "events.member_day": 1,
    "events.training": 1,
    "events.screening": 1,
    "events.sept_25": 1,
    "events.participants": 1021,
    "events.cost": D("6800.50"),
    "events.training_sessions": 3,
    "events.training_days": D("6.5"),  # E2 3 sessions × 2 days, E4 (no sessions) 1 × 0.5
    "events.trainees": 300,
    "events.screened": 551,
    "events.cases_found": 216,
    "rate.cases_found": Rate(216, 551),
    "events.participants.member_day": 120,  # E1
    "events.cost.member_day": D("800.00"),
    "events.participants.training": 300,  # E2
    "events.cost.training": D("5000.00"),
    "events.participants.screening": 551,  # E3 (no cost)
    "events.participants.sept_25": 50,  # E4
    "events.cost.sept_25": D("1000.50"),
    "events.materials": 642,
    "events.materials.leaflet": 500,
    "events.materials.banner": 2,
    "events.materials.booklet": 100,
    "events.materials.letter": 40,
    "awards.total": 5,
    "awards.national": 1,
    "awards.provincial": 1,
    "awards.city": 1,
    "awards.county": 1,
    "awards.town": 1,
    "awards.collective": 3,
    "awards.individual": 1,
    "awards.family": 1,
    "awards.national.individual": 1,  # M9
    "awards.provincial.collective": 1,  # town_a
    "awards.city.family": 1,  # H1
    "awards.county.collective": 1,  # b1
    "awards.town.collective": 1,  # a2
    "selfgov.villages_with_charter": 3,  # a1, community_a, b1 (a3 dissolved)
    "selfgov.charters.one_child": 1,
    "selfgov.charters.second_birth_waiver": 1,
    "selfgov.charters.checkups": 1,
    "selfgov.agreement_villages": 3,  # a2 signed none
    "selfgov.pilot_villages": 1,
    "selfgov.households_due": 260,  # 100 + 50 + 40 + 60 + 10 (a3's row still counts)
    "selfgov.households_signed": 160,  # 80 + 0 + 40 + 30 + 10
    "rate.villages_with_charter": Rate(3, 4),
    "rate.agreement_villages": Rate(3, 4),
    "rate.agreement_households": Rate(160, 260),
    "selfgov.villages_recorded": 4,  # a1, a2, community_a, b1
    "rate.agreement_villages_recorded": Rate(3, 4),
    # villages proper (行政村): a1, a2, b1 — community_a is a residents' committee
    "selfgov.agreement_admin_villages": 2,  # a1, b1
    "rate.agreement_admin_villages": Rate(2, 3),
    "selfgov.charter_admin_villages": 2,  # a1, b1
    "rate.charter_admin_villages": Rate(2, 3),
    # of the 3 charters (a1, community_a, b1)
    "rate.charters.one_child": Rate(1, 3),
    "rate.charters.second_birth_waiver": Rate(1, 3),
    "rate.charters.checkups": Rate(1, 3),
    "funds.income": D("127500.50"),
    "funds.income.bureau": D("100000"),
    "funds.income.budget": D("20000.50"),
    "funds.income.raised": D("7500"),
    "funds.expense": D("50240"),
    "funds.expense.event": D("50000"),
    "funds.expense.allowance": D("240"),
    "rate.funds_share_of_fp_budget": Rate(0, 0),  # no budget recorded (see test_context)
}


def assert_figures(figures: dict, expected: dict) -> None:
    wrong = {
        code: (figures[code], value) for code, value in expected.items() if figures[code] != value
    }
    assert not wrong, wrong


def assert_rest_zero(figures: dict, expected: dict) -> None:
    rest = {code: value for code, value in figures.items() if code not in expected}
    assert all(not isinstance(v, Rate) and v == 0 for v in rest.values()), {
        code: value for code, value in rest.items() if value != 0
    }


def test_county_2024_every_figure(world):
    figures = evaluate(world.county, 2024)
    assert_figures(figures, COUNTY_2024)
    assert_rest_zero(figures, COUNTY_2024)


def test_amounts_are_decimals_and_counts_ints(world):
    figures = evaluate(world.county, 2024)
    assert isinstance(figures["funds.income"], Decimal)
    assert isinstance(figures["funds.income.dues"], Decimal)  # zero is Decimal too
    assert isinstance(figures["members.total"], int)
    assert isinstance(figures["events.participants"], int)


COUNTY_2023 = {
    # enterprise_a not founded yet; village_a3 still there
    "org.associations.total": 10,
    "org.associations.village": 4,
    "org.associations.enterprise": 0,
    "org.villages": 5,
    "org.population": 2000,  # a1 800, a2 300, b1 900 (the current figures: see context)
    "org.villages_without_population": 2,  # community_a, village_a3
    "org.admin_villages_500": 2,  # a1, b1
    "org.member_groups": 2,  # a1 一组, a2 一组 (a1 三组 dissolved on 2023-12-31)
    "org.integrity_groups": 2,  # 诚信二组, 诚信四组 (dissolved 2024-03)
    "org.integrity_groups.signed": 1,
    # members on 2023-12-31: M1, M2, M4, M5, M9, M10, M12 (M7 between spells)
    "members.total": 7,
    "members.female": 3,  # M1, M4, M10
    "members.age.40_49": 2,  # M4 43, M5 48
    "members.joined": 1,  # M5
    "members.left": 0,
    "members.with_liaison": 3,  # M1, M2, M4
    "rate.members_with_liaison": Rate(3, 7),
    "members.dues_paid": 1,
    "members.dues_amount": D("20.00"),
    # posts on 2023-12-31: M10 ×2, M1 FVC @a1 (ends 2024-12-30), M2 chair, M12 chair
    "officers.total": 4,
    "officers.fulltime_vice_chairs": 2,  # M10, M1
    "officers.fulltime_vice_chairs.female": 2,
    "officers.fulltime_vice_chairs.village": 1,  # M1 at a1
    "officers.fulltime_vice_chairs.village.female": 1,
    "officers.fulltime_vice_chairs.village.retired_teachers": 1,
    "officers.fulltime_vice_chairs.town": 1,  # M10 at town A
    "officers.title.executive_vice_chair": 0,  # M12's post begins in 2024
    "rate.admin_villages_500_with_fulltime_vice_chair": Rate(1, 2),  # a1 of a1, b1
    "officers.retired_teachers": 1,  # M1
    "officers.retired_cadres": 1,  # M2
    "officers.fulltime": 0,
    "officers.monthly_allowance": D("100.00"),  # 60 + 0 + 20 + 20 + 0
    "rate.towns_with_fulltime_vice_chair": Rate(1, 2),
    "rate.villages_with_fulltime_vice_chair": Rate(1, 5),  # a1
    "liaison.pairs": 3,  # L1, L3, L5
    "liaison.contracts": 1,
    "liaison.households.floating": 1,  # H4
    "households.certificates.honour": 2,  # H1 (2023-05), H4 (no date)
    "households.certificates.preferential": 0,
    "households.certificates_issued.honour": 1,
    "projects.total": 2,  # PR1 (from 2023-03), PR3 (ends 2023-12-31)
    "projects.care_for_girls": 1,
    "projects.funds_raised": D("10700.00"),
    "rate.villages_with_project": Rate(2, 5),  # a1, b1
    "aid.records": 1,  # H4 on 2023-12-31
    "rate.aid_fp_share": Rate(1, 1),
    "aid.amount": D("200.00"),
    "aid.kind.cash.households": 1,
    "aid.kind.cash.amount": D("200.00"),
    "aid.people": 3,  # H4
    "events.training_days": D("0.0"),
    "events.total": 1,
    "events.lecture": 1,
    "events.materials": 60,
    "rate.cases_found": Rate(0, 0),
    "awards.total": 1,
    "awards.city": 1,
    "awards.city.collective": 1,  # town B
    "rate.villages_ba_you": Rate(1, 5),  # b1
    "rate.villages_ba_you_assessed": Rate(1, 1),
    "rate.agreement_admin_villages": Rate(1, 4),  # b1 of a1, a2, a3, b1
    "rate.charter_admin_villages": Rate(1, 4),
    "rate.agreement_villages_recorded": Rate(1, 1),
    "rate.charters.one_child": Rate(0, 1),
    "rate.model_associations": Rate(0, 10),
    "rate.villages_with_charter": Rate(1, 5),
    "rate.agreement_households": Rate(50, 60),
    "funds.income": D("9999.00"),
    "funds.income.bureau": D("9999.00"),
    "funds.expense": D("0"),
}


def test_county_2023_is_exact_from_history(world):
    assert_figures(evaluate(world.county, 2023), COUNTY_2023)


def test_member_who_left_mid_2024_counts_in_2023_not_2024(world):
    # M4 joined 2022-01-10 and left 2024-06-30: the only member of village A2 on 31 Dec 2023
    # besides M5, who died on 2024-12-31 (so is not a member on that day either).
    assert evaluate(world.village_a2, 2023, ["members.total"]) == {"members.total": 2}
    assert evaluate(world.village_a2, 2024, ["members.total", "members.left"]) == {
        "members.total": 0,
        "members.left": 2,
    }


def test_position_ended_30_december_is_not_in_post_on_31_december(world):
    codes = ["officers.fulltime_vice_chairs", "rate.villages_with_fulltime_vice_chair"]
    assert evaluate(world.village_a1, 2023, codes) == {
        "officers.fulltime_vice_chairs": 1,
        "rate.villages_with_fulltime_vice_chair": Rate(1, 1),
    }
    assert evaluate(world.village_a1, 2024, codes) == {
        "officers.fulltime_vice_chairs": 0,
        "rate.villages_with_fulltime_vice_chair": Rate(0, 1),
    }


def test_earlier_years(world):
    # 2021: M7 persuaded to leave (2021-05-01); members then: M1, M2, M9, M10, M12.
    figures = evaluate(world.county, 2021, ["members.total", "members.left.persuaded"])
    assert figures == {"members.total": 5, "members.left.persuaded": 1}
    # 2025: village_new founded, enterprise_a still there, village_a3 long gone.
    figures = evaluate(world.county, 2025, ["org.associations.total", "org.villages"])
    assert figures == {"org.associations.total": 11, "org.villages": 5}


TOWN_A_2024 = {
    "org.associations.total": 5,  # town_a, a1, a2, community_a, enterprise_a
    "org.associations.town": 1,
    "org.villages": 3,
    "members.total": 5,  # M1, M2, M3, M10, M11
    "members.female": 3,
    "officers.total": 2,  # M10, M2
    "rate.towns_with_fulltime_vice_chair": Rate(1, 1),
    "rate.villages_with_fulltime_vice_chair": Rate(0, 3),
    "liaison.pairs": 4,  # households H1, H2, H3 are all in town A
    "liaison.members": 3,  # M1, M2 and M9 from town B
    "rate.members_with_liaison": Rate(2, 5),  # M1, M2
    "events.total": 2,  # E1, E2 (E3 only co-organised)
    "events.participants": 420,
    "projects.total": 4,
    "rate.villages_with_project": Rate(3, 3),
    "aid.households": 2,
    "awards.total": 3,
    "funds.income": D("27500.50"),
    "funds.expense": D("50000"),
    "rate.villages_with_charter": Rate(2, 3),
    "rate.agreement_households": Rate(130, 200),
    "rate.villages_ba_you": Rate(2, 3),
    "rate.model_associations": Rate(2, 5),
    "org.population": 1100,  # a1 800 + a2 300; community_a has none
    "org.villages_without_population": 1,
    "officers.fulltime_vice_chairs.town": 1,  # M10
    "officers.fulltime_vice_chairs.village": 0,  # M1's post ended on 30 December
    "rate.admin_villages_500_with_fulltime_vice_chair": Rate(0, 1),  # a1 (a2 has 300)
    "aid.people": 3,  # H1; H3 has no size
    "aid.households_size_unknown": 1,
    "awards.provincial.collective": 1,
    "awards.city.family": 1,
    "awards.town.collective": 1,
    "events.training_days": D("6.0"),  # E2
    "rate.agreement_admin_villages": Rate(1, 2),  # a1 of a1, a2
    "rate.agreement_villages_recorded": Rate(2, 3),  # a1, community_a of a1, a2, community_a
}


def test_town_a_2024_subtree(world):
    assert_figures(evaluate(world.town_a, 2024), TOWN_A_2024)


VILLAGE_A1_2024 = {
    "org.associations.total": 1,
    "org.associations.village": 1,
    "org.villages": 1,
    "org.member_groups": 2,
    "members.total": 3,  # M1, M2, M3
    "officers.total": 1,  # M2 (M1's post ended 12-30)
    "liaison.pairs": 3,  # L1, L2, L3
    "liaison.members": 2,
    "events.total": 1,
    "funds.income": D("7500"),
    "funds.expense": D("0"),  # 2025's entry does not count
    "rate.villages_ba_you": Rate(1, 1),
    "rate.agreement_households": Rate(80, 100),
    "rate.aid_fp_share": Rate(1, 1),
    "org.population": 800,
    "org.admin_villages_500": 1,
    "rate.admin_villages_500_with_fulltime_vice_chair": Rate(0, 1),
    "rate.charters.one_child": Rate(1, 1),
    "rate.charters.second_birth_waiver": Rate(0, 1),
}


def test_village_a1_2024_and_empty_denominators(world):
    figures = evaluate(world.village_a1, 2024)
    assert_figures(figures, VILLAGE_A1_2024)
    # a village has no towns, no self-governance checklist records of its own kind, …
    for code in (
        "rate.villages_san_you_assessed",
        "rate.villages_yi_hao_si_jian_assessed",
        "rate.towns_with_fulltime_vice_chair",
    ):
        assert figures[code] == Rate(0, 0), code
    no_towns = figures["rate.towns_with_fulltime_vice_chair"]
    assert no_towns == Rate(0, 0)
    assert no_towns.value is None
    assert str(no_towns) == "—"
    assert no_towns.as_json() == {"value": None, "numerator": 0, "denominator": 0}
    assert figures["rate.cases_found"].value is None


def test_records_outside_the_scope_never_count(world):
    figures = evaluate(world.other_county, 2024)
    assert_figures(
        figures,
        {
            "org.associations.total": 3,
            "members.total": 1,
            "members.volunteers": 1,
            "officers.fulltime_vice_chairs": 1,
            "liaison.pairs": 1,
            "projects.total": 1,
            "aid.amount": D("999"),
            "events.participants": 999,
            "events.materials": 999,
            "awards.national": 1,
            "rate.villages_ba_you": Rate(1, 1),
            "selfgov.households_signed": 9,
            "funds.income": D("5"),
            "members.dues_amount": D("10.00"),
        },
    )
    # …and none of the county's records leak into a town of it.
    assert evaluate(world.town_b, 2024, ["members.total", "events.total"]) == {
        "members.total": 2,  # M7, M9
        "events.total": 1,  # E3
    }


def test_scope_code_prefix_does_not_capture_siblings(network):
    # "33079901/" must not match a sibling whose code merely starts with the same digits.
    from associations.models import Level
    from associations.services import association_create, system_actor

    sibling = association_create(
        by=system_actor(),
        code="330799011",
        name="相似编码镇",
        level=Level.TOWN,
        parent=network["county"],
    )
    MemberFactory(association=sibling)
    assert evaluate(network["town_a"], 2024, ["members.total"]) == {"members.total": 0}
    assert evaluate(sibling, 2024, ["members.total"]) == {"members.total": 1}


def test_each_choice_has_its_own_figure(network):
    """One to n records per choice value, so every per-choice indicator is checked non-zero."""
    village = network["village_b1"]
    year, day = 2024, dt.date(2024, 6, 1)
    for n, kind in enumerate(EventType, start=1):
        for _ in range(n):
            EventFactory(association=village, type=kind, started_on=day, participants=0)
    material_event = EventFactory(association=village, type=EventType.OTHER, started_on=day)
    for n, kind in enumerate(MaterialKind, start=1):
        EventMaterial.objects.create(event=material_event, kind=kind, quantity=10 * n)
    for n, kind in enumerate(ProjectKind, start=1):
        for _ in range(n):
            ProjectFactory(association=village, kind=kind, started_on=day)
    for n, level in enumerate(AwardLevel, start=1):
        for _ in range(n):
            AwardFactory(association=village, level=level, year=year)
    for n, source in enumerate(FundSource, start=1):
        LedgerEntryFactory(
            association=village, date=day, direction=Direction.INCOME, source=source, amount=n
        )
    for n, purpose in enumerate(ExpensePurpose, start=1):
        LedgerEntryFactory(
            association=village,
            date=day,
            direction=Direction.EXPENSE,
            source="",
            purpose=purpose,
            amount=100 * n,
        )
    for n, education in enumerate(Education, start=1):
        for _ in range(n):
            MemberFactory(association=village, education=education)
    for n, reason in enumerate(LeaveReason, start=1):
        for _ in range(n):
            MemberFactory(association=village, left_on=dt.date(2024, 3, 1), leave_reason=reason)
    for n, title in enumerate(OfficerTitle, start=1):
        for _ in range(n):
            OfficerPositionFactory(member=MemberFactory(association=village), title=title)
    for n, rank in enumerate([r for r in CadreRank if r], start=1):
        for _ in range(n):
            OfficerPositionFactory(member=MemberFactory(association=village), cadre_rank=rank)
    for n, kind in enumerate(AidKind, start=1):
        for _ in range(n):  # n households, 10 yuan each
            AidFactory(household=HouseholdFactory(association=village), kind=kind, amount=10)

    figures = evaluate(village, year)
    event_types = {f"events.{kind.value}": n for n, kind in enumerate(EventType, start=1)}
    event_types["events.other"] += 1  # the one carrying the materials
    assert_figures(figures, event_types)
    assert figures["events.total"] == sum(range(1, len(EventType) + 1)) + 1
    assert_figures(
        figures,
        {f"events.materials.{k.value}": 10 * n for n, k in enumerate(MaterialKind, start=1)},
    )
    assert figures["events.materials"] == 10 * sum(range(1, len(MaterialKind) + 1))
    assert_figures(figures, {f"projects.{k.value}": n for n, k in enumerate(ProjectKind, start=1)})
    assert_figures(figures, {f"awards.{k.value}": n for n, k in enumerate(AwardLevel, start=1)})
    assert_figures(
        figures,
        {f"awards.{k.value}.collective": n for n, k in enumerate(AwardLevel, start=1)},
    )
    assert_figures(
        figures,
        {f"aid.kind.{k.value}.households": n for n, k in enumerate(AidKind, start=1)},
    )
    assert_figures(
        figures,
        {f"aid.kind.{k.value}.amount": D(10 * n) for n, k in enumerate(AidKind, start=1)},
    )
    assert_figures(
        figures, {f"funds.income.{k.value}": D(n) for n, k in enumerate(FundSource, start=1)}
    )
    assert figures["funds.income"] == D(1 + 2 + 3 + 4 + 5)
    assert_figures(
        figures,
        {f"funds.expense.{k.value}": D(100 * n) for n, k in enumerate(ExpensePurpose, start=1)},
    )
    assert_figures(
        figures,
        {f"members.education.{k.value}": n for n, k in enumerate(Education, start=1)},
    )
    assert_figures(
        figures, {f"members.left.{k.value}": n for n, k in enumerate(LeaveReason, start=1)}
    )
    titles = {
        f"officers.title.{k.value}": n
        for n, k in enumerate(OfficerTitle, start=1)
        if k != OfficerTitle.FULLTIME_VICE_CHAIR
    }
    titles["officers.title.council"] += 1 + 2 + 3 + 4  # the ranked officers are 理事 too
    assert_figures(figures, titles)
    assert figures["officers.fulltime_vice_chairs"] == 3  # third title in OfficerTitle
    assert_figures(
        figures,
        {f"officers.rank.{k.value}": n for n, k in enumerate([r for r in CadreRank if r], 1)},
    )


def test_village_runs_a_project_by_its_own_project_or_project_aid(network):
    a1, a2, town_a = network["village_a1"], network["village_a2"], network["town_a"]
    codes = ["projects.villages", "rate.villages_with_project"]
    household = HouseholdFactory(association=a2)
    AidFactory(household=household, given_on=dt.date(2024, 3, 1))  # aid outside any project
    assert evaluate(town_a, 2024, codes)["projects.villages"] == 0

    town_project = ProjectFactory(association=town_a, started_on=dt.date(2023, 1, 1))
    AidFactory(household=household, project=town_project, given_on=dt.date(2023, 6, 1))
    assert evaluate(town_a, 2024, codes)["projects.villages"] == 0  # that aid was in 2023
    assert evaluate(town_a, 2023, codes)["projects.villages"] == 1

    AidFactory(household=household, project=town_project, given_on=dt.date(2024, 6, 1))
    ProjectFactory(association=a2, started_on=dt.date(2024, 1, 1))  # and a project of its own
    ProjectFactory(association=a1, started_on=dt.date(2024, 1, 1))
    # a1, a2 once each; community_a has nothing: 2 of 3.
    assert evaluate(town_a, 2024, codes) == {
        "projects.villages": 2,
        "rate.villages_with_project": Rate(2, 3),
    }


def test_allowances_count_the_months_in_post_during_the_year(network):
    """Monthly allowance × calendar months held on at least one day of the year."""
    village, town = network["village_a1"], network["town_a"]

    def post(association, started, allowance, ended=None):
        who = MemberFactory(association=association)
        OfficerPositionFactory(
            member=who, started_on=started, ended_on=ended, monthly_allowance=allowance
        )

    post(village, dt.date(2020, 3, 1), D("20"))  # 12 × 20 = 240
    post(village, dt.date(2024, 7, 15), D("60"))  # Jul–Dec: 6 × 60 = 360
    post(town, dt.date(2022, 1, 1), D("60"), ended=dt.date(2024, 3, 10))  # Jan–Mar: 180
    post(village, dt.date(2020, 1, 1), D("0"))  # unpaid
    post(village, dt.date(2020, 1, 1), D("60"), ended=dt.date(2023, 12, 31))  # gone by 2024
    post(network["village_b1"], dt.date(2020, 1, 1), D("60"))  # another town
    codes = ["officers.allowances_paid", "officers.allowance_recipients"]
    assert evaluate(town, 2024, codes) == {
        "officers.allowances_paid": D("780.00"),
        "officers.allowance_recipients": 3,
    }
    assert evaluate(village, 2024, codes)["officers.allowances_paid"] == D("600.00")
    assert evaluate(town, 2019, codes) == {
        "officers.allowances_paid": D("0.00"),
        "officers.allowance_recipients": 0,
    }
