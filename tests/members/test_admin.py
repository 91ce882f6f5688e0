"""The Django admin (administrators only): scoped, masked, writing through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from associations.models import Role
from members import idcard
from members.models import DuesPayment, LiaisonPair, Member, OfficerPosition
from tests.conftest import make_person

from .factories import (
    DuesPaymentFactory,
    HouseholdCertificateFactory,
    HouseholdFactory,
    LiaisonPairFactory,
    MemberFactory,
    OfficerPositionFactory,
)


@pytest.fixture
def members(network):
    return {
        "a1": MemberFactory(association=network["village_a1"], name="甲村会员"),
        "b1": MemberFactory(association=network["village_b1"], name="乙村会员"),
    }


@pytest.fixture
def granted_admin(network):
    """甲镇管理员 with the personal-data grant (named accounts only)."""
    return make_person("granted_admin", network["town_a"], Role.ADMIN, may_view_personal_data=True)


def test_member_changelist_is_scoped_and_masks_ids_even_with_the_permission(
    client_for, granted_admin, members
):
    """Full numbers are revealed (and logged) on the member page only."""
    response = client_for(granted_admin).get(reverse("admin:members_member_changelist"))
    assert response.status_code == 200
    assert [m.name for m in response.context["cl"].result_list] == ["甲村会员"]
    content = response.content.decode()
    member = members["a1"]
    assert member.id_number not in content and idcard.mask(member.id_number) in content
    assert member.birth_date.isoformat() not in content and "1980" in content
    assert members["b1"].name not in content


def test_member_admin_masks_ids_and_birth_dates(client_for, town_admin, members):
    client = client_for(town_admin)
    member = members["a1"]
    full, born = member.id_number, member.birth_date
    content = client.get(reverse("admin:members_member_changelist")).content.decode()
    assert full not in content and idcard.mask(full) in content
    change = client.get(reverse("admin:members_member_change", args=[member.pk]))
    assert change.status_code == 200
    body = change.content.decode()
    assert full not in body and idcard.mask(full) in body
    assert born.isoformat() not in body and f"{born:%Y年%-m月%-d日}" not in body
    assert "birth_date" not in change.context["adminform"].form.fields
    assert change.context["adminform"].form["id_number"].value() in (None, "")


def test_member_admin_search_by_tail_refuses_full_id(client_for, town_admin, members):
    client = client_for(town_admin)
    url = reverse("admin:members_member_changelist")
    tail = members["a1"].id_number[-4:]
    assert [m.name for m in client.get(url, {"q": tail}).context["cl"].result_list] == ["甲村会员"]
    response = client.get(url, {"q": members["a1"].id_number})
    assert list(response.context["cl"].result_list) == []


def _member_form(association, **extra) -> dict:
    data = {
        "association": association.pk,
        "name": "后台会员",
        "gender": "F",
        "birth_date": "1990-01-02",
        "id_number": idcard.make("330703", dt.date(1990, 1, 2), 222),
        "ethnicity": "汉族",
        "registration": "local",
        "joined_on": "2024-01-01",
        "periods-TOTAL_FORMS": "0",
        "periods-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_member_admin_add_goes_through_the_service(client_for, town_admin, network):
    client = client_for(town_admin)
    url = reverse("admin:members_member_add")
    response = client.post(url, _member_form(network["village_a1"], phone="12345"))
    assert response.status_code == 200
    assert "phone" in response.context["adminform"].form.errors
    response = client.post(url, _member_form(network["village_a1"], phone="139 1234 5678"))
    assert response.status_code == 302
    member = Member.objects.get(name="后台会员")
    assert member.phone == "13912345678" and member.periods.count() == 1
    assert member.history.first().history_user == town_admin


def test_member_admin_add_outside_scope_is_a_form_error(client_for, town_admin, network):
    response = client_for(town_admin).post(
        reverse("admin:members_member_add"), _member_form(network["village_b1"])
    )
    assert response.status_code == 200
    assert "association" in response.context["adminform"].form.errors
    assert not Member.objects.filter(name="后台会员").exists()


def test_member_admin_change_saves_through_the_service(client_for, town_admin, members):
    member = members["a1"]
    data = _member_form(member.association, name="改名会员", joined_on="2020-01-01")
    data.pop("id_number")  # masked for this administrator: neither shown nor changed
    data.update({"periods-TOTAL_FORMS": "1", "periods-INITIAL_FORMS": "1"})
    data["periods-0-id"] = member.periods.get().pk
    data["periods-0-member"] = member.pk
    data["birth_date"] = member.birth_date.isoformat()
    url = reverse("admin:members_member_change", args=[member.pk])
    response = client_for(town_admin).post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.name == "改名会员" and member.version == 2
    assert member.history.first().history_user == town_admin


def test_staff_other_than_administrators_cannot_use_the_members_admin(
    client_for, county_officer, town_secretary, members
):
    url = reverse("admin:members_member_change", args=[members["a1"].pk])
    for person in (county_officer, town_secretary):
        response = client_for(person).post(url, {"name": "改"})
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Member.objects.get(pk=members["a1"].pk).name == "甲村会员"


def test_member_admin_outsider_not_found(client_for, network, members):
    town_b_admin = make_person("town_b_admin", network["town_b"], Role.ADMIN)
    url = reverse("admin:members_member_change", args=[members["a1"].pk])
    response = client_for(town_b_admin).get(url)
    assert response.status_code in (302, 404)
    assert "甲村会员" not in response.content.decode()


def test_member_admin_withdraw_and_restore_actions(client_for, town_admin, members):
    client = client_for(town_admin)
    url = reverse("admin:members_member_changelist")
    member = members["a1"]
    action = {"action": "withdraw_selected", "_selected_action": [member.pk], "index": 0}
    client.post(url, {**action, "reason": ""})  # a reason is required
    assert Member.objects.filter(pk=member.pk).exists()
    client.post(url, {**action, "reason": "重复录入"})
    assert not Member.objects.filter(pk=member.pk).exists()
    stored = Member.all_objects.get(pk=member.pk)
    assert (stored.withdrawal_reason, stored.withdrawn_by) == ("重复录入", town_admin)
    client.post(url, {"action": "restore_selected", "_selected_action": [member.pk], "index": 0})
    assert Member.objects.filter(pk=member.pk).exists()


def test_liaison_admin_add_checks_service_rules(client_for, town_admin, network):
    member = MemberFactory(association=network["village_a2"])
    household = HouseholdFactory(association=network["village_a1"])
    response = client_for(town_admin).post(
        reverse("admin:members_liaisonpair_add"),
        {
            "member": member.pk,
            "household": household.pk,
            "kind": "help",
            "started_on": "2024-01-01",
        },
    )
    assert response.status_code == 200
    assert "member" in response.context["adminform"].form.errors
    assert not LiaisonPair.objects.exists()


def test_liaison_admin_change_corrects_kind_and_contract(client_for, town_admin, network):
    member = MemberFactory(association=network["village_a1"])
    pair = LiaisonPairFactory(
        member=member, household=HouseholdFactory(association=member.association)
    )
    url = reverse("admin:members_liaisonpair_change", args=[pair.pk])
    response = client_for(town_admin).post(
        url, {"kind": "service", "contract_signed_on": "2022-04-01", "ended_on": ""}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    pair.refresh_from_db()
    assert (pair.kind, pair.contract_signed_on) == ("service", dt.date(2022, 4, 1))
    assert pair.history.first().history_user == town_admin


def test_position_admin_add_and_correct(client_for, town_admin, network):
    member = MemberFactory(association=network["village_a1"])
    client = client_for(town_admin)
    response = client.post(
        reverse("admin:members_officerposition_add"),
        {
            "member": member.pk,
            "association": network["town_a"].pk,
            "title": "fulltime_vice_chair",
            "started_on": "2024-01-01",
            "background": "retired_cadre",
            "cadre_rank": "",
            "monthly_allowance": "60",
        },
    )
    assert response.status_code == 302
    position = OfficerPosition.objects.get()
    assert position.is_fulltime
    url = reverse("admin:members_officerposition_change", args=[position.pk])
    response = client.post(
        url,
        {
            "is_fulltime": "on",
            "background": "retired_teacher",
            "cadre_rank": "section",
            "monthly_allowance": "80",
            "term": "4",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    position.refresh_from_db()
    assert (position.background, position.monthly_allowance, position.term) == (
        "retired_teacher",
        80,
        4,
    )


def test_dues_admin_corrects_and_withdraws(client_for, town_admin, network):
    member = MemberFactory(association=network["village_a1"])
    payment = DuesPaymentFactory(member=member, year=2024, amount=10)
    client = client_for(town_admin)
    url = reverse("admin:members_duespayment_change", args=[payment.pk])
    response = client.post(url, {"amount": "12.50", "paid_on": "2024-05-29"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    payment.refresh_from_db()
    assert str(payment.amount) == "12.50"
    changelist = reverse("admin:members_duespayment_changelist")
    client.post(
        changelist,
        {
            "action": "withdraw_selected",
            "_selected_action": [payment.pk],
            "index": 0,
            "reason": "重复",
        },
    )
    assert not DuesPayment.objects.filter(pk=payment.pk).exists()


@pytest.mark.parametrize(
    "model", ["household", "membergroup", "integritygroup", "duespayment", "liaisonpair"]
)
def test_other_changelists_load(client_for, town_admin, network, model):
    response = client_for(town_admin).get(reverse(f"admin:members_{model}_changelist"))
    assert response.status_code == 200


def test_household_admin_shows_certificates_without_editing_them(client_for, town_admin, network):
    household = HouseholdFactory(association=network["village_a1"])
    HouseholdCertificateFactory(household=household, kind="honour", number="光荣证-001")
    url = reverse("admin:members_household_change", args=[household.pk])
    response = client_for(town_admin).get(url)
    assert response.status_code == 200
    assert "光荣证-001" in response.content.decode()
    inline = response.context["inline_admin_formsets"][0]
    assert not inline.has_add_permission and not inline.has_change_permission


def test_autocomplete_offers_only_live_members_in_scope(client_for, town_admin, members):
    withdrawn = MemberFactory(association=members["a1"].association, name="作废会员")
    withdrawn.withdrawn_at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    withdrawn.save(update_fields=["withdrawn_at"])
    response = client_for(town_admin).get(
        reverse("admin:autocomplete"),
        {
            "app_label": "members",
            "model_name": "liaisonpair",
            "field_name": "member",
            "term": "会员",
        },
    )
    names = [r["text"] for r in response.json()["results"]]
    assert names == ["甲村会员"]


def test_position_factory_still_works(network):
    member = MemberFactory(association=network["village_a1"])
    assert OfficerPositionFactory(member=member).association == member.association
