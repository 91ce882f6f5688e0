"""Spreadsheet kind: events (活动), with the materials handed out as one column per kind."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy

from associations.models import Association
from associations.spreadsheets.cells import ChoiceCell, DateCell, DecimalCell, IntegerCell, TextCell
from associations.spreadsheets.kinds import Column, Row, register

from .. import selectors, services
from ..models import Event, EventType, MaterialKind
from .shared import Records, association_column

# What people write for the types, beyond the labels themselves.
EVENT_TYPE_ALIASES = {
    **dict.fromkeys(
        ("5·29", "5.29", "5•29", "529", "会员活动日", "5·29会员日", "5·29活动"),
        EventType.MEMBER_DAY,
    ),
    **dict.fromkeys(("9·25", "9.25", "9•25", "925", "9·25活动", "9·25纪念日"), EventType.SEPT_25),
    **dict.fromkeys(("母亲节", "母亲节活动"), EventType.MOTHERS_DAY),
    **dict.fromkeys(("培训班", "业务培训"), EventType.TRAINING),
    **dict.fromkeys(("健康讲座", "知识讲座"), EventType.LECTURE),
    **dict.fromkeys(("筛查", "查体", "体检", "健康筛查", "两癌筛查"), EventType.SCREENING),
    **dict.fromkeys(("宣传", "集中宣传", "宣传服务"), EventType.PUBLICITY),
    **dict.fromkeys(("展出", "图片展"), EventType.EXHIBITION),
    **dict.fromkeys(("会员代表大会", "代表大会", "理事会", "理事会议"), EventType.CONGRESS),
    **dict.fromkeys(("现场推进会",), EventType.SITE_MEETING),
    **dict.fromkeys(("防疫", "应急", "疫情防控", "抗疫"), EventType.EMERGENCY),
    **dict.fromkeys(("慰问", "走访"), EventType.CONDOLENCE),
}


class MaterialColumn(Column):
    """One kind of material handed out at an event: its quantity, or empty for none."""

    def __init__(self, header: str, kind: str, **kwargs: Any) -> None:
        super().__init__(header, f"material_{kind}", IntegerCell(), **kwargs)
        self.material = kind

    def get_value(self, instance: Event) -> int | None:
        for material in instance.materials.all():  # prefetched: no query per row
            if material.kind == self.material:
                return material.quantity
        return None


@register
class EventRecords(Records):
    list_rows = staticmethod(selectors.event_rows)
    kind = "events"
    label = gettext_lazy("活动")
    narrow_by = ("started_on",)
    notes = (
        gettext_lazy(
            "类型可填：5·29（或 529、会员活动日）、9·25、母亲节、培训、讲座、健康检查"
            "（筛查、查体）、宣传、展览、会员代表大会（理事会）、现场会、应急防疫（防疫、应急）、"
            "走访慰问（慰问、走访）、其他。"
        ),
        gettext_lazy(
            "发放资料每类一列（宣传单、宣传册、公开信、横幅、墙报、展板、避孕药具、其他资料），"
            "填数量；填 0 表示没有发放该类资料。"
        ),
        gettext_lazy("协办单位和参加会员不通过导入填写，请在活动页面上填写。"),
    )

    association = association_column()
    event_type = Column(
        "类型",
        "type",
        ChoiceCell(EventType.choices, EVENT_TYPE_ALIASES),
        key=True,
        example="5·29会员活动日",
    )
    title = Column(
        "标题", "title", TextCell(max_length=200), key=True, example="5·29会员活动日宣传服务"
    )
    started_on = Column("开始日期", "started_on", DateCell(), key=True, example="2024-05-29")
    ended_on = Column("结束日期", "ended_on", DateCell(), help=gettext_lazy("一天的活动可留空。"))
    participants = Column("参与人数", "participants", IntegerCell(), example=120)
    cost = Column("费用", "cost", DecimalCell(), aliases=("费用（元）",), example=5000)
    place = Column("地点", "place", TextCell(max_length=200), example="村文化礼堂")
    screened = Column("检查人数", "screened", IntegerCell(), help=gettext_lazy("健康检查填写。"))
    cases_found = Column(
        "查出病例数", "cases_found", IntegerCell(), help=gettext_lazy("不能多于检查人数。")
    )
    training_sessions = Column("培训期数", "training_sessions", IntegerCell())
    training_days = Column("培训天数", "training_days", DecimalCell(places=1))
    trainees = Column("培训人数", "trainees", IntegerCell())
    m_leaflet = MaterialColumn("宣传单", MaterialKind.LEAFLET, example=500)
    m_booklet = MaterialColumn("宣传册", MaterialKind.BOOKLET)
    m_letter = MaterialColumn("公开信", MaterialKind.LETTER)
    m_banner = MaterialColumn("横幅", MaterialKind.BANNER, example=2)
    m_wall_board = MaterialColumn(
        "墙报", MaterialKind.WALL_BOARD, aliases=("黑板报", "墙报/黑板报", "墙报黑板报")
    )
    m_exhibition_board = MaterialColumn("展板", MaterialKind.EXHIBITION_BOARD)
    m_contraceptive = MaterialColumn("避孕药具", MaterialKind.CONTRACEPTIVE)
    m_other = MaterialColumn("其他资料", MaterialKind.OTHER)
    description = Column("内容摘要", "description", TextCell())

    class Meta:
        model = Event

    def material_columns(self) -> dict[str, MaterialColumn]:
        return {n: c for n, c in self.columns() if isinstance(c, MaterialColumn)}

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            Event.objects.within(scope)
            .select_related("association")
            .prefetch_related("materials")
            .order_by("association__path", "started_on", "id")
        )

    def filter_export(self, queryset: models.QuerySet, **kwargs: Any) -> models.QuerySet:
        return super().filter_export(queryset, **kwargs).prefetch_related("materials")

    def stored(self) -> models.QuerySet:
        return super().stored().prefetch_related("materials")

    def current(self, obj: Event, name: str) -> Any:
        value = super().current(obj, name)
        if value is None and name in self.material_columns():
            return 0  # none handed out: a 0 in the file is no change
        return value

    def _materials(self, row: Row, obj: Event | None) -> dict[str, int] | None:
        columns = self.material_columns()
        given = {c.material: row.values[n] for n, c in columns.items() if row.get(n) is not None}
        if obj is None:
            return given
        if not given:
            return None  # leave the stored materials alone
        stored = {m.kind: m.quantity for m in obj.materials.all()}
        return {**stored, **given}

    def create(self, row: Row) -> Event:
        fields = self.given(row.values, services.EVENT_FIELDS)
        fields["association"] = self._association(row)
        return services.event_create(by=self.by, materials=self._materials(row, None), **fields)

    def update(self, obj: Event, row: Row, changed: dict[str, Any]) -> Event:
        fields = self.given(changed, services.EVENT_FIELDS)
        materials = self._materials(row, obj)
        return services.event_update(by=self.by, event=obj, materials=materials, **fields)
