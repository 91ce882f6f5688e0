"""How the draft writes: figures as pieces of text, numbers rounded as the seed reports round
them, measure words, the names of places and units.

A paragraph is kept as pieces: plain text and `Figure`s (the indicator code, the figure as
written and, when rounded, the exact figure), so the same paragraph renders as plain text
for the editable textarea and as HTML whose figures link to their definitions with the
exact figure on hover. Sentences are gettext strings with named placeholders, so
translators keep control of word order.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from associations.models import Association, Level

from ..catalog import INDICATORS, Rate
from ..charts import format_number


@dataclass(frozen=True)
class Figure:
    """A figure as written in the text ("3600多人"), the indicator it comes from, and the
    exact figure ("3647人") when the text rounds it."""

    code: str
    text: str
    exact: str = ""

    @property
    def hover(self) -> str:
        return self.exact or self.text


Piece = str | Figure
_MARK = "\x00"


def sentence(template: str, **parts: Piece | Sequence[Piece]) -> list[Piece]:
    """Fill a translated sentence's %(name)s placeholders with pieces (figures stay figures)."""
    filled = template % {name: f"{_MARK}{name}{_MARK}" for name in parts}
    pieces: list[Piece] = []
    for i, chunk in enumerate(filled.split(_MARK)):
        if i % 2 == 0:
            if chunk:
                pieces.append(chunk)
            continue
        value = parts[chunk]
        pieces.extend([value] if isinstance(value, str | Figure) else value)
    return pieces


def plain_text(pieces: Iterable[Piece]) -> str:
    return "".join(p.text if isinstance(p, Figure) else p for p in pieces)


def joined(
    items: Iterable[Sequence[Piece]], separator: str = "、", *, skip_empty: bool = False
) -> list[Piece]:
    """Items in a list. A list whose items themselves hold a 、 is separated by ；instead,
    so "镇（乡、街道）" never reads as two items."""
    items = [item for item in items if item or not skip_empty]
    if separator == "、" and any("、" in plain_text(item) for item in items):
        separator = "；"
    pieces: list[Piece] = []
    for item in items:
        if pieces:
            pieces.append(separator)
        pieces.extend(item)
    return pieces


def enumerated(items: Sequence[Sequence[Piece]], verb: str = "") -> list[Piece]:
    """一是……；二是……；三是…… (or 一要……；二要……; the items end without punctuation)."""
    verb = verb or _("是")
    pieces: list[Piece] = []
    for index, item in enumerate(items):
        if pieces:
            pieces.append("；")
        pieces += [f"{chinese_numeral(index + 1)}{verb}", *item]
    return pieces


def html_text(
    pieces: Iterable[Piece], definitions_url: str, changed: Mapping[str, object] = {}
) -> SafeString:
    """The pieces as HTML: text escaped, each figure a link to its indicator's definition with
    the exact figure on hover; figures whose indicator `changed` since are marked."""
    return format_html_join(
        "",
        "{}",
        (
            (_figure_html(p, definitions_url, changed) if isinstance(p, Figure) else p,)
            for p in pieces
        ),
    )


def _figure_html(figure: Figure, definitions_url: str, changed: Mapping[str, object]) -> str:
    link = format_html(
        '<a class="figure" href="{}#ind-{}" title="{}">{}</a>',
        definitions_url,
        figure.code,
        _hover(figure),
        figure.text,
    )
    if figure.code in changed:  # changed since the last generation
        return format_html('<mark class="changed">{}</mark>', link)
    return link


def _hover(figure: Figure) -> str:
    name = str(INDICATORS[figure.code].name)
    return f"{name}：{figure.exact}" if figure.exact and figure.exact != figure.text else name


# ── Numbers as the reports write them ─────────────────────────────────────────
CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_numeral(n: int) -> str:
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    if n < 20:
        return "十" + CHINESE_NUMERALS[n - 11]
    return str(n)


def _trimmed(number: float) -> str:
    return f"{number:.4f}".rstrip("0").rstrip(".")


def in_wan(number: int | Decimal) -> str:
    """4.76万, 18万, 2700万, 3亿; below 10,000 the number itself (7500)."""
    if number >= 10**8:
        return _("%(n)s亿") % {"n": _trimmed(float(number) / 10**8)}
    if number >= 10**4:
        return _("%(n)s万") % {"n": _trimmed(float(number) / 10**4)}
    return format_number(number, grouped=False)


def approximately(number: int | Decimal, *, money: bool = False) -> str:
    """A figure rounded down to two significant digits, as the reports write them:
    3647 → 3600多, 183,500 (money) → 18万余, 7500 → 7500, 52,000 → 5.2万; below 100 exact."""
    if number < 100:
        return format_number(number, grouped=False)
    whole = int(number)
    step = 10 ** (len(str(whole)) - 2)
    floor = whole // step * step
    if floor == number:
        return in_wan(floor)
    return _("%(n)s余") % {"n": in_wan(floor)} if money else _("%(n)s多") % {"n": in_wan(floor)}


def exact_number(number: int | Decimal) -> str:
    return format_number(number, grouped=False)


def exact_money(amount: int | Decimal) -> str:
    return _("%(amount)s元") % {"amount": exact_number(amount)}


def about_percent(rate: Rate) -> str:
    """A share of units as the reports state it: 80%以上, 75%, 100%; below 10% exactly (9.8%)."""
    share = (rate.value or 0) * 100
    if share >= 99.95 or share < 10:
        return rate.percent if share < 99.95 else "100%"
    floor = math.floor(share / 5) * 5
    if share - floor < 0.05:
        return f"{floor}%"
    return _("%(p)s%%以上") % {"p": floor}


def exact_rate(rate: Rate) -> str:
    """The exact share with its parts, shown on hover: 90.2%（37/41）."""
    if rate.value is None:
        return "—"
    return f"{rate.percent}（{exact_number(rate.numerator)}/{exact_number(rate.denominator)}）"


# ── Places and units ──────────────────────────────────────────────────────────
_SUFFIX = re.compile(r"(计划生育协会|计生协会|计生协)$")


def short_name(association: Association) -> str:
    """A unit as the text names it: 甲二村 for 甲二村计生协."""
    return _SUFFIX.sub("", association.name) or association.name


def place(scope: Association) -> str:
    """How a report names the whole of its own area: 全区, 全镇, 全村…"""
    name = short_name(scope)
    if scope.level == Level.PROVINCE:
        return _("全省")
    if scope.level == Level.CITY:
        return _("全市")
    if scope.level == Level.COUNTY:
        return _("全县") if name.endswith("县") else _("全区")
    if scope.level == Level.TOWN:
        if name.endswith("街道"):
            return _("全街道")
        return _("全乡") if name.endswith("乡") else _("全镇")
    if scope.level == Level.BRANCH:
        return _("全片")
    if scope.level == Level.VILLAGE:
        return _("全村")
    if scope.level == Level.COMMUNITY:
        return _("全社区")
    return _("本单位")


def we(scope: Association) -> str:
    """How a report names its own unit as the subject: 我区, 我镇, 我村, 本单位."""
    whole = place(scope)
    return _("我%(unit)s") % {"unit": whole[1:]} if whole.startswith("全") else whole
