"""Spreadsheet import and export of the activities records (activities/imports/).

Every kind: a good file is created, importing it again changes nothing, a file
written by `export_records KIND --scope CODE` imports back unchanged, a file
with any bad row imports nothing and lists every error with its row and column,
and a row outside the importer's scope is an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO, StringIO
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from activities import services
from activities.models import (
    Aid,
    Assessment,
    AssessmentScore,
    Award,
    Event,
    EventMaterial,
    EventType,
    LedgerEntry,
    Project,
    SelfGovernance,
)
from associations.models import Role
from associations.services import account_create, system_actor
from associations.spreadsheets.exporting import write_export
from associations.spreadsheets.importing import import_file
from members import idcard
from tests.activities.factories import ProjectFactory
from tests.members.factories import HouseholdFactory, MemberFactory, MemberGroupFactory

D = dt.date
TOWN_A, V_A1, V_A2, V_B1 = "33079901", "33079901201", "33079901202", "33079902201"
MEMBER_ID = idcard.make("330703", D(1975, 4, 12), 36)
MEMBER_B_ID = idcard.make("330703", D(1976, 5, 13), 38)


def xlsx(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> BytesIO:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def run(kind: str, header, rows, *, by=None, dry_run: bool = False):
    """Import as `by`, or as the system actor (commands) when none is named."""
    return import_file(kind, xlsx(header, rows), by=by or system_actor(), dry_run=dry_run)


def where(report) -> set[tuple[int, str]]:
    return {(error.row, error.column) for error in report.errors}


def messages(report) -> str:
    return "\n".join(str(error) for error in report.errors)


def first_sheet(content: bytes) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(BytesIO(content), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def world(network):
    """Households, a member and projects the aid and award files refer to."""
    HouseholdFactory(association=network["village_a1"], code="HA1", head_name="张三")
    HouseholdFactory(association=network["village_a2"], code="HA2", head_name="李四")
    HouseholdFactory(association=network["village_b1"], code="HB1", head_name="王五")
    MemberFactory(association=network["village_a1"], id_number=MEMBER_ID, name="赵会员")
    MemberFactory(association=network["village_b1"], id_number=MEMBER_B_ID, name="钱会员")
    ProjectFactory(association=network["town_a"], code="XMA", started_on=D(2024, 1, 1))
    ProjectFactory(association=network["village_a1"], code="XMV", started_on=D(2024, 1, 1))
    ProjectFactory(association=network["town_b"], code="XMB", started_on=D(2024, 1, 1))
    return network


# ── the kinds, as data ──────────────────────────────────────────────────────


@dataclass
class Spec:
    model: type[models.Model]
    header: list[str]
    good: list[list[Any]]
    # Bad rows, each with the column its error names; they follow good[0] (rows 3, 4, …).
    bad: list[tuple[list[Any], str]]
    outside: list[Any]  # a row for town B, refused to town A's secretary …
    outside_column: str  # … naming this column
    related: list[Callable[[], list]] = field(default_factory=list)


SPECS: dict[str, Spec] = {
    "events": Spec(
        model=Event,
        header=[
            "协会编码",
            "类型",
            "标题",
            "开始日期",
            "结束日期",
            "参与人数",
            "费用",
            "宣传单",
            "横幅",
        ],
        good=[
            [V_A1, "5·29", "会员活动日宣传", "2024-05-29", None, 120, 5000, 500, 2],
            [TOWN_A, "培训", "秘书长培训", D(2024, 3, 1), D(2024, 3, 2), 60, "1,200.50", None, 0],
            [int(V_A2), "查体", "妇女健康检查", "2024/6/1", None, 80, None, None, None],
        ],
        bad=[
            ([V_A1, "讲座", "健康讲座", "2024-06-05", "2024-06-01", 30, 0, None, None], "结束日期"),
            ([V_A1, "讲座", "第二讲", "2024-06-08", None, -5, 0, None, None], "参与人数"),
            (["99999999", "讲座", "第三讲", "2024-06-09", None, 5, 0, None, None], "协会编码"),
            ([V_A1, "跳舞", "广场舞", "2024-06-10", None, 5, 0, None, None], "类型"),
            ([V_A1, "宣传", "宣传日", "2024-06-11", None, 5, -1, None, None], "费用"),
            ([V_A1, "宣传", "发资料", "2024-06-12", None, 5, 0, -3, None], "宣传单"),
        ],
        outside=[V_B1, "宣传", "乙村宣传", "2024-05-29", None, 10, 0, None, None],
        outside_column="协会编码",
        related=[lambda: list(EventMaterial.objects.order_by("pk").values())],
    ),
    "projects": Spec(
        model=Project,
        header=[
            *("项目编码", "协会编码", "类别", "名称", "开始日期", "筹集资金", "支出资金"),
            *("脱贫户数", "安置就业人数", "结束日期"),
        ],
        good=[
            ["XM001", TOWN_A, "少生快富", "桃园基地", "2024-03-01", 50000, 30000, 12, 20, None],
            ["XM002", V_A1, "关爱女孩", "助学金", "2024-01-01", 7500, 7500, 0, 0, "2024-12-31"],
        ],
        bad=[
            (["XM003", V_A1, "三结合", "企业", "2024-05-01", 0, 0, 0, 0, "2024-04-01"], "结束日期"),
            (["XM004", V_A1, "三结合", "企业", "2024-05-01", -100, 0, 0, 0, None], "筹集资金"),
            (["XM005", V_A1, "种田", "企业", "2024-05-01", 0, 0, 0, 0, None], "类别"),
            (["XM006", "123", "三结合", "企业", "2024-05-01", 0, 0, 0, 0, None], "协会编码"),
            (["XM007", V_A1, "三结合", "企业", "2024-05-01", 0, 0, -1, 0, None], "脱贫户数"),
        ],
        outside=["XM100", V_B1, "少生快富", "乙村项目", "2024-03-01", 0, 0, 0, 0, None],
        outside_column="协会编码",
    ),
    "aid": Spec(
        model=Aid,
        header=["户编码", "日期", "方式", "金额", "项目编码", "帮扶单位"],
        good=[
            ["HA1", "2024-06-01", "现金", 500, "XMA", None],
            ["HA2", "2024-06-01", "实物", 300, None, "民政办"],
            ["HA2", "2024-06-01", "实物", 200, None, "妇联"],
            ["HA1", "2024-07-01", "助学金", 1000, "XMV", None],
        ],
        bad=[
            (["HA2", "2024-06-02", "现金", 100, "XMV", None], "户编码"),
            (["HA1", "2024-06-03", "现金", -100, None, "民政办"], "金额"),
            (["HA1", "2024-06-04", "现金", 100, "XM-NONE", None], "项目编码"),
            (["H-NONE", "2024-06-05", "现金", 100, None, None], "户编码"),
            (["HA1", "2023-06-05", "现金", 100, "XMA", None], "日期"),
        ],
        outside=["HB1", "2024-06-01", "现金", 100, None, "民政办"],
        outside_column="户编码",
    ),
    "awards": Spec(
        model=Award,
        header=["年度", "级别", "称号", "授予单位", "获奖协会编码", "获奖会员身份证号"],
        good=[
            [2024, "市级", "先进集体", "市计生协", V_A1, None],
            [2024, "县", "五好会员", "区计生协", None, MEMBER_ID],
            [2023, "省级", "示范协会", "省计生协", TOWN_A, None],
        ],
        bad=[
            ([2024, "市级", "先进集体", "市计生协", None, None], "获奖协会编码"),
            (
                [
                    2024,
                    "市级",
                    "先进个人",
                    "市计生协",
                    None,
                    MEMBER_ID[:-1] + ("1" if MEMBER_ID[-1] != "1" else "2"),
                ],
                "获奖会员身份证号",
            ),
            ([2024, "宇宙级", "先进集体", "县计生协", V_A2, None], "级别"),
            ([1900, "市级", "先进集体", "市计生协", V_A2, None], "年度"),
            ([2024, "市级", "好媳妇", "市计生协", V_A2, MEMBER_ID], "获奖协会编码"),
        ],
        outside=[2024, "市级", "先进集体", "市计生协", V_B1, None],
        outside_column="获奖协会编码",
    ),
    "assessments": Spec(
        model=Assessment,
        header=["协会编码", "年度", "模板", "达标项"],
        good=[
            [V_A1, 2024, "八有", "1,2,3,4,5,6,7,8"],
            [V_A2, 2024, "ba_you", "1、2，3 5"],
            [V_A1, 2024, "三有", None],
            [TOWN_A, 2024, "一好四建", "1-4"],
        ],
        bad=[
            ([V_A2, 2024, "三有", "1,2,9"], "达标项"),
            ([V_A2, 2024, "九有", "1"], "模板"),
            ([V_A2, 2024, "示范协会", "一,二"], "达标项"),
            (["88888888", 2024, "八有", "1"], "协会编码"),
        ],
        outside=[V_B1, 2024, "八有", "1"],
        outside_column="协会编码",
        related=[lambda: sorted(AssessmentScore.objects.values_list("item", "score", "evidence"))],
    ),
    "selfgov": Spec(
        model=SelfGovernance,
        header=["协会编码", "年度", "制定章程", "章程日期", "应签户数", "已签户数", "试点村"],
        good=[
            [V_A1, 2024, "是", "2023-03-15", 420, 398, "否"],
            [V_A2, 2024, "否", None, 300, 0, "是"],
            ["33079901001", 2023, "√", D(2023, 1, 5), 100, 100, None],
        ],
        bad=[
            ([V_A2, 2023, "是", "2023-01-01", 100, 120, "否"], "已签户数"),
            ([TOWN_A, 2024, "否", None, 0, 0, "否"], "协会编码"),
            ([V_A2, 2022, "是", None, 10, 5, "否"], "章程日期"),
            ([V_A2, 2021, "否", None, -10, 0, "否"], "应签户数"),
            ([V_A2, 2020, "也许", None, 10, 0, "否"], "制定章程"),
        ],
        outside=[V_B1, 2024, "是", "2023-03-15", 100, 50, "否"],
        outside_column="协会编码",
    ),
    "ledger": Spec(
        model=LedgerEntry,
        header=["协会编码", "日期", "收支", "来源或用途", "金额", "摘要"],
        good=[
            [TOWN_A, "2024-01-10", "收入", "计生部门拨款", 50000, None],
            [TOWN_A, "2024-05-29", "支出", "活动", 5000, "5·29宣传品"],
            [V_A1, "2024-05-29", "支出", "办公费", "100元", None],
            [V_A1, "2024-05-30", "收", "自筹", 800, "村民捐款"],
        ],
        bad=[
            ([TOWN_A, "2024-06-01", "支出", "办公", -5, None], "金额"),
            ([TOWN_A, "2024-06-01", "支出", "办公", 0, None], "金额"),
            ([TOWN_A, "2024-06-02", "收入", "办公", 10, None], "来源或用途"),
            ([TOWN_A, "2024-06-03", "借", "办公", 10, None], "收支"),
            ([TOWN_A, "2024-13-03", "支出", "办公", 10, None], "日期"),
        ],
        outside=[V_B1, "2024-06-01", "支出", "办公", 10, None],
        outside_column="协会编码",
    ),
}
KINDS = list(SPECS)


def snapshot(spec: Spec) -> list:
    """Every stored value of the kind and its related rows."""
    return [list(spec.model.objects.order_by("pk").values()), *(f() for f in spec.related)]


# ── every kind ──────────────────────────────────────────────────────────────


@pytest.mark.parametrize("kind", KINDS)
def test_good_file_is_created(world, town_secretary, kind):
    spec = SPECS[kind]
    before = spec.model.objects.count()
    report = run(kind, spec.header, spec.good, by=town_secretary)
    assert report.ok, messages(report)
    assert report.committed
    assert (report.created, report.updated, report.unchanged) == (len(spec.good), 0, 0)
    assert spec.model.objects.count() == before + len(spec.good)


@pytest.mark.parametrize("kind", KINDS)
def test_reimport_changes_nothing(world, town_secretary, kind):
    spec = SPECS[kind]
    assert run(kind, spec.header, spec.good, by=town_secretary).ok
    stored = snapshot(spec)
    again = run(kind, spec.header, spec.good, by=town_secretary)
    assert again.ok, messages(again)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(spec.good))
    assert snapshot(spec) == stored


@pytest.mark.parametrize("kind", KINDS)
def test_export_command_file_imports_back_unchanged(world, town_secretary, tmp_path, kind):
    spec = SPECS[kind]
    assert run(kind, spec.header, spec.good, by=town_secretary).ok
    stored = snapshot(spec)
    path = tmp_path / f"{kind}.xlsx"
    call_command(
        "export_records",
        kind,
        "--scope",
        TOWN_A,
        "-o",
        str(path),
        "--purpose",
        "年度核对",
        stdout=StringIO(),
    )
    exported = first_sheet(path.read_bytes())
    assert set(spec.header) <= set(exported[0])
    in_town_a = spec.model.objects.within(world["town_a"]).count()
    assert len(exported) - 1 == in_town_a >= len(spec.good)
    report = import_file(kind, path, by=town_secretary)
    assert report.ok, messages(report)
    assert (report.created, report.updated, report.unchanged) == (0, 0, in_town_a)
    assert snapshot(spec) == stored


@pytest.mark.parametrize("kind", KINDS)
def test_any_bad_row_imports_nothing_and_every_error_is_listed(world, town_secretary, kind):
    spec = SPECS[kind]
    before = snapshot(spec)
    rows = [spec.good[0], *(row for row, _column in spec.bad)]
    report = run(kind, spec.header, rows, by=town_secretary)
    assert not report.ok
    assert not report.committed
    expected = {(number, column) for number, (_row, column) in enumerate(spec.bad, start=3)}
    assert where(report) == expected, messages(report)
    assert all(error.message for error in report.errors)
    assert "第 3 行" in str(report.errors[0])
    assert snapshot(spec) == before


@pytest.mark.parametrize("kind", KINDS)
def test_row_outside_the_importers_scope_is_an_error(world, town_secretary, kind):
    spec = SPECS[kind]
    before = snapshot(spec)
    report = run(kind, spec.header, [spec.good[0], spec.outside], by=town_secretary)
    assert where(report) == {(3, spec.outside_column)}, messages(report)
    assert "管辖范围" in report.errors[0].message
    assert snapshot(spec) == before


@pytest.mark.parametrize("kind", KINDS)
def test_dry_run_and_read_only_accounts_write_nothing(world, town_secretary, county_officer, kind):
    spec = SPECS[kind]
    before = snapshot(spec)
    checked = run(kind, spec.header, spec.good, by=town_secretary, dry_run=True)
    assert checked.ok and checked.created == len(spec.good)
    refused = run(kind, spec.header, spec.good, by=county_officer)
    assert not refused.ok and "只读" in refused.errors[0].message
    assert snapshot(spec) == before


# ── events ──────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("5·29", EventType.MEMBER_DAY),
        (529, EventType.MEMBER_DAY),
        ("会员活动日", EventType.MEMBER_DAY),
        ("5·29会员活动日", EventType.MEMBER_DAY),
        ("9·25", EventType.SEPT_25),
        ("母亲节", EventType.MOTHERS_DAY),
        ("培训", EventType.TRAINING),
        ("讲座", EventType.LECTURE),
        ("健康检查", EventType.SCREENING),
        ("筛查", EventType.SCREENING),
        ("查体", EventType.SCREENING),
        ("宣传", EventType.PUBLICITY),
        ("展览", EventType.EXHIBITION),
        ("会员代表大会", EventType.CONGRESS),
        ("理事会", EventType.CONGRESS),
        ("现场会", EventType.SITE_MEETING),
        ("防疫", EventType.EMERGENCY),
        ("应急", EventType.EMERGENCY),
        ("慰问", EventType.CONDOLENCE),
        ("走访", EventType.CONDOLENCE),
        ("其他", EventType.OTHER),
    ],
)
def test_event_types_accept_labels_and_aliases(network, written, expected):
    report = run(
        "events", ["协会编码", "类型", "标题", "开始日期"], [[V_A1, written, "活动", "2024-05-29"]]
    )
    assert report.ok, messages(report)
    assert Event.objects.get().type == expected


def test_event_extras_materials_and_updates(network, town_secretary):
    header = [
        *("协會編碼", "類型", "標題", "開始日期", "地点", "检查人数", "查出病例数"),
        *("培训天数", "宣传单", "墙报/黑板报", "避孕药具"),
    ]
    row = [V_A1, "健康检查", "妇女病普查", "2024-06-01", "卫生院", 551, 216, 1.5, 300, 4, 0]
    report = run("events", header, [row], by=town_secretary)
    assert report.ok, messages(report)
    event = Event.objects.get()
    assert (event.place, event.screened, event.cases_found) == ("卫生院", 551, 216)
    assert event.training_days == Decimal("1.5")
    assert dict(event.materials.values_list("kind", "quantity")) == {
        "leaflet": 300,
        "wall_board": 4,
    }
    # More leaflets, no more wall boards; the other columns left empty keep their values.
    changed = run(
        "events",
        ["协会编码", "类型", "标题", "开始日期", "宣传单", "墙报"],
        [[V_A1, "筛查", "妇女病普查", "2024-06-01", 350, 0]],
        by=town_secretary,
    )
    assert (changed.updated, changed.created) == (1, 0), messages(changed)
    event.refresh_from_db()
    assert dict(event.materials.values_list("kind", "quantity")) == {"leaflet": 350}
    assert event.screened == 551


def test_event_cases_beyond_screened_is_a_row_error(network):
    header = ["协会编码", "类型", "标题", "开始日期", "检查人数", "查出病例数"]
    report = run("events", header, [[V_A1, "筛查", "普查", "2024-06-01", 10, 20]])
    assert where(report) == {(2, "查出病例数")}
    assert Event.objects.count() == 0


def test_event_export_writes_materials_and_labels(network):
    services.event_create(
        by=system_actor(),
        association=network["village_a1"],
        type=EventType.SEPT_25,
        title="9·25纪念",
        started_on=D(2024, 9, 25),
        participants=40,
        cost=Decimal("800.50"),
        materials={"banner": 3, "other": 7},
    )
    buffer = BytesIO()
    assert write_export("events", buffer, scope=network["county"], by=system_actor()) == 1
    rows = first_sheet(buffer.getvalue())
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["类型"] == "9·25纪念活动"
    assert (record["横幅"], record["其他资料"], record["宣传单"]) == (3, 7, None)
    assert record["费用"] == pytest.approx(800.5)


# ── projects ────────────────────────────────────────────────────────────────


def test_project_update_and_breakdown_guard(network, town_secretary):
    header = SPECS["projects"].header
    assert run("projects", header, SPECS["projects"].good, by=town_secretary).ok
    row = [
        "XM001",
        TOWN_A,
        "少生快富",
        "桃园基地（二期）",
        "2024-03-01",
        60000,
        30000,
        15,
        20,
        None,
    ]
    report = run("projects", header, [row], by=town_secretary)
    assert (report.updated, report.unchanged) == (1, 0), messages(report)
    project = Project.objects.get(code="XM001")
    assert (project.name, project.funds_raised, project.households_out_of_poverty) == (
        "桃园基地（二期）",
        Decimal("60000.00"),
        15,
    )
    services.project_create(
        by=system_actor(),
        code="XM-F",
        association=network["town_a"],
        kind="fewer_births",
        name="有明细",
        started_on=D(2024, 1, 1),
        funding={"bureau": (1000, 500)},
    )
    guarded = run(
        "projects",
        ["项目编码", "协会编码", "类别", "名称", "开始日期", "筹集资金"],
        [["XM-F", TOWN_A, "少生快富", "有明细", "2024-01-01", 2000]],
        by=town_secretary,
    )
    assert where(guarded) == {(2, "筹集资金")}
    assert Project.objects.get(code="XM-F").funds_raised == Decimal(1000)


def test_project_of_town_b_is_not_updated_by_town_a(world, town_secretary):
    row = ["XMB", TOWN_A, "少生快富", "改名", "2024-01-01", 0, 0, 0, 0, None]
    report = run("projects", SPECS["projects"].header, [row], by=town_secretary)
    assert where(report) == {(2, "项目编码")}
    assert Project.objects.get(code="XMB").association.code == "33079902"


# ── aid ─────────────────────────────────────────────────────────────────────


def test_aid_household_outside_project_subtree_is_named(world):
    report = run(
        "aid",
        ["户编码", "日期", "方式", "金额", "项目编码"],
        [["HA2", "2024-06-01", "现金", 100, "XMV"]],
    )
    assert where(report) == {(2, "户编码")}
    assert "不在项目" in report.errors[0].message
    assert Aid.objects.count() == 0


def test_aid_updates_amount_and_provider_of_project_aid(world, town_secretary):
    header = ["户编码", "日期", "方式", "金额", "项目编码", "帮扶单位", "说明"]
    assert run("aid", header, [["HA1", "2024-06-01", "现金", 500, "XMA", None, None]]).ok
    report = run(
        "aid",
        header,
        [["HA1", "2024-06-01", "现金", 600, "XMA", "镇政府", "补发"]],
        by=town_secretary,
    )
    assert (report.updated, report.created) == (1, 0), messages(report)
    aid = Aid.objects.get()
    assert (aid.amount, aid.provider, aid.note) == (Decimal(600), "镇政府", "补发")


def test_aid_duplicate_rows_are_reported(world):
    header = ["户编码", "日期", "方式", "金额", "项目编码", "帮扶单位"]
    report = run(
        "aid",
        header,
        [
            ["HA1", "2024-06-01", "现金", 500, "XMA", None],
            ["HA1", "2024-06-01", "现金", 600, "XMA", "镇政府"],
            ["HA2", "2024-06-01", "现金", 10, None, "妇联"],
            ["HA2", "2024-06-01", "现金", 20, None, "妇联"],
        ],
    )
    assert where(report) == {(3, "户编码"), (5, "户编码")}
    assert "与第 2 行重复" in report.errors[0].message
    assert Aid.objects.count() == 0


# ── awards ──────────────────────────────────────────────────────────────────


def test_award_to_a_member_matches_with_or_without_the_association(world, town_secretary):
    header = SPECS["awards"].header
    assert run("awards", header, [[2024, "县级", "五好会员", "区计生协", None, MEMBER_ID]]).ok
    award = Award.objects.get()
    assert award.association.code == V_A1 and award.member.id_number == MEMBER_ID
    report = run(
        "awards",
        header,
        [[2024, "市级", "五好会员", "区计生协", V_A1, MEMBER_ID]],
        by=town_secretary,
    )
    assert (report.updated, report.created) == (1, 0), messages(report)
    award.refresh_from_db()
    assert award.level == "city"


def test_award_member_outside_scope_is_refused(world, town_secretary):
    header = SPECS["awards"].header
    report = run(
        "awards",
        header,
        [[2024, "县级", "五好会员", "区计生协", None, MEMBER_B_ID]],
        by=town_secretary,
    )
    assert where(report) == {(2, "获奖会员身份证号")}
    assert Award.objects.count() == 0


def test_award_household_recipient(world):
    report = run(
        "awards",
        ["年度", "级别", "称号", "授予单位", "获奖户编码"],
        [[2024, "镇级", "好婆婆好媳妇", "甲镇计生协", "HA2"]],
    )
    assert report.ok, messages(report)
    award = Award.objects.get()
    assert (award.household.code, award.association.code) == ("HA2", V_A2)


AWARD_HEADER = [
    *("年度", "级别", "称号", "授予单位", "获奖协会编码", "获奖会员身份证号", "获奖户编码"),
    *("获奖会员小组", "获奖个人姓名"),
]


@pytest.fixture
def groups(world):
    """Two villages of town A each have a 第一会员小组; 第三 is village B1's."""
    return {
        (code, name): MemberGroupFactory(association=world[key], name=name)
        for key, code, name in [
            ("village_a1", V_A1, "第一会员小组"),
            ("village_a2", V_A2, "第一会员小组"),
            ("village_a1", V_A1, "第二会员小组"),
            ("village_b1", V_B1, "第三会员小组"),
        ]
    }


def test_awards_to_member_groups_and_named_people(groups, world, town_secretary):
    rows = [
        [2024, "省级", "优秀会员小组", "省计生协", V_A2, None, None, "第一会员小组", None],
        [2024, "省级", "优秀会员小组", "省计生协", None, None, None, "第二会员小组", None],
        [2024, "国家级", "先进个人", "中国计生协", TOWN_A, None, None, None, "陈秘书长"],
    ]
    report = run("awards", AWARD_HEADER, rows, by=town_secretary)
    assert (report.ok, report.created) == (True, 3), messages(report)
    assert {(a.association.code, a.member_group, a.person_name) for a in Award.objects.all()} == {
        (V_A2, groups[(V_A2, "第一会员小组")], ""),
        (V_A1, groups[(V_A1, "第二会员小组")], ""),
        (TOWN_A, None, "陈秘书长"),
    }
    again = run("awards", AWARD_HEADER, rows, by=town_secretary)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3), messages(again)
    # The export names the group and the person, and imports back unchanged.
    buffer = BytesIO()
    write_export("awards", buffer, scope=world["town_a"], by=town_secretary)
    exported = first_sheet(buffer.getvalue())
    header = exported[0]
    cells = {
        (r[header.index("获奖会员小组")], r[header.index("获奖个人姓名")]) for r in exported[1:]
    }
    assert cells == {("第一会员小组", None), ("第二会员小组", None), (None, "陈秘书长")}
    buffer.seek(0)
    back = import_file("awards", buffer, by=town_secretary)
    assert (back.created, back.updated, back.unchanged) == (0, 0, 3), messages(back)


def test_award_group_and_person_errors_name_their_rows(groups, world, town_secretary):
    member, group = MEMBER_ID, "第一会员小组"
    rows = [
        [2024, "省级", "优秀会员小组", "省计生协", None, None, None, group, None],
        [2024, "省级", "优秀会员小组", "省计生协", V_A1, None, None, "第九会员小组", None],
        [2024, "省级", "优秀会员小组", "省计生协", V_A1, None, None, group, "陈秘书长"],
        [2024, "国家级", "先进个人", "中国计生协", None, None, None, None, "陈秘书长"],
        [2024, "国家级", "先进个人", "中国计生协", None, member, None, "第二会员小组", None],
        [2024, "省级", "优秀会员小组", "省计生协", V_B1, None, None, "第三会员小组", None],
        [2024, "省级", "优秀会员小组", "省计生协", V_A1, None, None, "第二会员小组", None],
    ]
    report = run("awards", AWARD_HEADER, rows, by=town_secretary)
    assert where(report) == {
        (2, "获奖会员小组"),
        (3, "获奖会员小组"),
        (4, "获奖个人姓名"),
        (5, "获奖协会编码"),
        (6, "获奖会员小组"),
        (7, "获奖会员小组"),
    }
    said = {(error.row, error.message) for error in report.errors}
    assert (
        2,
        "有 2 个协会都有名为“第一会员小组”的会员小组（甲一村计生协、甲二村计生协），"
        "请填写获奖协会编码。",
    ) in said
    assert (3, f"协会“{V_A1}”下没有名为“第九会员小组”的会员小组。") in said
    assert (4, "获奖对象只能是协会、会员小组、会员、家庭或个人中的一个。") in said
    assert (5, "获奖个人不在会员名册中时，须填写其所在的获奖协会编码。") in said
    assert (7, f"协会“{V_B1}”下没有名为“第三会员小组”的会员小组。") in said
    assert Award.objects.count() == 0


@pytest.fixture
def masked_secretary(network):
    """A secretary of town A whose account lacks members.view_personal_data."""
    return account_create(
        by=system_actor(),
        username="masked_secretary",
        password="pw-for-tests-1",
        association=network["town_a"],
        role=Role.SECRETARY,
    )


def test_award_export_masks_id_numbers_without_permission(
    world, county_secretary, masked_secretary, client_for
):
    run("awards", SPECS["awards"].header, SPECS["awards"].good)
    url = reverse("associations:export", args=["awards"]) + f"?scope={world['town_a'].pk}"

    def exported_ids(user, **full) -> list:
        client = client_for(user)
        response = (
            client.post(url, {"scope": world["town_a"].pk, **full}) if full else client.get(url)
        )
        rows = first_sheet(b"".join(response.streaming_content))
        return [row[rows[0].index("获奖会员身份证号")] for row in rows[1:]]

    assert not masked_secretary.has_perm("members.view_personal_data")
    masked = exported_ids(masked_secretary)
    assert idcard.mask(MEMBER_ID) in masked and MEMBER_ID not in masked
    assert county_secretary.has_perm("members.view_personal_data")
    # The everyday export is masked for everyone; full IDs come with a stated purpose.
    assert MEMBER_ID not in exported_ids(county_secretary)
    assert MEMBER_ID in exported_ids(county_secretary, purpose="核对表彰名单")


def test_award_masked_export_cannot_be_imported(world, masked_secretary, tmp_path):
    run("awards", SPECS["awards"].header, SPECS["awards"].good)
    path = tmp_path / "awards.xlsx"
    call_command(
        "export_records",
        "awards",
        "--scope",
        TOWN_A,
        "-o",
        str(path),
        "--purpose",
        "核对",
        stdout=StringIO(),
    )
    assert MEMBER_ID in [row[5] for row in first_sheet(path.read_bytes())]  # with a purpose
    buffer = BytesIO()
    write_export("awards", buffer, scope=world["town_a"], by=masked_secretary)
    buffer.seek(0)
    report = import_file("awards", buffer, by=masked_secretary)
    assert [error.column for error in report.errors] == ["获奖会员身份证号"]
    assert "打码" in report.errors[0].message


# ── assessments ─────────────────────────────────────────────────────────────


def met(assessment: Assessment) -> list[int]:
    return sorted(row.item.number for row in assessment.scores.all() if row.score)


def test_assessment_items_and_passed(network):
    spec = SPECS["assessments"]
    assert run("assessments", spec.header, spec.good).ok
    got = {
        (a.association.code, a.template.code): (met(a), a.total_score, a.passed)
        for a in Assessment.objects.all()
    }
    assert got == {
        (V_A1, "ba_you"): (list(range(1, 9)), 8, True),
        (V_A2, "ba_you"): ([1, 2, 3, 5], 4, False),
        (V_A1, "san_you"): ([], 0, False),
        (TOWN_A, "yi_hao_si_jian"): ([1, 2, 3, 4], 4, True),
    }


def test_assessment_unknown_item_is_named(network):
    report = run("assessments", SPECS["assessments"].header, [[V_A1, 2024, "三有", "1,2,9"]])
    assert where(report) == {(2, "达标项")}
    assert "9" in report.errors[0].message and "三有" in report.errors[0].message


def test_assessment_reimport_replaces_items(network):
    header = SPECS["assessments"].header
    assert run("assessments", header, [[V_A1, 2024, "三有", "1"]]).ok
    report = run("assessments", header, [[V_A1, 2024, "san_you", "1,2,3"]])
    assert (report.updated, report.created) == (1, 0), messages(report)
    assessment = Assessment.objects.get()
    assert assessment.passed and met(assessment) == [1, 2, 3]
    assert run("assessments", header, [[V_A1, 2024, "三有", "2"]]).ok
    assert met(Assessment.objects.get()) == [2]


def test_assessment_partial_scores_in_the_items_column(network, scored_template, tmp_path):
    """“3=4.5” scores part of an item; full points are written as the bare number, and the
    exported file imports back unchanged."""
    header = SPECS["assessments"].header
    row = [V_A1, 2024, "目标管理考核", "1, 2=9, 3=30, 4=16 5=8"]
    assert run("assessments", header, [row]).ok
    assessment = Assessment.objects.get()
    assert (assessment.total_score, assessment.grade, assessment.passed) == (92, "excellent", True)
    path = tmp_path / "assessments.xlsx"
    call_command("export_records", "assessments", "--scope", TOWN_A, "-o", str(path),
                 "--purpose", "核对", stdout=StringIO())  # fmt: skip
    exported = first_sheet(path.read_bytes())
    written = dict(zip(exported[0], exported[1], strict=True))
    assert (written["达标项"], written["总分"], written["等级"]) == ("1,2=9,3,4=16,5=8", 92, "优秀")
    report = import_file("assessments", path, by=system_actor())
    assert (report.unchanged, report.updated) == (1, 0), messages(report)
    rows = [[V_A1, 2024, "目标管理考核", "1=11"], [V_A2, 2024, "目标管理考核", "1,1=2"]]
    bad = run("assessments", header, rows)
    assert where(bad) == {(2, "达标项"), (3, "达标项")}
    assert "0–10 分" in bad.errors[0].message and "两次" in bad.errors[1].message


# ── self-governance ─────────────────────────────────────────────────────────


def test_selfgov_provisions_and_dropping_the_charter(network):
    header = [
        "协会编码",
        "年度",
        "制定章程",
        "章程日期",
        "应签户数",
        "已签户数",
        "独生子女户优惠条款",
    ]
    assert run("selfgov", header, [[V_A1, 2024, "是", "2023-03-15", 10, 8, "是"]]).ok
    row = SelfGovernance.objects.get()
    assert row.benefits_one_child and row.charter_adopted_on == D(2023, 3, 15)
    report = run("selfgov", header, [[V_A1, 2024, "否", None, None, None, None]])
    assert report.updated == 1, messages(report)
    row.refresh_from_db()
    assert (row.charter_adopted, row.charter_adopted_on, row.benefits_one_child) == (
        False,
        None,
        False,
    )
    assert (row.households_due, row.households_signed) == (10, 8)


# ── ledger ──────────────────────────────────────────────────────────────────


def test_identical_ledger_lines_need_a_count(network, tmp_path):
    header = ["协会编码", "日期", "收支", "来源或用途", "金额", "摘要"]
    line = [V_A1, "2024-03-01", "支出", "办公", 50, "文具"]
    twice = run("ledger", header, [line, line])
    assert where(twice) == {(3, "协会编码")}
    assert "与第 2 行重复" in twice.errors[0].message
    counted = run("ledger", [*header, "笔次"], [[*line, None], [*line, 2]])
    assert counted.ok and counted.created == 2, messages(counted)
    path = tmp_path / "ledger.xlsx"
    call_command("export_records", "ledger", "--scope", V_A1, "-o", str(path), stdout=StringIO())
    rows = first_sheet(path.read_bytes())
    assert [row[rows[0].index("笔次")] for row in rows[1:]] == [None, 2]
    again = import_file("ledger", path, by=system_actor())
    assert (again.unchanged, again.created) == (2, 0), messages(again)
    assert LedgerEntry.objects.count() == 2


def test_ledger_count_must_follow_the_stored_lines(network):
    header = ["协会编码", "日期", "收支", "来源或用途", "金额", "摘要", "笔次"]
    report = run("ledger", header, [[V_A1, "2024-03-01", "支出", "办公", 50, None, 3]])
    assert where(report) == {(2, "笔次")}
    assert LedgerEntry.objects.count() == 0


def test_ledger_categories_follow_direction(network):
    header = ["协会编码", "日期", "收支", "来源或用途", "金额"]
    report = run(
        "ledger",
        header,
        [
            [TOWN_A, "2024-01-01", "收入", "其他", 10],
            [TOWN_A, "2024-01-01", "支出", "其他", 10],
            [TOWN_A, "2024-01-02", "收入", "財政", 20],
            [TOWN_A, "2024-01-02", "支出", "津贴", 20],
        ],
    )
    assert report.ok, messages(report)
    got = sorted(LedgerEntry.objects.values_list("direction", "source", "purpose"))
    assert got == [
        ("expense", "", "allowance"),
        ("expense", "", "other"),
        ("income", "budget", ""),
        ("income", "other", ""),
    ]


# ── commands, staff page and admin ──────────────────────────────────────────


def test_import_command_reports_errors_and_refuses(network, tmp_path):
    path = tmp_path / "events.xlsx"
    path.write_bytes(xlsx(SPECS["events"].header, [SPECS["events"].bad[0][0]]).getvalue())
    out = StringIO()
    with pytest.raises(Exception, match="导入失败"):
        call_command("import_records", "events", str(path), stdout=out)
    assert "第 2 行〔结束日期〕" in out.getvalue()
    assert Event.objects.count() == 0


def test_staff_page_offers_the_activities_kinds(network, town_secretary, client_for):
    response = client_for(town_secretary).get(reverse("associations:imports"))
    assert response.status_code == 200
    page = response.content.decode()
    for label in ("活动", "项目", "帮扶记录", "表彰", "考核", "村民自治", "经费收支"):
        assert f"<th>{label}</th>" in page
    for kind in KINDS:
        assert reverse("associations:import_template", args=[kind]) in page


@pytest.mark.parametrize("kind", KINDS)
def test_template_download_has_the_contract_headers(network, town_secretary, client_for, kind):
    response = client_for(town_secretary).get(reverse("associations:import_template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    header = first_sheet(b"".join(response.streaming_content))[0]
    contract = {
        "events": ["协会编码", "类型", "标题", "开始日期", "结束日期", "参与人数", "费用"],
        "projects": [
            *("项目编码", "协会编码", "类别", "名称", "开始日期", "筹集资金", "支出资金"),
            *("脱贫户数", "安置就业人数"),
        ],
        "aid": ["户编码", "日期", "方式", "金额", "项目编码"],
        "awards": ["年度", "级别", "称号", "授予单位", "获奖协会编码", "获奖会员身份证号"],
        "assessments": ["协会编码", "年度", "模板", "达标项"],
        "selfgov": ["协会编码", "年度", "制定章程", "章程日期", "应签户数", "已签户数", "试点村"],
        "ledger": ["协会编码", "日期", "收支", "来源或用途", "金额"],
    }[kind]
    assert header[: len(contract)] == contract


def test_staff_upload_preview_and_confirm(network, town_secretary, client_for):
    client = client_for(town_secretary)
    spec = SPECS["ledger"]
    upload = xlsx(spec.header, spec.good)
    upload.name = "经费.xlsx"
    url = reverse("associations:import_upload", args=["ledger"])
    preview = client.post(url, {"file": upload}, follow=True)
    assert preview.status_code == 200
    assert LedgerEntry.objects.count() == 0
    token = preview.context["token"]
    result = client.post(reverse("associations:import_confirm"), {"token": token})
    assert result.status_code == 200
    assert LedgerEntry.objects.count() == len(spec.good)


@pytest.mark.parametrize(
    "model", ["event", "project", "aid", "award", "assessment", "selfgovernance", "ledgerentry"]
)
def test_admin_offers_import_and_export(network, town_admin, client_for, model):
    client = client_for(town_admin)
    assert client.get(reverse(f"admin:activities_{model}_import")).status_code == 200
    assert client.get(reverse(f"admin:activities_{model}_export")).status_code == 200


def test_admin_export_writes_the_same_file(world, town_admin, client_for):
    spec = SPECS["ledger"]
    line = [V_A1, "2024-03-01", "支出", "办公", 50, "文具"]
    assert run("ledger", [*spec.header, "笔次"], [[*line, 1], [*line, 2]]).ok
    response = client_for(town_admin).post(
        reverse("admin:activities_ledgerentry_export"), {"format": "0", "resource": "0"}
    )
    assert response.status_code == 200
    rows = first_sheet(response.content)
    assert rows[0][:6] == spec.header
    assert sorted(row[rows[0].index("笔次")] or 1 for row in rows[1:]) == [1, 2]


def test_admin_import_previews_and_confirms_through_the_engine(world, town_admin, client_for):
    client = client_for(town_admin)
    spec = SPECS["aid"]
    upload = xlsx(spec.header, spec.good)
    upload.name = "aid.xlsx"
    response = client.post(
        reverse("admin:activities_aid_import"),
        {"format": "0", "resource": "0", "import_file": upload},
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_validation_errors() and result.totals["new"] == len(spec.good)
    assert Aid.objects.count() == 0
    confirm = response.context["confirm_form"].initial
    response = client.post(reverse("admin:activities_aid_process_import"), confirm)
    assert response.status_code == 302
    assert Aid.objects.count() == len(spec.good)


def test_admin_import_lists_row_errors(world, town_admin, client_for):
    spec = SPECS["aid"]
    upload = xlsx(spec.header, [spec.good[0], spec.outside])
    upload.name = "aid.xlsx"
    response = client_for(town_admin).post(
        reverse("admin:activities_aid_import"),
        {"format": "0", "resource": "0", "import_file": upload},
    )
    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [3]
    assert "confirm_form" not in response.context
    assert Aid.objects.count() == 0


def test_only_administrators_import_in_the_admin(network, county_secretary, client_for):
    response = client_for(county_secretary).get(reverse("admin:activities_event_import"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("kind", KINDS)
def test_export_reads_in_a_fixed_number_of_queries(
    world, town_secretary, django_assert_max_num_queries, kind
):
    spec = SPECS[kind]
    assert run(kind, spec.header, spec.good, by=town_secretary).ok
    with django_assert_max_num_queries(4):
        write_export(kind, BytesIO(), scope=world["county"], by=system_actor())
