import datetime as dt

import pytest
from django.urls import reverse

from associations.models import Association, Level
from tests.associations.factories import AssociationFactory


def test_tree_shows_the_users_subtree_with_child_counts(client_for, town_secretary, network):
    response = client_for(town_secretary).get(reverse("associations:tree"))
    assert response.status_code == 200
    nodes = {n.code: n for n in response.context["nodes"]}
    assert set(nodes) == {"33079901", "33079901201", "33079901202", "33079901001"}
    assert nodes["33079901"].child_count == 3
    body = response.content.decode()
    assert "甲一村计生协" in body and "乙镇" not in body


def test_tree_queries_do_not_grow_with_nodes(
    client_for, county_officer, network, django_assert_max_num_queries
):
    client = client_for(county_officer)
    with django_assert_max_num_queries(9):  # 8 + the session renewal
        assert client.get(reverse("associations:tree")).status_code == 200
    for i in range(40):
        AssociationFactory(code=f"33079902{300 + i}", level=Level.VILLAGE, parent=network["town_b"])
    with django_assert_max_num_queries(9):  # 8 + the session renewal
        response = client.get(reverse("associations:tree"))
    assert len(response.context["nodes"]) == 47


def test_detail_lists_the_direct_children(client_for, county_officer, network):
    response = client_for(county_officer).get(
        reverse("associations:detail", args=[network["county"].pk])
    )
    assert response.status_code == 200
    towns = {town.name: town.child_count for town in response.context["children"]}
    assert towns == {network["town_a"].name: 3, network["town_b"].name: 1}


@pytest.mark.parametrize(
    "name", ["associations:detail", "associations:subtree", "associations:edit"]
)
def test_outsider_gets_404_for_another_towns_nodes(client_for, outsider, network, name):
    response = client_for(outsider).get(reverse(name, args=[network["village_a1"].pk]))
    assert response.status_code == 404


def test_outsider_cannot_add_under_another_town(client_for, outsider, network):
    url = reverse("associations:create", args=[network["town_a"].pk])
    response = client_for(outsider).post(
        url, {"code": "33079901299", "name": "x", "level": "village"}
    )
    assert response.status_code == 404
    assert not Association.objects.filter(code="33079901299").exists()


def test_outsider_never_sees_other_town_in_lists_or_breadcrumbs(client_for, outsider, network):
    response = client_for(outsider).get(reverse("associations:tree"))
    assert "甲" not in response.content.decode().replace("甲乙", "")
    detail = client_for(outsider).get(reverse("associations:detail", args=[network["town_b"].pk]))
    # The county above the outsider's scope is not shown as a breadcrumb link.
    assert list(detail.context["ancestors"]) == []


def test_secretary_creates_a_village(client_for, town_secretary, network):
    url = reverse("associations:create", args=[network["town_a"].pk])
    response = client_for(town_secretary).post(
        url,
        {"code": "33079901203", "name": "甲三村计生协", "level": "village", "population": "650"},
    )
    created = Association.objects.get(code="33079901203")
    assert response.status_code == 302
    assert created.parent == network["town_a"] and created.depth == 2


def test_wrong_level_keeps_what_was_typed_and_names_the_field(client_for, town_secretary, network):
    url = reverse("associations:create", args=[network["village_a1"].pk])
    response = client_for(town_secretary).post(
        url, {"code": "33079901888", "name": "村下之镇", "level": "town"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "不能隶属于" in form.errors["level"][0]
    assert 'value="村下之镇"' in response.content.decode()
    assert not Association.objects.filter(code="33079901888").exists()


def test_duplicate_code_error_in_chinese(client_for, town_secretary, network):
    url = reverse("associations:create", args=[network["town_a"].pk])
    response = client_for(town_secretary).post(
        url, {"code": "33079901201", "name": "重复", "level": "village"}
    )
    assert "code" in response.context["form"].errors
    assert response.context["form"].errors["code"] == ["已有编码相同的协会。"]


def test_read_only_officer_cannot_write(client_for, county_officer, network):
    client = client_for(county_officer)
    url = reverse("associations:create", args=[network["town_a"].pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"code": "33079901203", "name": "x", "level": "village"})
    assert response.status_code == 403
    edit = reverse("associations:edit", args=[network["town_a"].pk])
    assert (
        client.post(edit, {"code": "33079901", "name": "改名", "level": "town"}).status_code == 403
    )
    assert Association.objects.get(code="33079901").name == "甲镇计生协"


def test_clerk_cannot_move_or_dissolve(client_for, village_clerk, network):
    client = client_for(village_clerk)
    village = network["village_a1"]
    assert client.get(reverse("associations:move", args=[village.pk])).status_code == 403
    assert client.get(reverse("associations:dissolve", args=[village.pk])).status_code == 403


def test_secretary_moves_a_village_within_scope(client_for, county_secretary, network):
    village = network["village_a2"]
    client = client_for(county_secretary)
    url = reverse("associations:move", args=[village.pk])
    chosen = {"new_parent": network["town_b"].pk}
    response = client.post(url, chosen)  # first the preview: nothing moves yet
    assert response.status_code == 200 and response.context["preview"]
    village.refresh_from_db()
    assert village.parent == network["town_a"]
    response = client.post(url, {**chosen, "confirm": "1"})
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.path == "330799/33079902/33079901202/"


def test_move_dropdown_offers_only_the_users_subtree(client_for, town_secretary, network):
    AssociationFactory(code="33079901B1", level=Level.BRANCH, parent=network["town_a"])
    response = client_for(town_secretary).get(
        reverse("associations:move", args=[network["village_a2"].pk])
    )
    offered = set(
        response.context["form"].fields["new_parent"].queryset.values_list("code", flat=True)
    )
    # Only a parent it may sit under, in the user's scope, other than its parent now.
    assert offered == {"33079901B1"}
    response = client_for(town_secretary).post(
        reverse("associations:move", args=[network["village_a2"].pk]),
        {"new_parent": network["town_b"].pk, "confirm": "1"},
    )
    assert "new_parent" in response.context["form"].errors


def test_dissolve(client_for, town_secretary, network):
    village = network["village_a2"]
    client = client_for(town_secretary)
    url = reverse("associations:dissolve", args=[village.pk])
    response = client.post(url, {"dissolved_on": "2025-06-30"})
    assert response.status_code == 200 and response.context["preview"]
    assert Association.objects.get(pk=village.pk).dissolved_on is None
    response = client.post(url, {"dissolved_on": "2025-06-30", "confirm": "1"})
    assert response.status_code == 302
    village.refresh_from_db()
    assert village.dissolved_on == dt.date(2025, 6, 30)


def test_anonymous_is_sent_to_login(client, network):
    response = client.get(reverse("associations:tree"))
    assert response.status_code == 302 and "/login/" in response.url


def test_level_badge_uses_chinese_names(client_for, county_officer, network):
    body = client_for(county_officer).get(reverse("associations:tree")).content.decode()
    assert str(Level.TOWN.label) in body


def test_edit_clears_the_population(client_for, town_secretary, network):
    village = network["village_a1"]
    url = reverse("associations:edit", args=[village.pk])
    data = {"code": village.code, "name": village.name, "level": "village", "population": ""}
    response = client_for(town_secretary).post(url, data)
    assert response.status_code == 302
    assert Association.objects.get(pk=village.pk).population is None


def test_edit_level_that_children_cannot_sit_under_keeps_the_form(
    client_for, town_secretary, network
):
    branch = AssociationFactory(code="33079901B1", level=Level.BRANCH, parent=network["town_a"])
    AssociationFactory(code="33079901301", level=Level.VILLAGE, parent=branch)
    url = reverse("associations:edit", args=[branch.pk])
    data = {"code": "33079901B1", "name": "改名分会", "level": "village"}
    response = client_for(town_secretary).post(url, data)
    assert response.status_code == 200
    assert "level" in response.context["form"].errors
    assert 'value="改名分会"' in response.content.decode()
    assert Association.objects.get(pk=branch.pk).level == Level.BRANCH
