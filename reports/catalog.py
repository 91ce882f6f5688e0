"""The indicator catalog: every figure the system reports, defined once.

HTML tables, Excel and PDF exports, dashboards, the drafted work report, the
JSON output and submission snapshots all read figures from `evaluate` and
`evaluate_children`; nothing else computes a figure.

An indicator is evaluated for a scope (an association and its whole subtree,
itself included) and a year: stocks as of 31 December, flows during the year.
Figures come from a handful of aggregate queries (one per source model), so the
query count does not grow with the number of associations, members or years.

Each indicator's `definition` is the text a secretary reads to know exactly
what is counted; the code below must do what that text says, no more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from activities.models import (
    Aid,
    Assessment,
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
from associations.models import VILLAGE_LEVELS, Association, Level
from members.models import (
    HOUSEHOLD_CATEGORIES,
    CadreRank,
    CertificateKind,
    DuesPayment,
    Education,
    Gender,
    Household,
    HouseholdCertificate,
    IntegrityGroup,
    LeaveReason,
    LiaisonPair,
    MemberGroup,
    MembershipPeriod,
    OfficerBackground,
    OfficerPosition,
    OfficerTitle,
    PoliticalStatus,
    Registration,
)


class Kind(StrEnum):
    COUNT = "count"
    AMOUNT = "amount"
    RATE = "rate"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    name_en: str
    definition: str
    unit: str
    kind: Kind
    section: str
    numerator: str | None = None
    denominator: str | None = None


@dataclass(frozen=True)
class Rate:
    """A share carried with its parts; an empty denominator has no value (shown "—")."""

    numerator: int | Decimal
    denominator: int | Decimal

    @property
    def value(self) -> float | None:
        if not self.denominator:
            return None
        return float(self.numerator) / float(self.denominator)

    @property
    def percent(self) -> str:
        """The share alone, as printed beside its parts: "76.4%", or "—" over nothing."""
        return "—" if self.value is None else f"{self.value * 100:.1f}%"

    def __str__(self) -> str:
        if self.value is None:
            return self.percent
        return f"{self.percent} ({self.numerator}/{self.denominator})"

    def as_json(self) -> dict:
        value = None if self.value is None else round(self.value, 4)
        return {
            "value": value,
            "numerator": _plain(self.numerator),
            "denominator": _plain(self.denominator),
        }


FigureValue = int | Decimal | Rate


def _plain(number: int | Decimal) -> int | float:
    if isinstance(number, Decimal):
        return int(number) if number == number.to_integral_value() else float(number)
    return number


def as_json(value: FigureValue) -> int | float | dict:
    return value.as_json() if isinstance(value, Rate) else _plain(value)


def figures_as_json(values: dict[str, FigureValue]) -> dict[str, int | float | dict]:
    """A whole `evaluate` result as plain JSON-ready values, keyed by code."""
    return {code: as_json(value) for code, value in values.items()}


def year_start(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


# The report sections (table keys) in the order reports print them.
SECTIONS: dict[str, str] = {
    "org": _("组织建设"),
    "members": _("会员队伍"),
    "liaison": _("会员联系户"),
    "projects": _("项目与帮扶"),
    "events": _("活动开展"),
    "awards": _("表彰与创建"),
    "selfgov": _("村（居）民自治"),
    "funds": _("经费收支"),
}


@dataclass(frozen=True)
class Source:
    """One aggregate query over a model: the rows of a year and the figures drawn from them.

    `rows(year)` is the unscoped queryset, `scope_lookup` leads to the owning
    association's path, and `aggregates(year)` maps indicator codes to
    Count/Sum expressions evaluated over those rows.
    """

    rows: Callable[[int], QuerySet]
    scope_lookup: str
    aggregates: Callable[[int], dict]
    codes: tuple[str, ...] = field(default=())


INDICATORS: dict[str, Indicator] = {}
SOURCES: list[Source] = []


def indicator(
    code: str,
    name: Any,
    name_en: str,
    definition: Any,
    unit: Any,
    kind: Kind,
    section: str,
    **extra: Any,
) -> None:
    if code in INDICATORS:
        raise ValueError(f"duplicate indicator code {code}")
    if section not in SECTIONS:
        raise ValueError(f"unknown section {section} for {code}")
    INDICATORS[code] = Indicator(code, name, name_en, definition, unit, kind, section, **extra)


def source(rows: Callable[[int], QuerySet], scope_lookup: str, aggregates: Callable) -> None:
    codes = tuple(aggregates(2000).keys())
    SOURCES.append(Source(rows, scope_lookup, aggregates, codes))


def rate(
    code: str,
    name: Any,
    name_en: str,
    definition: Any,
    section: str,
    numerator: str,
    denominator: str,
) -> None:
    indicator(
        code,
        name,
        name_en,
        definition,
        "%",
        Kind.RATE,
        section,
        numerator=numerator,
        denominator=denominator,
    )


def _interpolate(message: Any, **params: Any) -> str:
    return str(message) % {key: str(value) for key, value in params.items()}


def _concatenate(*parts: Any) -> str:
    return "".join(str(part) for part in parts)


# Texts built from pieces or choice labels stay lazy so they follow the request's language.
fmt = lazy(_interpolate, str)
join = lazy(_concatenate, str)


# ── Expression helpers ───────────────────────────────────────────────────────
MONEY_OUTPUT = DecimalField(max_digits=18, decimal_places=2)
CENT = Decimal("0.01")


def _count(field_name: str = "id", condition: Q | None = None, *, distinct: bool = False) -> Count:
    return Count(field_name, filter=condition, distinct=distinct)


def _sum(field_name: str, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(field_name, filter=condition), Value(0), output_field=IntegerField())


def _money(field_name: str, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(field_name, filter=condition), Value(Decimal(0)), output_field=MONEY_OUTPUT)


def _during(lookup: str, year: int) -> Q:
    return Q(**{f"{lookup}__gte": year_start(year), f"{lookup}__lte": year_end(year)})


def _active_association(prefix: str, day: dt.date) -> Q:
    """The association at `prefix` is founded (or has no date) and not dissolved on `day`."""
    return (
        Q(**{f"{prefix}__founded_on__isnull": True}) | Q(**{f"{prefix}__founded_on__lte": day})
    ) & (Q(**{f"{prefix}__dissolved_on__isnull": True}) | Q(**{f"{prefix}__dissolved_on__gt": day}))


def active_during(year: int) -> Q:
    """An association active on at least one day of `year` (dissolution dates are exclusive)."""
    return (Q(founded_on__isnull=True) | Q(founded_on__lte=year_end(year))) & (
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=year_start(year))
    )


def _village_on(prefix: str, day: dt.date) -> Q:
    """A village or residents' committee association active on `day`."""
    return Q(**{f"{prefix}__level__in": VILLAGE_LEVELS}) & _active_association(prefix, day)


def _running_projects(year: int) -> QuerySet:
    return Project.objects.filter(
        Q(started_on__lte=year_end(year)),
        Q(ended_on__isnull=True) | Q(ended_on__gte=year_start(year)),
    )


# ══ Organisation (组织建设) ═══════════════════════════════════════════════════
ORG_LEVELS: dict[str, Level] = {
    "county": Level.COUNTY,
    "town": Level.TOWN,
    "branch": Level.BRANCH,
    "village": Level.VILLAGE,
    "community": Level.COMMUNITY,
    "enterprise": Level.ENTERPRISE,
    "floating": Level.FLOATING,
}
ORG_LEVEL_NAMES: dict[str, Any] = {
    "county": _("县（区）级协会数"),
    "town": _("镇乡（街道）协会数"),
    "branch": _("分会数"),
    "village": _("村级协会数"),
    "community": _("居（社区）协会数"),
    "enterprise": _("企（事）业单位协会数"),
    "floating": _("流动人口协会数"),
}

indicator(
    "org.associations.total",
    _("协会组织总数"),
    "Associations",
    _(
        "12月31日在册的协会总数（成立日期不晚于12月31日或未填，且未撤销或撤销日期晚于"
        "12月31日），含本级协会。"
    ),
    _("个"),
    Kind.COUNT,
    "org",
)
for _suffix, _level in ORG_LEVELS.items():
    indicator(
        f"org.associations.{_suffix}",
        ORG_LEVEL_NAMES[_suffix],
        f"Associations: {_suffix}",
        fmt(
            _("12月31日在册、级别为“%(level)s”的协会数，本级协会属该级别的也计入。"),
            level=_level.label,
        ),
        _("个"),
        Kind.COUNT,
        "org",
    )
indicator(
    "org.villages",
    _("村（居）协会数"),
    "Village and residents' committee associations",
    _("12月31日在册的村级协会与居（社区）协会合计；各项“村（居）”比率以此为分母。"),
    _("个"),
    Kind.COUNT,
    "org",
)


def _active_associations(year: int) -> QuerySet:
    return Association.objects.active_on(year_end(year))


def _runs_project(year: int) -> Q:
    """The association runs a project in `year`, or its households get project aid that year.

    Counted here, on the association rows, so that a village is counted once
    however many projects or aided households it has (see `projects.villages`).
    """
    running = _running_projects(year).filter(association=OuterRef("pk"))
    aided = Aid.objects.filter(
        _during("given_on", year), household__association=OuterRef("pk"), project__isnull=False
    )
    return Q(Exists(running)) | Q(Exists(aided))


def _association_aggregates(year: int) -> dict:
    return {
        "org.associations.total": _count(),
        **{
            f"org.associations.{suffix}": _count("id", Q(level=level))
            for suffix, level in ORG_LEVELS.items()
        },
        "org.villages": _count("id", Q(level__in=VILLAGE_LEVELS)),
        "projects.villages": _count("id", Q(level__in=VILLAGE_LEVELS) & _runs_project(year)),
    }


source(_active_associations, "path", _association_aggregates)

indicator(
    "org.member_groups",
    _("会员小组数"),
    "Member groups",
    _(
        "范围内各协会所属、12月31日已成立（成立日期不晚于12月31日或未填）且未撤销"
        "（撤销日期晚于12月31日或未填）的会员小组数。"
    ),
    _("个"),
    Kind.COUNT,
    "org",
)


def _member_groups(year: int) -> QuerySet:
    day = year_end(year)
    return MemberGroup.objects.filter(
        Q(founded_on__isnull=True) | Q(founded_on__lte=day),
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day),
    )


source(_member_groups, "association__path", lambda year: {"org.member_groups": _count()})

indicator(
    "org.integrity_groups",
    _("诚信小组数"),
    "Integrity groups",
    _(
        "范围内各协会所属、12月31日未撤销（撤销日期晚于12月31日或未填）的诚信小组数；"
        "填了联保协议签订日期的，以签订日期为成立日期，须不晚于12月31日。"
    ),
    _("个"),
    Kind.COUNT,
    "org",
)
indicator(
    "org.integrity_groups.signed",
    _("已签联保协议的诚信小组数"),
    "Integrity groups with a signed guarantee agreement",
    _("上项诚信小组中，联保协议签订日期不晚于12月31日的小组数。"),
    _("个"),
    Kind.COUNT,
    "org",
)


def _integrity_groups(year: int) -> QuerySet:
    day = year_end(year)
    return IntegrityGroup.objects.filter(
        Q(agreement_signed_on__isnull=True) | Q(agreement_signed_on__lte=day),
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day),
    )


source(
    _integrity_groups,
    "association__path",
    lambda year: {
        "org.integrity_groups": _count(),
        "org.integrity_groups.signed": _count("id", Q(agreement_signed_on__isnull=False)),
    },
)


# ── Officers (理事会成员) ─────────────────────────────────────────────────────
_IN_POST = _("12月31日在范围内协会任职（任职开始日期不晚于12月31日，结束日期未填或不早于12月31日）")
_ONE_PERSON = _("；同一人在多个协会或担任多个职务只算一人。")

indicator(
    "officers.total",
    _("理事会成员人数"),
    "Officers",
    join(_IN_POST, _("的人数"), _ONE_PERSON),
    _("人"),
    Kind.COUNT,
    "org",
)
indicator(
    "officers.female",
    _("女性理事会成员人数"),
    "Officers: women",
    join(_IN_POST, _("的女性人数"), _ONE_PERSON),
    _("人"),
    Kind.COUNT,
    "org",
)
OFFICER_TITLES = {
    title: title.label for title in OfficerTitle if title != OfficerTitle.FULLTIME_VICE_CHAIR
}
for _title, _label in OFFICER_TITLES.items():
    indicator(
        f"officers.title.{_title.value}",
        fmt(_("%(title)s人数"), title=_label),
        f"Officers: {_title.value}",
        join(
            _IN_POST,
            fmt(_("、职务为“%(title)s”的人数"), title=_label),
            _ONE_PERSON,
        ),
        _("人"),
        Kind.COUNT,
        "org",
    )
indicator(
    "officers.fulltime_vice_chairs",
    _("专职副会长人数"),
    "Full-time vice-chairs",
    join(
        _IN_POST,
        _("、职务为“专职副会长”的人数"),
        _ONE_PERSON,
    ),
    _("人"),
    Kind.COUNT,
    "org",
)
indicator(
    "officers.fulltime_vice_chairs.female",
    _("女性专职副会长人数"),
    "Full-time vice-chairs: women",
    _("上项专职副会长中的女性人数。"),
    _("人"),
    Kind.COUNT,
    "org",
)
indicator(
    "officers.fulltime",
    _("专职人员数"),
    "Officers marked full-time",
    join(
        _IN_POST,
        _("、且该职务标记为“专职”的人数"),
        _ONE_PERSON,
    ),
    _("人"),
    Kind.COUNT,
    "org",
)
OFFICER_BACKGROUNDS = {
    "retired_cadres": (
        OfficerBackground.RETIRED_CADRE,
        _("退休老干部担任的理事会成员人数"),
    ),
    "retired_teachers": (
        OfficerBackground.RETIRED_TEACHER,
        _("老教师担任的理事会成员人数"),
    ),
    "stepped_back": (
        OfficerBackground.STEPPED_BACK,
        _("退二线领导担任的理事会成员人数"),
    ),
}
for _suffix, (_background, _name) in OFFICER_BACKGROUNDS.items():
    indicator(
        f"officers.{_suffix}",
        _name,
        f"Officers: {_suffix}",
        join(
            _IN_POST,
            fmt(
                _("、任职记录的背景为“%(background)s”的人数"),
                background=_background.label,
            ),
            _ONE_PERSON,
        ),
        _("人"),
        Kind.COUNT,
        "org",
    )
OFFICER_RANKS = [rank for rank in CadreRank if rank != CadreRank.NONE]
for _rank in OFFICER_RANKS:
    indicator(
        f"officers.rank.{_rank.value}",
        fmt(_("%(rank)s理事会成员人数"), rank=_rank.label),
        f"Officers ranked {_rank.value}",
        join(
            _IN_POST,
            fmt(_("、任职记录的职级为“%(rank)s”的人数"), rank=_rank.label),
            _ONE_PERSON,
        ),
        _("人"),
        Kind.COUNT,
        "org",
    )
indicator(
    "officers.monthly_allowance",
    _("理事会成员月津贴合计"),
    "Officers' monthly allowances",
    join(
        _IN_POST,
        _("的各项职务的月津贴之和（一人多职的分别计入）。"),
    ),
    _("元/月"),
    Kind.AMOUNT,
    "org",
)
indicator(
    "org.towns_with_fulltime_vice_chair",
    _("配备专职副会长的镇乡（街道）协会数"),
    "Town associations with a full-time vice-chair",
    _("12月31日在册的镇乡（街道）协会中，当天有“专职副会长”在任的协会数。"),
    _("个"),
    Kind.COUNT,
    "org",
)
indicator(
    "org.villages_with_fulltime_vice_chair",
    _("配备专职副会长的村（居）协会数"),
    "Village associations with a full-time vice-chair",
    _("12月31日在册的村（居）协会中，当天有“专职副会长”在任的协会数。"),
    _("个"),
    Kind.COUNT,
    "org",
)
rate(
    "rate.towns_with_fulltime_vice_chair",
    _("镇乡（街道）专职副会长配备率"),
    "Share of town associations with a full-time vice-chair",
    _("配备专职副会长的镇乡（街道）协会数 ÷ 12月31日在册的镇乡（街道）协会数。"),
    "org",
    "org.towns_with_fulltime_vice_chair",
    "org.associations.town",
)
rate(
    "rate.villages_with_fulltime_vice_chair",
    _("村（居）专职副会长配备率"),
    "Share of village associations with a full-time vice-chair",
    _("配备专职副会长的村（居）协会数 ÷ 12月31日在册的村（居）协会数。"),
    "org",
    "org.villages_with_fulltime_vice_chair",
    "org.villages",
)


def _positions(year: int) -> QuerySet:
    return OfficerPosition.objects.held_on(year_end(year))


def _officer_aggregates(year: int) -> dict:
    day = year_end(year)
    fvc = Q(title=OfficerTitle.FULLTIME_VICE_CHAIR)
    female = Q(member__gender=Gender.FEMALE)
    return {
        "officers.total": _count("member", distinct=True),
        "officers.female": _count("member", female, distinct=True),
        **{
            f"officers.title.{title.value}": _count("member", Q(title=title), distinct=True)
            for title in OFFICER_TITLES
        },
        "officers.fulltime_vice_chairs": _count("member", fvc, distinct=True),
        "officers.fulltime_vice_chairs.female": _count("member", fvc & female, distinct=True),
        "officers.fulltime": _count("member", Q(is_fulltime=True), distinct=True),
        **{
            f"officers.{suffix}": _count("member", Q(background=background), distinct=True)
            for suffix, (background, _name) in OFFICER_BACKGROUNDS.items()
        },
        **{
            f"officers.rank.{rank.value}": _count("member", Q(cadre_rank=rank), distinct=True)
            for rank in OFFICER_RANKS
        },
        "officers.monthly_allowance": _money("monthly_allowance"),
        "org.towns_with_fulltime_vice_chair": _count(
            "association",
            fvc & Q(association__level=Level.TOWN) & _active_association("association", day),
            distinct=True,
        ),
        "org.villages_with_fulltime_vice_chair": _count(
            "association", fvc & _village_on("association", day), distinct=True
        ),
    }


source(_positions, "association__path", _officer_aggregates)


# ── Assessments (八有、示范协会) ──────────────────────────────────────────────
BA_YOU = "ba_you"
MODEL_ASSOCIATION = "model_association"

indicator(
    "assessments.villages_ba_you",
    _("达到“八有”标准的村（居）协会数"),
    "Village associations meeting the eight-haves standard",
    _("12月31日在册的村（居）协会中，当年“八有”考核（模板代码 ba_you）结果为达标的协会数。"),
    _("个"),
    Kind.COUNT,
    "org",
)
rate(
    "rate.villages_ba_you",
    _("村（居）协会“八有”达标率"),
    "Share of village associations meeting the eight-haves standard",
    _("当年“八有”达标的村（居）协会数 ÷ 12月31日在册的村（居）协会数。"),
    "org",
    "assessments.villages_ba_you",
    "org.villages",
)


def _passed_assessments(year: int) -> QuerySet:
    return Assessment.objects.filter(year=year, passed=True)


def _assessment_aggregates(year: int) -> dict:
    day = year_end(year)
    return {
        "assessments.villages_ba_you": _count(
            "association",
            Q(template__code=BA_YOU) & _village_on("association", day),
            distinct=True,
        ),
        "assessments.model_associations": _count(
            "association",
            Q(template__code=MODEL_ASSOCIATION) & _active_association("association", day),
            distinct=True,
        ),
    }


source(_passed_assessments, "association__path", _assessment_aggregates)


# ══ Members (会员队伍) ═══════════════════════════════════════════════════════
_ACTIVE_MEMBERS = _(
    "12月31日在册的会员（会籍记录的入会日期不晚于12月31日，离会日期未填或晚于12月31日）"
)
_BY_MEMBER = _("会员按现所属协会计入范围。")
_CURRENT_FLAG = _("（“%(flag)s”按会员现登记的标记计算）")


def _members_indicator(code: str, name: Any, name_en: str, what: Any, unit: Any = None) -> None:
    indicator(
        code,
        name,
        name_en,
        join(_ACTIVE_MEMBERS, what, _BY_MEMBER),
        unit or _("人"),
        Kind.COUNT,
        "members",
    )


_members_indicator("members.total", _("会员总数"), "Members", _("的人数。"))
_members_indicator("members.female", _("女会员数"), "Members: women", _("中的女性人数。"))
_members_indicator("members.male", _("男会员数"), "Members: men", _("中的男性人数。"))
MEMBER_FLAGS = {
    "volunteers": ("is_volunteer", _("志愿者人数"), _("志愿者")),
    "publicity_workers": ("is_publicity_worker", _("宣传员人数"), _("宣传员")),
    "industry_leaders": ("is_industry_leader", _("致富能手会员数"), _("致富能手")),
}
for _suffix, (_flag, _name, _label) in MEMBER_FLAGS.items():
    _members_indicator(
        f"members.{_suffix}",
        _name,
        f"Members: {_suffix}",
        fmt(
            _("中标记为“%(flag)s”的人数%(note)s。"),
            flag=_label,
            note=fmt(_CURRENT_FLAG, flag=_label),
        ),
    )
_members_indicator(
    "members.floating",
    _("流动人口会员数"),
    "Members from the floating population",
    _("中户籍类型为“流动人口”的人数。"),
)
_members_indicator(
    "members.party",
    _("党员会员数"),
    "Members who are Party members",
    _("中政治面貌为中共党员或中共预备党员的人数。"),
)
AGE_BANDS: dict[str, tuple[int, int | None, Any]] = {
    "under_30": (0, 29, _("30岁以下")),
    "30_39": (30, 39, _("30–39岁")),
    "40_49": (40, 49, _("40–49岁")),
    "50_59": (50, 59, _("50–59岁")),
    "60_plus": (60, None, _("60岁及以上")),
}
for _suffix, (_low, _high, _label) in AGE_BANDS.items():
    _members_indicator(
        f"members.age.{_suffix}",
        fmt(_("%(band)s会员数"), band=_label),
        f"Members aged {_suffix}",
        fmt(_("中%(band)s的人数（年龄为当年年份减出生年份）。"), band=_label),
    )
EDUCATION_LEVELS = list(Education)
for _education in EDUCATION_LEVELS:
    _members_indicator(
        f"members.education.{_education.value}",
        fmt(_("文化程度为%(education)s的会员数"), education=_education.label),
        f"Members with education: {_education.value}",
        fmt(_("中文化程度登记为“%(education)s”的人数。"), education=_education.label),
    )
_members_indicator(
    "members.with_liaison",
    _("有联系户的会员数"),
    "Members with a liaison household",
    _("中，当天有正在结对的联系户（联系户可属任何协会）的人数。"),
)
indicator(
    "members.joined",
    _("新入会会员数"),
    "Members joined",
    _(
        "会籍记录的入会日期在当年1月1日至12月31日之间的会员人数（同一人年内多次入会只算一人）。"
        "会员按现所属协会计入范围。"
    ),
    _("人"),
    Kind.COUNT,
    "members",
)
indicator(
    "members.newlywed_recruits",
    _("新婚入会会员数"),
    "Newly-wed members recruited",
    _("上项当年新入会会员中，标记为“新婚入会”的人数。"),
    _("人"),
    Kind.COUNT,
    "members",
)
indicator(
    "members.left",
    _("离会会员数"),
    "Members left",
    _(
        "会籍记录的离会日期在当年1月1日至12月31日之间的会员人数（同一人年内多次离会只算一人）。"
        "会员按现所属协会计入范围。"
    ),
    _("人"),
    Kind.COUNT,
    "members",
)
for _reason in LeaveReason:
    indicator(
        f"members.left.{_reason.value}",
        fmt(_("离会会员数：%(reason)s"), reason=_reason.label),
        f"Members left: {_reason.value}",
        fmt(
            _("上项当年离会会员中，离会原因为“%(reason)s”的人数。"),
            reason=_reason.label,
        ),
        _("人"),
        Kind.COUNT,
        "members",
    )


def _periods(year: int) -> QuerySet:
    # Only the periods that touch the year: open on 31 Dec, or started or ended during it.
    return MembershipPeriod.objects.filter(
        Q(joined_on__lte=year_end(year)),
        Q(left_on__isnull=True) | Q(left_on__gte=year_start(year)),
    )


def _member_aggregates(year: int) -> dict:
    day = year_end(year)
    active = Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))
    joined = _during("joined_on", year)
    left = _during("left_on", year)
    paired = Exists(LiaisonPair.objects.active_on(day).filter(member_id=OuterRef("member_id")))

    def members(condition: Q | Exists) -> Count:
        return _count("member", condition, distinct=True)

    def age_band(low: int, high: int | None) -> Q:
        born = Q(member__birth_date__lte=dt.date(year - low, 12, 31))
        if high is not None:
            born &= Q(member__birth_date__gte=dt.date(year - high, 1, 1))
        return born

    return {
        "members.total": members(active),
        "members.female": members(active & Q(member__gender=Gender.FEMALE)),
        "members.male": members(active & Q(member__gender=Gender.MALE)),
        **{
            f"members.{suffix}": members(active & Q(**{f"member__{flag}": True}))
            for suffix, (flag, _name, _label) in MEMBER_FLAGS.items()
        },
        "members.floating": members(active & Q(member__registration=Registration.FLOATING)),
        "members.party": members(
            active
            & Q(
                member__political_status__in=[
                    PoliticalStatus.PARTY,
                    PoliticalStatus.PROBATIONARY,
                ]
            )
        ),
        **{
            f"members.age.{suffix}": members(active & age_band(low, high))
            for suffix, (low, high, _label) in AGE_BANDS.items()
        },
        **{
            f"members.education.{education.value}": members(active & Q(member__education=education))
            for education in EDUCATION_LEVELS
        },
        "members.with_liaison": members(active & paired),
        "members.joined": members(joined),
        "members.newlywed_recruits": members(joined & Q(member__is_newlywed_recruit=True)),
        "members.left": members(left),
        **{
            f"members.left.{reason.value}": members(left & Q(leave_reason=reason))
            for reason in LeaveReason
        },
    }


source(_periods, "member__association__path", _member_aggregates)

indicator(
    "members.dues_paid",
    _("缴纳会费会员数"),
    "Members who paid dues",
    _("有当年度会费缴纳记录的会员人数（按会费所属年度，不论缴费日期）。会员按现所属协会计入范围。"),
    _("人"),
    Kind.COUNT,
    "members",
)
indicator(
    "members.dues_amount",
    _("会费收缴金额"),
    "Dues collected",
    _("当年度会费缴纳记录的金额合计（按会费所属年度）。会员按现所属协会计入范围。"),
    _("元"),
    Kind.AMOUNT,
    "members",
)
source(
    lambda year: DuesPayment.objects.filter(year=year),
    "member__association__path",
    lambda year: {
        "members.dues_paid": _count("member", distinct=True),
        "members.dues_amount": _money("amount"),
    },
)


# ══ Liaison households (会员联系户) ══════════════════════════════════════════
_ACTIVE_PAIRS = _(
    "12月31日正在结对的会员联系户（开始日期不晚于12月31日，结束日期未填或不早于12月31日）"
)
_BY_HOUSEHOLD = _("按联系户所属协会计入范围。")


def _liaison_indicator(code: str, name: Any, name_en: str, what: Any, unit: Any) -> None:
    indicator(
        code,
        name,
        name_en,
        join(_ACTIVE_PAIRS, what, _BY_HOUSEHOLD),
        unit,
        Kind.COUNT,
        "liaison",
    )


_liaison_indicator(
    "liaison.pairs", _("会员联系户结对数"), "Liaison pairs", _("的结对数。"), _("对")
)
_liaison_indicator(
    "liaison.households",
    _("结对联系户数"),
    "Liaison households",
    _("涉及的户数（一户与多名会员结对只算一户）。"),
    _("户"),
)
_liaison_indicator(
    "liaison.members",
    _("结对会员数"),
    "Members in liaison pairs",
    _("涉及的会员人数（一名会员联系多户只算一人；会员可属其他协会）。"),
    _("人"),
)
_liaison_indicator(
    "liaison.contracts",
    _("签订帮扶合同的结对数"),
    "Liaison pairs with a contract",
    _("中，合同签订日期不晚于12月31日的结对数。"),
    _("对"),
)
for _flag, _label in HOUSEHOLD_CATEGORIES.items():
    _suffix = _flag.removeprefix("is_")
    _liaison_indicator(
        f"liaison.households.{_suffix}",
        fmt(_("结对联系户中的%(category)s数"), category=_label),
        f"Liaison households: {_suffix}",
        fmt(_("涉及的户中，现标记为“%(category)s”的户数。"), category=_label),
        _("户"),
    )
rate(
    "rate.members_with_liaison",
    _("会员联系户覆盖率"),
    "Share of members with a liaison household",
    _("12月31日有正在结对联系户的在册会员数 ÷ 12月31日在册会员总数。"),
    "liaison",
    "members.with_liaison",
    "members.total",
)
rate(
    "rate.liaison_contracts",
    _("联系户合同签订率"),
    "Share of liaison pairs with a contract",
    _("签订帮扶合同的结对数 ÷ 12月31日正在结对的会员联系户结对数。"),
    "liaison",
    "liaison.contracts",
    "liaison.pairs",
)


def _pair_aggregates(year: int) -> dict:
    return {
        "liaison.pairs": _count(),
        "liaison.households": _count("household", distinct=True),
        "liaison.members": _count("member", distinct=True),
        "liaison.contracts": _count("id", Q(contract_signed_on__lte=year_end(year))),
        **{
            f"liaison.households.{flag.removeprefix('is_')}": _count(
                "household", Q(**{f"household__{flag}": True}), distinct=True
            )
            for flag in HOUSEHOLD_CATEGORIES
        },
    }


source(
    lambda year: LiaisonPair.objects.active_on(year_end(year)),
    "household__association__path",
    _pair_aggregates,
)

# Households carry no dates: these are the register as it stands, whatever the year.
indicator(
    "households.total",
    _("登记服务户数"),
    "Registered households",
    _("范围内各协会现登记在册的户数（户的登记没有日期，任何年度都按现有登记计算）。"),
    _("户"),
    Kind.COUNT,
    "liaison",
)
for _flag, _label in HOUSEHOLD_CATEGORIES.items():
    _suffix = _flag.removeprefix("is_")
    indicator(
        f"households.{_suffix}",
        fmt(_("登记的%(category)s数"), category=_label),
        f"Registered households: {_suffix}",
        fmt(
            _("范围内现登记在册、标记为“%(category)s”的户数（任何年度都按现有登记计算）。"),
            category=_label,
        ),
        _("户"),
        Kind.COUNT,
        "liaison",
    )
source(
    lambda year: Household.objects.all(),
    "association__path",
    lambda year: {
        "households.total": _count(),
        **{
            f"households.{flag.removeprefix('is_')}": _count("id", Q(**{flag: True}))
            for flag in HOUSEHOLD_CATEGORIES
        },
    },
)

for _kind in CertificateKind:
    indicator(
        f"households.certificates.{_kind.value}",
        fmt(_("持%(kind)s户数"), kind=_kind.label),
        f"Households holding certificate: {_kind.value}",
        fmt(
            _(
                "范围内的户中，持有“%(kind)s”且发证日期不晚于12月31日的户数"
                "（未填发证日期的也计入）。"
            ),
            kind=_kind.label,
        ),
        _("户"),
        Kind.COUNT,
        "liaison",
    )
    indicator(
        f"households.certificates_issued.{_kind.value}",
        fmt(_("当年发放%(kind)s数"), kind=_kind.label),
        f"Certificates issued: {_kind.value}",
        fmt(_("发证日期在当年的“%(kind)s”本数。"), kind=_kind.label),
        _("本"),
        Kind.COUNT,
        "liaison",
    )


def _certificates(year: int) -> QuerySet:
    day = year_end(year)
    return HouseholdCertificate.objects.filter(Q(issued_on__isnull=True) | Q(issued_on__lte=day))


source(
    _certificates,
    "household__association__path",
    lambda year: {
        code: expr
        for kind in CertificateKind
        for code, expr in (
            (f"households.certificates.{kind.value}", _count("id", Q(kind=kind))),
            (
                f"households.certificates_issued.{kind.value}",
                _count("id", Q(kind=kind) & _during("issued_on", year)),
            ),
        )
    },
)


# ══ Projects and aid (项目与帮扶) ════════════════════════════════════════════
_RUNNING = _("当年在实施的项目（开始日期不晚于12月31日，结束日期未填或不早于1月1日）")
_BY_IMPLEMENTER = _("按实施协会计入范围。")

indicator(
    "projects.total",
    _("在实施项目数"),
    "Projects running",
    join(_RUNNING, _("的项目数。"), _BY_IMPLEMENTER),
    _("项"),
    Kind.COUNT,
    "projects",
)
for _kind in ProjectKind:
    indicator(
        f"projects.{_kind.value}",
        fmt(_("“%(kind)s”项目数"), kind=_kind.label),
        f"Projects: {_kind.value}",
        join(
            _RUNNING,
            fmt(_("中类别为“%(kind)s”的项目数。"), kind=_kind.label),
            _BY_IMPLEMENTER,
        ),
        _("项"),
        Kind.COUNT,
        "projects",
    )
indicator(
    "projects.started",
    _("新启动项目数"),
    "Projects started",
    _("开始日期在当年的项目数，按实施协会计入范围。"),
    _("项"),
    Kind.COUNT,
    "projects",
)
PROJECT_TOTALS: dict[str, tuple[Any, Any, Kind]] = {
    "funds_raised": (_("项目筹集资金"), _("筹集资金"), Kind.AMOUNT),
    "funds_spent": (_("项目支出资金"), _("支出资金"), Kind.AMOUNT),
    "households_out_of_poverty": (_("项目帮助脱贫户数"), _("帮助脱贫户数"), Kind.COUNT),
    "jobs_created": (_("项目安置就业人数"), _("安置就业人数"), Kind.COUNT),
    "fixed_assets": (_("项目固定资产"), _("固定资产"), Kind.AMOUNT),
    "output_value": (_("项目产值"), _("产值"), Kind.AMOUNT),
    "tax_paid": (_("项目利税"), _("利税"), Kind.AMOUNT),
}
PROJECT_UNITS = {"households_out_of_poverty": _("户"), "jobs_created": _("人")}
for _field, (_name, _label, _kind) in PROJECT_TOTALS.items():
    indicator(
        f"projects.{_field}",
        _name,
        f"Projects: {_field}",
        join(
            _RUNNING,
            fmt(_("的“%(field)s”之和。"), field=_label),
            _BY_IMPLEMENTER,
            _("项目登记的是累计数，跨年项目在实施的每一年都计入全数。"),
        ),
        PROJECT_UNITS.get(_field, _("元")),
        _kind,
        "projects",
    )
indicator(
    "projects.villages",
    _("开展项目的村（居）协会数"),
    "Village associations running a project",
    _(
        "12月31日在册的村（居）协会中当年开展了项目的协会数：本协会是某个当年在实施项目的"
        "实施协会，或本协会登记的户当年在某个项目中受到帮扶（有项目的帮扶记录）；"
        "一个村（居）只算一次。"
    ),
    _("个"),
    Kind.COUNT,
    "projects",
)
rate(
    "rate.villages_with_project",
    _("村（居）项目开展率"),
    "Share of village associations running a project",
    _("开展项目的村（居）协会数 ÷ 12月31日在册的村（居）协会数。"),
    "projects",
    "projects.villages",
    "org.villages",
)


def _project_aggregates(year: int) -> dict:
    return {
        "projects.total": _count(),
        **{f"projects.{kind.value}": _count("id", Q(kind=kind)) for kind in ProjectKind},
        "projects.started": _count("id", _during("started_on", year)),
        **{
            f"projects.{name}": _money(name) if kind == Kind.AMOUNT else _sum(name)
            for name, (_n, _l, kind) in PROJECT_TOTALS.items()
        },
    }


source(_running_projects, "association__path", _project_aggregates)

_AID = _("帮扶日期在当年的帮扶记录（项目内外都算）")
_BY_AIDED = _("按受助户所属协会计入范围。")
indicator(
    "aid.records",
    _("帮扶次数"),
    "Aid given",
    join(_AID, _("的条数。"), _BY_AIDED),
    _("次"),
    Kind.COUNT,
    "projects",
)
indicator(
    "aid.households",
    _("受帮扶户数"),
    "Households aided",
    join(_AID, _("涉及的户数（一户多次受助只算一户）。"), _BY_AIDED),
    _("户"),
    Kind.COUNT,
    "projects",
)
indicator(
    "aid.project_households",
    _("项目内受帮扶户数"),
    "Households aided within projects",
    join(_AID, _("中属于某个项目的记录涉及的户数。"), _BY_AIDED),
    _("户"),
    Kind.COUNT,
    "projects",
)
indicator(
    "aid.fp_households",
    _("受帮扶的实行计划生育家庭户数"),
    "Family-planning households aided",
    _("上项受帮扶户中，现标记为“实行计划生育家庭”的户数。"),
    _("户"),
    Kind.COUNT,
    "projects",
)
for _flag, _label in HOUSEHOLD_CATEGORIES.items():
    if _flag == "is_family_planning":
        continue
    _suffix = _flag.removeprefix("is_")
    indicator(
        f"aid.households.{_suffix}",
        fmt(_("受帮扶的%(category)s数"), category=_label),
        f"Households aided: {_suffix}",
        fmt(_("上项受帮扶户中，现标记为“%(category)s”的户数。"), category=_label),
        _("户"),
        Kind.COUNT,
        "projects",
    )
indicator(
    "aid.amount",
    _("帮扶金额"),
    "Aid amount",
    join(_AID, _("的金额之和（实物、贷款按登记的折算金额）。"), _BY_AIDED),
    _("元"),
    Kind.AMOUNT,
    "projects",
)
rate(
    "rate.aid_fp_share",
    _("受帮扶户中实行计划生育家庭比例"),
    "Share of aided households that are family-planning households",
    _("受帮扶的实行计划生育家庭户数 ÷ 受帮扶户数。"),
    "projects",
    "aid.fp_households",
    "aid.households",
)


def _aid_aggregates(year: int) -> dict:
    return {
        "aid.records": _count(),
        "aid.households": _count("household", distinct=True),
        "aid.project_households": _count("household", Q(project__isnull=False), distinct=True),
        "aid.fp_households": _count(
            "household", Q(household__is_family_planning=True), distinct=True
        ),
        **{
            f"aid.households.{flag.removeprefix('is_')}": _count(
                "household", Q(**{f"household__{flag}": True}), distinct=True
            )
            for flag in HOUSEHOLD_CATEGORIES
            if flag != "is_family_planning"
        },
        "aid.amount": _money("amount"),
    }


source(
    lambda year: Aid.objects.filter(_during("given_on", year)),
    "household__association__path",
    _aid_aggregates,
)


# ══ Events (活动开展) ════════════════════════════════════════════════════════
_EVENTS = _("开始日期在当年的活动")
_BY_ORGANISER = _("按主办协会计入范围，协办不计。")

indicator(
    "events.total",
    _("活动次数"),
    "Events",
    join(_EVENTS, _("的次数。"), _BY_ORGANISER),
    _("次"),
    Kind.COUNT,
    "events",
)
for _type in EventType:
    indicator(
        f"events.{_type.value}",
        _("其他活动次数") if _type == EventType.OTHER else fmt(_("%(type)s次数"), type=_type.label),
        f"Events: {_type.value}",
        join(
            _EVENTS,
            fmt(_("中类型为“%(type)s”的次数。"), type=_type.label),
            _BY_ORGANISER,
        ),
        _("次"),
        Kind.COUNT,
        "events",
    )
EVENT_TOTALS: dict[str, tuple[Any, Any, Any, Kind]] = {
    "participants": (_("活动参与人次"), _("参与人数"), _("人次"), Kind.COUNT),
    "cost": (_("活动费用"), _("费用"), _("元"), Kind.AMOUNT),
    "training_sessions": (_("培训期数"), _("培训期数"), _("期"), Kind.COUNT),
    "trainees": (_("培训人次"), _("培训人数"), _("人次"), Kind.COUNT),
    "screened": (_("健康检查人次"), _("检查人数"), _("人次"), Kind.COUNT),
    "cases_found": (_("查出病例数"), _("查出病例数"), _("例"), Kind.COUNT),
}
for _field, (_name, _label, _unit, _kind) in EVENT_TOTALS.items():
    indicator(
        f"events.{_field}",
        _name,
        f"Events: {_field}",
        join(
            _EVENTS,
            fmt(_("的“%(field)s”之和（未填的按0计）。"), field=_label),
            _BY_ORGANISER,
        ),
        _unit,
        _kind,
        "events",
    )
rate(
    "rate.cases_found",
    _("健康检查病例检出率"),
    "Cases found per person screened",
    _("当年活动查出病例数 ÷ 当年活动健康检查人次。"),
    "events",
    "events.cases_found",
    "events.screened",
)


def _event_aggregates(year: int) -> dict:
    return {
        "events.total": _count(),
        **{f"events.{kind.value}": _count("id", Q(type=kind)) for kind in EventType},
        **{
            f"events.{name}": _money(name) if kind == Kind.AMOUNT else _sum(name)
            for name, (_n, _l, _u, kind) in EVENT_TOTALS.items()
        },
    }


source(
    lambda year: Event.objects.filter(_during("started_on", year)),
    "association__path",
    _event_aggregates,
)

indicator(
    "events.materials",
    _("发放宣传资料数"),
    "Materials distributed",
    join(_EVENTS, _("登记的发放资料数量之和（各类合计）。"), _BY_ORGANISER),
    _("份"),
    Kind.COUNT,
    "events",
)
for _kind in MaterialKind:
    indicator(
        f"events.materials.{_kind.value}",
        _("发放其他资料数")
        if _kind == MaterialKind.OTHER
        else fmt(_("发放%(kind)s数"), kind=_kind.label),
        f"Materials distributed: {_kind.value}",
        join(
            _EVENTS,
            fmt(_("登记的“%(kind)s”发放数量之和。"), kind=_kind.label),
            _BY_ORGANISER,
        ),
        _("份"),
        Kind.COUNT,
        "events",
    )
source(
    lambda year: EventMaterial.objects.filter(_during("event__started_on", year)),
    "event__association__path",
    lambda year: {
        "events.materials": _sum("quantity"),
        **{
            f"events.materials.{kind.value}": _sum("quantity", Q(kind=kind))
            for kind in MaterialKind
        },
    },
)


# ══ Awards (表彰) ════════════════════════════════════════════════════════════
_AWARDS = _("年度为当年的表彰")
_BY_AWARDEE = _("按获奖协会计入范围，授予个人、家庭的按其登记的所属协会。")
indicator(
    "awards.total",
    _("获表彰总数"),
    "Awards",
    join(_AWARDS, _("的项数。"), _BY_AWARDEE),
    _("项"),
    Kind.COUNT,
    "awards",
)
for _level in AwardLevel:
    indicator(
        f"awards.{_level.value}",
        fmt(_("%(level)s表彰数"), level=_level.label),
        f"Awards: {_level.value}",
        join(
            _AWARDS,
            fmt(_("中级别为“%(level)s”的项数。"), level=_level.label),
            _BY_AWARDEE,
        ),
        _("项"),
        Kind.COUNT,
        "awards",
    )
AWARD_RECIPIENTS = {
    "collective": (
        _("集体表彰数"),
        _("中授予协会（未指定获奖会员或家庭）的项数。"),
        Q(member__isnull=True, household__isnull=True),
    ),
    "individual": (
        _("个人表彰数"),
        _("中授予会员个人的项数。"),
        Q(member__isnull=False),
    ),
    "family": (_("家庭表彰数"), _("中授予家庭的项数。"), Q(household__isnull=False)),
}
for _suffix, (_name, _what, _condition) in AWARD_RECIPIENTS.items():
    indicator(
        f"awards.{_suffix}",
        _name,
        f"Awards: {_suffix}",
        join(_AWARDS, _what, _BY_AWARDEE),
        _("项"),
        Kind.COUNT,
        "awards",
    )
source(
    lambda year: Award.objects.filter(year=year),
    "association__path",
    lambda year: {
        "awards.total": _count(),
        **{f"awards.{level.value}": _count("id", Q(level=level)) for level in AwardLevel},
        **{
            f"awards.{suffix}": _count("id", condition)
            for suffix, (_n, _w, condition) in AWARD_RECIPIENTS.items()
        },
    },
)


# The 示范协会 assessment, counted with the assessments above, is reported with the awards.
indicator(
    "assessments.model_associations",
    _("示范协会数"),
    "Model associations",
    _(
        "12月31日在册的协会（各级，含本级）中，当年“示范协会”考核（模板代码 model_association）"
        "结果为达标的协会数。"
    ),
    _("个"),
    Kind.COUNT,
    "awards",
)
rate(
    "rate.model_associations",
    _("示范协会创建率"),
    "Share of model associations",
    _("当年考核达标的示范协会数 ÷ 12月31日在册的协会总数（含本级）。"),
    "awards",
    "assessments.model_associations",
    "org.associations.total",
)


# ══ Village self-governance (村（居）民自治) ══════════════════════════════════
_SELFGOV_VILLAGES = _("12月31日在册的村（居）协会中，当年村民自治记录")
indicator(
    "selfgov.villages_with_charter",
    _("已制定自治章程的村（居）数"),
    "Villages with a self-governance charter",
    join(_SELFGOV_VILLAGES, _("为“已制定自治章程”的协会数。")),
    _("个"),
    Kind.COUNT,
    "selfgov",
)
CHARTER_PROVISIONS = {
    "one_child": ("benefits_one_child", _("章程含独生子女户优惠的村（居）数")),
    "second_birth_waiver": (
        "rewards_second_birth_waiver",
        _("章程含放弃二孩奖励的村（居）数"),
    ),
    "checkups": ("subsidises_checkups", _("章程含孕检/健康检查补助的村（居）数")),
}
for _suffix, (_flag, _name) in CHARTER_PROVISIONS.items():
    indicator(
        f"selfgov.charters.{_suffix}",
        _name,
        f"Charters with provision: {_suffix}",
        join(
            _SELFGOV_VILLAGES,
            fmt(
                _("为“已制定自治章程”且勾选“%(provision)s”的协会数。"),
                provision=SelfGovernance._meta.get_field(_flag).verbose_name,
            ),
        ),
        _("个"),
        Kind.COUNT,
        "selfgov",
    )
indicator(
    "selfgov.agreement_villages",
    _("签订自治协议的村（居）数"),
    "Villages that signed self-governance agreements",
    join(_SELFGOV_VILLAGES, _("的“已签协议户数”大于0的协会数。")),
    _("个"),
    Kind.COUNT,
    "selfgov",
)
indicator(
    "selfgov.pilot_villages",
    _("村民自治试点村（居）数"),
    "Self-governance pilot villages",
    join(_SELFGOV_VILLAGES, _("标记为“试点村”的协会数。")),
    _("个"),
    Kind.COUNT,
    "selfgov",
)
indicator(
    "selfgov.households_due",
    _("应签自治协议户数"),
    "Households due to sign",
    _("范围内各协会当年村民自治记录的“应签协议户数”之和。"),
    _("户"),
    Kind.COUNT,
    "selfgov",
)
indicator(
    "selfgov.households_signed",
    _("已签自治协议户数"),
    "Households signed",
    _("范围内各协会当年村民自治记录的“已签协议户数”之和。"),
    _("户"),
    Kind.COUNT,
    "selfgov",
)
rate(
    "rate.villages_with_charter",
    _("自治章程制定率"),
    "Share of villages with a charter",
    _("已制定自治章程的村（居）数 ÷ 12月31日在册的村（居）协会数。"),
    "selfgov",
    "selfgov.villages_with_charter",
    "org.villages",
)
rate(
    "rate.agreement_villages",
    _("自治协议签订村（居）比例"),
    "Share of villages that signed agreements",
    _("签订自治协议的村（居）数 ÷ 12月31日在册的村（居）协会数。"),
    "selfgov",
    "selfgov.agreement_villages",
    "org.villages",
)
rate(
    "rate.agreement_households",
    _("自治协议签订率（户）"),
    "Share of households that signed agreements",
    _("已签自治协议户数 ÷ 应签自治协议户数。"),
    "selfgov",
    "selfgov.households_signed",
    "selfgov.households_due",
)


def _selfgov_aggregates(year: int) -> dict:
    village = _village_on("association", year_end(year))
    charter = village & Q(charter_adopted=True)
    return {
        "selfgov.villages_with_charter": _count("association", charter, distinct=True),
        **{
            f"selfgov.charters.{suffix}": _count(
                "association", charter & Q(**{flag: True}), distinct=True
            )
            for suffix, (flag, _name) in CHARTER_PROVISIONS.items()
        },
        "selfgov.agreement_villages": _count(
            "association", village & Q(households_signed__gt=0), distinct=True
        ),
        "selfgov.pilot_villages": _count("association", village & Q(is_pilot=True), distinct=True),
        "selfgov.households_due": _sum("households_due"),
        "selfgov.households_signed": _sum("households_signed"),
    }


source(
    lambda year: SelfGovernance.objects.filter(year=year),
    "association__path",
    _selfgov_aggregates,
)


# ══ Funds (经费收支) ═════════════════════════════════════════════════════════
_LEDGER = _("日期在当年的经费收支记录")
_BY_BOOKKEEPER = _("按记账协会计入范围。")
indicator(
    "funds.income",
    _("经费收入"),
    "Income",
    join(_LEDGER, _("中收入的金额之和。"), _BY_BOOKKEEPER),
    _("元"),
    Kind.AMOUNT,
    "funds",
)
for _source in FundSource:
    indicator(
        f"funds.income.{_source.value}",
        fmt(_("经费收入：%(source)s"), source=_source.label),
        f"Income: {_source.value}",
        join(
            _LEDGER,
            fmt(_("中来源为“%(source)s”的收入金额之和。"), source=_source.label),
            _BY_BOOKKEEPER,
        ),
        _("元"),
        Kind.AMOUNT,
        "funds",
    )
indicator(
    "funds.expense",
    _("经费支出"),
    "Expense",
    join(_LEDGER, _("中支出的金额之和。"), _BY_BOOKKEEPER),
    _("元"),
    Kind.AMOUNT,
    "funds",
)
for _purpose in ExpensePurpose:
    indicator(
        f"funds.expense.{_purpose.value}",
        fmt(_("经费支出：%(purpose)s"), purpose=_purpose.label),
        f"Expense: {_purpose.value}",
        join(
            _LEDGER,
            fmt(_("中用途为“%(purpose)s”的支出金额之和。"), purpose=_purpose.label),
            _BY_BOOKKEEPER,
        ),
        _("元"),
        Kind.AMOUNT,
        "funds",
    )


def _ledger_aggregates(year: int) -> dict:
    income = Q(direction=Direction.INCOME)
    expense = Q(direction=Direction.EXPENSE)
    return {
        "funds.income": _money("amount", income),
        **{
            f"funds.income.{src.value}": _money("amount", income & Q(source=src))
            for src in FundSource
        },
        "funds.expense": _money("amount", expense),
        **{
            f"funds.expense.{purpose.value}": _money("amount", expense & Q(purpose=purpose))
            for purpose in ExpensePurpose
        },
    }


source(
    lambda year: LedgerEntry.objects.filter(_during("date", year)),
    "association__path",
    _ledger_aggregates,
)


def by_section() -> dict[str, list[Indicator]]:
    """The catalog grouped by section, in section order and catalog order within each."""
    grouped: dict[str, list[Indicator]] = {key: [] for key in SECTIONS}
    for spec in INDICATORS.values():
        grouped[spec.section].append(spec)
    return grouped


# ── Evaluation ────────────────────────────────────────────────────────────────
def _plan(codes: set[str], year: int) -> list[tuple[Source, dict]]:
    """The sources to query and, for each, only the aggregates the requested codes need."""
    wanted = set(codes)
    for code in codes:
        spec = INDICATORS[code]
        if spec.kind == Kind.RATE:
            wanted |= {spec.numerator, spec.denominator}
    plan = []
    for src in SOURCES:
        # SQL aliases cannot hold dots: number them and map back to the codes.
        needed = [(code, expr) for code, expr in src.aggregates(year).items() if code in wanted]
        if needed:
            plan.append((src, {f"f{i}": (code, expr) for i, (code, expr) in enumerate(needed)}))
    return plan


def _aggregates(figures: dict) -> dict:
    return {alias: expr for alias, (_code, expr) in figures.items()}


def _by_code(row: dict, figures: dict) -> dict:
    return {code: row[alias] for alias, (code, _expr) in figures.items()}


def _finish(raw: dict[str, int | Decimal | None], codes: Iterable[str]) -> dict[str, FigureValue]:
    values: dict[str, FigureValue] = {}
    for code in codes:
        spec = INDICATORS[code]
        if spec.kind == Kind.RATE:
            values[code] = Rate(raw.get(spec.numerator) or 0, raw.get(spec.denominator) or 0)
        elif spec.kind == Kind.AMOUNT:
            # Rounded to the fen: SQLite hands sums back with float noise digits.
            values[code] = Decimal(raw.get(code) or 0).quantize(CENT)
        else:
            values[code] = raw.get(code) or 0
    return values


def evaluate(
    scope: Association, year: int, codes: Iterable[str] | None = None
) -> dict[str, FigureValue]:
    """Every requested indicator (default: all) for the scope's subtree in `year`."""
    codes = list(codes) if codes is not None else list(INDICATORS)
    raw: dict[str, int | Decimal | None] = {}
    for src, figures in _plan(set(codes), year):
        rows = src.rows(year).filter(**{f"{src.scope_lookup}__startswith": scope.path})
        raw.update(_by_code(rows.aggregate(**_aggregates(figures)), figures))
    return _finish(raw, codes)


def evaluate_children(
    scope: Association, year: int, codes: Iterable[str] | None = None
) -> list[tuple[Association, dict[str, FigureValue]]]:
    """The same figures broken down by the scope's direct children (those active that year).

    Each source is still one query: rows are labelled with the child whose
    subtree holds them (CASE on path prefixes) and grouped by that label.
    """
    codes = list(codes) if codes is not None else list(INDICATORS)
    children = list(scope.children.filter(active_during(year)).order_by("path"))
    raw: dict[int, dict] = {child.pk: {} for child in children}
    if children:
        for src, figures in _plan(set(codes), year):
            unit = Case(
                *[
                    When(
                        **{f"{src.scope_lookup}__startswith": child.path},
                        then=Value(child.pk),
                    )
                    for child in children
                ],
                default=None,
                output_field=IntegerField(),
            )
            rows = (
                src.rows(year)
                .filter(**{f"{src.scope_lookup}__startswith": scope.path})
                .annotate(_unit=unit)
                .exclude(_unit=None)
                .values("_unit")
                .order_by()
                .annotate(**_aggregates(figures))
            )
            for row in rows:
                raw[row["_unit"]].update(_by_code(row, figures))
    return [(child, _finish(raw[child.pk], codes)) for child in children]


def change(current: FigureValue, previous: FigureValue) -> int | Decimal | float | None:
    """Year-over-year change: a difference for counts and amounts, percentage points for rates."""
    if isinstance(current, Rate):
        if current.value is None or previous.value is None:
            return None
        return round((current.value - previous.value) * 100, 1)
    return current - previous


def evaluate_with_yoy(
    scope: Association, year: int, codes: Iterable[str] | None = None
) -> dict[str, tuple[FigureValue, FigureValue, int | Decimal | float | None]]:
    """Each figure with last year's and the change (`yoy`)."""
    codes = list(codes) if codes is not None else list(INDICATORS)
    now, before = evaluate(scope, year, codes), evaluate(scope, year - 1, codes)
    return {code: (now[code], before[code], change(now[code], before[code])) for code in codes}
