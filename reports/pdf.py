"""Render a Django template to PDF with WeasyPrint (reused by tables, dashboards, narratives).

Templates extend `reports/pdf/base.html`, which sets up A4 pages, the CJK font
stack, page numbers and the generation time in the page margins. Resources are
never fetched over the network: `/static/…` URLs are read from the static
finders and `data:` URLs are allowed; anything else is refused, so a PDF can't
be made to reach other hosts.
"""

from __future__ import annotations

import logging
import mimetypes
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from weasyprint.document import Document

# A fixed, unreachable base: relative and root-relative URLs resolve against it
# and are then served from the static files, never fetched.
BASE_URL = "http://pdf.invalid/"

# The root logger runs at INFO; WeasyPrint's step-by-step progress would flood it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            static_prefix = "/" + settings.STATIC_URL.lstrip("/")
            inside = ".." not in parts.path.split("/")  # finders also refuse, but say it here
            if url.startswith(BASE_URL) and parts.path.startswith(static_prefix) and inside:
                found = finders.find(parts.path.removeprefix(static_prefix))
                if found:
                    with open(found, "rb") as handle:
                        body = handle.read()
                    content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
                    return URLFetcherResponse(path2url(found), body, {"Content-Type": content_type})
            raise ValueError(f"PDF rendering does not fetch {url}")

    return StaticOnlyFetcher(allowed_protocols=("http", "data"))


def css_string(text: str) -> str:
    """`text` as a quoted CSS string (margin boxes take their text from CSS `content`)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def _page_numbers_css() -> str:
    # The translated sentence is cut around the counters so the word order
    # stays the translator's ("Page 3 of 7", "第 3 页，共 7 页").
    text = _("第 %(page)s 页，共 %(pages)s 页") % {"page": "\x00page\x00", "pages": "\x00pages\x00"}
    pieces = []
    for index, part in enumerate(text.split("\x00")):
        if index % 2:
            pieces.append(f"counter({part})")
        elif part:
            pieces.append(css_string(part))
    return " ".join(pieces)


def render_document(
    template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None
) -> Document:
    """The template laid out in pages (WeasyPrint's document: its boxes say where everything
    went, which the print tests measure); `generated_at` is added to the context."""
    # Imported here: WeasyPrint loads Pango and fonts, which most requests never need.
    from weasyprint import HTML

    generated_at = timezone.localtime()
    context = {
        "generated_at": generated_at,
        "pdf_generated_css": css_string(
            _("生成时间：%(time)s") % {"time": generated_at.strftime("%Y-%m-%d %H:%M")}
        ),
        "pdf_page_numbers_css": _page_numbers_css(),
        **context,
    }
    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).render()


def render_pdf(
    template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None
) -> bytes:
    """The template rendered to PDF bytes; `generated_at` is added to the context."""
    return render_document(template_name, context, request=request).write_pdf()
