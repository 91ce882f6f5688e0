"""Named people and a small network every test can use.

county (330799) ─┬─ town_a (33079901) ─┬─ village_a1 ── member groups …
                 │                     ├─ village_a2
                 │                     └─ community_a
                 └─ town_b (33079902) ─── village_b1
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from associations.models import Association, Level, Role, User
from associations.services import account_create, association_create, system_actor


@pytest.fixture
def system(db) -> User:
    """The actor of commands and set-up: no scope limit, named 系统 in history."""
    return system_actor()


def make_association(code: str, name: str, level: str, parent, **extra) -> Association:
    return association_create(
        by=system_actor(), code=code, name=name, level=level, parent=parent, **extra
    )


@pytest.fixture
def county(db) -> Association:
    return make_association("330799", "示范区计生协", Level.COUNTY, None)


@pytest.fixture
def town_a(county) -> Association:
    return make_association("33079901", "甲镇计生协", Level.TOWN, county)


@pytest.fixture
def town_b(county) -> Association:
    return make_association("33079902", "乙镇计生协", Level.TOWN, county)


@pytest.fixture
def village_a1(town_a) -> Association:
    return make_association("33079901201", "甲一村计生协", Level.VILLAGE, town_a, population=800)


@pytest.fixture
def village_a2(town_a) -> Association:
    return make_association("33079901202", "甲二村计生协", Level.VILLAGE, town_a, population=300)


@pytest.fixture
def community_a(town_a) -> Association:
    return make_association("33079901001", "甲镇城东社区计生协", Level.COMMUNITY, town_a)


@pytest.fixture
def village_b1(town_b) -> Association:
    return make_association("33079902201", "乙一村计生协", Level.VILLAGE, town_b, population=900)


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
def _isolated_services(settings, tmp_path):
    """Jobs run at once in the test's process, private files go to the test's own directory,
    and the cache is per process."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in zh-hans: a request in another language leaves it active in the
    thread (as every request sets its own, that matters only to code called outside one)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Most tests create accounts; the production hasher is slow on purpose (~0.3 s each)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_person(username: str, association: Association | None, role: str, **extra) -> User:
    if "full_name" in extra:
        extra["first_name"] = extra.pop("full_name")
    return account_create(
        by=system_actor(),
        username=username,
        password="pw-for-tests-1",
        association=association,
        role=role,
        **extra,
    )


@pytest.fixture
def county_officer(network):
    """县级领导: reads everything in the county, writes nothing."""
    return make_person("county_officer", network["county"], Role.OFFICER, full_name="县领导")


@pytest.fixture
def county_secretary(network):
    """县秘书长: writes anywhere in the county; may see full ID numbers."""
    return make_person(
        "county_secretary",
        network["county"],
        Role.SECRETARY,
        full_name="县秘书长",
        may_view_personal_data=True,
    )


@pytest.fixture
def town_secretary(network):
    """甲镇秘书长: writes within town A; may see full ID numbers."""
    return make_person(
        "town_secretary",
        network["town_a"],
        Role.SECRETARY,
        full_name="甲镇秘书长",
        may_view_personal_data=True,
    )


@pytest.fixture
def village_clerk(network):
    """甲一村录入员: enters records for village A1 only."""
    return make_person("village_clerk", network["village_a1"], Role.CLERK, full_name="甲一村录入员")


@pytest.fixture
def outsider(network):
    """乙镇秘书长: a secretary in another town, who must see nothing of town A."""
    return make_person("outsider", network["town_b"], Role.SECRETARY, full_name="乙镇秘书长")


@pytest.fixture
def town_admin(network):
    """甲镇系统管理员: the only kind of town account that works in the Django admin."""
    return make_person("town_admin", network["town_a"], Role.ADMIN, full_name="甲镇管理员")


@pytest.fixture
def superuser(db):
    return make_person("root", None, Role.ADMIN, is_superuser=True)


@pytest.fixture
def client_for(client):
    """Log a named person in: `client_for(town_secretary).get(...)`."""

    def login(user):
        client.force_login(user)
        return client

    return login
