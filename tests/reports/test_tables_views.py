"""The table page, the downloads and the definitions page: scoped, read-only, few queries."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from associations.years import default_report_year, year_error
from reports.catalog import INDICATORS
from reports.catalog.store import work_off
from reports.tables import TABLES
from tests.reports import tables_data
from tests.reports.tables_data import YEAR

# The tables' bound (see test_tables) plus session, user and the scope picker.
# The figures (5, see test_tables) and the page: session, user, scope, picker, permissions.
PAGE_QUERY_BOUND = 6 + 10

URLS = ("reports:tables", "reports:tables_xlsx", "reports:tables_pdf", "reports:definitions")


@pytest.fixture
def data(network):
    tables_data.seed(network)
    return network


def _get(client, name, **params):
    return client.get(reverse(name), params)


def test_page_defaults_to_own_association_reporting_year_by_children(
    client_for, town_secretary, data
):
    """The same default year as the dashboard and the submission pages."""
    response = _get(client_for(town_secretary), "reports:tables")
    assert response.status_code == 200
    assert response.context["scope"] == data["town_a"]
    tables = response.context["tables"]
    assert len(tables) == len(TABLES)
    assert tables[7].heading == "附表1 理事会成员构成与津贴"
    assert tables[0].year == response.context["year"] == default_report_year()
    assert tables[0].by_children
    html = response.content.decode()
    assert "表1 组织建设" in html and "合计" in html
    assert "甲一村计生协" in html
    assert "乙镇" not in html  # not in the scope picker either


def test_page_shows_the_chosen_scope_year_and_layout(client_for, county_secretary, data):
    client = client_for(county_secretary)
    response = _get(client, "reports:tables", scope=data["county"].pk, year=YEAR, layout="children")
    members = response.context["tables"][1]
    assert [(row.label, row.cells[0].text) for row in members.rows] == [
        ("甲镇计生协", "5"),
        ("乙镇计生协", "2"),
        ("合计", "7"),
    ]
    html = response.content.decode()
    assert "66.7% (2/3)" in html
    # Each figure links to its definition.
    assert f'href="{reverse("reports:definitions")}#ind-members.total"' in html
    whole = _get(client, "reports:tables", scope=data["county"].pk, year=YEAR, layout="whole")
    assert [row.label for row in whole.context["tables"][1].rows] == ["示范区计生协"]


def test_scope_picker_lists_only_the_users_subtree(client_for, town_secretary, data):
    response = _get(client_for(town_secretary), "reports:tables")
    labels = [label.strip("\u3000") for _pk, label in response.context["scope_choices"]]
    assert labels == ["甲镇计生协", "甲镇城东社区计生协", "甲一村计生协", "甲二村计生协"]


@pytest.mark.parametrize("name", URLS[:3])
def test_scope_of_another_town_is_404(client_for, outsider, data, name):
    response = _get(client_for(outsider), name, scope=data["town_a"].pk, year=YEAR)
    assert response.status_code == 404


@pytest.mark.parametrize("name", URLS[:3])
def test_garbage_scope_is_404(client_for, town_secretary, data, name):
    assert _get(client_for(town_secretary), name, scope="x1").status_code == 404


@pytest.mark.parametrize("name", URLS)
def test_read_only_officer_can_read(client_for, county_officer, data, name):
    response = _get(client_for(county_officer), name, scope=data["town_b"].pk, year=YEAR)
    assert response.status_code == 200


@pytest.mark.parametrize("name", URLS)
def test_post_is_not_allowed(client_for, county_secretary, data, name):
    assert client_for(county_secretary).post(reverse(name)).status_code == 405


@pytest.mark.parametrize("name", URLS)
def test_anonymous_is_sent_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("year", ["二〇二四", "1900", "3000"])
@pytest.mark.parametrize("name", URLS[:3])
def test_bad_year_is_the_year_error(client_for, town_secretary, data, name, year):
    response = _get(client_for(town_secretary), name, year=year)
    assert response.status_code == 400
    assert year_error() in response.content.decode()


def test_bad_layout_is_explained(client_for, town_secretary, data):
    client = client_for(town_secretary)
    page = _get(client, "reports:tables", layout="sideways")
    assert page.status_code == 400 and page.context["tables"] == []
    assert "排列方式" in page.content.decode()
    bad_layout = _get(client, "reports:tables_xlsx", layout="sideways")
    assert bad_layout.status_code == 400
    assert "排列方式" in bad_layout.content.decode()


def test_xlsx_download(client_for, county_secretary, data):
    response = _get(client_for(county_secretary), "reports:tables_xlsx", year=YEAR)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = unquote(response["Content-Disposition"])
    assert (
        disposition.startswith("attachment;") and "示范区计生协2024年度年报表.xlsx" in disposition
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == "表1 组织建设"
    assert workbook.sheetnames[-1] == "指标说明"


def test_pdf_download(client_for, town_secretary, data):
    response = _get(client_for(town_secretary), "reports:tables_pdf", year=YEAR, layout="whole")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "甲镇计生协2024年度年报表.pdf" in unquote(response["Content-Disposition"])


def test_definitions_list_every_indicator_with_an_anchor(client_for, village_clerk, data):
    response = _get(client_for(village_clerk), "reports:definitions")
    html = response.content.decode()
    for code in INDICATORS:
        assert f'id="ind-{code}"' in html
    rate = INDICATORS["rate.aid_fp_share"]
    assert f'href="#ind-{rate.numerator}"' in html and f'href="#ind-{rate.denominator}"' in html
    assert "表4" in html


def test_page_query_count_is_fixed(
    client_for, county_secretary, data, django_assert_max_num_queries
):
    client = client_for(county_secretary)
    params = {"scope": data["county"].pk, "year": YEAR}
    client.get(reverse("reports:tables"), params)  # warm the session
    work_off()
    with django_assert_max_num_queries(PAGE_QUERY_BOUND):
        client.get(reverse("reports:tables"), params)
    tables_data.more_data(data, towns=3)
    work_off()
    with django_assert_max_num_queries(PAGE_QUERY_BOUND):
        response = client.get(reverse("reports:tables"), params)
    assert len(response.context["tables"][0].rows) == 6
    for name in ("reports:tables_xlsx", "reports:tables_pdf"):
        with django_assert_max_num_queries(PAGE_QUERY_BOUND):
            client.get(reverse(name), params)
    # Session, user, its permissions (2), its unit, the session renewal.
    with django_assert_max_num_queries(8):
        client.get(reverse("reports:definitions"))
