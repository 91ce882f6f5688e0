"""Demo target management: the district's yearly context and budget, its 2026 work plan (in
the words of the district plan seed) with targets for itself and its towns, next year's plan
(the provincial speech's 明年工作要点), and the towns' 目标管理考核 indicator items filled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from activities.demo import TARGET_CODE
from activities.models import AssessmentTemplate
from associations.models import VILLAGE_LEVELS, Association, Level, User

from . import services
from .models import Target, UnitContext, WorkPlan

YEAR = 2026
PLAN_TASKS = (
    "对照先进合格村（居）协会标准，分类指导，搞好创优工作，村（居）协会“八有”达标率达到85%以上",
    "3—4月镇（街道）、村（居）两级把当年新婚夫妇吸收到协会中来，发展壮大会员队伍",
    "建好会员小组和会员联系户网络，大量吸收年轻、有文化、有专长的致富能手入会",
    "在三资企业、个私企业、集贸市场中建立健全企业协会，全年发展企业协会25个",
    "在“5·29”“9·25”等纪念日广泛开展婚育新风进万家活动",
    "发动群众每年2次以上对计生工作各项目标任务完成情况进行评议",
)
NEXT_YEAR_TASKS = (
    "集中力量实现人口基金镇（街道）全覆盖，全面推进“生育关怀·幸福计划”活动",
    "以“诚信管理服务”为重点，全面推进人口计生基层群众自治",
    "加强基层网络建设、队伍建设、阵地建设，开好会员代表大会",
)


def _context(by: User, district: Association) -> None:
    towns = list(district.children.filter(level=Level.TOWN))
    villages = Association.objects.within(district).filter(level__in=VILLAGE_LEVELS)
    budgets = {district: Decimal("1800000")}
    budgets.update({town: Decimal(120000 + 5000 * (i % 5)) for i, town in enumerate(towns)})
    for unit, budget in budgets.items():
        services.context_create(by=by, association=unit, year=YEAR, fp_budget=budget)
    for village in villages:
        people = village.population or 900
        services.context_create(
            by=by,
            association=village,
            year=YEAR,
            population=people,
            households=people * 10 // 34,
            married_women=people * 19 // 100,
            villager_groups=max(3, people // 150),
        )


def _plans(by: User, district: Association) -> None:
    services.plan_create(
        by=by,
        association=district,
        year=YEAR,
        title="2026年全区计划生育协会工作要点",
        document_number="金东计生协〔2026〕1号",
        issued_on=dt.date(YEAR, 1, 27),
        tasks="\n".join(PLAN_TASKS),
    )
    for code, value, rule in (
        ("org.associations.enterprise", 25, services.SplitRule.EVEN),
        ("members.newlywed_recruits", 600, services.SplitRule.POPULATION),
        ("rate.villages_ba_you", 85, services.SplitRule.SAME),
        ("rate.members_with_liaison", 15, services.SplitRule.SAME),
    ):
        services.targets_set_for_children(
            by=by, parent=district, year=YEAR, code=code, value=value, rule=rule, level=Level.TOWN
        )
    for code, value in (("rate.villages_ba_you", 85), ("rate.members_with_liaison", 15)):
        services.target_create(by=by, association=district, year=YEAR, code=code, value=value)
    services.plan_create(
        by=by,
        association=district,
        year=YEAR + 1,
        title="2027年全区计划生育协会工作要点",
        document_number="金东计生协〔2026〕9号",
        issued_on=dt.date(YEAR, 12, 20),
        tasks="\n".join(NEXT_YEAR_TASKS),
    )
    for code, value in (("rate.villages_ba_you", 90), ("members.newlywed_recruits", 650)):
        services.target_create(by=by, association=district, year=YEAR + 1, code=code, value=value)


def seed(stdout, district: Association, by: User) -> None:
    if WorkPlan.objects.filter(association=district, year=YEAR).exists():
        return
    if not UnitContext.objects.filter(association=district, year=YEAR).exists():
        _context(by, district)
    _plans(by, district)
    template = AssessmentTemplate.objects.filter(code=TARGET_CODE).first()
    filled = 0
    if template is not None:
        filled = services.assessments_fill(by=by, scope=district, template=template, year=YEAR)
    targets = Target.objects.within(district).count()
    stdout.write(
        f"{YEAR} 年目标管理：工作计划 2 份，目标 {targets} 项，按指标计分考核 {filled} 份。"
    )
