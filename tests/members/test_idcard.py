from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from members import idcard, phone


def test_known_valid_number():
    assert idcard.check_digit("11010519491231002") == "X"
    assert idcard.validate_id_number("11010519491231002X") == "11010519491231002X"
    assert idcard.validate_id_number(" 110105 19491231 002x ") == "11010519491231002X"


@pytest.mark.parametrize("position", range(17))
def test_changing_any_digit_breaks_the_check(position):
    number = "11010519491231002X"
    digit = str((int(number[position]) + 1) % 10)
    changed = number[:position] + digit + number[position + 1 :]
    with pytest.raises(ValidationError):
        idcard.validate_id_number(changed)


@pytest.mark.parametrize(
    "bad",
    ["", "1101051949123100", "11010519491231002Y", "110105194912310021X", "11010519491331002X"],
)
def test_bad_shapes_and_dates(bad):
    with pytest.raises(ValidationError):
        idcard.validate_id_number(bad)


def test_birth_date_must_match():
    assert idcard.validate_id_number("11010519491231002X", birth=dt.date(1949, 12, 31))
    with pytest.raises(ValidationError, match="不一致"):
        idcard.validate_id_number("11010519491231002X", birth=dt.date(1949, 12, 30))


def test_make_gives_valid_numbers_with_sex_digit():
    number = idcard.make("330703", dt.date(1975, 6, 1), 13)
    assert idcard.validate_id_number(number, birth=dt.date(1975, 6, 1)) == number
    assert int(number[16]) % 2 == 1


def test_mask():
    assert idcard.mask("11010519491231002X") == "110***********002X"
    assert idcard.mask("") == ""


def test_shown_to(db, django_user_model):
    user = django_user_model.objects.create_user("plain", password="x")
    assert idcard.shown_to("11010519491231002X", user) == "110***********002X"
    root = django_user_model.objects.create_superuser("root2", password="x")
    assert idcard.shown_to("11010519491231002X", root) == "11010519491231002X"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("", ""),
    ],
)
def test_phone_normalised(raw, expected):
    assert phone.validate_mobile(raw) == expected


@pytest.mark.parametrize("bad", ["1380013800", "12800138000", "0571-88888888", "138001380001"])
def test_phone_rejected(bad):
    with pytest.raises(ValidationError, match="手机号码"):
        phone.validate_mobile(bad)
