"""Demo work records for the demo district (330703) over 2024–2026.

Figures follow the seed work reports: a 5·29 campaign in every town (the
district's own costing ¥50k+), 900 secretaries trained in three 2-day batches,
551 women screened and 216 cases found, ten 少生快富 projects helping 100+
households out of poverty, a 三结合 enterprise (16 sites, 290 jobs, ¥750k fixed
assets), 关爱女孩 subsidies and scholarships, ¥7,500 扶贫助学 for 50 families,
about 1,600 households aided a year (≈76% family-planning households), 八有 for
every village (≈85% passing), a scored 目标管理考核 for every town, charters in
about half the villages and agreements signed in about 90%, and a ledger for the
district (≈¥180k spent a year) and each town.

Deterministic (seeded per year) and idempotent: a year whose district 5·29
event exists is skipped. Households and members come from members/demo.py,
which runs first; with none, the aid and person awards are simply fewer.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Sum

from associations.models import VILLAGE_LEVELS, Association, Level
from associations.services import system_actor
from members.models import DuesPayment, Household, Member, OfficerPosition

from . import scoring, selectors, services
from .models import (
    Aid,
    AidKind,
    Assessment,
    AssessmentScore,
    AssessmentTemplate,
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

DISTRICT_CODE = "330703"
YEARS = (2024, 2025, 2026)
BRANCH_TOWN = "330703101"  # 孝顺镇, the seed town report
YUANDONG = "330703201"  # 源东乡, 大白桃基地
DUOHU = "330703001"  # 多湖街道, the national advanced volunteer
CAOZHAI = "330703103"  # 曹宅镇, the city-level model association
PROVIDERS = ("区民政局", "区扶贫办", "区妇联", "区残联", "区卫生局", "镇民政办", "区慈善总会")
FP_SHARE = 0.764  # 1,263 of 1,654 aided households were family-planning households
AIDED_PER_YEAR = 1600


def _day(rng: random.Random, year: int, first_month: int = 1, last_month: int = 10) -> dt.date:
    month = rng.randint(first_month, last_month)
    return dt.date(year, month, rng.randint(1, 28))


def _short(association: Association) -> str:
    return association.name.removesuffix("计生协").removesuffix("计划生育协会")


class _Year:
    """Everything seeded for one year, sharing the network and the random stream."""

    def __init__(self, district: Association, year: int, scale: float) -> None:
        self.district, self.year, self.scale = district, year, scale
        self.by = system_actor()  # the services' actor; bulk inserts name none
        self.rng = random.Random(f"activities-{year}")
        self.towns = list(district.children.filter(level=Level.TOWN).order_by("code"))
        self.villages = list(
            Association.objects.within(district)
            .filter(level__in=VILLAGE_LEVELS)
            .current()
            .order_by("path")
        )
        self.town_of = {
            v.pk: next(t for t in self.towns if v.path.startswith(t.path)) for v in self.villages
        }
        self.events: list[Event] = []
        self.projects: list[Project] = []

    def n(self, full: int, minimum: int = 1) -> int:
        return max(minimum, round(full * self.scale))

    # ── Events ────────────────────────────────────────────────────────────────
    def event(self, association: Association, type: str, title: str, **values) -> Event:
        event = services.event_create(
            by=self.by, association=association, type=type, title=title, **values
        )
        self.events.append(event)
        return event

    def seed_events(self) -> None:
        rng, year, district = self.rng, self.year, self.district
        self.event(
            district,
            EventType.MEMBER_DAY,
            f"{year}年“5·29”会员活动日暨计划生育图片巡回展",
            started_on=dt.date(year, 5, 29),
            ended_on=dt.date(year, 6, 5),
            place="区文化广场",
            participants=rng.randint(2800, 3600),
            cost=Decimal(rng.randint(50200, 56800)),
            materials={"leaflet": 20000, "booklet": 3000, "exhibition_board": 34, "banner": 40},
            co_organisers=self.towns[:3],
            description="防艾、生殖健康知识咨询，巡回妇女病普查，计划生育图片巡回展。",
        )
        self.event(
            district,
            EventType.TRAINING,
            f"{year}年乡村两级计生协秘书长集中培训",
            started_on=dt.date(year, 9, 25),
            ended_on=dt.date(year, 9, 30),
            place="区委党校",
            participants=(trainees := rng.randint(900, 960)),
            trainees=trainees,
            training_sessions=3,
            training_days=2,
            cost=Decimal(rng.randint(18000, 24000)),
            description="分三期、每期二天：协会工作、政策法规、优质服务、计生统计、流动人口管理。",
        )
        self.event(
            district,
            EventType.SEPT_25,
            f"{year}年“9·25”纪念活动",
            started_on=dt.date(year, 9, 25),
            participants=rng.randint(600, 1200),
            cost=Decimal(rng.randint(6000, 9000)),
            materials={"letter": 5000, "banner": 20},
        )
        self.event(
            district,
            EventType.CONGRESS,
            f"区计生协第一届理事会第{year - 2022}次会议",
            started_on=dt.date(year, 1, rng.randint(10, 25)),
            participants=rng.randint(60, 80),
            cost=Decimal(rng.randint(3000, 5000)),
        )
        self.event(
            district,
            EventType.EXHIBITION,
            f"{year}年婚育新风进万家图片展",
            started_on=dt.date(year, 4, 20),
            ended_on=dt.date(year, 5, 20),
            participants=rng.randint(3000, 8000),
            cost=Decimal(rng.randint(8000, 12000)),
            materials={"exhibition_board": 34},
        )
        if year == 2024:
            self.event(
                district,
                EventType.EMERGENCY,
                "协助开展农村疫情防控",
                started_on=dt.date(2024, 4, 22),
                ended_on=dt.date(2024, 7, 31),
                participants=20000,
                cost=Decimal(20000),
                materials={"leaflet": 150000, "letter": 4400, "wall_board": 600},
                description="2万多名会员骨干参与防控，发放宣传资料15万多册，慰问信4400余封。",
            )
        for town in self.towns:
            self.seed_town_events(town)
        self.seed_village_events()

    def seed_town_events(self, town: Association) -> None:
        rng, year, name = self.rng, self.year, _short(town)
        self.event(
            town,
            EventType.MEMBER_DAY,
            f"{name}{year}年“5·29”会员活动日",
            started_on=dt.date(year, 5, 29),
            place=f"{name}政府广场",
            participants=rng.randint(300, 3000),
            cost=Decimal(rng.randint(2000, 9000)),
            materials={
                "leaflet": rng.randint(10, 50) * 100,
                "banner": rng.randint(5, 30),
                "wall_board": rng.randint(5, 20),
                "contraceptive": rng.randint(2, 10) * 100,
            },
        )
        if rng.random() < 0.6:
            screened = 551 if (town.code == BRANCH_TOWN and year == 2024) else rng.randint(300, 700)
            found = 216 if screened == 551 else round(screened * rng.uniform(0.25, 0.42))
            self.event(
                town,
                EventType.SCREENING,
                f"{name}育龄妇女妇科病查治",
                started_on=dt.date(year, 7, rng.randint(1, 20)),
                participants=screened,
                screened=screened,
                cases_found=found,
                cost=Decimal(rng.randint(3000, 8000)),
            )
        if rng.random() < 0.5:
            self.event(
                town,
                EventType.MOTHERS_DAY,
                f"{name}母亲节走访慰问贫困母亲",
                started_on=dt.date(year, 5, rng.randint(8, 14)),
                participants=rng.randint(30, 120),
                cost=Decimal(rng.randint(1500, 5000)),
            )
        self.event(
            town,
            EventType.PUBLICITY,
            f"{name}新型生育文化宣传月",
            started_on=dt.date(year, 3, 1),
            ended_on=dt.date(year, 3, 31),
            participants=rng.randint(500, 2500),
            cost=Decimal(rng.randint(1000, 4000)),
            materials={"leaflet": rng.randint(50, 200) * 100, "wall_board": rng.randint(10, 40)},
        )
        if rng.random() < 0.4:
            self.event(
                town,
                EventType.CONDOLENCE,
                f"{name}春节走访计生困难家庭",
                started_on=dt.date(year, 1, rng.randint(15, 28)),
                participants=rng.randint(20, 80),
                cost=Decimal(rng.randint(2000, 6000)),
            )
        if town.code == BRANCH_TOWN and year == 2024:
            self.event(
                town,
                EventType.SITE_MEETING,
                "全镇计划生育村民自治现场会",
                started_on=dt.date(2024, 3, 18),
                participants=120,
                cost=Decimal(2500),
            )
            self.event(
                town,
                EventType.CONGRESS,
                "镇计生协第四次会员代表大会",
                started_on=dt.date(2024, 2, 26),
                participants=180,
                cost=Decimal(6000),
            )
        if rng.random() < 0.2:
            self.event(
                town,
                EventType.OTHER,
                f"{name}“好婆婆、好媳妇”评选表彰会",
                started_on=dt.date(year, 11, 20) if self.year < 2026 else dt.date(year, 10, 20),
                participants=rng.randint(80, 200),
                cost=Decimal(rng.randint(1000, 3000)),
            )

    def seed_village_events(self) -> None:
        """Lectures in the villages, bulk-inserted: no derived fields, valid by construction."""
        rng, rows = self.rng, []
        for village in self.villages:
            for _ in range(rng.randint(0, 3) if self.scale >= 0.5 else int(rng.random() < 0.1)):
                rows.append(
                    Event(
                        association=village,
                        type=EventType.LECTURE,
                        title=f"{_short(village)}优生优育知识讲座",
                        started_on=_day(rng, self.year),
                        participants=rng.randint(20, 120),
                        cost=Decimal(rng.randint(0, 6) * 100),
                    )
                )
        Event.objects.bulk_create(rows, batch_size=500)

    # ── Projects and aid ──────────────────────────────────────────────────────
    def project(self, association: Association, kind: str, name: str, **values) -> Project:
        # Numbers only (year, kind, serial): a code reads the same in every language.
        kind_number = ProjectKind.values.index(kind) + 1
        code = f"{self.year}-{kind_number:02d}-{len(self.projects) + 1:03d}"
        values.setdefault("started_on", dt.date(self.year, 3, 1))
        values.setdefault("ended_on", dt.date(self.year, 12, 31))
        project = services.project_create(
            by=self.by, code=code, association=association, kind=kind, name=name, **values
        )
        self.projects.append(project)
        return project

    def seed_projects(self) -> None:
        rng, year = self.rng, self.year
        by_code = {t.code: t for t in self.towns}
        hosts = [by_code[YUANDONG]] + [t for t in self.towns if t.code != YUANDONG]
        bases = ["大白桃基地", "葡萄园", "苗木基地", "食用菌基地", "养猪场", "茶园", "花卉基地"]
        for i in range(10):
            town = hosts[i % len(hosts)]
            base = "大白桃基地" if town.code == YUANDONG else bases[i % len(bases)]
            bureau, budget, raised = (rng.randint(5, 20) * 1000 for _ in range(3))
            self.project(
                town,
                ProjectKind.FEWER_BIRTHS,
                f"{_short(town)}{base}“少生快富”项目",
                households_out_of_poverty=rng.randint(9, 14),
                jobs_created=rng.randint(5, 30),
                funding={
                    FundSource.BUREAU: (bureau, bureau),
                    FundSource.BUDGET: (budget, round(budget * 0.8)),
                    FundSource.RAISED: (raised, round(raised * 0.9)),
                },
            )
        town = self.towns[(year - 2024) * 3 % len(self.towns)]
        first = year == 2024
        self.project(
            town,
            ProjectKind.THREE_COMBINATIONS,
            f"{_short(town)}计划生育“三结合”服装厂等{16 if first else rng.randint(5, 12)}处网点",
            households_out_of_poverty=rng.randint(10, 30),
            jobs_created=290 if first else rng.randint(60, 200),
            fixed_assets=750000 if first else rng.randint(20, 60) * 10000,
            output_value=500000 if first else rng.randint(20, 45) * 10000,
            tax_paid=50000 if first else rng.randint(2, 5) * 10000,
            funding={FundSource.RAISED: (120000, 110000), FundSource.BUDGET: (30000, 30000)},
        )
        xiaoshun = by_code[BRANCH_TOWN]
        self.education_aid = self.project(
            xiaoshun,
            ProjectKind.EDUCATION_AID,
            f"{year}年会员募集扶贫助学",
            started_on=dt.date(year, 9, 1),
            ended_on=dt.date(year, 9, 30),
            funding={FundSource.RAISED: (7500, 7500)},
        )
        town = self.towns[(year - 2023) * 4 % len(self.towns)]
        self.project(
            town,
            ProjectKind.OTHER,
            f"{_short(town)}“会员之家”阵地建设",
            funding={FundSource.BUDGET: (15000, 12000), FundSource.DUES: (3000, 3000)},
        )
        for kind, name, money in (
            (ProjectKind.HAPPINESS, "“幸福工程”救助贫困母亲", 60000),
            (ProjectKind.BIRTH_CARE, "“生育关怀”计生困难家庭帮扶", 50000),
            (ProjectKind.POPULATION_FUND, "人口基金扶持救助", 40000),
            (ProjectKind.FP_INSURANCE, "计划生育系列保险", 30000),
        ):
            self.project(
                self.district,
                kind,
                f"{year}年{name}",
                funding={FundSource.BUREAU: (money, money), FundSource.RAISED: (money // 2, 0)},
            )

    def seed_aid(self) -> None:
        """About 1,600 households aided, ≈76% family-planning; project aid stays in its subtree."""
        rng = self.rng
        pool = list(
            Household.objects.within(self.district)
            .order_by("code")
            .values_list(
                "pk",
                "association__path",
                "is_family_planning",
                "is_two_daughter",
                "is_in_difficulty",
            )
        )
        wanted = min(self.n(AIDED_PER_YEAR, minimum=10), len(pool))
        # 关爱女孩 reaches the two-daughter households of its town first (the seed's 344).
        xiaoshun = Association.objects.get(code=BRANCH_TOWN)
        girls_path = xiaoshun.path
        two_daughters = [h for h in pool if h[3] and h[1].startswith(girls_path)]
        girls = rng.sample(two_daughters, min(len(two_daughters), self.n(344), wanted // 4))
        chosen = {h[0] for h in girls}
        rest = [h for h in pool if h[0] not in chosen]
        fp = [h for h in rest if h[2]]
        other = [h for h in rest if not h[2]]
        n_fp = min(round(wanted * FP_SHARE) - sum(1 for h in girls if h[2]), len(fp))
        n_other = min(wanted - len(girls) - max(n_fp, 0), len(other))
        aided = rng.sample(fp, max(n_fp, 0)) + rng.sample(other, max(n_other, 0))
        rng.shuffle(aided)
        rows: list[Aid] = []
        used: set[int] = set()

        def give(project: Project | None, household, kind: str, amount: int, **extra) -> None:
            given_on = extra.pop("given_on", None) or _day(rng, self.year, 3, 10)
            if project is not None:
                given_on = max(given_on, project.started_on)
                given_on = min(given_on, project.ended_on or given_on)
            rows.append(
                Aid(
                    household_id=household[0],
                    project=project,
                    given_on=given_on,
                    kind=kind,
                    amount=Decimal(amount),
                    **extra,
                )
            )
            used.add(household[0])

        def inside(project: Project, households: Iterable, limit: int, prefer=None) -> list:
            found = [
                h
                for h in households
                if h[0] not in used and h[1].startswith(project.association.path)
            ]
            if prefer is not None:
                found.sort(key=lambda h: not prefer(h))
            return found[:limit]

        scholarships = [rng.choice([1000, 2000, 3000, 5000]) for _ in girls[: self.n(3)]]
        paid = 200 * len(girls) + sum(scholarships)
        care_for_girls = self.project(
            xiaoshun,
            ProjectKind.CARE_FOR_GIRLS,
            f"{self.year}年“关爱女孩行动”",
            description="两女户养老保险补助每户200元；女孩考取大学发放1000–5000元成才奖学金。",
            funding={FundSource.BUDGET: (max(paid, 80000), paid)},
        )
        for household in girls:
            give(care_for_girls, household, AidKind.PENSION_SUBSIDY, 200)
        for household, amount in zip(girls, scholarships, strict=False):
            give(
                care_for_girls,
                household,
                AidKind.SCHOLARSHIP,
                amount,
                given_on=dt.date(self.year, 8, 20),
                note="女孩成才奖学金",
            )
        for household in inside(self.education_aid, aided, 50, prefer=lambda h: h[4]):
            give(self.education_aid, household, AidKind.SCHOLARSHIP, 150, note="扶贫助学")
        kinds = (AidKind.LOAN, AidKind.IN_KIND, AidKind.CASH)
        for project in self.projects:
            if project.kind in (ProjectKind.CARE_FOR_GIRLS, ProjectKind.EDUCATION_AID):
                continue
            for household in inside(
                project, aided, self.n(20 if project.association.depth else 40)
            ):
                give(project, household, rng.choice(kinds), rng.randint(3, 30) * 100)
        for household in aided:
            if household[0] not in used:
                kind = rng.choice((AidKind.CASH, AidKind.IN_KIND, AidKind.MEDICAL, AidKind.OTHER))
                give(
                    None, household, kind, rng.randint(2, 20) * 100, provider=rng.choice(PROVIDERS)
                )
        Aid.objects.bulk_create(rows, batch_size=1000)

    # ── Awards ────────────────────────────────────────────────────────────────
    def seed_awards(self) -> None:
        rng, year = self.rng, self.year

        def grant(level: str, title: str, body: str, **recipient) -> None:
            services.award_grant(
                by=self.by, year=year, level=level, title=title, awarding_body=body, **recipient
            )

        by_code = {t.code: t for t in self.towns}
        if year == 2024:
            volunteer = (
                Member.objects.within(by_code[DUOHU]).order_by("-is_volunteer", "pk").first()
            )
            if volunteer is not None:
                grant(AwardLevel.NATIONAL, "全国先进志愿者", "中国计划生育协会", member=volunteer)
            grant(AwardLevel.CITY, "市级示范协会", "市计划生育协会", association=by_code[CAOZHAI])
        if year == 2025:
            grant(
                AwardLevel.PROVINCIAL,
                "全省协会工作先进集体",
                "省计划生育协会",
                association=self.district,
            )
        if year == 2026:
            grant(
                AwardLevel.NATIONAL,
                "全国模范计生协会",
                "中国计划生育协会",
                association=by_code[BRANCH_TOWN],
            )
        for town in rng.sample(self.towns, 2):
            grant(AwardLevel.CITY, "市级先进集体", "市计划生育协会", association=town)
        for village in rng.sample(self.villages, min(len(self.villages), 12)):
            grant(AwardLevel.COUNTY, "先进村（居）协会", "区计划生育协会", association=village)
        for village in rng.sample(self.villages, min(len(self.villages), 8)):
            grant(
                AwardLevel.TOWN,
                "示范协会",
                f"{_short(self.town_of[village.pk])}计生协",
                association=village,
            )
        members = list(
            Member.objects.within(self.district).filter(status="active").order_by("pk")[:2000]
        )
        for member in rng.sample(members, min(len(members), self.n(20, 2))):
            grant(AwardLevel.COUNTY, "五好会员", "区计划生育协会", member=member)
        households = list(Household.objects.within(self.district).order_by("pk")[:2000])
        for household in rng.sample(households, min(len(households), self.n(6, 1))):
            title = rng.choice(["好婆婆好媳妇", "计划生育模范户"])
            grant(AwardLevel.TOWN, title, "镇计生协", household=household)

    # ── Assessments and self-governance ───────────────────────────────────────
    def seed_assessments(self) -> None:
        """八有 for every village (≈85% passing), 示范协会 for some; bulk, the items met at
        full points and the total, grade and `passed` computed as the services do."""
        rng, year = self.rng, self.year
        templates = {t.code: t for t in AssessmentTemplate.objects.prefetch_related("items")}
        passing = {2024: 0.84, 2025: 0.86, 2026: 0.88}.get(year, 0.86)
        plan: list[tuple[Association, AssessmentTemplate, list[int]]] = []
        for village in self.villages:
            items = [i.number for i in templates["ba_you"].items.all()]
            met = items if rng.random() < passing else rng.sample(items, rng.randint(4, 7))
            plan.append((village, templates["ba_you"], met))
            if rng.random() < 0.12:
                items = [i.number for i in templates["model_association"].items.all()]
                met = items if rng.random() < 0.6 else rng.sample(items, rng.randint(1, 3))
                plan.append((village, templates["model_association"], met))
        for town in self.towns:
            items = [i.number for i in templates["yi_hao_si_jian"].items.all()]
            plan.append((town, templates["yi_hao_si_jian"], rng.sample(items, rng.randint(3, 5))))
        items = {t.pk: list(t.items.select_related("group")) for t in templates.values()}
        rows, scores = [], []
        for association, template, met in plan:
            full = {i.pk: i.points for i in items[template.pk] if i.number in met}
            total = scoring.total(scoring.sections(items[template.pk], full))
            rows.append(
                Assessment(
                    association=association,
                    year=year,
                    template=template,
                    total_score=total,
                    grade=template.grade_for(total),
                    passed=template.passes(total),
                    assessed_on=dt.date(year, 11, 30) if year < 2026 else dt.date(year, 10, 31),
                    assessed_by=self.by,
                )
            )
            scores.append(full)
        Assessment.objects.bulk_create(rows, batch_size=500)
        AssessmentScore.objects.bulk_create(
            (
                AssessmentScore(assessment_id=row.pk, item_id=item, score=points)
                for row, full in zip(rows, scores, strict=True)
                for item, points in full.items()
            ),
            batch_size=1000,
        )

    def seed_target_assessments(self) -> None:
        """Every town's 目标管理考核, scored by hand through the service; the indicator
        item (the villages' 八有 rate) is left for the reports to fill."""
        template = target_template(self.by)
        rng = random.Random(f"target-{self.year}")
        for town in self.towns:
            scores = {
                item.number: Decimal(round(float(item.points) * rng.uniform(0.55, 1.0) * 2) / 2)
                for item in template.items.all()
                if not item.from_indicator
            }
            services.assessment_create(
                by=self.by,
                association=town,
                year=self.year,
                template=template,
                scores=scores,
                assessed_on=dt.date(self.year, 12, 20) if self.year < 2026 else None,
            )

    def seed_selfgov(self) -> None:
        """Every village each year; charters (once adopted, kept) in about half, agreements ≈90%.

        Each village draws its own fixed numbers, so a charter adopted one year is
        still there the next and its provisions do not change.
        """
        rng, year = self.rng, self.year
        share = {2024: 0.45, 2025: 0.5, 2026: 0.55}.get(year, 0.5)
        earlier = dict(
            SelfGovernance.objects.filter(
                association__in=self.villages, charter_adopted=True, year__lt=year
            )
            .order_by("association", "-charter_adopted_on")  # the earliest wins in dict()
            .values_list("association", "charter_adopted_on")
        )
        rows = []
        for village in self.villages:
            own = random.Random(f"selfgov-{village.code}")
            draw = [own.random() for _ in range(8)]  # a fixed set per village, same every year
            adopted = draw[0] < share
            due = max(40, (village.population or 900) // 4)
            row = SelfGovernance(
                association=village,
                year=year,
                charter_adopted=adopted,
                households_due=due,
                households_signed=round(due * rng.uniform(0.8, 1.0)) if rng.random() < 0.9 else 0,
                is_pilot=draw[1] < 0.04,
            )
            if adopted:
                first_year = year - int(draw[2] * 4) if year == YEARS[0] else year
                row.charter_adopted_on = earlier.get(village.pk) or dt.date(
                    first_year, 1 + int(draw[3] * 10), 1 + int(draw[4] * 28)
                )
                row.benefits_one_child = draw[5] < 20 / 39
                row.rewards_second_birth_waiver = draw[6] < 23 / 39
                row.subsidises_checkups = draw[7] < 9 / 39
                if row.subsidises_checkups and draw[7] < 0.05:
                    row.other_provisions = "由村集体出资，每年为全体会员组织一次健康体检。"
            rows.append(row)
        SelfGovernance.objects.bulk_create(rows, batch_size=500)

    # ── Ledger ────────────────────────────────────────────────────────────────
    def entry(self, association: Association, direction: str, amount, **values) -> None:
        amount = Decimal(amount).quantize(Decimal("0.01"))
        if amount > 0:
            values.setdefault("date", _day(self.rng, self.year))
            services.ledger_record(
                by=self.by, association=association, direction=direction, amount=amount, **values
            )

    def seed_ledger(self) -> None:
        rng, year = self.rng, self.year
        for association in [self.district, *self.towns]:
            is_district = association.pk == self.district.pk
            expense = Decimal(0)
            for event in (e for e in self.events if e.association_id == association.pk):
                purpose = (
                    ExpensePurpose.TRAINING
                    if event.type == EventType.TRAINING
                    else ExpensePurpose.EVENT
                )
                self.entry(
                    association,
                    Direction.EXPENSE,
                    event.cost,
                    purpose=purpose,
                    event=event,
                    date=event.ended_on or event.started_on,
                    note=event.title[:60],
                )
                expense += event.cost
            for project in self.projects:
                if project.association_id == association.pk and project.funds_spent:
                    share = project.funds_spent * Decimal("0.3")
                    self.entry(
                        association,
                        Direction.EXPENSE,
                        share,
                        purpose=ExpensePurpose.PROJECT,
                        project=project,
                        note=f"{project.name}配套"[:60],
                    )
                    expense += share.quantize(Decimal("0.01"))
            allowances = _allowances(association, year)
            if not is_district:
                self.entry(
                    association,
                    Direction.EXPENSE,
                    allowances,
                    purpose=ExpensePurpose.ALLOWANCE,
                    date=dt.date(year, 12, 20) if year < 2026 else dt.date(year, 10, 20),
                    note="理事岗位津贴、村常务副会长定额补贴",
                )
                expense += allowances
            target = (
                Decimal(rng.randint(180000, 190000)) if is_district else expense * Decimal("1.15")
            )
            office = max(target - expense, Decimal(1000))
            for purpose, share in (
                (ExpensePurpose.PUBLICITY, Decimal("0.4")),
                (ExpensePurpose.OFFICE, Decimal("0.45")),
                (ExpensePurpose.OTHER, Decimal("0.15")),
            ):
                self.entry(association, Direction.EXPENSE, office * share, purpose=purpose)
            spent_total = expense + office
            # Members pay dues to their village; a town's ledger carries its subtree's,
            # the district's only its own members' (no double counting).
            payments = (
                DuesPayment.objects.filter(member__association=association)
                if is_district
                else DuesPayment.objects.within(association)
            )
            dues = payments.filter(year=year).aggregate(total=Sum("amount"))["total"] or 0
            self.entry(
                association,
                Direction.INCOME,
                dues,
                source=FundSource.DUES,
                date=dt.date(year, 4, 30),
                note="会费收缴",
            )
            if is_district:
                for quarter in range(1, 5):
                    self.entry(
                        association,
                        Direction.INCOME,
                        spent_total * Decimal("0.235"),
                        source=FundSource.BUREAU,
                        date=dt.date(year, quarter * 3 - 2, 15),
                        note=f"区计生局拨付第{quarter}季度协会经费",
                    )
                self.entry(
                    association,
                    Direction.INCOME,
                    spent_total * Decimal("0.08"),
                    source=FundSource.BUDGET,
                    note="区财政专项",
                )
            else:
                self.entry(
                    association,
                    Direction.INCOME,
                    spent_total * Decimal("0.6"),
                    source=FundSource.BUDGET,
                    date=dt.date(year, 2, 28),
                    note="同级行政经费列支",
                )
                self.entry(
                    association,
                    Direction.INCOME,
                    spent_total * Decimal("0.35"),
                    source=FundSource.BUREAU,
                    date=dt.date(year, 3, 20),
                    note="计生部门拨款",
                )
                if association.code == BRANCH_TOWN:
                    self.entry(
                        association,
                        Direction.INCOME,
                        7500,
                        source=FundSource.RAISED,
                        date=dt.date(year, 9, 5),
                        project=self.education_aid,
                        note="会员募集扶贫助学资金",
                    )

    def seed(self) -> None:
        self.seed_events()
        self.seed_projects()
        self.seed_aid()
        self.seed_awards()
        self.seed_assessments()
        self.seed_target_assessments()
        self.seed_selfgov()
        self.seed_ledger()


def _allowances(association: Association, year: int) -> Decimal:
    """What the posts in the association's subtree earn in `year` (the ledger line booking
    them): the monthly allowance for each month held on at least one day."""
    total = Decimal(0)
    posts = OfficerPosition.objects.within(association).held_during(year)
    for post in posts.filter(monthly_allowance__gt=0):
        first = 1 if post.started_on.year < year else post.started_on.month
        last = 12 if post.ended_on is None or post.ended_on.year > year else post.ended_on.month
        total += post.monthly_allowance * (last - first + 1)
    return total


TARGET_CODE = "town_target"


def target_template(by) -> AssessmentTemplate:
    """A town-level 目标管理考核 (scored, grouped, one indicator item), made once."""
    found = AssessmentTemplate.objects.filter(code=TARGET_CODE).first()
    if found is not None:
        return found
    item = [
        (1, "会员名册与会员小组健全", 10, "组织建设"),
        (2, "理事会按期换届、例会制度落实", 10, "组织建设"),
        (4, "开展5·29会员活动日", 15, "服务活动"),
        (5, "开展生育关怀走访慰问", 15, "服务活动"),
        (6, "宣传品发放到户", 10, "服务活动"),
        (7, "实施“少生快富”等帮扶项目", 20, None),
        (8, "经费专款专用、账目清楚", 10, None),
    ]
    return services.assessment_template_create(
        by=by,
        code=TARGET_CODE,
        name="镇（街道）计生协目标管理考核",
        description="演示用：组织建设、服务活动按权重折算，项目与经费按分值计入，满分 100。",
        pass_mark=60,
        excellent_from=90,
        good_from=80,
        fair_from=60,
        groups=[{"name": "组织建设", "weight": 30}, {"name": "服务活动", "weight": 40}],
        items=[
            *({"number": n, "text": t, "points": p, "group": g} for n, t, p, g in item),
            {
                "number": 3,
                "text": "村（居）协会“八有”达标率",
                "points": 10,
                "group": "组织建设",
                "indicator_code": "rate.villages_ba_you",
                "comparison": ">=",
                "threshold": 85,
                "threshold_unit": "percent",
            },
        ],
    )


def seed(stdout, *, scale: float = 1.0) -> None:
    district = Association.objects.filter(code=DISTRICT_CODE).first()
    if district is None:
        stdout.write("协会工作：没有演示区，跳过。")
        return
    for year in YEARS:
        done = (
            Event.objects.filter(association=district, type=EventType.MEMBER_DAY)
            .during(year)
            .exists()
        )
        if done:
            stdout.write(f"协会工作：{year} 年已有演示数据，跳过。")
            continue
        _Year(district, year, scale).seed()
        aid = selectors.aid_totals(Aid.objects.within(district).during(year))
        ledger = selectors.ledger_totals(LedgerEntry.objects.within(district).during(year))
        stdout.write(
            f"协会工作 {year}：活动 {Event.objects.within(district).during(year).count()} 项，"
            f"项目 {Project.objects.within(district).running_in(year).count()} 个，"
            f"受助 {aid['households']} 户（计生家庭 {aid['fp_households']} 户），"
            f"经费支出 {ledger['expense']:.0f} 元。"
        )
    total = LedgerEntry.objects.within(district).count()
    stdout.write(f"协会工作：经费收支共 {total} 条。")
