"""`manage.py annual_report`: JSON of every indicator, scoped to what a named account sees."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reports.catalog import INDICATORS

from .catalog_world import build_world


@pytest.fixture
def world(network):
    return build_world(network)


def run(**options) -> tuple[str, dict]:
    out = StringIO()
    call_command("annual_report", stdout=out, **options)
    text = out.getvalue()
    return text, json.loads(text)


def test_json_shape_and_values(world):
    text, data = run(scope="33079901", year=2024, format="json")
    assert list(data) == ["indicators", "scope", "targets", "year"]  # sorted keys
    assert data["targets"] == {}  # none set
    assert data["scope"] == "33079901"
    assert data["year"] == 2024
    indicators = data["indicators"]
    assert list(indicators) == sorted(INDICATORS)
    assert indicators["members.total"] == 5  # M1, M2, M3, M10, M11
    assert indicators["funds.income"] == 27500.5  # an amount is a plain number
    assert indicators["funds.expense.office"] == 0
    assert indicators["rate.villages_with_charter"] == {
        "value": 0.6667,
        "numerator": 2,
        "denominator": 3,
    }
    assert indicators["rate.cases_found"] == {"value": None, "numerator": 0, "denominator": 0}
    assert '"value": null' in text


def test_yoy_adds_previous_and_change(world):
    _text, data = run(scope="330799", year=2024, yoy=True)
    assert set(data) == {"scope", "year", "indicators", "previous", "change", "targets"}
    assert (data["indicators"]["members.total"], data["previous"]["members.total"]) == (8, 7)
    assert data["change"]["members.total"] == 1
    assert data["change"]["funds.income"] == 127500.5 - 9999
    # rate.villages_ba_you went from 1/5 (20%) to 2/4 (50%): +30 points.
    assert data["change"]["rate.villages_ba_you"] == 30.0
    assert data["change"]["rate.cases_found"] is None  # no screenings in 2023


def test_as_user_within_scope(world, town_secretary):
    _text, data = run(scope="33079901201", year=2024, as_user="town_secretary")
    assert data["indicators"]["members.total"] == 3


def test_as_user_outside_scope_is_refused(world, outsider):
    with pytest.raises(CommandError, match="无权查看"):
        run(scope="33079901", year=2024, as_user="outsider")
    with pytest.raises(CommandError, match="无权查看"):
        run(scope="330799", year=2024, as_user="outsider")  # a town account asks for the county


def test_superuser_sees_any_scope(world, superuser):
    _text, data = run(scope="330800", year=2024, as_user="root")
    assert data["indicators"]["members.total"] == 1


def test_unknown_scope_or_user(world):
    with pytest.raises(CommandError, match="没有编码为“999”的协会"):
        run(scope="999", year=2024)
    with pytest.raises(CommandError, match="没有用户名为"):
        run(scope="330799", year=2024, as_user="nobody")


def test_year_out_of_range(world):
    with pytest.raises(CommandError, match="年度"):
        run(scope="330799", year=24)


def test_output_file_is_utf8_json(world, tmp_path):
    target = tmp_path / "report.json"
    call_command("annual_report", scope="330799", year=2024, output=str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["indicators"]["events.total"] == 4
