from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from associations.imports import LEVEL_ALIASES, LEVEL_SHOWN
from associations.models import Level
from associations.spreadsheets.cells import (
    BoolCell,
    ChoiceCell,
    CodeCell,
    DecimalCell,
    IntegerCell,
    MultiChoiceCell,
    TextCell,
    simplified,
)

LEVELS = ChoiceCell(Level.choices, LEVEL_ALIASES, shown=LEVEL_SHOWN)


@pytest.mark.parametrize(
    ("typed", "level"),
    [
        ("省", "province"),
        ("市", "city"),
        ("县", "county"),
        ("区", "county"),
        ("县（区）", "county"),
        ("縣(區)", "county"),
        ("镇", "town"),
        ("鎮", "town"),
        ("乡", "town"),
        ("鄉", "town"),
        ("街道", "town"),
        ("镇乡（街道）", "town"),
        ("分会", "branch"),
        ("分會", "branch"),
        ("村", "village"),
        ("居", "community"),
        ("社区", "community"),
        ("社區", "community"),
        ("居（社区）", "community"),
        ("企业", "enterprise"),
        ("企業", "enterprise"),
        ("企事业单位", "enterprise"),
        ("流动人口", "floating"),
        ("流動人口", "floating"),
        ("village", "village"),
    ],
)
def test_levels_in_every_spelling(typed, level):
    assert LEVELS.clean(typed) == level


def test_every_level_exports_a_label_that_imports_back():
    for level in Level.values:
        assert LEVELS.clean(LEVELS.render(level)) == level


def test_unknown_choice_lists_what_is_allowed():
    with pytest.raises(ValidationError) as caught:
        LEVELS.clean("大队")
    assert "大队" in caught.value.messages[0] and "街道" in caught.value.messages[0]


@pytest.mark.parametrize("typed", ["是", "Y", "y", "yes", "1", 1, "√", True, "對"])
def test_true_words(typed):
    assert BoolCell().clean(typed) is True


@pytest.mark.parametrize("typed", ["否", "N", "no", "0", 0, "×", False, "无"])
def test_false_words(typed):
    assert BoolCell().clean(typed) is False


def test_bool_blank_and_bad():
    assert BoolCell().clean(None) is None
    assert BoolCell().clean(" ") is None
    with pytest.raises(ValidationError):
        BoolCell().clean("也许")


def test_codes_typed_as_numbers_or_full_width():
    assert CodeCell(max_length=20).clean(330703) == "330703"
    assert CodeCell(max_length=20).clean(330703.0) == "330703"
    assert CodeCell(max_length=20).clean("３３０７０３ ") == "330703"


def test_text_length_and_blank():
    assert TextCell(max_length=3).clean("  甲乙 ") == "甲乙"
    assert TextCell().clean("") is None
    with pytest.raises(ValidationError) as caught:
        TextCell(max_length=3).clean("甲乙丙丁")
    assert "最多 3 个字" in caught.value.messages[0]


def test_numbers():
    assert IntegerCell().clean("1,200") == 1200
    assert IntegerCell().clean(3.0) == 3
    with pytest.raises(ValidationError):
        IntegerCell().clean("三")
    with pytest.raises(ValidationError):
        IntegerCell().clean(-1)
    assert DecimalCell().clean("60元") == Decimal("60.00")
    assert DecimalCell().clean(20.5) == Decimal("20.50")
    with pytest.raises(ValidationError):
        DecimalCell().clean("六十")


def test_multi_choice_separators_and_none():
    cell = MultiChoiceCell([("a", "独生子女户"), ("b", "两女户")], {"独生子女": "a"})
    assert cell.clean("独生子女、两女户") == frozenset({"a", "b"})
    assert cell.clean("獨生子女,兩女戶") == frozenset({"a", "b"})
    assert cell.clean("独生子女户，两女户") == frozenset({"a", "b"})
    assert cell.clean("无") == frozenset()
    assert cell.clean("") is None
    assert cell.render(frozenset({"b", "a"})) == "独生子女户、两女户"
    with pytest.raises(ValidationError):
        cell.clean("独生子女、五保户")


def test_simplified_normalises_headers():
    assert simplified("所屬協會 編碼") == "所属协会编码"
    assert simplified("（必填）") == "(必填)"
