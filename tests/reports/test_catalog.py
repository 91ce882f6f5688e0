"""The catalog itself: complete descriptions, stable codes, one source per figure, Rate."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import zhconv
from django.utils import translation

from reports import catalog
from reports.catalog import (
    INDICATORS,
    SECTIONS,
    SOURCES,
    Kind,
    Rate,
    as_json,
    by_section,
    change,
    evaluate,
    figures_as_json,
)

CJK = re.compile(r"[\u4e00-\u9fff]")

# The codes other parts of the system (tables, exports, snapshots) rely on.
CONTRACT_CODES = [
    "org.associations.total",
    *[
        f"org.associations.{level}"
        for level in ("county", "town", "branch", "village", "community", "enterprise", "floating")
    ],
    "org.member_groups",
    "org.integrity_groups",
    "members.total",
    "members.female",
    "members.joined",
    "members.left",
    "members.volunteers",
    "members.publicity_workers",
    "members.dues_paid",
    "members.dues_amount",
    "officers.total",
    "officers.fulltime_vice_chairs",
    "officers.fulltime_vice_chairs.female",
    "officers.retired_cadres",
    "officers.retired_teachers",
    "org.towns_with_fulltime_vice_chair",
    "rate.towns_with_fulltime_vice_chair",
    "rate.villages_with_fulltime_vice_chair",
    "liaison.pairs",
    "liaison.households",
    "liaison.members",
    "liaison.contracts",
    "rate.members_with_liaison",
    "projects.total",
    *[
        f"projects.{kind}"
        for kind in (
            "fewer_births",
            "three_combinations",
            "care_for_girls",
            "education_aid",
            "happiness",
            "birth_care",
            "population_fund",
            "fp_insurance",
            "other",
        )
    ],
    "projects.funds_raised",
    "projects.funds_spent",
    "projects.households_out_of_poverty",
    "projects.jobs_created",
    "rate.villages_with_project",
    "aid.households",
    "aid.fp_households",
    "aid.amount",
    "rate.aid_fp_share",
    "events.total",
    *[
        f"events.{kind}"
        for kind in (
            "member_day",
            "sept_25",
            "mothers_day",
            "training",
            "lecture",
            "screening",
            "publicity",
            "exhibition",
            "congress",
            "site_meeting",
            "emergency",
            "condolence",
            "other",
        )
    ],
    "events.participants",
    "events.cost",
    "events.trainees",
    "events.screened",
    "events.cases_found",
    "events.materials",
    "awards.total",
    "awards.national",
    "awards.provincial",
    "awards.city",
    "awards.county",
    "awards.town",
    "rate.villages_ba_you",
    "rate.model_associations",
    "selfgov.villages_with_charter",
    "rate.villages_with_charter",
    "rate.agreement_villages",
    "rate.agreement_households",
    "funds.income",
    "funds.expense",
    *[f"funds.income.{src}" for src in ("bureau", "budget", "raised", "dues", "other")],
]


def test_contract_codes_exist():
    missing = [code for code in CONTRACT_CODES if code not in INDICATORS]
    assert not missing


@pytest.mark.parametrize("code", list(INDICATORS))
def test_indicator_is_fully_described(code):
    spec = INDICATORS[code]
    assert spec.code == code
    assert re.fullmatch(r"[a-z]+(\.[a-z0-9_]+)+", code)
    assert CJK.search(str(spec.name)), "Chinese name"
    with translation.override("en"):
        english = str(spec.name)
    assert not CJK.search(english) and "_" not in english, english
    with translation.override("zh-hant"):
        traditional = str(spec.name)
    assert zhconv.convert(traditional, "zh-hant") == traditional, traditional
    definition = str(spec.definition)
    assert CJK.search(definition) and definition.endswith("。"), definition
    assert str(spec.unit)
    assert spec.section in SECTIONS
    assert spec.kind in Kind
    if spec.kind == Kind.RATE:
        assert spec.unit == "%"
    else:
        assert spec.numerator is None and spec.denominator is None


def test_names_are_unique():
    names = [str(spec.name) for spec in INDICATORS.values()]
    assert len(names) == len(set(names))


def test_every_figure_comes_from_exactly_one_source():
    produced = [code for src in SOURCES for code in src.codes]
    assert len(produced) == len(set(produced)), "a code is produced twice"
    assert set(produced) <= set(INDICATORS), "a source produces an undeclared code"
    plain = {code for code, spec in INDICATORS.items() if spec.kind != Kind.RATE}
    assert plain == set(produced)


def test_rates_are_made_of_indicators():
    for spec in INDICATORS.values():
        if spec.kind != Kind.RATE:
            continue
        numerator, denominator = INDICATORS[spec.numerator], INDICATORS[spec.denominator]
        assert numerator.kind != Kind.RATE and denominator.kind != Kind.RATE
        assert numerator.kind == denominator.kind, spec.code


def test_a_subset_queries_only_what_it_needs(network, django_assert_num_queries):
    """One source, one query; a rate brings its numerator and denominator along."""
    with django_assert_num_queries(1):
        figures = catalog.evaluate_live(network["county"], 2024, ["org.associations.village"])
    assert figures == {"org.associations.village": 3}
    rate = catalog.evaluate(network["county"], 2024, ["rate.villages_with_charter"])
    assert rate["rate.villages_with_charter"].denominator == 4  # 3 villages + 1 community


def test_by_section_keeps_catalog_order():
    grouped = by_section()
    assert list(grouped) == list(SECTIONS)
    assert sum(len(specs) for specs in grouped.values()) == len(INDICATORS)
    assert grouped["org"][0].code == "org.associations.total"
    assert all(spec.section == key for key, specs in grouped.items() for spec in specs)


def test_rate_value_text_and_json():
    share = Rate(1263, 1654)
    assert share.value == pytest.approx(0.76360, abs=1e-5)
    assert str(share) == "76.4% (1263/1654)"
    assert share.as_json() == {"value": 0.7636, "numerator": 1263, "denominator": 1654}
    empty = Rate(0, 0)
    assert empty.value is None
    assert str(empty) == "—"
    assert empty.as_json() == {"value": None, "numerator": 0, "denominator": 0}
    money = Rate(Decimal("12.50"), Decimal("50.00"))
    assert money.as_json() == {"value": 0.25, "numerator": 12.5, "denominator": 50}


def test_as_json_of_plain_values():
    assert as_json(3) == 3
    assert as_json(Decimal("12.00")) == 12
    assert isinstance(as_json(Decimal("12.00")), int)
    assert as_json(Decimal("12.50")) == 12.5
    assert figures_as_json({"a": Decimal("1.5"), "b": Rate(1, 4)}) == {
        "a": 1.5,
        "b": {"value": 0.25, "numerator": 1, "denominator": 4},
    }


def test_change():
    assert change(10, 7) == 3
    assert change(Decimal("5.50"), Decimal("6.00")) == Decimal("-0.50")
    assert change(Rate(3, 4), Rate(1, 2)) == 25.0  # percentage points
    assert change(Rate(3, 4), Rate(0, 0)) is None
    assert change(Rate(0, 0), Rate(1, 2)) is None


def test_evaluate_returns_exactly_the_requested_codes(network):
    figures = evaluate(network["county"], 2024, ["members.total", "rate.aid_fp_share"])
    assert figures == {"members.total": 0, "rate.aid_fp_share": Rate(0, 0)}
    everything = evaluate(network["county"], 2024)
    assert list(everything) == list(INDICATORS)
    assert everything["org.associations.total"] == 7


def test_unknown_code_is_an_error(network):
    with pytest.raises(KeyError):
        evaluate(network["county"], 2024, ["no.such.code"])
