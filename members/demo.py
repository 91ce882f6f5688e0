"""Demo members, officers, households and liaison pairs for the demo district (金东区).

Deterministic (fixed random seed, fixed "today"), idempotent (skips a district that
already has members) and fast (bulk inserts). The shapes follow the seed reports:
~60% of members women, joins and leaves through 2024–2026, a full-time vice-chair
in every village of 500 people or more (mostly retired cadres and teachers,
about two men to one woman, 20–60 元 a month), about 75% of households in care
practising family planning.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from decimal import Decimal

from associations.demo import DISTRICT_CODE
from associations.models import Association, Level
from associations.services import system_actor

from . import idcard
from .models import (
    CertificateKind,
    DuesPayment,
    Education,
    Gender,
    Household,
    HouseholdCertificate,
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
from .services import integrity_group_create

SEED = 20240529
DEMO_TODAY = dt.date(2026, 10, 31)  # fixed, so every run gives the same records
CONGRESS = dt.date(2021, 5, 29)  # the council elected at the last congress (第三届)
TERM = 3
MEMBERS_AT_SCALE_1 = 20_000
HOUSEHOLDS_AT_SCALE_1 = 8_000

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董潘袁蒋"
    "蔡余杜叶程苏魏吕丁任沈姚卢姜金方施楼傅应盛"
)
_FEMALE = "秀英桂兰玉梅凤芳丽娟敏静霞红燕萍婷雪琴慧颖佳倩美月春菊兰莲珍丹晓云"
_MALE = "伟强军建国明华平志勇杰涛斌超刚磊鹏辉亮成忠福德林海波东宏峰文俊"
_OCCUPATIONS = [
    "务农",
    "务农",
    "务农",
    "个体经营",
    "企业职工",
    "村干部",
    "教师",
    "退休",
    "务工",
    "家政服务",
]


def _pick_weighted(rng: random.Random, options: list[tuple[object, float]]):
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _People:
    """Names, ID numbers and phones, never repeating."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids: set[str] = set()
        self.phones: set[str] = set()

    def name(self, gender: str) -> str:
        pool = _FEMALE if gender == Gender.FEMALE else _MALE
        given = "".join(self.rng.choice(pool) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(_SURNAMES) + given

    def id_number(self, birth: dt.date, gender: str) -> str:
        while True:
            # GB 11643: the 17th digit is odd for men, even for women.
            sequence = self.rng.randrange(500) * 2 + (1 if gender == Gender.MALE else 0)
            number = idcard.make(DISTRICT_CODE, birth, sequence)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = f"1{self.rng.choice('35789')}{self.rng.randrange(10**9):09d}"
            if number not in self.phones:
                self.phones.add(number)
                return number


class _Builder:
    def __init__(self, district: Association, scale: float) -> None:
        self.rng = random.Random(SEED)
        self.people = _People(self.rng)
        self.district = district
        self.scale = scale
        self.members: list[Member] = []
        self.leaves: dict[int, list[tuple[dt.date, dt.date | None, str]]] = {}
        self.positions: list[OfficerPosition] = []
        self.core: dict[int, list[Member]] = defaultdict(list)  # association pk → officers

    # ── members ──────────────────────────────────────────────────────────────

    def member(
        self,
        association: Association,
        *,
        core: bool = False,
        gender: str | None = None,
        born: tuple[int, int] = (1950, 2002),
    ) -> Member:
        """One member; `core` members (officers) joined before the congress and never left."""
        rng = self.rng
        gender = gender or (Gender.FEMALE if rng.random() < 0.6 else Gender.MALE)
        if core:  # old enough to have joined before the congress
            born = (born[0], min(born[1], 1990))
        birth = _date_between(rng, dt.date(born[0], 1, 1), dt.date(born[1], 12, 31))
        founded = association.founded_on or dt.date(1995, 5, 29)
        adult = _add_years(birth, 20)
        if core:
            joined = _date_between(rng, max(founded, adult), CONGRESS - dt.timedelta(days=30))
        elif rng.random() < 0.8:
            joined = _date_between(rng, max(founded, adult), dt.date(2023, 12, 31))
        else:
            joined = _date_between(rng, max(dt.date(2024, 1, 1), adult), DEMO_TODAY)
        age_at_join = (joined - birth).days // 365
        floating = association.level == Level.FLOATING or rng.random() < 0.04
        member = Member(
            association=association,
            name=self.people.name(gender),
            gender=gender,
            birth_date=birth,
            id_number=self.people.id_number(birth, gender),
            phone=self.people.phone() if rng.random() < 0.85 else "",
            education=_pick_weighted(
                rng,
                [
                    (Education.PRIMARY, 2),
                    (Education.JUNIOR, 4),
                    (Education.SENIOR, 2.5),
                    (Education.COLLEGE, 1),
                    (Education.BACHELOR, 0.5),
                ],
            ),
            political_status=_pick_weighted(
                rng,
                [
                    (PoliticalStatus.MASSES, 7),
                    (PoliticalStatus.PARTY, 2),
                    (PoliticalStatus.LEAGUE, 1),
                ],
            ),
            occupation=rng.choice(_OCCUPATIONS),
            registration=Registration.FLOATING if floating else Registration.LOCAL,
            is_volunteer=core or rng.random() < 0.15,
            is_publicity_worker=rng.random() < 0.08,
            is_industry_leader=rng.random() < 0.04,
            is_newlywed_recruit=joined.year >= 2024 and age_at_join <= 32 and rng.random() < 0.5,
            joined_on=joined,
            status=MemberStatus.ACTIVE,
        )
        self.members.append(member)
        if not core:
            self._maybe_leave(member)
        if core:
            self.core[association.pk].append(member)
        return member

    def _maybe_leave(self, member: Member) -> None:
        """About 8% leave during 2024–2026 (persuaded, moved, died); a few come back."""
        rng = self.rng
        if rng.random() >= 0.08:
            return
        start = max(member.joined_on + dt.timedelta(days=60), dt.date(2024, 1, 1))
        if start >= DEMO_TODAY:
            return
        left = _date_between(rng, start, DEMO_TODAY)
        reason = _pick_weighted(
            rng,
            [
                (LeaveReason.MOVED, 5),
                (LeaveReason.PERSUADED, 2),
                (LeaveReason.DIED, 2),
                ("other", 1),
            ],
        )
        rejoined = None
        if reason == LeaveReason.MOVED and rng.random() < 0.15 and left < dt.date(2026, 3, 1):
            rejoined = _date_between(rng, left + dt.timedelta(days=90), DEMO_TODAY)
        member.status = MemberStatus.ACTIVE if rejoined else MemberStatus.LEFT
        member.left_on = None if rejoined else left
        member.leave_reason = "" if rejoined else reason
        member._history = (member.joined_on, left, reason, rejoined)
        if rejoined:
            member.joined_on = rejoined  # Member.joined_on is the current spell's start

    def periods(self) -> list[MembershipPeriod]:
        rows = []
        for member in self.members:
            history = getattr(member, "_history", None)
            if history is None:
                rows.append(MembershipPeriod(member=member, joined_on=member.joined_on))
                continue
            joined, left, reason, rejoined = history
            rows.append(
                MembershipPeriod(member=member, joined_on=joined, left_on=left, leave_reason=reason)
            )
            if rejoined:
                rows.append(MembershipPeriod(member=member, joined_on=rejoined))
        return rows

    # ── officers ─────────────────────────────────────────────────────────────

    def position(self, member: Member, association: Association, title: str, **extra) -> None:
        extra.setdefault("started_on", CONGRESS)
        extra.setdefault("term", TERM)
        if title == OfficerTitle.FULLTIME_VICE_CHAIR:
            extra["is_fulltime"] = True
        self.positions.append(
            OfficerPosition(member=member, association=association, title=title, **extra)
        )

    def fulltime_vice_chair(self, association: Association, *, allowance_range=(20, 60)) -> None:
        """Mostly retired cadres and teachers; about two men to one woman (166 : 79)."""
        rng = self.rng
        gender = Gender.MALE if rng.random() < 166 / 245 else Gender.FEMALE
        member = self.member(association, core=True, gender=gender, born=(1950, 1966))
        background = _pick_weighted(
            rng,
            [
                (OfficerBackground.RETIRED_CADRE, 5),
                (OfficerBackground.RETIRED_TEACHER, 3),
                (OfficerBackground.STEPPED_BACK, 1.5),
                (OfficerBackground.OTHER, 0.5),
            ],
        )
        allowance = Decimal(rng.choice(range(allowance_range[0], allowance_range[1] + 1, 10)))
        self.position(
            member,
            association,
            OfficerTitle.FULLTIME_VICE_CHAIR,
            background=background,
            monthly_allowance=allowance,
        )


def _grassroots(district: Association) -> list[Association]:
    levels = (Level.VILLAGE, Level.COMMUNITY, Level.ENTERPRISE, Level.FLOATING)
    return list(
        Association.objects.within(district).current().filter(level__in=levels).order_by("path")
    )


def _weight(association: Association) -> float:
    if association.level == Level.VILLAGE:
        return float(association.population or 800)
    if association.level == Level.COMMUNITY:
        return (association.population or 3000) * 0.5
    if association.level == Level.ENTERPRISE:
        return 400.0
    return 900.0  # the district's floating-population association


def _officers(builder: _Builder, district: Association, grassroots: list[Association]) -> None:
    """Councils: district and towns fully staffed; villages with chair, vice-chair, council."""
    rng = builder.rng
    towns = list(district.children.filter(level=Level.TOWN).order_by("code"))
    for body in [district, *towns]:
        chair = builder.member(body, core=True, born=(1965, 1980))
        builder.position(
            chair,
            body,
            OfficerTitle.CHAIR,
            background=OfficerBackground.SERVING_CADRE,
            cadre_rank="deputy_division" if body == district else "section",
        )
        executive = builder.member(body, core=True, born=(1960, 1975))
        builder.position(
            executive,
            body,
            OfficerTitle.EXECUTIVE_VICE_CHAIR,
            background=OfficerBackground.SERVING_CADRE,
            cadre_rank="section" if body == district else "deputy_section",
        )
        builder.fulltime_vice_chair(body, allowance_range=(60, 60))
        secretary = builder.member(body, core=True, born=(1970, 1988))
        builder.position(
            secretary, body, OfficerTitle.SECRETARY, background=OfficerBackground.SERVING_CADRE
        )
        for _ in range(2):
            standing = builder.member(body, core=True, born=(1955, 1980))
            builder.position(standing, body, OfficerTitle.STANDING_COUNCIL)
    # A town chair changed in mid-2024, so "who held what on D" has history to show.
    changed_town = towns[2] if len(towns) > 2 else towns[0]
    old = next(p for p in builder.positions if p.association == changed_town)
    old.ended_on = dt.date(2024, 6, 14)
    successor = builder.member(changed_town, core=True, born=(1968, 1982))
    builder.position(
        successor,
        changed_town,
        OfficerTitle.CHAIR,
        started_on=dt.date(2024, 6, 15),
        background=OfficerBackground.SERVING_CADRE,
        cadre_rank="section",
    )
    town_of = {t.path: t for t in towns}
    for association in grassroots:
        if association.level not in (Level.VILLAGE, Level.COMMUNITY):
            continue
        chair = builder.member(association, core=True, born=(1960, 1985))
        builder.position(chair, association, OfficerTitle.CHAIR)
        # The village chair also sits on the town council (理事).
        town = next((t for p, t in town_of.items() if association.path.startswith(p)), None)
        if town is not None:
            builder.position(chair, town, OfficerTitle.COUNCIL)
        if (association.population or 0) >= 500:
            builder.fulltime_vice_chair(association)
            if rng.random() < 0.08:  # replaced during 2025: the old one stepped down
                builder.positions[-1].ended_on = dt.date(2025, 3, 31)
                builder.fulltime_vice_chair(association)
                builder.positions[-1].started_on = dt.date(2025, 4, 1)
        for _ in range(rng.choice((1, 2))):
            council = builder.member(association, core=True)
            builder.position(council, association, OfficerTitle.COUNCIL)


def _households(
    rng: random.Random, villages: list[Association], total: int, people: _People
) -> list[Household]:
    weights = [_weight(v) for v in villages]
    counts = [max(3, round(total * w / sum(weights))) for w in weights]
    rows = []
    for village, count in zip(villages, counts, strict=True):
        place = village.name.removesuffix("计生协")
        for n in range(1, count + 1):
            one_child = rng.random() < 0.35
            two_daughter = not one_child and rng.random() < 0.12
            family_planning = one_child or two_daughter or rng.random() < 0.55
            rows.append(
                Household(
                    code=f"{village.code}-{n:04d}",
                    head_name=people.name(Gender.MALE if rng.random() < 0.7 else Gender.FEMALE),
                    address=f"{place}{rng.randint(1, 300)}号",
                    association=village,
                    size=rng.choice((2, 3, 3, 4, 4, 5, 6)),
                    is_family_planning=family_planning,
                    is_one_child=one_child,
                    is_two_daughter=two_daughter,
                    is_in_difficulty=rng.random() < 0.05,
                    is_poor_mother=rng.random() < 0.03,
                    is_floating=rng.random() < 0.08,
                )
            )
    return rows


def _certificates(rng: random.Random, households: list[Household]) -> list[HouseholdCertificate]:
    rows = []
    for household in households:
        if household.is_one_child and rng.random() < 0.7:
            rows.append(
                HouseholdCertificate(
                    household=household,
                    kind=CertificateKind.HONOUR,
                    number=f"浙独{rng.randrange(10**7):07d}",
                    issued_on=_date_between(rng, dt.date(1985, 1, 1), dt.date(2015, 12, 31)),
                )
            )
        if (household.is_two_daughter or household.is_in_difficulty) and rng.random() < 0.5:
            rows.append(
                HouseholdCertificate(
                    household=household,
                    kind=CertificateKind.PREFERENTIAL,
                    number=f"金优{rng.randrange(10**6):06d}",
                    issued_on=_date_between(rng, dt.date(2005, 1, 1), dt.date(2024, 12, 31)),
                )
            )
    return rows


def _liaison_pairs(
    rng: random.Random,
    members: list[Member],
    households: list[Household],
    council_ids: set[int],
) -> list[LiaisonPair]:
    """Volunteers and council members liaise 1–3 households of their village over 2024–2026."""
    by_village: dict[int, list[Household]] = defaultdict(list)
    for household in households:
        by_village[household.association_id].append(household)
    pairs = []
    for member in members:
        if not (member.is_volunteer or id(member) in council_ids):
            continue
        candidates = by_village.get(member.association_id)
        if not candidates:
            continue
        history = getattr(member, "_history", None)
        first_day = max(member.joined_on, dt.date(2024, 1, 1))
        last_day = DEMO_TODAY
        if history and not history[3]:  # left for good: pairs end when they left
            first_day, last_day = max(history[0], dt.date(2024, 1, 1)), history[1]
        # Not in the roll on the day they left, so a pair starts the day before at the latest.
        latest_start = min(last_day - dt.timedelta(days=1), dt.date(2026, 9, 30))
        if first_day > latest_start:
            continue
        for household in rng.sample(candidates, min(len(candidates), rng.choice((1, 2, 2, 3)))):
            started = _date_between(rng, first_day, latest_start)
            ended = None
            if history and not history[3]:
                ended = last_day
            elif rng.random() < 0.1:
                ended = _date_between(rng, started, DEMO_TODAY)
            contract = household.is_in_difficulty and member.is_industry_leader
            contract = contract or rng.random() < 0.3
            pairs.append(
                LiaisonPair(
                    member=member,
                    household=household,
                    kind=LiaisonKind.HELP
                    if household.is_in_difficulty or household.is_poor_mother
                    else rng.choice([LiaisonKind.PUBLICITY, LiaisonKind.SERVICE, LiaisonKind.HELP]),
                    started_on=started,
                    ended_on=ended,
                    contract_signed_on=started + dt.timedelta(days=rng.randint(0, 14))
                    if contract
                    else None,
                )
            )
    return pairs


def _member_groups(
    rng: random.Random, villages: list[Association], members: list[Member]
) -> list[MemberGroup]:
    """2–5 groups per village (one per villagers' group); members are spread over them
    before they are saved, and each group gets an active member as its leader."""
    by_village: dict[int, list[Member]] = defaultdict(list)
    for member in members:
        by_village[member.association_id].append(member)
    groups, members_of = [], defaultdict(list)
    for village in villages:
        village_members = by_village.get(village.pk, [])
        created = [
            MemberGroup(
                association=village,
                name=f"第{'一二三四五'[i]}村民小组会员小组",
                founded_on=village.founded_on,
            )
            for i in range(rng.randint(2, 5))
        ]
        for member in village_members:
            group = rng.choice(created)
            member.group = group
            members_of[id(group)].append(member)
        groups.extend(created)
    MemberGroup.objects.bulk_create(groups, batch_size=2000)
    for member in members:  # the groups have their keys now
        if member.group is not None:
            member.group_id = member.group.pk
    for group in groups:
        active = [m for m in members_of[id(group)] if m.status == MemberStatus.ACTIVE]
        group._leader = rng.choice(active) if active else None
    return groups


def _integrity_groups(rng: random.Random, households: list[Household], people: _People) -> int:
    """A few villages' floating households form integrity groups, through the service."""
    actor = system_actor()
    by_village: dict[int, list[Household]] = defaultdict(list)
    for household in households:
        if household.is_floating:
            by_village[household.association_id].append(household)
    made = 0
    for _village, floating in sorted(by_village.items()):
        if len(floating) < 5 or rng.random() > 0.4:
            continue
        leader_name = people.name(Gender.MALE)
        signed_on = _date_between(rng, dt.date(2024, 3, 1), dt.date(2025, 6, 30))
        chosen = floating[: min(len(floating), rng.randint(5, 10))]
        integrity_group_create(
            by=actor,
            association=chosen[0].association,
            name="外来人口诚信计生小组",
            leader_name=leader_name,
            agreement_signed_on=signed_on,
            households=chosen,
        )
        made += 1
    return made


def _dues(rng: random.Random, members: list[Member]) -> list[DuesPayment]:
    """About 40% pay 10 元 a year for the years they were in the roll (2024, 2025, 2026)."""
    rows = []
    for member in members:
        if rng.random() >= 0.4:
            continue
        history = getattr(member, "_history", None)
        spells = [(member.joined_on, DEMO_TODAY)]
        if history:
            joined, left, _reason, rejoined = history
            spells = [(joined, left)] + ([(rejoined, DEMO_TODAY)] if rejoined else [])
        for year in (2024, 2025, 2026):
            for first, last in spells:
                if first.year <= year <= last.year:
                    paid = _date_between(
                        rng, max(dt.date(year, 1, 1), first), min(dt.date(year, 12, 31), last)
                    )
                    rows.append(DuesPayment(member=member, year=year, amount=10, paid_on=paid))
                    break
    return rows


def seed(stdout, *, scale: float = 1.0) -> None:
    started = time.monotonic()
    district = Association.objects.filter(code=DISTRICT_CODE).first()
    if district is None:
        stdout.write("会员演示数据：没有演示区，跳过。")
        return
    if Member.objects.within(district).exists():
        stdout.write("会员演示数据已存在，跳过。")
        return
    builder = _Builder(district, scale)
    rng = builder.rng
    grassroots = _grassroots(district)
    _officers(builder, district, grassroots)
    # Ordinary members, spread by population; at least three per association.
    target = max(int(MEMBERS_AT_SCALE_1 * scale) - len(builder.members), 0)
    weights = [_weight(a) for a in grassroots]
    for association, weight in zip(grassroots, weights, strict=True):
        for _ in range(max(3, round(target * weight / sum(weights)))):
            builder.member(association)

    villages = [a for a in grassroots if a.level in (Level.VILLAGE, Level.COMMUNITY)]
    village_pks = {v.pk for v in villages}
    in_villages = [m for m in builder.members if m.association_id in village_pks]
    groups = _member_groups(rng, villages, in_villages)
    Member.objects.bulk_create(builder.members, batch_size=2000)
    MembershipPeriod.objects.bulk_create(builder.periods(), batch_size=5000)
    OfficerPosition.objects.bulk_create(builder.positions, batch_size=2000)
    for group in groups:
        group.leader = group._leader
    MemberGroup.objects.bulk_update([g for g in groups if g.leader], ["leader"], batch_size=2000)

    total = max(int(HOUSEHOLDS_AT_SCALE_1 * scale), 1)
    households = _households(rng, villages, total, builder.people)
    Household.objects.bulk_create(households, batch_size=2000)
    certificates = _certificates(rng, households)
    HouseholdCertificate.objects.bulk_create(certificates, batch_size=2000)
    council = {id(p.member) for p in builder.positions}
    pairs = _liaison_pairs(rng, builder.members, households, council)
    LiaisonPair.objects.bulk_create(pairs, batch_size=2000)
    integrity = _integrity_groups(rng, households, builder.people)
    dues = _dues(rng, builder.members)
    DuesPayment.objects.bulk_create(dues, batch_size=5000)

    active = sum(1 for m in builder.members if m.status == MemberStatus.ACTIVE)
    stdout.write(
        f"会员演示数据：{len(builder.members)} 名会员（在册 {active}），"
        f"{len(builder.positions)} 个理事职务，{len(groups)} 个会员小组，"
        f"{len(households)} 户（证件 {len(certificates)}），{len(pairs)} 对联系户，"
        f"{integrity} 个诚信小组，{len(dues)} 笔会费；用时 {time.monotonic() - started:.1f} 秒。"
    )
