"""The city's people for measuring scale (`seed_demo --scale city`): 500,000 members with three
years of joining and leaving, officers, member groups, 100,000 households, 200,000 liaison
pairs and dues. Deterministic, bulk-inserted (demo data aside, writes go through services).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from associations.demo_city import CITY_CODE
from associations.models import VILLAGE_LEVELS, Association, Level

from . import idcard
from .models import (
    DuesPayment,
    Education,
    Gender,
    Household,
    LeaveReason,
    LiaisonKind,
    LiaisonPair,
    Member,
    MemberGroup,
    MembershipPeriod,
    MemberStatus,
    OfficerBackground,
    OfficerPosition,
    OfficerTitle,
    PoliticalStatus,
    Registration,
)

SEED = 20261130
TODAY = dt.date(2026, 10, 31)
YEARS = (2024, 2025, 2026)
CONGRESS = dt.date(2021, 5, 29)
# CITY_MEMBERS makes a smaller city of the same shape (the benchmark's growth table).
MEMBERS = int(os.environ.get("CITY_MEMBERS", 500_000))
HOUSEHOLDS = MEMBERS // 5
PAIRS = MEMBERS * 2 // 5
BATCH = 5000

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董潘袁蒋蔡余杜叶程"
_GIVEN = "秀英桂兰玉梅凤芳丽娟敏静霞红燕萍伟强军建国明华平志勇杰涛斌超刚磊鹏辉亮成忠福德林海波"
_EDUCATION = (
    [Education.PRIMARY] * 2
    + [Education.JUNIOR] * 4
    + [Education.SENIOR] * 3
    + [
        Education.COLLEGE,
        Education.BACHELOR,
    ]
)
_POLITICAL = [PoliticalStatus.MASSES] * 7 + [PoliticalStatus.PARTY] * 2 + [PoliticalStatus.LEAGUE]
_OCCUPATIONS = ["务农", "务农", "务农", "个体经营", "企业职工", "务工", "教师", "退休"]
_LEAVE_REASONS = [LeaveReason.MOVED] * 5 + [LeaveReason.PERSUADED] * 2 + [LeaveReason.DIED] * 2
_PAIR_KINDS = [LiaisonKind.HELP] * 3 + [LiaisonKind.PUBLICITY, LiaisonKind.SERVICE]


class _People:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sequence: dict[tuple[str, dt.date], int] = defaultdict(int)

    def name(self) -> str:
        rng = self.rng
        return rng.choice(_SURNAMES) + "".join(
            rng.choice(_GIVEN) for _ in range(rng.choice((1, 2)))
        )

    def id_number(self, area: str, birth: dt.date, gender: str) -> str:
        """Unique by construction: the sequence of (area, birth date) counts up by gender."""
        key = (area, birth)
        n = self.sequence[key]
        self.sequence[key] = n + 1
        sequence = n * 2 + (1 if gender == Gender.MALE else 0)
        if sequence >= 1000:  # a crowded birth date: use the next area code
            return self.id_number(str(int(area) + 1), birth, gender)
        return idcard.make(area, birth, sequence)


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max((end - start).days, 0) + 1))


def _batches(rows: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _grassroots(city: Association) -> list[Association]:
    levels = (Level.VILLAGE, Level.COMMUNITY, Level.ENTERPRISE, Level.FLOATING)
    return list(Association.objects.within(city).filter(level__in=levels).order_by("path"))


def _members(rng, people: _People, units: list[Association]) -> tuple[list[Member], list]:
    """Members spread by population; about 8% leave during 2024–2026, some come back."""
    weights = [float(unit.population or 900) for unit in units]
    total = sum(weights)
    members, spells = [], []
    for unit, weight in zip(units, weights, strict=True):
        area = unit.code[:6]
        for _ in range(max(3, round(MEMBERS * weight / total))):
            gender = Gender.FEMALE if rng.random() < 0.6 else Gender.MALE
            birth = _day(rng, dt.date(1950, 1, 1), dt.date(2002, 12, 31))
            adult = dt.date(birth.year + 20, birth.month, min(birth.day, 28))
            joined = (
                _day(rng, max(adult, dt.date(1995, 1, 1)), dt.date(2023, 12, 31))
                if rng.random() < 0.8
                else _day(rng, max(adult, dt.date(2024, 1, 1)), TODAY)
            )
            member = Member(
                association=unit,
                name=people.name(),
                gender=gender,
                birth_date=birth,
                id_number=people.id_number(area, birth, gender),
                phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
                if rng.random() < 0.8
                else "",
                education=rng.choice(_EDUCATION),
                political_status=rng.choice(_POLITICAL),
                occupation=rng.choice(_OCCUPATIONS),
                registration=Registration.FLOATING
                if unit.level == Level.FLOATING or rng.random() < 0.04
                else Registration.LOCAL,
                is_volunteer=rng.random() < 0.15,
                is_publicity_worker=rng.random() < 0.08,
                is_industry_leader=rng.random() < 0.04,
                is_newlywed_recruit=joined.year >= 2024 and rng.random() < 0.1,
                joined_on=joined,
                status=MemberStatus.ACTIVE,
            )
            spell = [(joined, None, "")]
            if rng.random() < 0.08 and joined < dt.date(2026, 6, 1):
                left = _day(rng, max(joined + dt.timedelta(days=60), dt.date(2024, 1, 1)), TODAY)
                reason = rng.choice(_LEAVE_REASONS)
                spell = [(joined, left, reason)]
                if (
                    reason == LeaveReason.MOVED
                    and rng.random() < 0.15
                    and left < dt.date(2026, 3, 1)
                ):
                    back = _day(rng, left + dt.timedelta(days=90), TODAY)
                    spell.append((back, None, ""))
                    member.joined_on = back
                else:
                    member.status, member.left_on, member.leave_reason = (
                        MemberStatus.LEFT,
                        left,
                        reason,
                    )
            members.append(member)
            spells.append(spell)
    return members, spells


def _officers(rng, city: Association, members: list[Member]) -> list[OfficerPosition]:
    """Councils: every body above the villages fully staffed from its villages' members; a
    full-time vice-chair in every village of 500+ people (about two men to one woman)."""
    active = defaultdict(list)
    for member in members:
        if member.status == MemberStatus.ACTIVE and member.joined_on < CONGRESS:
            active[member.association.path].append(member)
    posts = []
    taken: set[int] = set()

    def pick(prefix: str) -> Member | None:
        for path, people in active.items():
            if path.startswith(prefix):
                while people:
                    person = people.pop()
                    if id(person) not in taken:
                        taken.add(id(person))
                        return person
        return None

    bodies = Association.objects.within(city).exclude(level__in=(Level.ENTERPRISE, Level.FLOATING))
    for body in bodies.order_by("path"):
        titles = (
            [OfficerTitle.CHAIR, OfficerTitle.FULLTIME_VICE_CHAIR, OfficerTitle.VICE_CHAIR]
            if body.level in VILLAGE_LEVELS
            else [
                OfficerTitle.CHAIR,
                OfficerTitle.EXECUTIVE_VICE_CHAIR,
                OfficerTitle.FULLTIME_VICE_CHAIR,
                OfficerTitle.VICE_CHAIR,
                OfficerTitle.SECRETARY,
                *[OfficerTitle.COUNCIL] * 5,
            ]
        )
        for title in titles:
            if (
                title == OfficerTitle.FULLTIME_VICE_CHAIR
                and body.level in VILLAGE_LEVELS
                and (body.population or 0) < 500
            ):
                continue
            person = pick(body.path)
            if person is None:
                continue
            fulltime = title == OfficerTitle.FULLTIME_VICE_CHAIR
            posts.append(
                OfficerPosition(
                    member=person,
                    association=body,
                    title=title,
                    term=3,
                    started_on=CONGRESS,
                    is_fulltime=fulltime,
                    background=rng.choice(
                        [OfficerBackground.RETIRED_CADRE] * 5
                        + [OfficerBackground.RETIRED_TEACHER] * 3
                        + [OfficerBackground.STEPPED_BACK, OfficerBackground.OTHER]
                    )
                    if fulltime
                    else "",
                    monthly_allowance=Decimal(rng.choice((20, 30, 40, 50, 60))) if fulltime else 0,
                )
            )
    return posts


def _households(rng, people: _People, villages: list[Association]) -> list[Household]:
    weights = [float(v.population or 900) for v in villages]
    total = sum(weights)
    rows = []
    for village, weight in zip(villages, weights, strict=True):
        for i in range(max(2, round(HOUSEHOLDS * weight / total))):
            family_planning = rng.random() < 0.76
            one_child = family_planning and rng.random() < 0.5
            rows.append(
                Household(
                    code=f"{village.code}H{i + 1:04d}",
                    head_name=people.name(),
                    association=village,
                    size=rng.randint(1, 6),
                    is_family_planning=family_planning,
                    is_one_child=one_child,
                    is_two_daughter=family_planning and not one_child and rng.random() < 0.2,
                    is_in_difficulty=rng.random() < 0.08,
                    is_poor_mother=rng.random() < 0.03,
                    is_floating=rng.random() < 0.05,
                )
            )
    return rows


def _pairs(rng, members: list[Member], households: list[Household]) -> list[LiaisonPair]:
    """About two households per liaising member, of the member's own village."""
    by_village = defaultdict(list)
    for household in households:
        by_village[household.association_id].append(household)
    pairs, seen = [], set()
    candidates = [
        m for m in members if m.association_id in by_village and m.status == MemberStatus.ACTIVE
    ]
    rng.shuffle(candidates)
    for member in candidates:
        if len(pairs) >= PAIRS:
            break
        homes = by_village[member.association_id]
        for household in rng.sample(homes, min(2, len(homes))):
            key = (member.pk, household.pk)
            if key in seen:
                continue
            seen.add(key)
            started = max(member.joined_on, _day(rng, dt.date(2022, 1, 1), dt.date(2026, 6, 30)))
            pairs.append(
                LiaisonPair(
                    member=member,
                    household=household,
                    kind=rng.choice(_PAIR_KINDS),
                    started_on=started,
                    contract_signed_on=started
                    if household.is_in_difficulty and rng.random() < 0.5
                    else None,
                )
            )
    return pairs


def _periods(members: list[Member], spells: list) -> Iterator[MembershipPeriod]:
    for member, spell in zip(members, spells, strict=True):
        for joined, left, reason in spell:
            yield MembershipPeriod(
                member=member, joined_on=joined, left_on=left, leave_reason=reason
            )


def _dues(rng, members: list[Member], spells: list) -> Iterator[DuesPayment]:
    """About 37% of the members in the roll pay 10 元 a year."""
    for member, spell in zip(members, spells, strict=True):
        for year in YEARS:
            first, last = dt.date(year, 1, 1), min(dt.date(year, 12, 31), TODAY)
            if first > TODAY or rng.random() >= 0.37:
                continue
            for joined, left, _reason in spell:
                if joined <= last and (left is None or left > first):
                    paid = _day(rng, max(first, joined), min(last, left or last))
                    yield DuesPayment(member=member, year=year, amount=10, paid_on=paid)
                    break


def _groups(rng, villages: list[Association], members: list[Member]) -> list[MemberGroup]:
    """A member group per about 30 members of a village."""
    by_village = defaultdict(list)
    for member in members:
        by_village[member.association_id].append(member)
    groups = []
    for village in villages:
        people = by_village.get(village.pk, [])
        for g in range(max(1, len(people) // 30)):
            group = MemberGroup(
                association=village, name=f"第{g + 1}小组", founded_on=dt.date(2010, 5, 29)
            )
            group._people = people[g * 30 : (g + 1) * 30]
            groups.append(group)
    return groups


def seed(stdout) -> None:
    started = time.monotonic()
    city = Association.objects.filter(code=CITY_CODE).first()
    if city is None or Member.objects.within(city).exists():
        stdout.write("城市会员数据已存在或没有演示城市，跳过。")
        return
    rng = random.Random(SEED)
    people = _People(rng)
    units = _grassroots(city)
    members, spells = _members(rng, people, units)
    for batch in _batches(members):
        Member.objects.bulk_create(batch)
    stdout.write(f"  会员 {len(members):,} 人（{time.monotonic() - started:.0f} 秒）")
    periods = list(_periods(members, spells))
    for batch in _batches(periods):
        MembershipPeriod.objects.bulk_create(batch)
    villages = [u for u in units if u.level in VILLAGE_LEVELS]
    groups = _groups(rng, villages, members)
    for batch in _batches(groups):
        MemberGroup.objects.bulk_create(batch)
    grouped = []
    for group in groups:
        for member in group._people:
            member.group = group
            grouped.append(member)
    for batch in _batches(grouped):
        Member.objects.bulk_update(batch, ["group"])
    posts = _officers(rng, city, members)
    OfficerPosition.objects.bulk_create(posts, batch_size=BATCH)
    households = _households(rng, people, villages)
    for batch in _batches(households):
        Household.objects.bulk_create(batch)
    pairs = _pairs(rng, members, households)
    for batch in _batches(pairs):
        LiaisonPair.objects.bulk_create(batch)
    dues = list(_dues(rng, members, spells))
    for batch in _batches(dues):
        DuesPayment.objects.bulk_create(batch)
    stdout.write(
        f"城市会员数据：{len(members):,} 名会员，{len(periods):,} 段会籍，"
        f"{len(groups):,} 个会员小组，{len(posts):,} 个理事职务，"
        f"{len(households):,} 户，{len(pairs):,} 对联系户，"
        f"{len(dues):,} 笔会费；用时 {time.monotonic() - started:.0f} 秒。"
    )
