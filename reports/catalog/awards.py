"""表彰与创建: awards of the year, and the assessments passed (八有 in 组织建设, 示范协会 here)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities.models import Assessment, Award, AwardLevel
from associations.models import live
from associations.years import last_day

from .engine import count, fmt, join, rate, source
from .org import association_active_on, village_on

# An award to a withdrawn member or household is withdrawn with them.
awards = source(
    lambda year: Award.objects.filter(live("member"), live("household"), year=year),
    "association__path",
    section="awards",
)
_AWARDS = _("年度为当年的表彰")
_BY_AWARDEE = _("按获奖协会计入范围，授予个人、家庭的按其登记的所属协会。")


def _awards(code: str, name, name_en: str, what, condition: Q | None = None) -> None:
    awards.indicator(
        code,
        name,
        name_en,
        join(_AWARDS, what, _BY_AWARDEE),
        _("项"),
        value=lambda year: count("id", condition),
    )


_awards("awards.total", _("获表彰总数"), "Awards", _("的项数。"))
for _level in AwardLevel:
    _awards(
        f"awards.{_level.value}",
        fmt(_("%(level)s表彰数"), level=_level.label),
        f"Awards: {_level.value}",
        fmt(_("中级别为“%(level)s”的项数。"), level=_level.label),
        Q(level=_level),
    )
_awards(
    "awards.collective",
    _("集体表彰数"),
    "Awards: collective",
    _("中授予协会（未指定获奖会员或家庭）的项数。"),
    Q(member__isnull=True, household__isnull=True),
)
_awards(
    "awards.individual",
    _("个人表彰数"),
    "Awards: individual",
    _("中授予会员个人的项数。"),
    Q(member__isnull=False),
)
_awards(
    "awards.family",
    _("家庭表彰数"),
    "Awards: family",
    _("中授予家庭的项数。"),
    Q(household__isnull=False),
)

# Each association counts once per checklist it passed in the year (templates by code).
passed = source(
    lambda year: Assessment.objects.filter(year=year, passed=True),
    "association__path",
    section="awards",
)
BA_YOU = "ba_you"
MODEL_ASSOCIATION = "model_association"

passed.indicator(
    "assessments.villages_ba_you",
    _("达到“八有”标准的村（居）协会数"),
    "Village associations meeting the eight-haves standard",
    _("12月31日在册的村（居）协会中，当年“八有”考核（模板代码 ba_you）结果为达标的协会数。"),
    _("个"),
    section="org",
    value=lambda year: count(
        "association",
        Q(template__code=BA_YOU) & village_on("association", last_day(year)),
        distinct=True,
    ),
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
passed.indicator(
    "assessments.model_associations",
    _("示范协会数"),
    "Model associations",
    _(
        "12月31日在册的协会（各级，含本级）中，当年“示范协会”考核（模板代码 model_association）"
        "结果为达标的协会数。"
    ),
    _("个"),
    value=lambda year: count(
        "association",
        Q(template__code=MODEL_ASSOCIATION) & association_active_on("association", last_day(year)),
        distinct=True,
    ),
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
