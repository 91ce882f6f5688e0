"""Where things landed on a PDF's pages, for tests of print: the words as poppler reads them
back from the PDF (`pdftotext -bbox`) and the table cells WeasyPrint drew (its layout boxes).

Text that overflows its cell shows as a word crossing the cell's edge, or as figures of two
cells run together into one word ("793,691.30367,084.30"), which crosses it too.
"""

from __future__ import annotations

import itertools
import subprocess
import tempfile
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

from weasyprint.document import Document
from weasyprint.formatting_structure import boxes

PT_PER_PX = 0.75  # WeasyPrint lays out in CSS px, poppler reports PDF points
# Slack for rounding between the two: a word is "inside" a cell if it is within this many points.
TOLERANCE = 0.6
# Boxes of two lines in one cell overlap a little (a box is a glyph's full ascent and descent,
# taller than the line height); text set on top of text overlaps by most of a line.
LINE_OVERLAP = 0.35


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str = ""

    def overlap(self, other: Box) -> tuple[float, float]:
        """Width and height of the intersection (negative when apart)."""
        return (
            min(self.x1, other.x1) - max(self.x0, other.x0),
            min(self.y1, other.y1) - max(self.y0, other.y0),
        )

    def inside(self, other: Box, tolerance: float = TOLERANCE) -> bool:
        return (
            self.x0 >= other.x0 - tolerance
            and self.x1 <= other.x1 + tolerance
            and self.y0 >= other.y0 - tolerance
            and self.y1 <= other.y1 + tolerance
        )


@dataclass
class Page:
    number: int  # from 1
    width: float
    words: list[Box] = field(default_factory=list)
    cells: list[Box] = field(default_factory=list)
    # The row label of the first body row of each table (or part of one) on the page, and the
    # text of the first header cell of each table with its header row on the page.
    first_rows: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    body_rows: int = 0  # of every table on the page
    content: Box | None = None  # the page area inside the margins

    def colliding_words(self) -> list[tuple[str, str]]:
        """Pairs of words set on top of each other."""
        pairs = []
        words = sorted(self.words, key=lambda word: word.y0)
        for index, a in enumerate(words):
            # Only words starting above a's bottom can meet it: a sweep, not every pair.
            for b in itertools.takewhile(lambda b, a=a: b.y0 < a.y1, words[index + 1 :]):
                width, height = a.overlap(b)
                lower = min(a.y1 - a.y0, b.y1 - b.y0)
                if width > TOLERANCE and height > LINE_OVERLAP * lower:
                    pairs.append((a.text, b.text))
        return pairs

    def words_out_of_their_cell(self) -> list[str]:
        """Words in a table that cross their cell's edge (into the next column, or row)."""
        out = []
        for word in self.words:
            cell = max(self.cells, key=lambda cell: _area(word.overlap(cell)), default=None)
            if cell and _area(word.overlap(cell)) > 0 and not word.inside(cell):
                out.append(word.text)
        return out

    def words_off_the_page(self) -> list[str]:
        """Words beyond the left or right margin (a table wider than the page)."""
        assert self.content is not None
        return [
            word.text
            for word in self.words
            if word.x0 < self.content.x0 - TOLERANCE or word.x1 > self.content.x1 + TOLERANCE
        ]


def _area(overlap: tuple[float, float]) -> float:
    width, height = overlap
    return width * height if width > 0 and height > 0 else 0.0


def _text(box: boxes.Box) -> str:
    return "".join(
        child.text for child in box.descendants() if isinstance(child, boxes.TextBox)
    ).strip()


def _border_box(box: boxes.Box) -> Box:
    return Box(
        *(
            value * PT_PER_PX
            for value in (
                box.border_box_x(),
                box.border_box_y(),
                box.border_box_x() + box.border_width(),
                box.border_box_y() + box.border_height(),
            )
        )
    )


def _laid_out(page_box: boxes.PageBox, page: Page) -> None:
    page.content = Box(
        page_box.content_box_x() * PT_PER_PX,
        page_box.content_box_y() * PT_PER_PX,
        (page_box.content_box_x() + page_box.width) * PT_PER_PX,
        (page_box.content_box_y() + page_box.height) * PT_PER_PX,
    )
    for box in page_box.descendants():
        if isinstance(box, boxes.TableCellBox):
            page.cells.append(_border_box(box))
        elif isinstance(box, boxes.TableBox):
            groups = [group for group in box.children if isinstance(group, boxes.TableRowGroupBox)]
            body = [group for group in groups if not (group.is_header or group.is_footer)]
            rows = [row for group in body for row in group.children]
            page.body_rows += len(rows)
            if rows and rows[0].children:
                page.first_rows.append(_text(rows[0].children[0]))
            for header in (group for group in groups if group.is_header and group.children):
                page.headers.append(_text(header.children[0].children[0]))


def _words(pdf: bytes) -> list[tuple[float, list[Box]]]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "measured.pdf"
        path.write_bytes(pdf)
        xhtml = subprocess.run(
            ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    ns = "{http://www.w3.org/1999/xhtml}"
    pages = []
    for element in ElementTree.fromstring(xhtml).iter(f"{ns}page"):
        words = [
            Box(*(float(word.get(key)) for key in ("xMin", "yMin", "xMax", "yMax")), word.text)
            for word in element.iter(f"{ns}word")
        ]
        pages.append((float(element.get("width")), words))
    return pages


def measure(document: Document) -> tuple[bytes, list[Page]]:
    """The document as PDF, and each page's words (read back from the PDF) and table cells."""
    pdf = document.write_pdf()
    pages = []
    for number, ((width, words), laid_out) in enumerate(
        zip(_words(pdf), document.pages, strict=True), start=1
    ):
        page = Page(number, width, words)
        _laid_out(laid_out._page_box, page)  # WeasyPrint keeps the page's box tree here
        pages.append(page)
    return pdf, pages


def page_problems(pages: list[Page]) -> dict[int, dict[str, list]]:
    """Per page with a problem: colliding words, words out of their cell or off the page, and a
    total row (合计) that starts a page alone."""
    problems = {}
    for page in pages:
        found = {
            "colliding": page.colliding_words(),
            "out_of_cell": page.words_out_of_their_cell(),
            "off_page": page.words_off_the_page(),
            "orphan_total": [row for row in page.first_rows if row == "合计"],
        }
        if any(found.values()):
            problems[page.number] = {key: value for key, value in found.items() if value}
    return problems
