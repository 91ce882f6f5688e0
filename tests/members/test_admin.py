from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from members import idcard
from members.models import LiaisonPair, Member, OfficerPosition

from .factories import HouseholdCertificateFactory, HouseholdFactory, MemberFactory


@pytest.fixture
def members(network):
    return {
        "a1": MemberFactory(association=network["village_a1"], name="甲村会员"),
        "b1": MemberFactory(association=network["village_b1"], name="乙村会员"),
    }


def _strip_personal_data() -> None:
    permission = Permission.objects.get(codename="view_personal_data")
    permission.group_set.clear()
    permission.user_set.clear()


def test_member_changelist_is_scoped_and_shows_full_ids_with_permission(
    client_for, town_secretary, members
):
    response = client_for(town_secretary).get(reverse("admin:members_member_changelist"))
    assert response.status_code == 200
    assert [m.name for m in response.context["cl"].result_list] == ["甲村会员"]
    content = response.content.decode()
    assert members["a1"].id_number in content
    assert members["b1"].name not in content


def test_member_admin_masks_ids_without_permission(client_for, town_secretary, members):
    _strip_personal_data()
    client = client_for(town_secretary)
    full = members["a1"].id_number
    content = client.get(reverse("admin:members_member_changelist")).content.decode()
    assert full not in content and idcard.mask(full) in content
    change = client.get(reverse("admin:members_member_change", args=[members["a1"].pk]))
    assert change.status_code == 200
    assert full not in change.content.decode()
    assert idcard.mask(full) in change.content.decode()


def test_member_admin_search_by_tail_refuses_full_id(client_for, town_secretary, members):
    client = client_for(town_secretary)
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


def test_member_admin_add_goes_through_the_service(client_for, town_secretary, network):
    client = client_for(town_secretary)
    url = reverse("admin:members_member_add")
    response = client.post(url, _member_form(network["village_a1"], phone="12345"))
    assert response.status_code == 200
    assert "phone" in response.context["adminform"].form.errors
    response = client.post(url, _member_form(network["village_a1"], phone="139 1234 5678"))
    assert response.status_code == 302
    member = Member.objects.get(name="后台会员")
    assert member.phone == "13912345678" and member.periods.count() == 1


def test_member_admin_officer_cannot_change_and_outsider_not_found(
    client_for, county_officer, outsider, members
):
    url = reverse("admin:members_member_change", args=[members["a1"].pk])
    response = client_for(county_officer).post(url, {"name": "改"})
    assert response.status_code == 403
    response = client_for(outsider).get(url)
    assert response.status_code in (302, 404)
    assert "甲村会员" not in response.content.decode()


def test_liaison_admin_add_checks_service_rules(client_for, town_secretary, network):
    member = MemberFactory(association=network["village_a2"])
    household = HouseholdFactory(association=network["village_a1"])
    response = client_for(town_secretary).post(
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


def test_position_admin_add(client_for, town_secretary, network):
    member = MemberFactory(association=network["village_a1"])
    response = client_for(town_secretary).post(
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
    assert OfficerPosition.objects.get().is_fulltime


@pytest.mark.parametrize(
    "model", ["household", "membergroup", "integritygroup", "dues payment", "liaisonpair"]
)
def test_other_changelists_load(client_for, town_secretary, network, model):
    name = model.replace(" ", "")
    response = client_for(town_secretary).get(reverse(f"admin:members_{name}_changelist"))
    assert response.status_code == 200


def test_household_admin_shows_certificates_without_editing_them(
    client_for, town_secretary, network
):
    household = HouseholdFactory(association=network["village_a1"])
    HouseholdCertificateFactory(household=household, kind="honour", number="光荣证-001")
    url = reverse("admin:members_household_change", args=[household.pk])
    response = client_for(town_secretary).get(url)
    assert response.status_code == 200
    assert "光荣证-001" in response.content.decode()
    inline = response.context["inline_admin_formsets"][0]
    assert not inline.has_add_permission and not inline.has_change_permission
