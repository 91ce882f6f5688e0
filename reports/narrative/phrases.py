"""The labels of the records as the draft writes them in prose: no slashes, no 、 inside an
item of a list, the measure word each recipient is counted in."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from activities.models import (
    AidKind,
    AwardLevel,
    EventType,
    ExpensePurpose,
    FundSource,
    MaterialKind,
)
from associations.models import Level
from members.models import CertificateKind, Education

from ..catalog import ORG_LEVELS


def prefixed(prefix: str, labels: dict) -> dict[str, object]:
    """The labels keyed by indicator code: {"officers.rank.division": "正处级干部", …}."""
    return {f"{prefix}.{getattr(key, 'value', key)}": label for key, label in labels.items()}


LEVEL_PHRASES = {
    Level.COUNTY: gettext_lazy("县（区）级协会"),
    Level.TOWN: gettext_lazy("镇乡（街道）协会"),
    Level.BRANCH: gettext_lazy("分会"),
    Level.VILLAGE: gettext_lazy("村级协会"),
    Level.COMMUNITY: gettext_lazy("居委会（社区）协会"),
    Level.ENTERPRISE: gettext_lazy("企（事）业单位协会"),
    Level.FLOATING: gettext_lazy("流动人口协会"),
}
LEVEL_CODES = {level: f"org.associations.{suffix}" for suffix, level in ORG_LEVELS.items()}
BACKGROUNDS = {
    "retired_cadres": gettext_lazy("退休老干部"),
    "retired_teachers": gettext_lazy("老教师"),
    "stepped_back": gettext_lazy("退二线领导"),
}
RANKS = {
    "division": gettext_lazy("正处级干部"),
    "deputy_division": gettext_lazy("副处级干部"),
    "section": gettext_lazy("正科级干部"),
    "deputy_section": gettext_lazy("副科级干部"),
}
MEMBER_ROLES = {
    "members.volunteers": gettext_lazy("志愿者"),
    "members.publicity_workers": gettext_lazy("宣传员"),
    "members.industry_leaders": gettext_lazy("致富能手"),
    "members.party": gettext_lazy("党员"),
    "members.floating": gettext_lazy("流动人口会员"),
}
AGE_BANDS = {
    "members.age.under_30": gettext_lazy("30岁以下的"),
    "members.age.30_39": gettext_lazy("30至39岁的"),
    "members.age.40_49": gettext_lazy("40至49岁的"),
    "members.age.50_59": gettext_lazy("50至59岁的"),
    "members.age.60_plus": gettext_lazy("60岁及以上的"),
}
EDUCATION = {
    Education.NONE: gettext_lazy("未上学的"),
    Education.PRIMARY: gettext_lazy("小学文化的"),
    Education.JUNIOR: gettext_lazy("初中文化的"),
    Education.SENIOR: gettext_lazy("高中（中专）文化的"),
    Education.COLLEGE: gettext_lazy("大专文化的"),
    Education.BACHELOR: gettext_lazy("本科文化的"),
    Education.POSTGRADUATE: gettext_lazy("研究生文化的"),
}
LEAVE_REASONS = {
    "members.left.persuaded": gettext_lazy("劝退"),
    "members.left.moved": gettext_lazy("迁出"),
    "members.left.died": gettext_lazy("死亡"),
    "members.left.other": gettext_lazy("其他原因"),
}
HOUSEHOLD_KINDS = {
    "in_difficulty": gettext_lazy("计生困难家庭"),
    "one_child": gettext_lazy("独生子女户"),
    "two_daughter": gettext_lazy("两女户"),
    "poor_mother": gettext_lazy("贫困母亲户"),
    "floating": gettext_lazy("流动人口户"),
}
CERTIFICATES = {
    CertificateKind.HONOUR: gettext_lazy("《独生子女父母光荣证》"),
    CertificateKind.PREFERENTIAL: gettext_lazy("《计划生育优待证》"),
}
AWARD_LEVELS = {
    AwardLevel.NATIONAL: gettext_lazy("国家级"),
    AwardLevel.PROVINCIAL: gettext_lazy("省级"),
    AwardLevel.CITY: gettext_lazy("市级"),
    AwardLevel.COUNTY: gettext_lazy("县（区）级"),
    AwardLevel.TOWN: gettext_lazy("乡镇级"),
}
# How each recipient is counted: 4个集体、10名个人、3户家庭.
RECIPIENTS = {
    "collective": (gettext_lazy("集体"), gettext_lazy("个")),
    "individual": (gettext_lazy("个人"), gettext_lazy("名")),
    "family": (gettext_lazy("家庭"), gettext_lazy("户")),
}
CHARTER_PROVISIONS = {
    "one_child": gettext_lazy("规定了对独生子女家庭的优待措施"),
    "second_birth_waiver": gettext_lazy("对自愿放弃再生育的家庭给予奖励"),
    "checkups": gettext_lazy("对落实孕检和健康检查的给予补助"),
}
EVENT_TYPES = {
    EventType.MEMBER_DAY: gettext_lazy("“5·29”会员活动日活动"),
    EventType.SEPT_25: gettext_lazy("“9·25”纪念活动"),
    EventType.MOTHERS_DAY: gettext_lazy("母亲节慰问"),
    EventType.TRAINING: gettext_lazy("培训"),
    EventType.LECTURE: gettext_lazy("知识讲座"),
    EventType.SCREENING: gettext_lazy("健康检查"),
    EventType.PUBLICITY: gettext_lazy("宣传活动"),
    EventType.EXHIBITION: gettext_lazy("展览"),
    EventType.CONGRESS: gettext_lazy("会员代表大会和理事会"),
    EventType.SITE_MEETING: gettext_lazy("现场会"),
    EventType.EMERGENCY: gettext_lazy("应急防疫活动"),
    EventType.CONDOLENCE: gettext_lazy("走访慰问"),
    EventType.OTHER: gettext_lazy("其他活动"),
}
MATERIALS = {
    MaterialKind.LEAFLET: gettext_lazy("宣传单"),
    MaterialKind.BOOKLET: gettext_lazy("宣传册"),
    MaterialKind.LETTER: gettext_lazy("公开信"),
    MaterialKind.BANNER: gettext_lazy("横幅标语"),
    MaterialKind.WALL_BOARD: gettext_lazy("板报墙报"),
    MaterialKind.EXHIBITION_BOARD: gettext_lazy("展板"),
    MaterialKind.CONTRACEPTIVE: gettext_lazy("避孕药具"),
    MaterialKind.OTHER: gettext_lazy("其他宣传品"),
}
AID_KINDS = {
    AidKind.CASH: gettext_lazy("现金"),
    AidKind.IN_KIND: gettext_lazy("实物"),
    AidKind.LOAN: gettext_lazy("贷款"),
    AidKind.PENSION_SUBSIDY: gettext_lazy("养老保险补助"),
    AidKind.SCHOLARSHIP: gettext_lazy("助学金"),
    AidKind.MEDICAL: gettext_lazy("医疗救助"),
    AidKind.OTHER: gettext_lazy("其他帮扶"),
}
INCOME_SOURCES = {
    FundSource.BUREAU: gettext_lazy("计生部门拨款"),
    FundSource.BUDGET: gettext_lazy("同级财政"),
    FundSource.RAISED: gettext_lazy("自筹资金"),
    FundSource.DUES: gettext_lazy("会费"),
    FundSource.OTHER: gettext_lazy("其他收入"),
}
EXPENSE_PURPOSES = {
    ExpensePurpose.EVENT: gettext_lazy("活动"),
    ExpensePurpose.PROJECT: gettext_lazy("项目"),
    ExpensePurpose.ALLOWANCE: gettext_lazy("津贴补贴"),
    ExpensePurpose.TRAINING: gettext_lazy("培训"),
    ExpensePurpose.PUBLICITY: gettext_lazy("宣传"),
    ExpensePurpose.OFFICE: gettext_lazy("办公"),
    ExpensePurpose.OTHER: gettext_lazy("其他"),
}
