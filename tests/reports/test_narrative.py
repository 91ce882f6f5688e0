"""The drafted work report: hand-computed figures in the text, rates with both parts,
empty denominators without 0%, figure links, the editable page and the PDF export."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.urls import reverse

from activities.models import EventType, FundSource
from associations.models import Association, Level
from members.models import Gender, OfficerTitle
from reports import narrative
from reports.catalog import INDICATORS
from reports.catalog.store import work_off
from tests.activities.factories import (
    AidFactory,
    EventFactory,
    LedgerEntryFactory,
    SelfGovernanceFactory,
)
from tests.members.factories import HouseholdFactory, MemberFactory, OfficerPositionFactory

YEAR = 2024
D = dt.date


@pytest.fixture
def town_a_records(network):
    """Under town A (2 villages + 1 community), all worked out by hand:

    members: a1 3 women since 2020 + 1 man joined 2024, a2 2 women since 2020
             → 6 at the end of 2024, 5 a year before;
    a full-time vice-chair (a woman) in a1 since 2021 → 1 of 3 villages;
    aid in 2024 (500 yuan each) to 4 households, 3 of them family-planning;
    events 2024 in a1: a member day (100 people), a training (100 people,
             2 sessions, 30 trainees);
    self-governance 2024: a1 charter, 80 of 100 households signed; a2 0 of 50;
    income 2024: bureau 1000 (a1) and same-level budget 15000 (town).
    """
    town, a1, a2 = network["town_a"], network["village_a1"], network["village_a2"]
    chair = MemberFactory(association=a1)
    MemberFactory.create_batch(2, association=a1)
    MemberFactory(association=a1, gender=Gender.MALE, joined_on=D(2024, 3, 1))
    MemberFactory.create_batch(2, association=a2)
    OfficerPositionFactory(member=chair, title=OfficerTitle.FULLTIME_VICE_CHAIR)
    for association, fp in ((a1, True), (a1, True), (a1, False), (a2, True)):
        household = HouseholdFactory(association=association, is_family_planning=fp)
        AidFactory(household=household, given_on=D(2024, 6, 1), amount=500)
    EventFactory(association=a1, type=EventType.MEMBER_DAY, started_on=D(2024, 5, 29))
    EventFactory(
        association=a1,
        type=EventType.TRAINING,
        started_on=D(2024, 7, 1),
        training_sessions=2,
        trainees=30,
    )
    SelfGovernanceFactory(
        association=a1, charter_adopted=True, households_due=100, households_signed=80
    )
    SelfGovernanceFactory(association=a2, households_due=50, households_signed=0)
    LedgerEntryFactory(association=a1, date=D(2024, 3, 1), amount=1000)
    LedgerEntryFactory(association=town, date=D(2024, 4, 1), amount=15000, source=FundSource.BUDGET)
    return network


def sections(scope: Association, year: int = YEAR) -> dict[str, str]:
    return {s.key: s.text for s in narrative.draft(scope, year).sections}


def test_every_code_the_draft_cites_is_in_the_catalog():
    codes = narrative._with_parts(narrative.codes_used())
    assert [c for c in codes if c not in INDICATORS] == []


def test_the_codes_read_are_found_from_the_writers_for_every_kind_of_unit():
    codes = narrative.codes_used()
    assert len(codes) == len(set(codes))
    # Read only by some units: the county's own level is listed by the units below it,
    # the 八有 state only by a village, town vice-chairs only above the towns.
    assert {
        "org.associations.county",
        "assessments.villages_ba_you",
        "rate.towns_with_fulltime_vice_chair",
        "funds.income.bureau",
        "events.materials.leaflet",
    } <= set(codes)
    assert "officers.allowances_paid" not in codes  # no writer reads it


def test_sections_in_report_order(network):
    draft = narrative.draft(network["town_a"], YEAR)
    assert [s.heading for s in draft.sections] == [
        "一、组织建设",
        "二、会员队伍",
        "三、会员联系户",
        "四、项目与帮扶",
        "五、活动与宣传",
        "六、村民自治",
        "七、经费",
        "八、存在的问题",
        "九、下一年工作建议",
    ]
    assert draft.title == "甲镇计生协2024年度工作报告（统计部分）"


def test_town_figures_worked_out_by_hand(town_a_records):
    text = sections(town_a_records["town_a"])
    assert text["org"].startswith(
        "全镇共有协会组织4个（含本级），其中村级协会2个、居委会（社区）协会1个，与上年持平。"
    )
    assert "全镇3个村（居）协会中有1个配备了专职副会长，配备率33.3%，与上年持平。" in text["org"]
    assert "现有专职副会长1人，其中女性1人。" in text["org"]
    assert text["members"] == (
        "全镇共有会员6人，比上年增加1人，其中女会员5人、男会员1人。本年新入会1人。"
    )
    assert "全年帮扶4户（4次），帮扶金额2000元。" in text["projects"]
    assert "受帮扶的4户中实行计划生育家庭3户，占75.0%。" in text["projects"]
    assert "本年暂无在实施的项目。3个村（居）协会均未开展项目。" in text["projects"]
    assert text["events"] == (
        "全镇全年开展各类活动2次，参与200人次，其中5·29会员活动日1次、培训1次。"
        "举办培训班2期，培训30人次。"
    )
    assert text["selfgov"] == (
        "3个村（居）协会中已制定村民自治章程的1个，占33.3%。"
        "签订自治协议的村（居）1个，占33.3%。"
        "应签自治协议150户，已签80户，签订率53.3%。"
    )
    assert text["funds"] == "全年经费收入1.6万元，其中计生部门拨款1000元、同级财政1.5万元。"


def test_year_over_year_for_rates_is_in_percentage_points(town_a_records):
    a2 = town_a_records["village_a2"]
    chair = MemberFactory(association=a2)
    OfficerPositionFactory(
        member=chair, title=OfficerTitle.FULLTIME_VICE_CHAIR, started_on=D(2024, 1, 5)
    )
    text = sections(town_a_records["town_a"])["org"]
    assert "有2个配备了专职副会长，配备率66.7%，比上年提高33.3个百分点。" in text


def test_empty_denominators_read_as_no_data_never_zero_percent(network):
    text = sections(network["town_a"])
    assert "本年暂无帮扶记录，受帮扶户中实行计划生育家庭的比例暂无数据。" in text["projects"]
    assert "自治协议签订户数暂无数据。" in text["selfgov"]
    assert text["members"] == "全镇暂无在册会员数据。"
    assert text["liaison"] == "本年暂无会员联系户结对记录。"
    assert text["funds"] == "本年暂无经费收支记录。"
    assert not any("0.0%" in t for t in text.values())


def test_county_wording_and_levels(town_a_records):
    text = sections(town_a_records["county"])["org"]
    assert text.startswith(
        "全区共有协会组织7个（含本级），其中镇乡（街道）协会2个、村级协会3个、"
        "居委会（社区）协会1个，与上年持平。"
    )
    assert "2个镇乡（街道）协会均未配备专职副会长。" in text
    assert "全区4个村（居）协会中有1个配备了专职副会长，配备率25.0%" in text


def test_village_reads_as_its_own_unit(town_a_records):
    text = sections(town_a_records["village_a1"])
    assert "本协会已配备专职副会长。" in text["org"]
    assert "本协会尚未达到“八有”标准。" in text["org"]
    assert text["members"].startswith("全村共有会员4人，比上年增加1人")
    assert "本村（居）已制定计划生育村民自治章程。" in text["selfgov"]
    assert "应签自治协议100户，已签80户，签订率80.0%。" in text["selfgov"]


@pytest.mark.parametrize(
    ("name", "level", "expected"),
    [
        ("金东区计划生育协会", Level.COUNTY, "全区"),
        ("永康县计生协", Level.COUNTY, "全县"),
        ("孝顺镇计生协", Level.TOWN, "全镇"),
        ("源东乡计生协", Level.TOWN, "全乡"),
        ("多湖街道计生协", Level.TOWN, "全街道"),
        ("小沈畈村计生协", Level.VILLAGE, "全村"),
        ("城东社区计生协", Level.COMMUNITY, "全社区"),
        ("某市计生协", Level.CITY, "全市"),
    ],
)
def test_place_words(name, level, expected):
    assert narrative.place(Association(name=name, level=level)) == expected


def test_money_and_percent_wording():
    from decimal import Decimal

    assert narrative.money(Decimal("7500.00")) == "7500元"
    assert narrative.money(Decimal("183500")) == "18.35万元"
    assert narrative.money(Decimal("50000")) == "5万元"
    assert narrative.money(Decimal("12.5")) == "12.5元"


def test_figures_link_to_their_definitions(town_a_records):
    draft = narrative.draft(town_a_records["town_a"], YEAR)
    html = str(draft.sections[0].html("/reports/definitions/"))
    assert (
        '<a class="figure" href="/reports/definitions/#ind-org.associations.total" '
        'title="协会组织总数">4个</a>'
    ) in html
    projects = str(draft.sections[3].html("/d/"))
    assert 'href="/d/#ind-aid.households" title="受帮扶户数">4户</a>' in projects
    assert (
        'href="/d/#ind-rate.aid_fp_share" title="受帮扶户中实行计划生育家庭比例">75.0%</a>'
        in projects
    )


def test_text_pieces_are_escaped_in_html():
    pieces = narrative.sentence("<b>%(n)s</b>", n=narrative.Figure("members.total", "3<人>"))
    html = str(narrative.html_text(pieces, "/d/"))
    assert "&lt;b&gt;" in html and "3&lt;人&gt;" in html and "<b>" not in html
    assert narrative.plain_text(pieces) == "<b>3<人></b>"


def test_edited_sections_split_paragraphs_and_drop_empty_ones():
    edited = narrative.edited_sections(
        {"org": "第一段。\n\n 第二段。 ", "members": "  ", "funds": "经费。"}
    )
    assert [(s.heading, s.paragraphs) for s in edited] == [
        ("一、组织建设", ["第一段。", "第二段。"]),
        ("二、经费", ["经费。"]),
    ]


# ── Pages ────────────────────────────────────────────────────────────────────
def test_draft_page_prefills_textareas_and_links_figures(
    client_for, town_secretary, town_a_records
):
    response = client_for(town_secretary).get(reverse("reports:narrative"), {"year": YEAR})
    assert response.status_code == 200
    assert response.context["scope"] == town_a_records["town_a"]
    body = response.content.decode()
    assert '<textarea name="section_members"' in body
    assert "全镇共有会员6人，比上年增加1人" in body
    definitions = reverse("reports:definitions")
    assert f'href="{definitions}#ind-members.total"' in body
    assert reverse("reports:narrative_pdf", args=[town_a_records["town_a"].pk]) in body


def test_officer_can_view_another_unit_in_their_subtree(
    client_for, county_officer, town_a_records, django_assert_max_num_queries
):
    client = client_for(county_officer)
    url = reverse("reports:narrative", args=[town_a_records["village_a2"].pk])
    work_off()  # the task worker refreshes the stored figures after the writes
    # Session, user, its permissions, scope, the user's unit, picker, ancestors, the session
    # renewal, and the stored figures of the year and the year before (2 queries each); the
    # closing sections: its children, its targets and its children's, next year's plan and
    # targets (a village has no children to compare).
    with django_assert_max_num_queries(21):
        response = client.get(url, {"year": YEAR})
    assert response.status_code == 200
    assert "全村共有会员2人" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_outsider_gets_404(client_for, outsider, town_a_records, method):
    a1 = town_a_records["village_a1"]
    client = client_for(outsider)
    if method == "get":
        response = client.get(reverse("reports:narrative", args=[a1.pk]))
    else:
        response = client.post(
            reverse("reports:narrative_pdf", args=[a1.pk]), {"year": YEAR, "title": "x"}
        )
    assert response.status_code == 404


def test_export_needs_post(client_for, county_officer, network):
    url = reverse("reports:narrative_pdf", args=[network["town_a"].pk])
    assert client_for(county_officer).get(url).status_code == 405


def test_invalid_export_keeps_what_was_typed(client_for, county_officer, town_a_records):
    url = reverse("reports:narrative_pdf", args=[town_a_records["town_a"].pk])
    response = client_for(county_officer).post(
        url, {"year": YEAR, "title": "", "section_org": "我改过的组织建设段落"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "我改过的组织建设段落" in body
    assert "标题" in body and "errors" in body


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) missing")
def test_export_makes_a_pdf_of_the_edited_text(client_for, county_officer, network, tmp_path):
    pytest.importorskip("reports.pdf")
    url = reverse("reports:narrative_pdf", args=[network["town_a"].pk])
    response = client_for(county_officer).post(
        url,
        {
            "year": YEAR,
            "title": "甲镇计生协2024年度工作报告",
            "section_org": "全镇共有协会组织四个，经修改。\n第二段：协会工作稳步推进。",
            "section_funds": "经费收支平衡。",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "甲镇计生协2024年度工作报告" in text
    assert "一、组织建设" in text and "二、经费" in text
    assert "全镇共有协会组织四个，经修改。" in text
    assert "第二段：协会工作稳步推进。" in text


def test_draft_stays_chinese_when_the_page_is_english(client_for, town_secretary, network):
    client = client_for(town_secretary)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("reports:narrative"))
    assert response.status_code == 200
    assert "组织建设" in response.context["draft"].sections[0].title


def test_outsider_picking_another_towns_unit_gets_404(client_for, outsider, town_a_records):
    response = client_for(outsider).get(
        reverse("reports:narrative"), {"scope": town_a_records["village_a1"].pk}
    )
    assert response.status_code == 404
