from django.urls import reverse

from associations.models import Association


def test_admin_changelist_is_scoped(client_for, town_secretary, network):
    response = client_for(town_secretary).get(reverse("admin:associations_association_changelist"))
    assert response.status_code == 200
    codes = {a.code for a in response.context["cl"].result_list}
    assert codes == {"33079901", "33079901201", "33079901202", "33079901001"}
    assert response.context["cl"].result_count == 4


def test_admin_change_page_of_another_town_is_not_found(client_for, outsider, network):
    url = reverse("admin:associations_association_change", args=[network["village_a1"].pk])
    response = client_for(outsider).get(url)
    # The admin redirects to its index with "doesn't exist" for rows outside the queryset.
    assert response.status_code in (302, 404)
    assert "甲一村" not in response.content.decode()


def test_admin_parent_dropdown_is_scoped(client_for, town_secretary, network):
    url = reverse("admin:associations_association_change", args=[network["village_a1"].pk])
    response = client_for(town_secretary).get(url)
    choices = set(
        response.context["adminform"].form.fields["parent"].queryset.values_list("code", flat=True)
    )
    assert "33079902" not in choices and "33079902201" not in choices


def test_admin_officer_cannot_change(client_for, county_officer, network):
    url = reverse("admin:associations_association_change", args=[network["village_a1"].pk])
    client = client_for(county_officer)
    response = client.post(url, {"code": "33079901201", "name": "改", "level": "village"})
    assert response.status_code == 403
    assert Association.objects.get(code="33079901201").name == "甲一村计生协"


def test_admin_search_and_level_filter(client_for, county_secretary, network):
    client = client_for(county_secretary)
    url = reverse("admin:associations_association_changelist")
    response = client.get(url, {"level__exact": "village"})
    assert {a.code for a in response.context["cl"].result_list} == {
        "33079901201",
        "33079901202",
        "33079902201",
    }
    response = client.get(url, {"q": "乙一"})
    assert [a.code for a in response.context["cl"].result_list] == ["33079902201"]


def test_admin_user_list_is_scoped(client_for, network, town_secretary, village_clerk, outsider):
    response = client_for(town_secretary).get(reverse("admin:associations_user_changelist"))
    assert response.status_code == 200
    names = {u.username for u in response.context["cl"].result_list}
    assert names == {"town_secretary", "village_clerk"}
    response = client_for(outsider).get(reverse("admin:associations_user_changelist"))
    assert {u.username for u in response.context["cl"].result_list} == {"outsider"}
