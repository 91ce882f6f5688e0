"""The reporting years, named once: which years a page may show, the default report year,
and the one error an unusable year gives on every page.

Association work starts with the founding of the China Family Planning Association
(1980); the last year offered is next year, for which plans and targets are set.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIRST_YEAR = 1980
# Reports for a year are compiled in the first quarter of the next.
REPORTING_SEASON_LAST_MONTH = 3


def last_year(today: dt.date | None = None) -> int:
    """The last year a page offers: next year (plans and targets)."""
    return (today or timezone.localdate()).year + 1


def default_report_year(today: dt.date | None = None) -> int:
    """Last year while its reports are being compiled (January–March), else this year."""
    today = today or timezone.localdate()
    return today.year - 1 if today.month <= REPORTING_SEASON_LAST_MONTH else today.year


def year_choices() -> list[tuple[int, int]]:
    """Every selectable year, newest first."""
    return [(year, year) for year in range(last_year(), FIRST_YEAR - 1, -1)]


def year_error() -> str:
    return _("年度须为 %(first)s–%(last)s 年之间的年份。") % {
        "first": FIRST_YEAR,
        "last": last_year(),
    }


class YearError(ValidationError):
    """An unusable year in a page's address: every page answers it with the same message."""


def check_year(value: object) -> int:
    """The year as an int, or YearError with the one message every page shows."""
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise YearError(year_error()) from None
    if not FIRST_YEAR <= year <= last_year():
        raise YearError(year_error())
    return year


def requested_year(query, name: str = "year", *, default: int | None = None) -> int:
    """The year a page is about (`?year=`), else `default` (the default report year)."""
    value = query.get(name)
    if value in (None, ""):
        return default if default is not None else default_report_year()
    return check_year(value)


class YearField(forms.TypedChoiceField):
    """A year picked from the selectable years; every form with a year uses this field."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", gettext_lazy("年度"))
        super().__init__(choices=year_choices, coerce=int, **kwargs)

    def validate(self, value) -> None:
        if value in self.empty_values:
            super().validate(value)
            return
        check_year(value)

    def to_python(self, value):
        return value

    def clean(self, value):
        value = self.to_python(value)
        if value in self.empty_values:
            self.validate(value)
            return self.empty_value
        try:
            return check_year(value)
        except YearError as exc:
            raise ValidationError(exc.messages[0], code="year") from None


# ── Time windows: every "during the year" rule is spelled here once ──────────
def first_day(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def last_day(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def dated_in(field: str, year: int) -> Q:
    """A date field falls in `year` (an index-friendly range, not `__year`)."""
    return Q(**{f"{field}__gte": first_day(year), f"{field}__lte": last_day(year)})


def overlaps(
    start: str, end: str, year: int, *, end_exclusive: bool = False, open_start: bool = False
) -> Q:
    """A period [start, end] (open end: still running) meets `year` on at least one day.

    `end_exclusive`: the end date is the first day no longer in the period (a member who
    left on 1 January was not in the roll that year); otherwise it is the last day in it
    (a post ended on 1 January was held that day). `open_start`: a missing start counts
    as always begun (an association without a founding date).
    """
    ended_after = f"{end}__gt" if end_exclusive else f"{end}__gte"
    begun = Q(**{f"{start}__lte": last_day(year)})
    if open_start:
        begun |= Q(**{f"{start}__isnull": True})
    return begun & (Q(**{f"{end}__isnull": True}) | Q(**{ended_after: first_day(year)}))


def in_force_on(start: str, end: str, day: dt.date, *, end_exclusive: bool = False) -> Q:
    """A period [start, end] holds on `day` (a missing start counts as always begun)."""
    ended_after = f"{end}__gt" if end_exclusive else f"{end}__gte"
    return (Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": day})) & (
        Q(**{f"{end}__isnull": True}) | Q(**{ended_after: day})
    )
