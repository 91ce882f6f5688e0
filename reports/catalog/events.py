"""活动开展: events that started in the year, by their organiser, and materials handed out."""

from __future__ import annotations

from typing import Any

from django.db.models import ExpressionWrapper, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from activities.models import Event, EventMaterial, EventType, MaterialKind
from associations.models import live
from associations.years import dated_in

from .engine import (
    QUANTITY_OUTPUT,
    Aggregate,
    Kind,
    Text,
    count,
    fmt,
    join,
    money,
    quantity,
    rate,
    source,
    total,
)

events = source(lambda year: Event.objects.during(year), "association__path", section="events")

_EVENTS = _("开始日期在当年的活动")
_BY_ORGANISER = _("按主办协会计入范围，协办不计。")


def _sum(name: str, kind: Kind, condition: Q | None = None) -> Aggregate:
    return lambda year: money(name, condition) if kind == Kind.AMOUNT else total(name, condition)


def _type_name(event_type: EventType, template: Text, other: Text) -> Text:
    return other if event_type == EventType.OTHER else fmt(template, type=event_type.label)


events.indicator(
    "events.total",
    _("活动次数"),
    join(_EVENTS, _("的次数。"), _BY_ORGANISER),
    _("次"),
    value=lambda year: count(),
)
for _type in EventType:
    events.indicator(
        f"events.{_type.value}",
        _type_name(_type, _("%(type)s次数"), _("其他活动次数")),
        join(_EVENTS, fmt(_("中类型为“%(type)s”的次数。"), type=_type.label), _BY_ORGANISER),
        _("次"),
        value=lambda year, kind=_type: count("id", Q(type=kind)),
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
    events.indicator(
        f"events.{_field}",
        _name,
        join(_EVENTS, fmt(_("的“%(field)s”之和（未填的按0计）。"), field=_label), _BY_ORGANISER),
        _unit,
        kind=_kind,
        value=_sum(_field, _kind),
    )
# "分三期，每期二天": an event records its sessions and the days of each session.
_DAYS = ExpressionWrapper(
    Coalesce(F("training_sessions"), Value(1)) * F("training_days"), output_field=QUANTITY_OUTPUT
)
events.indicator(
    "events.training_days",
    _("培训天数"),
    join(
        _EVENTS,
        _(
            "中填了“培训天数”（每期天数）的，各活动“培训期数”（未填按1期）× 每期天数之和："
            "分三期、每期二天的培训计6天。"
        ),
        _BY_ORGANISER,
    ),
    _("天"),
    kind=Kind.QUANTITY,
    value=lambda year: quantity(_DAYS, Q(training_days__isnull=False)),
)
rate(
    "rate.cases_found",
    _("健康检查病例检出率"),
    _("当年活动查出病例数 ÷ 当年活动健康检查人次。"),
    "events",
    "events.cases_found",
    "events.screened",
)
# Participants and cost of each type of event (the year at a glance lists them).
EVENT_TYPE_NAMES: dict[str, tuple[Any, Any]] = {
    "participants": (_("%(type)s参与人次"), _("其他活动参与人次")),
    "cost": (_("%(type)s费用"), _("其他活动费用")),
}
for _type in EventType:
    for _field, (_template, _other) in EVENT_TYPE_NAMES.items():
        _name, _label, _unit, _kind = EVENT_TOTALS[_field]
        events.indicator(
            f"events.{_field}.{_type.value}",
            _type_name(_type, _template, _other),
            join(
                _EVENTS,
                fmt(
                    _("中类型为“%(type)s”的活动的“%(field)s”之和（未填的按0计）。"),
                    type=_type.label,
                    field=_label,
                ),
                _BY_ORGANISER,
            ),
            _unit,
            kind=_kind,
            value=_sum(_field, _kind, Q(type=_type)),
        )

materials = source(
    lambda year: EventMaterial.objects.filter(dated_in("event__started_on", year), live("event")),
    "event__association__path",
    section="events",
)
# The measure word each kind is counted in, as reports write them: 宣传单5万余份, 宣传册,
# 慰问信4400余封, 标语8000多条, 板报墙报150多期, 图板34块.
MATERIAL_UNITS: dict[MaterialKind, Text] = {
    MaterialKind.LEAFLET: _("份"),
    MaterialKind.BOOKLET: _("本"),
    MaterialKind.LETTER: _("封"),
    MaterialKind.BANNER: _("条"),
    MaterialKind.WALL_BOARD: _("期"),
    MaterialKind.EXHIBITION_BOARD: _("块"),
    MaterialKind.CONTRACEPTIVE: _("份"),
    MaterialKind.OTHER: _("件"),
}
materials.indicator(
    "events.materials",
    _("发放宣传品数"),
    join(
        _EVENTS,
        _(
            "登记的发放数量之和（各类合计；份、本、封、条、期、块等不同计量单位直接相加，"
            "统称“件”）。"
        ),
        _BY_ORGANISER,
    ),
    _("件"),
    value=lambda year: total("quantity"),
)
for _material in MaterialKind:
    materials.indicator(
        f"events.materials.{_material.value}",
        _("发放其他资料数")
        if _material == MaterialKind.OTHER
        else fmt(_("发放%(kind)s数"), kind=_material.label),
        join(
            _EVENTS,
            fmt(
                _("登记的“%(kind)s”发放数量之和，以“%(unit)s”计。"),
                kind=_material.label,
                unit=MATERIAL_UNITS[_material],
            ),
            _BY_ORGANISER,
        ),
        MATERIAL_UNITS[_material],
        value=lambda year, kind=_material: total("quantity", Q(kind=kind)),
    )
