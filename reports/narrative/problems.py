"""存在的问题 and 下一年工作建议, drafted from the data.

Problems are read off the figures: the direct child units below their parent's rate on the
main rates ("协会组织作用发挥不平衡，乡镇之间、村与村之间差距较大"), the year's targets not
reached, and the main figures that fell against last year. The suggestions open with next
year's work plan (its tasks, a line each), then turn its targets and the same findings into
tasks. `outlook` reads the plans and targets; the writers only arrange them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import Association, Level

from ..catalog import INDICATORS, FigureValue, Rate
from ..models import Target, WorkPlan
from ..targets import Attainment, plan_against_actual, shown_target
from .wording import Figure, Piece, chinese_numeral, enumerated, joined, sentence, short_name
from .writer import Writer, exact_text

# The rates units are compared on: the parent's own rate is the bar (name, task).
MAIN_RATES: dict[str, tuple[object, object]] = {
    "rate.villages_with_fulltime_vice_chair": (
        gettext_lazy("村（居）专职副会长配备率"),
        gettext_lazy("配齐村（居）专职副会长"),
    ),
    "rate.villages_ba_you": (
        gettext_lazy("村（居）协会“八有”达标率"),
        gettext_lazy("推进村（居）协会“八有”规范化建设"),
    ),
    "rate.villages_with_project": (
        gettext_lazy("村（居）项目开展率"),
        gettext_lazy("扩大项目覆盖面"),
    ),
    "rate.agreement_villages": (
        gettext_lazy("村民自治协议签订比例"),
        gettext_lazy("推动村民自治协议的签订和履行"),
    ),
    "rate.members_with_liaison": (
        gettext_lazy("会员联系户覆盖率"),
        gettext_lazy("把会员联系户制度落到实处"),
    ),
}
# The figures whose fall against last year is a problem.
MAIN_FIGURES = (
    "members.total",
    "officers.fulltime_vice_chairs",
    "liaison.households",
    "projects.total",
    "aid.households",
    "events.total",
    "events.participants",
    "funds.income",
)
NAMES_SHOWN = 5
# How a unit's children are named in a sentence (keyed by the stored level value).
CHILD_NOUNS = {
    Level.PROVINCE.value: gettext_lazy("市"),
    Level.CITY.value: gettext_lazy("县（区）"),
    Level.COUNTY.value: gettext_lazy("镇乡（街道）"),
    Level.TOWN.value: gettext_lazy("村（居）"),
}  # "甲村、乙村……等8个单位"


@dataclass(frozen=True)
class Outlook:
    """What the plans say: the year's targets not reached (the scope's own, and how many
    children missed one), and next year's plan and the scope's own targets."""

    missed: Sequence[Attainment] = ()
    children_behind: int = 0
    plan: WorkPlan | None = None
    targets: Sequence[Target] = ()


def outlook(scope: Association, year: int) -> Outlook:
    progress = plan_against_actual(scope, year)
    coming = Target.objects.filter(association=scope, year=year + 1).order_by("code")
    return Outlook(
        missed=[a for a in progress.own if a.attained is False],
        children_behind=len({unit.pk for unit, _attainment in progress.behind}),
        plan=WorkPlan.objects.filter(association=scope, year=year + 1).first(),
        targets=[target for target in coming if target.code in INDICATORS],
    )


Children = Sequence[tuple[Association, dict[str, FigureValue]]]


def _lagging(w: Writer, children: Children) -> list[tuple[str, list[Association]]]:
    """(rate, the children below the scope's own rate on it) for each main rate."""
    found = []
    for code in MAIN_RATES:
        bar: Rate = w.value(code)
        if bar.value is None:
            continue
        below = [
            child
            for child, figures in children
            if figures[code].value is not None and figures[code].value < bar.value
        ]
        if below:
            found.append((code, below))
    return found


def _units(code: str, units: list[Association], children: Children) -> list[Piece]:
    rates = {child.pk: figures[code] for child, figures in children}
    names = joined(
        [
            sentence(
                _("%(unit)s（%(rate)s）"),
                unit=short_name(unit),
                rate=Figure(code, rates[unit.pk].percent, exact_text(code, rates[unit.pk])),
            )
            for unit in units[:NAMES_SHOWN]
        ]
    )
    if len(units) > NAMES_SHOWN:
        names += [_("等%(n)s个单位") % {"n": len(units)}]
    return names


def _fallen(w: Writer) -> list[str]:
    return [code for code in (*MAIN_FIGURES, *MAIN_RATES) if w.fell(code)]


def problems(w: Writer, children: Children, plans: Outlook) -> list[tuple[str, list[Piece]]]:
    items = [
        sentence(
            _("%(name)s低于%(place)s平均水平（%(bar)s）的有%(units)s"),
            name=str(MAIN_RATES[code][0]),
            place=w.place,
            bar=w.percent(code),
            units=_units(code, units, children),
        )
        for code, units in _lagging(w, children)
    ]
    items += [[str(INDICATORS[code].name), *w.yoy(code, lead="")] for code in _fallen(w)]
    if not items:
        text = sentence(
            _("从统计数据看，主要指标均未低于上年%(even)s。"),
            even=_("，各下级单位之间未见明显差距") if children else "",
        )
    else:
        text = [_("从统计数据看，存在的问题主要有："), *enumerated(items), _("。")]
    return [("problems.data", text), ("problems.targets", _missed(w, plans))]


def _missed(w: Writer, plans: Outlook) -> list[Piece]:
    text: list[Piece] = []
    if plans.missed:
        listing = joined(
            [
                sentence(
                    _("%(name)s%(actual)s（目标%(target)s）"),
                    name=str(a.indicator.name),
                    actual=Figure(a.code, a.shown_actual),
                    target=a.shown_target.removeprefix("≥ "),
                )
                for a in plans.missed
            ]
        )
        text += sentence(
            _("%(year)s年度目标中有%(n)s项未完成：%(list)s。"),
            year=str(w.year),
            n=str(len(plans.missed)),
            list=listing,
        )
    if plans.children_behind:
        text += sentence(
            _("%(n)s个%(noun)s有目标未完成。"),
            n=str(plans.children_behind),
            noun=str(CHILD_NOUNS.get(w.scope.level, _("下级单位"))),
        )
    return text


def suggestions(w: Writer, children: Children, plans: Outlook) -> list[tuple[str, list[Piece]]]:
    items = [
        sentence(
            _("力争%(name)s达到%(value)s"),
            name=str(INDICATORS[target.code].name),
            value=shown_target(INDICATORS[target.code], target.value).removeprefix("≥ "),
        )
        for target in plans.targets
    ]
    items += [
        sentence(
            _("%(task)s，帮助%(units)s赶上%(place)s水平"),
            task=str(MAIN_RATES[code][1]),
            units=joined([[short_name(unit)] for unit in units[:NAMES_SHOWN]])
            + ([_("等单位")] if len(units) > NAMES_SHOWN else []),
            place=w.place,
        )
        for code, units in _lagging(w, children)
    ]
    items += [
        sentence(
            _("扭转%(name)s下降的势头"),
            name=Figure(code, str(INDICATORS[code].name), w.exact(code)),
        )
        for code in _fallen(w)
    ]
    lead = _("%(next)s年，%(we)s计划生育协会将在巩固%(year)s年工作成果的基础上") % {
        "next": w.year + 1,
        "we": w.we,
        "year": w.year,
    }
    if not items:
        text = [lead, _("，继续抓好组织建设、会员联系户、项目帮扶和村民自治等各项工作。")]
    else:
        text = [lead, _("，重点抓好以下工作："), *enumerated(items, _("要")), _("。")]
    return [("suggestions.plan", _plan(w, plans.plan)), ("suggestions.data", text)]


def _plan(w: Writer, plan: WorkPlan | None) -> list[Piece]:
    """Next year's work plan: its title and number, then its tasks, numbered."""
    if plan is None:
        return []
    tasks = [line.strip() for line in plan.tasks.splitlines() if line.strip()]
    text = sentence(
        _("根据%(title)s%(number)s，%(year)s年的主要任务是："),
        title=f"《{plan.title}》",
        number=f"（{plan.document_number}）" if plan.document_number else "",
        year=str(w.year + 1),
    )
    return text + [
        f"{chinese_numeral(number)}是{task.rstrip('。；;')}{'；' if number < len(tasks) else '。'}"
        for number, task in enumerate(tasks, start=1)
    ]
