"""The annual report tables (年报表) secretaries hand in, as plain data.

Each table is a declared list of indicator codes. `annual_tables` evaluates
them through the catalog (one `evaluate` plus one `evaluate_children` for all
tables together, so the query count is fixed) and returns `Table` structures:
title, columns with names and units, rows of figures. The HTML page, the Excel
workbook and the PDF all render these structures and compute nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import (
    AidKind,
    AwardLevel,
    EventType,
    ExpensePurpose,
    FundSource,
    MaterialKind,
    ProjectKind,
)
from associations.models import Association
from members.models import CertificateKind, Education, LeaveReason, OfficerTitle

from .catalog import INDICATORS, FigureValue, Kind, Rate, evaluate, evaluate_children
from .targets import with_target_columns


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str | Promise
    codes: tuple[str, ...]
    # A supplementary table (附表) breaks the main tables' figures down further; the main
    # tables are the annual form itself (and the compilation's default columns).
    supplement: bool = False


def _each(prefix: str, suffixes: Iterable[str], suffix: str = "") -> tuple[str, ...]:
    return tuple(f"{prefix}.{middle}{suffix}" for middle in suffixes)


_FVC_LEVELS = ("village", "town", "county")
_FVC_PARTS = ("", ".female", ".male", ".retired_cadres", ".retired_teachers", ".stepped_back")
_BACKGROUNDS = ("retired_cadres", "retired_teachers", "stepped_back")
_RANKS = ("division", "deputy_division", "section", "deputy_section")
_HOUSEHOLD_KINDS = ("family_planning", "one_child", "two_daughter", "in_difficulty")
_CHECKLISTS = ("ba_you", "san_you", "yi_hao_si_jian")

# The columns of each table, in the order a secretary's paper form has them.
# A rate column also shows its numerator and denominator, so those are not
# repeated as separate columns. Totals include the kinds not broken out.
TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "org",
        gettext_lazy("组织建设"),
        (
            "org.associations.total",
            *_each(
                "org.associations",
                ("town", "branch", "village", "community", "enterprise", "floating"),
            ),
            "org.member_groups",
            "org.integrity_groups",
            "org.integrity_groups.signed",
            "org.population",
            "org.admin_villages_500",
        ),
    ),
    TableSpec(
        "members",
        gettext_lazy("会员与理事"),
        (
            "members.total",
            "members.female",
            "members.joined",
            "members.newlywed_recruits",
            "members.left",
            "members.volunteers",
            "members.publicity_workers",
            "members.industry_leaders",
            "officers.total",
            "officers.female",
            "officers.fulltime_vice_chairs",
            "officers.retired_cadres",
            "officers.retired_teachers",
            "rate.towns_with_fulltime_vice_chair",
            "rate.villages_with_fulltime_vice_chair",
            "rate.admin_villages_500_with_fulltime_vice_chair",
        ),
    ),
    TableSpec(
        "liaison",
        gettext_lazy("会员联系户"),
        (
            "liaison.pairs",
            "liaison.households",
            "liaison.members",
            *_each(
                "liaison.households",
                (*_HOUSEHOLD_KINDS, "poor_mother", "floating"),
            ),
            "rate.members_with_liaison",
            "rate.liaison_contracts",
        ),
    ),
    TableSpec(
        "projects",
        gettext_lazy("项目与帮扶"),
        (
            "projects.total",
            *_each("projects", ProjectKind.values),
            "rate.villages_with_project",
            "aid.households",
            "aid.people",
            "aid.amount",
            "rate.aid_fp_share",
        ),
    ),
    TableSpec(
        "events",
        gettext_lazy("活动与宣传"),
        (
            "events.total",
            *_each(
                "events",
                (
                    EventType.MEMBER_DAY,
                    EventType.SEPT_25,
                    EventType.MOTHERS_DAY,
                    EventType.TRAINING,
                    EventType.LECTURE,
                    EventType.SCREENING,
                    EventType.PUBLICITY,
                ),
            ),
            "events.participants",
            "events.training_sessions",
            "events.training_days",
            "events.trainees",
            "events.screened",
            "rate.cases_found",
            "events.materials",
            "events.cost",
        ),
    ),
    TableSpec(
        "awards",
        gettext_lazy("表彰、考核与村民自治"),
        (
            "awards.total",
            *_each("awards", AwardLevel.values),
            "awards.collective",
            "awards.individual",
            "awards.family",
            "rate.villages_ba_you",
            "rate.villages_san_you",
            "rate.villages_yi_hao_si_jian",
            "rate.model_associations",
            "rate.villages_with_charter",
            "selfgov.charters.one_child",
            "rate.agreement_villages",
            "rate.agreement_households",
        ),
    ),
    TableSpec(
        "funds",
        gettext_lazy("经费"),
        (
            "funds.income",
            *_each("funds.income", FundSource.values),
            "funds.expense",
            *_each("funds.expense", ExpensePurpose.values),
        ),
    ),
    # ── Supplementary tables: every other figure, broken down as the reports cite them ──
    TableSpec(
        "officers",
        gettext_lazy("理事会成员构成与津贴"),
        (
            "officers.total",
            *_each(
                "officers.title", [t for t in OfficerTitle.values if t != "fulltime_vice_chair"]
            ),
            "officers.fulltime_vice_chairs",
            "officers.fulltime",
            *_each("officers", (*_BACKGROUNDS,)),
            *_each("officers.rank", _RANKS),
            "officers.monthly_allowance",
            "officers.allowances_paid",
            "officers.allowance_recipients",
        ),
        supplement=True,
    ),
    TableSpec(
        "vice_chairs",
        gettext_lazy("专职副会长与常务副会长"),
        (
            *[
                f"officers.fulltime_vice_chairs.{level}{part}"
                for level in _FVC_LEVELS
                for part in _FVC_PARTS
            ],
            "officers.fulltime_vice_chairs.female",
            "rate.towns_with_fulltime_vice_chair",
            "rate.villages_with_fulltime_vice_chair",
            "rate.admin_villages_500_with_fulltime_vice_chair",
            "org.villages_without_population",
            "officers.title.executive_vice_chair",
            *_each("officers.title.executive_vice_chair", (*_RANKS, *_BACKGROUNDS)),
        ),
        supplement=True,
    ),
    TableSpec(
        "member_profile",
        gettext_lazy("会员构成与会费"),
        (
            "members.total",
            "members.male",
            *_each("members.age", ("under_30", "30_39", "40_49", "50_59", "60_plus")),
            *_each("members.education", Education.values),
            "members.party",
            "members.floating",
            "members.with_liaison",
            *_each("members.left", LeaveReason.values),
            "members.dues_paid",
            "members.dues_amount",
        ),
        supplement=True,
    ),
    TableSpec(
        "households",
        gettext_lazy("服务户与计生证件"),
        (
            "households.total",
            *_each("households", (*_HOUSEHOLD_KINDS, "poor_mother", "floating")),
            *_each("households.certificates", CertificateKind.values),
            *_each("households.certificates_issued", CertificateKind.values),
            "liaison.contracts",
        ),
        supplement=True,
    ),
    TableSpec(
        "aid",
        gettext_lazy("帮扶明细"),
        (
            "aid.records",
            "aid.households",
            "aid.project_households",
            "aid.fp_households",
            *_each("aid.households", ("one_child", "two_daughter", "in_difficulty")),
            *_each("aid.households", ("poor_mother", "floating")),
            *[
                f"aid.kind.{kind}.{what}"
                for kind in AidKind.values
                for what in ("households", "amount")
            ],
            "aid.people",
            "aid.households_size_unknown",
        ),
        supplement=True,
    ),
    TableSpec(
        "project_outcomes",
        gettext_lazy("项目资金与成效"),
        (
            "projects.total",
            "projects.started",
            "projects.funds_raised",
            "projects.funds_spent",
            "projects.households_out_of_poverty",
            "projects.jobs_created",
            "projects.fixed_assets",
            "projects.output_value",
            "projects.tax_paid",
            "projects.villages",
        ),
        supplement=True,
    ),
    TableSpec(
        "events_by_type",
        gettext_lazy("各类活动次数、参与人次和费用"),
        tuple(
            f"events.{what}{kind}"
            for kind in EventType.values
            for what in ("", "participants.", "cost.")
        ),
        supplement=True,
    ),
    TableSpec(
        "materials",
        gettext_lazy("宣传品发放"),
        ("events.materials", *_each("events.materials", MaterialKind.values)),
        supplement=True,
    ),
    TableSpec(
        "awards_by_level",
        gettext_lazy("各级表彰（集体、个人、家庭）"),
        tuple(
            f"awards.{level}.{recipient}"
            for level in AwardLevel.values
            for recipient in ("collective", "individual", "family")
        ),
        supplement=True,
    ),
    TableSpec(
        "assessments",
        gettext_lazy("考核达标"),
        (
            *[
                code
                for checklist in _CHECKLISTS
                for code in (
                    f"assessments.villages_{checklist}_assessed",
                    f"rate.villages_{checklist}",
                    f"rate.villages_{checklist}_assessed",
                )
            ],
            "rate.san_you",
            "rate.model_associations",
        ),
        supplement=True,
    ),
    TableSpec(
        "selfgov",
        gettext_lazy("村民自治"),
        (
            "selfgov.villages_recorded",
            "rate.villages_with_charter",
            "rate.charter_admin_villages",
            *_each("rate.charters", ("one_child", "second_birth_waiver", "checkups")),
            "rate.agreement_villages",
            "rate.agreement_admin_villages",
            "rate.agreement_villages_recorded",
            "rate.agreement_households",
            "selfgov.pilot_villages",
        ),
        supplement=True,
    ),
    TableSpec(
        "context",
        gettext_lazy("基本情况与计生事业费"),
        (
            "context.population",
            "context.households",
            "context.married_women",
            "context.villager_groups",
            "rate.funds_share_of_fp_budget",
        ),
        supplement=True,
    ),
)
MAIN_TABLES = tuple(spec for spec in TABLES if not spec.supplement)

TABLES_BY_KEY: dict[str, TableSpec] = {spec.key: spec for spec in TABLES}


def table_label(spec: TableSpec) -> str:
    """表3 for the third main table, 附表2 for the second supplementary one."""
    same_kind = [other for other in TABLES if other.supplement == spec.supplement]
    number = same_kind.index(spec) + 1
    return (_("附表%(number)s") if spec.supplement else _("表%(number)s")) % {"number": number}


def table_codes(specs: Iterable[TableSpec] = TABLES) -> list[str]:
    """Every code the given tables use, each once, in table order."""
    return list(dict.fromkeys(code for spec in specs for code in spec.codes))


# Money is written in 元, or in 万元 when a table's largest amount would print with six
# digits before the point or more ("793,691.30" leaves no room in a 20-column landscape
# table; "79.37" does). One unit per table, so a row's figures read alike.
@dataclass(frozen=True)
class MoneyUnit:
    name: str | Promise  # as written in the headers
    divisor: Decimal


YUAN = MoneyUnit(gettext_lazy("元"), Decimal(1))
WAN_YUAN = MoneyUnit(gettext_lazy("万元"), Decimal(10_000))
WAN_YUAN_FROM = Decimal(100_000)


def money_unit(amounts: Iterable[Decimal | int | None]) -> MoneyUnit:
    """The unit a table's amounts (in 元) are shown in: 万元 from 100,000 元 up, else 元."""
    largest = max((abs(amount) for amount in amounts if amount is not None), default=0)
    return WAN_YUAN if largest >= WAN_YUAN_FROM else YUAN


# ── The structures every renderer reads ───────────────────────────────────────
@dataclass(frozen=True)
class Column:
    code: str
    name: str
    unit: str
    kind: Kind
    definition: str


@dataclass(frozen=True)
class Cell:
    code: str
    kind: Kind
    value: FigureValue
    # The unit a money figure is written in (the value itself stays in 元): see `in_money_unit`.
    money_unit: MoneyUnit = YUAN

    @property
    def text(self) -> str:
        return format_figure(self.value, self.code, money_unit=self.money_unit)

    @property
    def rate(self) -> Rate | None:
        return self.value if isinstance(self.value, Rate) else None


@dataclass(frozen=True)
class Row:
    label: str
    code: str
    cells: tuple[Cell, ...]
    is_total: bool = False


@dataclass(frozen=True)
class Table:
    key: str
    label: str  # 表3, 附表2
    title: str
    scope_name: str
    scope_code: str
    year: int
    unit_line: str
    row_header: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    by_children: bool
    continued: bool = False  # a later part of a table printed in parts (`column_parts`)

    @property
    def heading(self) -> str:
        heading = f"{self.label} {self.title}"
        return _("%(heading)s（续）") % {"heading": heading} if self.continued else heading

    @property
    def print_width(self) -> int:
        """About how many figures wide the table prints: a rate with its parts ("84.9%
        (102243/120362)") is about three."""
        return sum(3 if column.kind == Kind.RATE else 1 for column in self.columns)

    @property
    def subtitle(self) -> str:
        return _("%(scope)s · %(year)s年度") % {"scope": self.scope_name, "year": self.year}


def format_figure(
    value: FigureValue, code: str | None = None, *, money_unit: MoneyUnit = YUAN
) -> str:
    """How a figure is written in the HTML and PDF tables: 1,263 · 7,500.00 · 76.4% (1263/1654);
    the quantity of indicator `code` (training days) to the tenth: 6.5; an amount in 万元
    (`money_unit`) to the hundred 元: 79.37."""
    if isinstance(value, Rate):
        return str(value)
    if isinstance(value, Decimal):
        spec = INDICATORS.get(code or "")
        if spec and spec.kind == Kind.QUANTITY:
            return f"{value:,.1f}"
        return f"{value / money_unit.divisor:,.2f}"
    return f"{value:,}"


def _in_yuan(column: Column) -> bool:
    return column.kind == Kind.AMOUNT and column.unit == str(YUAN.name)


def in_money_unit(table: Table) -> Table:
    """`table` with its 元 columns shown in the unit its largest amount calls for (for print;
    the values stay in 元, so the Excel workbook, which computes, is not given this table).

    Only plain figure columns change: a target column writes its own unit into each cell
    ("≥ 50,000.00元 ✓") and 元/月 is another unit.
    """
    shown = {
        index
        for index, column in enumerate(table.columns)
        if _in_yuan(column) and all(isinstance(row.cells[index], Cell) for row in table.rows)
    }
    unit = money_unit(row.cells[index].value for row in table.rows for index in shown)
    if unit is YUAN:
        return table
    columns = tuple(
        replace(column, unit=str(unit.name)) if index in shown else column
        for index, column in enumerate(table.columns)
    )
    rows = tuple(
        replace(
            row,
            cells=tuple(
                replace(cell, money_unit=unit) if index in shown else cell
                for index, cell in enumerate(row.cells)
            ),
        )
        for row in table.rows
    )
    return replace(table, columns=columns, rows=rows, unit_line=unit_line(columns))


# The most columns a landscape A4 page holds legibly (at the smallest print size, figures
# of up to six digits); a wider table is printed in parts, each with the row labels again.
PRINT_COLUMNS_MOST = 32


def column_parts(table: Table, most: int = PRINT_COLUMNS_MOST) -> list[Table]:
    """`table` cut into parts of at most `most` columns, as even as possible, for print."""
    count = len(table.columns)
    if count <= most:
        return [table]
    parts = -(-count // most)  # ceiling division
    size = -(-count // parts)
    result = []
    for start in range(0, count, size):
        columns = table.columns[start : start + size]
        rows = tuple(replace(row, cells=row.cells[start : start + size]) for row in table.rows)
        unit_text = unit_line(columns)
        result.append(
            replace(table, columns=columns, rows=rows, unit_line=unit_text, continued=start > 0)
        )
    return result


def unit_line(columns: Sequence[Column]) -> str:
    units = list(dict.fromkeys(str(c.unit) for c in columns if c.kind != Kind.RATE and c.unit))
    parts = [_("单位：%(units)s") % {"units": "、".join(units)}] if units else []
    if any(c.kind == Kind.RATE for c in columns):
        parts.append(_("比率：百分比（分子/分母），分母为零记“—”"))
    return "；".join(parts)


def _columns(codes: Sequence[str]) -> tuple[Column, ...]:
    return tuple(
        Column(
            code=code,
            name=str(INDICATORS[code].name),
            unit=str(INDICATORS[code].unit),
            kind=INDICATORS[code].kind,
            definition=str(INDICATORS[code].definition),
        )
        for code in codes
    )


def _row(label: str, code: str, figures: dict[str, FigureValue], codes, *, total=False) -> Row:
    cells = tuple(Cell(c, INDICATORS[c].kind, figures[c]) for c in codes)
    return Row(label=label, code=code, cells=cells, is_total=total)


def annual_tables(
    scope: Association,
    year: int,
    *,
    by_children: bool = True,
    specs: Sequence[TableSpec] = TABLES,
) -> list[Table]:
    """The tables for `scope` and `year`, whole or by the scope's direct children.

    By children, every child active in the year gets a row and the total row
    (合计) is the scope's own figure, which also counts the scope's own records.
    A scope without children is always shown whole.
    """
    codes = table_codes(specs)
    total = evaluate(scope, year, codes)
    children = evaluate_children(scope, year, codes) if by_children else []
    by_children = bool(children)
    tables = []
    for spec in specs:
        rows = [_row(child.name, child.code, figures, spec.codes) for child, figures in children]
        if by_children:
            rows.append(_row(_("合计"), scope.code, total, spec.codes, total=True))
        else:
            rows.append(_row(scope.name, scope.code, total, spec.codes))
        tables.append(_table(spec, spec.codes, scope, year, rows, by_children=by_children))
    return with_target_columns(tables, scope, [child for child, _f in children], year)


def unit_tables(scope: Association, year: int, figures: dict[str, FigureValue]) -> list[Table]:
    """The tables filled from figures already at hand (e.g. an approved snapshot), one row each.

    Columns the figures lack (a snapshot taken under an older catalog) are left
    out, and so is a table left with no column.
    """
    tables = []
    for spec in TABLES:
        codes = [code for code in spec.codes if code in INDICATORS and code in figures]
        if codes:
            row = _row(scope.name, scope.code, figures, codes)
            tables.append(_table(spec, codes, scope, year, [row], by_children=False))
    return tables


def _table(
    spec: TableSpec,
    codes: Sequence[str],
    scope: Association,
    year: int,
    rows: list[Row],
    *,
    by_children: bool,
) -> Table:
    columns = _columns(codes)
    return Table(
        key=spec.key,
        label=table_label(spec),
        title=str(spec.title),
        scope_name=scope.name,
        scope_code=scope.code,
        year=year,
        unit_line=unit_line(columns),
        row_header=_("协会") if by_children else _("统计范围"),
        columns=columns,
        rows=tuple(rows),
        by_children=by_children,
    )


def annual_table(scope: Association, year: int, key: str, *, by_children: bool = True) -> Table:
    """One table on its own (a KeyError for an unknown key)."""
    return annual_tables(scope, year, by_children=by_children, specs=[TABLES_BY_KEY[key]])[0]


def unknown_codes() -> list[tuple[str, str]]:
    """(table key, code) for every declared column the catalog does not define."""
    return [(spec.key, code) for spec in TABLES for code in spec.codes if code not in INDICATORS]
