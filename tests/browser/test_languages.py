"""In a real browser: switching language on a form shown again with errors keeps what was
typed, shows the errors in the new language and saves nothing; the choice stays with the
account."""

from __future__ import annotations

import datetime as dt

import pytest

from members import idcard
from members.models import Member

pytestmark = pytest.mark.django_db(transaction=True)


def test_switching_language_on_a_form_with_errors_keeps_the_input(
    open_as, shots, network, town_secretary
):
    page = open_as(town_secretary)
    page.goto(page.base + "/members/add/")
    page.fill("#id_name", "周美华")
    page.fill("#id_id_number", idcard.make("330703", dt.date(1990, 1, 2), 124))
    page.fill("#id_phone", "123")  # not a mobile number
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".field.has-error").count() > 0
    shots(page, "errors-in-chinese")
    # The switcher posts the form from a change handler; wait for that page, not for the
    # load state the current page is already in.
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.input_value("#id_name") == "周美华"
    assert page.input_value("#id_phone") == "123"
    assert page.locator(".field.has-error").count() > 0
    assert page.get_by_role("button", name="Save").is_visible()
    shots(page, "errors-in-english-input-kept")
    assert not Member.objects.filter(name="周美华").exists()
    town_secretary.refresh_from_db()
    assert town_secretary.language == "en"
