"""理事会成员 (reported in 组织建设): officers in post on 31 December, allowances of the year."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import (
    Case,
    Count,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext_lazy as _

from associations.models import VILLAGE_LEVELS, Level, live
from associations.years import first_day, in_force_on, last_day
from members.models import CadreRank, Gender, OfficerBackground, OfficerPosition, OfficerTitle

from .context import populous
from .engine import MONEY_OUTPUT, Kind, Text, count, fmt, join, money, rate, source
from .org import association_active_on, village_on

# Posts held on any day of the year (allowances are paid for them); the figures of
# the council are those in post on 31 December.
positions = source(
    lambda year: OfficerPosition.objects.held_during(year).filter(live("member")),
    "association__path",
    section="org",
)


def _in_post(year: int) -> Q:
    """The post is held on 31 December (the end day is still in office)."""
    return in_force_on("started_on", "ended_on", last_day(year))


def _persons(year: int, condition: Q | None = None) -> Count:
    return count("member", _in_post(year) & (condition or Q()), distinct=True)


_IN_POST = _("12月31日在范围内协会任职（任职开始日期不晚于12月31日，结束日期未填或不早于12月31日）")
_ONE_PERSON = _("；同一人在多个协会或担任多个职务只算一人。")
_FVC = Q(title=OfficerTitle.FULLTIME_VICE_CHAIR)
_EVC = Q(title=OfficerTitle.EXECUTIVE_VICE_CHAIR)
_FEMALE = Q(member__gender=Gender.FEMALE)
_MALE = Q(member__gender=Gender.MALE)

Condition = Q | Callable[[int], Q]


def _officers(code: str, name: Text, what: Text, condition: Condition | None = None) -> None:
    """People in post on 31 December meeting `condition` (a Q, or a Q of the year). Not
    additive: one person may hold posts in several associations of a subtree and is
    counted once."""
    positions.indicator(
        code,
        name,
        join(_IN_POST, what, _ONE_PERSON),
        _("人"),
        additive=False,
        value=lambda year: _persons(year, condition(year) if callable(condition) else condition),
    )


_officers("officers.total", _("理事会成员人数"), _("的人数"))
_officers("officers.female", _("女性理事会成员人数"), _("的女性人数"), _FEMALE)
OFFICER_TITLES = {
    title: title.label for title in OfficerTitle if title != OfficerTitle.FULLTIME_VICE_CHAIR
}
for _title, _label in OFFICER_TITLES.items():
    _officers(
        f"officers.title.{_title.value}",
        fmt(_("%(title)s人数"), title=_label),
        fmt(_("、职务为“%(title)s”的人数"), title=_label),
        Q(title=_title),
    )
_officers(
    "officers.fulltime_vice_chairs",
    _("专职副会长人数"),
    _("、职务为“专职副会长”的人数"),
    _FVC,
)
positions.indicator(
    "officers.fulltime_vice_chairs.female",
    _("女性专职副会长人数"),
    _("上项专职副会长中的女性人数。"),
    _("人"),
    additive=False,  # one person, posts in several associations: counted once
    value=lambda year: _persons(year, _FVC & _FEMALE),
)
_officers(
    "officers.fulltime",
    _("专职人员数"),
    _("、且该职务标记为“专职”的人数"),
    Q(is_fulltime=True),
)
OFFICER_BACKGROUNDS = {
    "retired_cadres": (OfficerBackground.RETIRED_CADRE, _("退休老干部担任的理事会成员人数")),
    "retired_teachers": (OfficerBackground.RETIRED_TEACHER, _("老教师担任的理事会成员人数")),
    "stepped_back": (OfficerBackground.STEPPED_BACK, _("退二线领导担任的理事会成员人数")),
}
for _suffix, (_background, _name) in OFFICER_BACKGROUNDS.items():
    _officers(
        f"officers.{_suffix}",
        _name,
        fmt(_("、任职记录的背景为“%(background)s”的人数"), background=_background.label),
        Q(background=_background),
    )
OFFICER_RANKS = [rank for rank in CadreRank if rank != CadreRank.NONE]
for _rank in OFFICER_RANKS:
    _officers(
        f"officers.rank.{_rank.value}",
        fmt(_("%(rank)s理事会成员人数"), rank=_rank.label),
        fmt(_("、任职记录的职级为“%(rank)s”的人数"), rank=_rank.label),
        Q(cadre_rank=_rank),
    )
# The executive vice-chairs by background and rank ("47个常务副会长中，有正处级干部1人……
# 其它37名均系退休老干部、老教师").
for _suffix, (_background, _name) in OFFICER_BACKGROUNDS.items():
    _officers(
        f"officers.title.executive_vice_chair.{_suffix}",
        fmt(_("%(background)s担任的常务副会长人数"), background=_background.label),
        fmt(
            _("、职务为“常务副会长”且任职记录的背景为“%(background)s”的人数"),
            background=_background.label,
        ),
        _EVC & Q(background=_background),
    )
for _rank in OFFICER_RANKS:
    _officers(
        f"officers.title.executive_vice_chair.{_rank.value}",
        fmt(_("%(rank)s常务副会长人数"), rank=_rank.label),
        fmt(_("、职务为“常务副会长”且任职记录的职级为“%(rank)s”的人数"), rank=_rank.label),
        _EVC & Q(cadre_rank=_rank),
    )

# Full-time vice-chairs by the level of the association they serve ("245个行政村……245人中
# 有男性166人，女性79人", "全区11个镇乡（街道）……其中4个镇乡的专职副会长确定为原班子
# 退二线的老领导").
FVC_LEVELS: dict[str, tuple[tuple[Level, ...], Text]] = {
    "village": (VILLAGE_LEVELS, _("村（居）")),
    "town": ((Level.TOWN,), _("镇乡（街道）")),
    "county": ((Level.COUNTY, Level.CITY, Level.PROVINCE), _("县（区）及以上")),
}
FVC_LEVEL_PARTS: dict[str, tuple[Q, Text, Text]] = {
    "": (Q(), _("%(level)s专职副会长人数"), _("的人数")),
    "female": (_FEMALE, _("%(level)s女性专职副会长人数"), _("的女性人数")),
    "male": (_MALE, _("%(level)s男性专职副会长人数"), _("的男性人数")),
    **{
        suffix: (
            Q(background=background),
            fmt(_("%(background)s担任的%%(level)s专职副会长人数"), background=background.label),
            fmt(_("、且任职记录的背景为“%(background)s”的人数"), background=background.label),
        )
        for suffix, (background, _name) in OFFICER_BACKGROUNDS.items()
    },
}


def _fvc_at(levels: tuple[Level, ...], extra: Q) -> Callable[[int], Q]:
    def condition(year: int) -> Q:
        in_register = association_active_on("association", last_day(year))
        return _FVC & Q(association__level__in=levels) & in_register & extra

    return condition


for _suffix, (_levels, _where) in FVC_LEVELS.items():
    for _part, (_extra, _name, _what) in FVC_LEVEL_PARTS.items():
        _officers(
            f"officers.fulltime_vice_chairs.{_suffix}" + (f".{_part}" if _part else ""),
            fmt(_name, level=_where),
            join(
                fmt(_("、在%(level)s协会（该协会12月31日在册）任“专职副会长”"), level=_where),
                _what,
            ),
            _fvc_at(_levels, _extra),
        )

positions.indicator(
    "officers.monthly_allowance",
    _("理事会成员月津贴合计"),
    join(_IN_POST, _("的各项职务的月津贴之和（一人多职的分别计入）。")),
    _("元/月"),
    kind=Kind.AMOUNT,
    value=lambda year: money("monthly_allowance", _in_post(year)),
)


def _months_held(year: int) -> Expression:
    """Calendar months of `year` in which the post was held on at least one day (the
    rows are the posts held during the year, so the months are 1 to 12)."""
    first = Case(
        When(started_on__lt=first_day(year), then=Value(1)),
        default=ExtractMonth("started_on"),
        output_field=IntegerField(),
    )
    last = Case(
        When(Q(ended_on__isnull=True) | Q(ended_on__gt=last_day(year)), then=Value(12)),
        default=ExtractMonth("ended_on"),
        output_field=IntegerField(),
    )
    return ExpressionWrapper(last - first + 1, output_field=IntegerField())


_HELD_IN_YEAR = _("当年任职（任职期间与当年至少有一天重叠）")
positions.indicator(
    "officers.allowances_paid",
    _("理事会成员全年津贴"),
    join(
        _HELD_IN_YEAR,
        _(
            "的各项职务的月津贴 × 当年在职月数之和：某月内任职满一天即计整月，"
            "月中交接的交接双方当月都计入；一人多职的分别计入。"
        ),
    ),
    _("元"),
    kind=Kind.AMOUNT,
    value=lambda year: money(
        ExpressionWrapper(F("monthly_allowance") * _months_held(year), output_field=MONEY_OUTPUT)
    ),
)
positions.indicator(
    "officers.allowance_recipients",
    _("领取津贴的理事会成员人数"),
    join(_HELD_IN_YEAR, _("、且该职务月津贴大于0的人数"), _ONE_PERSON),
    _("人"),
    additive=False,  # one person, posts in several associations: counted once
    value=lambda year: count("member", Q(monthly_allowance__gt=0), distinct=True),
)
positions.indicator(
    "org.towns_with_fulltime_vice_chair",
    _("配备专职副会长的镇乡（街道）协会数"),
    _("12月31日在册的镇乡（街道）协会中，当天有“专职副会长”在任的协会数。"),
    _("个"),
    value=lambda year: count(
        "association",
        _FVC
        & _in_post(year)
        & Q(association__level=Level.TOWN)
        & association_active_on("association", last_day(year)),
        distinct=True,
    ),
)
positions.indicator(
    "org.villages_with_fulltime_vice_chair",
    _("配备专职副会长的村（居）协会数"),
    _("12月31日在册的村（居）协会中，当天有“专职副会长”在任的协会数。"),
    _("个"),
    value=lambda year: count(
        "association",
        _FVC & _in_post(year) & village_on("association", last_day(year)),
        distinct=True,
    ),
)
positions.indicator(
    "org.admin_villages_500_with_fulltime_vice_chair",
    _("配备专职副会长的500人以上行政村数"),
    _(
        "12月31日在册、登记人口数不少于500人的村级协会（行政村，不含居（社区））中，"
        "当天有“专职副会长”在任的个数。"
    ),
    _("个"),
    value=lambda year: count(
        "association",
        _FVC
        & _in_post(year)
        & Q(association__level=Level.VILLAGE)
        & association_active_on("association", last_day(year))
        & populous(year, "association"),
        distinct=True,
    ),
)
rate(
    "rate.towns_with_fulltime_vice_chair",
    _("镇乡（街道）专职副会长配备率"),
    _("配备专职副会长的镇乡（街道）协会数 ÷ 12月31日在册的镇乡（街道）协会数。"),
    "org",
    "org.towns_with_fulltime_vice_chair",
    "org.associations.town",
)
rate(
    "rate.villages_with_fulltime_vice_chair",
    _("村（居）专职副会长配备率"),
    _(
        "配备专职副会长的村（居）协会数 ÷ 12月31日在册的村（居）协会数（村级协会与居（社区）"
        "协会合计；只算500人以上行政村的见“500人以上行政村专职副会长配备率”）。"
    ),
    "org",
    "org.villages_with_fulltime_vice_chair",
    "org.villages",
)
rate(
    "rate.admin_villages_500_with_fulltime_vice_chair",
    _("500人以上行政村专职副会长配备率"),
    _(
        "配备专职副会长的500人以上行政村数 ÷ 12月31日在册、登记人口数不少于500人的"
        "村级协会数（不含居（社区）；未登记人口数的村不在分母内）。"
    ),
    "org",
    "org.admin_villages_500_with_fulltime_vice_chair",
    "org.admin_villages_500",
)
