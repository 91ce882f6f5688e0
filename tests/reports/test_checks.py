"""System checks: a CJK font for PDFs (reports.W001), tables on known indicators (reports.E001)."""

from __future__ import annotations

import subprocess

import pytest
from django.core import checks

from reports import checks as report_checks
from reports import tables
from reports.tables import TableSpec


def _fc_list_prints(monkeypatch, stdout: str) -> list:
    calls = []

    def fake_run(args, **kwargs):
        calls.append(args)
        return subprocess.CompletedProcess(args, 0, stdout=stdout, stderr="")

    monkeypatch.setattr(report_checks.subprocess, "run", fake_run)
    return calls


def test_no_warning_when_fc_list_finds_a_chinese_font(monkeypatch):
    calls = _fc_list_prints(monkeypatch, "Noto Sans CJK SC\nNoto Serif CJK SC\n")
    assert report_checks.check_cjk_font() == []
    assert calls[0][:2] == ["fc-list", ":lang=zh"]


def test_warns_when_fc_list_finds_nothing(monkeypatch):
    _fc_list_prints(monkeypatch, "\n")
    [warning] = report_checks.check_cjk_font()
    assert isinstance(warning, checks.Warning)
    assert warning.id == "reports.W001"
    assert "中文" in warning.msg and "CJK font" in warning.msg
    assert warning.hint == "apt-get install fonts-noto-cjk"


@pytest.mark.parametrize(
    "error", [FileNotFoundError("fc-list"), subprocess.TimeoutExpired("fc-list", 10)]
)
def test_warns_when_fc_list_is_missing_or_hangs(monkeypatch, error):
    def broken_run(*args, **kwargs):
        raise error

    monkeypatch.setattr(report_checks.subprocess, "run", broken_run)
    assert [w.id for w in report_checks.check_cjk_font()] == ["reports.W001"]


def test_the_checks_are_registered(monkeypatch):
    _fc_list_prints(monkeypatch, "")
    assert "reports.W001" in [m.id for m in checks.run_checks()]


def test_tables_use_only_catalog_codes(monkeypatch):
    assert report_checks.check_table_codes() == []
    broken = (*tables.TABLES, TableSpec("extra", "额外", ("members.total", "no.such.code")))
    monkeypatch.setattr(tables, "TABLES", broken)
    [error] = report_checks.check_table_codes()
    assert error.id == "reports.E001" and "no.such.code" in error.msg


def test_real_fc_list_on_this_machine_agrees_with_the_check():
    # Whatever the machine has, the check and fc-list tell the same story.
    fonts = report_checks.cjk_fonts()
    assert (report_checks.check_cjk_font() == []) == bool(fonts)
