"""reports.pdf.render_pdf, the WeasyPrint helper every PDF (tables, dashboards, narratives) uses."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from reports import pdf as pdf_module
from reports.pdf import css_string, render_pdf

TEMPLATE = """{% extends "reports/pdf/base.html" %}
{% block page_size %}A4{% endblock %}
{% block content %}<h1 class="pdf-title">计生协测试文档</h1><p>{{ body }}</p>{% endblock %}
"""


@pytest.fixture
def pdf_template(settings, tmp_path):
    (tmp_path / "pdf_smoke.html").write_text(TEMPLATE, encoding="utf-8")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    return "pdf_smoke.html"


def test_css_string_quotes_and_escapes():
    assert css_string('他说"好"') == '"他说\\"好\\""'
    assert css_string("a\\b") == '"a\\\\b"'
    assert css_string("两行\n文字") == '"两行\\A 文字"'


def test_page_numbers_are_css_counters_around_the_translated_words():
    assert pdf_module._page_numbers_css() == '"第 " counter(page) " 页，共 " counter(pages) " 页"'


def test_render_pdf_margins_and_text(pdf_template, tmp_path):
    data = render_pdf(pdf_template, {"body": "会员联系户 <script>"})
    assert data.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "smoke.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "计生协测试文档" in text  # body and, through string-set, the top margin
    assert text.count("计生协测试文档") == 2
    assert "会员联系户 <script>" in text  # escaped as text, not markup
    assert "第 1 页，共 1 页" in text
    assert "生成时间：" in text


def test_fetcher_serves_static_files_and_refuses_everything_else():
    fetcher = pdf_module._fetcher()
    response = fetcher.fetch(pdf_module.BASE_URL + "static/css/app.css")
    assert b".card" in response.read()
    assert response.content_type == "text/css"
    assert fetcher.fetch("data:text/plain,abc").read() == b"abc"
    for url in (
        "http://example.com/logo.png",
        pdf_module.BASE_URL + "admin/",
        pdf_module.BASE_URL + "static/no-such-file.css",
        "file:///etc/passwd",
        "https://pdf.invalid/static/css/app.css",
        pdf_module.BASE_URL + "static/css/../../../../etc/hostname",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
