import datetime as dt

import pytest
from django.urls import reverse

from activities import services
from activities.models import Assessment, AssessmentItem, AssessmentTemplate, Award
from tests.members.factories import MemberFactory

MODELS = [
    "event",
    "project",
    "aid",
    "award",
    "assessment",
    "assessmenttemplate",
    "selfgovernance",
    "ledgerentry",
]


@pytest.fixture
def events(network):
    return {
        key: services.event_create(
            association=network[key],
            type="other",
            title=f"{key}活动",
            started_on=dt.date(2024, 1, 1),
        )
        for key in ("village_a1", "village_b1")
    }


@pytest.mark.parametrize("model", MODELS)
def test_changelists_load(client_for, superuser, town_secretary, network, model):
    for user in (superuser, town_secretary):
        response = client_for(user).get(reverse(f"admin:activities_{model}_changelist"))
        assert response.status_code == 200


def test_rows_are_scoped(client_for, town_secretary, events):
    response = client_for(town_secretary).get(reverse("admin:activities_event_changelist"))
    assert [e.title for e in response.context["cl"].result_list] == ["village_a1活动"]
    other = reverse("admin:activities_event_change", args=[events["village_b1"].pk])
    assert client_for(town_secretary).get(other).status_code in (302, 404)


def test_admin_form_enforces_the_model_rules(client_for, superuser, network):
    response = client_for(superuser).post(
        reverse("admin:activities_ledgerentry_add"),
        {
            "association": network["town_a"].pk,
            "date": "2024-01-01",
            "direction": "income",
            "amount": "10",
        },
    )
    assert response.status_code == 200
    assert "收入须填写收入来源。" in response.content.decode()


def test_only_administrators_edit_templates(client_for, superuser, town_secretary, network):
    template = AssessmentTemplate.objects.get(code="san_you")
    change = reverse("admin:activities_assessmenttemplate_change", args=[template.pk])
    client = client_for(town_secretary)
    response = client.post(change, {"code": "san_you", "name": "改", "pass_rule": "all"})
    assert (
        response.status_code == 403 or AssessmentTemplate.objects.get(pk=template.pk).name == "三有"
    )
    assert AssessmentTemplate.objects.get(pk=template.pk).name == "三有"


def test_template_edit_in_admin_recomputes_passed(client_for, superuser, network):
    template = AssessmentTemplate.objects.get(code="san_you")
    assessment = services.assessment_record(
        association=network["village_a1"], year=2024, template=template, items_met=[1, 2, 3]
    )
    items = list(template.items.all())
    data = {
        "code": "san_you",
        "name": "三有",
        "pass_rule": "all",
        "pass_minimum": "",
        "description": "",
        "items-TOTAL_FORMS": str(len(items) + 1),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate([*items, None]):
        data[f"items-{i}-id"] = item.pk if item else ""
        data[f"items-{i}-template"] = template.pk
        data[f"items-{i}-number"] = item.number if item else 4
        data[f"items-{i}-text"] = item.text if item else "有地办事"
    response = client_for(superuser).post(
        reverse("admin:activities_assessmenttemplate_change", args=[template.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AssessmentItem.objects.filter(template=template).count() == 4
    assessment.refresh_from_db()
    assert assessment.passed is False


def test_award_admin_takes_the_members_association(client_for, superuser, network):
    member = MemberFactory(association=network["village_a2"])
    response = client_for(superuser).post(
        reverse("admin:activities_award_add"),
        {
            "year": "2024",
            "level": "county",
            "title": "五好会员",
            "awarding_body": "区",
            "member": member.pk,
        },
    )
    assert response.status_code == 302
    assert Award.objects.get().association == network["village_a2"]


def test_assessment_admin_recomputes_passed(client_for, superuser, network):
    template = AssessmentTemplate.objects.get(code="san_you")
    items = list(template.items.values_list("pk", flat=True))
    response = client_for(superuser).post(
        reverse("admin:activities_assessment_add"),
        {
            "association": network["village_a1"].pk,
            "year": "2024",
            "template": template.pk,
            "items_met": items,
            "note": "",
        },
    )
    assert response.status_code == 302
    assert Assessment.objects.get().passed is True


def test_assessment_admin_refuses_items_of_another_template(client_for, superuser, network):
    template = AssessmentTemplate.objects.get(code="san_you")
    other = AssessmentTemplate.objects.get(code="ba_you").items.get(number=1)
    response = client_for(superuser).post(
        reverse("admin:activities_assessment_add"),
        {
            "association": network["village_a1"].pk,
            "year": "2024",
            "template": template.pk,
            "items_met": [template.items.get(number=1).pk, other.pk],
            "note": "",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["items_met"] == [
        f"“三有”没有这些考核项：{other}。"
    ]
    assert not Assessment.objects.exists()
