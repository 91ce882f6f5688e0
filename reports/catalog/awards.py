"""表彰与创建: awards of the year, and the assessments passed (八有, 三有, 一好四建 in 组织建设;
示范协会 here)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from activities.models import Assessment, Award, AwardLevel
from associations.models import live
from associations.years import last_day

from .engine import Text, count, fmt, join, rate, source
from .org import association_active_on, village_on

# An award to a withdrawn member or household is withdrawn with them.
awards = source(
    lambda year: Award.objects.filter(live("member"), live("household"), year=year),
    "association__path",
    section="awards",
)
_AWARDS = _("年度为当年的表彰")
_BY_AWARDEE = _(
    "按获奖协会计入范围，授予会员小组、会员、家庭的按其登记的所属协会，"
    "授予名册以外个人的按登记时所填的获奖协会。"
)


def _awards(code: str, name: Text, what: Text, condition: Q | None = None) -> None:
    awards.indicator(
        code,
        name,
        join(_AWARDS, what, _BY_AWARDEE),
        _("项"),
        value=lambda year: count("id", condition),
    )


_awards("awards.total", _("获表彰总数"), _("的项数。"))
for _level in AwardLevel:
    _awards(
        f"awards.{_level.value}",
        fmt(_("%(level)s表彰数"), level=_level.label),
        fmt(_("中级别为“%(level)s”的项数。"), level=_level.label),
        Q(level=_level),
    )
# Who was honoured: a collective (an association alone, or a member group below it), an
# individual (a member, or a named person outside the member register: "13名同志") or a
# household.
AWARD_RECIPIENTS: dict[str, tuple[Q, Text, Text, Text]] = {
    "collective": (
        Q(member__isnull=True, household__isnull=True, person_name=""),
        _("集体"),
        _("集体表彰数"),
        _("授予集体（协会本身或会员小组）"),
    ),
    "individual": (
        Q(member__isnull=False) | ~Q(person_name=""),
        _("个人"),
        _("个人表彰数"),
        _("授予个人（会员或会员名册以外的个人）"),
    ),
    "family": (Q(household__isnull=False), _("家庭"), _("家庭表彰数"), _("授予家庭")),
}
for _suffix, (_condition, _label, _name, _what) in AWARD_RECIPIENTS.items():
    _awards(
        f"awards.{_suffix}",
        _name,
        fmt(_("中%(what)s的项数。"), what=_what),
        _condition,
    )
# Crossed with level, as the yearbook cites them ("4个集体和10名个人受到中国计划生育协会
# 表彰奖励，有11个集体和13名同志受到省协会表彰奖励").
for _level in AwardLevel:
    for _suffix, (_condition, _label, _name, _what) in AWARD_RECIPIENTS.items():
        _awards(
            f"awards.{_level.value}.{_suffix}",
            fmt(_("%(level)s%(recipient)s表彰数"), level=_level.label, recipient=_label),
            fmt(_("中级别为“%(level)s”、%(what)s的项数。"), level=_level.label, what=_what),
            Q(level=_level) & _condition,
        )

# Each association counts once per checklist and year (templates by code); a withdrawn
# assessment is not there.
assessed = source(
    lambda year: Assessment.objects.filter(year=year), "association__path", section="awards"
)
BA_YOU = "ba_you"
SAN_YOU = "san_you"
YI_HAO_SI_JIAN = "yi_hao_si_jian"
MODEL_ASSOCIATION = "model_association"
_PASSED = Q(passed=True)

# The checklists of village associations: 八有 ("全市有85%以上的村(居)级协会基本实现“八有”"),
# 三有 (有人管事、有钱办事、有章理事) and 一好四建 (the yearbook's rule for rebuilding them).
# Each share is offered over every village association in the register, and over those
# assessed in the year (a secretary may want either).
VILLAGE_CHECKLISTS: dict[str, tuple[Text, str]] = {
    BA_YOU: (_("“八有”"), "eight-haves"),
    SAN_YOU: (_("“三有”"), "three-haves"),
    YI_HAO_SI_JIAN: (_("“一好四建”"), "one-good-four-builds"),
}


def _villages_assessed(template: str, condition: Q) -> Callable[[int], Count]:
    return lambda year: count(
        "association",
        Q(template__code=template) & condition & village_on("association", last_day(year)),
        distinct=True,
    )


for _template, (_label, _english) in VILLAGE_CHECKLISTS.items():
    _passed, _assessed = (
        f"assessments.villages_{_template}",
        f"assessments.villages_{_template}_assessed",
    )
    assessed.indicator(
        _passed,
        fmt(_("达到%(checklist)s标准的村（居）协会数"), checklist=_label),
        fmt(
            _(
                "12月31日在册的村（居）协会中，当年%(checklist)s考核（模板代码 %(template)s）"
                "结果为达标的协会数。"
            ),
            checklist=_label,
            template=_template,
        ),
        _("个"),
        section="org",
        value=_villages_assessed(_template, _PASSED),
    )
    assessed.indicator(
        _assessed,
        fmt(_("参加%(checklist)s考核的村（居）协会数"), checklist=_label),
        fmt(
            _(
                "12月31日在册的村（居）协会中，有当年%(checklist)s考核记录（模板代码 "
                "%(template)s，达标与否都算）的协会数。"
            ),
            checklist=_label,
            template=_template,
        ),
        _("个"),
        section="org",
        value=_villages_assessed(_template, Q()),
    )
    rate(
        f"rate.villages_{_template}",
        fmt(_("村（居）协会%(checklist)s达标率"), checklist=_label),
        fmt(
            _(
                "当年%(checklist)s达标的村（居）协会数 ÷ 12月31日在册的村（居）协会数"
                "（村级协会与居（社区）协会合计，未考核的也在分母内）。"
            ),
            checklist=_label,
        ),
        "org",
        _passed,
        "org.villages",
    )
    rate(
        f"rate.villages_{_template}_assessed",
        fmt(_("参加考核的村（居）协会%(checklist)s达标率"), checklist=_label),
        fmt(
            _(
                "当年%(checklist)s达标的村（居）协会数 ÷ 当年参加%(checklist)s考核的"
                "村（居）协会数（未考核的不在分母内）。"
            ),
            checklist=_label,
        ),
        "org",
        _passed,
        _assessed,
    )

# 三有 is asked of every association, not only villages ("使绝大多数协会做到“有人管事，有钱
# 办事，有章理事”").
assessed.indicator(
    "assessments.san_you",
    _("达到“三有”标准的协会数"),
    _(
        "12月31日在册的协会（各级，含本级）中，当年“三有”考核（模板代码 san_you）"
        "结果为达标的协会数。"
    ),
    _("个"),
    section="org",
    value=lambda year: count(
        "association",
        Q(template__code=SAN_YOU) & _PASSED & association_active_on("association", last_day(year)),
        distinct=True,
    ),
)
rate(
    "rate.san_you",
    _("协会“三有”达标率"),
    _("当年“三有”达标的协会数 ÷ 12月31日在册的协会总数（各级，含本级）。"),
    "org",
    "assessments.san_you",
    "org.associations.total",
)
assessed.indicator(
    "assessments.model_associations",
    _("示范协会数"),
    _(
        "12月31日在册的协会（各级，含本级）中，当年“示范协会”考核（模板代码 model_association）"
        "结果为达标的协会数。"
    ),
    _("个"),
    value=lambda year: count(
        "association",
        Q(template__code=MODEL_ASSOCIATION)
        & _PASSED
        & association_active_on("association", last_day(year)),
        distinct=True,
    ),
)
rate(
    "rate.model_associations",
    _("示范协会创建率"),
    _("当年考核达标的示范协会数 ÷ 12月31日在册的协会总数（各级，含本级）。"),
    "awards",
    "assessments.model_associations",
    "org.associations.total",
)
