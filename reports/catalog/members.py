"""会员队伍: members in the roll on 31 December, joining and leaving, dues.

A member belongs to one association (the one they are registered with now), so
every figure here adds up over the associations of a subtree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from associations.models import live
from associations.years import dated_in, in_force_on, last_day, overlaps
from members.models import (
    DuesPayment,
    Education,
    Gender,
    LeaveReason,
    LiaisonPair,
    MembershipPeriod,
    PoliticalStatus,
    Registration,
)

from .engine import Kind, Text, count, fmt, join, money, source

# Only the periods that touch the year: open on 31 December, or started or ended
# during it (a period ended on 1 January is still a leaving in that year, so the
# end is inclusive here).
periods = source(
    lambda year: MembershipPeriod.objects.filter(
        overlaps("joined_on", "left_on", year), live("member")
    ),
    "member__association__path",
    section="members",
)

Condition = Q | Exists | Callable[[int], Q | Exists]


def _active(year: int) -> Q:
    """In the roll on 31 December (the leaving day is no longer in the roll)."""
    return in_force_on("joined_on", "left_on", last_day(year), end_exclusive=True)


def _joined(year: int) -> Q:
    return dated_in("joined_on", year)


def _left(year: int) -> Q:
    return dated_in("left_on", year)


def _members(
    code: str,
    name: Text,
    definition: Text,
    window: Callable[[int], Q],
    condition: Condition | None = None,
) -> None:
    """Members (each once) with a period in `window(year)` meeting `condition`."""

    def value(year: int) -> Count:
        extra = condition(year) if callable(condition) else condition
        return count("member", window(year) & (extra or Q()), distinct=True)

    periods.indicator(code, name, definition, _("人"), value=value)


_ACTIVE_MEMBERS = _(
    "12月31日在册的会员（会籍记录的入会日期不晚于12月31日，离会日期未填或晚于12月31日）"
)
_BY_MEMBER = _("会员按现所属协会计入范围。")
_CURRENT_FLAG = _("（“%(flag)s”按会员现登记的标记计算）")


def _in_roll(code: str, name: Text, what: Text, condition: Condition | None = None) -> None:
    _members(code, name, join(_ACTIVE_MEMBERS, what, _BY_MEMBER), _active, condition)


_in_roll("members.total", _("会员总数"), _("的人数。"))
_in_roll(
    "members.female",
    _("女会员数"),
    _("中的女性人数。"),
    Q(member__gender=Gender.FEMALE),
)
_in_roll(
    "members.male",
    _("男会员数"),
    _("中的男性人数。"),
    Q(member__gender=Gender.MALE),
)
MEMBER_FLAGS = {
    "volunteers": ("is_volunteer", _("志愿者人数"), _("志愿者")),
    "publicity_workers": ("is_publicity_worker", _("宣传员人数"), _("宣传员")),
    "industry_leaders": ("is_industry_leader", _("致富能手会员数"), _("致富能手")),
}
for _suffix, (_flag, _name, _label) in MEMBER_FLAGS.items():
    _in_roll(
        f"members.{_suffix}",
        _name,
        fmt(
            _("中标记为“%(flag)s”的人数%(note)s。"),
            flag=_label,
            note=fmt(_CURRENT_FLAG, flag=_label),
        ),
        Q(**{f"member__{_flag}": True}),
    )
_in_roll(
    "members.floating",
    _("流动人口会员数"),
    _("中户籍类型为“流动人口”的人数。"),
    Q(member__registration=Registration.FLOATING),
)
_in_roll(
    "members.party",
    _("党员会员数"),
    _("中政治面貌为中共党员或中共预备党员的人数。"),
    Q(member__political_status__in=[PoliticalStatus.PARTY, PoliticalStatus.PROBATIONARY]),
)
AGE_BANDS: dict[str, tuple[int, int | None, Any]] = {
    "under_30": (0, 29, _("30岁以下")),
    "30_39": (30, 39, _("30–39岁")),
    "40_49": (40, 49, _("40–49岁")),
    "50_59": (50, 59, _("50–59岁")),
    "60_plus": (60, None, _("60岁及以上")),
}


def _aged(low: int, high: int | None) -> Callable[[int], Q]:
    """Age is the year minus the year of birth."""

    def born(year: int) -> Q:
        condition = Q(member__birth_date__lte=dt.date(year - low, 12, 31))
        if high is not None:
            condition &= Q(member__birth_date__gte=dt.date(year - high, 1, 1))
        return condition

    return born


for _suffix, (_low, _high, _label) in AGE_BANDS.items():
    _in_roll(
        f"members.age.{_suffix}",
        fmt(_("%(band)s会员数"), band=_label),
        fmt(_("中%(band)s的人数（年龄为当年年份减出生年份）。"), band=_label),
        _aged(_low, _high),
    )
EDUCATION_LEVELS = list(Education)
for _education in EDUCATION_LEVELS:
    _in_roll(
        f"members.education.{_education.value}",
        fmt(_("文化程度为%(education)s的会员数"), education=_education.label),
        fmt(_("中文化程度登记为“%(education)s”的人数。"), education=_education.label),
        Q(member__education=_education),
    )


def _paired(year: int) -> Exists:
    """The member has a live pair in force on 31 December (the household may be anywhere)."""
    pairs = LiaisonPair.objects.active_on(last_day(year)).filter(live("household"))
    return Exists(pairs.filter(member_id=OuterRef("member_id")))


_in_roll(
    "members.with_liaison",
    _("有联系户的会员数"),
    _("中，当天有正在结对的联系户（联系户可属任何协会）的人数。"),
    _paired,
)
_members(
    "members.joined",
    _("新入会会员数"),
    _(
        "会籍记录的入会日期在当年1月1日至12月31日之间的会员人数（同一人年内多次入会只算一人）。"
        "会员按现所属协会计入范围。"
    ),
    _joined,
)
_members(
    "members.newlywed_recruits",
    _("新婚入会会员数"),
    _("上项当年新入会会员中，标记为“新婚入会”的人数。"),
    _joined,
    Q(member__is_newlywed_recruit=True),
)
_members(
    "members.left",
    _("离会会员数"),
    _(
        "会籍记录的离会日期在当年1月1日至12月31日之间的会员人数（同一人年内多次离会只算一人）。"
        "会员按现所属协会计入范围。"
    ),
    _left,
)
for _reason in LeaveReason:
    _members(
        f"members.left.{_reason.value}",
        fmt(_("离会会员数：%(reason)s"), reason=_reason.label),
        fmt(_("上项当年离会会员中，离会原因为“%(reason)s”的人数。"), reason=_reason.label),
        _left,
        Q(leave_reason=_reason),
    )

# Dues belong to the year they are for, whatever the day they were paid.
dues = source(
    lambda year: DuesPayment.objects.filter(live("member"), year=year),
    "member__association__path",
    section="members",
)
dues.indicator(
    "members.dues_paid",
    _("缴纳会费会员数"),
    _("有当年度会费缴纳记录的会员人数（按会费所属年度，不论缴费日期）。会员按现所属协会计入范围。"),
    _("人"),
    value=lambda year: count("member", distinct=True),
)
dues.indicator(
    "members.dues_amount",
    _("会费收缴金额"),
    _("当年度会费缴纳记录的金额合计（按会费所属年度）。会员按现所属协会计入范围。"),
    _("元"),
    kind=Kind.AMOUNT,
    value=lambda year: money("amount"),
)
