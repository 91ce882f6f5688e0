"""Every indicator the catalog computes is shown somewhere: in a table (a rate's column shows
its numerator and denominator too), on the dashboard or in the drafted work report. An
indicator shown nowhere is either added to one of them or removed from the catalog."""

from reports import dashboard, narrative
from reports.catalog import INDICATORS
from reports.tables import table_codes


def _with_parts(codes) -> set[str]:
    shown = set(codes)
    for code in codes:
        spec = INDICATORS[code]
        if spec.numerator:
            shown |= {spec.numerator, spec.denominator}
    return shown


def test_every_indicator_is_shown_somewhere():
    on_dashboard = dashboard.available(
        (
            *dashboard.KEY_CODES,
            *dashboard.TREND_CODES,
            *dashboard.RANKING_CODES,
            *dashboard.CHILD_BAR_CODES,
            *dashboard.BREAKDOWN_CODES,
        )
    )
    shown = _with_parts([*table_codes(), *on_dashboard, *narrative.codes_used()])
    assert sorted(set(INDICATORS) - shown) == []
