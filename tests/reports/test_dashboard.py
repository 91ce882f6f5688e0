"""The dashboard selector and pages: figures with yoy, charts, drill-down, scoping, query bound."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.urls import reverse

from activities.models import EventType
from associations.models import Level
from members.models import OfficerTitle
from reports import dashboard as dash
from reports.catalog import INDICATORS, Rate
from reports.catalog.store import work_off
from tests.activities.factories import AidFactory, EventFactory, ProjectFactory
from tests.associations.factories import AssociationFactory
from tests.members.factories import HouseholdFactory, MemberFactory, OfficerPositionFactory

YEAR = 2024
D = dt.date


@pytest.fixture
def town_a_data(network):
    """Hand-made records under town A (worked out in the tests below).

    village_a1: 3 members since 2020 + 1 joined 2024, a full-time vice-chair,
                events 2024: member day + training, 2023: one member day,
                aid 2024 to 2 households, 1 of them family-planning.
    village_a2: 2 members since 2020, 1 event 2024, aid to 1 FP household.
    community_a: nothing.
    """
    a1, a2 = network["village_a1"], network["village_a2"]
    chair = MemberFactory(association=a1)
    MemberFactory.create_batch(2, association=a1)
    MemberFactory(association=a1, joined_on=D(2024, 3, 1))
    MemberFactory.create_batch(2, association=a2)
    OfficerPositionFactory(member=chair, title=OfficerTitle.FULLTIME_VICE_CHAIR)
    EventFactory(association=a1, type=EventType.MEMBER_DAY, started_on=D(2024, 5, 29))
    EventFactory(association=a1, type=EventType.TRAINING, started_on=D(2024, 7, 1))
    EventFactory(association=a1, type=EventType.MEMBER_DAY, started_on=D(2023, 5, 29))
    EventFactory(association=a2, type=EventType.MEMBER_DAY, started_on=D(2024, 5, 29))
    fp = HouseholdFactory(association=a1, is_family_planning=True)
    other = HouseholdFactory(association=a1, is_family_planning=False)
    fp2 = HouseholdFactory(association=a2, is_family_planning=True)
    for household in (fp, other, fp2):
        AidFactory(household=household, given_on=D(2024, 6, 1))
    return network


def child_href(child) -> str:
    return f"/dash/{child.code}/"


def test_every_code_the_dashboard_uses_is_in_the_catalog():
    codes = (
        *dash.KEY_CODES,
        *dash.TREND_CODES,
        *dash.RANKING_CODES,
        *dash.CHILD_BAR_CODES,
        *dash.LEVEL_CODES,
        *dash.BREAKDOWN_CODES,
    )
    assert [c for c in codes if c not in INDICATORS] == []
    assert all(INDICATORS[c].kind == "rate" for c in dash.RANKING_CODES)


def test_key_figures_carry_year_over_year_change(town_a_data):
    data = dash.build_dashboard(town_a_data["town_a"], YEAR)
    figures = {f.code: f for f in data.key_figures}

    members = figures["members.total"]
    assert (members.value, members.previous, members.change) == (6, 5, 1)
    assert members.direction == "up" and members.change_text == "比上年 ↑ 1人"

    events = figures["events.total"]
    assert (events.value, events.previous) == (3, 1)
    assert events.change_text == "比上年 ↑ 2次"

    share = figures["rate.aid_fp_share"]
    assert share.value == Rate(2, 3)
    assert (share.shown, share.parts) == ("66.7%", "2/3")
    assert share.change is None and share.direction == ""  # nobody was aided in 2023

    vice = figures["rate.villages_with_fulltime_vice_chair"]
    assert vice.value == Rate(1, 3) and vice.change == 0
    assert vice.change_text == "与上年持平"


def test_rate_change_is_in_percentage_points(town_a_data):
    a2 = town_a_data["village_a2"]
    chair = MemberFactory(association=a2)
    OfficerPositionFactory(
        member=chair, title=OfficerTitle.FULLTIME_VICE_CHAIR, started_on=D(2024, 2, 1)
    )
    data = dash.build_dashboard(town_a_data["town_a"], YEAR)
    vice = next(f for f in data.key_figures if f.code == "rate.villages_with_fulltime_vice_chair")
    assert vice.change == pytest.approx(33.3)
    assert vice.change_text == "比上年 ↑ 33.3个百分点"


def test_ranking_sorts_children_with_empty_rates_last(town_a_data):
    data = dash.build_dashboard(
        town_a_data["town_a"], YEAR, child_href=child_href, sort="rate.aid_fp_share"
    )
    ranking = data.ranking
    assert ranking.sort_code == "rate.aid_fp_share"
    codes = [c.code for c in ranking.columns]
    column = codes.index("rate.aid_fp_share")
    rows = [(r.rank, r.association.name, str(r.rates[column]), r.href) for r in ranking.rows]
    assert rows == [
        (1, "甲二村计生协", "100.0% (1/1)", "/dash/33079901202/"),
        (2, "甲一村计生协", "50.0% (1/2)", "/dash/33079901201/"),
        (3, "甲镇城东社区计生协", "—", "/dash/33079901001/"),
    ]


def test_default_ranking_is_the_first_rate_and_unknown_sort_falls_back(town_a_data):
    data = dash.build_dashboard(town_a_data["town_a"], YEAR, sort="nonsense")
    assert data.ranking.sort_code == dash.RANKING_CODES[0]
    assert data.ranking.rows[0].association.name == "甲一村计生协"  # 1/1 villages with a chair


def test_charts_draw_trends_breakdowns_and_children(town_a_data):
    data = dash.build_dashboard(town_a_data["town_a"], YEAR, child_href=child_href)
    assert data.years == [2020, 2021, 2022, 2023, 2024]
    assert [c.title for c in data.trend_charts] == [
        "会员总数",
        "活动次数",
        "受帮扶户数",
        "在实施项目数",
    ]
    members_trend = str(data.trend_charts[0].svg)
    assert ">5<" in members_trend and ">6<" in members_trend
    titles = [c.title for c in data.breakdown_charts]
    assert titles == [
        "协会组织（按级别）",
        "活动（按类型）",
        "项目（按类别）",
        "专职副会长（按所在协会级别）",
        "帮扶金额（按方式）",
        "表彰（按级别）",
    ]
    assert "村（居） 1人（100%）" in str(data.breakdown_charts[3].svg)
    assert "现金 1,500元（100%）" in str(data.breakdown_charts[4].svg)
    assert "5·29会员活动日 2次（67%）" in str(data.breakdown_charts[1].svg)
    assert "暂无数据" in str(data.breakdown_charts[2].svg)  # no projects
    member_bars = str(data.child_charts[0].svg)
    assert 'href="/dash/33079901201/"' in member_bars and "4人" in member_bars


def test_trends_leave_the_years_before_the_first_record_empty(town_a_data):
    """Events began in 2023: 2020–2022 are gaps ("no data"), not zeros; members joined in
    2020 (the factory's date), so every year is drawn."""
    data = dash.build_dashboard(town_a_data["town_a"], YEAR)
    members, events = str(data.trend_charts[0].svg), str(data.trend_charts[1].svg)
    assert members.count("<circle") == 5
    assert events.count("<circle") == 2 and "活动次数 2023：1次" in events
    assert "活动次数 2022" not in events
    # A year with nothing after the first record is a real zero.
    assert dash.before_first_record([0, 0, 3, 0, 2]) == [None, None, 3, 0, 2]
    assert dash.before_first_record([0, 0]) == [None, None]


def test_a_unit_without_children_has_no_child_sections(town_a_data):
    data = dash.build_dashboard(town_a_data["village_a1"], YEAR)
    assert data.ranking is None and data.child_charts == []
    assert {f.code: f.value for f in data.key_figures}["members.total"] == 4


# ── Pages ────────────────────────────────────────────────────────────────────
def test_home_opens_the_dashboard(client_for, county_officer):
    response = client_for(county_officer).get("/")
    assert response.status_code == 302 and response.url == reverse("reports:dashboard")


def test_officer_sees_the_default_dashboard(client_for, county_officer, town_a_data):
    response = client_for(county_officer).get(reverse("reports:dashboard"), {"year": YEAR})
    assert response.status_code == 200
    assert response.context["scope"] == town_a_data["county"]
    body = response.content.decode()
    assert "示范区计生协 · 2024年工作仪表盘" in body
    assert body.count("<svg") >= 8
    assert reverse("reports:dashboard") in body  # the nav link
    assert reverse("reports:narrative") in body


def test_drill_down_links_open_child_dashboards(client_for, county_officer, town_a_data):
    town_a, a1 = town_a_data["town_a"], town_a_data["village_a1"]
    response = client_for(county_officer).get(
        reverse("reports:dashboard", args=[town_a.pk]), {"year": YEAR}
    )
    body = response.content.decode()
    child_url = reverse("reports:dashboard", args=[a1.pk]) + "?year=2024"
    assert f'<a href="{child_url}" class="drill">' in body  # in the SVG bars
    assert f'<a href="{child_url}">甲一村计生协</a>' in body  # in the ranking table
    child = client_for(county_officer).get(child_url)
    assert child.status_code == 200 and child.context["scope"] == a1
    assert "本单位没有下级协会" in child.content.decode()


def test_scope_picker_and_year(client_for, town_secretary, town_a_data):
    client = client_for(town_secretary)
    response = client.get(
        reverse("reports:dashboard"), {"scope": town_a_data["village_a2"].pk, "year": 2023}
    )
    assert response.status_code == 200
    assert response.context["scope"] == town_a_data["village_a2"]
    assert response.context["year"] == 2023
    labels = [label.strip("\u3000") for _pk, label in response.context["scope_choices"]]
    assert labels == ["甲镇计生协", "甲镇城东社区计生协", "甲一村计生协", "甲二村计生协"]
    assert "乙镇" not in response.content.decode()


@pytest.mark.parametrize("how", ["path", "picker", "pdf"])
def test_outsider_gets_404(client_for, outsider, town_a_data, how):
    a1 = town_a_data["village_a1"]
    client = client_for(outsider)
    if how == "path":
        response = client.get(reverse("reports:dashboard", args=[a1.pk]))
    elif how == "picker":
        response = client.get(reverse("reports:dashboard"), {"scope": a1.pk})
    else:
        response = client.get(reverse("reports:dashboard_pdf", args=[a1.pk]))
    assert response.status_code == 404


def test_login_required(client, network):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302 and "/login/" in response.url


def test_dashboard_queries_do_not_grow_with_child_units(
    client_for, county_officer, network, django_assert_max_num_queries
):
    town_b = network["town_b"]

    def add_village(i: int) -> None:
        village = AssociationFactory(code=f"33079902{500 + i}", level=Level.VILLAGE, parent=town_b)
        MemberFactory(association=village)
        EventFactory(association=village)

    add_village(0)  # town B now has 2 villages
    work_off()  # the task worker refreshes the stored figures after the writes
    client = client_for(county_officer)
    url = reverse("reports:dashboard", args=[town_b.pk])
    with django_assert_max_num_queries(QUERY_BOUND) as two:
        assert client.get(url, {"year": YEAR}).status_code == 200
    for i in range(1, 5):
        add_village(i)  # 6 villages
    work_off()
    with django_assert_max_num_queries(QUERY_BOUND) as six:
        response = client.get(url, {"year": YEAR})
    assert len(response.context["dashboard"].ranking.rows) == 6
    assert len(six.captured_queries) == len(two.captured_queries)


# Measured: 49 — session and user (2), scope and the user's unit (2), scope
# picker (1), ancestors (1), and the catalog: the year and the year before (11
# sources each), three earlier trend years (4 sources each) and one
# evaluate_children (children + 8 sources). Some headroom for catalog growth;
# the equality check above is what proves the count does not grow with units.
QUERY_BOUND = 60


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) missing")
def test_dashboard_pdf(client_for, county_officer, town_a_data, tmp_path):
    town_a = town_a_data["town_a"]
    response = client_for(county_officer).get(
        reverse("reports:dashboard_pdf", args=[town_a.pk]), {"year": YEAR}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = tmp_path / "dash.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "甲镇计生协 · 2024年工作仪表盘" in text
    assert "甲一村计生协" in text and "66.7%" in text


def test_breakdown_charts_use_the_catalogs_units(town_a_data):
    # Projects are counted in 项 (catalog unit), not 个 as associations are.
    ProjectFactory(association=town_a_data["village_a1"], started_on=D(2024, 3, 1))
    data = dash.build_dashboard(town_a_data["town_a"], YEAR)
    projects = str(data.breakdown_charts[2].svg)
    assert "少生快富 1项（100%）" in projects and "1个" not in projects
    assert "5·29会员活动日 2次（67%）" in str(data.breakdown_charts[1].svg)


def test_county_pickers_tables_list_villages_the_dashboard_drills_down(
    client_for, county_secretary, town_a_data
):
    client = client_for(county_secretary)
    tables = client.get(reverse("reports:tables"), {"year": YEAR}).context["scope_choices"]
    board = client.get(reverse("reports:dashboard")).context["scope_choices"]
    tables_labels = [label.strip("\u3000") for _pk, label in tables]
    board_labels = [label.strip("\u3000") for _pk, label in board]
    assert "甲一村计生协" in tables_labels and "乙一村计生协" in tables_labels
    assert board_labels == ["示范区计生协", "甲镇计生协", "乙镇计生协"]
