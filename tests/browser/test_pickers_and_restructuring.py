"""In a real browser: a member registered with the searchable pickers (the association, then
its member groups only); a village moved with a preview and a confirmation; a village with
members dissolved, its members transferred in the same step; an award to a member group
picked under its village."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.models import Award
from associations.models import Association
from members import idcard
from members.models import Member, MemberStatus
from tests.members.factories import MemberFactory, MemberGroupFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _pick(page, field: str, typed: str, option: str) -> None:
    """Type into the picker of `field` and click the offered option."""
    control = page.locator(f"#id_{field}-ts-control")
    control.click()
    control.fill(typed)
    page.locator(f"#id_{field}-ts-dropdown .option", has_text=option).first.click()
    # A search answered late may open the list again over the buttons below: close it.
    page.keyboard.press("Escape")
    page.locator(f"#id_{field}-ts-dropdown").wait_for(state="hidden")


def test_a_member_registered_with_the_pickers(open_as, shots, network, town_secretary):
    MemberGroupFactory(association=network["village_a1"], name="一组")
    MemberGroupFactory(association=network["village_a2"], name="二组")
    page = open_as(town_secretary)
    page.goto(page.base + "/members/add/")
    # No page lists every association: the select holds none until one is searched.
    assert page.locator("select#id_association option").count() <= 1
    _pick(page, "association", "甲一", "甲一村计生协")
    page.locator("#id_group-ts-control").click()
    options = page.locator("#id_group-ts-dropdown .option")
    options.first.wait_for()
    assert options.all_inner_texts() == ["一组"]  # the chosen village's groups only
    shots(page, "groups-of-the-chosen-village")
    options.first.click()
    page.fill("#id_name", "周美华")
    page.fill("#id_id_number", idcard.make("330703", dt.date(1990, 1, 2), 124))
    page.fill("#id_phone", "13912345678")
    page.fill("#id_joined_on", "2024-05-29")
    page.select_option("#id_gender", "F")
    shots(page, "filled")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    member = Member.objects.get(name="周美华")
    assert member.association == network["village_a1"] and member.group.name == "一组"
    shots(page, "registered")


def test_a_move_with_preview_and_confirmation(open_as, shots, network, county_secretary):
    village = network["village_a2"]
    MemberFactory.create_batch(3, association=village)
    page = open_as(county_secretary)
    page.goto(f"{page.base}/associations/{village.pk}/move/")
    _pick(page, "new_parent", "乙", "乙镇计生协")
    shots(page, "target-picked")
    page.get_by_role("button", name="下一步：查看影响").click()
    page.wait_for_load_state("networkidle")
    body = page.content()
    assert "确认移动" in body and "在册会员" in body
    assert Association.objects.get(pk=village.pk).parent == network["town_a"]  # not yet
    shots(page, "preview")
    page.get_by_role("button", name="确认移动").click()
    page.wait_for_load_state("networkidle")
    assert Association.objects.get(pk=village.pk).parent == network["town_b"]
    assert "已移动" in page.content()
    shots(page, "moved")


def test_a_dissolution_transfers_the_members(open_as, shots, network, town_secretary):
    village = network["village_a2"]
    MemberFactory.create_batch(3, association=village)
    page = open_as(town_secretary)
    page.goto(f"{page.base}/associations/{village.pk}/dissolve/")
    assert "3 名在册会员" in page.content()
    page.fill("#id_dissolved_on", "2025-06-30")
    page.get_by_label("全部转到另一个协会").check()
    _pick(page, "members_to", "甲一", "甲一村计生协")
    shots(page, "choices")
    page.get_by_role("button", name="下一步：查看影响").click()
    page.wait_for_load_state("networkidle")
    assert "3 名在册会员将转入“甲一村计生协”" in page.content()
    shots(page, "preview")
    page.get_by_role("button", name="确认撤销").click()
    page.wait_for_load_state("networkidle")
    assert Association.objects.get(pk=village.pk).dissolved_on == dt.date(2025, 6, 30)
    moved = Member.objects.filter(association=network["village_a1"], status=MemberStatus.ACTIVE)
    assert moved.count() == 3
    shots(page, "dissolved")


def test_a_full_id_number_in_the_search_box_is_looked_up_by_post(
    open_as, shots, network, town_secretary
):
    member = MemberFactory(association=network["village_a1"], name="王秀英")
    page = open_as(town_secretary)
    page.goto(page.base + "/members/")
    page.fill("#id_q", member.id_number)
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/members/{member.pk}/")  # the member's page, by POST
    assert member.id_number not in page.url
    shots(page, "found")


def test_event_attendees_picked_by_name(open_as, shots, network, town_secretary):
    MemberFactory(association=network["village_a1"], name="李梅")
    MemberFactory(association=network["village_a1"], name="李兰")
    page = open_as(town_secretary)
    page.goto(page.base + "/activities/events/new/")
    _pick(page, "association", "甲一", "甲一村计生协")
    page.select_option("#id_type", "member_day")
    page.fill("#id_title", "甲一村会员活动日")
    page.fill("#id_started_on", "2024-05-29")
    for name in ("李梅", "李兰"):
        _pick(page, "attendees", name, name)
    shots(page, "attendees-picked")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    body = page.content()
    assert "李梅" in body and "李兰" in body  # listed on the event's page, with links
    shots(page, "event-page")


def test_an_award_to_a_member_group_picked_under_its_village(
    open_as, shots, network, town_secretary
):
    MemberGroupFactory(association=network["village_a1"], name="一组")
    MemberGroupFactory(association=network["village_a2"], name="二组")
    page = open_as(town_secretary)
    page.goto(page.base + "/activities/awards/new/")
    page.select_option("#id_level", "provincial")
    page.fill("#id_title", "优秀会员小组")
    page.fill("#id_awarding_body", "省计生协")
    _pick(page, "association", "甲二", "甲二村计生协")
    page.locator("#id_member_group-ts-control").click()
    options = page.locator("#id_member_group-ts-dropdown .option")
    options.first.wait_for()
    assert options.all_inner_texts() == ["二组"]  # the chosen village's groups only
    options.first.click()
    shots(page, "group-picked")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state("networkidle")
    award = Award.objects.get(title="优秀会员小组")
    assert (award.association, award.member_group.name) == (network["village_a2"], "二组")
    assert "会员小组 二组" in page.content()
    shots(page, "award-page")
