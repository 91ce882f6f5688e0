"""The annual tables as data: columns, rows, total row, rates, query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.catalog import INDICATORS, Kind, Rate, evaluate, evaluate_children
from reports.catalog.store import work_off
from reports.tables import (
    MAIN_TABLES,
    TABLES,
    TABLES_BY_KEY,
    WAN_YUAN,
    YUAN,
    Cell,
    Column,
    Row,
    Table,
    annual_table,
    annual_tables,
    column_parts,
    format_figure,
    in_money_unit,
    money_unit,
    table_codes,
    table_label,
    unit_line,
    unknown_codes,
)
from reports.targets import TargetCell
from tests.reports import tables_data
from tests.reports.tables_data import YEAR

# Every table together: one query per catalog source for the scope, one per
# source for the children, one for the list of children.
# Stored figures: the scope (pending marks, its row) and its children (marks, list, rows).
QUERY_BOUND = 6  # and the targets of the scope and its children


@pytest.fixture
def data(network):
    tables_data.seed(network)
    return network


def test_every_declared_code_is_in_the_catalog():
    assert unknown_codes() == []
    assert 5 <= len(MAIN_TABLES) <= 8
    assert len({spec.key for spec in TABLES}) == len(TABLES)


def test_tables_cover_the_issue_sections():
    keys = [spec.key for spec in MAIN_TABLES]
    assert keys == ["org", "members", "liaison", "projects", "events", "awards", "funds"]
    # The supplementary tables (附表) follow the main ones and are numbered on their own.
    assert [spec.supplement for spec in TABLES] == sorted(spec.supplement for spec in TABLES)
    assert [table_label(spec) for spec in TABLES][6:9] == ["表7", "附表1", "附表2"]
    assert {"members.total", "rate.aid_fp_share", "funds.income", "liaison.pairs"} <= set(
        table_codes()
    )


def test_by_children_rows_and_total_row(data):
    members = annual_table(data["county"], YEAR, "members")
    labels = [row.label for row in members.rows]
    assert labels == ["甲镇计生协", "乙镇计生协", "合计"]
    assert [row.code for row in members.rows] == ["33079901", "33079902", "330799"]
    assert members.rows[-1].is_total and not members.rows[0].is_total
    figures = {row.label: {c.code: c.value for c in row.cells} for row in members.rows}
    # Town A counts its own member too (5 = 3 + 1 + 1); the total is the county's evaluate().
    assert figures["甲镇计生协"]["members.total"] == 5
    assert figures["甲镇计生协"]["members.female"] == 4
    assert figures["乙镇计生协"]["members.total"] == 2
    assert figures["合计"]["members.total"] == 7
    assert figures["合计"]["members.female"] == 4


def test_total_row_is_the_scopes_own_figures_and_children_match_evaluate_children(data):
    county = data["county"]
    tables = annual_tables(county, YEAR)
    codes = table_codes()
    whole = evaluate(county, YEAR, codes)
    by_child = dict(evaluate_children(county, YEAR, codes))
    for table in tables:
        total = table.rows[-1]
        assert {c.code: c.value for c in total.cells} == {
            c: whole[c] for c in table_codes([_spec(table.key)])
        }
        for row, (child, figures) in zip(table.rows[:-1], by_child.items(), strict=True):
            assert row.code == child.code
            assert all(cell.value == figures[cell.code] for cell in row.cells)


def _spec(key):
    return next(spec for spec in TABLES if spec.key == key)


def test_rates_show_numerator_and_denominator_and_dash_when_empty(data):
    projects = annual_table(data["county"], YEAR, "projects")
    share = {
        row.label: next(c for c in row.cells if c.code == "rate.aid_fp_share")
        for row in projects.rows
    }
    assert share["甲镇计生协"].text == "50.0% (1/2)"
    assert share["乙镇计生协"].text == "100.0% (1/1)"
    assert share["合计"].text == "66.7% (2/3)"
    aid = {row.label: next(c for c in row.cells if c.code == "aid.amount") for row in projects.rows}
    assert aid["合计"].value == Decimal("1300")
    assert aid["合计"].text == "1,300.00"
    # A village without aid: an empty denominator is "—", never 0%.
    village = annual_table(data["village_a2"], YEAR, "projects")
    cell = next(c for c in village.rows[0].cells if c.code == "rate.aid_fp_share")
    assert cell.text == "—"


def test_whole_layout_is_one_row_named_after_the_scope(data):
    funds = annual_table(data["county"], YEAR, "funds", by_children=False)
    assert not funds.by_children
    assert [row.label for row in funds.rows] == ["示范区计生协"]
    income = next(c for c in funds.rows[0].cells if c.code == "funds.income")
    assert income.value == Decimal("3000.50")
    assert income.text == "3,000.50"


def test_a_scope_without_children_is_shown_whole(data):
    table = annual_table(data["village_a1"], YEAR, "members", by_children=True)
    assert not table.by_children
    assert [row.label for row in table.rows] == ["甲一村计生协"]
    assert table.rows[0].cells[0].value == 3


def test_table_heading_units_and_columns(data):
    tables = annual_tables(data["town_a"], YEAR)
    org, members, funds = tables[0], tables[1], tables[6]
    assert org.heading == "表1 组织建设"
    assert org.subtitle == "甲镇计生协 · 2024年度"
    assert org.unit_line == "单位：个、人"  # associations, and the villages' population
    assert members.unit_line == "单位：人；比率：百分比（分子/分母），分母为零记“—”"
    assert funds.unit_line == "单位：元"
    column = members.columns[0]
    assert (column.code, column.name, column.unit, column.kind) == (
        "members.total",
        str(INDICATORS["members.total"].name),
        "人",
        Kind.COUNT,
    )
    # Town A by children: its three grass-roots associations.
    assert [row.label for row in org.rows] == [
        "甲镇城东社区计生协",
        "甲一村计生协",
        "甲二村计生协",
        "合计",
    ]


def test_format_figure():
    assert format_figure(1263) == "1,263"
    assert format_figure(Decimal("7500")) == "7,500.00"
    assert format_figure(Decimal("6.5"), "events.training_days") == "6.5"
    assert format_figure(Decimal("6"), "events.training_days") == "6.0"
    assert format_figure(Rate(1263, 1654)) == "76.4% (1263/1654)"
    assert format_figure(Rate(0, 0)) == "—"


def test_money_unit_is_wan_yuan_from_a_hundred_thousand_yuan():
    assert money_unit([Decimal("99999.99"), None, 3]) is YUAN
    assert money_unit([Decimal("12.00"), Decimal("100000.00")]) is WAN_YUAN
    assert money_unit([Decimal("-120000")]) is WAN_YUAN  # a deficit is as wide
    assert money_unit([]) is YUAN


def test_format_figure_in_wan_yuan():
    assert format_figure(Decimal("793691.30"), "funds.income", money_unit=WAN_YUAN) == "79.37"
    assert format_figure(Decimal("1234567.89"), money_unit=WAN_YUAN) == "123.46"
    assert format_figure(Decimal("6.5"), "events.training_days", money_unit=WAN_YUAN) == "6.5"
    assert format_figure(1263, money_unit=WAN_YUAN) == "1,263"


def _hand_table(key: str, columns: list[Column], rows: list[tuple[str, list]]) -> Table:
    """A table as `annual_tables` builds it, with figures given by hand."""

    def cell(column: Column, value):
        return value if isinstance(value, TargetCell) else Cell(column.code, column.kind, value)

    return Table(
        key=key,
        label=table_label(TABLES_BY_KEY[key]),
        title=str(TABLES_BY_KEY[key].title),
        scope_name="甲镇计生协",
        scope_code="33079901",
        year=YEAR,
        unit_line=unit_line(columns),
        row_header="协会",
        columns=tuple(columns),
        rows=tuple(
            Row(label, label, tuple(map(cell, columns, values)), is_total=label == "合计")
            for label, values in rows
        ),
        by_children=True,
    )


def _column(code: str, unit: str | None = None) -> Column:
    spec = INDICATORS[code]
    return Column(code, str(spec.name), unit or str(spec.unit), spec.kind, "")


def test_money_columns_are_shown_in_wan_yuan_when_the_largest_amount_is_that_wide():
    # A target column writes its own unit into each cell, so it stays in 元.
    target = Column("funds.income", "经费收入目标", "元", Kind.AMOUNT, "")
    columns = [
        _column("funds.income"),
        target,
        _column("officers.monthly_allowance"),
        _column("members.total"),
    ]
    reached = TargetCell("funds.income", Kind.AMOUNT, Decimal(50000), "≥ 50,000.00元 ✓")
    table = _hand_table(
        "funds",
        columns,
        [
            ("甲一村计生协", [Decimal("52207.19"), reached, Decimal("500"), 30]),
            ("合计", [Decimal("793691.30"), reached, Decimal("500"), 120]),
        ],
    )
    shown = in_money_unit(table)
    assert [column.unit for column in shown.columns] == ["万元", "元", "元/月", "人"]
    # The table given is left in 元.
    assert [column.unit for column in table.columns] == ["元", "元", "元/月", "人"]
    assert table.rows[1].cells[0].text == "793,691.30"
    assert shown.unit_line == "单位：万元、元、元/月、人"
    assert [[cell.text for cell in row.cells] for row in shown.rows] == [
        ["5.22", "≥ 50,000.00元 ✓", "500.00", "30"],
        ["79.37", "≥ 50,000.00元 ✓", "500.00", "120"],
    ]
    # Presentation only: the figures are the catalog's, in 元.
    assert shown.rows[1].cells[0].value == Decimal("793691.30")
    # Below 100,000 元 the table is left as it is.
    small = _hand_table("funds", columns[:1], [("合计", [Decimal("99999.99")])])
    assert in_money_unit(small) is small
    assert small.rows[0].cells[0].text == "99,999.99"


def test_a_table_too_wide_for_the_page_is_printed_in_even_parts():
    codes = TABLES_BY_KEY["events_by_type"].codes
    columns = [_column(code) for code in codes]
    assert len(columns) == 39
    table = _hand_table(
        "events_by_type",
        columns,
        [("甲一村计生协", list(range(39))), ("合计", list(range(100, 139)))],
    )
    first, second = column_parts(table, most=32)
    assert (len(first.columns), len(second.columns)) == (20, 19)
    assert first.heading == "附表7 各类活动次数、参与人次和费用"
    assert second.heading == "附表7 各类活动次数、参与人次和费用（续）"
    assert first.columns + second.columns == table.columns
    assert [row.label for row in second.rows] == ["甲一村计生协", "合计"]
    assert [cell.value for cell in second.rows[1].cells] == list(range(120, 139))
    assert second.unit_line == unit_line(second.columns)
    assert column_parts(first, most=32) == [first]


def test_unit_line_without_columns_is_empty():
    assert unit_line([]) == ""


def test_query_count_does_not_grow_with_associations_or_records(
    data, django_assert_max_num_queries
):
    county = data["county"]
    work_off()
    with CaptureQueriesContext(connection) as small:
        annual_tables(county, YEAR)
    tables_data.more_data(data, towns=3)
    work_off()
    with CaptureQueriesContext(connection) as large:
        tables = annual_tables(county, YEAR)
    assert len(tables[0].rows) == 6  # 5 towns and the total
    assert len(large.captured_queries) == len(small.captured_queries)
    with django_assert_max_num_queries(QUERY_BOUND):
        annual_tables(county, YEAR)
    with django_assert_max_num_queries(QUERY_BOUND):
        annual_tables(county, YEAR - 1, by_children=False)


def test_one_table_needs_only_its_own_sources(data, django_assert_max_num_queries):
    work_off()
    with django_assert_max_num_queries(QUERY_BOUND):
        annual_table(data["county"], YEAR, "funds")
