"""Member and household pickers, and the lists: sorting, export of exactly the filtered rows,
bounded pages, names searched by their start above town level."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import openpyxl
from django.urls import reverse

from associations import lists
from members import idcard
from members.models import Member

from .factories import HouseholdFactory, MemberFactory, MemberGroupFactory


def _rows(response) -> list[dict]:
    assert response.status_code == 200
    return response.json()["results"]


# ── pickers ───────────────────────────────────────────────────────────────────


def test_member_picker_by_name_or_id_tail_shows_masked_numbers(client_for, town_secretary, data):
    client = client_for(town_secretary)
    member = data["member"]
    for q in ("秀英", member.id_number[-4:]):
        rows = _rows(client.get(reverse("members:pick_member"), {"q": q}))
        assert [r["value"] for r in rows] == [member.pk], q
    [row] = rows
    assert row["text"] == f"王秀英 {idcard.mask(member.id_number)}"
    assert member.id_number not in str(rows) and row["hint"] == "甲一村计生协"


def test_member_picker_never_offers_outsiders(client_for, town_secretary, outsider, data, network):
    client = client_for(town_secretary)
    assert _rows(client.get(reverse("members:pick_member"), {"q": "乙村会员"})) == []
    outside = {"association": network["village_b1"].pk}
    assert client.get(reverse("members:pick_member"), outside).status_code == 404
    assert data["member"].pk not in {
        r["value"] for r in _rows(client_for(outsider).get(reverse("members:pick_member")))
    }


def test_member_picker_returns_at_most_twenty_in_the_roll(client_for, town_secretary, network):
    MemberFactory.create_batch(25, association=network["village_a1"])
    left = MemberFactory(association=network["village_a1"], status="left")
    client = client_for(town_secretary)
    params = {"association": network["village_a1"].pk, "active": "1"}
    rows = _rows(client.get(reverse("members:pick_member"), params))
    assert len(rows) == 20 and left.pk not in {r["value"] for r in rows}


def test_household_picker_by_code_or_head(client_for, town_secretary, data):
    client = client_for(town_secretary)
    household = data["household"]
    for q in ("A1-001", "a1-001", "赵大"):
        rows = _rows(client.get(reverse("members:pick_household"), {"q": q}))
        assert [r["value"] for r in rows] == [household.pk], q
    assert rows[0]["code"] == "A1-001" and rows[0]["text"] == "赵大（A1-001）"
    assert _rows(client.get(reverse("members:pick_household"), {"q": "B1-001"})) == []


def test_group_picker_offers_the_chosen_associations_groups(
    client_for, town_secretary, data, network
):
    MemberGroupFactory(association=network["village_a2"], name="二组")
    MemberGroupFactory(
        association=network["village_a1"], name="旧组", dissolved_on=dt.date(2024, 1, 1)
    )
    client = client_for(town_secretary)
    assert _rows(client.get(reverse("members:pick_group"))) == []  # none until one is chosen
    rows = _rows(
        client.get(reverse("members:pick_group"), {"association": network["village_a1"].pk})
    )
    assert [r["text"] for r in rows] == ["一组"]
    outside = {"association": network["village_b1"].pk}
    assert client.get(reverse("members:pick_group"), outside).status_code == 404


def test_a_clerks_only_association_is_chosen_already(client_for, village_clerk, town_secretary):
    form = client_for(village_clerk).get(reverse("members:create")).context["form"]
    assert form["association"].value() == village_clerk.association_id
    form = client_for(town_secretary).get(reverse("members:create")).context["form"]
    assert form["association"].value() is None  # several to choose from


def test_a_group_of_another_association_is_named_as_such(client_for, town_secretary, data, network):
    data_posted = {
        "association": network["village_a2"].pk,
        "group": data["group"].pk,  # village A1's
        "name": "周美华",
        "gender": "F",
        "id_number": idcard.make("330703", dt.date(1990, 1, 2), 124),
        "registration": "local",
        "joined_on": "2024-05-29",
    }
    response = client_for(town_secretary).post(reverse("members:create"), data_posted)
    assert response.context["form"].errors["group"] == ["会员小组必须属于会员所在的协会。"]
    assert 'value="周美华"' in response.content.decode()


# ── lists ─────────────────────────────────────────────────────────────────────


def test_member_list_sorts_by_a_column(client_for, town_secretary, data):
    client = client_for(town_secretary)
    url = reverse("members:list")

    def names(sort: str) -> list[str]:
        return [m.name for m in client.get(url, {"sort": sort}).context["page_obj"]]

    assert names("name") == ["李桂兰", "王秀英"]
    assert names("-name") == ["王秀英", "李桂兰"]
    assert names("no-such-column") == ["李桂兰", "王秀英"]  # the default
    body = client.get(url, {"sort": "name"}).content.decode()
    assert 'href="?sort=-name" aria-sort="ascending">姓名 ▲</a>' in body


def test_member_list_exports_exactly_the_filtered_rows_masked(client_for, town_secretary, data):
    client = client_for(town_secretary)
    response = client.get(reverse("members:list"), {"flags": "is_volunteer", "export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    header, *rows = list(sheet.values)
    assert [row[header.index("姓名")] for row in rows] == ["王秀英"]
    id_column = next(i for i, name in enumerate(header) if "身份证" in str(name))
    assert rows[0][id_column] == idcard.mask(data["member"].id_number)
    body = client.get(reverse("members:list"), {"flags": "is_volunteer"}).content.decode()
    assert "?flags=is_volunteer&amp;export=xlsx" in body


def test_household_list_exports_the_filtered_rows(client_for, town_secretary, data):
    response = client_for(town_secretary).get(
        reverse("members:household_list"), {"q": "赵大", "export": "xlsx"}
    )
    sheet = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    header, *rows = list(sheet.values)
    assert [row[header.index("户编码")] for row in rows] == ["A1-001"]


def test_names_are_searched_from_their_start_above_town_level(
    client_for, county_officer, town_secretary, data
):
    county = client_for(county_officer)
    url = reverse("members:list")
    assert [m.name for m in county.get(url, {"q": "王秀"}).context["page_obj"]] == ["王秀英"]
    response = county.get(url, {"q": "秀英"})
    assert list(response.context["page_obj"]) == []
    assert "按姓名开头查找" in response.content.decode()
    town = client_for(town_secretary)
    assert [m.name for m in town.get(url, {"q": "秀英"}).context["page_obj"]] == ["王秀英"]


def test_the_search_box_sends_a_full_id_number_to_the_look_up(client_for, town_secretary, data):
    body = client_for(town_secretary).get(reverse("members:list")).content.decode()
    assert 'name="q"' in body and "data-id-lookup" in body and "data-id-lookup-form" in body
    assert 'maxlength="11"' not in body  # never cut to 11 characters


def test_member_list_pages_are_bounded(client_for, town_secretary, network, monkeypatch):
    MemberFactory.create_batch(7, association=network["village_a1"])
    monkeypatch.setattr(lists, "ROW_LIMIT", 5)
    response = client_for(town_secretary).get(reverse("members:list"))
    assert response.context["page_obj"].paginator.count == 5
    assert "超过 5 名会员" in response.content.decode()
    assert Member.objects.count() == 7


def test_household_list_sorts_by_head(client_for, town_secretary, data, network):
    HouseholdFactory(association=network["village_a1"], code="A1-000", head_name="钱二")
    client = client_for(town_secretary)
    page = client.get(reverse("members:household_list"), {"sort": "-code"}).context["page_obj"]
    assert [h.code for h in page][-2:] == ["A1-001", "A1-000"]
