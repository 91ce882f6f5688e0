from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from associations.services import system_actor
from members import idcard, selectors, services
from members.models import OfficerTitle

D = dt.date


@pytest.fixture
def history(network):
    """Six people with hand-picked histories; F lives in town B.

    A joined 2020-03-01, still in.          D joined 2019-01-01, died 2023-12-31.
    B joined 2023-06-01, moved 2024-04-30.  E joined 2021-01-01, left 2022-05-01, back 2024-09-01.
    C joined 2024-02-01, still in.          F (town B) joined 2020-01-01, still in.
    """
    seq = iter(range(100, 200))

    def register(name, joined, association=network["village_a1"]):
        birth = D(1970, 1, 1)
        return services.member_register(
            by=system_actor(),
            association=association,
            name=name,
            gender="F",
            birth_date=birth,
            id_number=idcard.make("330703", birth, next(seq) * 2),
            joined_on=joined,
        )

    people = {
        "A": register("A", D(2020, 3, 1)),
        "B": register("B", D(2023, 6, 1), network["village_a2"]),
        "C": register("C", D(2024, 2, 1), network["community_a"]),
        "D": register("D", D(2019, 1, 1)),
        "E": register("E", D(2021, 1, 1)),
        "F": register("F", D(2020, 1, 1), network["village_b1"]),
    }
    services.member_leave(
        by=system_actor(), member=people["B"], left_on=D(2024, 4, 30), reason="moved"
    )
    services.member_leave(
        by=system_actor(), member=people["D"], left_on=D(2023, 12, 31), reason="died"
    )
    services.member_leave(
        by=system_actor(), member=people["E"], left_on=D(2022, 5, 1), reason="persuaded"
    )
    services.member_rejoin(by=system_actor(), member=people["E"], joined_on=D(2024, 9, 1))
    return people


def _names(queryset) -> list[str]:
    return sorted(m.name for m in queryset)


def test_roll_on_31_december(history, network):
    town = network["town_a"]
    assert _names(selectors.roll_on(town, D(2022, 12, 31))) == ["A", "D"]
    assert _names(selectors.roll_on(town, D(2023, 12, 31))) == ["A", "B"]  # D left that day
    assert _names(selectors.roll_on(town, D(2024, 12, 31))) == ["A", "C", "E"]
    assert selectors.roll_on(network["county"], D(2024, 12, 31)).count() == 4


def test_joined_and_left_during_a_year(history, network):
    town = network["town_a"]
    joined_2024 = selectors.joined_during(town, 2024)
    assert sorted(p.member.name for p in joined_2024) == ["C", "E"]  # E's rejoin counts
    assert [p.member.name for p in selectors.left_during(town, 2024)] == ["B"]
    assert [p.member.name for p in selectors.left_during(town, 2023)] == ["D"]
    assert [p.member.name for p in selectors.left_during(town, 2022)] == ["E"]
    # The roll balances: end of 2023 + joined 2024 − left 2024 = end of 2024.
    assert selectors.roll_on(town, D(2024, 12, 31)).count() == 2 + 2 - 1


def test_positions_held_on_a_date(history, network):
    village = network["village_a1"]
    old_chair = services.position_assign(
        by=system_actor(),
        member=history["A"],
        association=village,
        title=OfficerTitle.CHAIR,
        started_on=D(2021, 1, 1),
        ended_on=D(2023, 12, 31),
    )
    council = {"member": history["D"], "association": village, "title": OfficerTitle.COUNCIL}
    with pytest.raises(ValidationError):  # D died on 2023-12-31: the seat cannot stay open
        services.position_assign(by=system_actor(), started_on=D(2022, 1, 1), **council)
    services.position_assign(
        by=system_actor(), started_on=D(2022, 1, 1), ended_on=D(2023, 12, 31), **council
    )
    new_chair = services.position_assign(
        by=system_actor(),
        member=history["A"],
        association=network["town_a"],
        title=OfficerTitle.CHAIR,
        started_on=D(2024, 1, 1),
    )

    def held(day):
        return [
            (p.member.name, p.title) for p in selectors.positions_held_on(network["town_a"], day)
        ]

    # D's council seat ended when D died (2023-12-31, the last day).
    assert held(D(2023, 12, 31)) == [("A", "chair"), ("D", "council")]
    assert held(D(2024, 1, 1)) == [("A", "chair")]
    assert [p.pk for p in selectors.positions_held_on(network["town_a"], D(2024, 6, 1))] == [
        new_chair.pk
    ]
    assert held(D(2020, 12, 31)) == []
    assert list(selectors.positions_held_on(village, D(2023, 6, 1), title="chair")) == [old_chair]


def test_member_list_selector(history, network, town_secretary):
    town = network["town_a"]
    everyone = selectors.member_list(town_secretary, scope=town)
    assert _names(everyone) == ["A", "B", "C", "D", "E"]
    assert _names(selectors.member_list(town_secretary, scope=town, status="left")) == ["B", "D"]
    village = network["village_a1"]
    assert _names(selectors.member_list(town_secretary, scope=village)) == ["A", "D", "E"]
    tail = history["C"].id_number[-6:]
    assert _names(selectors.member_list(town_secretary, scope=town, q=tail)) == ["C"]
    # A scope outside the user's own shows nothing, even when asked for directly.
    assert _names(selectors.member_list(town_secretary, scope=network["county"])) == _names(
        everyone
    )
    assert _names(selectors.member_list(town_secretary, scope=network["town_b"])) == []


def test_member_detail_selector(history, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        detail = selectors.member_detail(history["E"])
    assert [(p.joined_on, p.left_on) for p in detail.periods] == [
        (D(2021, 1, 1), D(2022, 5, 1)),
        (D(2024, 9, 1), None),
    ]
