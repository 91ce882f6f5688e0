"""Every reports page reads its year the same way: an unusable year is the site's 400 page
with the one message of `associations.years`, never a silent default; pickers offer the
selectable years."""

from __future__ import annotations

import pytest
from django.urls import reverse

from associations.years import FIRST_YEAR, last_year, year_error

QUERY_YEAR_PAGES = [
    ("reports:tables", False),
    ("reports:tables_xlsx", False),
    ("reports:tables_pdf", False),
    ("reports:dashboard", False),
    ("reports:dashboard", True),
    ("reports:dashboard_pdf", True),
    ("reports:association_year", False),
    ("reports:association_year", True),
    ("reports:narrative", False),
    ("reports:narrative", True),
    ("reports:submission_home", False),
    ("reports:compilation_home", False),
]


@pytest.mark.parametrize("year", ["1900", "3000", "x"])
@pytest.mark.parametrize(("name", "with_pk"), QUERY_YEAR_PAGES)
def test_every_page_answers_a_bad_year_with_the_same_error(
    client_for, town_secretary, network, name, with_pk, year
):
    args = [network["town_a"].pk] if with_pk else []
    response = client_for(town_secretary).get(reverse(name, args=args), {"year": year})
    assert response.status_code == 400
    assert year_error() in response.content.decode()


@pytest.mark.parametrize("year", [1900, 3000])
@pytest.mark.parametrize("name", ["reports:submission", "reports:compilation"])
def test_a_path_year_out_of_range_is_the_same_error(
    client_for, town_secretary, network, name, year
):
    response = client_for(town_secretary).get(reverse(name, args=[network["town_a"].pk, year]))
    assert response.status_code == 400
    assert year_error() in response.content.decode()


def test_exporting_the_draft_with_a_bad_year_is_the_same_error(client_for, county_officer, network):
    url = reverse("reports:narrative_pdf", args=[network["town_a"].pk])
    response = client_for(county_officer).post(url, {"year": "3000", "title": "报告"})
    assert response.status_code == 400
    assert year_error() in response.content.decode()


@pytest.mark.parametrize("name", ["reports:tables", "reports:dashboard", "reports:narrative"])
def test_year_pickers_offer_the_selectable_years(client_for, town_secretary, network, name):
    response = client_for(town_secretary).get(reverse(name), {"year": 2024})
    body = response.content.decode()
    assert '<option value="2024" selected>' in body
    assert f'<option value="{FIRST_YEAR}">' in body and f'<option value="{last_year()}">' in body
