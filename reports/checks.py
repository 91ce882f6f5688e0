"""System checks for reporting (registered in ReportsConfig.ready).

A CJK font for PDFs, and tables that only use indicators the catalog defines.
"""

from __future__ import annotations

import subprocess
from typing import Any

from django.core.checks import Error, Warning

FC_LIST_TIMEOUT_SECONDS = 10


def cjk_fonts() -> list[str]:
    """Font families fontconfig offers for Chinese; empty when none or fc-list is missing."""
    try:
        result = subprocess.run(
            ["fc-list", ":lang=zh", "family"],
            capture_output=True,
            text=True,
            timeout=FC_LIST_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def check_cjk_font(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    if cjk_fonts():
        return []
    return [
        Warning(
            "未找到中文（CJK）字体，导出的 PDF 报表中的汉字将无法显示。"
            " / No CJK font found (fc-list :lang=zh is empty or missing):"
            " Chinese text in PDF reports will not render.",
            hint="apt-get install fonts-noto-cjk",
            id="reports.W001",
        )
    ]


def check_table_codes(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from .tables import unknown_codes

    return [
        Error(
            f"报表“{key}”引用了未定义的指标 {code}。"
            f" / Table {key!r} uses unknown indicator {code!r}.",
            hint="Declare the indicator in its section module of reports/catalog/ or remove it "
            "from reports/tables.py.",
            id="reports.E001",
        )
        for key, code in unknown_codes()
    ]
