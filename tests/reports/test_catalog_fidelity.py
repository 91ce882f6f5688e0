"""The figures the seed reports cite, each against a small hand-built case: villages of 500+
people, full-time and executive vice-chairs by level, background and rank, awards by level
and recipient, aid by kind and the people it reached, training days, the 三有 and 一好四建
checklists, and the second denominator offered where a secretary could want either."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from activities.models import AidKind, AwardLevel
from activities.services import award_grant
from associations.models import Level
from associations.services import association_update, system_actor
from members.models import CadreRank, Gender, OfficerBackground, OfficerTitle
from reports.catalog import Rate, evaluate, evaluate_live
from tests.activities.factories import (
    AidFactory,
    AwardFactory,
    EventFactory,
    SelfGovernanceFactory,
)
from tests.conftest import make_association
from tests.members.factories import (
    HouseholdFactory,
    MemberFactory,
    MemberGroupFactory,
    OfficerPositionFactory,
)

from .catalog_world import assess

D = dt.date
YEAR = 2024


SINCE_2020 = D(2020, 1, 1)


def fvc(association, *, gender=Gender.FEMALE, started=SINCE_2020, **extra):
    who = MemberFactory(association=association, gender=gender)
    return OfficerPositionFactory(
        member=who,
        association=association,
        title=OfficerTitle.FULLTIME_VICE_CHAIR,
        started_on=started,
        **extra,
    )


def test_villages_of_500_people_or_more(network):
    """a1 800, a2 300, b1 900 (conftest); a new village of exactly 500 counts ("以上" includes
    it), one of 499 and one without a population do not, a community never does."""
    town_a = network["town_a"]
    v500 = make_association("33079901205", "五百村", Level.VILLAGE, town_a, population=500)
    make_association("33079901206", "四九九村", Level.VILLAGE, town_a, population=499)
    make_association("33079901207", "未填村", Level.VILLAGE, town_a)
    association_update(by=system_actor(), association=network["community_a"], population=5000)
    fvc(network["village_a1"])
    fvc(v500, started=D(2024, 12, 31))  # in post on the last day
    fvc(network["village_a2"])  # 300 people: not in the denominator, so not counted either
    fvc(network["community_a"])  # a residents' committee is not a 行政村
    codes = [
        "org.admin_villages_500",
        "org.admin_villages_500_with_fulltime_vice_chair",
        "rate.admin_villages_500_with_fulltime_vice_chair",
        "org.population",
        "org.villages_without_population",
    ]
    assert evaluate(town_a, YEAR, codes) == {
        "org.admin_villages_500": 2,  # a1, 五百村
        "org.admin_villages_500_with_fulltime_vice_chair": 2,
        "rate.admin_villages_500_with_fulltime_vice_chair": Rate(2, 2),
        "org.population": 800 + 300 + 500 + 499 + 5000,
        "org.villages_without_population": 1,  # 未填村
    }
    # The year before, 五百村's vice-chair was not yet in post (the populations are today's).
    assert evaluate(town_a, 2023, codes)["rate.admin_villages_500_with_fulltime_vice_chair"] == (
        Rate(1, 2)
    )
    # The county adds b1 (900, no vice-chair); town B alone: 1 village, none with one.
    assert evaluate(network["county"], YEAR, codes)[codes[2]] == Rate(2, 3)
    assert evaluate(network["town_b"], YEAR, codes)[codes[2]] == Rate(0, 1)
    # No village of 500+: an empty denominator, never 0%.
    empty = evaluate(network["village_a2"], YEAR, codes)[codes[2]]
    assert empty == Rate(0, 0) and str(empty) == "—"


def test_vice_chairs_by_level_gender_and_background(network):
    """The district report: village full-time vice-chairs by gender, town ones who are
    stepped-back leaders, the county's own separately."""
    a1, a2, b1 = network["village_a1"], network["village_a2"], network["village_b1"]
    fvc(a1, gender=Gender.MALE, background=OfficerBackground.RETIRED_CADRE)
    fvc(a2, gender=Gender.MALE, background=OfficerBackground.RETIRED_TEACHER)
    fvc(b1, gender=Gender.FEMALE, background=OfficerBackground.RETIRED_CADRE)
    fvc(network["town_a"], background=OfficerBackground.STEPPED_BACK)
    fvc(network["town_b"], background=OfficerBackground.STEPPED_BACK, ended_on=D(2024, 6, 30))
    fvc(network["county"], gender=Gender.MALE)
    # One person serving two villages counts once.
    twice = fvc(a1, gender=Gender.FEMALE)
    OfficerPositionFactory(
        member=twice.member,
        association=a2,
        title=OfficerTitle.FULLTIME_VICE_CHAIR,
        started_on=D(2020, 1, 1),
    )
    figures = evaluate(network["county"], YEAR)
    assert {
        code.removeprefix("officers.fulltime_vice_chairs."): figures[code]
        for code in figures
        if code.startswith("officers.fulltime_vice_chairs.") and figures[code]
    } == {
        "female": 3,  # b1, town A, the one serving two villages
        "village": 4,  # a1, a2, b1, the one serving two
        "village.male": 2,
        "village.female": 2,
        "village.retired_cadres": 2,
        "village.retired_teachers": 1,
        "town": 1,  # town B's vice-chair left in June
        "town.female": 1,
        "town.stepped_back": 1,
        "county": 1,
        "county.male": 1,
    }
    assert figures["officers.fulltime_vice_chairs"] == 6
    # In 2023 town B's vice-chair was still in post.
    assert evaluate(network["county"], 2023, ["officers.fulltime_vice_chairs.town"]) == {
        "officers.fulltime_vice_chairs.town": 2
    }
    # Within town A only its own and its villages'.
    assert evaluate(network["town_a"], YEAR, ["officers.fulltime_vice_chairs.village"]) == {
        "officers.fulltime_vice_chairs.village": 3
    }


def test_executive_vice_chairs_by_rank_and_background(network):
    """As the town report describes its 常务副会长: 1 正处, 1 副处, 2 正科, the rest retired."""
    villages = [network["village_a1"], network["village_a2"], network["community_a"]]

    def evc(association, **extra):
        OfficerPositionFactory(
            member=MemberFactory(association=association),
            association=association,
            title=OfficerTitle.EXECUTIVE_VICE_CHAIR,
            started_on=D(2020, 1, 1),
            **extra,
        )

    evc(network["town_a"], cadre_rank=CadreRank.DIVISION, background="serving_cadre")
    evc(villages[0], cadre_rank=CadreRank.DEPUTY_DIVISION)
    evc(villages[0], cadre_rank=CadreRank.SECTION)
    evc(villages[1], cadre_rank=CadreRank.SECTION)
    evc(villages[1], background=OfficerBackground.RETIRED_CADRE)
    evc(villages[2], background=OfficerBackground.RETIRED_TEACHER)
    evc(villages[2], background=OfficerBackground.RETIRED_TEACHER, ended_on=D(2023, 6, 1))
    prefix = "officers.title.executive_vice_chair"
    figures = evaluate(network["town_a"], YEAR)
    assert {code: value for code, value in figures.items() if code.startswith(prefix)} == {
        prefix: 6,
        f"{prefix}.retired_cadres": 1,
        f"{prefix}.retired_teachers": 1,
        f"{prefix}.stepped_back": 0,
        f"{prefix}.division": 1,
        f"{prefix}.deputy_division": 1,
        f"{prefix}.section": 2,
        f"{prefix}.deputy_section": 0,
    }
    assert evaluate(network["town_a"], 2022, [f"{prefix}.retired_teachers"]) == {
        f"{prefix}.retired_teachers": 2
    }


def test_awards_by_level_and_recipient(network):
    """The yearbook: "4个集体和10名个人受到中国计划生育协会表彰，有11个集体和13名同志受到
    省协会表彰" — here 2 collectives and 3 individuals national, 1 family provincial."""
    a1 = network["village_a1"]
    for _ in range(2):
        AwardFactory(association=a1, level=AwardLevel.NATIONAL)
    for _ in range(3):
        AwardFactory(
            association=a1, level=AwardLevel.NATIONAL, member=MemberFactory(association=a1)
        )
    household = HouseholdFactory(association=a1)
    AwardFactory(association=a1, level=AwardLevel.PROVINCIAL, household=household)
    AwardFactory(association=a1, level=AwardLevel.NATIONAL, year=2023)  # another year
    figures = evaluate(network["town_a"], YEAR)
    awarded = {c: v for c, v in figures.items() if c.startswith("awards.") and v}
    assert awarded == {
        "awards.total": 6,
        "awards.national": 5,
        "awards.provincial": 1,
        "awards.collective": 2,
        "awards.individual": 3,
        "awards.family": 1,
        "awards.national.collective": 2,
        "awards.national.individual": 3,
        "awards.provincial.family": 1,
    }
    assert evaluate(network["town_a"], 2023, ["awards.national.collective"]) == {
        "awards.national.collective": 1
    }


def test_awards_to_member_groups_and_named_people(network):
    """A member group is a collective and a named person outside the register an individual
    ("有11个集体和13名同志受到省协会表彰"), each counted under the association it belongs to:
    town A 2024 has national 2 collectives (group g1, village a2) and 2 individuals (member,
    named cadre), provincial 1 collective (group g2), 1 individual (named volunteer) and 1
    family; village b1's group is the county's only; the 2023 named person is 2023's."""
    a1, a2, b1 = network["village_a1"], network["village_a2"], network["village_b1"]
    g1 = MemberGroupFactory(association=a1, name="第一会员小组")
    g2 = MemberGroupFactory(association=a2, name="第一会员小组")
    gb = MemberGroupFactory(association=b1, name="第三会员小组")
    national, provincial = AwardLevel.NATIONAL, AwardLevel.PROVINCIAL

    def grant(level, year=YEAR, **recipient):
        return award_grant(
            by=system_actor(),
            year=year,
            level=level,
            title="优秀会员小组" if "member_group" in recipient else "先进个人",
            awarding_body="中国计生协" if level == national else "省计生协",
            **recipient,
        )

    grant(national, member_group=g1)
    grant(national, association=a2)
    grant(national, member=MemberFactory(association=a1))
    grant(national, person_name="陈秘书长", association=network["town_a"])
    grant(provincial, member_group=g2)
    grant(provincial, person_name="王志愿者", association=a1)
    grant(provincial, household=HouseholdFactory(association=a2))
    grant(provincial, member_group=gb)
    grant(national, year=2023, person_name="李干部", association=a1)

    def awarded(association, year=YEAR) -> dict:
        figures = evaluate(association, year)
        return {c: v for c, v in figures.items() if c.startswith("awards.") and v}

    assert awarded(network["town_a"]) == {
        "awards.total": 7,
        "awards.national": 4,
        "awards.provincial": 3,
        "awards.collective": 3,
        "awards.individual": 3,
        "awards.family": 1,
        "awards.national.collective": 2,
        "awards.national.individual": 2,
        "awards.provincial.collective": 1,
        "awards.provincial.individual": 1,
        "awards.provincial.family": 1,
    }
    county = awarded(network["county"])
    assert (county["awards.provincial.collective"], county["awards.collective"]) == (2, 4)
    assert awarded(a1) == {
        "awards.total": 3,
        "awards.national": 2,
        "awards.provincial": 1,
        "awards.collective": 1,
        "awards.individual": 2,
        "awards.national.collective": 1,
        "awards.national.individual": 1,
        "awards.provincial.individual": 1,
    }
    assert awarded(network["town_a"], 2023) == {
        "awards.total": 1,
        "awards.national": 1,
        "awards.individual": 1,
        "awards.national.individual": 1,
    }


def test_aid_by_kind_and_the_people_reached(network):
    a1, b1 = network["village_a1"], network["village_b1"]
    big = HouseholdFactory(association=a1, size=5)
    small = HouseholdFactory(association=a1, size=2)
    unknown = HouseholdFactory(association=a1, size=None)
    elsewhere = HouseholdFactory(association=b1, size=4)
    AidFactory(household=big, kind=AidKind.PENSION_SUBSIDY, amount=200)
    AidFactory(household=big, kind=AidKind.SCHOLARSHIP, amount=1000, given_on=D(2024, 9, 1))
    AidFactory(household=big, kind=AidKind.SCHOLARSHIP, amount=5000, given_on=D(2024, 10, 1))
    AidFactory(household=small, kind=AidKind.PENSION_SUBSIDY, amount=200)
    AidFactory(household=unknown, kind=AidKind.LOAN, amount=Decimal("20000.50"))
    AidFactory(household=elsewhere, kind=AidKind.IN_KIND, amount=300)
    AidFactory(household=small, kind=AidKind.CASH, amount=100, given_on=D(2023, 5, 1))
    figures = evaluate(network["town_a"], YEAR)
    by_kind = {c: v for c, v in figures.items() if c.startswith("aid.kind.") and v}
    assert by_kind == {
        "aid.kind.pension_subsidy.households": 2,
        "aid.kind.pension_subsidy.amount": Decimal("400.00"),
        "aid.kind.scholarship.households": 1,  # the same household twice
        "aid.kind.scholarship.amount": Decimal("6000.00"),
        "aid.kind.loan.households": 1,
        "aid.kind.loan.amount": Decimal("20000.50"),
    }
    assert figures["aid.people"] == 5 + 2  # each household once; `unknown` has no size
    assert figures["aid.households_size_unknown"] == 1
    county = evaluate(network["county"], YEAR, ["aid.people", "aid.kind.in_kind.amount"])
    assert county == {"aid.people": 11, "aid.kind.in_kind.amount": Decimal("300.00")}
    assert evaluate(network["town_a"], 2023, ["aid.people", "aid.kind.cash.households"]) == {
        "aid.people": 2,
        "aid.kind.cash.households": 1,
    }


def test_training_days_are_sessions_times_days_per_session(network):
    a1 = network["village_a1"]
    EventFactory(association=a1, type="training", training_sessions=3, training_days=2)
    EventFactory(association=a1, type="training", training_days=Decimal("1.5"))  # one session
    EventFactory(association=a1, type="training", training_sessions=4)  # days not given
    EventFactory(association=a1, type="training", training_days=1, started_on=D(2023, 9, 1))
    codes = ["events.training_days", "events.training_sessions"]
    assert evaluate(network["town_a"], YEAR, codes) == {
        "events.training_days": Decimal("7.5"),
        "events.training_sessions": 7,
    }
    assert evaluate(network["town_a"], 2023, codes)["events.training_days"] == Decimal("1.0")
    assert evaluate_live(network["town_b"], YEAR, codes)["events.training_days"] == 0


def test_san_you_and_yi_hao_si_jian_are_computed_like_ba_you(network):
    town_a = network["town_a"]
    a1, a2, ca = network["village_a1"], network["village_a2"], network["community_a"]
    assess(a1, YEAR, "san_you", passed=True)
    assess(a2, YEAR, "san_you", passed=False)
    assess(town_a, YEAR, "san_you", passed=True)  # counts among all associations only
    assess(ca, YEAR, "yi_hao_si_jian", passed=True)
    assess(a1, 2023, "yi_hao_si_jian", passed=True)
    figures = evaluate(town_a, YEAR)
    assert {code: figures[code] for code in figures if "san_you" in code} == {
        "assessments.villages_san_you": 1,
        "assessments.villages_san_you_assessed": 2,
        "rate.villages_san_you": Rate(1, 3),  # of every village association
        "rate.villages_san_you_assessed": Rate(1, 2),  # of those assessed
        "assessments.san_you": 2,  # town A, a1
        "rate.san_you": Rate(2, 4),
    }
    assert {code: figures[code] for code in figures if "yi_hao" in code} == {
        "assessments.villages_yi_hao_si_jian": 1,
        "assessments.villages_yi_hao_si_jian_assessed": 1,
        "rate.villages_yi_hao_si_jian": Rate(1, 3),
        "rate.villages_yi_hao_si_jian_assessed": Rate(1, 1),
    }
    assert evaluate(town_a, 2023, ["rate.villages_yi_hao_si_jian"]) == {
        "rate.villages_yi_hao_si_jian": Rate(1, 3)
    }


def test_self_governance_over_villages_proper_and_over_those_with_a_record(network):
    """ "全镇41个村已有37个……签订了协议书": villages proper, not residents' committees."""
    a1, a2, ca = network["village_a1"], network["village_a2"], network["community_a"]
    SelfGovernanceFactory(
        association=a1,
        charter_adopted=True,
        charter_adopted_on=D(2024, 1, 1),
        benefits_one_child=True,
        households_due=10,
        households_signed=8,
    )
    SelfGovernanceFactory(
        association=ca,
        charter_adopted=True,
        charter_adopted_on=D(2024, 1, 1),
        households_due=10,
        households_signed=10,
    )
    figures = evaluate(network["town_a"], YEAR)
    assert figures["rate.agreement_villages"] == Rate(2, 3)  # a1, community_a of 3 村（居）
    assert figures["rate.agreement_admin_villages"] == Rate(1, 2)  # a1 of a1, a2
    assert figures["rate.agreement_villages_recorded"] == Rate(2, 2)  # a2 has no record
    assert figures["rate.charter_admin_villages"] == Rate(1, 2)
    assert figures["rate.charters.one_child"] == Rate(1, 2)  # a1 of the 2 charters
    SelfGovernanceFactory(association=a2, households_due=10, households_signed=0)
    again = evaluate(network["town_a"], YEAR, ["rate.agreement_villages_recorded"])
    assert again == {"rate.agreement_villages_recorded": Rate(2, 3)}
    assert evaluate(network["town_b"], YEAR, ["rate.charters.one_child"]) == {
        "rate.charters.one_child": Rate(0, 0)
    }
