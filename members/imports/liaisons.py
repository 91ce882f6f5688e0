"""Spreadsheet kind: member liaison households (会员联系户)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import Association
from associations.spreadsheets.cells import ChoiceCell, CodeCell, DateCell, TextCell
from associations.spreadsheets.kinds import Column, RecordResource, Row, RowError, register

from .. import idcard, services
from ..models import LiaisonKind, LiaisonPair
from .cells import ContractCell, KeyedByMemberId, People, given, member_id_column


@register
class LiaisonRecords(KeyedByMemberId, RecordResource):
    kind = "liaisons"
    label = gettext_lazy("会员联系户")
    notes = (gettext_lazy("已有的联系关系可以通过导入修改联系类型、签订合同和填写结束日期。"),)

    member = member_id_column(idcard.make("330703", dt.date(1985, 3, 8), 22))
    household = Column(
        "户编码", "household__code", CodeCell(max_length=30), key=True, example="3307031012010001"
    )
    started_on = Column("开始日期", "started_on", DateCell(), key=True, example="2024-03-01")
    ended_on = Column("结束日期", "ended_on", DateCell())
    contract_signed_on = Column("签订合同", "contract_signed_on", ContractCell(), example="是")
    kind_ = Column("联系类型", "kind", ChoiceCell(LiaisonKind.choices), example="帮扶")
    member_name = Column("会员姓名", "member__name", TextCell(), readonly=True)
    head_name = Column("户主姓名", "household__head_name", TextCell(), readonly=True)

    class Meta:
        model = LiaisonPair

    def __init__(self, by=None, **kwargs: Any) -> None:
        super().__init__(by=by, **kwargs)
        self.people = People(self.within)

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            LiaisonPair.objects.within(scope)
            .select_related("member", "household")
            .order_by("household__association__path", "household__code", "started_on", "id")
        )

    def prepare(self, rows: list[Row]) -> None:
        self.people.members.prefetch(row.values.get("member") for row in rows)
        self.people.households.prefetch(row.values.get("household") for row in rows)

    def changes(self, obj: LiaisonPair, row: Row) -> dict[str, Any]:
        changed = super().changes(obj, row)
        contract = changed.get("contract_signed_on")
        # 是/否 agrees with a stored date / no date: not a change.
        if isinstance(contract, bool) and contract == (obj.contract_signed_on is not None):
            del changed["contract_signed_on"]
        return changed

    def create(self, row: Row) -> LiaisonPair:
        fields = given(row.values, services.LIAISON_FIELDS)
        if fields.get("contract_signed_on") is True:  # 是 without a date: signed when it began
            fields["contract_signed_on"] = fields["started_on"]
        elif fields.get("contract_signed_on") is False:
            del fields["contract_signed_on"]
        household = self.people.households.get(row.values["household"], "household", _("户"))
        member = self.people.member(row)
        return services.liaison_pair(by=self.by, member=member, household=household, **fields)

    def update(self, obj: LiaisonPair, row: Row, changed: dict[str, Any]) -> LiaisonPair:
        details = given(changed, services.LIAISON_DETAILS)
        contract = details.get("contract_signed_on")
        if isinstance(contract, bool):  # 是 without a date: signed when the pair began
            details["contract_signed_on"] = (
                (obj.contract_signed_on or obj.started_on) if contract else None
            )
        if details:
            services.liaison_update(by=self.by, pair=obj, **details)
        if "ended_on" in changed:
            if obj.ended_on is not None:
                raise RowError("ended_on", _("该联系关系已结束，结束日期不能通过导入修改。"))
            services.liaison_end(by=self.by, pair=obj, ended_on=changed["ended_on"])
        return obj
