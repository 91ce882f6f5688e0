"""Spreadsheet kinds: events, projects, aid, awards, assessments, self-governance, ledger.

Every write goes through activities.services; the engine (associations.spreadsheets)
does the reading, matching, all-or-nothing and scope checks. What is particular
to these records lives here: event materials as one column per kind, aid and
award keys with an optional part, assessment items as a list of numbers, and
identical ledger lines told apart by a 笔次 (occurrence) column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
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
    TextCell,
    plain_text,
    simplified,
)
from associations.spreadsheets.kinds import Column, Lookup, RecordResource, Row, RowError, register
from members import idcard
from members.imports import IdNumberCell
from members.models import Household, Member

from . import services
from .models import (
    Aid,
    AidKind,
    Assessment,
    AssessmentTemplate,
    Award,
    AwardLevel,
    Direction,
    Event,
    EventType,
    ExpensePurpose,
    FundSource,
    LedgerEntry,
    MaterialKind,
    Project,
    ProjectKind,
    SelfGovernance,
)

ASSOCIATION_EXAMPLE = "330703101201"

# ── what people write for the choices, beyond the labels themselves ─────────

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
PROJECT_KIND_ALIASES = {
    "少生快富工程": ProjectKind.FEWER_BIRTHS,
    "三结合帮扶": ProjectKind.THREE_COMBINATIONS,
    "关爱女孩行动": ProjectKind.CARE_FOR_GIRLS,
    "助学": ProjectKind.EDUCATION_AID,
    "幸福工程—救助贫困母亲行动": ProjectKind.HAPPINESS,
    "生育关怀行动": ProjectKind.BIRTH_CARE,
    "计划生育保险": ProjectKind.FP_INSURANCE,
}
AID_KIND_ALIASES = {
    "现金帮扶": AidKind.CASH,
    "资金": AidKind.CASH,
    "物资": AidKind.IN_KIND,
    "实物帮扶": AidKind.IN_KIND,
    "小额贷款": AidKind.LOAN,
    "贴息贷款": AidKind.LOAN,
    "养老补贴": AidKind.PENSION_SUBSIDY,
    "助学": AidKind.SCHOLARSHIP,
    "奖学金": AidKind.SCHOLARSHIP,
    "医疗": AidKind.MEDICAL,
    "大病救助": AidKind.MEDICAL,
}
AWARD_LEVEL_ALIASES = {
    **dict.fromkeys(("国家", "全国", "全国级", "中国计生协"), AwardLevel.NATIONAL),
    **dict.fromkeys(("省", "省计生协"), AwardLevel.PROVINCIAL),
    **dict.fromkeys(("市", "地市级", "市计生协"), AwardLevel.CITY),
    **dict.fromkeys(
        ("县", "区", "县级", "区级", "县区级", "县计生协", "区计生协"), AwardLevel.COUNTY
    ),
    **dict.fromkeys(("镇", "乡", "街道", "镇级", "乡级", "乡镇级", "街道级"), AwardLevel.TOWN),
}
DIRECTION_ALIASES = {"收": Direction.INCOME, "进": Direction.INCOME, "支": Direction.EXPENSE}
SOURCE_ALIASES = {
    **dict.fromkeys(
        ("拨款", "部门拨款", "上级拨款", "计生局拨款", "卫健局拨款", "计生部门"), FundSource.BUREAU
    ),
    **dict.fromkeys(("财政", "财政拨款", "本级财政", "同级财政拨款"), FundSource.BUDGET),
    **dict.fromkeys(("自筹", "募集", "募捐", "捐款", "社会捐助"), FundSource.RAISED),
    "会费收入": FundSource.DUES,
}
PURPOSE_ALIASES = {
    **dict.fromkeys(("活动经费", "活动费"), ExpensePurpose.EVENT),
    **dict.fromkeys(("项目经费", "项目支出"), ExpensePurpose.PROJECT),
    **dict.fromkeys(("津贴", "补贴", "误工补贴", "岗位津贴"), ExpensePurpose.ALLOWANCE),
    **dict.fromkeys(("培训费",), ExpensePurpose.TRAINING),
    **dict.fromkeys(("宣传费", "宣传品"), ExpensePurpose.PUBLICITY),
    **dict.fromkeys(("办公费", "办公经费"), ExpensePurpose.OFFICE),
}


def _annotated(queryset: models.QuerySet) -> models.QuerySet:
    """Stored rows as the engine's scope check wants them (`_scope_path`)."""
    return queryset.annotate(_scope_path=F(queryset.scope_path_lookup))


def _wanted(rows: Iterable[Row], name: str) -> set[Any]:
    return {row.values.get(name) for row in rows} - {None}


class _Records(RecordResource):
    """What every activities kind shares: associations looked up by code within scope,
    and stored rows fetched by the first key column narrowed by `narrow_by` columns."""

    narrow_by: ClassVar[tuple[str, ...]] = ()

    def __init__(self, user=None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self.associations = Lookup(Association.objects.all(), "code", self.within)

    def _association(self, row: Row, name: str = "association") -> Association:
        return self.associations.get(row.values[name], name, _("协会"))

    def stored(self) -> models.QuerySet:
        """The stored rows, joined for key values and comparisons."""
        queryset = self._meta.model._default_manager.all()
        related = self.export_queryset_related()
        return _annotated(queryset.select_related(*related) if related else queryset)

    def existing(self, rows: list[Row]) -> dict[tuple, models.Model]:
        names = self.key_names()
        queryset = self.stored()
        for name in (names[0], *self.narrow_by):
            wanted = _wanted(rows, name)
            if not wanted:
                return {}
            queryset = queryset.filter(**{f"{self.fields[name].attribute}__in": wanted})
        return {tuple(self.fields[n].get_value(obj) for n in names): obj for obj in queryset}

    def prepare(self, rows: list[Row]) -> None:
        if "association" in self.fields:
            self.associations.prefetch(row.values.get("association") for row in rows)

    @staticmethod
    def merged(obj: models.Model, changed: Mapping[str, Any], attributes: Mapping[str, str]):
        """Service keyword arguments: the stored values, with the changed cells over them."""
        return {
            attribute: changed[name] if name in changed else getattr(obj, attribute)
            for name, attribute in attributes.items()
        }


def _association_column(*, key: bool = True, **kwargs: Any) -> Column:
    return Column(
        "协会编码",
        "association__code",
        CodeCell(max_length=20),
        key=key,
        aliases=("所属协会编码",),
        example=ASSOCIATION_EXAMPLE,
        **kwargs,
    )


# ── events 活动 ──────────────────────────────────────────────────────────────


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
class EventRecords(_Records):
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

    association = _association_column()
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

    # Column name → event_update keyword, for the plain fields.
    FIELDS: ClassVar[dict[str, str]] = {
        "association": "association",
        "event_type": "type",
        "title": "title",
        "started_on": "started_on",
        "ended_on": "ended_on",
        "place": "place",
        "participants": "participants",
        "cost": "cost",
        "screened": "screened",
        "cases_found": "cases_found",
        "training_sessions": "training_sessions",
        "training_days": "training_days",
        "trainees": "trainees",
        "description": "description",
    }

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
        values = row.values
        return services.event_create(
            association=self._association(row),
            type=values["event_type"],
            title=values["title"],
            started_on=values["started_on"],
            ended_on=values.get("ended_on"),
            place=row.get("place", ""),
            participants=row.get("participants", 0),
            cost=row.get("cost", 0),
            materials=self._materials(row, None),
            screened=values.get("screened"),
            cases_found=values.get("cases_found"),
            training_sessions=values.get("training_sessions"),
            training_days=values.get("training_days"),
            trainees=values.get("trainees"),
            description=row.get("description", ""),
            within=self.within,
        )

    def update(self, obj: Event, row: Row, changed: dict[str, Any]) -> Event:
        fields = self.merged(obj, changed, self.FIELDS)
        return services.event_update(
            event=obj, **fields, materials=self._materials(row, obj), within=self.within
        )


# ── projects 项目 ────────────────────────────────────────────────────────────


@register
class ProjectRecords(_Records):
    kind = "projects"
    label = gettext_lazy("项目")
    notes = (
        gettext_lazy("项目编码在全系统内唯一。金额单位为元。"),
        gettext_lazy("按资金来源登记了明细的项目，资金总额请在项目页面上修改。"),
    )

    code = Column("项目编码", "code", CodeCell(max_length=30), key=True, example="XM2024001")
    association = _association_column(key=False, required=True)
    project_kind = Column(
        "类别",
        "kind",
        ChoiceCell(ProjectKind.choices, PROJECT_KIND_ALIASES),
        required=True,
        example="少生快富",
    )
    name = Column(
        "名称", "name", TextCell(max_length=200), required=True, example="少生快富桃园基地"
    )
    started_on = Column("开始日期", "started_on", DateCell(), required=True, example="2024-03-01")
    funds_raised = Column("筹集资金", "funds_raised", DecimalCell(), example=50000)
    funds_spent = Column("支出资金", "funds_spent", DecimalCell(), example=30000)
    households_out_of_poverty = Column(
        "脱贫户数", "households_out_of_poverty", IntegerCell(), example=12
    )
    jobs_created = Column("安置就业人数", "jobs_created", IntegerCell(), example=20)
    ended_on = Column("结束日期", "ended_on", DateCell())
    fixed_assets = Column("固定资产", "fixed_assets", DecimalCell())
    output_value = Column("产值", "output_value", DecimalCell())
    tax_paid = Column("利税", "tax_paid", DecimalCell())
    description = Column("项目简介", "description", TextCell())

    class Meta:
        model = Project

    FIELDS: ClassVar[dict[str, str]] = {
        "code": "code",
        "association": "association",
        "project_kind": "kind",
        "name": "name",
        "started_on": "started_on",
        "ended_on": "ended_on",
        "funds_raised": "funds_raised",
        "funds_spent": "funds_spent",
        "households_out_of_poverty": "households_out_of_poverty",
        "jobs_created": "jobs_created",
        "fixed_assets": "fixed_assets",
        "output_value": "output_value",
        "tax_paid": "tax_paid",
        "description": "description",
    }
    MONEY = ("funds_raised", "funds_spent", "fixed_assets", "output_value", "tax_paid")

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            Project.objects.within(scope)
            .select_related("association")
            .order_by("association__path", "code")
        )

    def create(self, row: Row) -> Project:
        values = row.values
        optional = {
            name: values[name]
            for name in (*self.MONEY, "households_out_of_poverty", "jobs_created", "description")
            if values.get(name) is not None
        }
        return services.project_create(
            code=values["code"],
            association=self._association(row),
            kind=values["project_kind"],
            name=values["name"],
            started_on=values["started_on"],
            ended_on=values.get("ended_on"),
            **optional,
            within=self.within,
        )

    def update(self, obj: Project, row: Row, changed: dict[str, Any]) -> Project:
        totals = {"funds_raised", "funds_spent"} & set(changed)
        if totals and obj.funding.exists():
            raise RowError(
                sorted(totals)[0],
                _("该项目已按资金来源登记明细，资金总额须与明细一致，请在项目页面上修改。"),
            )
        fields = self.merged(obj, changed, self.FIELDS)
        if "association" in changed:
            fields["association"] = self._association(row)
        return services.project_update(project=obj, **fields, within=self.within)


# ── aid 帮扶 ─────────────────────────────────────────────────────────────────


@register
class AidRecords(_Records):
    kind = "aid"
    label = gettext_lazy("帮扶记录")
    notes = (
        gettext_lazy(
            "按“户编码、日期、方式、项目编码”识别同一帮扶记录；项目编码留空表示项目之外的帮扶，"
            "这时还按“帮扶单位”区分（同一户同一天可有不同单位的帮扶）。"
        ),
        gettext_lazy("受助户须在项目实施协会的范围内，日期须在项目实施期内。"),
    )

    household = Column(
        "户编码",
        "household__code",
        CodeCell(max_length=30),
        required=True,
        example="3307031012010001",
    )
    given_on = Column("日期", "given_on", DateCell(), required=True, example="2024-06-01")
    aid_kind = Column(
        "方式", "kind", ChoiceCell(AidKind.choices, AID_KIND_ALIASES), required=True, example="现金"
    )
    amount = Column(
        "金额", "amount", DecimalCell(), required=True, aliases=("金额（元）",), example=500
    )
    project = Column(
        "项目编码",
        "project__code",
        CodeCell(max_length=30),
        help=gettext_lazy("项目之外的帮扶留空，并填写帮扶单位。"),
        example="XM2024001",
    )
    provider = Column("帮扶单位", "provider", TextCell(max_length=100), example="")
    note = Column("说明", "note", TextCell(max_length=200))
    head_name = Column("户主姓名", "household__head_name", TextCell(), readonly=True)

    class Meta:
        model = Aid

    def __init__(self, user=None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self.households = Lookup(
            Household.objects.select_related("association"), "code", self.within
        )
        self.projects = Lookup(Project.objects.select_related("association"), "code", self.within)
        self.identities: dict[tuple, int] = {}

    def key_names(self) -> list[str]:
        # 项目编码 may be empty (so it cannot be a required key column); without a project
        # the provider tells records apart, as the services' uniqueness rule does.
        return ["household", "given_on", "aid_kind", "project", "provider"]

    @staticmethod
    def identity(household: str, given_on, kind: str, project: str | None, provider: str | None):
        return (household, given_on, kind, project, "" if project else (provider or ""))

    def row_identity(self, row: Row) -> tuple:
        values = row.values
        return self.identity(
            values.get("household"),
            values.get("given_on"),
            values.get("aid_kind"),
            values.get("project"),
            values.get("provider"),
        )

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            Aid.objects.within(scope)
            .select_related("household", "project")
            .order_by("household__association__path", "household__code", "given_on", "id")
        )

    def prepare(self, rows: list[Row]) -> None:
        self.households.prefetch(row.values.get("household") for row in rows)
        self.projects.prefetch(row.values.get("project") for row in rows)

    def existing(self, rows: list[Row]) -> dict[tuple, models.Model]:
        households, dates = _wanted(rows, "household"), _wanted(rows, "given_on")
        if not households:
            return {}
        stored = _annotated(Aid.objects.select_related("household", "project")).filter(
            household__code__in=households, given_on__in=dates
        )
        index = {
            self.identity(
                aid.household.code,
                aid.given_on,
                aid.kind,
                aid.project.code if aid.project_id else None,
                aid.provider,
            ): aid
            for aid in stored
        }
        names = self.key_names()
        found = {}
        for row in rows:
            aid = index.get(self.row_identity(row))
            if aid is not None:
                found[tuple(row.values.get(n) for n in names)] = aid
        return found

    def check(self, row: Row, obj: Aid | None) -> None:
        # Rows of one project that differ only in 帮扶单位 are the same record.
        first = self.identities.setdefault(self.row_identity(row), row.number)
        if first != row.number:
            row.error("household", _("与第 %(row)s 行重复。") % {"row": first})

    def changes(self, obj: Aid, row: Row) -> dict[str, Any]:
        changed = super().changes(obj, row)
        provider = row.values.get("provider")
        if obj.project_id and provider is not None and provider != obj.provider:
            changed["provider"] = provider
        return changed

    def _project(self, row: Row) -> Project | None:
        code = row.values.get("project")
        return self.projects.get(code, "project", _("项目")) if code else None

    def create(self, row: Row) -> Aid:
        values = row.values
        return services.aid_give(
            household=self.households.get(values["household"], "household", _("户")),
            given_on=values["given_on"],
            kind=values["aid_kind"],
            amount=values["amount"],
            project=self._project(row),
            provider=row.get("provider", ""),
            note=row.get("note", ""),
            within=self.within,
        )

    def update(self, obj: Aid, row: Row, changed: dict[str, Any]) -> Aid:
        fields = self.merged(
            obj, changed, {"amount": "amount", "provider": "provider", "note": "note"}
        )
        return services.aid_update(
            aid=obj,
            household=obj.household,
            given_on=obj.given_on,
            kind=obj.kind,
            project=obj.project,
            **fields,
            within=self.within,
        )


# ── awards 表彰 ──────────────────────────────────────────────────────────────


@register
class AwardRecords(_Records):
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

    def __init__(self, user=None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self.members = Lookup(
            Member.objects.select_related("association"), "id_number", self.within
        )
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
        years, titles = _wanted(rows, "year"), _wanted(rows, "title")
        if not years:
            return {}
        stored = _annotated(Award.objects.select_related("association", "member", "household"))
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
        values = row.values
        return services.award_grant(
            year=values["year"],
            level=values["level"],
            title=values["title"],
            awarding_body=values["awarding_body"],
            **self._recipient(row),
            within=self.within,
        )

    def update(self, obj: Award, row: Row, changed: dict[str, Any]) -> Award:
        return services.award_update(
            award=obj,
            year=obj.year,
            level=changed.get("level", obj.level),
            title=obj.title,
            awarding_body=obj.awarding_body,
            within=self.within,
        )


# ── assessments 考核 ─────────────────────────────────────────────────────────

_ITEM_SEPARATORS = re.compile(r"[、,，;；/\s.．]+")
_ITEM_RANGE = re.compile(r"^(\d+)[-~～—–](\d+)$")


class ItemsCell(Cell):
    """Item numbers met: "1,2,3,5", "1、2、3", "1-4"; empty (or 无) means none met."""

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> frozenset[int]:
        # NFKC only: spaces separate numbers here, so they are not squeezed out.
        text = unicodedata.normalize("NFKC", plain_text(value)).strip()
        if text in ("", "无", "-", "—"):
            return frozenset()
        numbers: set[int] = set()
        for part in _ITEM_SEPARATORS.split(text):
            if not part:
                continue
            span = _ITEM_RANGE.match(part)
            if span and int(span[1]) <= int(span[2]):
                numbers.update(range(int(span[1]), int(span[2]) + 1))
            elif part.isdigit() and int(part) > 0:
                numbers.add(int(part))
            else:
                raise ValidationError(
                    _("“%(part)s”不是考核项序号；请填达标项的序号，如 1,2,3,5。") % {"part": part}
                )
        return frozenset(numbers)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return ",".join(str(n) for n in sorted(value or ()))

    def describe(self) -> str:
        return _("达标项的序号，用逗号或顿号分隔，如 1,2,3,5；留空表示都未达标。")


class TemplateCell(TextCell):
    """A checklist by its name or code, as stored (administrators may edit the list)."""

    def describe(self) -> str:
        names = AssessmentTemplate.objects.order_by("code").values_list("name", "code")
        shown = "、".join(f"{name}（{code}）" for name, code in names)
        return _("考核模板的名称或代码：%(shown)s") % {"shown": shown}


@register
class AssessmentRecords(_Records):
    kind = "assessments"
    label = gettext_lazy("考核")
    narrow_by = ("year",)
    notes = (
        gettext_lazy("“达标”列由达标项按模板规则算出，仅供核对。"),
        gettext_lazy("达标项填写该模板中达到的项目序号，填写的是全部达标项（不是追加）。"),
    )

    association = _association_column()
    year = Column("年度", "year", IntegerCell(), key=True, example=2024)
    template = Column(
        "模板", "template__name", TemplateCell(max_length=60), key=True, example="八有"
    )
    items_met = Column("达标项", "items_met", ItemsCell(), required=True, example="1,2,3,5")
    assessed_on = Column("考核日期", "assessed_on", DateCell())
    note = Column("说明", "note", TextCell(max_length=200))
    passed = Column("达标", "passed", BoolCell(), readonly=True)

    class Meta:
        model = Assessment

    def __init__(self, user=None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self.templates: dict[str, AssessmentTemplate] | None = None

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            Assessment.objects.within(scope)
            .select_related("association", "template")
            .prefetch_related("items_met")
            .order_by("association__path", "year", "template__code", "id")
        )

    def filter_export(self, queryset: models.QuerySet, **kwargs: Any) -> models.QuerySet:
        return super().filter_export(queryset, **kwargs).prefetch_related("items_met")

    def stored(self) -> models.QuerySet:
        return super().stored().prefetch_related("items_met")

    @staticmethod
    def numbers(obj: Assessment) -> frozenset[int]:
        return frozenset(item.number for item in obj.items_met.all())

    def dehydrate_items_met(self, obj: Assessment) -> str:
        return self.fields["items_met"].widget.render(self.numbers(obj))

    def current(self, obj: Assessment, name: str) -> Any:
        if name == "items_met":
            return self.numbers(obj)
        return super().current(obj, name)

    def _template_named(self, text: str) -> AssessmentTemplate | None:
        if self.templates is None:
            self.templates = {}
            for template in AssessmentTemplate.objects.all():
                self.templates.setdefault(simplified(template.name), template)
                self.templates.setdefault(simplified(template.code).lower(), template)
        key = simplified(text)
        return self.templates.get(key) or self.templates.get(key.lower())

    def prepare(self, rows: list[Row]) -> None:
        super().prepare(rows)
        # The key holds the template's name, however the file wrote it (name or code).
        for row in rows:
            text = row.values.get("template")
            template = self._template_named(text) if text else None
            if template is None:
                names = "、".join(dict.fromkeys(t.name for t in self.templates.values()))
                row.error(
                    "template",
                    _("没有名为“%(t)s”的考核模板；可填：%(names)s。") % {"t": text, "names": names},
                )
            else:
                row.values["template"] = template.name

    def create(self, row: Row) -> Assessment:
        values = row.values
        return services.assessment_record(
            association=self._association(row),
            year=values["year"],
            template=self._template_named(values["template"]),
            items_met=values["items_met"],
            assessed_on=values.get("assessed_on"),
            note=row.get("note", ""),
            within=self.within,
        )

    def update(self, obj: Assessment, row: Row, changed: dict[str, Any]) -> Assessment:
        return services.assessment_record(
            association=obj.association,
            year=obj.year,
            template=obj.template,
            items_met=changed.get("items_met", self.numbers(obj)),
            assessed_on=changed.get("assessed_on", obj.assessed_on),
            note=changed.get("note", obj.note),
            within=self.within,
        )


# ── village self-governance 村民自治 ─────────────────────────────────────────


@register
class SelfGovernanceRecords(_Records):
    kind = "selfgov"
    label = gettext_lazy("村民自治")
    narrow_by = ("year",)
    notes = (
        gettext_lazy("只登记村（居）协会。"),
        gettext_lazy(
            "制定章程填“否”时，章程日期和章程条款列留空即清除；已签户数不能多于应签户数。"
        ),
    )

    association = _association_column()
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

    FIELDS: ClassVar[tuple[str, ...]] = (
        "charter_adopted",
        "charter_adopted_on",
        "households_due",
        "households_signed",
        "is_pilot",
        "benefits_one_child",
        "rewards_second_birth_waiver",
        "subsidises_checkups",
        "other_provisions",
    )
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "charter_adopted_on": None,
        "households_due": 0,
        "households_signed": 0,
        "is_pilot": False,
        "benefits_one_child": False,
        "rewards_second_birth_waiver": False,
        "subsidises_checkups": False,
        "other_provisions": "",
    }

    CHARTER_DETAILS: ClassVar[tuple[str, ...]] = (
        *SelfGovernance.PROVISIONS,
        "charter_adopted_on",
        "other_provisions",
    )

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            SelfGovernance.objects.within(scope)
            .select_related("association")
            .order_by("association__path", "year")
        )

    def _record(self, association: Association, year: int, fields: dict[str, Any], row: Row):
        if not fields["charter_adopted"]:
            # No charter: the charter details the file leaves empty are cleared, not kept.
            for name in self.CHARTER_DETAILS:
                if row.values.get(name) is None:
                    fields[name] = self.DEFAULTS[name]
        return services.selfgov_record(
            association=association, year=year, **fields, within=self.within
        )

    def create(self, row: Row) -> SelfGovernance:
        given = {n: row.values[n] for n in self.FIELDS if row.values.get(n) is not None}
        fields = {**self.DEFAULTS, **given}
        return self._record(self._association(row), row.values["year"], fields, row)

    def update(self, obj: SelfGovernance, row: Row, changed: dict[str, Any]) -> SelfGovernance:
        fields = self.merged(obj, changed, {name: name for name in self.FIELDS})
        return self._record(obj.association, obj.year, fields, row)


# ── ledger 经费 ──────────────────────────────────────────────────────────────

SOURCE_CELL = ChoiceCell(FundSource.choices, SOURCE_ALIASES)
PURPOSE_CELL = ChoiceCell(ExpensePurpose.choices, PURPOSE_ALIASES)


class CategoryCell(TextCell):
    """来源或用途: read as text here, resolved against 收支 once the whole row is known."""

    def describe(self) -> str:
        return _("收入填来源：%(sources)s；支出填用途：%(purposes)s") % {
            "sources": "、".join(SOURCE_CELL.shown),
            "purposes": "、".join(PURPOSE_CELL.shown),
        }


class OrdinalCell(IntegerCell):
    """笔次: which of several identical lines this is; empty means the first."""

    def __init__(self) -> None:
        super().__init__(min_value=1)

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> int:
        return super().clean(value) or 1

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return "" if not value or value == 1 else value

    def describe(self) -> str:
        return _("整数，留空即 1")


@register
class LedgerRecords(_Records):
    kind = "ledger"
    label = gettext_lazy("经费收支")
    error_fields = {"source": "category", "purpose": "category"}
    notes = (
        gettext_lazy(
            "每行一笔收支。已导入的一笔不能通过导入修改（改动任何一列都会成为新的一笔），"
            "请在页面上修改或删除。"
        ),
        gettext_lazy(
            "同一协会同一天完全相同的几笔（日期、收支、来源或用途、金额、摘要都相同），"
            "请在“笔次”列依次填 1、2、3 区分；不填“笔次”的相同行视为重复。导出文件已填好。"
        ),
    )

    association = _association_column()
    date = Column("日期", "date", DateCell(), key=True, example="2024-05-29")
    direction = Column(
        "收支",
        "direction",
        ChoiceCell(Direction.choices, DIRECTION_ALIASES),
        key=True,
        example="支出",
    )
    category = Column(
        "来源或用途",
        "category",
        CategoryCell(max_length=30),
        key=True,
        aliases=("来源/用途", "收入来源或支出用途"),
        example="活动",
    )
    amount = Column(
        "金额", "amount", DecimalCell(), key=True, aliases=("金额（元）",), example=5000
    )
    note = Column("摘要", "note", TextCell(max_length=200), example="5·29活动宣传品")
    ordinal = Column(
        "笔次",
        "_ordinal",
        OrdinalCell(),
        help=gettext_lazy("只在同一天有完全相同的几笔时填写。"),
    )

    class Meta:
        model = LedgerEntry

    def key_names(self) -> list[str]:
        # 摘要 and 笔次 may be empty, so they cannot be required key columns.
        return ["association", "date", "direction", "category", "amount", "note", "ordinal"]

    @staticmethod
    def with_ordinals(queryset: models.QuerySet) -> models.QuerySet:
        """Number identical lines of one association 1, 2, … in the order they were entered."""
        earlier = (
            LedgerEntry.objects.filter(
                association=OuterRef("association"),
                date=OuterRef("date"),
                direction=OuterRef("direction"),
                source=OuterRef("source"),
                purpose=OuterRef("purpose"),
                amount=OuterRef("amount"),
                note=OuterRef("note"),
                pk__lt=OuterRef("pk"),
            )
            .order_by()
            .values("association")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return queryset.annotate(_ordinal=Coalesce(Subquery(earlier), Value(0)) + 1)

    def export_queryset(self, scope: Association) -> models.QuerySet:
        queryset = LedgerEntry.objects.within(scope).select_related("association")
        return self.with_ordinals(queryset).order_by("association__path", "date", "id")

    def filter_export(self, queryset: models.QuerySet, **kwargs: Any) -> models.QuerySet:
        return self.with_ordinals(super().filter_export(queryset, **kwargs))

    def dehydrate_category(self, obj: LedgerEntry) -> str:
        if obj.direction == Direction.INCOME:
            return SOURCE_CELL.render(obj.source)
        return PURPOSE_CELL.render(obj.purpose)

    def dehydrate_ordinal(self, obj: LedgerEntry) -> Any:
        return self.fields["ordinal"].widget.render(getattr(obj, "_ordinal", 1))

    def prepare(self, rows: list[Row]) -> None:
        super().prepare(rows)
        for row in rows:
            values = row.values
            values["ordinal"] = values.get("ordinal") or 1
            income = values["direction"] == Direction.INCOME
            cell = SOURCE_CELL if income else PURPOSE_CELL
            try:
                values["category"] = cell.clean(values["category"])
            except ValidationError:
                if income:
                    message = _("收入的来源“%(value)s”无法识别；可填：%(allowed)s。")
                else:
                    message = _("支出的用途“%(value)s”无法识别；可填：%(allowed)s。")
                allowed = "、".join(cell.shown)
                row.error("category", message % {"value": values["category"], "allowed": allowed})

    def existing(self, rows: list[Row]) -> dict[tuple, models.Model]:
        codes, dates = _wanted(rows, "association"), _wanted(rows, "date")
        if not codes:
            return {}
        stored = (
            _annotated(LedgerEntry.objects.select_related("association"))
            .filter(association__code__in=codes, date__in=dates)
            .order_by("id")
        )
        lines: dict[tuple, list[LedgerEntry]] = {}
        for entry in stored:
            line = (
                entry.association.code,
                entry.date,
                entry.direction,
                entry.source or entry.purpose,
                entry.amount,
                entry.note,
            )
            lines.setdefault(line, []).append(entry)
        names = self.key_names()
        found = {}
        for row in rows:
            key = tuple(row.values.get(n) for n in names)
            *line, ordinal = key
            line[-1] = line[-1] or ""  # 摘要 left empty
            twins = lines.get(tuple(line), [])
            if ordinal <= len(twins):
                found[key] = twins[ordinal - 1]
        return found

    def changes(self, obj: LedgerEntry, row: Row) -> dict[str, Any]:
        return {}  # every column is part of the key: a line is there, or it is a new one

    def create(self, row: Row) -> LedgerEntry:
        values = row.values
        income = values["direction"] == Direction.INCOME
        line = {
            "association": self._association(row),
            "date": values["date"],
            "direction": values["direction"],
            "amount": values["amount"],
            "source": values["category"] if income else "",
            "purpose": "" if income else values["category"],
            "note": row.get("note", ""),
        }
        # An unmatched first line has no stored twin (it would have matched); a later one must
        # follow its stored twins, counting those written earlier in this file.
        ordinal = values["ordinal"]
        twins = LedgerEntry.objects.filter(**line).count() if ordinal > 1 else 0
        if ordinal != twins + 1:
            if twins:
                message = _("已有 %(n)s 笔完全相同的收支，这一笔的笔次应为 %(next)s。")
            else:
                message = _("没有完全相同的前几笔收支，笔次应为 1（或留空）。")
            raise RowError("ordinal", message % {"n": twins, "next": twins + 1})
        return services.ledger_record(**line, within=self.within)

    def update(self, obj: LedgerEntry, row: Row, changed: dict[str, Any]) -> LedgerEntry:
        return obj  # never called: `changes` is always empty
