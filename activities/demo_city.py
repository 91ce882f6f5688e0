"""The city's work records for measuring scale (`seed_demo --scale city`), 2024–2026: about
50,000 events, 2,500 projects with 72,000 aid records, awards, 八有 assessments, village
self-governance and a funding ledger. Deterministic, bulk-inserted (demo data aside, writes go
through services).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from decimal import Decimal

from associations.demo_city import CITY_CODE
from associations.models import VILLAGE_LEVELS, Association, Level
from members.models import Household

from .models import (
    Aid,
    AidKind,
    Assessment,
    AssessmentScore,
    AssessmentTemplate,
    Award,
    AwardLevel,
    Direction,
    Event,
    EventMaterial,
    EventType,
    ExpensePurpose,
    FundSource,
    LedgerEntry,
    MaterialKind,
    Project,
    ProjectKind,
    SelfGovernance,
)

SEED = 20261201
YEARS = (2024, 2025, 2026)
LAST_DAY = {2024: dt.date(2024, 12, 31), 2025: dt.date(2025, 12, 31), 2026: dt.date(2026, 10, 31)}
BATCH = 5000
_VILLAGE_EVENTS = [
    EventType.LECTURE,
    EventType.PUBLICITY,
    EventType.CONDOLENCE,
    EventType.SCREENING,
]


def _day(rng: random.Random, year: int) -> dt.date:
    last = LAST_DAY[year]
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange((last - dt.date(year, 1, 1)).days))


def _bulk(model, rows: list) -> None:
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start : start + BATCH])


def _events(rng, bodies: list[Association], villages: list[Association]) -> list[Event]:
    events = []
    for year in YEARS:
        for body in bodies:  # towns, counties and the city: the big days
            for type_, title, month in (
                (EventType.MEMBER_DAY, "5·29会员活动日", 5),
                (EventType.TRAINING, "计生协干部培训班", 4),
                (EventType.CONGRESS, "理事会", 12),
            ):
                start = dt.date(year, month, 29 if month == 5 else 15)
                if start > LAST_DAY[year]:
                    continue
                training = type_ == EventType.TRAINING
                events.append(
                    Event(
                        association=body,
                        type=type_,
                        title=f"{year}年{title}",
                        started_on=start,
                        ended_on=start + dt.timedelta(days=1) if training else None,
                        participants=rng.randint(80, 600),
                        cost=Decimal(rng.randint(2000, 50000)),
                        training_sessions=rng.randint(1, 3) if training else None,
                        training_days=Decimal(2) if training else None,
                        trainees=rng.randint(50, 300) if training else None,
                    )
                )
        for village in villages:  # about four a year in every village
            for _ in range(rng.randint(10, 15)):
                type_ = rng.choice(_VILLAGE_EVENTS)
                screened = rng.randint(30, 200) if type_ == EventType.SCREENING else None
                events.append(
                    Event(
                        association=village,
                        type=type_,
                        title=f"{village.name[:-3]}{type_.label}",
                        started_on=_day(rng, year),
                        participants=rng.randint(15, 120),
                        cost=Decimal(rng.randint(0, 3000)),
                        screened=screened,
                        cases_found=rng.randint(0, screened // 5) if screened else None,
                    )
                )
    return events


def _materials(rng, events: list[Event]) -> list[EventMaterial]:
    rows = []
    for event in events:
        if event.type in (EventType.PUBLICITY, EventType.MEMBER_DAY) and rng.random() < 0.7:
            for kind in rng.sample(list(MaterialKind), 2):
                rows.append(EventMaterial(event=event, kind=kind, quantity=rng.randint(20, 2000)))
    return rows


def _projects(rng, villages: list[Association], towns: list[Association]) -> list[Project]:
    projects, number = [], 0
    for unit in [*towns, *rng.sample(villages, len(villages) * 2 // 3)]:
        for _ in range(rng.randint(1, 4)):
            number += 1
            kind = rng.choice(list(ProjectKind))
            started = dt.date(rng.choice((2022, 2023, 2024, 2025)), rng.randint(1, 12), 1)
            raised = Decimal(rng.randint(5, 300) * 1000)
            projects.append(
                Project(
                    code=f"C{number:06d}",
                    association=unit,
                    kind=kind,
                    name=f"{unit.name[:-3]}{kind.label}项目",
                    started_on=started,
                    ended_on=None if rng.random() < 0.7 else dt.date(2026, 6, 30),
                    funds_raised=raised,
                    funds_spent=(raised * Decimal("0.8")).quantize(Decimal(1)),
                    households_out_of_poverty=rng.randint(0, 40),
                    jobs_created=rng.randint(0, 30),
                )
            )
    return projects


def _aid(rng, projects: list[Project], households: dict[int, list[Household]], paths) -> list[Aid]:
    """About 24 aid records per project over its years, to households of its subtree."""
    rows, seen = [], set()
    for project in projects:
        within = project.association.path
        pool = [
            h for pk, homes in households.items() if paths[pk].startswith(within) for h in homes
        ]
        if not pool:
            continue
        for year in YEARS:
            ended = project.ended_on and project.ended_on.year < year
            if project.started_on.year > year or ended:
                continue
            for household in rng.sample(pool, min(12, len(pool))):
                day = max(_day(rng, year), project.started_on)
                if project.ended_on and day > project.ended_on:
                    day = project.ended_on
                kind = rng.choice(list(AidKind))
                key = (household.pk, day, kind, project.pk)
                if key in seen or day > LAST_DAY[year]:
                    continue
                seen.add(key)
                rows.append(
                    Aid(
                        household=household,
                        project=project,
                        given_on=day,
                        kind=kind,
                        amount=Decimal(rng.choice((200, 500, 800, 1000, 2000))),
                    )
                )
    return rows


def seed(stdout) -> None:
    started = time.monotonic()
    city = Association.objects.filter(code=CITY_CODE).first()
    if city is None or Event.objects.within(city).exists():
        stdout.write("城市工作记录已存在或没有演示城市，跳过。")
        return
    rng = random.Random(SEED)
    units = list(Association.objects.within(city).order_by("path"))
    villages = [u for u in units if u.level in VILLAGE_LEVELS]
    towns = [u for u in units if u.level == Level.TOWN]
    bodies = [u for u in units if u.level in (Level.CITY, Level.COUNTY, Level.TOWN)]
    events = _events(rng, bodies, villages)
    _bulk(Event, events)
    _bulk(EventMaterial, _materials(rng, events))
    projects = _projects(rng, villages, towns)
    _bulk(Project, projects)
    households: dict[int, list[Household]] = defaultdict(list)
    for household in Household.objects.within(city).only("pk", "association_id"):
        households[household.association_id].append(household)
    paths = {u.pk: u.path for u in units}
    aid = _aid(rng, projects, households, paths)
    _bulk(Aid, aid)
    template = AssessmentTemplate.objects.filter(code="ba_you").first()
    items = list(template.items.all()) if template else []
    assessments, selfgov, awards, ledger = [], [], [], []
    for year in YEARS:
        for village in villages:
            if template is not None:
                met = rng.sample(items, rng.randint(5, len(items))) if items else []
                assessment = Assessment(
                    association=village,
                    year=year,
                    template=template,
                    total_score=len(met),
                    passed=len(met) >= template.pass_mark,
                    assessed_on=min(dt.date(year, 11, 30), LAST_DAY[year]),
                )
                assessment._met = met
                assessments.append(assessment)
            due = rng.randint(100, 600)
            charter = rng.random() < 0.85
            selfgov.append(
                SelfGovernance(
                    association=village,
                    year=year,
                    charter_adopted=charter,
                    charter_adopted_on=dt.date(2018, 3, 1) if charter else None,
                    benefits_one_child=charter and rng.random() < 0.5,
                    households_due=due,
                    households_signed=rng.randint(due // 2, due) if charter else 0,
                )
            )
        for unit in rng.sample(units, 220):
            awards.append(
                Award(
                    year=year,
                    level=rng.choice(list(AwardLevel)),
                    title="先进集体",
                    awarding_body="市计生协",
                    association=unit,
                )
            )
        for body in [*bodies, *villages]:
            for source in rng.sample(list(FundSource), 2):
                ledger.append(
                    LedgerEntry(
                        association=body,
                        date=_day(rng, year),
                        direction=Direction.INCOME,
                        source=source,
                        amount=Decimal(rng.randint(1, 100) * 500),
                    )
                )
            for purpose in rng.sample(list(ExpensePurpose), 3):
                ledger.append(
                    LedgerEntry(
                        association=body,
                        date=_day(rng, year),
                        direction=Direction.EXPENSE,
                        purpose=purpose,
                        amount=Decimal(rng.randint(1, 60) * 500),
                    )
                )
    _bulk(Assessment, assessments)
    _bulk(
        AssessmentScore,
        [AssessmentScore(assessment=a, item=item, score=1) for a in assessments for item in a._met],
    )
    _bulk(SelfGovernance, selfgov)
    _bulk(Award, awards)
    _bulk(LedgerEntry, ledger)
    stdout.write(
        f"城市工作记录：活动 {len(events):,} 项，项目 {len(projects):,} 个，帮扶 {len(aid):,} 条，"
        f"考核 {len(assessments):,} 次，村民自治 {len(selfgov):,} 条，表彰 {len(awards):,} 项，"
        f"经费收支 {len(ledger):,} 条；用时 {time.monotonic() - started:.0f} 秒。"
    )
