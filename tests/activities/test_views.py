import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import services
from activities.models import (
    Aid,
    Assessment,
    AssessmentTemplate,
    Award,
    Event,
    LedgerEntry,
    Project,
    SelfGovernance,
)
from associations.models import Association
from associations.services import system_actor
from members import idcard
from tests.activities.factories import (
    AidFactory,
    AwardFactory,
    EventFactory,
    LedgerEntryFactory,
    ProjectFactory,
    SelfGovernanceFactory,
)
from tests.members.factories import HouseholdFactory, MemberFactory, MemberGroupFactory

D = dt.date
KINDS = ["event", "project", "aid", "award", "assessment", "selfgov", "ledger"]
MODELS = {
    "event": Event,
    "project": Project,
    "aid": Aid,
    "award": Award,
    "assessment": Assessment,
    "selfgov": SelfGovernance,
    "ledger": LedgerEntry,
}


MARKERS = {
    "event": "甲一村会员活动日",
    "project": "甲镇桃园项目",
    "aid": "H-A1-001",
    "award": "市级示范协会",
    "assessment": "甲一村计生协",
    "selfgov": "甲一村计生协",
    "ledger": "6543.21",
}


def url(kind: str, action: str, obj=None) -> str:
    if action in ("withdraw", "restore"):
        return reverse(f"activities:{action}", args=[kind, obj.pk])
    if action in ("detail", "edit"):
        return reverse(f"activities:{kind}_{action}", args=[obj.pk])
    if kind == "assessment" and action == "create":
        return reverse("activities:assessment_create", args=["ba_you"])
    return reverse(f"activities:{kind}_{action}")


# ── Reading ───────────────────────────────────────────────────────────────────
@pytest.mark.parametrize("kind", KINDS)
def test_list_detail_and_form_pages_work(client_for, town_secretary, records, kind):
    client = client_for(town_secretary)
    listing = client.get(url(kind, "list"))
    assert listing.status_code == 200
    assert MARKERS[kind] in listing.content.decode()
    assert list(listing.context["page_obj"]) == [records[kind]]
    detail = client.get(url(kind, "detail", records[kind]))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "修改记录" in body and "新建" in body  # the history section
    assert url(kind, "withdraw", records[kind]) in body
    for action in ("create", "edit", "withdraw"):
        target = url(kind, action, None if action == "create" else records[kind])
        assert client.get(target).status_code == 200, action


@pytest.mark.parametrize("kind", KINDS)
def test_officer_reads_but_outsider_sees_nothing(
    client_for, county_officer, outsider, records, kind
):
    assert client_for(county_officer).get(url(kind, "detail", records[kind])).status_code == 200
    client = client_for(outsider)
    for action in ("detail", "edit", "withdraw"):
        assert client.get(url(kind, action, records[kind])).status_code == 404
    assert client.post(url(kind, "edit", records[kind]), {"title": "x"}).status_code == 404
    assert client.post(url(kind, "withdraw", records[kind]), {"reason": "x"}).status_code == 404
    assert client.post(url(kind, "restore", records[kind])).status_code == 404
    listing = client.get(url(kind, "list"))
    assert list(listing.context["page_obj"]) == []
    assert MARKERS[kind] not in listing.content.decode()
    scoped = client.get(url(kind, "list"), {"scope": records["household"].association_id})
    assert scoped.status_code == 404
    assert MODELS[kind].objects.get(pk=records[kind].pk).version == records[kind].version


@pytest.mark.parametrize("kind", KINDS)
def test_read_only_officer_cannot_write(client_for, county_officer, records, kind):
    client = client_for(county_officer)
    obj = records[kind]
    detail = client.get(url(kind, "detail", obj)).content.decode()
    assert url(kind, "edit", obj) not in detail and url(kind, "withdraw", obj) not in detail
    for target in (url(kind, "create"), url(kind, "edit", obj), url(kind, "withdraw", obj)):
        assert client.get(target).status_code == 403
        assert client.post(target, {"title": "x", "reason": "x"}).status_code == 403
    assert client.post(url(kind, "restore", obj)).status_code == 403
    stored = MODELS[kind].objects.get(pk=obj.pk)
    assert (stored.version, stored.is_withdrawn) == (obj.version, False)


def test_clerk_may_edit_but_not_withdraw(client_for, village_clerk, records):
    client = client_for(village_clerk)
    assert client.get(url("event", "edit", records["event"])).status_code == 200
    response = client.post(url("event", "withdraw", records["event"]), {"reason": "x"})
    assert response.status_code == 403
    assert Event.objects.filter(pk=records["event"].pk).exists()


@pytest.mark.parametrize("kind", ["event", "aid", "award", "assessment", "selfgov", "ledger"])
def test_withdraw_hides_and_restore_brings_back(client_for, town_secretary, records, kind):
    client = client_for(town_secretary)
    obj = records[kind]
    empty = client.post(url(kind, "withdraw", obj), {"reason": " "})
    assert empty.status_code == 200 and "reason" in empty.context["form"].errors
    response = client.post(url(kind, "withdraw", obj), {"reason": "重复录入"})
    assert response.status_code == 302
    assert not MODELS[kind].objects.filter(pk=obj.pk).exists()
    assert list(client.get(url(kind, "list")).context["page_obj"]) == []
    withdrawn = client.get(url(kind, "list"), {"withdrawn": "on"})
    assert [r.pk for r in withdrawn.context["page_obj"]] == [obj.pk]
    detail = client.get(url(kind, "detail", obj)).content.decode()
    assert "已作废" in detail and "重复录入" in detail and url(kind, "restore", obj) in detail
    assert client.get(url(kind, "edit", obj)).status_code == 404
    assert client.post(url(kind, "restore", obj)).status_code == 302
    assert [r.pk for r in client.get(url(kind, "list")).context["page_obj"]] == [obj.pk]


def test_withdrawn_records_are_shown_only_to_those_who_may_restore_them(
    client_for, town_secretary, county_officer, village_clerk, records
):
    client_for(town_secretary).post(url("award", "withdraw", records["award"]), {"reason": "错"})
    for person in (county_officer, village_clerk):
        client = client_for(person)
        listing = client.get(url("award", "list"), {"withdrawn": "on"})
        assert "withdrawn" not in listing.context["filters"].fields
        assert list(listing.context["page_obj"]) == []
        assert client.get(url("award", "detail", records["award"])).status_code == 404


def test_project_with_aid_is_not_withdrawn(client_for, town_secretary, records):
    response = client_for(town_secretary).post(
        url("project", "withdraw", records["project"]), {"reason": "录错"}
    )
    assert response.status_code == 200
    assert "1 条未作废的帮扶记录" in response.content.decode()
    assert Project.objects.filter(pk=records["project"].pk).exists()


def test_a_failed_restore_says_why(client_for, town_secretary, records, system):
    services.aid_withdraw(by=system, aid=records["aid"], reason="录错")
    services.project_withdraw(by=system, project=records["project"], reason="录错")
    client = client_for(town_secretary)
    response = client.post(url("aid", "restore", records["aid"]), follow=True)
    assert "请先恢复它" in response.content.decode()
    assert not Aid.objects.filter(pk=records["aid"].pk).exists()


def test_filters_by_year_type_and_association(client_for, county_secretary, records, network):
    EventFactory(association=network["village_b1"], type="training", title="乙一村培训")
    EventFactory(association=network["village_a2"], started_on=D(2023, 5, 29), title="甲二村旧活动")
    client = client_for(county_secretary)

    def titles(**params) -> set[str]:
        response = client.get(reverse("activities:event_list"), params)
        return {e.title for e in response.context["page_obj"]}

    assert titles() == {"甲一村会员活动日", "乙一村培训", "甲二村旧活动"}
    assert titles(year=2024) == {"甲一村会员活动日", "乙一村培训"}
    assert titles(type="training") == {"乙一村培训"}
    assert titles(scope=network["town_a"].pk) == {"甲一村会员活动日", "甲二村旧活动"}
    assert titles(scope=network["town_a"].pk, year=2024) == {"甲一村会员活动日"}


@pytest.mark.parametrize("year", ["abc", "1979", "3000"])
def test_an_unusable_year_is_the_sites_400_page(client_for, town_secretary, records, year):
    response = client_for(town_secretary).get(reverse("activities:aid_list"), {"year": year})
    assert response.status_code == 400
    assert "年度须为 1980–" in response.content.decode()


def test_scope_filter_is_a_scoped_picker(client_for, town_secretary, records, network):
    client = client_for(town_secretary)
    body = client.get(reverse("activities:event_list")).content.decode()
    # Only the association in force is rendered; the rest are searched as the user types.
    picker = body[body.index('<select name="scope"') :]
    picker = picker[: picker.index("</select>")]
    assert picker.count("<option") == 2  # the empty one, and the association in force
    assert "selected>甲镇计生协（33079901）" in picker
    rows = client.get(reverse("associations:pick"), {"all": "1"}).json()["results"]
    codes = {row["text"].split("（")[1].rstrip("）") for row in rows}
    assert codes == {"33079901", "33079901201", "33079901202", "33079901001"}


# ── Query-count guards ────────────────────────────────────────────────────────
def make_rows(kind: str, n: int, network: dict) -> None:
    village = network["village_a1"]
    if kind == "event":
        EventFactory.create_batch(n, association=village)
    elif kind == "project":
        ProjectFactory.create_batch(n, association=village)
    elif kind == "aid":
        project = ProjectFactory(association=village)
        for household in HouseholdFactory.create_batch(n, association=village):
            AidFactory(household=household, project=project)
    elif kind == "award":
        AwardFactory.create_batch(n, association=village)
        AwardFactory(association=village, member=MemberFactory(association=village))
    elif kind == "assessment":
        template = AssessmentTemplate.objects.get(code="ba_you")
        start = 1990 + Assessment.objects.count()
        for year in range(start, start + n):
            services.assessment_create(
                by=system_actor(),
                association=village,
                year=year,
                template=template,
                items_met=[1, 2],
            )
    elif kind == "selfgov":
        start = 1990 + SelfGovernance.objects.count()
        for year in range(start, start + n):
            SelfGovernanceFactory(association=village, year=year)
    elif kind == "ledger":
        LedgerEntryFactory.create_batch(n, association=village)


@pytest.mark.parametrize("kind", KINDS)
def test_list_query_count_does_not_grow(
    client_for, county_officer, network, kind, django_assert_max_num_queries
):
    client = client_for(county_officer)
    client.get(url(kind, "list"))  # warm the session
    make_rows(kind, 3, network)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(kind, "list"), {"year": ""}).status_code == 200
    make_rows(kind, 27, network)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url(kind, "list"), {"year": ""})
    assert response.context["page_obj"].paginator.count >= 30
    assert len(few) <= 12  # incl. the session renewal and loading the permissions once


def test_project_detail_query_count(client_for, county_officer, records, network):
    client = client_for(county_officer)
    project = records["project"]
    with CaptureQueriesContext(connection) as few:
        client.get(url("project", "detail", project))
    for household in HouseholdFactory.create_batch(20, association=network["village_a2"]):
        AidFactory(household=household, project=project)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("project", "detail", project))
    assert len(many) == len(few)
    assert response.context["aid_totals"]["rows"] == 21


# ── Forms ─────────────────────────────────────────────────────────────────────
def test_create_event_with_materials(client_for, town_secretary, network):
    response = client_for(town_secretary).post(
        url("event", "create"),
        {
            "association": network["town_a"].pk,
            "type": "publicity",
            "title": "婚育新风进万家",
            "started_on": "2024-09-25",
            "participants": "2000",
            "cost": "1200.50",
            "co_organisers": [network["village_a1"].pk],
            "material_leaflet": "5000",
            "material_banner": "20",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(title="婚育新风进万家")
    assert {m.kind: m.quantity for m in event.materials.all()} == {"leaflet": 5000, "banner": 20}
    assert response.url == url("event", "detail", event)


def test_event_form_error_keeps_what_was_typed(client_for, town_secretary, network):
    client = client_for(town_secretary)
    data = {
        "association": network["town_a"].pk,
        "type": "screening",
        "title": "妇科病查治",
        "started_on": "2024-07-10",
        "ended_on": "2024-07-01",
        "participants": "551",
        "cost": "0",
        "screened": "551",
        "cases_found": "600",
    }
    typed = client.post(url("event", "create"), {**data, "material_leaflet": "-3"})
    assert typed.status_code == 200 and "material_leaflet" in typed.context["form"].errors
    response = client.post(url("event", "create"), {**data, "material_leaflet": "30"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["ended_on"] == ["结束日期不能早于开始日期。"]
    assert "551" in form.errors["cases_found"][0]
    body = response.content.decode()
    assert 'value="妇科病查治"' in body and 'value="551"' in body and 'value="30"' in body
    assert not Event.objects.filter(title="妇科病查治").exists()


def test_a_stale_save_keeps_what_was_typed(client_for, town_secretary, county_secretary, records):
    event = records["event"]
    client = client_for(town_secretary)
    form = client.get(url("event", "edit", event)).context["form"]
    read_at = form["version"].value()
    services.event_update(by=county_secretary, event=event, place="村文化礼堂")
    data = {
        "association": event.association_id,
        "type": event.type,
        "title": "我改的标题",
        "started_on": "2024-05-29",
        "participants": "320",
        "cost": "0",
        "material_leaflet": "500",
        "version": read_at,
    }
    response = client.post(url("event", "edit", event), data)
    assert response.status_code == 200
    stale = response.context["form"]
    assert "县秘书长" in stale.non_field_errors()[0] and "地点" in stale.non_field_errors()[0]
    assert 'value="我改的标题"' in response.content.decode()
    stored = Event.objects.get(pk=event.pk)
    assert (stored.title, stored.place) == ("甲一村会员活动日", "村文化礼堂")
    # The form now carries the newer version: saving again is a conscious overwrite.
    assert stale.data["version"] == str(stored.version)
    again = client.post(url("event", "edit", event), {**data, "version": stored.version})
    assert again.status_code == 302
    assert Event.objects.get(pk=event.pk).title == "我改的标题"


def test_event_detail_lists_the_attendees(client_for, village_clerk, county_secretary, records):
    event = records["event"]
    member = MemberFactory(association=event.association, name="李梅")
    services.event_update(by=county_secretary, event=event, attendees=[member])
    body = client_for(village_clerk).get(url("event", "detail", event)).content.decode()
    assert reverse("members:detail", args=[member.pk]) in body and "李梅" in body
    assert idcard.mask(member.id_number) in body and member.id_number not in body
    body = client_for(county_secretary).get(url("event", "detail", event)).content.decode()
    # Masked for a named account with the personal-data grant too: full numbers are shown only
    # on a logged reveal from the member's page.
    assert member.id_number not in body and idcard.mask(member.id_number) in body


def test_create_refuses_association_outside_scope(client_for, outsider, network):
    response = client_for(outsider).post(
        url("event", "create"),
        {
            "association": network["village_a1"].pk,
            "type": "other",
            "title": "越界",
            "started_on": "2024-01-01",
        },
    )
    assert response.status_code == 200
    assert "association" in response.context["form"].errors
    assert not Event.objects.filter(title="越界").exists()


def test_edit_event_shows_and_replaces_materials(client_for, town_secretary, records):
    client = client_for(town_secretary)
    event = records["event"]
    page = client.get(url("event", "edit", event))
    assert page.context["form"]["material_leaflet"].value() == 500
    response = client.post(
        url("event", "edit", event),
        {
            "association": event.association_id,
            "type": event.type,
            "title": "改过的标题",
            "started_on": "2024-05-29",
            "participants": "310",
            "cost": "0",
            "material_booklet": "40",
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "改过的标题" and event.participants == 310
    assert [(m.kind, m.quantity) for m in event.materials.all()] == [("booklet", 40)]


def test_create_project_with_funding_breakdown(client_for, town_secretary, network):
    response = client_for(town_secretary).post(
        url("project", "create"),
        {
            "code": "SJH-2024",
            "association": network["town_a"].pk,
            "kind": "three_combinations",
            "name": "三结合服装厂",
            "started_on": "2024-01-01",
            "funds_raised": "0",
            "funds_spent": "0",
            "households_out_of_poverty": "0",
            "jobs_created": "290",
            "fixed_assets": "750000",
            "output_value": "500000",
            "tax_paid": "50000",
            "funding_bureau_raised": "30000",
            "funding_raised_raised": "20000",
            "funding_raised_spent": "15000",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(code="SJH-2024")
    assert project.funds_raised == Decimal("50000") and project.funds_spent == Decimal("15000")
    detail = client_for(town_secretary).get(url("project", "detail", project))
    assert "计生部门拨款" in detail.content.decode()


def test_project_funding_mismatch_is_shown_on_the_field(client_for, town_secretary, network):
    response = client_for(town_secretary).post(
        url("project", "create"),
        {
            "code": "X-1",
            "association": network["town_a"].pk,
            "kind": "other",
            "name": "不一致",
            "started_on": "2024-01-01",
            "funds_raised": "100",
            "funds_spent": "0",
            "households_out_of_poverty": "0",
            "jobs_created": "0",
            "fixed_assets": "0",
            "output_value": "0",
            "tax_paid": "0",
            "funding_bureau_raised": "30",
        },
    )
    assert response.status_code == 200
    assert "不一致" in response.context["form"].errors["funds_raised"][0]


def test_aid_form_finds_household_by_code_and_checks_the_subtree(
    client_for, town_secretary, network
):
    client = client_for(town_secretary)
    project = services.project_create(
        by=town_secretary,
        code="V1",
        association=network["village_a1"],
        kind="other",
        name="村项目",
        started_on=D(2024, 1, 1),
    )
    HouseholdFactory(association=network["village_a2"], code="H-A2-9", head_name="李四")
    HouseholdFactory(association=network["village_b1"], code="H-B1-1")
    data = {"project": project.pk, "given_on": "2024-06-01", "kind": "cash", "amount": "500"}
    response = client.post(url("aid", "create"), {**data, "household": "H-A2-9"})
    assert response.status_code == 200
    assert "不在项目" in response.context["form"].errors["household"][0]
    assert 'value="H-A2-9"' in response.content.decode()
    response = client.post(url("aid", "create"), {**data, "household": "H-B1-1", "project": ""})
    assert "没有找到户编码" in response.context["form"].errors["household"][0]
    response = client.post(
        url("aid", "create"), {**data, "household": "H-A2-9", "project": "", "provider": "民政局"}
    )
    assert response.status_code == 302
    assert Aid.objects.get(household__code="H-A2-9").provider == "民政局"


def test_award_form_recipient_rules(client_for, town_secretary, network):
    client = client_for(town_secretary)
    member = MemberFactory(association=network["village_a2"], name="应金堂")
    base = {
        "year": "2024",
        "level": "national",
        "title": "全国先进志愿者",
        "awarding_body": "中国计生协",
    }
    response = client.post(url("award", "create"), base)
    assert "association" in response.context["form"].errors
    response = client.post(
        url("award", "create"),
        {**base, "association": network["town_a"].pk, "member": member.pk},
    )
    errors = response.context["form"].errors
    assert "association" in errors and "member" in errors
    response = client.post(url("award", "create"), {**base, "member": member.pk})
    assert response.status_code == 302
    award = Award.objects.get(member=member)
    assert award.association == network["village_a2"]
    page = client.get(url("award", "detail", award))
    assert "应金堂" in page.content.decode() and member.id_number not in page.content.decode()


def test_award_form_grants_to_a_member_group_and_a_named_person(
    client_for, town_secretary, outsider, county_officer, network
):
    group = MemberGroupFactory(association=network["village_a1"], name="第一会员小组")
    base = {"year": "2024", "level": "provincial", "title": "优秀会员小组", "awarding_body": "省"}
    client = client_for(town_secretary)
    page = client.get(url("award", "create")).content.decode()
    picker = f'data-autocomplete="{reverse("members:pick_group")}"'
    assert picker in page and 'data-depends-on="association"' in page
    assert 'name="person_name"' in page
    picked = client.get(reverse("members:pick_group"), {"association": network["village_a1"].pk})
    assert picked.json()["results"] == [{"value": group.pk, "text": "第一会员小组"}]

    chosen = {**base, "association": network["village_a1"].pk, "member_group": group.pk}
    assert client.post(url("award", "create"), chosen).status_code == 302
    award = Award.objects.get(member_group=group)
    assert award.association == network["village_a1"]
    assert "会员小组 第一会员小组" in client.get(url("award", "detail", award)).content.decode()

    response = client.post(url("award", "create"), {**base, "person_name": "陈秘书长"})
    assert "获奖个人所在的获奖协会" in response.context["form"].errors["association"][0]
    response = client.post(
        url("award", "create"), {**chosen, "person_name": "陈秘书长", "title": "先进个人"}
    )
    assert set(response.context["form"].errors) == {"member_group", "person_name"}
    named = {**base, "title": "先进个人", "person_name": "陈秘书长"}
    response = client.post(url("award", "create"), {**named, "association": network["town_a"].pk})
    assert response.status_code == 302
    listing = client.get(url("award", "list")).content.decode()
    assert "个人 陈秘书长" in listing and "会员小组 第一会员小组" in listing

    # Another town's secretary cannot pick the group; a read-only officer cannot post.
    response = client_for(outsider).post(
        url("award", "create"), {**base, "member_group": group.pk, "title": "外"}
    )
    assert "不在您的管辖范围内" in response.context["form"].errors["member_group"][0]
    assert client_for(outsider).get(url("award", "detail", award)).status_code == 404
    officer = client_for(county_officer).post(url("award", "create"), {**chosen, "title": "读"})
    assert officer.status_code == 403
    assert Award.objects.count() == 2


def test_assessment_form_ticks_items_and_computes_passed(client_for, town_secretary, network):
    client = client_for(town_secretary)
    page = client.get(url("assessment", "create"))
    body = page.content.decode()
    assert body.count('type="checkbox" name="score_') == 8 and "会员名册" in body
    assert "满分 8 分，达到 8 分为达标" in body
    data = {"association": network["village_a2"].pk, "year": "2024", "assessed_on": "2024-12-01"}
    ticks = {f"score_{n}": "on" for n in range(1, 9)}
    response = client.post(url("assessment", "create"), {**data, **ticks, "evidence_1": "名册齐全"})
    assert response.status_code == 302
    assessment = Assessment.objects.get(association=network["village_a2"])
    assert (assessment.passed, assessment.total_score, assessment.assessed_by) == (
        True,
        8,
        town_secretary,
    )
    assert assessment.scores.get(item__number=1).evidence == "名册齐全"
    again = client.post(url("assessment", "create"), {**data, "score_1": "on"})
    assert "已有这项考核记录" in again.context["form"].non_field_errors()[0]
    edit = client.post(
        url("assessment", "edit", assessment),
        {"score_1": "on", "score_2": "on", "association": network["village_b1"].pk, "year": "1999"},
    )
    assert edit.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.passed, assessment.total_score, assessment.year) == (False, 2, 2024)
    assert assessment.association == network["village_a2"]


def test_scored_assessment_form_and_detail(client_for, town_secretary, network, scored_template):
    client = client_for(town_secretary)
    create = reverse("activities:assessment_create", args=["target_management"])
    body = client.get(create).content.decode()
    assert 'name="score_3"' in body and "组织建设" in body and "权重 40 分" in body
    assert "满分 100 分，达到 60 分为达标；等级：优秀 ≥ 90，良好 ≥ 80，合格 ≥ 60" in body
    data = {
        "association": network["village_a1"].pk,
        "year": "2024",
        **{
            f"score_{n}": v for n, v in zip(range(1, 6), ("8", "7", "25", "15.5", "9"), strict=True)
        },
        "evidence_4": "走访记录12户",
    }
    too_much = client.post(create, {**data, "score_3": "31"})
    assert "score_3" in too_much.context["form"].errors and not Assessment.objects.exists()
    assert 'value="走访记录12户"' in too_much.content.decode()  # nothing typed is lost
    response = client.post(create, data)
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.total_score, assessment.grade, assessment.passed) == (
        Decimal("79.5"),
        "fair",
        True,
    )
    detail = client.get(url("assessment", "detail", assessment)).content.decode()
    for shown in ("79.5 / 100", "合格", "甲镇秘书长", "走访记录12户", "计入总分 30 / 40", "15.5"):
        assert shown in detail, shown
    fair = client.get(url("assessment", "list"), {"grade": "fair"})
    assert list(fair.context["page_obj"]) == [assessment] and "79.5" in fair.content.decode()
    assert not client.get(url("assessment", "list"), {"grade": "excellent"}).context["page_obj"]


def test_indicator_items_are_shown_not_entered(client_for, town_admin, network):
    services.assessment_template_create(
        by=town_admin,
        code="rates",
        name="指标考核",
        pass_mark=5,
        items=[
            {"number": 1, "text": "活动开展", "points": 5},
            {
                **{"number": 2, "text": "八有达标率", "points": 5},
                **{"indicator_code": "rate.villages_ba_you", "comparison": ">="},
                **{"threshold": 85, "threshold_unit": "percent"},
            },
        ],
    )
    body = client_for(town_admin).get(reverse("activities:assessment_create", args=["rates"]))
    body = body.content.decode()
    assert 'name="score_1"' in body and 'name="score_2"' not in body
    assert "rate.villages_ba_you ≥ 85% 得 5 分（由报表填入）" in body


def test_unknown_template_is_404(client_for, town_secretary, network):
    response = client_for(town_secretary).get(reverse("activities:assessment_create", args=["x"]))
    assert response.status_code == 404


def test_selfgov_form(client_for, town_secretary, network):
    client = client_for(town_secretary)
    page = client.get(url("selfgov", "create"))
    choices = {a.level for a in page.context["form"].fields["association"].queryset}
    assert choices == {"village", "community"}
    data = {"association": network["village_a2"].pk, "year": "2024", "households_due": "80"}
    response = client.post(url("selfgov", "create"), {**data, "households_signed": "90"})
    assert "不能多于" in response.context["form"].errors["households_signed"][0]
    response = client.post(
        url("selfgov", "create"), {**data, "households_signed": "70", "charter_adopted": "on"}
    )
    assert "charter_adopted_on" in response.context["form"].errors
    response = client.post(
        url("selfgov", "create"),
        {
            **data,
            "households_signed": "70",
            "charter_adopted": "on",
            "charter_adopted_on": "2024-03-01",
        },
    )
    assert response.status_code == 302
    duplicate = client.post(url("selfgov", "create"), {**data, "households_signed": "1"})
    assert "已有村民自治记录" in duplicate.context["form"].non_field_errors()[0]


def test_ledger_form(client_for, town_secretary, network, records):
    client = client_for(town_secretary)
    data = {"association": network["town_a"].pk, "date": "2024-05-29", "amount": "50000"}
    response = client.post(url("ledger", "create"), {**data, "direction": "income"})
    assert response.context["form"].errors["source"] == ["收入须填写收入来源。"]
    response = client.post(
        url("ledger", "create"),
        {**data, "direction": "expense", "purpose": "event", "event": records["event"].pk},
    )
    assert response.status_code == 302
    listing = client.get(url("ledger", "list"), {"year": 2024})
    totals = listing.context["totals"]
    assert totals["income"] == Decimal("6543.21") and totals["expense"] == Decimal("50000")


def test_edit_forms_render_for_every_kind(client_for, town_secretary, records):
    client = client_for(town_secretary)
    for kind in KINDS:
        response = client.get(url(kind, "edit", records[kind]))
        assert response.status_code == 200, kind
    response = client.post(
        url("aid", "edit", records["aid"]),
        {
            "household": "H-A1-001",
            "project": records["project"].pk,
            "given_on": "2024-06-02",
            "kind": "cash",
            "amount": "900",
        },
    )
    assert response.status_code == 302
    records["aid"].refresh_from_db()
    assert records["aid"].amount == Decimal("900")


def test_nav_links(client_for, town_secretary, network):
    body = client_for(town_secretary).get(reverse("activities:event_list")).content.decode()
    for label in ("活动", "项目", "帮扶", "表彰", "考核", "村民自治", "经费"):
        assert f">{label}</a>" in body


def test_ledger_pickers_search_events_and_projects_in_scope(
    client_for, town_secretary, records, network
):
    EventFactory(association=network["town_a"], title="镇活动", started_on=D(2025, 3, 8))
    EventFactory(association=network["village_a1"], title="村讲座", started_on=D(2024, 1, 1))
    EventFactory(association=network["town_b"], title="乙镇活动", started_on=D(2025, 3, 8))
    client = client_for(town_secretary)
    rows = client.get(reverse("activities:pick_event"), {"q": "活动"}).json()["results"]
    assert [r["text"] for r in rows] == ["2025-03-08 镇活动", "2024-05-29 甲一村会员活动日"]
    rows = client.get(reverse("activities:pick_project"), {"q": "P-A"}).json()["results"]
    assert [r["text"] for r in rows] == ["P-A-001 甲镇桃园项目"]
    page = client.get(url("ledger", "create")).content.decode()
    assert "镇活动" not in page and 'data-autocomplete="/activities/pick/events/"' in page


def test_index_withdraw_confirmation_and_prefilled_project(client_for, town_secretary, records):
    client = client_for(town_secretary)
    assert client.get(reverse("activities:index")).url == reverse("activities:event_list")
    confirm = client.get(url("ledger", "withdraw", records["ledger"]))
    assert confirm.status_code == 200 and "作废原因" in confirm.content.decode()
    assert client.get(reverse("activities:withdraw", args=["nothing", 1])).status_code == 404
    page = client.get(url("aid", "create"), {"project": records["project"].pk})
    assert page.context["form"]["project"].value() == str(records["project"].pk)


def test_assessment_filter_by_result(client_for, town_secretary, records, network):
    services.assessment_create(
        by=town_secretary,
        association=network["village_a2"],
        year=2024,
        template="ba_you",
        items_met=range(1, 9),
    )
    client = client_for(town_secretary)
    failed = client.get(url("assessment", "list"), {"passed": "0"}).context["page_obj"]
    passed = client.get(url("assessment", "list"), {"passed": "1"}).context["page_obj"]
    assert [a.association.code for a in failed] == ["33079901201"]
    assert [a.association.code for a in passed] == ["33079901202"]


# ── Review fixes ──────────────────────────────────────────────────────────────
def test_aid_edit_form_shows_the_household_code(client_for, town_secretary, records):
    client = client_for(town_secretary)
    aid = records["aid"]
    page = client.get(url("aid", "edit", aid))
    assert page.context["form"]["household"].value() == "H-A1-001"
    assert 'value="H-A1-001"' in page.content.decode()


@pytest.fixture
def people(network) -> dict:
    def member(key: str, name: str, sequence: int):
        birth = D(1980, 5, 1)
        number = idcard.make("330703", birth, sequence)
        return MemberFactory(
            association=network[key], name=name, birth_date=birth, id_number=number
        )

    return {
        "li": member("village_a1", "李梅", 101),
        "wang_1": member("village_a1", "王芳", 203),
        "wang_2": member("village_a2", "王芳", 305),
        "zhao": member("village_a2", "赵丽", 407),
        "stranger": member("village_b1", "孙红", 509),
    }


def _event_data(network, **extra) -> dict:
    return {
        "association": network["town_a"].pk,
        "type": "member_day",
        "title": "甲镇会员活动日",
        "started_on": "2024-05-29",
        "participants": "80",
        "cost": "0",
        **extra,
    }


def test_event_form_records_the_picked_attendees(client_for, town_secretary, network, people):
    picked = [people[k].pk for k in ("li", "wang_2", "zhao")]
    response = client_for(town_secretary).post(
        url("event", "create"), _event_data(network, attendees=picked)
    )
    assert response.status_code == 302
    event = Event.objects.get(title="甲镇会员活动日")
    assert set(event.attendees.all()) == {people["li"], people["wang_2"], people["zhao"]}


def test_event_form_errors_keep_the_picked_attendees(client_for, town_secretary, network, people):
    picked = [people["li"].pk, people["wang_1"].pk]
    data = _event_data(network, attendees=picked, title="")
    response = client_for(town_secretary).post(url("event", "create"), data)
    assert response.status_code == 200 and "title" in response.context["form"].errors
    body = response.content.decode()
    # The picked people stay chosen, named with their masked ID numbers; nobody else is listed.
    for key in ("li", "wang_1"):
        label = f"{people[key].name} {idcard.mask(people[key].id_number)}"
        assert f'value="{people[key].pk}" selected>{label}</option>' in body
    assert people["zhao"].name not in body


def test_event_attendees_must_be_in_the_organisers_subtree(
    client_for, town_secretary, network, people
):
    client = client_for(town_secretary)
    data = _event_data(network, association=network["village_a1"].pk, attendees=[people["zhao"].pk])
    errors = client.post(url("event", "create"), data).context["form"].errors
    assert errors["attendees"] == ["参加会员“赵丽”不是“甲一村计生协”及其下级协会的会员。"]
    # 孙红 is in town B, outside the user's scope: not found, and not named.
    data = _event_data(network, attendees=[people["stranger"].pk])
    errors = client.post(url("event", "create"), data).context["form"].errors
    assert errors["attendees"] == ["所选会员不在您的管辖范围内。"]
    assert not Event.objects.filter(title="甲镇会员活动日").exists()


def test_event_edit_shows_attendees_and_replaces_them(client_for, town_secretary, records, people):
    event = records["event"]
    event.attendees.set([people["li"], people["wang_1"]])
    client = client_for(town_secretary)
    form = client.get(url("event", "edit", event)).context["form"]
    assert form["attendees"].value() == [people["li"].pk, people["wang_1"].pk]
    data = {
        "association": event.association_id,
        "type": event.type,
        "title": event.title,
        "started_on": "2024-05-29",
        "participants": "300",
        "cost": "0",
        "attendees": [people["wang_1"].pk],
    }
    assert client.post(url("event", "edit", event), data).status_code == 302
    assert list(event.attendees.all()) == [people["wang_1"]]


def test_event_edit_keeps_a_dissolved_co_organiser(client_for, town_secretary, records, network):
    event = records["event"]
    event.co_organisers.set([network["village_a2"]])
    Association.objects.filter(pk=network["village_a2"].pk).update(dissolved_on=D(2025, 1, 1))
    client = client_for(town_secretary)
    form = client.get(url("event", "edit", event)).context["form"]
    assert list(form.fields["co_organisers"].queryset.filter(pk=network["village_a2"].pk))
    data = {
        "association": event.association_id,
        "type": event.type,
        "title": event.title,
        "started_on": "2024-05-29",
        "participants": "300",
        "cost": "0",
        "co_organisers": [network["village_a2"].pk],
    }
    assert client.post(url("event", "edit", event), data).status_code == 302
    assert list(event.co_organisers.all()) == [network["village_a2"]]
    fresh = client.get(url("event", "create")).context["form"]
    assert not fresh.fields["co_organisers"].queryset.filter(pk=network["village_a2"].pk)
