"""The drafted work report as a whole: its frame, generation from the catalog, the
secretary's edits and regeneration with the latest figures.

A draft is title, salutation and sections in the seed reports' order: the opening with
the unit's situation; 一、the year's review by line of work; 二、存在的问题; 三、next
year's suggestions. A section is a list of paragraphs: generated ones carry a key (their
topic) and their pieces (figures linked to the catalog); the secretary's own carry no key.

- `edited` takes the secretary's text (one textarea per section, a paragraph per line):
  a line equal to a generated paragraph stays that paragraph; any other line is their own;
  a generated paragraph they removed or rewrote is not offered again (`dismissed`).
- `regenerated` puts the latest figures in: generated paragraphs are replaced by their
  new versions in place, the secretary's own paragraphs stay where they were, and the
  figures that changed since the last generation are recorded (`changed`) so that the
  page marks them, in generated paragraphs and, by their old text, in the secretary's own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from associations.models import Association, Level

from .. import catalog
from ..catalog import DECIMAL_KINDS, INDICATORS, Kind, Rate
from . import review
from .problems import MAIN_RATES, Outlook, outlook, problems, suggestions
from .wording import Figure, Piece, chinese_numeral, html_text, plain_text
from .writer import Writer, exact_text

OPENING, PROBLEMS, SUGGESTIONS = "opening", "problems", "suggestions"
SECTION_KEYS = (OPENING, *review.REVIEW, PROBLEMS, SUGGESTIONS)


@dataclass
class Paragraph:
    key: str | None  # the generated paragraph's topic; None: the secretary's own
    pieces: list[Piece]

    @property
    def text(self) -> str:
        return plain_text(self.pieces)

    @property
    def own(self) -> bool:
        return self.key is None


@dataclass
class Section:
    key: str
    heading: str
    paragraphs: list[Paragraph]
    part: str = ""  # the part heading printed before the section (一、2024年工作回顾)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


def headings(year: int) -> dict[str, tuple[str, str]]:
    """Each section's (part heading, heading) as the seed reports number them."""
    result = {OPENING: ("", "")}
    for index, (key, (title, _writer)) in enumerate(review.REVIEW.items(), start=1):
        part = (
            _("%(n)s、%(year)s年工作回顾") % {"n": chinese_numeral(1), "year": year}
            if index == 1
            else ""
        )
        result[key] = (part, f"（{chinese_numeral(index)}）{title}")
    result[PROBLEMS] = ("", _("%(n)s、存在的问题") % {"n": chinese_numeral(2)})
    result[SUGGESTIONS] = (
        "",
        _("%(n)s、%(year)s年工作建议") % {"n": chinese_numeral(3), "year": year + 1},
    )
    return result


def default_title(scope: Association, year: int) -> str:
    return _("%(scope)s%(year)s年工作报告") % {"scope": scope.name, "year": year}


def default_salutation() -> str:
    return _("各位理事、同志们：")


@dataclass
class Draft:
    scope: Association
    year: int
    title: str
    salutation: str
    sections: list[Section]
    # code → {"exact", "previous", "texts"}: the figures at the last generation.
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    dismissed: set[str] = field(default_factory=set)
    # code → {"old", "new", "texts"}: what changed at the last regeneration.
    changed: dict[str, dict[str, Any]] = field(default_factory=dict)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def texts(self) -> dict[str, str]:
        return {s.key: s.text for s in self.sections}

    # ── stored form (reports.models.WorkReport.content) ──────────────────────
    def content(self) -> dict[str, Any]:
        return {
            "sections": [
                {
                    "key": s.key,
                    "paragraphs": [
                        {"key": p.key, "pieces": [_piece_json(x) for x in p.pieces]}
                        for p in s.paragraphs
                    ],
                }
                for s in self.sections
            ],
            "dismissed": sorted(self.dismissed),
            "changed": self.changed,
        }

    @classmethod
    def stored(
        cls,
        scope: Association,
        year: int,
        *,
        title: str,
        salutation: str,
        content: Mapping[str, Any],
        figures: Mapping[str, Any],
    ) -> Draft:
        layout = headings(year)
        sections = []
        for data in content.get("sections", []):
            part, heading = layout.get(data["key"], ("", ""))
            paragraphs = [
                Paragraph(p.get("key"), [_piece(x) for x in p.get("pieces", [])])
                for p in data.get("paragraphs", [])
            ]
            sections.append(Section(data["key"], heading, paragraphs, part))
        return cls(
            scope,
            year,
            title,
            salutation,
            sections,
            dict(figures),
            set(content.get("dismissed", [])),
            dict(content.get("changed", {})),
        )

    def plain(self) -> dict[str, Any]:
        """The draft as plain text (attached to the submission, exported to PDF)."""
        return {
            "title": self.title,
            "salutation": self.salutation,
            "sections": [
                {"part": s.part, "heading": s.heading, "paragraphs": [p.text for p in s.paragraphs]}
                for s in self.sections
            ],
        }


def _piece_json(piece: Piece) -> str | dict[str, str]:
    if isinstance(piece, Figure):
        return {"code": piece.code, "text": piece.text, "exact": piece.exact}
    return piece


def _piece(data: str | Mapping[str, str]) -> Piece:
    if isinstance(data, str):
        return data
    if data.get("code") not in INDICATORS:  # an indicator since removed: its text stays
        return data.get("text", "")
    return Figure(data["code"], data.get("text", ""), data.get("exact", ""))


# ── Generating ───────────────────────────────────────────────────────────────
def _write(
    w: Writer, children: list, plans: Outlook
) -> list[tuple[str, list[tuple[str, list[Piece]]]]]:
    written = [(OPENING, review.opening(w))]
    written += [(key, writer(w)) for key, (_title, writer) in review.REVIEW.items()]
    written.append((PROBLEMS, problems(w, children, plans)))
    written.append((SUGGESTIONS, suggestions(w, children, plans)))
    return written


class _ReadFigures(Mapping):
    """Figures that answer every code, all present (non-zero) or all absent (zero), and
    note each code a writer reads."""

    def __init__(self, present: bool) -> None:
        self.present = present
        self.read: dict[str, None] = {}

    def __getitem__(self, code: str) -> tuple:
        self.read[code] = None
        kind = INDICATORS[code].kind
        if kind == Kind.RATE:
            value = Rate(1, 2) if self.present else Rate(0, 0)
        else:
            value = (Decimal(1) if kind in DECIMAL_KINDS else 1) * self.present
        return value, value, catalog.change(value, value)

    def __contains__(self, code: object) -> bool:
        return code in INDICATORS

    def __iter__(self):
        return iter(INDICATORS)

    def __len__(self) -> int:
        return len(INDICATORS)


@cache
def codes_used() -> list[str]:
    """Every indicator the draft may read, found by running each writer for every level of
    unit over figures that note what is read, once all present and once all absent (so
    both sides of each "is there any" branch are taken)."""
    read: dict[str, None] = dict.fromkeys(MAIN_RATES)
    for level in Level:
        for present in (True, False):
            figures = _ReadFigures(present)
            _write(Writer(Association(level=level, name=""), 2024, figures), [], Outlook())
            read.update(figures.read)
    return list(read)


def _with_parts(codes: list[str]) -> list[str]:
    """Rates' numerators and denominators are cited too, so evaluate them alongside."""
    extra = []
    for code in codes:
        spec = INDICATORS[code]
        if spec.numerator:
            extra += [spec.numerator, spec.denominator]
    return list(dict.fromkeys([*codes, *extra]))


def report_language() -> str:
    """Work reports are Chinese documents: drafted in the page's Chinese script, else simplified."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    return current if current.startswith("zh") else settings.LANGUAGE_CODE


def generate(scope: Association, year: int) -> Draft:
    """The draft for `scope` in `year` from the catalog's figures (this year, last year, and
    the main rates of the direct children). A Chinese document whatever the page language."""
    with translation.override(report_language()):
        return _generate(scope, year)


def _generate(scope: Association, year: int) -> Draft:
    figures = catalog.evaluate_with_yoy(scope, year, _with_parts(codes_used()))
    children = catalog.evaluate_children(scope, year, list(MAIN_RATES))
    written = _write(Writer(scope, year, figures), children, outlook(scope, year))
    layout = headings(year)
    sections = [
        Section(
            key,
            layout[key][1],
            [Paragraph(topic, pieces) for topic, pieces in paragraphs if pieces],
            layout[key][0],
        )
        for key, paragraphs in written
    ]
    texts: dict[str, set[str]] = {}
    for section in sections:
        for paragraph in section.paragraphs:
            for piece in paragraph.pieces:
                if isinstance(piece, Figure):
                    texts.setdefault(piece.code, set()).add(piece.text)
    record = {
        code: {
            "exact": exact_text(code, now),
            "previous": exact_text(code, before),
            "texts": sorted(texts.get(code, ())),
        }
        for code, (now, before, _change) in figures.items()
    }
    return Draft(scope, year, default_title(scope, year), default_salutation(), sections, record)


# ── The secretary's edits and regeneration ───────────────────────────────────
def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def edited(base: Draft, *, title: str, salutation: str, texts: Mapping[str, str]) -> Draft:
    """`base` with the secretary's text: a paragraph per non-empty line of each section."""
    dismissed = set(base.dismissed)
    sections = []
    for section in base.sections:
        generated = {p.text: p for p in section.paragraphs if not p.own}
        lines = _lines(texts.get(section.key, ""))
        paragraphs = [generated.get(line) or Paragraph(None, [line]) for line in lines]
        kept = {p.key for p in paragraphs}
        dismissed |= {p.key for p in section.paragraphs if not p.own and p.key not in kept}
        sections.append(replace(section, paragraphs=paragraphs))
    return replace(
        base,
        title=title.strip() or base.title,
        salutation=salutation.strip(),
        sections=sections,
        dismissed=dismissed,
    )


def changes(saved: Draft, fresh: Draft) -> dict[str, dict[str, Any]]:
    """The figures (this year's or last year's) that differ in `fresh` from those `saved`
    was generated with: code → old and new exact figure, and the old texts no longer used."""
    changes = {}
    for code, old in saved.figures.items():
        new = fresh.figures.get(code)
        if new is None or code not in INDICATORS:
            continue
        if (old["exact"], old.get("previous")) != (new["exact"], new["previous"]):
            texts = [t for t in old.get("texts", []) if t not in new["texts"]]
            changes[code] = {"old": old["exact"], "new": new["exact"], "texts": texts}
    return changes


def _merged(saved: Section | None, fresh: Section, dismissed: set[str]) -> Section:
    """The fresh generated paragraphs (less the dismissed) with the secretary's own paragraphs
    kept after the generated paragraph they followed."""
    if saved is None:
        return replace(fresh, paragraphs=[p for p in fresh.paragraphs if p.key not in dismissed])
    after: dict[str | None, list[Paragraph]] = {}
    anchor = None
    for paragraph in saved.paragraphs:
        if paragraph.own:
            after.setdefault(anchor, []).append(paragraph)
        else:
            anchor = paragraph.key
    paragraphs = list(after.pop(None, []))
    for paragraph in fresh.paragraphs:
        if paragraph.key in dismissed:
            continue
        paragraphs.append(paragraph)
        paragraphs += after.pop(paragraph.key, [])
    for rest in after.values():  # their generated paragraph has no text this time
        paragraphs += rest
    return replace(fresh, paragraphs=paragraphs)


def regenerated(saved: Draft, fresh: Draft) -> Draft:
    """`saved` with the latest figures (`fresh`), the secretary's own paragraphs kept."""
    sections = [_merged(saved.section(s.key), s, saved.dismissed) for s in fresh.sections]
    known = {s.key for s in fresh.sections}
    sections += [s for s in saved.sections if s.key not in known]
    return replace(
        saved,
        sections=sections,
        figures=fresh.figures,
        changed=changes(saved, fresh),
    )


# ── Rendering ────────────────────────────────────────────────────────────────
_FIGURE_TEXT = re.compile(r"\d")


def paragraph_html(
    paragraph: Paragraph, definitions_url: str, changed: Mapping[str, Mapping[str, Any]]
) -> SafeString:
    """A generated paragraph with its figures linked (changed ones marked); the secretary's
    own with the old text of each changed figure marked."""
    if not paragraph.own:
        return html_text(paragraph.pieces, definitions_url, changed)
    # An old text may have stood for several figures ("2人"): the mark names each of them.
    marks: dict[str, list[str]] = {}
    for code, change in changed.items():
        for text in change.get("texts", []):
            if len(text) > 1 and _FIGURE_TEXT.search(text):
                marks.setdefault(text, []).append(
                    _("%(name)s：上次生成时为%(old)s，现为%(new)s")
                    % {"name": INDICATORS[code].name, "old": change["old"], "new": change["new"]}
                )
    text = paragraph.text
    if not marks:
        return format_html("{}", text)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(marks, key=len, reverse=True)))
    parts: list[tuple[str, ...]] = []
    position = 0
    for match in pattern.finditer(text):
        parts.append(("{}", text[position : match.start()]))
        tip = "；".join(marks[match.group()])
        parts.append(('<mark class="stale" title="{}">{}</mark>', tip, match.group()))
        position = match.end()
    parts.append(("{}", text[position:]))
    return format_html_join("", "{}", ((format_html(*part),) for part in parts))


def document(year: int, *, title: str, salutation: str, texts: Mapping[str, str]) -> dict[str, Any]:
    """A typed-in draft (the form's text) as the plain document the PDF prints."""
    layout = headings(year)
    return {
        "title": title,
        "salutation": salutation,
        "sections": [
            {
                "part": layout[key][0],
                "heading": layout[key][1],
                "paragraphs": _lines(texts.get(key, "")),
            }
            for key in SECTION_KEYS
            if _lines(texts.get(key, ""))
        ],
    }
