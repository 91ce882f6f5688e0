"""The target-management pages: each works, an outsider gets 404, a read-only officer cannot
write; plans, targets and context records through their forms; the dashboard's progress view,
the tables' target column and the draft's closing sections."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from activities import services as activities
from reports import services
from reports.models import Target, UnitContext, WorkPlan

from .planning_world import YEAR, build_figures

D = Decimal


@pytest.fixture
def world(network, county_secretary):
    build_figures(network)
    plan = services.plan_create(
        by=county_secretary,
        association=network["county"],
        year=YEAR,
        title="2024年计生协会工作要点",
        document_number="示范计生协〔2024〕1号",
        tasks="发展企业协会25个\n村（居）协会“八有”达标",
    )
    target = services.target_create(
        by=county_secretary,
        association=network["town_a"],
        year=YEAR,
        code="rate.villages_ba_you",
        value=85,
    )
    context = services.context_create(
        by=county_secretary, association=network["town_a"], year=YEAR, fp_budget=D("100000")
    )
    return {**network, "plan": plan, "target": target, "context": context}


def _pages(world) -> list[str]:
    town, county = world["town_a"], world["county"]
    scoped = f"?scope={town.pk}&year={YEAR}"
    return [
        reverse("reports:plans") + scoped,
        reverse("reports:plan_detail", args=[world["plan"].pk]),
        reverse("reports:target_detail", args=[world["target"].pk]),
        reverse("reports:context") + scoped,
        reverse("reports:context_detail", args=[world["context"].pk]),
        reverse("reports:rankings") + f"?scope={county.pk}&year={YEAR}",
        reverse("reports:assessment_results") + scoped,
    ]


def test_every_page_works_for_the_county(world, client_for, county_officer):
    client = client_for(county_officer)
    for url in _pages(world):
        assert client.get(url).status_code == 200, url


def test_an_outsider_gets_404_on_every_page(world, client_for, outsider):
    client = client_for(outsider)
    for url in _pages(world):
        if "rankings" in url:
            continue  # the county's own page: checked below
        assert client.get(url).status_code == 404, url
    county = world["county"]
    assert client.get(reverse("reports:rankings") + f"?scope={county.pk}").status_code == 404


def test_the_plan_page_shows_the_targets_against_the_figures(world, client_for, county_officer):
    response = client_for(county_officer).get(
        reverse("reports:plan_detail", args=[world["plan"].pk])
    )
    text = response.content.decode()
    assert "示范计生协〔2024〕1号" in text and "发展企业协会25个" in text
    assert "甲镇计生协" in text and "66.7% (2/3) / ≥ 85%" in text and "未达到" in text
    assert "修改记录" in text or "history" in text


def test_a_secretary_writes_a_plan_a_target_and_context_through_the_forms(
    world, client_for, town_secretary
):
    client = client_for(town_secretary)
    town, village = world["town_a"], world["village_a2"]
    response = client.post(
        reverse("reports:create", args=["plan"]) + f"?scope={town.pk}&year={YEAR}",
        {"association": town.pk, "year": YEAR, "title": "甲镇2024年工作计划", "tasks": "一、组织"},
    )
    plan = WorkPlan.objects.get(association=town)
    assert response.status_code == 302 and plan.history.first().history_user == town_secretary
    response = client.post(
        reverse("reports:create", args=["target"]) + f"?scope={town.pk}&year={YEAR}",
        {"association": village.pk, "year": YEAR, "code": "members.total", "value": "5"},
    )
    assert response.status_code == 302
    assert Target.objects.get(association=village).value == 5
    response = client.post(
        reverse("reports:create", args=["context"]) + f"?scope={town.pk}&year={YEAR}",
        {"association": village.pk, "year": YEAR, "population": "-3"},
    )
    assert response.status_code == 200 and "不能为负数" in response.content.decode()
    assert not UnitContext.objects.filter(association=village).exists()


def test_a_bad_target_keeps_what_was_typed(world, client_for, town_secretary):
    town = world["town_a"]
    response = client_for(town_secretary).post(
        reverse("reports:create", args=["target"]) + f"?scope={town.pk}&year={YEAR}",
        {
            "association": town.pk,
            "year": YEAR,
            "code": "rate.villages_with_charter",
            "value": "120",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200 and "须在 0–100（%）之间" in text
    assert 'value="120"' in text


def test_targets_for_every_child_in_one_form(world, client_for, county_secretary):
    county = world["county"]
    response = client_for(county_secretary).post(
        reverse("reports:targets_bulk") + f"?scope={county.pk}&year={YEAR}",
        {"code": "org.associations.enterprise", "value": "25", "rule": "even"},
    )
    assert response.status_code == 302
    values = dict(
        Target.objects.filter(code="org.associations.enterprise").values_list(
            "association__code", "value"
        )
    )
    assert values == {"330799": 25, "33079901": 13, "33079902": 12}


def test_a_read_only_officer_cannot_write(world, client_for, county_officer):
    client = client_for(county_officer)
    town = world["town_a"]
    posts = [
        (
            reverse("reports:create", args=["plan"]) + f"?scope={town.pk}",
            {"association": town.pk, "year": YEAR, "title": "x"},
        ),
        (reverse("reports:edit", args=["target", world["target"].pk]), {"value": "10"}),
        (
            reverse("reports:targets_bulk") + f"?scope={town.pk}",
            {"code": "members.total", "value": "3", "rule": "same"},
        ),
        (reverse("reports:edit", args=["context", world["context"].pk]), {"fp_budget": "1"}),
        (reverse("reports:withdraw", args=["target", world["target"].pk]), {"reason": "x"}),
        (reverse("reports:assessments_fill") + f"?scope={town.pk}", {"template": 1}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    world["target"].refresh_from_db()
    assert world["target"].value == 85 and not world["target"].is_withdrawn
    assert WorkPlan.objects.count() == 1


def test_a_secretary_withdraws_and_restores_a_target(world, client_for, county_secretary):
    client = client_for(county_secretary)
    target = world["target"]
    client.post(reverse("reports:withdraw", args=["target", target.pk]), {"reason": "重复下达"})
    assert not Target.objects.filter(pk=target.pk).exists()
    client.post(reverse("reports:restore", args=["target", target.pk]))
    assert Target.objects.filter(pk=target.pk).exists()


def test_the_dashboard_shows_the_progress_to_target(world, client_for, county_officer):
    county = world["county"]
    text = (
        client_for(county_officer)
        .get(reverse("reports:dashboard", args=[county.pk]) + f"?year={YEAR}")
        .content.decode()
    )
    assert "目标完成进度" in text and "落后于目标的单位" in text
    assert 'data-percent="78"' in text  # 66.7% of 85%


def test_the_tables_page_has_the_target_column(world, client_for, county_officer):
    text = (
        client_for(county_officer)
        .get(reverse("reports:tables") + f"?scope={world['county'].pk}&year={YEAR}")
        .content.decode()
    )
    assert "“八有”达标率目标" in text and "≥ 85% ✗" in text


def test_the_draft_closes_with_the_problems_and_next_year_s_plan(
    world, client_for, county_secretary
):
    county = world["county"]
    services.plan_create(
        by=county_secretary,
        association=county,
        year=YEAR + 1,
        title="2025年计生协会工作要点",
        document_number="示范计生协〔2024〕9号",
        tasks="实现人口基金全覆盖\n推进诚信计生",
    )
    services.target_create(
        by=county_secretary, association=county, year=YEAR + 1, code="members.total", value=500
    )
    response = client_for(county_secretary).get(
        reverse("reports:narrative", args=[county.pk]) + f"?year={YEAR}"
    )
    sections = {s.key: s.text for s in response.context["draft"].sections}
    assert (
        "村（居）协会“八有”达标率低于全区平均水平（50.0%）的有乙镇（0.0%）" in sections["problems"]
    )
    assert "1个镇乡（街道）有目标未完成。" in sections["problems"]
    assert sections["suggestions"].startswith(
        "根据《2025年计生协会工作要点》（示范计生协〔2024〕9号），2025年的主要任务是："
        "一是实现人口基金全覆盖；二是推进诚信计生。\n"
    )
    assert "一要力争会员总数达到500人" in sections["suggestions"]


def test_the_results_page_fills_indicator_items(world, client_for, county_secretary, system):
    template = activities.assessment_template_create(
        by=system,
        code="town_goal",
        name="镇目标考核",
        pass_mark=5,
        items=[
            {
                "number": 1,
                "text": "“八有”达标率",
                "points": 10,
                "indicator_code": "rate.villages_ba_you",
                "comparison": ">=",
                "threshold": 60,
                "threshold_unit": "percent",
            }
        ],
    )
    assessment = activities.assessment_create(
        by=system, association=world["town_a"], year=YEAR, template=template
    )
    county = world["county"]
    client = client_for(county_secretary)
    response = client.post(
        reverse("reports:assessments_fill") + f"?scope={county.pk}&year={YEAR}",
        {"template": template.pk, "level": ""},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.total_score == 10 and assessment.passed
    page = client.get(response["Location"]).content.decode()
    assert "甲镇计生协" in page and "平均分" in page


def test_the_context_page_adds_up_the_subtree(world, client_for, county_officer):
    county = world["county"]
    response = client_for(county_officer).get(
        reverse("reports:context") + f"?scope={county.pk}&year={YEAR}"
    )
    text = response.content.decode()
    assert response.status_code == 200 and "合计（含各级下级）" in text
    assert "7.5% (7500.50/100000.00)" in text  # town_a's spending over its own budget


def test_the_excel_and_pdf_carry_the_target_column(world, client_for, county_officer):
    from io import BytesIO

    import openpyxl

    client = client_for(county_officer)
    query = f"?scope={world['county'].pk}&year={YEAR}"
    workbook = openpyxl.load_workbook(
        BytesIO(client.get(reverse("reports:tables_xlsx") + query).content)
    )
    values = [cell.value for row in workbook.worksheets[5].iter_rows() for cell in row]
    assert "村（居）协会“八有”达标率目标\n（%）" in values and Decimal("85") in values
    pdf = client.get(reverse("reports:dashboard_pdf", args=[world["county"].pk]) + f"?year={YEAR}")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"


@pytest.mark.parametrize("model", ["unitcontext", "workplan", "target"])
def test_the_admin_lists_scoped_rows_and_adds_through_the_services(
    world, client_for, town_admin, model
):
    client = client_for(town_admin)
    response = client.get(reverse(f"admin:reports_{model}_changelist"))
    assert response.status_code == 200
    assert client.get(reverse(f"admin:reports_{model}_add")).status_code == 200
    if model == "workplan":  # the county's plan is outside town A
        assert not response.context["cl"].result_list


def test_the_admin_adds_a_target_through_the_service(world, client_for, town_admin):
    response = client_for(town_admin).post(
        reverse("admin:reports_target_add"),
        {
            "association": world["village_a1"].pk,
            "year": YEAR,
            "code": "rate.villages_ba_you",
            "value": "150",
            "note": "",
        },
    )
    assert response.status_code == 200  # refused: shown on the form
    assert "须在 0–100（%）之间" in response.content.decode()
    assert not Target.objects.filter(association=world["village_a1"]).exists()


@pytest.mark.parametrize("kind", ["plan", "target", "context"])
def test_the_create_and_edit_forms_load(world, client_for, county_secretary, kind):
    client = client_for(county_secretary)
    town = world["town_a"]
    new = client.get(reverse("reports:create", args=[kind]) + f"?scope={town.pk}&year={YEAR}")
    assert new.status_code == 200 and "甲一村计生协（33079901201）" in new.content.decode()
    assert client.get(reverse("reports:create", args=["nonsense"])).status_code == 404
    record = world[kind]
    edit = client.get(reverse("reports:edit", args=[kind, record.pk]))
    assert edit.status_code == 200 and 'name="version"' in edit.content.decode()
