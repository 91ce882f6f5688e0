from __future__ import annotations

import datetime as dt
import inspect
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from associations.records import StaleEdit, history_of
from associations.services import association_dissolve, system_actor
from members import idcard, selectors, services
from members.models import (
    DuesPayment,
    Household,
    HouseholdCertificate,
    IntegrityGroup,
    LeaveReason,
    LiaisonPair,
    Member,
    MemberGroup,
    MembershipPeriod,
    MemberStatus,
    OfficerPosition,
    OfficerTitle,
)

from .factories import (
    HouseholdFactory,
    LiaisonPairFactory,
    MemberFactory,
    MemberGroupFactory,
    OfficerPositionFactory,
    with_wrong_check_digit,
)

BIRTH = dt.date(1985, 3, 12)


def _id(seq: int = 2, birth: dt.date = BIRTH) -> str:
    return idcard.make("330703", birth, seq)


def _register(association, by=None, **extra) -> Member:
    data = {
        "association": association,
        "name": "王秀英",
        "gender": "F",
        "birth_date": BIRTH,
        "id_number": _id(),
        "joined_on": dt.date(2020, 5, 29),
    }
    data.update(extra)
    return services.member_register(by=by or system_actor(), **data)


def _errors(exc_info) -> dict:
    return exc_info.value.message_dict


# ── member_register ───────────────────────────────────────────────────────────


def test_register_creates_member_and_first_period(network):
    member = _register(network["village_a1"], phone="138 0013 8000")
    assert member.status == MemberStatus.ACTIVE
    assert member.phone == "13800138000"
    assert list(member.periods.values_list("joined_on", "left_on")) == [
        (dt.date(2020, 5, 29), None)
    ]


def test_register_normalises_lowercase_x(network):
    member = _register(
        network["village_a1"],
        id_number="11010519491231002x",
        birth_date=dt.date(1949, 12, 31),
    )
    assert member.id_number == "11010519491231002X"


def test_register_takes_birth_date_and_gender_from_the_id_when_blank(network):
    member = _register(network["village_a1"], birth_date=None, gender="", id_number=_id(3))
    assert member.birth_date == BIRTH
    assert member.gender == "M"


def test_register_rejects_bad_check_digit(network):
    good = _id()
    bad = with_wrong_check_digit(good)
    with pytest.raises(ValidationError) as exc:
        _register(network["village_a1"], id_number=bad)
    assert "校验位" in _errors(exc)["id_number"][0]


def test_register_rejects_birth_date_mismatch(network):
    with pytest.raises(ValidationError) as exc:
        _register(network["village_a1"], birth_date=dt.date(1985, 3, 13))
    assert "不一致" in _errors(exc)["id_number"][0]


def test_register_rejects_duplicate_id_with_chinese_message(network):
    _register(network["village_a1"])
    with pytest.raises(ValidationError) as exc:
        _register(network["village_a2"], name="李四")
    first = Member.objects.get()
    assert _errors(exc)["id_number"] == [
        f"该身份证号已登记为会员“王秀英”（会员编号 {first.pk:08d}），不能重复登记。"
    ]
    assert Member.objects.count() == 1


@pytest.mark.parametrize("bad", ["1380013800", "12800138000", "23800138000", "1380013800a"])
def test_register_rejects_bad_phone(network, bad):
    with pytest.raises(ValidationError) as exc:
        _register(network["village_a1"], phone=bad)
    assert "手机号码" in _errors(exc)["phone"][0]


def test_register_reports_every_bad_field_at_once(network):
    with pytest.raises(ValidationError) as exc:
        _register(network["village_a1"], name=" ", phone="123", id_number="123", gender="X")
    assert {"name", "phone", "id_number", "gender"} <= set(_errors(exc))


def test_register_accepts_any_level_for_officers(network):
    member = _register(network["town_a"])
    assert member.association == network["town_a"]


def test_register_rejects_group_of_another_association(network):
    group = MemberGroupFactory(association=network["village_a2"])
    with pytest.raises(ValidationError) as exc:
        _register(network["village_a1"], group=group)
    assert "group" in _errors(exc)


def test_register_outside_scope_is_a_field_error(network, town_secretary):
    with pytest.raises(ValidationError) as exc:
        _register(network["village_b1"], by=town_secretary)
    assert "管辖范围" in _errors(exc)["association"][0]


def test_register_rejects_join_before_birth_and_in_future(network):
    with pytest.raises(ValidationError) as exc:
        _register(network["village_a1"], joined_on=dt.date(1980, 1, 1))
    assert "joined_on" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        _register(network["village_a1"], joined_on=dt.date.today() + dt.timedelta(days=3))
    assert "joined_on" in _errors(exc)


def test_register_in_dissolved_association_is_refused(network):
    association_dissolve(
        by=system_actor(), association=network["village_a2"], dissolved_on=dt.date(2024, 1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        _register(network["village_a2"])
    assert "association" in _errors(exc)


# ── member_update ─────────────────────────────────────────────────────────────


def test_update_validates_and_saves(network):
    member = _register(network["village_a1"])
    services.member_update(
        by=system_actor(), member=member, phone="139-0000-1111", is_volunteer=True
    )
    member.refresh_from_db()
    assert member.phone == "13900001111" and member.is_volunteer
    with pytest.raises(ValidationError) as exc:
        services.member_update(by=system_actor(), member=member, phone="123")
    assert "phone" in _errors(exc)


def test_update_rejects_id_of_another_member(network):
    first = _register(network["village_a1"])
    second = _register(network["village_a1"], id_number=_id(4), name="李四")
    with pytest.raises(ValidationError) as exc:
        services.member_update(by=system_actor(), member=second, id_number=first.id_number)
    assert "id_number" in _errors(exc)


def test_update_moving_association_drops_group_and_checks_scope(network, town_secretary):
    group = MemberGroupFactory(association=network["village_a1"])
    member = _register(network["village_a1"], group=group)
    services.member_update(by=system_actor(), member=member, association=network["village_a2"])
    member.refresh_from_db()
    assert member.association == network["village_a2"] and member.group is None
    with pytest.raises(ValidationError) as exc:
        services.member_update(by=town_secretary, member=member, association=network["village_b1"])
    assert "association" in _errors(exc)


def test_update_joined_on_corrects_the_current_period(network):
    member = _register(network["village_a1"])
    services.member_update(by=system_actor(), member=member, joined_on=dt.date(2019, 1, 1))
    assert member.periods.get().joined_on == dt.date(2019, 1, 1)


def test_update_rejects_unknown_fields(network):
    member = _register(network["village_a1"])
    with pytest.raises(TypeError):
        services.member_update(by=system_actor(), member=member, status="left")


# ── leave / rejoin ────────────────────────────────────────────────────────────


def test_leave_closes_period_and_ends_posts_and_pairs(network):
    village = network["village_a1"]
    member = _register(village)
    group = MemberGroupFactory(association=village, leader=member)
    position = OfficerPositionFactory(member=member, started_on=dt.date(2021, 1, 1))
    household = HouseholdFactory(association=village)
    pair = services.liaison_pair(
        by=system_actor(), member=member, household=household, started_on=dt.date(2022, 1, 1)
    )
    services.member_leave(
        by=system_actor(),
        member=member,
        left_on=dt.date(2024, 6, 30),
        reason=LeaveReason.MOVED,
        note="迁往杭州",
    )
    member.refresh_from_db()
    assert (member.status, member.left_on, member.leave_reason) == (
        MemberStatus.LEFT,
        dt.date(2024, 6, 30),
        LeaveReason.MOVED,
    )
    period = member.periods.get()
    assert (period.left_on, period.leave_reason, period.note) == (
        dt.date(2024, 6, 30),
        "moved",
        "迁往杭州",
    )
    position.refresh_from_db()
    pair.refresh_from_db()
    group.refresh_from_db()
    assert position.ended_on == dt.date(2024, 6, 30)
    assert pair.ended_on == dt.date(2024, 6, 30)
    assert group.leader is None


def test_leave_ends_a_post_begun_after_the_leave_date_on_its_first_day(network):
    member = _register(network["village_a1"])
    early = OfficerPositionFactory(member=member, started_on=dt.date(2021, 1, 1))
    late = OfficerPositionFactory(
        member=member, title="council", started_on=dt.date(2024, 9, 1), term=2
    )
    services.member_leave(
        by=system_actor(), member=member, left_on=dt.date(2024, 6, 30), reason=LeaveReason.MOVED
    )
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.ended_on, late.ended_on) == (dt.date(2024, 6, 30), dt.date(2024, 9, 1))


def test_leave_rules(network):
    member = _register(network["village_a1"])
    with pytest.raises(ValidationError) as exc:
        services.member_leave(
            by=system_actor(), member=member, left_on=dt.date(2019, 1, 1), reason="died"
        )
    assert "left_on" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.member_leave(
            by=system_actor(), member=member, left_on=dt.date(2024, 1, 1), reason="bored"
        )
    assert "reason" in _errors(exc)
    services.member_leave(
        by=system_actor(), member=member, left_on=dt.date(2024, 1, 1), reason="died"
    )
    with pytest.raises(ValidationError):
        services.member_leave(
            by=system_actor(), member=member, left_on=dt.date(2024, 2, 1), reason="died"
        )


def test_rejoin_opens_a_new_period_after_the_last(network):
    member = _register(network["village_a1"])
    with pytest.raises(ValidationError):
        services.member_rejoin(by=system_actor(), member=member, joined_on=dt.date(2024, 1, 1))
    services.member_leave(
        by=system_actor(), member=member, left_on=dt.date(2023, 3, 1), reason="moved"
    )
    with pytest.raises(ValidationError) as exc:
        services.member_rejoin(by=system_actor(), member=member, joined_on=dt.date(2023, 3, 1))
    assert "joined_on" in _errors(exc)
    services.member_rejoin(by=system_actor(), member=member, joined_on=dt.date(2024, 2, 1))
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE and member.left_on is None
    assert member.joined_on == dt.date(2024, 2, 1)
    assert list(member.periods.order_by("joined_on").values_list("joined_on", "left_on")) == [
        (dt.date(2020, 5, 29), dt.date(2023, 3, 1)),
        (dt.date(2024, 2, 1), None),
    ]
    # Active on a day in the gap? No. Before and after? Yes.
    active = Member.objects.active_on
    assert not active(dt.date(2023, 12, 31)).filter(pk=member.pk).exists()
    assert active(dt.date(2022, 12, 31)).filter(pk=member.pk).exists()
    assert active(dt.date(2024, 12, 31)).filter(pk=member.pk).exists()


# ── member groups ─────────────────────────────────────────────────────────────


def test_member_group_create_and_rules(network, town_secretary):
    village = network["village_a1"]
    leader = _register(village)
    group = services.member_group_create(
        by=system_actor(), association=village, name=" 第一小组 ", leader=leader
    )
    assert group.name == "第一小组"
    with pytest.raises(ValidationError) as exc:
        services.member_group_create(by=system_actor(), association=village, name="第一小组")
    assert "name" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.member_group_create(
            by=system_actor(), association=network["town_a"], name="镇小组"
        )
    assert "association" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.member_group_create(
            by=system_actor(), association=network["village_a2"], name="x", leader=leader
        )
    assert "leader" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.member_group_create(
            by=town_secretary, association=network["village_b1"], name="乙组"
        )
    assert "association" in _errors(exc)


def test_member_group_update(network):
    village = network["village_a1"]
    group = services.member_group_create(by=system_actor(), association=village, name="一组")
    services.member_group_create(by=system_actor(), association=village, name="二组")
    services.member_group_update(
        by=system_actor(), group=group, name="三组", dissolved_on=dt.date(2025, 1, 1)
    )
    group.refresh_from_db()
    assert group.name == "三组" and group.dissolved_on == dt.date(2025, 1, 1)
    with pytest.raises(ValidationError):
        services.member_group_update(by=system_actor(), group=group, name="二组")


# ── households and certificates ───────────────────────────────────────────────


def test_household_create_with_categories(network):
    household = services.household_create(
        by=system_actor(),
        code=" H001 ",
        head_name="赵大",
        association=network["village_a1"],
        size=3,
        categories=["is_family_planning", "独生子女户"],
    )
    assert household.code == "H001"
    assert household.is_family_planning and household.is_one_child
    assert not household.is_two_daughter and not household.is_floating


def test_household_rules(network, village_a2_clerk):
    village = network["village_a1"]
    services.household_create(by=system_actor(), code="H001", head_name="赵大", association=village)
    with pytest.raises(ValidationError) as exc:
        services.household_create(
            by=system_actor(), code="H001", head_name="钱二", association=village
        )
    assert "code" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.household_create(
            by=system_actor(),
            code="H002",
            head_name="钱二",
            association=village,
            categories=["is_rich"],
        )
    assert "is_rich" in _errors(exc)["categories"][0]
    with pytest.raises(ValidationError) as exc:
        services.household_create(
            by=system_actor(),
            code="H003",
            head_name="孙三",
            association=village,
            categories=["is_one_child", "is_two_daughter"],
        )
    assert "categories" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.household_create(
            by=system_actor(), code="H004", head_name="李四", association=network["town_a"]
        )
    assert "association" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.household_create(
            by=village_a2_clerk, code="H005", head_name="周五", association=village
        )
    assert "association" in _errors(exc)


def test_household_update_replaces_categories(network):
    household = services.household_create(
        by=system_actor(),
        code="H001",
        head_name="赵大",
        association=network["village_a1"],
        categories=["is_floating"],
    )
    services.household_update(
        by=system_actor(), household=household, categories=["is_in_difficulty"], size=4
    )
    household.refresh_from_db()
    assert household.is_in_difficulty and not household.is_floating and household.size == 4


def test_certificate_record_upserts(network):
    household = HouseholdFactory(association=network["village_a1"])
    services.certificate_record(by=system_actor(), household=household, kind="honour", number="A1")
    services.certificate_record(
        by=system_actor(),
        household=household,
        kind="honour",
        number="A2",
        issued_on=dt.date(2010, 1, 1),
    )
    assert list(household.certificates.values_list("number", "issued_on")) == [
        ("A2", dt.date(2010, 1, 1))
    ]
    with pytest.raises(ValidationError):
        services.certificate_record(by=system_actor(), household=household, kind="bogus")


# ── integrity groups ──────────────────────────────────────────────────────────


def _floating(village, n: int) -> list[Household]:
    return [HouseholdFactory(association=village, is_floating=True) for _ in range(n)]


def test_integrity_group_needs_5_to_10_floating_households_of_the_village(network):
    village = network["village_a1"]
    with pytest.raises(ValidationError) as exc:
        services.integrity_group_create(
            by=system_actor(),
            association=village,
            name="诚信一组",
            leader_name="周",
            households=_floating(village, 4),
        )
    assert "4" in _errors(exc)["households"][0]
    with pytest.raises(ValidationError):
        services.integrity_group_create(
            by=system_actor(),
            association=village,
            name="诚信一组",
            leader_name="周",
            households=_floating(village, 11),
        )
    settled = HouseholdFactory(association=village, is_floating=False)
    other_village = _floating(network["village_a2"], 1)
    with pytest.raises(ValidationError) as exc:
        services.integrity_group_create(
            by=system_actor(),
            association=village,
            name="诚信一组",
            leader_name="周",
            households=[*_floating(village, 4), settled, *other_village],
        )
    assert len(_errors(exc)["households"]) == 2
    chosen = _floating(village, 6)
    group = services.integrity_group_create(
        by=system_actor(),
        association=village,
        name="诚信一组",
        leader_name="周",
        agreement_signed_on=dt.date(2024, 3, 1),
        households=chosen,
    )
    assert group.households.count() == 6
    # A household already in a group cannot join another.
    with pytest.raises(ValidationError) as exc:
        services.integrity_group_create(
            by=system_actor(),
            association=village,
            name="诚信二组",
            leader_name="吴",
            households=[chosen[0], *_floating(village, 4)],
        )
    assert "已在其他诚信小组" in _errors(exc)["households"][0]


def test_integrity_group_update_replaces_households(network):
    village = network["village_a1"]
    first = _floating(village, 5)
    group = services.integrity_group_create(
        by=system_actor(), association=village, name="诚信一组", leader_name="周", households=first
    )
    second = _floating(village, 2)
    services.integrity_group_update(
        by=system_actor(), group=group, households=[*first[:3], *second]
    )
    assert set(group.households.values_list("pk", flat=True)) == {
        h.pk for h in [*first[:3], *second]
    }
    with pytest.raises(ValidationError):
        services.integrity_group_update(by=system_actor(), group=group, households=first[:2])


# ── officers ──────────────────────────────────────────────────────────────────


def test_position_assign_and_end(network):
    member = _register(network["village_a1"])
    position = services.position_assign(
        by=system_actor(),
        member=member,
        association=network["town_a"],
        title=OfficerTitle.FULLTIME_VICE_CHAIR,
        started_on=dt.date(2021, 1, 1),
        background="retired_cadre",
        monthly_allowance="60",
    )
    assert position.is_fulltime and position.monthly_allowance == Decimal("60")
    services.position_end(by=system_actor(), position=position, ended_on=dt.date(2023, 12, 31))
    held = OfficerPosition.objects.held_on
    assert held(dt.date(2023, 12, 31)).filter(pk=position.pk).exists()
    assert not held(dt.date(2024, 1, 1)).filter(pk=position.pk).exists()
    with pytest.raises(ValidationError):
        services.position_end(by=system_actor(), position=position, ended_on=dt.date(2020, 1, 1))


def test_position_rules(network, town_secretary):
    member = _register(network["village_a1"])
    kwargs = {"member": member, "title": OfficerTitle.COUNCIL, "started_on": dt.date(2021, 1, 1)}
    # Not an association the member is under.
    with pytest.raises(ValidationError) as exc:
        services.position_assign(by=system_actor(), association=network["village_a2"], **kwargs)
    assert "member" in _errors(exc)
    # Not a member yet on that day.
    with pytest.raises(ValidationError) as exc:
        services.position_assign(
            by=system_actor(),
            association=network["village_a1"],
            **{**kwargs, "started_on": dt.date(2019, 1, 1)},
        )
    assert "started_on" in _errors(exc)
    # Outside the acting user's scope.
    with pytest.raises(ValidationError) as exc:
        services.position_assign(by=town_secretary, association=network["county"], **kwargs)
    assert "association" in _errors(exc)
    services.position_assign(by=system_actor(), association=network["village_a1"], **kwargs)
    with pytest.raises(ValidationError) as exc:
        services.position_assign(
            by=system_actor(),
            association=network["village_a1"],
            **{**kwargs, "started_on": dt.date(2022, 1, 1)},
        )
    assert "title" in _errors(exc)


def test_only_one_chair_at_a_time(network):
    village = network["village_a1"]
    first = _register(village)
    second = _register(village, id_number=_id(4), name="李四")
    chair = services.position_assign(
        by=system_actor(),
        member=first,
        association=village,
        title=OfficerTitle.CHAIR,
        started_on=dt.date(2021, 1, 1),
    )
    with pytest.raises(ValidationError) as exc:
        services.position_assign(
            by=system_actor(),
            member=second,
            association=village,
            title=OfficerTitle.CHAIR,
            started_on=dt.date(2022, 1, 1),
        )
    assert "王秀英" in _errors(exc)["title"][0]
    services.position_end(by=system_actor(), position=chair, ended_on=dt.date(2021, 12, 31))
    services.position_assign(
        by=system_actor(),
        member=second,
        association=village,
        title=OfficerTitle.CHAIR,
        started_on=dt.date(2022, 1, 1),
    )


# ── dues ──────────────────────────────────────────────────────────────────────


def test_dues_record_upserts_one_per_year(network):
    member = _register(network["village_a1"])
    services.dues_record(by=system_actor(), member=member, year=2024, amount=10)
    services.dues_record(
        by=system_actor(), member=member, year=2024, amount="12.5", paid_on=dt.date(2024, 5, 29)
    )
    assert list(DuesPayment.objects.values_list("year", "amount")) == [(2024, Decimal("12.50"))]


def test_dues_rules(network):
    member = _register(network["village_a1"])
    with pytest.raises(ValidationError) as exc:
        services.dues_record(by=system_actor(), member=member, year=2019, amount=10)
    assert "year" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.dues_record(by=system_actor(), member=member, year=2024, amount=-1)
    assert "amount" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.dues_record(by=system_actor(), member=member, year=2024, amount="abc")
    assert "amount" in _errors(exc)


# ── liaison pairs ─────────────────────────────────────────────────────────────


def test_liaison_pair_same_village(network):
    village = network["village_a1"]
    member = _register(village)
    household = HouseholdFactory(association=village)
    pair = services.liaison_pair(
        by=system_actor(),
        member=member,
        household=household,
        started_on=dt.date(2024, 1, 1),
        contract_signed_on=dt.date(2024, 1, 5),
    )
    assert pair.kind == "help"
    with pytest.raises(ValidationError) as exc:
        services.liaison_pair(
            by=system_actor(), member=member, household=household, started_on=dt.date(2024, 6, 1)
        )
    assert "household" in _errors(exc)
    services.liaison_end(by=system_actor(), pair=pair, ended_on=dt.date(2024, 5, 31))
    assert LiaisonPair.objects.active_on(dt.date(2024, 5, 31)).count() == 1
    assert LiaisonPair.objects.active_on(dt.date(2024, 6, 1)).count() == 0
    services.liaison_pair(
        by=system_actor(), member=member, household=household, started_on=dt.date(2024, 6, 1)
    )
    with pytest.raises(ValidationError):
        services.liaison_end(by=system_actor(), pair=pair, ended_on=dt.date(2024, 7, 1))


def test_liaison_pair_other_village_needs_an_officer_above(network):
    member = _register(network["village_a2"])
    household = HouseholdFactory(association=network["village_a1"])
    with pytest.raises(ValidationError) as exc:
        services.liaison_pair(
            by=system_actor(), member=member, household=household, started_on=dt.date(2024, 1, 1)
        )
    assert "member" in _errors(exc)
    OfficerPositionFactory(
        member=member, association=network["town_a"], started_on=dt.date(2023, 1, 1)
    )
    services.liaison_pair(
        by=system_actor(), member=member, household=household, started_on=dt.date(2024, 1, 1)
    )


def test_liaison_pair_member_must_be_active_and_in_scope(network, village_a2_clerk):
    village = network["village_a1"]
    member = _register(village)
    household = HouseholdFactory(association=village)
    with pytest.raises(ValidationError) as exc:
        services.liaison_pair(
            by=system_actor(), member=member, household=household, started_on=dt.date(2019, 1, 1)
        )
    assert "member" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.liaison_pair(
            by=village_a2_clerk,
            member=member,
            household=household,
            started_on=dt.date(2024, 1, 1),
        )
    assert "household" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.liaison_pair(
            by=system_actor(),
            member=member,
            household=household,
            started_on=dt.date(2024, 1, 1),
            ended_on=dt.date(2023, 1, 1),
        )
    assert "ended_on" in _errors(exc)


def test_factory_member_matches_service_rules(network):
    member = MemberFactory(association=network["village_a1"])
    assert idcard.validate_id_number(member.id_number, birth=member.birth_date)
    assert MembershipPeriod.objects.filter(member=member).count() == 1


def test_liaison_pair_many_is_all_or_nothing(network):
    village = network["village_a1"]
    member = _register(village)
    free, taken = HouseholdFactory(association=village), HouseholdFactory(association=village)
    services.liaison_pair(
        by=system_actor(), member=member, household=taken, started_on=dt.date(2024, 1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.liaison_pair_many(
            by=system_actor(),
            member=member,
            households=[free, taken],
            started_on=dt.date(2024, 2, 1),
        )
    assert "household" in _errors(exc)
    assert not LiaisonPair.objects.filter(household=free).exists()
    pairs = services.liaison_pair_many(
        by=system_actor(),
        member=member,
        households=[free, HouseholdFactory(association=village)],
        started_on=dt.date(2024, 2, 1),
    )
    assert len(pairs) == 2
    with pytest.raises(ValidationError):
        services.liaison_pair_many(
            by=system_actor(), member=member, households=[], started_on=dt.date(2024, 2, 1)
        )


def test_position_update_corrects_details_but_keeps_a_fulltime_vice_chair_fulltime(network):
    from members.models import OfficerTitle
    from members.services import position_update

    member = MemberFactory(association=network["village_a1"])
    post = OfficerPositionFactory(member=member, title=OfficerTitle.COUNCIL)
    position_update(
        by=system_actor(), position=post, monthly_allowance=60, background="retired_teacher", term=4
    )
    post.refresh_from_db()
    assert (post.monthly_allowance, post.background, post.term) == (60, "retired_teacher", 4)
    vice = OfficerPositionFactory(
        member=member, title=OfficerTitle.FULLTIME_VICE_CHAIR, is_fulltime=True
    )
    with pytest.raises(ValidationError) as exc:
        position_update(by=system_actor(), position=vice, is_fulltime=False)
    assert "is_fulltime" in exc.value.message_dict
    with pytest.raises(TypeError):
        position_update(by=system_actor(), position=post, title=OfficerTitle.CHAIR)


def test_liaison_update_records_a_contract_after_the_start(network):
    from members.services import liaison_update

    member = MemberFactory(association=network["village_a1"])
    household = HouseholdFactory(association=network["village_a1"])
    pair = LiaisonPairFactory(member=member, household=household)
    liaison_update(
        by=system_actor(), pair=pair, kind="service", contract_signed_on=dt.date(2022, 4, 1)
    )
    pair.refresh_from_db()
    assert (pair.kind, pair.contract_signed_on) == ("service", dt.date(2022, 4, 1))
    with pytest.raises(ValidationError) as exc:
        liaison_update(by=system_actor(), pair=pair, contract_signed_on=dt.date(2022, 1, 1))
    assert "contract_signed_on" in exc.value.message_dict


def test_households_of_a_dissolved_integrity_group_may_join_a_new_one(network):
    village = network["village_a1"]
    households = _floating(village, 5)
    old = services.integrity_group_create(
        by=system_actor(),
        association=village,
        name="诚信一组",
        leader_name="周",
        households=households,
    )
    services.integrity_group_update(by=system_actor(), group=old, dissolved_on=dt.date(2024, 1, 1))
    assert set(selectors.integrity_group_candidates(village)) == set(households)
    new = services.integrity_group_create(
        by=system_actor(),
        association=village,
        name="诚信二组",
        leader_name="吴",
        households=households,
    )
    assert set(new.households.all()) == set(households)


# ── every service: scope, role, history, versions, withdrawal ─────────────────


@pytest.fixture
def world(network):
    """One of each record in village A1 (town A), and a withdrawn copy of each that can be."""
    village = network["village_a1"]
    member = _register(village)
    household = HouseholdFactory(association=village, is_floating=True)
    floating = [HouseholdFactory(association=village, is_floating=True) for _ in range(5)]
    actor = system_actor()
    integrity = services.integrity_group_create(
        by=actor, association=village, name="诚信一组", leader_name="周", households=floating
    )
    position = services.position_assign(
        by=actor, member=member, association=village, title="council", started_on=D2021
    )
    pair = services.liaison_pair(by=actor, member=member, household=household, started_on=D2021)
    dues = services.dues_record(by=actor, member=member, year=2024, amount=10)
    group = services.member_group_create(by=actor, association=village, name="一组")
    return {
        "village": village,
        "member": member,
        "household": household,
        "integrity": integrity,
        "position": position,
        "pair": pair,
        "dues": dues,
        "group": group,
    }


D2021 = dt.date(2021, 1, 1)

# Each service called with a given actor on town A's records (the actor is the argument).
CALLS = {
    "member_register": lambda w, by: services.member_register(
        by=by, association=w["village"], name="新", id_number=_id(8), joined_on=D2021
    ),
    "member_update": lambda w, by: services.member_update(by=by, member=w["member"], name="改"),
    "member_leave": lambda w, by: services.member_leave(
        by=by, member=w["member"], left_on=dt.date(2024, 1, 1), reason="moved"
    ),
    "member_rejoin": lambda w, by: services.member_rejoin(
        by=by, member=w["member"], joined_on=dt.date(2024, 6, 1)
    ),
    "member_withdraw": lambda w, by: services.member_withdraw(
        by=by, member=w["member"], reason="错"
    ),
    "member_restore": lambda w, by: services.member_restore(by=by, member=w["member"]),
    "member_group_create": lambda w, by: services.member_group_create(
        by=by, association=w["village"], name="二组"
    ),
    "member_group_update": lambda w, by: services.member_group_update(
        by=by, group=w["group"], name="三组"
    ),
    "household_create": lambda w, by: services.household_create(
        by=by, association=w["village"], code="NEW-1", head_name="新户"
    ),
    "household_update": lambda w, by: services.household_update(
        by=by, household=w["household"], size=9
    ),
    "household_withdraw": lambda w, by: services.household_withdraw(
        by=by, household=w["household"], reason="错"
    ),
    "household_restore": lambda w, by: services.household_restore(by=by, household=w["household"]),
    "certificate_record": lambda w, by: services.certificate_record(
        by=by, household=w["household"], kind="honour", number="X"
    ),
    "integrity_group_create": lambda w, by: services.integrity_group_create(
        by=by, association=w["village"], name="诚信二组", leader_name="吴", households=[]
    ),
    "integrity_group_update": lambda w, by: services.integrity_group_update(
        by=by, group=w["integrity"], leader_name="吴"
    ),
    "position_assign": lambda w, by: services.position_assign(
        by=by, member=w["member"], association=w["village"], title="chair", started_on=D2021
    ),
    "position_update": lambda w, by: services.position_update(
        by=by, position=w["position"], term=5
    ),
    "position_end": lambda w, by: services.position_end(
        by=by, position=w["position"], ended_on=dt.date(2024, 1, 1)
    ),
    "position_withdraw": lambda w, by: services.position_withdraw(
        by=by, position=w["position"], reason="错"
    ),
    "position_restore": lambda w, by: services.position_restore(by=by, position=w["position"]),
    "dues_record": lambda w, by: services.dues_record(
        by=by, member=w["member"], year=2025, amount=10
    ),
    "dues_update": lambda w, by: services.dues_update(by=by, payment=w["dues"], amount=20),
    "dues_withdraw": lambda w, by: services.dues_withdraw(by=by, payment=w["dues"], reason="错"),
    "dues_restore": lambda w, by: services.dues_restore(by=by, payment=w["dues"]),
    "liaison_pair": lambda w, by: services.liaison_pair(
        by=by, member=w["member"], household=w["household"], started_on=dt.date(2024, 1, 1)
    ),
    "liaison_pair_many": lambda w, by: services.liaison_pair_many(
        by=by, member=w["member"], households=[w["household"]], started_on=dt.date(2024, 1, 1)
    ),
    "liaison_update": lambda w, by: services.liaison_update(by=by, pair=w["pair"], kind="service"),
    "liaison_end": lambda w, by: services.liaison_end(
        by=by, pair=w["pair"], ended_on=dt.date(2024, 1, 1)
    ),
    "liaison_withdraw": lambda w, by: services.liaison_withdraw(by=by, pair=w["pair"], reason="错"),
    "liaison_restore": lambda w, by: services.liaison_restore(by=by, pair=w["pair"]),
}

HISTORIES = (Member, MembershipPeriod, Household, OfficerPosition, LiaisonPair, DuesPayment)


def _history_rows() -> int:
    return sum(model.history.count() for model in HISTORIES) + sum(
        model.history.count() for model in (MemberGroup, IntegrityGroup, HouseholdCertificate)
    )


def test_every_service_is_tried():
    """Every service taking an actor is in the table the scope and role tests run through."""
    takes_an_actor = {
        name
        for name, function in inspect.getmembers(services, inspect.isfunction)
        if function.__module__ == services.__name__
        and "by" in inspect.signature(function).parameters
        and not name.startswith("_")
    }
    assert takes_an_actor - {"members_import_rows", "id_taken_message"} == set(CALLS)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_service_refuses_an_actor_out_of_scope(world, outsider, name):
    before = _history_rows()
    with pytest.raises((ValidationError, PermissionDenied)) as exc:
        CALLS[name](world, outsider)
    assert "管辖范围" in str(exc.value)
    assert _history_rows() == before


@pytest.mark.parametrize("name", sorted(CALLS))
def test_every_service_refuses_a_read_only_officer(world, county_officer, name):
    before = _history_rows()
    with pytest.raises(PermissionDenied):
        CALLS[name](world, county_officer)
    assert _history_rows() == before


@pytest.mark.parametrize("name", sorted(n for n in CALLS if n.endswith(("_withdraw", "_restore"))))
def test_withdrawing_needs_a_secretary(world, village_clerk, name):
    with pytest.raises(PermissionDenied) as exc:
        CALLS[name](world, village_clerk)
    assert "秘书长" in str(exc.value)


def test_the_bulk_registration_refuses_rows_out_of_scope(network, village_clerk, county_officer):
    row = {"association": network["village_a2"], "name": "甲", "id_number": _id(9)}
    results = services.members_import_rows(by=village_clerk, rows=[{**row, "joined_on": D2021}])
    assert "管辖范围" in results[0]["association"][0]
    assert not Member.objects.exists()


def test_history_names_the_actor_of_every_service(world, town_secretary):
    """Every service, as 甲镇秘书长, in an order where each succeeds: each history row it
    leaves names her."""
    marks = {model: model.history.count() for model in HISTORIES}
    order = [
        "member_update",
        "member_group_update",
        "household_update",
        "certificate_record",
        "integrity_group_update",
        "position_update",
        "dues_update",
        "dues_record",
        "liaison_update",
        "position_withdraw",
        "position_restore",
        "dues_withdraw",
        "dues_restore",
        "liaison_withdraw",
        "liaison_restore",
        "household_withdraw",
        "household_restore",
        "member_group_create",
        "household_create",
        "member_register",
        "member_leave",
        "member_rejoin",
        "member_withdraw",
        "member_restore",
    ]
    for name in order:
        CALLS[name](world, town_secretary)
        world["member"].refresh_from_db()
    for model, mark in marks.items():
        new = model.history.order_by("history_id")[mark:]
        assert new, model
        assert {row.history_user for row in new} == {town_secretary}, model
    latest = history_of(world["member"])[0]
    assert latest.who == "甲镇秘书长" and latest.reason == "恢复"


def test_leaving_ends_posts_and_pairs_with_history(world, town_secretary):
    services.member_leave(
        by=town_secretary, member=world["member"], left_on=dt.date(2024, 6, 30), reason="moved"
    )
    for record in (world["position"], world["pair"]):
        record.refresh_from_db()
        assert record.ended_on == dt.date(2024, 6, 30) and record.version == 2
        assert record.history.first().history_user == town_secretary


def test_a_stale_member_edit_is_refused_and_names_who(world, town_secretary, county_secretary):
    member = world["member"]
    read_at = member.version
    services.member_update(by=county_secretary, member=member, phone="13900001111", version=read_at)
    stale = Member.objects.get(pk=member.pk)
    with pytest.raises(StaleEdit) as exc:
        services.member_update(by=town_secretary, member=stale, name="李四", version=read_at)
    assert "县秘书长" in exc.value.messages[0] and "手机号码" in exc.value.messages[0]
    assert Member.objects.get(pk=member.pk).name == "王秀英"


@pytest.mark.parametrize(
    ("service", "record", "fields"),
    [
        ("position_update", "position", {"term": 3}),
        ("liaison_update", "pair", {"kind": "service"}),
        ("dues_update", "dues", {"amount": 12}),
        ("household_update", "household", {"size": 5}),
        ("member_group_update", "group", {"name": "新名"}),
        ("integrity_group_update", "integrity", {"leader_name": "吴"}),
    ],
)
def test_every_update_refuses_a_stale_version(world, service, record, fields):
    arg = {"pair": "pair", "dues": "payment", "integrity": "group"}.get(record, record)
    instance = world[record]
    getattr(services, service)(by=system_actor(), **{arg: instance}, **fields, version=1)
    stale = type(instance).objects.get(pk=instance.pk)
    with pytest.raises(StaleEdit):
        getattr(services, service)(by=system_actor(), **{arg: stale}, **fields, version=1)


def test_withdrawn_member_is_hidden_and_restored_with_its_history(world, town_secretary):
    member = world["member"]
    services.member_update(by=town_secretary, member=member, occupation="务农")
    services.member_withdraw(by=town_secretary, member=member, reason="重复录入")
    assert not Member.objects.filter(pk=member.pk).exists()
    stored = Member.all_objects.get(pk=member.pk)
    assert (stored.withdrawal_reason, stored.withdrawn_by) == ("重复录入", town_secretary)
    # Nothing else is cascaded: the post, pair and dues stay as they were.
    assert OfficerPosition.objects.filter(member=member).exists()
    with pytest.raises(ValidationError):
        services.member_withdraw(by=town_secretary, member=stored, reason="again")
    services.member_restore(by=town_secretary, member=stored)
    assert Member.objects.get(pk=member.pk).occupation == "务农"
    kinds = [entry.kind for entry in history_of(stored)]
    assert kinds == ["修改", "修改", "修改", "新建"]


def test_registering_a_withdrawn_members_id_points_to_restoring_it(
    world, network, town_secretary, outsider
):
    member = world["member"]
    services.member_withdraw(by=town_secretary, member=member, reason="错")
    with pytest.raises(ValidationError) as exc:
        _register(world["village"], by=town_secretary, name="重登")
    message = _errors(exc)["id_number"][0]
    assert f"会员编号 {member.pk:08d}" in message and "恢复" in message
    # Someone outside the scope is not told which member holds the number.
    with pytest.raises(ValidationError) as exc:
        _register(network["village_b1"], by=outsider, name="重登")
    assert _errors(exc)["id_number"] == ["该身份证号已登记为会员，不能重复登记。"]


def test_dues_of_a_withdrawn_year_must_be_restored_first(world, town_secretary):
    services.dues_withdraw(by=town_secretary, payment=world["dues"], reason="错")
    with pytest.raises(ValidationError) as exc:
        services.dues_record(by=town_secretary, member=world["member"], year=2024, amount=5)
    assert "恢复" in _errors(exc)["year"][0]
