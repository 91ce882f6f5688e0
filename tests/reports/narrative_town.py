"""A small hand-built town for the drafted work report; every figure is worked out here.

青山镇 (under the conftest county) has six villages and one residents' committee:

    village   people  members (2024)        vice-chair (since 2020)   self-governance 2024
    东村       8000    2♀ + FVC♂ + 1♂ (2024)  ♂ retired cadre           charter, 1-child; 90/100
    南村       6000    2♀ + FVC♀              ♀ stepped-back leader     charter, 1-child; 80/100
    西村       3000    2♀                                              charter;          70/100
    北村      12000    2♀ + FVC♂              ♂                         charter;          60/100
    中村        500    2♀                                              no charter;       40/50
    新村        450    2♀                                              no charter;        0/50
    青山社区  17650    2♀                                              —

→ population 47,600 (4.76万); members 18 at the end of 2024 (15♀ 3♂), 17 a year before;
  villages of 500+ people: 5 (新村 has 450), 3 with a vice-chair (60%); 3 of 7 村（居）
  have one (42.9%); the village vice-chairs are 2 men and 1 woman.
Events 2024: 东村's 5·29 day (3647 people, ¥50,000); the town's training (900 people,
  3 sessions of 2 days, 900 trainees, ¥8,000.50); the town's publicity (leaflets 20,500,
  booklets 386, letters 4,400, banners 8, wall boards 150, exhibition boards 34).
Aid 2024 (households of 3 people): 东村 pension subsidy ¥100,000, 南村 scholarship ¥50,000,
  西村 cash ¥20,000 (these three family-planning), 北村 cash ¥13,500 → 4 households,
  ¥183,500, 12 people, 3 of 4 family-planning; 2023: ¥1,000 cash to six households.
Awards 2024: the town provincial (collective), 东村's vice-chair national (individual),
  南村's household city level (family).
Funds: the town's income 2024 bureau ¥100,000 + budget ¥80,000.50 (2023: ¥200,000);
  expense 2024 ¥50,000 for the 5·29 day.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from activities.models import (
    AidKind,
    AwardLevel,
    Direction,
    EventMaterial,
    EventType,
    ExpensePurpose,
    FundSource,
)
from associations.models import Level
from members.models import Gender, OfficerBackground, OfficerTitle
from tests.activities.factories import (
    AidFactory,
    AwardFactory,
    EventFactory,
    LedgerEntryFactory,
    SelfGovernanceFactory,
)
from tests.conftest import make_association
from tests.members.factories import HouseholdFactory, MemberFactory, OfficerPositionFactory

D = dt.date
YEAR = 2024

VILLAGES = {  # name → (code, population)
    "东村": ("33079903201", 8000),
    "南村": ("33079903202", 6000),
    "西村": ("33079903203", 3000),
    "北村": ("33079903204", 12000),
    "中村": ("33079903205", 500),
    "新村": ("33079903206", 450),
}


def build_town(network: dict) -> SimpleNamespace:
    t = SimpleNamespace(county=network["county"])
    t.town = make_association("33079903", "青山镇计生协", Level.TOWN, network["county"])
    t.villages = {
        name: make_association(code, f"{name}计生协", Level.VILLAGE, t.town, population=people)
        for name, (code, people) in VILLAGES.items()
    }
    t.community = make_association(
        "33079903001", "青山社区计生协", Level.COMMUNITY, t.town, population=17650
    )
    v = t.villages
    for unit in (*v.values(), t.community):
        MemberFactory.create_batch(2, association=unit)
    MemberFactory(association=v["东村"], gender=Gender.MALE, joined_on=D(2024, 3, 1))

    def vice_chair(village, gender, background=""):
        who = MemberFactory(association=village, gender=gender)
        OfficerPositionFactory(
            member=who,
            title=OfficerTitle.FULLTIME_VICE_CHAIR,
            started_on=D(2020, 1, 1),
            background=background,
        )
        return who

    t.east_chair = vice_chair(v["东村"], Gender.MALE, OfficerBackground.RETIRED_CADRE)
    vice_chair(v["南村"], Gender.FEMALE, OfficerBackground.STEPPED_BACK)
    vice_chair(v["北村"], Gender.MALE)

    EventFactory(
        association=v["东村"],
        type=EventType.MEMBER_DAY,
        started_on=D(2024, 5, 29),
        participants=3647,
        cost=Decimal("50000"),
    )
    EventFactory(
        association=t.town,
        type=EventType.TRAINING,
        started_on=D(2024, 9, 25),
        participants=900,
        training_sessions=3,
        training_days=2,
        trainees=900,
        cost=Decimal("8000.50"),
    )
    publicity = EventFactory(
        association=t.town, type=EventType.PUBLICITY, started_on=D(2024, 4, 1), participants=0
    )
    for kind, quantity in {
        "leaflet": 20500,
        "booklet": 386,
        "letter": 4400,
        "banner": 8,
        "wall_board": 150,
        "exhibition_board": 34,
    }.items():
        EventMaterial.objects.create(event=publicity, kind=kind, quantity=quantity)

    households = {
        name: HouseholdFactory(association=village, is_family_planning=name != "北村", size=3)
        for name, village in v.items()
    }
    t.households = households
    for name, kind, amount in (
        ("东村", AidKind.PENSION_SUBSIDY, 100000),
        ("南村", AidKind.SCHOLARSHIP, 50000),
        ("西村", AidKind.CASH, 20000),
        ("北村", AidKind.CASH, 13500),
    ):
        AidFactory(household=households[name], kind=kind, amount=amount, given_on=D(2024, 6, 1))
    for household in households.values():
        AidFactory(household=household, kind=AidKind.CASH, amount=1000, given_on=D(2023, 6, 1))

    AwardFactory(association=t.town, level=AwardLevel.PROVINCIAL, year=YEAR)
    AwardFactory(association=v["东村"], level=AwardLevel.NATIONAL, member=t.east_chair, year=YEAR)
    AwardFactory(
        association=v["南村"], level=AwardLevel.CITY, household=households["南村"], year=YEAR
    )

    def charter(name, due, signed, *, adopted=True, one_child=False):
        SelfGovernanceFactory(
            association=v[name],
            year=YEAR,
            charter_adopted=adopted,
            charter_adopted_on=D(2024, 1, 1) if adopted else None,
            benefits_one_child=one_child,
            households_due=due,
            households_signed=signed,
        )

    charter("东村", 100, 90, one_child=True)
    charter("南村", 100, 80, one_child=True)
    charter("西村", 100, 70)
    charter("北村", 100, 60)
    charter("中村", 50, 40, adopted=False)
    charter("新村", 50, 0, adopted=False)

    income = {"direction": Direction.INCOME}
    LedgerEntryFactory(association=t.town, date=D(2024, 3, 1), amount=100000, **income)
    LedgerEntryFactory(
        association=t.town,
        date=D(2024, 4, 1),
        amount=Decimal("80000.50"),
        source=FundSource.BUDGET,
        **income,
    )
    LedgerEntryFactory(association=t.town, date=D(2023, 3, 1), amount=200000, **income)
    LedgerEntryFactory(
        association=t.town,
        date=D(2024, 5, 29),
        amount=50000,
        direction=Direction.EXPENSE,
        source="",
        purpose=ExpensePurpose.EVENT,
    )
    return t
