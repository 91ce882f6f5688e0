"""Named people and a small network every test can use.

county (330799) ─┬─ town_a (33079901) ─┬─ village_a1 ── member groups …
                 │                     ├─ village_a2
                 │                     └─ community_a
                 └─ town_b (33079902) ─── village_b1
"""

from __future__ import annotations

import pytest

from associations.models import Association, Level, Role
from associations.services import account_create, association_create


@pytest.fixture
def county(db) -> Association:
    return association_create(code="330799", name="示范区计生协", level=Level.COUNTY, parent=None)


@pytest.fixture
def town_a(county) -> Association:
    return association_create(code="33079901", name="甲镇计生协", level=Level.TOWN, parent=county)


@pytest.fixture
def town_b(county) -> Association:
    return association_create(code="33079902", name="乙镇计生协", level=Level.TOWN, parent=county)


@pytest.fixture
def village_a1(town_a) -> Association:
    return association_create(
        code="33079901201", name="甲一村计生协", level=Level.VILLAGE, parent=town_a, population=800
    )


@pytest.fixture
def village_a2(town_a) -> Association:
    return association_create(
        code="33079901202", name="甲二村计生协", level=Level.VILLAGE, parent=town_a, population=300
    )


@pytest.fixture
def community_a(town_a) -> Association:
    return association_create(
        code="33079901001", name="甲镇城东社区计生协", level=Level.COMMUNITY, parent=town_a
    )


@pytest.fixture
def village_b1(town_b) -> Association:
    return association_create(
        code="33079902201", name="乙一村计生协", level=Level.VILLAGE, parent=town_b, population=900
    )


@pytest.fixture
def network(county, town_a, town_b, village_a1, village_a2, community_a, village_b1) -> dict:
    return {
        "county": county,
        "town_a": town_a,
        "town_b": town_b,
        "village_a1": village_a1,
        "village_a2": village_a2,
        "community_a": community_a,
        "village_b1": village_b1,
    }


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Most tests create accounts; the production hasher is slow on purpose (~0.3 s each)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _person(username: str, association: Association | None, role: str, **extra):
    return account_create(
        username=username, password="pw-for-tests-1", association=association, role=role, **extra
    )


@pytest.fixture
def county_officer(network):
    """县级领导: reads everything in the county, writes nothing."""
    return _person("county_officer", network["county"], Role.OFFICER, full_name="县领导")


@pytest.fixture
def county_secretary(network):
    """县秘书长: writes anywhere in the county; may see full ID numbers."""
    return _person(
        "county_secretary",
        network["county"],
        Role.SECRETARY,
        full_name="县秘书长",
        may_view_personal_data=True,
    )


@pytest.fixture
def town_secretary(network):
    """甲镇秘书长: writes within town A; may see full ID numbers."""
    return _person(
        "town_secretary",
        network["town_a"],
        Role.SECRETARY,
        full_name="甲镇秘书长",
        may_view_personal_data=True,
    )


@pytest.fixture
def village_clerk(network):
    """甲一村录入员: enters records for village A1 only."""
    return _person("village_clerk", network["village_a1"], Role.CLERK, full_name="甲一村录入员")


@pytest.fixture
def outsider(network):
    """乙镇秘书长: a secretary in another town, who must see nothing of town A."""
    return _person("outsider", network["town_b"], Role.SECRETARY, full_name="乙镇秘书长")


@pytest.fixture
def superuser(db):
    return _person("root", None, Role.ADMIN, is_superuser=True)


@pytest.fixture
def client_for(client):
    """Log a named person in: `client_for(town_secretary).get(...)`."""

    def login(user):
        client.force_login(user)
        return client

    return login
