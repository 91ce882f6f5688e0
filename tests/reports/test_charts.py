"""The SVG chart builders: valid XML, escaped labels, empty data, drill-down links."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from reports.charts import (
    Bar,
    Series,
    StackedRow,
    bar_chart,
    donut_chart,
    format_number,
    line_chart,
    nice_ticks,
    stacked_bar_chart,
    text_width,
    truncate,
)

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(str(svg))
    assert root.tag == f"{NS}svg"
    assert root.get("viewBox")
    return root


def texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{NS}text")]


def links(root: ET.Element) -> list[str]:
    return [a.get("href") for a in root.iter(f"{NS}a")]


NASTY = "甲村<script>alert('x')</script> & \"乙\""

CHARTS = {
    "line": lambda label: line_chart(["2023", "2024"], [Series(label, [1, 2])], title=label),
    "line-two-series": lambda label: line_chart(
        ["2023", "2024"], [Series(label, [1, 2]), Series("乙", [3, 1])], title=label
    ),
    "bar": lambda label: bar_chart([Bar(label, 3, "/x/?a=1&b=2")], title=label),
    "donut": lambda label: donut_chart([Bar(label, 3), Bar("村", 1)], title=label),
    "stacked": lambda label: stacked_bar_chart(
        [StackedRow(label, [1, 2], "/y/")], [label, "村"], title=label
    ),
}


@pytest.mark.parametrize("kind", CHARTS)
def test_every_chart_is_valid_svg_and_escapes_labels(kind):
    svg = CHARTS[kind](NASTY)
    root = parse(svg)
    assert "<script>" not in svg
    # The label survives as text (escaped in the markup, intact once parsed).
    assert root.find(f"{NS}title").text == NASTY
    everything = " ".join(texts(root)) + " ".join(t.text or "" for t in root.iter(f"{NS}title"))
    assert "甲村<script>" in everything


@pytest.mark.parametrize("kind", CHARTS)
def test_forbidden_xml_characters_are_dropped(kind):
    parse(CHARTS[kind]("坏\x00字\x1f符"))


@pytest.mark.parametrize(
    "svg",
    [
        line_chart([], [], title="空"),
        line_chart(["2024"], [Series("会员", [None])], title="空"),
        bar_chart([], title="空"),
        bar_chart([Bar("甲村", None)], title="空"),
        donut_chart([], title="空"),
        donut_chart([Bar("村", 0), Bar("居", 0)], title="全为零"),
        stacked_bar_chart([], ["村"], title="空"),
        stacked_bar_chart([StackedRow("甲镇", [0, 0])], ["村", "居"], title="全为零"),
    ],
)
def test_empty_data_says_no_data(svg):
    root = parse(svg)
    assert "暂无数据" in texts(root)


def test_zero_values_are_drawn_not_divided_by():
    root = parse(line_chart(["2022", "2023", "2024"], [Series("活动", [0, 0, 0])], title="t"))
    assert root.find(f"{NS}polyline") is not None
    root = parse(bar_chart([Bar("甲村", 0), Bar("乙村", 0)], title="t"))
    widths = [r.get("width") for r in root.iter(f"{NS}rect")]
    assert widths == ["0.0", "0.0"]


def test_line_chart_skips_missing_points_and_labels_years():
    root = parse(
        line_chart(["2022", "2023", "2024"], [Series("会员", [5, None, 9])], title="会员总数")
    )
    assert len(list(root.iter(f"{NS}circle"))) == 2
    assert {"2022", "2023", "2024", "5", "9"} <= set(texts(root))


def test_bar_chart_links_only_bars_with_a_target():
    bars = [Bar("甲一村", 5, "/reports/dashboard/3/?year=2024"), Bar("乙村", 2)]
    svg = bar_chart(bars, title="会员", unit="人")
    root = parse(svg)
    assert links(root) == ["/reports/dashboard/3/?year=2024"]
    assert "5人" in texts(root) and "2人" in texts(root)
    assert 'href="/reports/dashboard/3/?year=2024"' in svg


def test_bar_chart_scale_and_display_text():
    root = parse(
        bar_chart(
            [Bar("甲", 0.5, display="50.0%"), Bar("乙", 1, display="100.0%")],
            title="比率",
            maximum=1,
        )
    )
    first, second = (float(r.get("width")) for r in root.iter(f"{NS}rect"))
    assert second == pytest.approx(first * 2)
    assert "50.0%" in texts(root)


def test_long_labels_are_cut_with_full_name_in_tooltip():
    name = "金东区孝顺镇某某某某某某某某某某某某村计划生育协会"
    root = parse(bar_chart([Bar(name, 1)], title="t"))
    shown = [t for t in texts(root) if t.startswith("金东区")]
    assert shown and shown[0].endswith("…") and len(shown[0]) < len(name)
    assert any(name in (t.text or "") for t in root.iter(f"{NS}title"))


def test_donut_shares_and_full_ring():
    root = parse(donut_chart([Bar("村级", 3), Bar("镇级", 1)], title="按级别", unit="个"))
    assert len(list(root.iter(f"{NS}path"))) == 2
    legend = " ".join(texts(root))
    assert "村级 3个（75%）" in legend and "镇级 1个（25%）" in legend
    root = parse(donut_chart([Bar("村级", 3)], title="只有一类"))
    assert root.find(f".//{NS}circle") is not None  # a single 100% segment is a ring


def test_stacked_bar_links_rows_and_hides_unused_categories():
    rows = [StackedRow("甲镇", [1, 0, 2], "/a/"), StackedRow("乙镇", [0, 0, 1], "/b/")]
    root = parse(stacked_bar_chart(rows, ["镇", "企业", "村"], title="构成"))
    assert links(root) == ["/a/", "/b/"]
    assert "企业" not in texts(root)
    assert {"镇", "村", "3", "1"} <= set(texts(root))


def test_helpers():
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(1021)[-1] >= 1021
    assert format_number(Decimal("1200.00")) == "1,200"
    assert format_number(Decimal("1200.00"), grouped=False) == "1200"
    assert format_number(Decimal("793691.30")) == "793,691.3"
    assert format_number(18555) == "18,555"
    assert format_number(Decimal("12.50")) == "12.5"
    assert format_number(None) == "—"
    assert text_width("村村") == 24  # full-width characters take one em each
    assert text_width("ab") == pytest.approx(2 * 0.58 * 12)
    assert truncate("短", 100) == "短"
