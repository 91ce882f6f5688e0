"""Personal data (PIPL): ID numbers encrypted at rest, masked without a reversible birth date,
revealed only by a logged request, corrected write-only, and refused duplicates that tell
nothing across scopes."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from associations.models import AccessKind, PersonalDataAccess, Role
from associations.records import history_of
from associations.services import system_actor
from members import idcard, personal_data, services
from members.models import Member
from tests.conftest import make_person

from .factories import MemberFactory, with_wrong_check_digit

BORN = dt.date(1985, 3, 8)


def ident(seq: int, birth: dt.date = BORN) -> str:
    return idcard.make("330703", birth, seq)


def register(association, number: str, *, by=None, name: str = "王秀英") -> Member:
    return services.member_register(
        by=by or system_actor(),
        association=association,
        name=name,
        id_number=number,
        joined_on=dt.date(2020, 5, 29),
    )


def _body(response) -> str:
    return response.content.decode()


@pytest.fixture
def ungranted_secretary(network):
    """甲镇秘书 who may change town A's members but not see full personal data."""
    return make_person("town_secretary_2", network["town_a"], Role.SECRETARY, full_name="甲镇秘书")


# ── at rest ───────────────────────────────────────────────────────────────────


@pytest.mark.django_db(transaction=True)  # the backup copies what is committed
def test_the_database_holds_no_full_id_number(network, tmp_path):
    first, corrected = ident(2), ident(4)
    member = register(network["village_a1"], first)
    services.member_update(by=system_actor(), member=member, phone="13912345678")
    services.member_update(by=system_actor(), member=member, id_number=corrected)
    assert Member.objects.with_id_number(corrected).get() == member
    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        connection.connection.backup(target)
        target.close()
        raw = copy.read_bytes()
        assert "王秀英".encode() in raw and member.id_number_encrypted.encode() in raw
    else:  # PostgreSQL: every text column of the tables that hold members
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM members_member")
            rows = cursor.fetchall()
            cursor.execute("SELECT * FROM members_historicalmember")
            rows += cursor.fetchall()
        raw = repr(rows).encode()
        assert b"13912345678" in raw
    for number in (first, corrected):
        assert number.encode() not in raw
        assert number[:14].encode() not in raw  # nor the area and birth date digits


def test_history_keeps_ciphertext_and_says_only_that_the_number_changed(network):
    member = register(network["village_a1"], ident(2))
    services.member_update(
        by=system_actor(), member=member, id_number=ident(4, dt.date(1986, 1, 2))
    )
    entry = history_of(member)[0]
    changes = {c.label: (c.old, c.new) for c in entry.changes}
    assert changes["身份证号"] == ("（已隐藏）", "（已隐藏）")
    assert changes["出生日期"] == ("（已隐藏）", "（已隐藏）")
    stored = member.history.first()
    assert stored.id_number_encrypted and ident(4, dt.date(1986, 1, 2)) not in str(vars(stored))


def test_the_model_reads_and_sets_the_number(network):
    member = MemberFactory(association=network["village_a1"], id_number=ident(2))
    fresh = Member.objects.get(pk=member.pk)
    assert fresh.id_number == ident(2)
    assert fresh.id_number_tail == ident(2)[-4:]
    assert fresh.id_number_hash == personal_data.id_hash(ident(2))
    token = fresh.id_number_encrypted
    fresh.id_number = ident(2)  # the same number: nothing re-encrypted
    assert fresh.id_number_encrypted == token
    assert list(Member.objects.with_id_number(ident(2).lower())) == [member]


def test_tail_search_by_three_to_six_characters(network, town_secretary, client_for):
    a = MemberFactory(association=network["village_a1"], id_number=ident(412), name="甲")
    b = MemberFactory(association=network["village_a1"], id_number=ident(512), name="乙")
    assert a.id_number[-4:] != b.id_number[-4:] or a.id_number[-5:] != b.id_number[-5:]
    everyone = Member.objects.all()
    for length in (3, 4, 5, 6):
        tail = a.id_number[-length:]
        expected = {m.pk for m in (a, b) if m.id_number.endswith(tail)}
        assert {m.pk for m in everyone.with_id_tail(tail)} == expected
    page = client_for(town_secretary).get(reverse("members:list"), {"q": a.id_number[-6:]})
    assert [m.pk for m in page.context["page_obj"]] == [a.pk]


def test_key_rotation_keeps_every_number_readable_and_findable(network, settings):
    member = register(network["village_a1"], ident(2))
    old_key = settings.PERSONAL_DATA_KEY
    settings.PERSONAL_DATA_KEY = "bmV3LXBlcnNvbmFsLWRhdGEta2V5LWZvci10ZXN0czA="
    settings.PERSONAL_DATA_OLD_KEYS = [old_key]
    call_command("rotate_personal_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.PERSONAL_DATA_OLD_KEYS = []  # the old key can go now
    assert Member.objects.with_id_number(ident(2)).get().id_number == ident(2)
    assert member.history.first().instance.id_number == ident(2)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_existing_numbers_and_back(network):
    """From plain numbers (0002) to encrypted ones (0003) and back."""
    executor = MigrationExecutor(connection)
    plain, encrypted = (
        ("members", "0002_history_versions_withdrawal"),
        ("members", "0003_encrypt_id_numbers"),
    )
    executor.migrate([plain])
    old = MigrationExecutor(connection).loader.project_state([plain]).apps
    member = old.get_model("members", "Member").objects.create(
        association_id=network["village_a1"].pk,
        name="旧会员",
        gender="F",
        birth_date=BORN,
        id_number=ident(2),
        joined_on=dt.date(2020, 1, 1),
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([encrypted])
    stored = Member.objects.get(pk=member.pk)
    assert stored.id_number == ident(2) and stored.id_number_tail == ident(2)[-4:]
    assert Member.objects.with_id_number(ident(2)).get().pk == member.pk
    executor = MigrationExecutor(connection)
    executor.migrate([plain])
    back = MigrationExecutor(connection).loader.project_state([plain]).apps
    assert back.get_model("members", "Member").objects.get(pk=member.pk).id_number == ident(2)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


# ── masked, never beside a full birth date ────────────────────────────────────


def _dates(day: dt.date) -> list[str]:
    return [
        day.isoformat(),
        f"{day:%Y/%m/%d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y%m%d}",
    ]


def test_no_page_shows_a_full_birth_date_beside_a_masked_number(
    client_for, ungranted_secretary, town_secretary, town_admin, data
):
    member = data["member"]
    services.member_update(by=town_secretary, member=member, occupation="务农")
    masked = idcard.mask(member.id_number)
    pages = [
        reverse("members:list"),
        reverse("members:list") + f"?q={member.id_number[-4:]}",
        reverse("members:detail", args=[member.pk]),
        reverse("members:edit", args=[member.pk]),
        reverse("members:leave", args=[member.pk]),
        reverse("members:household_detail", args=[data["household"].pk]),
        reverse("members:liaison") + f"?scope={member.association_id}",
        reverse("members:officers"),
    ]
    shown_masked = 0
    for person in (ungranted_secretary, town_secretary):  # the grant alone shows nothing more
        client = client_for(person)
        for url in pages:
            content = _body(client.get(url))
            assert member.id_number not in content, url
            shown_masked += masked in content
            assert not any(day in content for day in _dates(member.birth_date)), url
    admin = client_for(town_admin)
    for url in (
        reverse("admin:members_member_changelist"),
        reverse("admin:members_member_change", args=[member.pk]),
        reverse("admin:members_member_history", args=[member.pk]),
    ):
        content = _body(admin.get(url))
        assert member.id_number not in content, url
        shown_masked += masked in content
        assert not any(day in content for day in _dates(member.birth_date)), url
    assert shown_masked >= 6


# ── revealing, logged ─────────────────────────────────────────────────────────


def test_revealing_the_full_number_asks_a_purpose_and_is_logged(
    client_for, town_secretary, ungranted_secretary, data
):
    member = data["member"]
    url = reverse("members:reveal", args=[member.pk])
    client = client_for(town_secretary)
    page = _body(client.get(reverse("members:detail", args=[member.pk])))
    assert url in page and member.id_number not in page
    response = client.post(url, {"purpose": ""})
    assert response.status_code == 200 and "purpose" in response.context["reveal_form"].errors
    assert member.id_number not in _body(response)
    assert not PersonalDataAccess.objects.exists()
    response = client.post(url, {"purpose": "办理优待证"})
    content = _body(response)
    assert member.id_number in content and member.birth_date.isoformat() in content
    assert "no-store" in response["Cache-Control"]
    log = PersonalDataAccess.objects.get()
    assert (log.by, log.kind, log.purpose, log.association) == (
        town_secretary,
        AccessKind.VIEW,
        "办理优待证",
        member.association,
    )
    assert member.number in log.subject and member.id_number not in log.subject
    # Without the grant there is neither the button nor the page.
    client = client_for(ungranted_secretary)
    assert url not in _body(client.get(reverse("members:detail", args=[member.pk])))
    assert client.post(url, {"purpose": "好奇"}).status_code == 403
    assert PersonalDataAccess.objects.count() == 1


def test_revealing_outside_the_scope_is_not_found(client_for, network, data):
    granted_b = make_person(
        "granted_b", network["town_b"], Role.SECRETARY, may_view_personal_data=True
    )
    url = reverse("members:reveal", args=[data["member"].pk])
    assert client_for(granted_b).post(url, {"purpose": "查"}).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_the_full_number_look_up_is_logged(client_for, ungranted_secretary, data):
    member = data["member"]
    client = client_for(ungranted_secretary)
    response = client.post(reverse("members:lookup"), {"id_number": member.id_number})
    assert response.url == reverse("members:detail", args=[member.pk])
    client.post(reverse("members:lookup"), {"id_number": ident(777)})
    logs = list(PersonalDataAccess.objects.order_by("id"))
    assert [(log.kind, log.subject, log.association) for log in logs] == [
        (AccessKind.LOOKUP, idcard.mask(member.id_number), member.association),
        (AccessKind.LOOKUP, idcard.mask(ident(777)), None),
    ]


# ── write-only correction ─────────────────────────────────────────────────────


def _edit_post(member, data, **extra) -> dict:
    post = {
        "association": member.association_id,
        "group": data["group"].pk,
        "name": member.name,
        "gender": "F",
        "joined_on": member.joined_on.isoformat(),
        "ethnicity": "汉族",
        "registration": "local",
        "phone": member.phone,
        "version": member.version,
    }
    return {**post, **extra}


def test_a_mistyped_number_is_corrected_write_only_and_shown_once(client_for, village_clerk, data):
    member = data["member"]
    client = client_for(village_clerk)  # a clerk without the grant may correct it
    url = reverse("members:edit", args=[member.pk])
    form = client.get(url).context["form"]
    assert form["id_number"].value() is None and "birth_date" not in form.fields
    assert member.id_number not in _body(client.get(url))
    right = ident(8, dt.date(1979, 12, 1))
    bad = with_wrong_check_digit(right)
    response = client.post(url, _edit_post(member, data, id_number=bad))
    assert "校验位" in response.context["form"].errors["id_number"][0]
    response = client.post(url, _edit_post(member, data, id_number=right), follow=True)
    content = _body(response)
    assert right in content and "仅在这一次显示" in content
    member.refresh_from_db()
    assert (member.id_number, member.birth_date) == (right, dt.date(1979, 12, 1))
    again = _body(client.get(reverse("members:detail", args=[member.pk])))
    assert right not in again and idcard.mask(right) in again
    # Left empty, the number stays.
    client.post(url, _edit_post(member, data, phone="13900000000"))
    member.refresh_from_db()
    assert (member.id_number, member.phone) == (right, "13900000000")


def test_a_correction_to_a_taken_number_is_refused_like_a_registration(
    client_for, village_clerk, data
):
    member, other = data["member"], data["other"]
    url = reverse("members:edit", args=[member.pk])
    response = client_for(village_clerk).post(
        url, _edit_post(member, data, id_number=other.id_number)
    )
    assert "已登记为会员" in response.context["form"].errors["id_number"][0]
    assert Member.objects.get(pk=member.pk).id_number != other.id_number
    assert PersonalDataAccess.objects.get().kind == AccessKind.DUPLICATE


# ── duplicates are no oracle ──────────────────────────────────────────────────


def test_a_refused_duplicate_names_nobody_outside_the_scope_and_is_logged(network, outsider):
    holder = register(network["village_a1"], ident(2), name="王秀英")
    with pytest.raises(Exception) as exc:
        register(network["village_b1"], ident(2), by=outsider, name="试探")
    message = " ".join(exc.value.messages)
    assert message == "该身份证号已登记为会员，不能重复登记。"
    assert "王秀英" not in message and holder.association.name not in message
    log = PersonalDataAccess.objects.get()
    assert (log.by, log.kind, log.subject) == (
        outsider,
        AccessKind.DUPLICATE,
        idcard.mask(ident(2)),
    )
    assert log.association == holder.association


def test_refusals_are_rate_limited_per_account(network, outsider, town_secretary):
    for seq in range(2, 2 + personal_data.DUPLICATE_REFUSALS_PER_WINDOW):
        register(network["village_a1"], ident(seq), name=f"会员{seq}")
    for seq in range(2, 2 + personal_data.DUPLICATE_REFUSALS_PER_WINDOW):
        with pytest.raises(Exception) as exc:
            register(network["village_b1"], ident(seq), by=outsider, name="试探")
        assert "已登记" in " ".join(exc.value.messages)
    # Past the limit no number is checked at all, taken or free.
    for number in (ident(2), ident(900)):
        with pytest.raises(Exception) as exc:
            register(network["village_b1"], number, by=outsider, name="试探")
        assert exc.value.message_dict["id_number"] == ["操作过于频繁，请稍后再试。"]
    assert PersonalDataAccess.objects.filter(kind=AccessKind.DUPLICATE).count() == 20
    # Someone else's account is not affected.
    register(network["village_a1"], ident(901), by=town_secretary, name="新会员")


def test_an_import_refuses_duplicates_the_same_way(network, outsider):
    register(network["village_a1"], ident(2))
    rows = [{"association": network["village_b1"], "name": "试探", "id_number": ident(2),
             "joined_on": dt.date(2020, 1, 1)}]  # fmt: skip
    results = services.members_import_rows(by=outsider, rows=rows)
    assert results[0]["id_number"] == ["该身份证号已登记为会员，不能重复登记。"]
    assert not re.search(r"\d{8}", results[0]["id_number"][0])
