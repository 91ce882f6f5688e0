"""The association picker's search, the tree search, saved filters and bounded pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from associations import services
from associations.lists import BoundedPaginator
from associations.models import Association, Level, SavedFilter
from tests.associations.factories import AssociationFactory


def _picked(client, **params) -> list[int]:
    response = client.get(reverse("associations:pick"), params)
    assert response.status_code == 200
    return [row["value"] for row in response.json()["results"]]


def test_the_picker_finds_by_name_or_code_within_the_users_scope(
    client_for, town_secretary, network
):
    client = client_for(town_secretary)
    assert _picked(client, q="甲一") == [network["village_a1"].pk]
    assert _picked(client, q="33079901201") == [network["village_a1"].pk]
    # Town B's villages are never offered, whatever is typed.
    assert _picked(client, q="乙") == []
    assert network["village_b1"].pk not in _picked(client)
    rows = client.get(reverse("associations:pick"), {"q": "甲一"}).json()["results"]
    label = "甲一村计生协（33079901201）"
    assert rows == [{"value": network["village_a1"].pk, "text": label, "hint": "甲镇计生协"}]


def test_the_picker_filters_by_level_and_leaves_dissolved_ones_out(
    client_for, county_secretary, network
):
    client = client_for(county_secretary)
    villages = {network[k].pk for k in ("village_a1", "village_a2", "community_a", "village_b1")}
    assert set(_picked(client, levels="village,community")) == villages
    Association.objects.filter(pk=network["village_a2"].pk).update(dissolved_on="2025-01-01")
    assert network["village_a2"].pk not in _picked(client, levels="village")
    assert network["village_a2"].pk in _picked(client, levels="village", all="1")  # past records


def test_the_picker_returns_at_most_twenty(client_for, county_secretary, network):
    for i in range(25):
        AssociationFactory(code=f"33079902{300 + i}", level=Level.VILLAGE, parent=network["town_b"])
    assert len(_picked(client_for(county_secretary), q="测试协会")) == 20


def test_the_picker_needs_a_login(client, network):
    response = client.get(reverse("associations:pick"), {"q": "甲"})
    assert response.status_code == 302 and "/login/" in response.url


def test_tree_search_opens_the_path_to_the_match(client_for, county_officer, network):
    deep = AssociationFactory(code="33079901B1", level=Level.BRANCH, parent=network["town_a"])
    village = AssociationFactory(
        code="33079901301", name="深处村计生协", level=Level.VILLAGE, parent=deep
    )
    client = client_for(county_officer)
    tree = client.get(reverse("associations:tree")).content.decode()
    assert "深处村计生协" not in tree  # three levels down: not shown until searched
    response = client.get(reverse("associations:tree"), {"find": village.pk})
    body = response.content.decode()
    assert 'id="found"' in body and "深处村计生协" in body
    assert response.context["found"] == village
    opened = {node.pk for node in response.context["nodes"] if node.on_path}
    assert opened == {network["county"].pk, network["town_a"].pk, deep.pk}


def test_tree_search_from_a_subtree_looks_everywhere(client_for, county_officer, network):
    url = reverse("associations:subtree", args=[network["town_b"].pk])
    response = client_for(county_officer).get(url, {"find": network["village_a1"].pk})
    assert response.status_code == 302
    assert response.url == f"{reverse('associations:tree')}?find={network['village_a1'].pk}"


def test_tree_search_never_names_an_outsiders_association(client_for, outsider, network):
    response = client_for(outsider).get(
        reverse("associations:tree"), {"find": network["village_a1"].pk}
    )
    assert response.status_code == 200 and response.context["found"] is None
    assert "甲一村计生协" not in response.content.decode()


def test_saved_filters_are_personal(client_for, town_secretary, county_officer, network):
    client = client_for(town_secretary)
    data = {"name": "志愿者", "page": "members:list", "query": "flags=is_volunteer&status=active"}
    response = client.post(reverse("associations:saved_filter_save"), data)
    assert response.status_code == 302
    assert response.url == reverse("members:list") + "?flags=is_volunteer&status=active"
    saved = SavedFilter.objects.get(owner=town_secretary)
    body = client.get(reverse("members:list")).content.decode()
    assert "志愿者</a>" in body and "?flags=is_volunteer&amp;status=active" in body
    # Saving under the same name replaces it.
    client.post(reverse("associations:saved_filter_save"), {**data, "query": "status=left"})
    assert SavedFilter.objects.get(pk=saved.pk).query == "status=left"
    # Someone else neither sees nor removes it.
    other = client_for(county_officer)
    assert "志愿者</a>" not in other.get(reverse("members:list")).content.decode()
    remove = reverse("associations:saved_filter_remove", args=[saved.pk])
    assert other.post(remove).status_code == 404
    assert client_for(town_secretary).post(remove).status_code == 302
    assert not SavedFilter.objects.exists()


def test_a_saved_filter_never_keeps_a_full_id_number(town_secretary):
    with pytest.raises(services.ValidationError) as refused:
        services.saved_filter_save(
            by=town_secretary, page="members:list", name="x", query="q=330703199001021234"
        )
    assert "query" in refused.value.error_dict
    with pytest.raises(services.ValidationError):
        services.saved_filter_save(by=town_secretary, page="no:such", name="x", query="")


def test_bounded_pages_count_only_up_to_the_limit(network):
    rows = Association.objects.order_by("path")
    paginator = BoundedPaginator(rows, per_page=2, limit=5)
    assert paginator.count == 5 and paginator.capped and paginator.num_pages == 3
    assert [a.code for a in paginator.page(3)] == [a.code for a in rows[4:5]]
    roomy = BoundedPaginator(rows, per_page=2, limit=50)
    assert roomy.count == rows.count() and not roomy.capped
