"""Spreadsheet kind: awards (表彰) to an association, a member or a household."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import Association
from associations.spreadsheets.cells import ChoiceCell, CodeCell, IntegerCell, TextCell
from associations.spreadsheets.kinds import Column, Lookup, Row, RowError, register
from members import idcard
from members.imports import IdNumberCell
from members.imports.cells import MemberLookup
from members.models import Household, Member

from .. import selectors, services
from ..models import Award, AwardLevel
from .shared import ASSOCIATION_EXAMPLE, Records, annotated, wanted

# What people write for the levels, beyond the labels themselves.
AWARD_LEVEL_ALIASES = {
    **dict.fromkeys(("国家", "全国", "全国级", "中国计生协"), AwardLevel.NATIONAL),
    **dict.fromkeys(("省", "省计生协"), AwardLevel.PROVINCIAL),
    **dict.fromkeys(("市", "地市级", "市计生协"), AwardLevel.CITY),
    **dict.fromkeys(
        ("县", "区", "县级", "区级", "县区级", "县计生协", "区计生协"), AwardLevel.COUNTY
    ),
    **dict.fromkeys(("镇", "乡", "街道", "镇级", "乡级", "乡镇级", "街道级"), AwardLevel.TOWN),
}


@register
class AwardRecords(Records):
    list_rows = staticmethod(selectors.award_rows)
    kind = "awards"
    label = gettext_lazy("表彰")
    notes = (
        gettext_lazy(
            "获奖对象填“获奖协会编码”“获奖会员身份证号”“获奖户编码”之一；"
            "获奖对象是会员或家庭时，获奖协会编码可留空，填写的须是其所在协会。"
        ),
        gettext_lazy("按“年度、称号、授予单位、获奖对象”识别同一表彰；获奖对象不能通过导入修改。"),
    )

    year = Column("年度", "year", IntegerCell(), key=True, example=2024)
    level = Column(
        "级别",
        "level",
        ChoiceCell(AwardLevel.choices, AWARD_LEVEL_ALIASES),
        required=True,
        example="市级",
    )
    title = Column("称号", "title", TextCell(max_length=100), key=True, example="先进集体")
    awarding_body = Column(
        "授予单位", "awarding_body", TextCell(max_length=100), key=True, example="市计生协"
    )
    association = Column(
        "获奖协会编码",
        "association__code",
        CodeCell(max_length=20),
        aliases=("协会编码",),
        example=ASSOCIATION_EXAMPLE,
    )
    member = Column(
        "获奖会员身份证号",
        "member__id_number",
        IdNumberCell(),
        personal=True,
        aliases=("会员身份证号",),
        help=gettext_lazy("无权查看个人信息的账号导出时打码，打码的文件不能再导入。"),
        example=idcard.make("330703", dt.date(1975, 4, 12), 36),
    )
    household = Column("获奖户编码", "household__code", CodeCell(max_length=30))
    recipient = Column("获奖对象", "association__name", TextCell(), readonly=True)

    class Meta:
        model = Award

    RECIPIENTS = ("member", "household", "association")

    def __init__(self, by=None, **kwargs: Any) -> None:
        super().__init__(by=by, **kwargs)
        self.members = MemberLookup(Member.objects.select_related("association"), self.within)
        self.households = Lookup(
            Household.objects.select_related("association"), "code", self.within
        )
        self.identities: dict[tuple, int] = {}

    def key_names(self) -> list[str]:
        # The recipient is one of three columns, so none of them can be a required key column.
        return ["year", "title", "awarding_body", "association", "member", "household"]

    @staticmethod
    def recipient_of(values: Mapping[str, Any]) -> tuple[str, Any]:
        for name in AwardRecords.RECIPIENTS:
            if values.get(name) is not None:
                return (name, values[name])
        return ("", None)

    def row_identity(self, row: Row) -> tuple:
        values = row.values
        return (values["year"], values["title"], values["awarding_body"], self.recipient_of(values))

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            Award.objects.within(scope)
            .select_related("association", "member", "household")
            .order_by("association__path", "year", "id")
        )

    def dehydrate_recipient(self, obj: Award) -> str:
        if obj.member_id:
            return obj.member.name
        if obj.household_id:
            return obj.household.head_name
        return obj.association.name

    def prepare(self, rows: list[Row]) -> None:
        super().prepare(rows)
        self.members.prefetch(row.values.get("member") for row in rows)
        self.households.prefetch(row.values.get("household") for row in rows)

    def existing(self, rows: list[Row]) -> dict[tuple, models.Model]:
        years, titles = wanted(rows, "year"), wanted(rows, "title")
        if not years:
            return {}
        stored = annotated(Award.objects.select_related("association", "member", "household"))
        index = {}
        for award in stored.filter(year__in=years, title__in=titles):
            recipient = self.recipient_of(
                {
                    "member": award.member.id_number if award.member_id else None,
                    "household": award.household.code if award.household_id else None,
                    "association": award.association.code,
                }
            )
            index[(award.year, award.title, award.awarding_body, recipient)] = award
        names = self.key_names()
        found = {}
        for row in rows:
            award = index.get(self.row_identity(row))
            if award is not None:
                found[tuple(row.values.get(n) for n in names)] = award
        return found

    def check(self, row: Row, obj: Award | None) -> None:
        values = row.values
        if not any(values.get(name) for name in self.RECIPIENTS):
            row.error("association", _("请填写获奖协会编码、获奖会员身份证号或获奖户编码之一。"))
            return
        if values.get("member") and values.get("household"):
            row.error("household", _("获奖对象只能是协会、会员或家庭中的一个。"))
            return
        first = self.identities.setdefault(self.row_identity(row), row.number)
        if first != row.number:
            row.error("title", _("与第 %(row)s 行重复。") % {"row": first})
            return
        self._recipient(row)  # unknown codes, people outside the scope, a wrong association

    def _recipient(self, row: Row) -> dict[str, Any]:
        values = row.values
        person = None
        if values.get("member"):
            person = {"member": self.members.get(values["member"], "member", _("会员"))}
        elif values.get("household"):
            person = {"household": self.households.get(values["household"], "household", _("户"))}
        if person is None:
            return {"association": self._association(row)}
        home = next(iter(person.values())).association
        if values.get("association") and values["association"] != home.code:
            raise RowError(
                "association",
                _("获奖协会编码应为获奖对象所在协会“%(name)s”（%(code)s），或留空。")
                % {"name": home.name, "code": home.code},
            )
        return person

    def create(self, row: Row) -> Award:
        fields = self.given(row.values, services.AWARD_FIELDS)
        return services.award_grant(by=self.by, **fields, **self._recipient(row))

    def update(self, obj: Award, row: Row, changed: dict[str, Any]) -> Award:
        # Only 级别 changes: the other columns are the key.
        fields = self.given(changed, services.AWARD_FIELDS)
        return services.award_update(by=self.by, award=obj, **fields)
