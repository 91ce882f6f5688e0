from django.urls import reverse

from associations.models import Association, Level, Role, User
from associations.services import account_create
from tests.associations.factories import AssociationFactory


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


def test_admin_add_outside_scope_is_a_form_error(client_for, town_secretary, network):
    url = reverse("admin:associations_association_add")
    data = {"code": "330798", "name": "新县", "level": "county", "parent": ""}
    response = client_for(town_secretary).post(url, data)
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Association.objects.filter(code="330798").exists()


def test_admin_change_that_fails_writes_nothing(client_for, county_secretary, network):
    """A move and a level change in one save: the level is refused, so the move is undone too."""
    village = network["village_a1"]
    AssociationFactory(code="33079901201F", level=Level.FLOATING, parent=village)
    url = reverse("admin:associations_association_change", args=[village.pk])
    data = {
        "code": village.code,
        "name": village.name,
        "level": "floating",
        "parent": network["town_b"].pk,
    }
    response = client_for(county_secretary).post(url, data)
    assert response.status_code == 200
    assert "level" in response.context["adminform"].form.errors
    stored = Association.objects.get(pk=village.pk)
    assert (stored.parent_id, stored.level) == (network["town_a"].pk, Level.VILLAGE)


def test_admin_change_moves_and_renames(client_for, county_secretary, network):
    village = network["village_a1"]
    url = reverse("admin:associations_association_change", args=[village.pk])
    data = {
        "code": village.code,
        "name": "乙三村",
        "level": "village",
        "parent": network["town_b"].pk,
    }
    response = client_for(county_secretary).post(url, data)
    assert response.status_code == 302
    stored = Association.objects.get(pk=village.pk)
    assert (stored.name, stored.path) == ("乙三村", "330799/33079902/33079901201/")


def _user_change_data(user, network, **extra) -> dict:
    data = {
        "username": user.username,
        "is_active": "on",
        "is_staff": "on",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "00:00:00",
        "association": network["town_a"].pk,
        "role": "admin",
        "groups": [group.pk for group in user.groups.all()],
    }
    return {**data, **extra}


def test_scoped_admin_cannot_make_a_superuser_or_leave_the_scope(client_for, network):
    town_admin = account_create(
        username="town_admin",
        password="pw-for-tests-1",
        association=network["town_a"],
        role=Role.ADMIN,
    )
    client = client_for(town_admin)
    url = reverse("admin:associations_user_change", args=[town_admin.pk])
    client.post(url, _user_change_data(town_admin, network, is_superuser="on"))
    assert not User.objects.get(pk=town_admin.pk).is_superuser
    response = client.post(url, _user_change_data(town_admin, network, association=""))
    assert "association" in response.context["adminform"].form.errors
    assert User.objects.get(pk=town_admin.pk).association == network["town_a"]
