"""A small, hand-made world for the catalog tests; every figure is worked out in the tests.

On top of the conftest network (county › town_a › village_a1, village_a2,
community_a; town_b › village_b1) it adds:

    town_a ── enterprise_a (founded 2024-03-01)
           └─ village_a3   (dissolved 2024-06-30)
    town_b ── branch_b
           ├─ village_new  (founded 2025-01-01)
           └─ village_b1 ── floating_b

and an unrelated county 330800 › town › village whose records must never count.
Records are dated around the year under test (2024) and the one before, with
boundary cases on 30/31 December and 1 January.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from activities.models import (
    AidKind,
    Assessment,
    AssessmentTemplate,
    AwardLevel,
    Direction,
    EventMaterial,
    EventType,
    ExpensePurpose,
    FundSource,
    ProjectKind,
)
from associations.models import Level
from associations.services import association_create, association_dissolve, system_actor
from members.models import (
    CertificateKind,
    Education,
    Gender,
    HouseholdCertificate,
    IntegrityGroup,
    LeaveReason,
    MembershipPeriod,
    OfficerBackground,
    OfficerTitle,
    PoliticalStatus,
    Registration,
)
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

D = dt.date


def template(code: str) -> AssessmentTemplate:
    """The shipped template if the data migration made it, else a bare one for the test."""
    return AssessmentTemplate.objects.get_or_create(code=code, defaults={"name": code})[0]


def assess(association, year: int, code: str, *, passed: bool) -> Assessment:
    return Assessment.objects.create(
        association=association, year=year, template=template(code), passed=passed
    )


def member(association, gender: str, born: dt.date, joined: dt.date, **extra):
    return MemberFactory(
        association=association, gender=gender, birth_date=born, joined_on=joined, **extra
    )


def build_world(network: dict) -> SimpleNamespace:
    w = SimpleNamespace(**network)
    county, town_a, town_b = w.county, w.town_a, w.town_b
    a1, a2, ca, b1 = w.village_a1, w.village_a2, w.community_a, w.village_b1

    # ── associations ──────────────────────────────────────────────────────
    w.enterprise_a = association_create(
        by=system_actor(),
        code="33079901901",
        name="甲镇企业计生协",
        level=Level.ENTERPRISE,
        parent=town_a,
        founded_on=D(2024, 3, 1),
    )
    w.village_a3 = association_create(
        by=system_actor(),
        code="33079901203",
        name="甲三村计生协",
        level=Level.VILLAGE,
        parent=town_a,
    )
    association_dissolve(by=system_actor(), association=w.village_a3, dissolved_on=D(2024, 6, 30))
    w.branch_b = association_create(
        by=system_actor(),
        code="33079902301",
        name="乙镇第一分会",
        level=Level.BRANCH,
        parent=town_b,
    )
    w.village_new = association_create(
        by=system_actor(),
        code="33079902202",
        name="乙新村计生协",
        level=Level.VILLAGE,
        parent=town_b,
        founded_on=D(2025, 1, 1),
    )
    w.floating_b = association_create(
        by=system_actor(),
        code="33079902201F1",
        name="乙一村流动人口协会",
        level=Level.FLOATING,
        parent=b1,
    )
    w.other_county = association_create(
        by=system_actor(), code="330800", name="邻区计生协", level=Level.COUNTY, parent=None
    )
    w.other_town = association_create(
        by=system_actor(),
        code="33080001",
        name="邻镇计生协",
        level=Level.TOWN,
        parent=w.other_county,
    )
    w.other_village = association_create(
        by=system_actor(),
        code="33080001201",
        name="邻村计生协",
        level=Level.VILLAGE,
        parent=w.other_town,
    )
    a3, fb, ov = w.village_a3, w.floating_b, w.other_village

    # ── member groups and integrity groups ────────────────────────────────
    MemberGroupFactory(association=a1, name="一组")  # no dates: always there
    MemberGroupFactory(association=a1, name="二组", founded_on=D(2024, 5, 1))
    MemberGroupFactory(
        association=a1, name="三组", founded_on=D(2020, 1, 1), dissolved_on=D(2023, 12, 31)
    )
    MemberGroupFactory(association=a2, name="一组", founded_on=D(2023, 6, 1))
    MemberGroupFactory(association=b1, name="一组", founded_on=D(2025, 2, 1))
    MemberGroupFactory(association=ov, name="一组")

    def integrity(association, name, **extra):
        IntegrityGroup.objects.create(
            association=association, name=name, leader_name="组长", **extra
        )

    integrity(b1, "诚信一组", agreement_signed_on=D(2024, 4, 1))
    integrity(b1, "诚信二组")
    integrity(b1, "诚信三组", agreement_signed_on=D(2025, 1, 10))
    integrity(b1, "诚信四组", agreement_signed_on=D(2022, 5, 1), dissolved_on=D(2024, 3, 1))
    integrity(ov, "诚信一组", agreement_signed_on=D(2024, 4, 1))

    # ── members (M1…M12; MX outside) ─────────────────────────────────────
    F, M = Gender.FEMALE, Gender.MALE
    w.m1 = member(
        a1,
        F,
        D(1990, 6, 1),
        D(2020, 1, 1),
        is_volunteer=True,
        education=Education.COLLEGE,
        political_status=PoliticalStatus.PARTY,
    )
    w.m2 = member(
        a1,
        M,
        D(1950, 2, 2),
        D(2019, 5, 1),
        is_publicity_worker=True,
        is_industry_leader=True,
        education=Education.PRIMARY,
    )
    w.m3 = member(
        a1,
        F,
        D(1996, 1, 1),
        D(2024, 3, 8),
        is_newlywed_recruit=True,
        registration=Registration.FLOATING,
        education=Education.SENIOR,
    )
    w.m4 = member(
        a2,
        F,
        D(1980, 5, 1),
        D(2022, 1, 10),
        left_on=D(2024, 6, 30),
        leave_reason=LeaveReason.MOVED,
        status="left",
    )
    w.m5 = member(
        a2,
        M,
        D(1975, 7, 7),
        D(2023, 4, 1),
        left_on=D(2024, 12, 31),
        leave_reason=LeaveReason.DIED,
        status="left",
    )
    w.m6 = member(ca, F, D(1984, 12, 31), D(2025, 1, 5))
    # M7 was persuaded to leave in 2021 and joined again on 2024-09-01.
    w.m7 = member(
        b1,
        F,
        D(1970, 1, 1),
        D(2018, 1, 1),
        left_on=D(2021, 5, 1),
        leave_reason=LeaveReason.PERSUADED,
        is_volunteer=True,
        education=Education.JUNIOR,
        political_status=PoliticalStatus.PROBATIONARY,
    )
    MembershipPeriod.objects.create(member=w.m7, joined_on=D(2024, 9, 1))
    w.m8 = member(
        b1,
        M,
        D(1960, 3, 3),
        D(2024, 1, 1),
        left_on=D(2024, 11, 30),
        leave_reason=LeaveReason.PERSUADED,
        status="left",
    )
    w.m9 = member(
        fb,
        M,
        D(1985, 8, 8),
        D(2021, 1, 1),
        registration=Registration.FLOATING,
        education=Education.BACHELOR,
    )
    w.m10 = member(town_a, F, D(1965, 4, 4), D(2015, 1, 1), education=Education.POSTGRADUATE)
    w.m11 = member(
        w.enterprise_a,
        M,
        D(2000, 1, 1),
        D(2024, 5, 1),
        is_newlywed_recruit=True,
        education=Education.NONE,
    )
    w.m12 = member(county, M, D(1958, 10, 10), D(2010, 1, 1))  # the county's own member
    w.mx = member(ov, F, D(1990, 1, 1), D(2020, 1, 1), is_volunteer=True)

    # ── dues ──────────────────────────────────────────────────────────────
    DuesPaymentFactory(member=w.m1, year=2024, amount=Decimal("20.00"))
    DuesPaymentFactory(member=w.m2, year=2024, amount=Decimal("20.50"))
    DuesPaymentFactory(member=w.m4, year=2024, amount=Decimal("10.00"))
    DuesPaymentFactory(member=w.m1, year=2023, amount=Decimal("20.00"))
    DuesPaymentFactory(member=w.mx, year=2024, amount=Decimal("10.00"))

    # ── officers ──────────────────────────────────────────────────────────
    def post(who, where, title, started, **extra):
        return OfficerPositionFactory(
            member=who, association=where, title=title, started_on=started, **extra
        )

    T = OfficerTitle
    post(
        w.m10,
        town_a,
        T.FULLTIME_VICE_CHAIR,
        D(2021, 1, 1),
        background=OfficerBackground.STEPPED_BACK,
        cadre_rank="section",
        monthly_allowance=Decimal("60.00"),
    )
    post(w.m10, town_a, T.COUNCIL, D(2021, 1, 1))
    post(
        w.m1,
        a1,
        T.FULLTIME_VICE_CHAIR,
        D(2022, 1, 1),
        ended_on=D(2024, 12, 30),  # not in post on 31 December 2024
        background=OfficerBackground.RETIRED_TEACHER,
        monthly_allowance=Decimal("20.00"),
    )
    post(
        w.m2,
        a1,
        T.CHAIR,
        D(2020, 1, 1),
        background=OfficerBackground.RETIRED_CADRE,
        cadre_rank="division",
        monthly_allowance=Decimal("20.00"),
    )
    post(
        w.m9,
        b1,
        T.FULLTIME_VICE_CHAIR,
        D(2024, 9, 1),
        ended_on=D(2024, 12, 31),  # still in post on 31 December 2024
        background=OfficerBackground.RETIRED_CADRE,
        is_fulltime=True,
        cadre_rank="deputy_section",
        monthly_allowance=Decimal("20.00"),
    )
    post(w.m9, town_b, T.SECRETARY, D(2025, 1, 1))
    post(
        w.m2,
        town_a,
        T.VICE_CHAIR,
        D(2024, 1, 1),
        background=OfficerBackground.RETIRED_CADRE,
        is_fulltime=True,
        cadre_rank="division",
    )
    post(w.m12, county, T.CHAIR, D(2020, 1, 1))
    post(
        w.m12,
        county,
        T.EXECUTIVE_VICE_CHAIR,
        D(2024, 1, 1),
        background=OfficerBackground.STEPPED_BACK,
        cadre_rank="deputy_division",
    )
    post(w.mx, ov, T.FULLTIME_VICE_CHAIR, D(2020, 1, 1))

    # ── households, certificates, liaison pairs ───────────────────────────
    w.h1 = HouseholdFactory(association=a1, is_family_planning=True, is_one_child=True)
    w.h2 = HouseholdFactory(
        association=a1, is_family_planning=True, is_two_daughter=True, is_in_difficulty=True
    )
    w.h3 = HouseholdFactory(
        association=a2, is_in_difficulty=True, is_poor_mother=True, size=None
    )  # size unknown
    w.h4 = HouseholdFactory(association=b1, is_floating=True, is_family_planning=True)
    w.h5 = HouseholdFactory(association=ca)
    w.hx = HouseholdFactory(association=ov, is_family_planning=True)

    def certificate(household, kind, issued_on):
        HouseholdCertificate.objects.create(household=household, kind=kind, issued_on=issued_on)

    certificate(w.h1, CertificateKind.HONOUR, D(2023, 5, 1))
    certificate(w.h2, CertificateKind.PREFERENTIAL, D(2024, 7, 1))
    certificate(w.h4, CertificateKind.HONOUR, None)
    certificate(w.h3, CertificateKind.PREFERENTIAL, D(2025, 2, 1))
    certificate(w.hx, CertificateKind.HONOUR, D(2024, 1, 1))

    def pair(who, household, started, **extra):
        LiaisonPairFactory(member=who, household=household, started_on=started, **extra)

    pair(w.m1, w.h1, D(2022, 3, 1), contract_signed_on=D(2022, 3, 1))
    pair(w.m1, w.h2, D(2024, 2, 1))
    pair(w.m2, w.h2, D(2023, 1, 1), ended_on=D(2024, 12, 31), contract_signed_on=D(2025, 1, 5))
    pair(w.m9, w.h3, D(2024, 6, 1), contract_signed_on=D(2024, 6, 1))  # member of town B
    pair(w.m4, w.h4, D(2022, 1, 1), ended_on=D(2024, 6, 30))
    pair(w.m7, w.h5, D(2025, 1, 1))
    pair(w.mx, w.hx, D(2020, 1, 1), contract_signed_on=D(2020, 1, 1))

    # ── projects and aid ──────────────────────────────────────────────────
    w.pr1 = ProjectFactory(
        association=a1,
        kind=ProjectKind.FEWER_BIRTHS,
        started_on=D(2023, 3, 1),
        funds_raised=Decimal("10000.00"),
        funds_spent=Decimal("8000.00"),
        households_out_of_poverty=12,
        jobs_created=5,
        fixed_assets=Decimal("50000.00"),
        output_value=Decimal("30000.00"),
        tax_paid=Decimal("2000.00"),
    )
    w.pr2 = ProjectFactory(
        association=town_a,
        kind=ProjectKind.THREE_COMBINATIONS,
        started_on=D(2024, 2, 1),
        ended_on=D(2024, 11, 30),
        funds_raised=Decimal("5000.50"),
        funds_spent=Decimal("4000.00"),
        jobs_created=20,
    )
    ProjectFactory(
        association=b1,
        kind=ProjectKind.CARE_FOR_GIRLS,
        started_on=D(2022, 1, 1),
        ended_on=D(2023, 12, 31),
        funds_raised=Decimal("700.00"),
    )
    ProjectFactory(association=a2, kind=ProjectKind.EDUCATION_AID, started_on=D(2025, 1, 1))
    ProjectFactory(association=ca, kind=ProjectKind.HAPPINESS, started_on=D(2024, 12, 31))
    ProjectFactory(association=a3, kind=ProjectKind.BIRTH_CARE, started_on=D(2024, 1, 1))
    ProjectFactory(association=ov, kind=ProjectKind.FEWER_BIRTHS, started_on=D(2024, 1, 1))

    AidFactory(household=w.h1, project=w.pr1, given_on=D(2024, 3, 1), amount=Decimal("500"))
    AidFactory(household=w.h1, given_on=D(2024, 8, 1), kind=AidKind.IN_KIND, amount=Decimal("300"))
    AidFactory(household=w.h3, given_on=D(2024, 5, 5), amount=Decimal("1000"), provider="民政局")
    # town A's project reaches a household of village A2, so A2 "runs a project" in 2024.
    AidFactory(household=w.h3, project=w.pr2, given_on=D(2024, 4, 1), amount=Decimal("400"))
    AidFactory(household=w.h4, given_on=D(2023, 12, 31), amount=Decimal("200"))
    AidFactory(household=w.h5, given_on=D(2025, 1, 1), amount=Decimal("100"))
    AidFactory(household=w.hx, given_on=D(2024, 6, 1), amount=Decimal("999"))

    # ── events and materials ──────────────────────────────────────────────
    def materials(event, **quantities):
        for kind, quantity in quantities.items():
            EventMaterial.objects.create(event=event, kind=kind, quantity=quantity)

    e1 = EventFactory(
        association=a1,
        type=EventType.MEMBER_DAY,
        started_on=D(2024, 5, 29),
        participants=120,
        cost=Decimal("800.00"),
    )
    materials(e1, leaflet=500, banner=2)
    w.e2 = EventFactory(
        association=town_a,
        type=EventType.TRAINING,
        started_on=D(2024, 9, 25),
        ended_on=D(2024, 9, 30),
        participants=300,
        cost=Decimal("5000.00"),
        training_sessions=3,
        training_days=2,  # three sessions of two days each
        trainees=300,
    )
    materials(w.e2, booklet=100)
    e3 = EventFactory(
        association=b1,
        type=EventType.SCREENING,
        started_on=D(2024, 7, 10),
        participants=551,
        screened=551,
        cases_found=216,
    )
    e3.co_organisers.add(town_a)  # co-organising does not count for town A
    e4 = EventFactory(
        association=county,
        type=EventType.SEPT_25,
        started_on=D(2024, 9, 25),
        participants=50,
        cost=Decimal("1000.50"),
        training_days=Decimal("0.5"),  # no sessions given: one session
    )
    materials(e4, letter=40)
    e5 = EventFactory(
        association=a2, type=EventType.LECTURE, started_on=D(2023, 12, 20), participants=40
    )
    materials(e5, leaflet=60)
    EventFactory(association=ca, type=EventType.PUBLICITY, started_on=D(2025, 1, 2))
    ex = EventFactory(association=ov, started_on=D(2024, 5, 29), participants=999)
    materials(ex, leaflet=999)

    # ── awards ────────────────────────────────────────────────────────────
    L = AwardLevel
    AwardFactory(year=2024, level=L.NATIONAL, association=fb, member=w.m9, title="全国先进志愿者")
    AwardFactory(year=2024, level=L.PROVINCIAL, association=town_a)
    AwardFactory(year=2024, level=L.CITY, association=a1, household=w.h1, title="模范户")
    AwardFactory(year=2024, level=L.COUNTY, association=b1)
    AwardFactory(year=2024, level=L.TOWN, association=a2)
    AwardFactory(year=2023, level=L.CITY, association=town_b)
    AwardFactory(year=2024, level=L.NATIONAL, association=ov)

    # ── assessments ───────────────────────────────────────────────────────
    assess(a1, 2024, "ba_you", passed=True)
    assess(a2, 2024, "ba_you", passed=False)
    assess(ca, 2024, "ba_you", passed=True)
    assess(a3, 2024, "ba_you", passed=True)  # dissolved before 31 December
    assess(b1, 2023, "ba_you", passed=True)
    assess(ov, 2024, "ba_you", passed=True)
    assess(a2, 2024, "catalog_test_other", passed=True)  # another checklist
    assess(town_a, 2024, "model_association", passed=True)
    assess(b1, 2024, "model_association", passed=True)
    assess(county, 2024, "model_association", passed=False)
    assess(w.enterprise_a, 2024, "model_association", passed=True)

    # ── village self-governance ───────────────────────────────────────────
    SelfGovernanceFactory(
        association=a1,
        year=2024,
        charter_adopted=True,
        charter_adopted_on=D(2024, 3, 1),
        benefits_one_child=True,
        subsidises_checkups=True,
        households_due=100,
        households_signed=80,
        is_pilot=True,
    )
    SelfGovernanceFactory(association=a2, year=2024, households_due=50, households_signed=0)
    SelfGovernanceFactory(
        association=ca,
        year=2024,
        charter_adopted=True,
        charter_adopted_on=D(2023, 3, 1),
        rewards_second_birth_waiver=True,
        households_due=40,
        households_signed=40,
    )
    SelfGovernanceFactory(
        association=b1,
        year=2024,
        charter_adopted=True,
        charter_adopted_on=D(2022, 3, 1),
        households_due=60,
        households_signed=30,
    )
    SelfGovernanceFactory(
        association=a3,
        year=2024,
        charter_adopted=True,
        charter_adopted_on=D(2021, 3, 1),
        households_due=10,
        households_signed=10,
    )
    SelfGovernanceFactory(
        association=b1,
        year=2023,
        charter_adopted=True,
        charter_adopted_on=D(2022, 3, 1),
        households_due=60,
        households_signed=50,
    )
    SelfGovernanceFactory(
        association=ov,
        year=2024,
        charter_adopted=True,
        charter_adopted_on=D(2022, 3, 1),
        households_due=9,
        households_signed=9,
    )

    # ── ledger ────────────────────────────────────────────────────────────
    def entry(where, day, amount, **extra):
        LedgerEntryFactory(association=where, date=day, amount=Decimal(amount), **extra)

    income, expense = Direction.INCOME, Direction.EXPENSE
    entry(county, D(2024, 3, 1), "100000", direction=income, source=FundSource.BUREAU)
    entry(town_a, D(2024, 5, 29), "20000.50", direction=income, source=FundSource.BUDGET)
    entry(a1, D(2024, 6, 1), "7500", direction=income, source=FundSource.RAISED)
    entry(
        town_a,
        D(2024, 5, 29),
        "50000",
        direction=expense,
        source="",
        purpose=ExpensePurpose.EVENT,
        event=w.e2,
    )
    entry(
        b1,
        D(2024, 12, 31),
        "240",
        direction=expense,
        source="",
        purpose=ExpensePurpose.ALLOWANCE,
    )
    entry(town_a, D(2023, 12, 31), "9999", direction=income, source=FundSource.BUREAU)
    entry(a1, D(2025, 1, 1), "1", direction=expense, source="", purpose=ExpensePurpose.OFFICE)
    entry(ov, D(2024, 3, 1), "5", direction=income, source=FundSource.BUREAU)
    return w
