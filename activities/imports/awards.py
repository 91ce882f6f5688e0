"""Spreadsheet kind: awards (表彰) to an association, a member group, a member, a household
or a named person outside the member register."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping
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
from members.models import Household, Member, MemberGroup

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
            "获奖对象为协会时只填“获奖协会编码”；为会员小组、会员、家庭或名册外的个人时，"
            "“获奖会员小组”“获奖会员身份证号”“获奖户编码”“获奖个人姓名”四项只填一项。"
            "会员小组、会员或家庭的获奖协会编码可留空，填写的须是其所在协会；"
            "名册外的个人须填写获奖协会编码。"
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
    member_group = Column(
        "获奖会员小组",
        "member_group__name",
        TextCell(max_length=60),
        help=gettext_lazy("获奖协会下会员小组的名称；获奖协会编码留空时，名称须在管辖范围内唯一。"),
    )
    person_name = Column(
        "获奖个人姓名",
        "person_name",
        TextCell(max_length=40),
        help=gettext_lazy("获奖个人不在会员名册中时（如协会秘书长、干部、志愿者）填写。"),
    )
    recipient = Column("获奖对象", "association__name", TextCell(), readonly=True)

    class Meta:
        model = Award

    # The awardees below the association (at most one), then the association itself.
    AWARDEES = ("member", "household", "member_group", "person_name")
    RECIPIENTS = (*AWARDEES, "association")

    def __init__(self, by=None, **kwargs: Any) -> None:
        super().__init__(by=by, **kwargs)
        self.members = MemberLookup(Member.objects.select_related("association"), self.within)
        self.households = Lookup(
            Household.objects.select_related("association"), "code", self.within
        )
        # Member groups in the importer's scope by name (names repeat across villages).
        self.groups: dict[str, list[MemberGroup]] = {}
        self.identities: dict[tuple, int] = {}

    def key_names(self) -> list[str]:
        # The recipient is one of several columns, so none of them can be a required key column.
        return ["year", "title", "awarding_body", "association", *self.AWARDEES]

    def recipient_of(self, values: Mapping[str, Any]) -> tuple[str, Any]:
        """Who a row (or a stored award, in the same shape) names: a group by its pk when
        the row's group is found, a named person under their association's code."""
        for name in self.RECIPIENTS:
            value = values.get(name)
            if value is None:
                continue
            if name == "member_group" and not isinstance(value, int):
                with contextlib.suppress(RowError):  # reported by `check`
                    value = self._group(value, values.get("association")).pk
            elif name == "person_name":
                value = (values.get("association"), value)
            return (name, value)
        return ("", None)

    def row_identity(self, row: Row) -> tuple:
        values = row.values
        return (values["year"], values["title"], values["awarding_body"], self.recipient_of(values))

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            Award.objects.within(scope)
            .select_related("association", "member", "household", "member_group")
            .order_by("association__path", "year", "id")
        )

    def dehydrate_recipient(self, obj: Award) -> str:
        if obj.member_id:
            return obj.member.name
        if obj.household_id:
            return obj.household.head_name
        if obj.member_group_id:
            return obj.member_group.name
        return obj.person_name or obj.association.name

    def prepare(self, rows: list[Row]) -> None:
        super().prepare(rows)
        self.members.prefetch(row.values.get("member") for row in rows)
        self.households.prefetch(row.values.get("household") for row in rows)
        self._fetch_groups(row.values.get("member_group") for row in rows)

    def _fetch_groups(self, names: Iterable[str | None]) -> None:
        missing = set(names) - {None, *self.groups}
        if not missing:
            return
        groups = MemberGroup.objects.filter(name__in=missing).select_related("association")
        if self.within is not None:
            groups = groups.within(self.within)
        for name in missing:
            self.groups[name] = []
        for group in groups.order_by("association__path"):
            self.groups[group.name].append(group)

    def existing(self, rows: list[Row]) -> dict[tuple, models.Model]:
        years, titles = wanted(rows, "year"), wanted(rows, "title")
        if not years:
            return {}
        stored = annotated(
            Award.objects.select_related("association", "member", "household", "member_group")
        )
        index = {}
        for award in stored.filter(year__in=years, title__in=titles):
            recipient = self.recipient_of(
                {
                    "member": award.member.id_number if award.member_id else None,
                    "household": award.household.code if award.household_id else None,
                    "member_group": award.member_group_id,
                    "person_name": award.person_name or None,
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
            row.error(
                "association",
                _(
                    "请填写获奖协会编码、获奖会员小组、获奖会员身份证号、获奖户编码或获奖个人姓名之一。"
                ),
            )
            return
        named = [name for name in self.AWARDEES if values.get(name)]
        if len(named) > 1:
            message = _("获奖对象只能是协会、会员小组、会员、家庭或个人中的一个。")
            for name in named[1:]:
                row.error(name, message)
            return
        if named == ["person_name"] and not values.get("association"):
            row.error("association", _("获奖个人不在会员名册中时，须填写其所在的获奖协会编码。"))
            return
        first = self.identities.setdefault(self.row_identity(row), row.number)
        if first != row.number:
            row.error("title", _("与第 %(row)s 行重复。") % {"row": first})
            return
        self._recipient(row)  # unknown codes, people outside the scope, a wrong association

    def _group(self, name: str, code: str | None) -> MemberGroup:
        """The group named `name` in the importer's scope, under the association `code` if
        given: not found, or found in several associations, is the group cell's error."""
        self._fetch_groups([name])
        found = [g for g in self.groups[name] if code is None or g.association.code == code]
        if not found:
            where = _("协会“%(code)s”下") % {"code": code} if code else _("您的管辖范围内")
            raise RowError(
                "member_group",
                _("%(where)s没有名为“%(name)s”的会员小组。") % {"where": where, "name": name},
            )
        if len(found) > 1:
            raise RowError(
                "member_group",
                _(
                    "有 %(n)s 个协会都有名为“%(name)s”的会员小组（%(associations)s），"
                    "请填写获奖协会编码。"
                )
                % {
                    "n": len(found),
                    "name": name,
                    "associations": "、".join(g.association.name for g in found),
                },
            )
        return found[0]

    def _recipient(self, row: Row) -> dict[str, Any]:
        values = row.values
        below = None
        if values.get("member"):
            below = {"member": self.members.get(values["member"], "member", _("会员"))}
        elif values.get("household"):
            below = {"household": self.households.get(values["household"], "household", _("户"))}
        elif values.get("member_group"):
            below = {"member_group": self._group(values["member_group"], values.get("association"))}
        elif values.get("person_name"):
            return {"association": self._association(row), "person_name": values["person_name"]}
        if below is None:
            return {"association": self._association(row)}
        home = next(iter(below.values())).association
        if values.get("association") and values["association"] != home.code:
            raise RowError(
                "association",
                _("获奖协会编码应为获奖对象所在协会“%(name)s”（%(code)s），或留空。")
                % {"name": home.name, "code": home.code},
            )
        return below

    def create(self, row: Row) -> Award:
        fields = self.given(row.values, services.AWARD_FIELDS)
        return services.award_grant(by=self.by, **fields, **self._recipient(row))

    def update(self, obj: Award, row: Row, changed: dict[str, Any]) -> Award:
        # Only 级别 changes: the other columns are the key.
        fields = self.given(changed, services.AWARD_FIELDS)
        return services.award_update(by=self.by, award=obj, **fields)
