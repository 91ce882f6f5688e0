"""In a real browser: a village clerk registers a member with a wrong ID number, reads why and
fixes it; a town secretary uploads a workbook with an error, reads the row and reason, then
uploads the corrected file, checks it and confirms."""

from __future__ import annotations

import datetime as dt

import pytest

from members import idcard
from members.models import Member
from tests.associations.sheets import xlsx
from tests.members.factories import with_wrong_check_digit
from tests.members.test_imports import MEMBER_HEADER, ident, member_rows

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_clerk_adds_a_member_with_a_bad_id_then_fixes_it(open_as, shots, network, village_clerk):
    number = idcard.make("330703", dt.date(1988, 6, 1), 125)
    wrong = with_wrong_check_digit(number)
    page = open_as(village_clerk)
    page.goto(page.base + "/members/add/")
    page.fill("#id_name", "陈丽娟")
    page.fill("#id_id_number", wrong)
    page.fill("#id_joined_on", "2024-05-29")
    page.select_option("#id_gender", "F")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    error = page.locator(".field.has-error", has=page.locator("#id_id_number"))
    assert "校验" in error.inner_text()
    assert page.input_value("#id_name") == "陈丽娟"  # what was typed stays
    shots(page, "wrong-id-explained")
    page.fill("#id_id_number", number)
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    member = Member.objects.with_id_number(number).get()
    assert member.association == network["village_a1"] and member.name == "陈丽娟"
    shots(page, "registered")


def test_a_secretary_imports_a_workbook_with_an_error_then_a_good_one(
    open_as, shots, network, town_secretary, tmp_path
):
    rows = member_rows()
    bad = [list(row) for row in rows]
    bad[1][2] = with_wrong_check_digit(ident(3))
    bad_file = xlsx(MEMBER_HEADER, *bad, path=tmp_path / "会员（有错）.xlsx")
    good_file = xlsx(MEMBER_HEADER, *rows, path=tmp_path / "会员.xlsx")
    page = open_as(town_secretary)
    upload = "form[action='/associations/imports/members/upload/']"
    page.goto(page.base + "/associations/imports/")
    page.set_input_files(f"{upload} input[type=file]", str(bad_file))
    page.locator(upload).get_by_role("button", name="上传并预检").click()
    page.wait_for_load_state("networkidle")
    assert "1 行有错误，整个文件都没有导入" in page.locator("main").inner_text()
    row, column, reason = page.locator("main table tbody tr").last.locator("td").all_inner_texts()
    assert (row, column) == ("3", "身份证号") and "校验" in reason
    assert page.get_by_role("button", name="确认导入").count() == 0  # nothing to confirm
    shots(page, "error-with-its-row")
    assert Member.objects.count() == 0
    page.goto(page.base + "/associations/imports/")
    page.set_input_files(f"{upload} input[type=file]", str(good_file))
    page.locator(upload).get_by_role("button", name="上传并预检").click()
    page.wait_for_load_state("networkidle")
    shots(page, "checked")
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_load_state("networkidle")
    assert Member.objects.count() == len(rows)
    shots(page, "imported")
