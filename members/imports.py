"""Spreadsheet kinds: members, households, liaison pairs and officer positions.

Every write goes through members.services; the engine (associations.spreadsheets)
does the reading, matching, all-or-nothing and scope checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import Association
from associations.spreadsheets.cells import (
    BoolCell,
    Cell,
    ChoiceCell,
    CodeCell,
    DateCell,
    DecimalCell,
    IntegerCell,
    MultiChoiceCell,
    TextCell,
    plain_text,
    simplified,
)
from associations.spreadsheets.kinds import Column, Lookup, RecordResource, Row, RowError, register

from . import idcard, phone, services
from .models import (
    HOUSEHOLD_CATEGORIES,
    CadreRank,
    Education,
    Gender,
    Household,
    LeaveReason,
    LiaisonKind,
    LiaisonPair,
    Member,
    MemberGroup,
    MemberStatus,
    OfficerBackground,
    OfficerPosition,
    OfficerTitle,
    PoliticalStatus,
    Registration,
)

# ── cells particular to people ───────────────────────────────────────────────


class IdNumberCell(Cell):
    """A resident ID number; masked copies (330***********1234) are refused, not imported."""

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValidationError(
                _(
                    "身份证号被 Excel 存成了数字，末几位可能已丢失；"
                    "请把该列设为“文本”格式后重新填写。"
                )
            )
        number = idcard.normalise(plain_text(value))
        if not number:
            return None
        if "*" in number:
            raise ValidationError(
                _(
                    "身份证号已打码（含 *），不能用于导入；"
                    "请由有权查看个人信息的账号导出完整身份证号后再导入。"
                )
            )
        return idcard.validate_id_number(number)

    def mask(self, value: Any) -> Any:
        return idcard.mask(value) if value else value

    def describe(self) -> str:
        return _("18 位身份证号（请把该列设为“文本”格式，以免 Excel 改成科学计数法）")


class PhoneCell(Cell):
    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> str | None:
        return phone.validate_mobile(plain_text(value)) or None

    def describe(self) -> str:
        return _("11 位手机号码")


class ContractCell(Cell):
    """签订合同: the signing date, or 是/否 (是 without a date: signed when the pairing began)."""

    dates = DateCell()
    yes_no = BoolCell()

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> Any:
        if isinstance(value, bool) or value in (0, 1):
            return bool(value)
        if isinstance(value, dt.date | int | float):
            return self.dates.clean(value)
        try:
            return self.yes_no.clean(value)
        except ValidationError:
            pass
        try:
            return self.dates.clean(value)
        except ValidationError as exc:
            raise ValidationError(_("应填签订日期，或“是”/“否”。")) from exc

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return value if value else _("否")

    def describe(self) -> str:
        return _("签订日期，或 是 / 否（“是”未写日期时按开始日期记）")


GENDER_ALIASES = {"男性": Gender.MALE, "女性": Gender.FEMALE}
STATUS_ALIASES = {
    "正常": MemberStatus.ACTIVE,
    "在会": MemberStatus.ACTIVE,
    "离会": MemberStatus.LEFT,
    "劝退": MemberStatus.LEFT,
    "迁出": MemberStatus.LEFT,
    "死亡": MemberStatus.LEFT,
    "去世": MemberStatus.LEFT,
}
# A status written as the reason itself (劝退, 迁出, 死亡) also says why the member left.
REASON_IN_STATUS = {
    "劝退": LeaveReason.PERSUADED,
    "迁出": LeaveReason.MOVED,
    "死亡": LeaveReason.DIED,
    "去世": LeaveReason.DIED,
}
EDUCATION_ALIASES = {
    "文盲": Education.NONE,
    "高中": Education.SENIOR,
    "中专": Education.SENIOR,
    "职高": Education.SENIOR,
    "专科": Education.COLLEGE,
    "大学": Education.BACHELOR,
    "大学本科": Education.BACHELOR,
    "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
    "研究生及以上": Education.POSTGRADUATE,
}
POLITICAL_ALIASES = {
    "党员": PoliticalStatus.PARTY,
    "预备党员": PoliticalStatus.PROBATIONARY,
    "团员": PoliticalStatus.LEAGUE,
    "共青团员": PoliticalStatus.LEAGUE,
}
REGISTRATION_ALIASES = {"本地": Registration.LOCAL, "外地": Registration.FLOATING}
LEAVE_ALIASES = {"去世": LeaveReason.DIED, "迁移": LeaveReason.MOVED}
CATEGORY_ALIASES = {
    "计生户": "is_family_planning",
    "计划生育家庭": "is_family_planning",
    "实行计划生育户": "is_family_planning",
    "独生子女": "is_one_child",
    "独生子女家庭": "is_one_child",
    "双女户": "is_two_daughter",
    "两女": "is_two_daughter",
    "困难家庭": "is_in_difficulty",
    "计生困难户": "is_in_difficulty",
    "困难户": "is_in_difficulty",
    "流动人口": "is_floating",
    "流动户": "is_floating",
}
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


# ── members ──────────────────────────────────────────────────────────────────


@register
class MemberRecords(RecordResource):
    kind = "members"
    label = gettext_lazy("会员")
    creates_in_bulk = True
    error_fields = {"reason": "leave_reason"}
    notes = (
        gettext_lazy(
            "状态填“在册”或“已离会”；也可直接填离会原因“劝退”“迁出”“死亡”。已离会的须填写离会日期。"
        ),
        gettext_lazy("性别、出生日期留空时按身份证号填写。会员小组不存在时自动建立。"),
        gettext_lazy(
            "在册的会员改为已离会即办理离会；已离会的改为在册即重新入会（入会日期填重新入会的日期）。"
        ),
    )

    name = Column("姓名", "name", TextCell(max_length=40), required=True, example="王小梅")
    gender = Column("性别", "gender", ChoiceCell(Gender.choices, GENDER_ALIASES), example="女")
    id_number = Column(
        "身份证号",
        "id_number",
        IdNumberCell(),
        key=True,
        personal=True,
        aliases=("身份证号码", "公民身份号码"),
        example=idcard.make("330703", dt.date(1985, 3, 8), 22),
    )
    birth_date = Column("出生日期", "birth_date", DateCell(), example="1985-03-08")
    association = Column(
        "所属协会编码",
        "association__code",
        CodeCell(max_length=20),
        required=True,
        aliases=("协会编码",),
        example="330703101201",
    )
    joined_on = Column("入会日期", "joined_on", DateCell(), required=True, example="2020-05-29")
    status = Column(
        "状态",
        "status",
        ChoiceCell(
            MemberStatus.choices,
            STATUS_ALIASES,
            shown=["在册", "已离会", "劝退", "迁出", "死亡"],
        ),
        help=gettext_lazy("留空：新会员按在册登记，已有会员保持不变。"),
        example="在册",
    )
    left_on = Column("离会日期", "left_on", DateCell())
    group = Column(
        "会员小组",
        "group__name",
        TextCell(max_length=60),
        help=gettext_lazy("本协会下会员小组的名称。"),
        example="第一会员小组",
    )
    phone = Column("手机号码", "phone", PhoneCell(), example="13800000000")
    ethnicity = Column("民族", "ethnicity", TextCell(max_length=20), example="汉族")
    education = Column(
        "文化程度", "education", ChoiceCell(Education.choices, EDUCATION_ALIASES), example="初中"
    )
    political_status = Column(
        "政治面貌",
        "political_status",
        ChoiceCell(PoliticalStatus.choices, POLITICAL_ALIASES),
        example="群众",
    )
    occupation = Column("职业", "occupation", TextCell(max_length=60), example="务农")
    registration = Column(
        "户籍类型",
        "registration",
        ChoiceCell(Registration.choices, REGISTRATION_ALIASES),
        example="本地户籍",
    )
    is_volunteer = Column("志愿者", "is_volunteer", BoolCell(), example="否")
    is_publicity_worker = Column("宣传员", "is_publicity_worker", BoolCell(), example="否")
    is_industry_leader = Column("致富能手", "is_industry_leader", BoolCell(), example="否")
    is_newlywed_recruit = Column("新婚入会", "is_newlywed_recruit", BoolCell(), example="否")
    leave_reason = Column(
        "离会原因", "leave_reason", ChoiceCell(LeaveReason.choices, LEAVE_ALIASES)
    )
    notes_ = Column("备注", "notes", TextCell())

    class Meta:
        model = Member

    # Fields member_update takes, by column name.
    EDITABLE = (
        "name",
        "gender",
        "birth_date",
        "joined_on",
        "phone",
        "ethnicity",
        "education",
        "political_status",
        "occupation",
        "registration",
        "is_volunteer",
        "is_publicity_worker",
        "is_industry_leader",
        "is_newlywed_recruit",
    )

    # Optional columns passed to the registration service as they are.
    OPTIONAL = (
        "gender",
        "ethnicity",
        "phone",
        "education",
        "political_status",
        "occupation",
        "registration",
        "is_volunteer",
        "is_publicity_worker",
        "is_industry_leader",
        "is_newlywed_recruit",
    )

    def __init__(self, user=None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self.associations = Lookup(Association.objects.all(), "code", self.within)
        self.groups: dict[tuple[int, str], MemberGroup | None] = {}

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            Member.objects.within(scope)
            .select_related("association", "group")
            .order_by("association__path", "id")
        )

    def prepare(self, rows: list[Row]) -> None:
        self.associations.prefetch(row.values.get("association") for row in rows)
        wanted = set()
        for row in rows:
            association = self.associations.cache.get(row.values.get("association"))
            if association is not None and row.values.get("group"):
                wanted.add((association.pk, row.values["group"]))
        missing = {key for key in wanted if key not in self.groups}
        if missing:
            found = MemberGroup.objects.filter(
                association_id__in={pk for pk, _name in missing},
                name__in={name for _pk, name in missing},
            )
            for group in found:
                self.groups[(group.association_id, group.name)] = group

    def check(self, row: Row, obj: Member | None) -> None:
        values = row.values
        status, left_on = values.get("status"), values.get("left_on")
        was_active = obj is None or obj.status == MemberStatus.ACTIVE
        if status is None and left_on is not None and was_active:
            status = MemberStatus.LEFT
        if status is None and obj is None:
            status = MemberStatus.ACTIVE
        if status == MemberStatus.LEFT:
            already_left = obj is not None and obj.status == MemberStatus.LEFT
            if left_on is None and not already_left:
                row.error("left_on", _("状态为已离会时必须填写离会日期。"))
            if values.get("leave_reason") is None:
                said = REASON_IN_STATUS.get(simplified(plain_text(row.raw.get("status"))))
                values["leave_reason"] = said or (None if already_left else LeaveReason.OTHER)
        elif status == MemberStatus.ACTIVE and left_on is not None:
            if obj is None or obj.status == MemberStatus.ACTIVE:
                row.error("left_on", _("状态为在册时不应填写离会日期。"))
            else:
                values["left_on"] = None  # rejoining: the old leave date stays in the history
        values["status"] = status

    def _association(self, row: Row) -> Association:
        return self.associations.get(row.values["association"], "association", _("协会"))

    def _group(self, row: Row, association: Association) -> MemberGroup | None:
        name = row.values.get("group")
        if not name:
            return None
        key = (association.pk, name)
        group = self.groups.get(key)
        if group is None:
            try:
                group = services.member_group_create(
                    association=association, name=name, within=self.within
                )
            except ValidationError as exc:
                raise RowError("group", "；".join(exc.messages)) from exc
            self.groups[key] = group
        return group

    def create_rows(self, rows: list[Row]) -> None:
        """New members a chunk at a time, through the bulk registration service."""
        batch, kept = [], []
        for row in rows:
            values = row.values
            try:
                association = self._association(row)
                group = self._group(row, association)
            except RowError as exc:
                row.error(exc.field_name, exc.message)
                continue
            data = {
                "association": association,
                "group": group,
                "name": values["name"],
                "id_number": values["id_number"],
                "joined_on": values["joined_on"],
                "birth_date": values.get("birth_date"),
                **{name: values[name] for name in self.OPTIONAL if row.get(name) is not None},
            }
            if row.get("notes_") is not None:
                data["notes"] = values["notes_"]
            if values["status"] == MemberStatus.LEFT:
                data.update(left_on=values["left_on"], leave_reason=values["leave_reason"])
            batch.append(data)
            kept.append(row)
        if not batch:
            return
        results = services.members_import_rows(rows=batch, within=self.within)
        for row, errors in zip(kept, results, strict=True):
            for key, messages in errors.items():
                for message in messages:
                    row.error(self.field_for_error(key), message)

    def update(self, obj: Member, row: Row, changed: dict[str, Any]) -> Member:
        leaving = changed.get("status") == MemberStatus.LEFT
        rejoining = changed.get("status") == MemberStatus.ACTIVE
        amending = {"left_on", "leave_reason"} & set(changed)
        if obj.status == MemberStatus.LEFT and not rejoining and amending:
            raise RowError("left_on", _("已离会会员的离会日期和原因不能通过导入修改。"))
        if rejoining:
            services.member_rejoin(member=obj, joined_on=row.values["joined_on"])
            changed.pop("joined_on", None)
        fields = {name: changed[name] for name in self.EDITABLE if name in changed}
        if "notes_" in changed:
            fields["notes"] = changed["notes_"]
        association = self._association(row) if "association" in changed else obj.association
        if "association" in changed:
            fields["association"] = association  # the service drops a group left behind
        if "group" in changed or ("association" in changed and row.get("group")):
            fields["group"] = self._group(row, association)
        if fields:
            services.member_update(member=obj, within=self.within, **fields)
        if leaving:
            services.member_leave(
                member=obj, left_on=row.values["left_on"], reason=row.values["leave_reason"]
            )
        return obj


# ── households ───────────────────────────────────────────────────────────────


@register
class HouseholdRecords(RecordResource):
    kind = "households"
    label = gettext_lazy("户")
    notes = (gettext_lazy("户类别可填多个，用“、”或逗号分隔；填“无”表示不属于任何类别。"),)
    error_fields = {"is_one_child": "categories", "is_two_daughter": "categories"}

    code = Column("户编码", "code", CodeCell(max_length=30), key=True, example="3307031012010001")
    head_name = Column(
        "户主姓名", "head_name", TextCell(max_length=40), required=True, example="李建国"
    )
    association = Column(
        "所属协会编码",
        "association__code",
        CodeCell(max_length=20),
        required=True,
        aliases=("协会编码",),
        example="330703101201",
    )
    categories = Column(
        "户类别",
        "categories",
        MultiChoiceCell(
            HOUSEHOLD_CATEGORIES.items(),
            CATEGORY_ALIASES,
            shown=[*HOUSEHOLD_CATEGORIES.values(), "计生户", "独生子女", "困难家庭", "流动人口"],
        ),
        example="实行计划生育家庭、独生子女户",
    )
    size = Column("家庭人口", "size", IntegerCell(min_value=1), example=3)
    address = Column("住址", "address", TextCell(max_length=200), example="某村 8 号")
    notes_ = Column("备注", "notes", TextCell())

    class Meta:
        model = Household

    def __init__(self, user=None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self.associations = Lookup(Association.objects.all(), "code", self.within)

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            Household.objects.within(scope)
            .select_related("association")
            .order_by("association__path", "code")
        )

    def prepare(self, rows: list[Row]) -> None:
        self.associations.prefetch(row.values.get("association") for row in rows)

    @staticmethod
    def flags(obj: Household) -> frozenset[str]:
        return frozenset(flag for flag in HOUSEHOLD_CATEGORIES if getattr(obj, flag))

    def dehydrate_categories(self, obj: Household) -> str:
        return self.fields["categories"].widget.render(self.flags(obj))

    def current(self, obj: Household, name: str) -> Any:
        if name == "categories":
            return self.flags(obj)
        return super().current(obj, name)

    def _fields(self, row: Row, names: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for name, value in names.items():
            if name == "association":
                fields["association"] = self.associations.get(value, "association", _("协会"))
            elif name == "categories":
                fields["categories"] = sorted(value)
            elif name == "notes_":
                fields["notes"] = value
            else:
                fields[name] = value
        return fields

    def create(self, row: Row) -> Household:
        wanted = {k: v for k, v in row.values.items() if v is not None}
        return services.household_create(**self._fields(row, wanted), within=self.within)

    def update(self, obj: Household, row: Row, changed: dict[str, Any]) -> Household:
        return services.household_update(
            household=obj, within=self.within, **self._fields(row, changed)
        )


# ── liaison pairs ────────────────────────────────────────────────────────────


class _PeopleLookups:
    """Members (by ID number) and households (by code) the rows refer to."""

    def _people(self, within: Association | None) -> None:
        self.members = Lookup(
            Member.objects.select_related("association"), "id_number", within, display=idcard.mask
        )
        self.households = Lookup(Household.objects.select_related("association"), "code", within)
        self.associations = Lookup(Association.objects.all(), "code", within)

    def _member(self, row: Row) -> Member:
        return self.members.get(row.values["member"], "member", _("会员"))


@register
class LiaisonRecords(_PeopleLookups, RecordResource):
    kind = "liaisons"
    label = gettext_lazy("会员联系户")
    notes = (gettext_lazy("已有的联系关系可以通过导入修改联系类型、签订合同和填写结束日期。"),)

    member = Column(
        "会员身份证号",
        "member__id_number",
        IdNumberCell(),
        key=True,
        personal=True,
        example=idcard.make("330703", dt.date(1985, 3, 8), 22),
    )
    household = Column(
        "户编码", "household__code", CodeCell(max_length=30), key=True, example="3307031012010001"
    )
    started_on = Column("开始日期", "started_on", DateCell(), key=True, example="2024-03-01")
    ended_on = Column("结束日期", "ended_on", DateCell())
    contract = Column("签订合同", "contract_signed_on", ContractCell(), example="是")
    kind_ = Column("联系类型", "kind", ChoiceCell(LiaisonKind.choices), example="帮扶")
    member_name = Column("会员姓名", "member__name", TextCell(), readonly=True)
    head_name = Column("户主姓名", "household__head_name", TextCell(), readonly=True)

    class Meta:
        model = LiaisonPair

    def __init__(self, user=None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self._people(self.within)

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            LiaisonPair.objects.within(scope)
            .select_related("member", "household")
            .order_by("household__association__path", "household__code", "started_on", "id")
        )

    def prepare(self, rows: list[Row]) -> None:
        self.members.prefetch(row.values.get("member") for row in rows)
        self.households.prefetch(row.values.get("household") for row in rows)

    def changes(self, obj: LiaisonPair, row: Row) -> dict[str, Any]:
        changed = super().changes(obj, row)
        contract = changed.get("contract")
        # 是/否 agrees with a stored date / no date: not a change.
        if isinstance(contract, bool) and contract == (obj.contract_signed_on is not None):
            del changed["contract"]
        return changed

    def create(self, row: Row) -> LiaisonPair:
        values = row.values
        contract = values.get("contract")
        if contract is True:
            contract = values["started_on"]
        return services.liaison_pair(
            member=self._member(row),
            household=self.households.get(values["household"], "household", _("户")),
            started_on=values["started_on"],
            kind=row.get("kind_", LiaisonKind.HELP),
            ended_on=values.get("ended_on"),
            contract_signed_on=contract or None,
            within=self.within,
        )

    def update(self, obj: LiaisonPair, row: Row, changed: dict[str, Any]) -> LiaisonPair:
        if "contract" in changed or "kind_" in changed:
            contract = changed.get("contract", obj.contract_signed_on)
            if isinstance(contract, bool):  # 是 without a date: signed when the pair began
                contract = (obj.contract_signed_on or obj.started_on) if contract else None
            services.liaison_update(
                pair=obj, kind=changed.get("kind_"), contract_signed_on=contract
            )
        if "ended_on" in changed:
            if obj.ended_on is not None:
                raise RowError("ended_on", _("该联系关系已结束，结束日期不能通过导入修改。"))
            services.liaison_end(pair=obj, ended_on=changed["ended_on"])
        return obj


# ── officer positions ────────────────────────────────────────────────────────


@register
class PositionRecords(_PeopleLookups, RecordResource):
    kind = "positions"
    label = gettext_lazy("理事职务")
    notes = (gettext_lazy("已有的任职可以通过导入修改届次、专职、背景、职级、月津贴和结束日期。"),)

    member = Column(
        "会员身份证号",
        "member__id_number",
        IdNumberCell(),
        key=True,
        personal=True,
        example=idcard.make("330703", dt.date(1960, 7, 1), 31),
    )
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

    def __init__(self, user=None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self._people(self.within)

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            OfficerPosition.objects.within(scope)
            .select_related("member", "association")
            .order_by("association__path", "started_on", "id")
        )

    def prepare(self, rows: list[Row]) -> None:
        self.members.prefetch(row.values.get("member") for row in rows)
        self.associations.prefetch(row.values.get("association") for row in rows)

    def create(self, row: Row) -> OfficerPosition:
        values = row.values
        return services.position_assign(
            member=self._member(row),
            association=self.associations.get(values["association"], "association", _("协会")),
            title=values["title"],
            started_on=values["started_on"],
            ended_on=values.get("ended_on"),
            term=values.get("term"),
            is_fulltime=row.get("is_fulltime", False),
            background=row.get("background", ""),
            cadre_rank=row.get("cadre_rank", ""),
            monthly_allowance=row.get("monthly_allowance", 0),
            within=self.within,
        )

    def update(self, obj: OfficerPosition, row: Row, changed: dict[str, Any]) -> OfficerPosition:
        details = {name: value for name, value in changed.items() if name != "ended_on"}
        if details:
            services.position_update(position=obj, **details)
        if "ended_on" in changed:
            services.position_end(position=obj, ended_on=changed["ended_on"])
        return obj
