"""Staff pages for correcting, withdrawing (作废) and restoring records, and their history."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from decimal import Decimal

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from associations.spreadsheets.exporting import write_export
from members import idcard, services
from members.models import DuesPayment, Household, LiaisonPair, Member, OfficerPosition
from tests.associations.sheets import read


def _body(response) -> str:
    return response.content.decode()


# ── corrections that used to need the admin ───────────────────────────────────


def test_correcting_a_posts_details(client_for, village_clerk, data):
    client = client_for(village_clerk)
    position = data["position"]
    url = reverse("members:position_edit", args=[position.pk])
    form = client.get(url).context["form"]
    assert set(form.fields) == {*services.POSITION_DETAILS, "version"}
    post = {
        "term": "4",
        "is_fulltime": "on",
        "background": "retired_teacher",
        "cadre_rank": "section",
        "monthly_allowance": "60",
        "version": position.version,
    }
    response = client.post(url, post)
    assert response.status_code == 302
    assert response.url == reverse("members:detail", args=[position.member_id])
    position.refresh_from_db()
    assert (position.term, position.is_fulltime, position.background) == (
        4,
        True,
        "retired_teacher",
    )
    assert (position.cadre_rank, position.monthly_allowance) == ("section", Decimal("60"))
    assert position.history.first().history_user == village_clerk
    # A negative allowance is the field's error, and what was typed stays.
    response = client.post(url, {**post, "monthly_allowance": "-1", "term": "7", "version": 2})
    assert response.status_code == 200 and "monthly_allowance" in response.context["form"].errors
    assert response.context["form"]["term"].value() == "7"


def test_correcting_a_pairs_kind_and_contract(client_for, village_clerk, data):
    client = client_for(village_clerk)
    pair = data["pair"]
    url = reverse("members:liaison_edit", args=[pair.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "service", "contract_signed_on": "2021-01-01"})
    assert "contract_signed_on" in response.context["form"].errors  # before the pair began
    response = client.post(url, {"kind": "service", "contract_signed_on": "2022-04-01"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert (pair.kind, pair.contract_signed_on) == ("service", dt.date(2022, 4, 1))


def test_correcting_dues(client_for, village_clerk, data):
    client = client_for(village_clerk)
    payment = data["dues"]
    url = reverse("members:dues_edit", args=[payment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"amount": "12.5", "paid_on": "2024-05-29"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.amount, payment.paid_on) == (Decimal("12.50"), dt.date(2024, 5, 29))
    response = client.post(url, {"amount": "10", "paid_on": "2099-01-01"})
    assert "paid_on" in response.context["form"].errors


def test_dissolving_a_member_group_and_editing_an_integrity_group(client_for, village_clerk, data):
    client = client_for(village_clerk)
    group = data["group"]
    response = client.post(
        reverse("members:group_edit", args=[group.pk]),
        {"name": group.name, "leader": "", "dissolved_on": "2025-01-01"},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.dissolved_on == dt.date(2025, 1, 1)
    integrity = data["integrity_group"]
    response = client.post(
        reverse("members:integrity_group_edit", args=[integrity.pk]),
        {
            "name": "新名",
            "leader_name": "吴",
            "households": [h.pk for h in data["floating"][:5]],
        },
    )
    assert response.status_code == 302
    integrity.refresh_from_db()
    assert (integrity.name, integrity.households.count()) == ("新名", 5)


# ── a stale save ──────────────────────────────────────────────────────────────


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(
    client_for, village_clerk, county_secretary, data
):
    member = data["member"]
    url = reverse("members:edit", args=[member.pk])
    read_at = client_for(village_clerk).get(url).context["form"]["version"].value()
    services.member_update(by=county_secretary, member=member, occupation="教师")
    post = {
        "association": member.association_id,
        "group": data["group"].pk,
        "name": "王秀英",
        "gender": "F",
        "birth_date": member.birth_date.isoformat(),
        "joined_on": member.joined_on.isoformat(),
        "ethnicity": "汉族",
        "registration": "local",
        "phone": "13912345678",
        "occupation": "务农",
        "version": read_at,
    }
    response = client_for(village_clerk).post(url, post)
    assert response.status_code == 200
    content = _body(response)
    assert "县秘书长" in content and "职业" in content
    form = response.context["form"]
    assert form["phone"].value() == "13912345678" and form["occupation"].value() == "务农"
    assert form["version"].value() == str(read_at + 1)
    member.refresh_from_db()
    assert (member.phone, member.occupation) == ("13800138000", "教师")
    # Saving again is a conscious overwrite.
    response = client_for(village_clerk).post(url, {**post, "version": read_at + 1})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.phone, member.occupation) == ("13912345678", "务农")


# ── withdrawing and restoring ─────────────────────────────────────────────────


def test_withdrawing_a_member_hides_it_and_restoring_brings_it_back(
    client_for, town_secretary, village_clerk, data
):
    member = data["member"]
    secretary = client_for(town_secretary)
    url = reverse("members:withdraw", args=["member", member.pk])
    page = secretary.get(url)
    assert page.status_code == 200 and "作废原因" in _body(page)
    response = secretary.post(url, {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert Member.objects.filter(pk=member.pk).exists()
    response = secretary.post(url, {"reason": "重复录入"}, follow=True)
    assert "已作废“王秀英”，需要时可以恢复。" in _body(response)
    assert not Member.objects.filter(pk=member.pk).exists()

    # Gone from the list; the page is found only by those who may restore it.
    assert "王秀英" not in _body(secretary.get(reverse("members:list")))
    clerk = client_for(village_clerk)
    assert clerk.get(reverse("members:detail", args=[member.pk])).status_code == 404
    assert clerk.get(reverse("members:withdrawn")).status_code == 403
    secretary = client_for(town_secretary)  # (one test client: log back in)
    detail = secretary.get(reverse("members:detail", args=[member.pk]))
    assert "已作废" in _body(detail) and "重复录入" in _body(detail)
    assert "王秀英" in _body(secretary.get(reverse("members:withdrawn")))
    assert secretary.get(reverse("members:edit", args=[member.pk])).status_code == 404

    response = secretary.post(reverse("members:restore", args=["member", member.pk]))
    assert response.status_code == 302
    assert "王秀英" in _body(secretary.get(reverse("members:list")))
    detail = _body(client_for(village_clerk).get(reverse("members:detail", args=[member.pk])))
    assert "修改记录" in detail and "甲镇秘书长" in detail and "恢复" in detail


def test_a_clerk_cannot_withdraw(client_for, village_clerk, data):
    url = reverse("members:withdraw", args=["member", data["member"].pk])
    response = client_for(village_clerk).post(url, {"reason": "错"})
    assert response.status_code == 403 and "秘书长" in _body(response)
    assert Member.objects.filter(pk=data["member"].pk).exists()


def test_withdrawing_and_restoring_a_household(client_for, town_secretary, village_clerk, data):
    household = data["household"]
    client = client_for(town_secretary)
    client.post(
        reverse("members:withdraw", args=["household", household.pk]), {"reason": "错"}, follow=True
    )
    assert not Household.objects.filter(pk=household.pk).exists()
    assert "A1-001" not in _body(client.get(reverse("members:household_list")))
    url = reverse("members:household_detail", args=[household.pk])
    assert client_for(village_clerk).get(url).status_code == 404
    client = client_for(town_secretary)
    assert "A1-001" in _body(client.get(reverse("members:withdrawn")))
    client.post(reverse("members:restore", args=["household", household.pk]))
    assert Household.objects.filter(pk=household.pk).exists()


def test_withdrawing_and_restoring_a_post_a_pair_and_dues(client_for, town_secretary, data):
    client = client_for(town_secretary)
    member_page = reverse("members:detail", args=[data["member"].pk])
    for kind, record in (("position", data["position"]), ("liaison", data["pair"])):
        response = client.post(
            reverse("members:withdraw", args=[kind, record.pk]), {"reason": "错"}
        )
        assert response.status_code == 302 and response.url == member_page
    client.post(reverse("members:withdraw", args=["dues", data["dues"].pk]), {"reason": "错"})
    assert not OfficerPosition.objects.filter(pk=data["position"].pk).exists()
    assert not LiaisonPair.objects.filter(pk=data["pair"].pk).exists()
    assert not DuesPayment.objects.filter(pk=data["dues"].pk).exists()
    page = client.get(member_page)
    assert len(page.context["detail"].withdrawn) == 3
    assert reverse("members:restore", args=["dues", data["dues"].pk]) in _body(page)
    for kind, record in (("position", data["position"]), ("liaison", data["pair"])):
        client.post(reverse("members:restore", args=[kind, record.pk]))
    client.post(reverse("members:restore", args=["dues", data["dues"].pk]))
    assert client.get(member_page).context["detail"].withdrawn == []
    assert OfficerPosition.objects.filter(pk=data["position"].pk).exists()


def test_unknown_kind_is_not_found(client_for, town_secretary, data):
    url = reverse("members:withdraw", args=["association", data["member"].association_id])
    assert client_for(town_secretary).get(url).status_code == 404


# ── history on the detail pages ───────────────────────────────────────────────


def test_member_and_household_pages_show_their_history(client_for, village_clerk, data):
    client = client_for(village_clerk)
    services.member_update(by=village_clerk, member=data["member"], occupation="务农")
    services.household_update(by=village_clerk, household=data["household"], size=6)
    member_page = _body(client.get(reverse("members:detail", args=[data["member"].pk])))
    assert "修改记录" in member_page and "甲一村录入员" in member_page and "务农" in member_page
    household_page = _body(
        client.get(reverse("members:household_detail", args=[data["household"].pk]))
    )
    assert "修改记录" in household_page and "家庭人口" in household_page


_SERIALS = itertools.count(100)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.text(min_size=1, max_size=60),
    notes=st.one_of(
        st.text(max_size=3000),
        st.sampled_from(["=1+2", "+86", "-1", "@SUM(A1)", '=HYPERLINK("x")']),
    ),
)
def test_any_text_typed_is_refused_with_a_message_or_kept_and_exported(
    client_for, town_secretary, village_a1, name, notes
):
    """Very long text, control characters, mixed scripts, formula-like values: the form
    answers with a message or saves, never a server error; what it saved exports as text."""
    client = client_for(town_secretary)
    number = idcard.make("330703", dt.date(1980, 1, 1), next(_SERIALS))
    typed = {
        "association": village_a1.pk,
        "name": name,
        "gender": "F",
        "id_number": number,
        "registration": "local",
        "joined_on": "2024-05-29",
        "notes": notes,
    }
    response = client.post(reverse("members:create"), typed)
    assert response.status_code in (200, 302)
    if response.status_code == 200:  # refused: each error is a sentence, what was typed stays
        form = response.context["form"]
        assert form.errors and all(m for errors in form.errors.values() for m in errors)
        return
    member = Member.objects.with_id_number(number).get()
    buffer = io.BytesIO()
    write_export("members", buffer, scope=village_a1, by=town_secretary, reveal=False)
    buffer.seek(0)
    exported = {row[0]: row for row in read(buffer)[1:]}[f"{member.pk:08d}"]
    expected = ILLEGAL_CHARACTERS_RE.sub("", member.notes)  # what a cell can hold
    assert (expected or None) in exported  # as text: "=1+2" is not a formula
