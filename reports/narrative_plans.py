"""The drafted work report's two closing sections, written from records other than the
year's own figures: 存在的问题 (the spread between the unit's children on the main shares,
and the targets not reached) and 下一年工作建议 (seeded from next year's plan and targets).

They build on the narrative's pieces, so their figures link to their definitions too.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import Association, Level

from .catalog import INDICATORS, Kind
from .charts import format_number
from .models import Target, WorkPlan
from .narrative import Figure, Piece, joined, place, sentence
from .rankings import shown, unevenness
from .targets import plan_against_actual

CHILD_NOUNS = {
    Level.PROVINCE: gettext_lazy("市"),
    Level.CITY: gettext_lazy("县（区）"),
    Level.COUNTY: gettext_lazy("镇乡（街道）"),
    Level.TOWN: gettext_lazy("村（居）"),
}


def _percent(code: str, number: float | None) -> Figure:
    return Figure(code, shown(INDICATORS[code], number))


def problems(scope: Association, year: int) -> list[Piece]:
    """Where the children differ most, and which targets were not reached."""
    text: list[Piece] = []
    noun = str(CHILD_NOUNS.get(scope.level, _("下级单位")))
    for item in unevenness(scope, year):
        ranking = item.ranking
        code = ranking.indicator.code
        text += sentence(
            _(
                "各%(noun)s之间%(name)s不平衡：最高的%(high)s为%(high_value)s，最低的%(low)s"
                "仅%(low_value)s，相差%(spread)s个百分点，%(below)s个%(noun)s低于%(place)s"
                "整体水平（%(reference)s）。"
            ),
            noun=noun,
            name=str(ranking.indicator.name),
            high=ranking.highest.association.name,
            high_value=_percent(code, ranking.highest.number),
            low=ranking.lowest.association.name,
            low_value=_percent(code, ranking.lowest.number),
            spread=f"{item.spread:.1f}",
            below=Figure(code, str(len(ranking.below))),
            place=place(scope),
            reference=_percent(code, ranking.reference),
        )
    progress = plan_against_actual(scope, year)
    missed = [a for a in progress.own if a.attained is False]
    if missed:
        listing = joined(
            [
                sentence(
                    _("%(name)s%(actual)s（目标%(target)s）"),
                    name=str(a.indicator.name),
                    actual=Figure(a.code, a.shown_actual),
                    target=a.shown_target.removeprefix("≥ "),
                )
                for a in missed
            ]
        )
        text += sentence(
            _("年度目标中有%(n)s项未完成：%(list)s。"), n=str(len(missed)), list=listing
        )
    behind = {unit.pk for unit, _a in progress.behind}
    if behind:
        text += sentence(_("%(n)s个%(noun)s有目标未完成。"), n=str(len(behind)), noun=noun)
    return text


def _goal(target: Target) -> list[Piece]:
    spec = INDICATORS[target.code]
    if spec.kind == Kind.RATE:
        value = f"{format_number(target.value.normalize(), grouped=False)}%"
    elif spec.kind == Kind.AMOUNT:
        value = f"{format_number(target.value, grouped=False)}{spec.unit}"
    else:
        value = f"{int(target.value)}{spec.unit}"
    return sentence(_("%(name)s达到%(value)s"), name=str(spec.name), value=Figure(spec.code, value))


def next_year(scope: Association, year: int) -> list[Piece]:
    """Next year's own plan (its tasks, one a line) and own targets; nothing without them."""
    coming = year + 1
    plan = WorkPlan.objects.filter(association=scope, year=coming).first()
    goals = [
        target
        for target in Target.objects.filter(association=scope, year=coming).order_by("code")
        if target.code in INDICATORS
    ]
    text: list[Piece] = []
    if plan is not None:
        text += sentence(
            _("根据%(title)s%(number)s，%(year)s年协会工作建议如下：\n"),
            title=f"《{plan.title}》",
            number=f"（{plan.document_number}）" if plan.document_number else "",
            year=str(coming),
        )
        tasks = [line.strip() for line in plan.tasks.splitlines() if line.strip()]
        for number, task in enumerate(tasks, start=1):
            text.append(f"{number}. {task}\n")
    if goals:
        text += sentence(
            _("%(year)s年主要目标：%(list)s。"),
            year=str(coming),
            list=joined([_goal(target) for target in goals]),
        )
    return text


PLAN_WRITERS = {"problems": problems, "next_year": next_year}
