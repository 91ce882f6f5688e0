"""Moving and dissolving with a preview and a confirmation; a dissolution settles the unit's
members (transferred in one step, or their membership ended) and refuses otherwise."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from associations import restructuring, services
from associations.models import Association, Level
from associations.years import last_year
from members.models import LeaveReason, Member, MemberGroup, MemberStatus, OfficerPosition
from reports.models import AnnualReport, ReportStatus
from tests.associations.factories import AssociationFactory
from tests.members.factories import (
    HouseholdFactory,
    MemberFactory,
    MemberGroupFactory,
    OfficerPositionFactory,
)

DAY = dt.date(2025, 6, 30)


@pytest.fixture
def village(network):
    """Village A2 with three members in the roll (one of them chair, in a group), one who
    left, and a household."""
    village = network["village_a2"]
    group = MemberGroupFactory(association=village, name="二组")
    members = [
        MemberFactory(association=village, name=name, group=group, joined_on=dt.date(2019, 3, 1))
        for name in ("甲", "乙", "丙")
    ]
    MemberFactory(
        association=village,
        name="丁",
        status=MemberStatus.LEFT,
        joined_on=dt.date(2018, 1, 1),
        left_on=dt.date(2020, 1, 1),
        leave_reason=LeaveReason.MOVED,
    )
    OfficerPositionFactory(member=members[0], association=village, title="chair")
    HouseholdFactory(association=village, code="A2-001")
    return village


def test_move_preview_counts_what_moves_and_which_approved_reports_drift(network, village):
    approved = AnnualReport.objects.create(
        association=network["town_a"], year=2024, status=ReportStatus.APPROVED
    )
    AnnualReport.objects.create(association=network["town_b"], year=2024, status="submitted")
    preview = restructuring.move_preview(village, network["town_b"])
    records = {str(t.label): t.count for t in preview.records}
    assert records["在册会员"] == 3 and records["已离会会员（历年记录）"] == 1
    assert records["户"] == 1 and records["在任理事职务"] == 1 and records["会员小组"] == 1
    assert preview.units == [(Level.VILLAGE.label, 1)]
    # The earliest membership began in 2018: every year since changes, for both towns (the
    # county they share keeps its totals).
    assert preview.years == range(2018, last_year() + 1)
    assert preview.losing == [network["town_a"]] and preview.gaining == [network["town_b"]]
    assert preview.drift == [approved]


def test_a_move_happens_only_when_confirmed(client_for, county_secretary, network, village):
    client = client_for(county_secretary)
    url = reverse("associations:move", args=[village.pk])
    response = client.post(url, {"new_parent": network["town_b"].pk})
    body = response.content.decode()
    assert "确认移动" in body and "在册会员" in body and "乙镇计生协" in body
    assert Association.objects.get(pk=village.pk).parent == network["town_a"]
    response = client.post(url, {"new_parent": network["town_b"].pk, "confirm": "1"})
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.parent == network["town_b"]
    assert Member.objects.filter(association=village).count() == 4  # records go along


def test_move_picker_offers_only_valid_parents(client_for, county_secretary, outsider, network):
    branch = AssociationFactory(code="33079901B1", level=Level.BRANCH, parent=network["town_a"])
    village = network["village_a2"]
    client = client_for(county_secretary)
    rows = client.get(reverse("associations:pick"), {"move": village.pk}).json()["results"]
    # Towns and branches it may sit under, not villages, not its own parent now.
    assert {r["value"] for r in rows} == {network["town_b"].pk, branch.pk}
    rows = client.get(reverse("associations:pick"), {"move": village.pk, "q": "乙"}).json()
    assert [r["value"] for r in rows["results"]] == [network["town_b"].pk]
    # Someone else's association is not found.
    response = client_for(outsider).get(reverse("associations:pick"), {"move": village.pk})
    assert response.status_code == 404


def test_dissolving_a_unit_with_members_needs_a_choice(client_for, town_secretary, village):
    url = reverse("associations:dissolve", args=[village.pk])
    client = client_for(town_secretary)
    body = client.get(url).content.decode()
    assert "3 名在册会员" in body
    response = client.post(url, {"dissolved_on": "2025-06-30", "confirm": "1"})
    assert response.status_code == 200 and "members" in response.context["form"].errors
    response = client.post(url, {"dissolved_on": "2025-06-30", "members": "transfer"})
    assert "members_to" in response.context["form"].errors
    assert Association.objects.get(pk=village.pk).dissolved_on is None


def test_dissolve_transfers_the_members_in_one_step(client_for, town_secretary, network, village):
    target = network["village_a1"]
    url = reverse("associations:dissolve", args=[village.pk])
    client = client_for(town_secretary)
    chosen = {"dissolved_on": "2025-06-30", "members": "transfer", "members_to": target.pk}
    response = client.post(url, chosen)
    preview = response.context["preview"]
    assert preview.gaining == [target] and preview.losing == [village]
    assert "3 名在册会员将转入“甲一村计生协”" in response.content.decode()
    assert Association.objects.get(pk=village.pk).dissolved_on is None
    response = client.post(url, {**chosen, "confirm": "1"})
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.dissolved_on == DAY
    moved = Member.objects.filter(name__in=["甲", "乙", "丙"])
    assert {m.association_id for m in moved} == {target.pk}
    assert {m.group_id for m in moved} == {None}  # the village's group went with it
    assert Member.objects.get(name="丁").association == village  # history stays
    post = OfficerPosition.objects.get(association=village)
    assert post.ended_on == dt.date(2025, 6, 29)  # the last day the unit existed
    assert MemberGroup.objects.get(association=village).dissolved_on == DAY
    assert moved.first().history.first().history_user == town_secretary


def test_dissolve_can_end_the_memberships(town_secretary, village):
    services.association_dissolve(
        by=town_secretary, association=village, dissolved_on=DAY, end_memberships=True
    )
    for member in Member.objects.filter(name__in=["甲", "乙", "丙"]):
        assert member.status == MemberStatus.LEFT and member.left_on == DAY
        assert member.periods.get(left_on=DAY).note == "协会撤销"
    assert Association.objects.get(pk=village.pk).dissolved_on == DAY


def test_the_dissolve_service_refuses_while_members_remain(town_secretary, village):
    with pytest.raises(ValidationError) as refused:
        services.association_dissolve(by=town_secretary, association=village, dissolved_on=DAY)
    assert "还有 3 名在册会员" in str(refused.value)
    assert Association.objects.get(pk=village.pk).dissolved_on is None


def test_the_dissolve_service_checks_scope_and_role(
    village_clerk, outsider, town_secretary, network, village
):
    with pytest.raises(PermissionDenied):
        services.association_dissolve(
            by=village_clerk, association=village, dissolved_on=DAY, end_memberships=True
        )
    with pytest.raises(PermissionDenied):
        services.association_dissolve(
            by=outsider, association=village, dissolved_on=DAY, end_memberships=True
        )
    # Members go only to an association the actor may change.
    with pytest.raises(ValidationError) as refused:
        services.association_dissolve(
            by=town_secretary,
            association=village,
            dissolved_on=DAY,
            members_to=network["village_b1"],
        )
    assert "members_to" in refused.value.error_dict
    assert Member.objects.filter(association=village, status=MemberStatus.ACTIVE).count() == 3


def test_a_read_only_officer_cannot_move_or_dissolve(client_for, county_officer, network, village):
    client = client_for(county_officer)
    move = reverse("associations:move", args=[village.pk])
    dissolve = reverse("associations:dissolve", args=[village.pk])
    assert (
        client.post(move, {"new_parent": network["town_b"].pk, "confirm": "1"}).status_code == 403
    )
    data = {"dissolved_on": "2025-06-30", "members": "end", "confirm": "1"}
    assert client.post(dissolve, data).status_code == 403
    village.refresh_from_db()
    assert village.parent == network["town_a"] and village.dissolved_on is None


def test_outsiders_get_404(client_for, outsider, village):
    client = client_for(outsider)
    assert client.get(reverse("associations:move", args=[village.pk])).status_code == 404
    assert client.get(reverse("associations:dissolve", args=[village.pk])).status_code == 404
