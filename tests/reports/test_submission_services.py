"""Submission services and the figure arithmetic behind snapshots and compilation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from associations.records import StaleEdit, history_of
from reports import selectors, services
from reports.catalog import INDICATORS, Kind, Rate, as_json
from reports.models import AnnualReport, ReportDeadline, ReportStatus

YEAR = 2025


def a_rate_code() -> str:
    return next(code for code, spec in INDICATORS.items() if spec.kind == Kind.RATE)


def an_amount_code() -> str:
    return next(code for code, spec in INDICATORS.items() if spec.kind == Kind.AMOUNT)


def test_sum_figures_adds_counts_and_rebuilds_rates_from_parts():
    rate = a_rate_code()
    amount = an_amount_code()
    children = [
        {"members.total": 3, amount: Decimal("10.50"), rate: Rate(0, 3)},
        {"members.total": 5, amount: Decimal("2.25"), rate: Rate(2, 5)},
        {"members.total": 0, amount: Decimal(0), rate: Rate(0, 0)},
    ]
    total = selectors.sum_figures(children, ["members.total", amount, rate])
    assert total["members.total"] == 8
    assert total[amount] == Decimal("12.75")
    # 2 of 8 = 25%, not the mean of 0%, 40% and "—".
    assert total[rate] == Rate(2, 8) and total[rate].value == 0.25


def test_sum_of_nothing_is_zero_and_a_rate_over_nothing_has_no_value():
    rate = a_rate_code()
    total = selectors.sum_figures([], ["members.total", rate])
    assert total["members.total"] == 0
    assert total[rate].value is None and str(total[rate]) == "—"


def test_overrides_replace_figures_and_recompute_dependent_rates():
    rate = a_rate_code()
    spec = INDICATORS[rate]
    figures = {spec.numerator: 1, spec.denominator: 4, rate: Rate(1, 4)}
    result = selectors.apply_overrides(figures, {spec.denominator: 10})
    assert result[spec.denominator] == 10
    assert result[rate] == Rate(1, 10)
    assert figures[rate] == Rate(1, 4)  # the input is not modified


def test_snapshot_values_read_back_into_catalog_types():
    rate, amount = a_rate_code(), an_amount_code()
    figures = {"members.total": 7, amount: Decimal("1234.50"), rate: Rate(3, 4)}
    payload = selectors.snapshot_payload(figures, ["members.total"])
    assert payload["overridden"] == ["members.total"]
    back = {
        code: selectors.figure_from_json(code, data) for code, data in payload["figures"].items()
    }
    assert back == figures
    assert {code: as_json(value) for code, value in back.items()} == payload["figures"]


@pytest.mark.parametrize(
    ("first", "today", "late"),
    [
        (None, dt.date(2026, 1, 31), False),  # due today, not yet late
        (None, dt.date(2026, 2, 1), True),  # past the deadline and nothing submitted
        (dt.datetime(2026, 1, 31, 23, 0), dt.date(2026, 3, 1), False),  # in time, local day
        (dt.datetime(2026, 2, 1, 0, 30), dt.date(2026, 3, 1), True),  # after the deadline
    ],
)
def test_lateness(first, today, late):
    report = AnnualReport(year=YEAR)
    report.first_submitted_at = timezone.make_aware(first) if first else None
    assert selectors.is_late(report, dt.date(2026, 1, 31), today) is late


def test_no_deadline_is_never_late():
    assert selectors.is_late(None, None, dt.date(2030, 1, 1)) is False


def test_catalog_version_is_a_stable_fingerprint():
    assert selectors.catalog_version() == selectors.catalog_version()
    assert len(selectors.catalog_version()) >= 12


def test_services_check_rights_and_states(network, village_clerk, town_secretary, county_officer):
    village = network["village_a1"]
    report = selectors.report_for(village, YEAR)
    assert report.pk is None and report.status == ReportStatus.DRAFT

    with pytest.raises(PermissionDenied):
        services.report_submit(report=report, by=county_officer)
    with pytest.raises(ValidationError, match="尚未上报"):
        services.report_approve(report=report, by=town_secretary)

    services.report_submit(report=report, by=village_clerk)
    assert report.pk and report.status == ReportStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, by=village_clerk)
    with pytest.raises(ValidationError) as error:
        services.report_return(report=report, by=town_secretary, comment=" ")
    assert "comment" in error.value.message_dict

    services.report_approve(report=report, by=town_secretary, comment="同意")
    assert report.status == ReportStatus.APPROVED and report.snapshot["figures"]
    with pytest.raises(ValidationError, match="撤回审核"):
        services.report_return(report=report, by=town_secretary, comment="再看看")
    with pytest.raises(ValidationError, match="不能再上报"):
        services.report_submit(report=report, by=village_clerk)


def test_override_validation(network, town_secretary):
    report = selectors.report_for(network["village_a2"], YEAR)
    with pytest.raises(ValidationError, match="比率"):
        services.figure_override(report=report, code=a_rate_code(), value=1, by=town_secretary)
    with pytest.raises(ValidationError, match="负数"):
        services.figure_override(report=report, code="members.total", value=-1, by=town_secretary)
    with pytest.raises(ValidationError, match="没有编码"):
        services.figure_override(report=report, code="no.such", value=1, by=town_secretary)
    amount = an_amount_code()
    override = services.figure_override(
        report=report, code=amount, value=Decimal("12.5"), by=town_secretary
    )
    assert override.value == "12.50"
    assert report.entered_by_parent
    assert selectors.live_figures(report)[amount] == Decimal("12.50")


def test_no_figures_entered_while_under_review(network, town_secretary):
    """A submitted report stays as submitted; the reviewer returns it to have it corrected."""
    report = selectors.report_for(network["village_a2"], YEAR)
    services.figure_override(report=report, code="members.total", value=5, by=town_secretary)
    report = services.report_submit(report=report, by=town_secretary)
    with pytest.raises(ValidationError, match="先退回"):
        services.figure_override(report=report, code="members.total", value=6, by=town_secretary)
    assert network["village_a2"] not in selectors.units_to_enter_for(network["town_a"], YEAR)
    report = services.report_return(report=report, by=town_secretary, comment="会员数有误")
    assert network["village_a2"] in selectors.units_to_enter_for(network["town_a"], YEAR)
    services.figure_override(report=report, code="members.total", value=6, by=town_secretary)
    assert selectors.live_figures(report)["members.total"] == 6


def test_deadline_rights(network, village_clerk, town_secretary, county_secretary):
    with pytest.raises(PermissionDenied):
        services.deadline_set(
            parent=network["town_a"], year=YEAR, due_on=dt.date(2026, 1, 31), by=village_clerk
        )
    # The county may set the town's deadline too (parent or higher).
    deadline = services.deadline_set(
        parent=network["town_a"], year=YEAR, due_on=dt.date(2026, 1, 31), by=county_secretary
    )
    again = services.deadline_set(
        parent=network["town_a"], year=YEAR, due_on=dt.date(2026, 2, 15), by=town_secretary
    )
    assert again.pk == deadline.pk and again.due_on == dt.date(2026, 2, 15)


def _services(report, parent):
    """Every submission service, called on a report (or the parent of its unit)."""
    return {
        "submit": lambda by: services.report_submit(by=by, report=report),
        "return": lambda by: services.report_return(by=by, report=report, comment="退回"),
        "approve": lambda by: services.report_approve(by=by, report=report),
        "reopen": lambda by: services.report_reopen(by=by, report=report, comment="撤回"),
        "override": lambda by: services.figure_override(
            by=by, report=report, code="members.total", value=1
        ),
        "deadline": lambda by: services.deadline_set(
            by=by, parent=parent, year=YEAR, due_on=dt.date(2026, 1, 31)
        ),
    }


@pytest.mark.parametrize(
    "action", ["submit", "return", "approve", "reopen", "override", "deadline"]
)
def test_every_service_refuses_an_actor_out_of_scope_and_a_read_only_officer(
    network, outsider, county_officer, action
):
    report = selectors.report_for(network["village_a2"], YEAR)
    call = _services(report, network["town_a"])[action]
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        call(outsider)
    with pytest.raises(PermissionDenied):
        call(county_officer)
    assert not AnnualReport.objects.exists() and not ReportDeadline.objects.exists()


def test_history_names_the_actor(network, town_secretary):
    report = selectors.report_for(network["village_a2"], YEAR)  # no staff: the town acts
    services.figure_override(by=town_secretary, report=report, code="members.total", value=4)
    services.report_submit(by=town_secretary, report=report)
    services.report_approve(by=town_secretary, report=report)
    versions = AnnualReport.history.filter(id=report.pk).order_by("history_date", "history_id")
    assert [(v.status, v.history_user) for v in versions] == [
        (ReportStatus.DRAFT, town_secretary),  # created by the first figure entered
        (ReportStatus.DRAFT, town_secretary),  # 由上级代填
        (ReportStatus.SUBMITTED, town_secretary),
        (ReportStatus.APPROVED, town_secretary),
    ]
    deadline = services.deadline_set(
        by=town_secretary, parent=network["town_a"], year=YEAR, due_on=dt.date(2026, 1, 31)
    )
    assert history_of(deadline)[0].who == "甲镇秘书长"


def test_a_deadline_moved_by_someone_else_meanwhile_is_a_stale_edit(
    network, town_secretary, county_secretary
):
    town = network["town_a"]
    first = services.deadline_set(
        by=town_secretary, parent=town, year=YEAR, due_on=dt.date(2026, 1, 31)
    )
    read_at = first.version
    services.deadline_set(
        by=county_secretary, parent=town, year=YEAR, due_on=dt.date(2026, 2, 28), version=read_at
    )
    with pytest.raises(StaleEdit, match="县秘书长"):
        services.deadline_set(
            by=town_secretary, parent=town, year=YEAR, due_on=dt.date(2026, 3, 1), version=read_at
        )
    assert ReportDeadline.objects.get().due_on == dt.date(2026, 2, 28)
