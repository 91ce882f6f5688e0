import pytest
from django.urls import reverse

from associations.models import Association, Level, Role, User
from associations.services import ADMIN_GROUP
from tests.associations.factories import AssociationFactory
from tests.conftest import make_person


@pytest.fixture
def county_admin(network):
    return make_person("county_admin", network["county"], Role.ADMIN, full_name="县管理员")


@pytest.fixture
def town_b_admin(network):
    return make_person("town_b_admin", network["town_b"], Role.ADMIN)


def test_admin_changelist_is_scoped(client_for, town_admin, network):
    response = client_for(town_admin).get(reverse("admin:associations_association_changelist"))
    assert response.status_code == 200
    codes = {a.code for a in response.context["cl"].result_list}
    assert codes == {"33079901", "33079901201", "33079901202", "33079901001"}
    assert response.context["cl"].result_count == 4


def test_admin_change_page_of_another_town_is_not_found(client_for, town_b_admin, network):
    url = reverse("admin:associations_association_change", args=[network["village_a1"].pk])
    response = client_for(town_b_admin).get(url)
    # The admin redirects to its index with "doesn't exist" for rows outside the queryset.
    assert response.status_code in (302, 404)
    assert "甲一村" not in response.content.decode()


def test_admin_parent_choices_are_scoped(client_for, town_admin, network):
    url = reverse("admin:associations_association_change", args=[network["village_a1"].pk])
    response = client_for(town_admin).get(url)
    choices = set(
        response.context["adminform"].form.fields["parent"].queryset.values_list("code", flat=True)
    )
    assert "33079902" not in choices and "33079902201" not in choices


def test_staff_other_than_administrators_cannot_enter_the_admin(
    client_for, county_officer, county_secretary, village_clerk, network
):
    url = reverse("admin:associations_association_change", args=[network["village_a1"].pk])
    for person in (county_officer, county_secretary, village_clerk):
        response = client_for(person).post(
            url, {"code": "33079901201", "name": "改", "level": "village"}
        )
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Association.objects.get(code="33079901201").name == "甲一村计生协"


def test_admin_search_and_level_filter(client_for, county_admin, network):
    client = client_for(county_admin)
    url = reverse("admin:associations_association_changelist")
    response = client.get(url, {"level__exact": "village"})
    assert {a.code for a in response.context["cl"].result_list} == {
        "33079901201",
        "33079901202",
        "33079902201",
    }
    response = client.get(url, {"q": "乙一"})
    assert [a.code for a in response.context["cl"].result_list] == ["33079902201"]


def test_admin_user_list_is_scoped(
    client_for, network, town_admin, town_b_admin, village_clerk, outsider
):
    response = client_for(town_admin).get(reverse("admin:associations_user_changelist"))
    assert response.status_code == 200
    names = {u.username for u in response.context["cl"].result_list}
    assert names == {"town_admin", "village_clerk"}
    response = client_for(town_b_admin).get(reverse("admin:associations_user_changelist"))
    assert {u.username for u in response.context["cl"].result_list} == {"outsider", "town_b_admin"}


def test_admin_add_outside_scope_is_a_form_error(client_for, town_admin, network):
    url = reverse("admin:associations_association_add")
    data = {"code": "330798", "name": "新县", "level": "county", "parent": ""}
    response = client_for(town_admin).post(url, data)
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Association.objects.filter(code="330798").exists()


def test_admin_change_that_fails_writes_nothing(client_for, county_admin, network):
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
    response = client_for(county_admin).post(url, data)
    assert response.status_code == 200
    assert "level" in response.context["adminform"].form.errors
    stored = Association.objects.get(pk=village.pk)
    assert (stored.parent_id, stored.level) == (network["town_a"].pk, Level.VILLAGE)


def test_admin_change_moves_and_renames(client_for, county_admin, network):
    village = network["village_a1"]
    url = reverse("admin:associations_association_change", args=[village.pk])
    data = {
        "code": village.code,
        "name": "乙三村",
        "level": "village",
        "parent": network["town_b"].pk,
    }
    response = client_for(county_admin).post(url, data)
    assert response.status_code == 302
    stored = Association.objects.get(pk=village.pk)
    assert (stored.name, stored.path) == ("乙三村", "330799/33079902/33079901201/")


def _user_change_data(user, network, **extra) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "is_active": "on",
        "association": network["town_a"].pk,
        "role": user.role,
    }
    return {**data, **extra}


def test_scoped_admin_cannot_make_a_superuser_or_leave_the_scope(client_for, town_admin, network):
    client = client_for(town_admin)
    url = reverse("admin:associations_user_change", args=[town_admin.pk])
    client.post(url, _user_change_data(town_admin, network, is_superuser="on"))
    assert not User.objects.get(pk=town_admin.pk).is_superuser
    response = client.post(url, _user_change_data(town_admin, network, association=""))
    assert "association" in response.context["adminform"].form.errors
    assert User.objects.get(pk=town_admin.pk).association == network["town_a"]


def test_accounts_made_and_changed_in_the_admin_keep_role_groups_and_access(
    client_for, town_admin, network
):
    client = client_for(town_admin)
    response = client.post(
        reverse("admin:associations_user_add"),
        {
            "username": "new_admin",
            "password1": "Xk9-long-password",
            "password2": "Xk9-long-password",
            "association": network["village_a1"].pk,
            "role": "admin",
            "first_name": "新管理员",
        },
    )
    assert response.status_code == 302
    made = User.objects.get(username="new_admin")
    assert made.is_staff and [g.name for g in made.groups.all()] == [ADMIN_GROUP]
    assert made.history.first().history_user == town_admin
    url = reverse("admin:associations_user_change", args=[made.pk])
    client.post(
        url, _user_change_data(made, network, role="clerk", association=network["village_a1"].pk)
    )
    made.refresh_from_db()
    assert (made.role, made.is_staff, made.groups.count()) == ("clerk", False, 0)
