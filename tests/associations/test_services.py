import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from associations.models import Association, Level
from associations.records import StaleEdit, history_of
from associations.selectors import subtree
from associations.services import (
    association_create,
    association_dissolve,
    association_move,
    association_restore,
    association_update,
    system_actor,
)
from tests.associations.factories import AssociationFactory


def subtree_level_counts(association: Association, **when) -> Counter:
    return Counter(subtree(association, **when).values_list("level", flat=True))


@pytest.fixture
def deep(network):
    """county › town_a › branch › village › floating: depth 4 below the county."""
    branch = AssociationFactory(code="33079901B1", level=Level.BRANCH, parent=network["town_a"])
    village = AssociationFactory(code="33079901301", level=Level.VILLAGE, parent=branch)
    floating = AssociationFactory(code="33079901301F", level=Level.FLOATING, parent=village)
    return {**network, "branch": branch, "deep_village": village, "floating": floating}


def test_path_follows_codes(deep):
    assert deep["floating"].path == "330799/33079901/33079901B1/33079901301/33079901301F/"
    assert deep["floating"].depth == 4
    assert [a.code for a in deep["floating"].ancestors()] == [
        "330799",
        "33079901",
        "33079901B1",
        "33079901301",
    ]


def test_subtree_at_depth_four_counts_by_level(deep):
    counts = subtree_level_counts(deep["county"])
    assert counts[Level.COUNTY] == 1
    assert counts[Level.TOWN] == 2
    assert counts[Level.BRANCH] == 1
    assert counts[Level.VILLAGE] == 4  # a1, a2, b1, deep village
    assert counts[Level.COMMUNITY] == 1
    assert counts[Level.FLOATING] == 1
    assert sum(counts.values()) == 10
    assert set(subtree(deep["town_b"]).values_list("code", flat=True)) == {
        "33079902",
        "33079902201",
    }


def test_subtree_queries_are_constant_whatever_the_size(deep, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(list(subtree(deep["county"]))) == 10
    for i in range(30):
        AssociationFactory(code=f"33079902{300 + i}", level=Level.VILLAGE, parent=deep["town_b"])
    with django_assert_num_queries(1):
        assert len(list(subtree(deep["county"]))) == 40


def test_prefix_of_a_code_is_not_a_descendant(county):
    """33079901 must not match a sibling whose code merely starts the same way."""
    town = AssociationFactory(code="3307990", level=Level.TOWN, parent=county)
    other = AssociationFactory(code="33079901", level=Level.TOWN, parent=county)
    assert list(subtree(town)) == [town]
    assert other not in subtree(town)


def test_move_keeps_subtree_and_rewrites_paths(deep):
    moved = association_move(
        by=system_actor(), association=deep["branch"], new_parent=deep["town_b"]
    )
    assert moved.path == "330799/33079902/33079901B1/"
    floating = Association.objects.get(code="33079901301F")
    assert floating.path == "330799/33079902/33079901B1/33079901301/33079901301F/"
    assert floating.depth == 4
    assert subtree_level_counts(deep["town_b"])[Level.VILLAGE] == 2
    assert subtree_level_counts(deep["town_a"])[Level.BRANCH] == 0


def test_move_to_shallower_parent_changes_depth(deep):
    association_move(by=system_actor(), association=deep["deep_village"], new_parent=deep["town_b"])
    floating = Association.objects.get(code="33079901301F")
    assert (floating.depth, floating.parent.parent.code) == (3, "33079902")


def test_move_into_own_subtree_is_rejected(deep):
    with pytest.raises(ValidationError) as exc:
        association_move(by=system_actor(), association=deep["town_a"], new_parent=deep["branch"])
    assert "parent" in exc.value.message_dict
    assert Association.objects.get(code="33079901B1").path.startswith("330799/33079901/")


def test_move_onto_itself_is_rejected(deep):
    with pytest.raises(ValidationError):
        association_move(by=system_actor(), association=deep["branch"], new_parent=deep["branch"])


@pytest.mark.parametrize(
    ("level", "parent_key"),
    [
        (Level.TOWN, "village_a1"),  # a village cannot contain a town
        (Level.VILLAGE, "county"),  # villages sit under towns or branches
        (Level.COUNTY, "town_a"),
        (Level.BRANCH, "county"),
    ],
)
def test_level_nonsense_is_rejected_with_a_field_error(network, level, parent_key):
    with pytest.raises(ValidationError) as exc:
        association_create(
            by=system_actor(), code="12345", name="错", level=level, parent=network[parent_key]
        )
    assert "parent" in exc.value.message_dict
    assert not Association.objects.filter(code="12345").exists()


def test_town_needs_a_parent(db):
    with pytest.raises(ValidationError) as exc:
        association_create(
            by=system_actor(), code="12345", name="孤镇", level=Level.TOWN, parent=None
        )
    assert "必须有上级协会" in exc.value.message_dict["parent"][0]


def test_move_to_a_parent_of_wrong_level_is_rejected(network):
    with pytest.raises(ValidationError):
        association_move(
            by=system_actor(), association=network["village_a1"], new_parent=network["county"]
        )


@pytest.mark.parametrize("code", ["", "a", "33/01", "中文编码", "x" * 21, "-12"])
def test_invalid_codes_are_rejected(county, code):
    with pytest.raises(ValidationError) as exc:
        association_create(by=system_actor(), code=code, name="村", level=Level.TOWN, parent=county)
    assert "code" in exc.value.message_dict


def test_duplicate_code_is_rejected(network):
    with pytest.raises(ValidationError) as exc:
        association_create(
            by=system_actor(),
            code="33079901",
            name="重复",
            level=Level.TOWN,
            parent=network["county"],
        )
    assert "code" in exc.value.message_dict


def test_code_change_rewrites_descendant_paths(deep):
    association_update(by=system_actor(), association=deep["branch"], code="33079901B9")
    assert Association.objects.get(code="33079901301F").path == (
        "330799/33079901/33079901B9/33079901301/33079901301F/"
    )


def test_level_change_that_would_orphan_children_is_rejected(network):
    with pytest.raises(ValidationError):
        association_update(by=system_actor(), association=network["town_a"], level=Level.VILLAGE)


def test_create_outside_scope_is_rejected(network, town_secretary):
    with pytest.raises(ValidationError) as exc:
        association_create(
            by=town_secretary,
            code="33079902209",
            name="越权村",
            level=Level.VILLAGE,
            parent=network["town_b"],
        )
    assert "不在您的管辖范围内" in exc.value.message_dict["parent"][0]
    assert not Association.objects.filter(code="33079902209").exists()


def test_every_service_refuses_an_actor_out_of_scope(network, outsider):
    village = network["village_a1"]
    with pytest.raises(PermissionDenied):
        association_update(by=outsider, association=village, name="改名")
    with pytest.raises(PermissionDenied):
        association_move(by=outsider, association=village, new_parent=network["town_b"])
    with pytest.raises(PermissionDenied):
        association_dissolve(by=outsider, association=village, dissolved_on=dt.date(2024, 1, 1))
    with pytest.raises(PermissionDenied):
        association_restore(by=outsider, association=village)
    stored = Association.objects.get(pk=village.pk)
    assert (stored.name, stored.parent_id, stored.dissolved_on) == (
        "甲一村计生协",
        network["town_a"].pk,
        None,
    )


def test_read_only_officer_cannot_write(network, county_officer):
    with pytest.raises(PermissionDenied):
        association_update(by=county_officer, association=network["town_a"], name="改名")
    with pytest.raises(PermissionDenied):
        association_create(
            by=county_officer,
            code="33079901299",
            name="新村",
            level="village",
            parent=network["town_a"],
        )


def test_a_unit_cannot_move_or_dissolve_itself(network, town_secretary):
    with pytest.raises(PermissionDenied):
        association_move(
            by=town_secretary, association=network["town_a"], new_parent=network["county"]
        )
    association_dissolve(
        by=town_secretary, association=network["village_a2"], dissolved_on=dt.date(2024, 6, 30)
    )


def test_history_names_the_actor_and_what_changed(network, town_secretary):
    association_update(by=town_secretary, association=network["village_a1"], name="甲一村")
    latest = network["village_a1"].history.first()
    assert latest.history_user == town_secretary
    entries = history_of(network["village_a1"])
    assert entries[0].who == "甲镇秘书长"
    assert [(c.label, c.old, c.new) for c in entries[0].changes] == [
        ("名称", "甲一村计生协", "甲一村")
    ]


def test_a_save_over_a_newer_version_is_refused_and_names_who(
    network, town_secretary, county_secretary
):
    village = network["village_a1"]
    read_at = village.version
    association_update(by=county_secretary, association=village, name="县改", version=read_at)
    stale = Association.objects.get(pk=village.pk)
    with pytest.raises(StaleEdit) as exc:
        association_update(by=town_secretary, association=stale, population=1000, version=read_at)
    assert "县秘书长" in exc.value.messages[0] and "名称" in exc.value.messages[0]
    assert exc.value.current_version == read_at + 1
    assert Association.objects.get(pk=village.pk).population == 800


def test_restore_undoes_a_dissolution(network, town_secretary):
    village = network["village_a2"]
    association_dissolve(by=town_secretary, association=village, dissolved_on=dt.date(2024, 6, 30))
    association_restore(by=town_secretary, association=village)
    assert Association.objects.get(pk=village.pk).dissolved_on is None


def test_dissolve_keeps_the_row_and_dates_activity(network):
    association_dissolve(
        by=system_actor(), association=network["village_a2"], dissolved_on=dt.date(2024, 6, 30)
    )
    assert Association.objects.filter(code="33079901202").exists()
    assert subtree_level_counts(network["town_a"], on=dt.date(2024, 6, 29))[Level.VILLAGE] == 2
    assert subtree_level_counts(network["town_a"], on=dt.date(2024, 12, 31))[Level.VILLAGE] == 1


def test_dissolve_with_live_children_is_rejected(network):
    with pytest.raises(ValidationError) as exc:
        association_dissolve(
            by=system_actor(), association=network["town_a"], dissolved_on=dt.date(2024, 1, 1)
        )
    assert "dissolved_on" in exc.value.message_dict


def test_update_clears_optional_fields_passed_as_none(network):
    association_update(
        by=system_actor(), association=network["village_a1"], population=None, founded_on=None
    )
    assert Association.objects.get(code="33079901201").population is None


def test_update_leaves_fields_not_passed_alone(network):
    association_update(by=system_actor(), association=network["village_a1"], name=" 甲一村 ")
    stored = Association.objects.get(code="33079901201")
    assert (stored.name, stored.population) == ("甲一村", 800)


def test_level_change_that_children_cannot_sit_under_names_the_level(deep):
    with pytest.raises(ValidationError) as exc:
        association_update(by=system_actor(), association=deep["branch"], level=Level.VILLAGE)
    assert "level" in exc.value.message_dict


def test_move_without_a_new_parent_is_rejected(network):
    with pytest.raises(ValidationError) as exc:
        association_move(by=system_actor(), association=network["village_a1"], new_parent=None)
    assert "parent" in exc.value.message_dict
