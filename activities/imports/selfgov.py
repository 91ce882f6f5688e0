"""Spreadsheet kind: village self-governance (村民自治), one row a village and year."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy

from associations.models import Association
from associations.spreadsheets.cells import BoolCell, DateCell, IntegerCell, TextCell
from associations.spreadsheets.kinds import Column, Row, register

from .. import selectors, services
from ..models import SelfGovernance
from .shared import Records, association_column


@register
class SelfGovernanceRecords(Records):
    list_rows = staticmethod(selectors.selfgov_rows)
    kind = "selfgov"
    label = gettext_lazy("村民自治")
    narrow_by = ("year",)
    notes = (
        gettext_lazy("只登记村（居）协会。"),
        gettext_lazy(
            "制定章程填“否”时，章程日期和章程条款列留空即清除；已签户数不能多于应签户数。"
        ),
    )

    association = association_column()
    year = Column("年度", "year", IntegerCell(), key=True, example=2024)
    charter_adopted = Column("制定章程", "charter_adopted", BoolCell(), required=True, example="是")
    charter_adopted_on = Column(
        "章程日期",
        "charter_adopted_on",
        DateCell(),
        help=gettext_lazy("制定章程为“是”时必填。"),
        example="2023-03-15",
    )
    households_due = Column("应签户数", "households_due", IntegerCell(), example=420)
    households_signed = Column("已签户数", "households_signed", IntegerCell(), example=398)
    is_pilot = Column("试点村", "is_pilot", BoolCell(), example="否")
    benefits_one_child = Column(
        "独生子女户优惠条款",
        "benefits_one_child",
        BoolCell(),
        aliases=("章程含独生子女户优惠",),
        example="是",
    )
    rewards_second_birth_waiver = Column(
        "放弃二孩奖励条款",
        "rewards_second_birth_waiver",
        BoolCell(),
        aliases=("章程含放弃二孩奖励",),
    )
    subsidises_checkups = Column(
        "健康检查补助条款",
        "subsidises_checkups",
        BoolCell(),
        aliases=("章程含孕检/健康检查补助", "孕检补助条款"),
    )
    other_provisions = Column("其他条款", "other_provisions", TextCell())

    class Meta:
        model = SelfGovernance

    # A village without a charter has none of its details: a file leaving them empty clears them.
    NO_CHARTER: ClassVar[dict[str, Any]] = {
        **dict.fromkeys(SelfGovernance.PROVISIONS, False),
        "charter_adopted_on": None,
        "other_provisions": "",
    }

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            SelfGovernance.objects.within(scope)
            .select_related("association")
            .order_by("association__path", "year")
        )

    def create(self, row: Row) -> SelfGovernance:
        fields = self.given(row.values, services.SELFGOV_FIELDS)
        fields["association"] = self._association(row)
        return services.selfgov_create(by=self.by, **fields)

    def update(self, obj: SelfGovernance, row: Row, changed: dict[str, Any]) -> SelfGovernance:
        fields = self.given(changed, services.SELFGOV_FIELDS)
        if not fields.get("charter_adopted", obj.charter_adopted):
            for name, value in self.NO_CHARTER.items():
                if row.values.get(name) is None:
                    fields[name] = value
        return services.selfgov_update(by=self.by, selfgov=obj, **fields)
