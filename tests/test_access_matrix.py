"""The access-control matrix: every URL the site serves, for each role at town and at county
scope, on an object inside the scope and one outside it.

- Inside: allowed per role (pages 200, forms for writers, restructuring for secretaries,
  the log for administrators) — or the site's 403 page with the reason.
- Outside: 404, and the object's name appears nowhere in the response.
- A read-only officer's POST changes nothing (every write leaves a history row; none appears).
- The Django admin is for administrators only: everyone else is sent to its login page, and a
  town administrator is not shown another town's rows.
- A URL pattern that is not classified below fails the test: new pages must say who may see them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from activities import services as activities
from associations.models import Job, Role, SavedFilter
from associations.services import association_create, system_actor
from associations.spreadsheets.uploads import private_file
from associations.years import default_report_year
from members import services as members
from reports import services as reports
from tests.conftest import make_person
from tests.members.factories import HouseholdFactory, MemberGroupFactory

YEAR = default_report_year()
D = dt.date

# What a role may do, by the permission a page needs.
READ, WRITE, RESTRUCTURE, WITHDRAW, AUDIT, REVIEW, SUBMIT, REVEAL = (
    "read",
    "write",
    "restructure",
    "withdraw",
    "audit",
    "review",
    "submit",
    "reveal",
)
# The world's village has no staff of its own, so only a secretary above it submits for it;
# full personal data needs a grant to a named account, which no role carries.
ALLOWED = {
    "clerk": {READ, WRITE},
    "secretary": {READ, WRITE, RESTRUCTURE, WITHDRAW, REVIEW, SUBMIT},
    "officer": {READ},
}


@dataclass(frozen=True)
class Spec:
    need: str  # the permission a role needs (READ, WRITE …)
    obj: str | None = None  # the world's object whose pk (or kind/pk) the URL takes
    post: bool = False  # the page only answers POST (a GET is 405)
    query_scope: bool = False  # the page reads ?scope=<pk>
    public: bool = False  # login, logout, language: anyone
    slow: bool = False  # a PDF: rendered inside for one role only (404 outside for all)
    picker: bool = False  # a picker's search: outside, the side's names never come back


# Every named URL outside the admin. obj names refer to `World` below.
SPECS: dict[str, Spec] = {
    "home": Spec(READ),
    "login": Spec(READ, public=True),
    "logout": Spec(READ, public=True, post=True),
    "set_language": Spec(READ, public=True, post=True),
    # associations
    "associations:tree": Spec(READ, query_scope=True),
    "associations:detail": Spec(READ, "village"),
    "associations:subtree": Spec(READ, "village"),
    "associations:create": Spec(WRITE, "village_parent"),
    "associations:edit": Spec(WRITE, "village"),
    "associations:move": Spec(RESTRUCTURE, "village"),
    "associations:dissolve": Spec(RESTRUCTURE, "village"),
    "associations:restore": Spec(RESTRUCTURE, "village", post=True),
    "associations:jobs": Spec(READ),
    "associations:job": Spec(READ, "job"),
    "associations:job_status": Spec(READ, "job"),
    "associations:job_download": Spec(READ, "job"),
    "associations:job_retry": Spec(READ, "job", post=True),
    "associations:personal_data_log": Spec(AUDIT),
    "associations:pick": Spec(READ, picker=True),
    "associations:saved_filter_save": Spec(READ, post=True),
    "associations:saved_filter_remove": Spec(READ, "saved_filter", post=True),
    "associations:imports": Spec(READ, query_scope=True),
    "associations:import_confirm": Spec(WRITE, post=True),
    "associations:import_preview": Spec(WRITE, "upload"),
    "associations:import_template": Spec(READ, "kind"),
    "associations:export": Spec(READ, "kind", query_scope=True),
    "associations:import_upload": Spec(WRITE, "kind", post=True),
    # members
    "members:list": Spec(READ, query_scope=True),
    "members:pick_member": Spec(READ, picker=True),
    "members:pick_household": Spec(READ, picker=True),
    "members:pick_group": Spec(READ, picker=True),
    "members:lookup": Spec(READ, post=True),
    "members:create": Spec(WRITE),
    "members:withdrawn": Spec(WITHDRAW),
    "members:detail": Spec(READ, "member"),
    "members:edit": Spec(WRITE, "member"),
    "members:reveal": Spec(REVEAL, "member", post=True),
    "members:leave": Spec(WRITE, "member"),
    "members:rejoin": Spec(WRITE, "member"),
    "members:position_assign": Spec(WRITE, "member"),
    "members:dues_record": Spec(WRITE, "member"),
    "members:position_edit": Spec(WRITE, "position"),
    "members:position_end": Spec(WRITE, "position", post=True),
    "members:dues_edit": Spec(WRITE, "dues"),
    "members:officers": Spec(READ, query_scope=True),
    "members:household_list": Spec(READ, query_scope=True),
    "members:household_create": Spec(WRITE),
    "members:household_detail": Spec(READ, "household"),
    "members:household_edit": Spec(WRITE, "household"),
    "members:certificate_record": Spec(WRITE, "household"),
    "members:liaison": Spec(READ, query_scope=True),
    "members:liaison_create": Spec(WRITE, "village_pk"),
    "members:liaison_edit": Spec(WRITE, "pair"),
    "members:liaison_end": Spec(WRITE, "pair", post=True),
    "members:groups": Spec(READ, query_scope=True),
    "members:group_create": Spec(WRITE, "village_pk"),
    "members:group_edit": Spec(WRITE, "group"),
    "members:integrity_groups": Spec(READ, query_scope=True),
    "members:integrity_group_create": Spec(WRITE, "village_pk"),
    "members:integrity_group_edit": Spec(WRITE, "integrity_group"),
    "members:withdraw": Spec(WITHDRAW, "member_kind"),
    "members:restore": Spec(WITHDRAW, "withdrawn_member", post=True),
    # activities
    "activities:index": Spec(READ),
    "activities:pick_project": Spec(READ, picker=True),
    "activities:pick_event": Spec(READ, picker=True),
    **{
        f"activities:{kind}_{page}": Spec(
            READ if page in ("list", "detail") else WRITE,
            None if page in ("list", "create") else kind,
            query_scope=page == "list",
        )
        for kind in ("event", "project", "aid", "award", "selfgov", "ledger", "assessment")
        for page in ("list", "create", "detail", "edit")
        if not (kind == "assessment" and page == "create")
    },
    "activities:assessment_create": Spec(WRITE, "template"),
    "activities:withdraw": Spec(WITHDRAW, "activity_kind"),
    "activities:restore": Spec(WITHDRAW, "withdrawn_event", post=True),
    # reports
    "reports:tables": Spec(READ, query_scope=True),
    "reports:tables_xlsx": Spec(READ, query_scope=True),
    "reports:tables_pdf": Spec(READ, query_scope=True, slow=True),
    "reports:definitions": Spec(READ),
    "reports:dashboard": Spec(READ, "village"),
    "reports:dashboard_pdf": Spec(READ, "village", slow=True),
    "reports:association_year": Spec(READ, "village"),
    "reports:narrative": Spec(READ, "village"),
    "reports:narrative_pdf": Spec(READ, "village", post=True, slow=True),
    "reports:narrative_save": Spec(SUBMIT, "village", post=True),
    "reports:narrative_regenerate": Spec(SUBMIT, "village", post=True),
    "reports:narrative_revert": Spec(SUBMIT, "village", post=True),
    "reports:inbox": Spec(READ),
    "reports:inbox_count": Spec(READ),
    "reports:submission_home": Spec(READ),
    "reports:submission": Spec(READ, "report"),
    "reports:submission_submit": Spec(SUBMIT, "report", post=True),
    "reports:submission_return": Spec(REVIEW, "report", post=True),
    "reports:submission_approve": Spec(REVIEW, "report", post=True),
    "reports:submission_reopen": Spec(REVIEW, "report", post=True),
    "reports:submission_override": Spec(REVIEW, "report", post=True),
    "reports:compilation_home": Spec(READ),
    "reports:compilation": Spec(READ, "report_parent"),
    "reports:compilation_deadline": Spec(REVIEW, "report_parent", post=True),
    "reports:compilation_enter": Spec(REVIEW, "report_parent", post=True),
    "reports:plans": Spec(READ, query_scope=True),
    "reports:context": Spec(READ, query_scope=True),
    "reports:rankings": Spec(READ, query_scope=True),
    "reports:assessment_results": Spec(READ, query_scope=True),
    "reports:assessments_fill": Spec(WRITE, post=True, query_scope=True),
    "reports:targets_bulk": Spec(WRITE, query_scope=True),
    "reports:plan_detail": Spec(READ, "plan"),
    "reports:target_detail": Spec(READ, "target"),
    "reports:context_detail": Spec(READ, "context"),
    "reports:create": Spec(WRITE, "plan_kind", query_scope=True),
    "reports:edit": Spec(WRITE, "plan_record"),
    "reports:withdraw": Spec(WITHDRAW, "plan_record"),
    "reports:restore": Spec(WITHDRAW, "withdrawn_plan", post=True),
}


def _walk(patterns, ns: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ns
            if pattern.namespace:
                inner = f"{ns}:{pattern.namespace}" if ns else pattern.namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{ns}:{pattern.name}" if ns and pattern.name else pattern.name


def _site_names() -> set[str]:
    return {name for name in _walk(get_resolver().url_patterns) if (name and ":" in name) or name}


def test_every_url_is_classified():
    names = {n for n in _site_names() if n and not n.startswith("admin:")}
    unknown = sorted(names - set(SPECS))
    assert unknown == [], f"classify these URLs in tests/test_access_matrix.py: {unknown}"
    assert sorted(set(SPECS) - names) == []  # no stale entries


class World:
    """One record of every kind inside town A (in village A1) and outside (village B1), each
    named so a response can be searched for it."""

    def __init__(self, network: dict) -> None:
        system = system_actor()
        self.network = network
        self.inside = self._records(system, network["village_a1"], network["town_a"], "甲")
        self.outside = self._records(system, network["village_b1"], network["town_b"], "乙")
        far = association_create(
            by=system, code="330800", name="邻区计生协", level="county", parent=None
        )
        far_town = association_create(
            by=system, code="33080001", name="邻镇计生协", level="town", parent=far
        )
        far_village = association_create(
            by=system, code="33080001201", name="邻村计生协", level="village", parent=far_town
        )
        self.far = self._records(system, far_village, far_town, "邻")

    def _records(self, system, village, town, mark: str) -> dict:
        member = members.member_register(
            by=system,
            association=village,
            name=f"{mark}会员",
            gender="F",
            birth_date=None,
            id_number=_id(village.code),
            joined_on=D(2020, 1, 1),
        )
        household = HouseholdFactory(association=village, head_name=f"{mark}户主", is_floating=True)
        pair = members.liaison_pair(
            by=system, member=member, household=household, started_on=D(2022, 3, 1)
        )
        position = members.position_assign(
            by=system, member=member, association=village, title="council", started_on=D(2021, 1, 1)
        )
        dues = members.dues_record(by=system, member=member, year=2024, amount=10)
        group = MemberGroupFactory(association=village, name=f"{mark}小组")
        households = [HouseholdFactory(association=village, is_floating=True) for _ in range(5)]
        integrity = members.integrity_group_create(
            by=system,
            association=village,
            name=f"{mark}诚信组",
            leader_name="组长",
            households=households,
        )
        event = activities.event_create(
            by=system,
            association=village,
            type="lecture",
            title=f"{mark}讲座",
            started_on=D(2024, 5, 1),
        )
        project = activities.project_create(
            by=system,
            code=f"P-{village.code}",
            association=village,
            kind="other",
            name=f"{mark}项目",
            started_on=D(2024, 1, 1),
        )
        aid = activities.aid_give(
            by=system,
            household=household,
            given_on=D(2024, 6, 1),
            kind="cash",
            amount=100,
            project=project,
        )
        award = activities.award_grant(
            by=system,
            year=2024,
            level="town",
            title=f"{mark}先进",
            awarding_body="镇",
            association=village,
        )
        assessment = activities.assessment_create(
            by=system, association=village, year=2024, template="ba_you", items_met=[1]
        )
        selfgov = activities.selfgov_create(
            by=system, association=village, year=2024, charter_adopted=False
        )
        ledger = activities.ledger_record(
            by=system,
            association=village,
            date=D(2024, 5, 2),
            direction="income",
            amount=Decimal("100"),
            source="bureau",
            note=f"{mark}拨款",
        )
        withdrawn_member = members.member_register(
            by=system,
            association=village,
            name=f"{mark}作废会员",
            gender="M",
            birth_date=None,
            id_number=_id(village.code + "w"),
            joined_on=D(2020, 1, 1),
        )
        members.member_withdraw(by=system, member=withdrawn_member, reason="重复录入")
        withdrawn_event = activities.event_create(
            by=system,
            association=village,
            type="lecture",
            title=f"{mark}作废讲座",
            started_on=D(2024, 5, 2),
        )
        activities.event_withdraw(by=system, event=withdrawn_event, reason="重复录入")
        plan = reports.plan_create(
            by=system, association=village, year=YEAR, title=f"{mark}工作要点", tasks="任务"
        )
        target = reports.target_create(
            by=system, association=village, year=YEAR, code="members.total", value=10
        )
        context = reports.context_create(by=system, association=village, year=YEAR, population=800)
        withdrawn_plan = reports.plan_create(
            by=system, association=village, year=YEAR - 1, title=f"{mark}旧要点", tasks="任务"
        )
        reports.plan_withdraw(by=system, plan=withdrawn_plan, reason="重复录入")
        return {
            "plan": plan,
            "target": target,
            "context": context,
            "withdrawn_plan": withdrawn_plan,
            "withdrawn_member": withdrawn_member,
            "withdrawn_event": withdrawn_event,
            "village": village,
            "town": town,
            "name": village.name,
            "member": member,
            "household": household,
            "pair": pair,
            "position": position,
            "dues": dues,
            "group": group,
            "integrity_group": integrity,
            "event": event,
            "project": project,
            "aid": aid,
            "award": award,
            "assessment": assessment,
            "selfgov": selfgov,
            "ledger": ledger,
        }


def _id(code: str) -> str:
    from members import idcard

    return idcard.make(code[:6], D(1980, 1, 1 + sum(map(ord, code)) % 28), 2 + len(code))


def _kwargs(
    spec: Spec, records: dict, owner_job: Job | None, owned: SavedFilter | None = None
) -> dict | None:
    """The URL's arguments for the records of one side (None: the URL takes none)."""
    obj = spec.obj
    if obj is None:
        return {}
    if obj == "village":
        return {"pk": records["village"].pk}
    if obj == "village_parent":
        return {"parent_pk": records["village"].pk}
    if obj == "village_pk":
        return {"village_pk": records["village"].pk}
    if obj == "kind":
        return {"kind": "members"}
    if obj == "upload":  # a kept upload is the session's own: any other token is unknown
        return {"token": "0" * 32}
    if obj == "job":
        return {"pk": owner_job.pk} if owner_job else None
    if obj == "template":
        return {"template": "ba_you"}
    if obj == "member_kind":
        return {"kind": "member", "pk": records["member"].pk}
    if obj == "activity_kind":
        return {"kind": "event", "pk": records["event"].pk}
    if obj == "withdrawn_member":
        return {"kind": "member", "pk": records["withdrawn_member"].pk}
    if obj == "withdrawn_event":
        return {"kind": "event", "pk": records["withdrawn_event"].pk}
    if obj == "plan_kind":
        return {"kind": "plan"}
    if obj == "plan_record":
        return {"kind": "plan", "pk": records["plan"].pk}
    if obj == "withdrawn_plan":
        return {"kind": "plan", "pk": records["withdrawn_plan"].pk}
    if obj == "saved_filter":
        return {"pk": owned.pk} if owned else None
    if obj == "report":
        return {"pk": records["village"].pk, "year": YEAR}
    if obj == "report_parent":
        return {"pk": records["town"].pk, "year": YEAR}
    return {"pk": records[obj].pk}


ROLES = {
    # name: (role, where) — "town" roles sit in town A, "county" roles in the county
    "town clerk": (Role.CLERK, "town_a"),
    "town secretary": (Role.SECRETARY, "town_a"),
    "town officer": (Role.OFFICER, "town_a"),
    "county secretary": (Role.SECRETARY, "county"),
    "county officer": (Role.OFFICER, "county"),
}


def _fingerprint() -> tuple:
    """Row counts of every table of the four apps, in one query: every write adds a history
    row or a row of its own (transitions, overrides, logs, jobs), so a write changes one."""
    tables = [
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in ("associations", "members", "activities", "reports")
    ]
    counts = ", ".join(f'(select count(*) from "{table}")' for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"select {counts}")
        return cursor.fetchone()


@pytest.fixture
def world(network) -> World:
    return World(network)


def _picked(response) -> str:
    """A picker's answer as text (JSON escapes Chinese)."""
    if response.status_code != 200:
        return ""
    return json.dumps(response.json(), ensure_ascii=False)


def _request(client, name: str, spec: Spec, kwargs: dict, scope_pk: int | None, post_data=None):
    url = reverse(name, kwargs=kwargs)
    query = {"scope": scope_pk} if spec.query_scope and scope_pk else {}
    if spec.post:
        return client.post(
            url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""),
            post_data or {},
        )
    return client.get(url, query)


@pytest.mark.parametrize("role_name", list(ROLES))
def test_the_matrix(client, world, role_name):
    role, where = ROLES[role_name]
    person = make_person(f"m_{role}_{where}", world.network[where], role)
    client.force_login(person)
    inside = world.inside
    outside = world.outside if where == "town_a" else world.far
    result = private_file("results", ".xlsx")
    own_job = Job.objects.create(
        owner=person,
        label="导出",
        runner="x",
        params={},
        status="succeeded",
        result_file=str(result),
        result_name="导出.xlsx",
    )
    others_job = Job.objects.create(owner=system_actor(), label="他人的导出", runner="x", params={})
    own_filter = SavedFilter.objects.create(owner=person, page="members:list", name="我的筛选")
    others_filter = SavedFilter.objects.create(
        owner=system_actor(), page="members:list", name="他人的筛选"
    )
    allowed = ALLOWED[role]
    problems = []
    for name, spec in sorted(SPECS.items()):
        if spec.public or (spec.slow and role_name != "town secretary"):
            continue
        # Inside the scope.
        kwargs = _kwargs(spec, inside, own_job, own_filter)
        before = _fingerprint() if role == Role.OFFICER and spec.need != READ else None
        response = _request(client, name, spec, kwargs, inside["village"].pk)
        if spec.picker and name == "members:pick_member":  # the check below can see a name
            found = client.get(reverse(name), {"q": inside["member"].name})
            if inside["member"].name not in _picked(found):
                problems.append(f"{name} inside: does not find {inside['member'].name}")
        permitted = spec.need in allowed
        if not permitted:
            if response.status_code != 403:
                problems.append(f"{name} inside: {response.status_code}, expected 403")
            if before is not None and _fingerprint() != before:
                problems.append(f"{name}: a read-only POST changed the database")
        elif response.status_code >= 500 or response.status_code in (403, 404):
            problems.append(f"{name} inside: {response.status_code}")
        # Outside the scope: nothing of it shows.
        if spec.picker:
            mark = outside["member"].name[0]  # every name of that side starts with it
            response = client.get(reverse(name), {"q": mark, "association": outside["village"].pk})
            if response.status_code not in (200, 404) or mark in _picked(response):
                problems.append(f"{name} outside: {response.status_code}, shows {mark}")
            continue
        if spec.obj is None and not spec.query_scope:
            continue
        kwargs = _kwargs(spec, outside, others_job, others_filter)
        if kwargs is None or spec.obj in ("kind", "template", "upload"):
            if not spec.query_scope:
                continue
            kwargs = _kwargs(spec, outside, others_job) or {}
        response = _request(client, name, spec, kwargs, outside["village"].pk)
        if response.status_code not in (404, 403):
            problems.append(f"{name} outside: {response.status_code}, expected 404")
        body = response.content.decode(errors="ignore") if not response.streaming else ""
        for secret in (outside["name"], outside["member"].name, outside["event"].title):
            if secret in body:
                problems.append(f"{name} outside: shows {secret}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role_name", list(ROLES))
def test_the_admin_is_for_administrators_only(client, world, role_name):
    role, where = ROLES[role_name]
    client.force_login(make_person(f"a_{role}_{where}", world.network[where], role))
    for model in ("member", "event", "association", "household", "award"):
        response = client.get(reverse(f"admin:{_app(model)}_{model}_changelist"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_town_administrator_sees_nothing_of_another_town_in_the_admin(client, world):
    admin = make_person("town_admin_m", world.network["town_a"], Role.ADMIN)
    client.force_login(admin)
    outside = world.outside
    for model, key in (
        ("member", "member"),
        ("household", "household"),
        ("event", "event"),
        ("project", "project"),
        ("aid", "aid"),
        ("award", "award"),
        ("association", "village"),
    ):
        url = reverse(f"admin:{_app(model)}_{model}_change", args=[outside[key].pk])
        response = client.get(url, follow=True)
        body = response.content.decode()
        assert outside["name"] not in body and outside["member"].name not in body, model
        listing = client.get(reverse(f"admin:{_app(model)}_{model}_changelist")).content.decode()
        assert outside["member"].name not in listing and outside["event"].title not in listing


def _app(model: str) -> str:
    return {
        "member": "members",
        "household": "members",
        "association": "associations",
    }.get(model, "activities")
