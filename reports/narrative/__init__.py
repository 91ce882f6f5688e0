"""The drafted work report (工作报告): a document a secretary can hand in.

Every figure in the text comes from the catalog (`evaluate_with_yoy` for the scope, and
`evaluate_children` for the main rates of its direct children) and links to its
definition. `wording` writes figures as the seed reports do, `writer` turns one scope's
figures into phrases, `review` drafts the opening and each line of work, `problems` the
problems and next year's suggestions, and `draft` assembles the whole, takes the
secretary's edits and regenerates with the latest figures keeping their own paragraphs.
"""

from .draft import (
    SECTION_KEYS,
    Draft,
    Paragraph,
    Section,
    changes,
    codes_used,
    document,
    edited,
    generate,
    headings,
    paragraph_html,
    regenerated,
    report_language,
)
from .problems import Outlook, outlook
from .wording import Figure, approximately, place, plain_text, sentence

__all__ = [
    "SECTION_KEYS",
    "Draft",
    "Figure",
    "Outlook",
    "Paragraph",
    "Section",
    "approximately",
    "changes",
    "codes_used",
    "document",
    "edited",
    "generate",
    "headings",
    "outlook",
    "paragraph_html",
    "place",
    "plain_text",
    "regenerated",
    "report_language",
    "sentence",
]
