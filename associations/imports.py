"""Spreadsheet kind: the association network (协会)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Association, Level
from .spreadsheets.cells import ChoiceCell, CodeCell, DateCell, IntegerCell, TextCell
from .spreadsheets.kinds import Column, Lookup, RecordResource, Row, register

# What people write for a level, beyond the labels themselves (县（区）, 镇乡（街道）, …).
LEVEL_ALIASES = {
    "省级": Level.PROVINCE,
    "市级": Level.CITY,
    "地级市": Level.CITY,
    "县": Level.COUNTY,
    "区": Level.COUNTY,
    "县级": Level.COUNTY,
    "区县": Level.COUNTY,
    "县级市": Level.COUNTY,
    "镇": Level.TOWN,
    "乡": Level.TOWN,
    "乡镇": Level.TOWN,
    "街道": Level.TOWN,
    "镇街": Level.TOWN,
    "责任区分会": Level.BRANCH,
    "村级": Level.VILLAGE,
    "行政村": Level.VILLAGE,
    "居": Level.COMMUNITY,
    "社区": Level.COMMUNITY,
    "居委会": Level.COMMUNITY,
    "企业": Level.ENTERPRISE,
    "事业单位": Level.ENTERPRISE,
    "企事业": Level.ENTERPRISE,
    "流动人口协会": Level.FLOATING,
}
LEVEL_SHOWN = [
    *("省", "市", "县", "区", "镇", "乡", "街道", "分会"),
    *("村", "居", "社区", "企业", "流动人口"),
]


@register
class AssociationRecords(RecordResource):
    kind = "associations"
    label = _("协会")
    notes = (
        _("上级协会须已存在，或在本文件中写在前面的行里（导出文件已按此排列）。"),
        _("撤销日期只能填写，不能通过导入清除；修改上级编码即把协会连同其下级移到新的上级之下。"),
    )
    error_fields = {"path": "code"}

    code = Column("编码", "code", CodeCell(max_length=20), key=True, example="330703101201")
    name = Column("名称", "name", TextCell(max_length=100), required=True, example="某村计生协")
    level = Column(
        "级别",
        "level",
        ChoiceCell(Level.choices, LEVEL_ALIASES, shown=LEVEL_SHOWN),
        required=True,
        example="村",
    )
    parent = Column(
        "上级编码",
        "parent__code",
        CodeCell(max_length=20),
        help=_("上级协会的编码；只有最高一级协会留空。"),
        example="330703101",
    )
    founded_on = Column("成立日期", "founded_on", DateCell(), example="1995-05-29")
    population = Column("人口数", "population", IntegerCell(), example=1200)
    address = Column("地址", "address", TextCell(max_length=200), example="")
    dissolved_on = Column(
        "撤销日期", "dissolved_on", DateCell(), help=_("已撤销或合并的协会才填写。")
    )

    class Meta:
        model = Association

    def __init__(self, by=None, **kwargs: Any) -> None:
        super().__init__(by=by, **kwargs)
        self.associations = Lookup(Association.objects.all(), "code", self.within)

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return Association.objects.within(scope).select_related("parent").order_by("path")

    def prepare(self, rows: list[Row]) -> None:
        self.associations.prefetch(row.values.get("parent") for row in rows)

    def _parent(self, row: Row) -> Association | None:
        code = row.values.get("parent")
        return self.associations.get(code, "parent", _("上级协会")) if code else None

    def create(self, row: Row) -> Association:
        association = services.association_create(
            by=self.by, parent=self._parent(row), **row.given(services.ASSOCIATION_FIELDS)
        )
        if row.get("dissolved_on"):
            services.association_dissolve(
                by=self.by, association=association, dissolved_on=row.values["dissolved_on"]
            )
        self.associations.remember(association)
        return association

    def update(self, obj: Association, row: Row, changed: dict[str, Any]) -> Association:
        if "parent" in changed:
            services.association_move(by=self.by, association=obj, new_parent=self._parent(row))
            self.associations.forget()  # paths under the moved association changed
        edits = {name: changed[name] for name in services.ASSOCIATION_FIELDS if name in changed}
        if edits:
            services.association_update(by=self.by, association=obj, **edits)
        if "dissolved_on" in changed:
            services.association_dissolve(
                by=self.by, association=obj, dissolved_on=changed["dissolved_on"]
            )
        return obj
