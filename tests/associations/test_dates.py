import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from associations.dates import parse_date

MAY_29 = dt.date(2024, 5, 29)


@pytest.mark.parametrize(
    "value",
    [
        "2024-05-29",
        "2024/5/29",
        "2024年5月29日",
        "2024.5.29",
        "2024-5-29",
        " 2024 年 5 月 29 日 ",
        "２０２４年５月２９日",  # full-width digits
        "20240529",
        "2024-05-29 00:00:00",
        "2024/05/29 08:30",
        20240529,
        45441,  # Excel serial of a date cell formatted as "General"
        45441.0,
        Decimal("45441"),
        dt.datetime(2024, 5, 29, 13, 5),
        MAY_29,
    ],
)
def test_dates_as_people_type_them(value):
    assert parse_date(value) == MAY_29


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_cells_are_none(value):
    assert parse_date(value) is None


@pytest.mark.parametrize("value", ["2024-02-30", "2023年2月29日", "2024-13-01"])
def test_impossible_dates_say_so(value):
    with pytest.raises(ValidationError) as caught:
        parse_date(value)
    assert "不存在" in caught.value.messages[0]


@pytest.mark.parametrize("value", ["abc", "29/05/2024", "5月29日", True, 45441.5, -3])
def test_unreadable_dates_explain_the_formats(value):
    with pytest.raises(ValidationError) as caught:
        parse_date(value)
    assert "2024-05-29" in caught.value.messages[0]


def test_leap_day_and_excel_epoch():
    assert parse_date("2024年2月29日") == dt.date(2024, 2, 29)
    assert parse_date(1) == dt.date(1899, 12, 31)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), Decimal("Infinity"), 1e308])
def test_a_number_no_date_can_be_is_refused_with_the_reason(value):
    with pytest.raises(ValidationError, match="无法识别"):
        parse_date(value)
