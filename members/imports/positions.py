"""Spreadsheet kind: officers' posts (理事职务)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import Association
from associations.spreadsheets.cells import (
    BoolCell,
    ChoiceCell,
    CodeCell,
    DateCell,
    DecimalCell,
    IntegerCell,
    TextCell,
)
from associations.spreadsheets.kinds import Column, RecordResource, Row, register

from .. import idcard, services
from ..models import CadreRank, OfficerBackground, OfficerPosition, OfficerTitle
from .cells import KeyedByMemberId, People, given, member_id_column

BACKGROUND_ALIASES = {
    "退休干部": OfficerBackground.RETIRED_CADRE,
    "老干部": OfficerBackground.RETIRED_CADRE,
    "退休教师": OfficerBackground.RETIRED_TEACHER,
    "退二线": OfficerBackground.STEPPED_BACK,
    "在职": OfficerBackground.SERVING_CADRE,
}
RANK_ALIASES = {
    "正处": CadreRank.DIVISION,
    "副处": CadreRank.DEPUTY_DIVISION,
    "正科": CadreRank.SECTION,
    "副科": CadreRank.DEPUTY_SECTION,
}
TITLE_ALIASES = {"常务理事会员": OfficerTitle.STANDING_COUNCIL}


@register
class PositionRecords(KeyedByMemberId, RecordResource):
    kind = "positions"
    label = gettext_lazy("理事职务")
    notes = (gettext_lazy("已有的任职可以通过导入修改届次、专职、背景、职级、月津贴和结束日期。"),)

    member = member_id_column(idcard.make("330703", dt.date(1960, 7, 1), 31))
    association = Column(
        "协会编码", "association__code", CodeCell(max_length=20), key=True, example="330703101201"
    )
    title = Column(
        "职务", "title", ChoiceCell(OfficerTitle.choices, TITLE_ALIASES), key=True, example="会长"
    )
    started_on = Column("开始日期", "started_on", DateCell(), key=True, example="2021-06-01")
    ended_on = Column("结束日期", "ended_on", DateCell())
    is_fulltime = Column("专职", "is_fulltime", BoolCell(), example="否")
    background = Column(
        "背景",
        "background",
        ChoiceCell(OfficerBackground.choices, BACKGROUND_ALIASES),
        example="退休老干部",
    )
    cadre_rank = Column(
        "职级", "cadre_rank", ChoiceCell(CadreRank.choices, RANK_ALIASES), example="无"
    )
    monthly_allowance = Column("月津贴", "monthly_allowance", DecimalCell(), example=60)
    term = Column("届次", "term", IntegerCell(min_value=1), example=3)
    member_name = Column("会员姓名", "member__name", TextCell(), readonly=True)

    class Meta:
        model = OfficerPosition

    def __init__(self, by=None, **kwargs: Any) -> None:
        super().__init__(by=by, **kwargs)
        self.people = People(self.within)

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            OfficerPosition.objects.within(scope)
            .select_related("member", "association")
            .order_by("association__path", "started_on", "id")
        )

    def prepare(self, rows: list[Row]) -> None:
        self.people.members.prefetch(row.values.get("member") for row in rows)
        self.people.associations.prefetch(row.values.get("association") for row in rows)

    def create(self, row: Row) -> OfficerPosition:
        code = row.values["association"]
        association = self.people.associations.get(code, "association", _("协会"))
        return services.position_assign(
            by=self.by,
            member=self.people.member(row),
            association=association,
            **given(row.values, services.POSITION_FIELDS),
        )

    def update(self, obj: OfficerPosition, row: Row, changed: dict[str, Any]) -> OfficerPosition:
        details = given(changed, services.POSITION_DETAILS)
        if details:
            services.position_update(by=self.by, position=obj, **details)
        if "ended_on" in changed:
            services.position_end(by=self.by, position=obj, ended_on=changed["ended_on"])
        return obj
