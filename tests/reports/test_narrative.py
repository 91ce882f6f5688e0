"""The drafted work report: the frame of the seed reports, the figures of a hand-built town
in its sentences (rounded as the reports round, with measure words and the exact figure on
hover), the problems and suggestions drafted from the data, and the wording rules."""

from __future__ import annotations

from decimal import Decimal

import pytest

from activities.models import AwardLevel
from activities.services import award_grant
from associations.models import Association, Level
from associations.services import system_actor
from reports import narrative, services
from reports.catalog import INDICATORS, Rate, evaluate
from reports.narrative import wording
from reports.narrative.problems import MAIN_RATES
from tests.members.factories import MemberGroupFactory

from .narrative_town import YEAR, build_town


@pytest.fixture
def town(network):
    return build_town(network)


def narrative_figure(scope: Association, code: str) -> str:
    return f"{evaluate(scope, YEAR, [code])[code]:,}"


def paragraphs(scope: Association, year: int = YEAR) -> dict[str, str]:
    draft = narrative.generate(scope, year)
    return {p.key: p.text for section in draft.sections for p in section.paragraphs}


# ── The town's draft, sentence by sentence ───────────────────────────────────
def test_the_frame_of_the_seed_reports(town):
    draft = narrative.generate(town.town, YEAR)
    assert draft.title == "青山镇计生协2024年工作报告"
    assert draft.salutation == "各位理事、同志们："
    assert [(s.part, s.heading) for s in draft.sections] == [
        ("", ""),
        ("一、2024年工作回顾", "（一）组织建设"),
        ("", "（二）会员队伍"),
        ("", "（三）会员联系户"),
        ("", "（四）项目与帮扶"),
        ("", "（五）活动与宣传"),
        ("", "（六）评先创优"),
        ("", "（七）村民自治"),
        ("", "（八）经费"),
        ("", "二、存在的问题"),
        ("", "三、2025年工作建议"),
    ]


def test_the_town_draft_reads_as_the_seed_reports_do(town):
    text = paragraphs(town.town)
    assert text["opening.situation"] == (
        "我镇共有6个村、1个居委会（社区），总人口4.76万人，现有计划生育协会组织8个，"
        "协会会员18人。现将我镇计划生育协会2024年工作情况报告如下。"
    )
    assert text["org.network"] == (
        "全镇共有协会组织8个（含本级），其中村级协会6个、居委会（社区）协会1个，与上年持平。"
    )
    # 5 villages of 500+ people (新村 has 450), 3 with a vice-chair; 3 of the 7 村（居）.
    assert text["org.vice_chairs"] == (
        "5个500人以上的行政村中有3个配备了专职副会长，占60%，与上年持平。"
        "全镇7个村（居）协会中有3个配备了专职副会长，配备率40%以上，与上年持平。"
        "村（居）专职副会长共3人，其中男性2人、女性1人；担任者中有退休老干部1人、退二线领导1人。"
    )
    assert text["members.roll"] == ("全镇共有会员18人，比上年增加1人，其中女会员15人、男会员3人。")
    # Aid: the count and its records first, the change after (not "减少2户（4次）");
    # ¥183,500 in the seeds' style; each kind of aid without a 、 inside the list.
    assert text["projects.aid"] == (
        "全年帮扶4户（4次），比上年减少2户，帮扶金额18万余元，惠及群众12人。"
        "其中现金2户共3.3万余元、养老保险补助1户共10万元、助学金1户共5万元。"
        "受帮扶的4户中实行计划生育家庭3户，占75.0%，比上年下降8.3个百分点。"
    )
    assert text["events.summary"] == (
        "全镇全年开展各类活动3次，参与4500多人次，其中“5·29”会员活动日活动1次"
        "（参与3600多人次）、培训1次（参与900人次）、宣传活动1次。"
        "举办培训班3期，共6天，培训900人次。"
    )
    # Each material in its own measure word; money rounded, never to the fen.
    assert text["events.publicity"] == (
        "发放宣传单2万多份、宣传册380多本、公开信4400封、横幅标语8条、板报墙报150期、"
        "展板34块。活动支出费用5.8万余元，其中“5·29”会员活动日活动5万元、培训8000余元。"
    )
    assert text["awards.summary"] == (
        "全年获得各级表彰3项：1名个人受到国家级表彰；1个集体受到省级表彰；1户家庭受到市级表彰。"
    )
    assert text["selfgov.charters"] == (
        "7个村（居）协会中已制定村民自治章程的4个，占55%以上。"
        "在已制定章程的4个中，有2个规定了对独生子女家庭的优待措施。"
    )
    # 5 of the 6 villages (the residents' committee is not one): 83.3% → "80%以上".
    assert text["selfgov.agreements"] == (
        "全镇6个村中已有5个与农户签订了村民自治协议书，签订率80%以上。"
        "应签自治协议500户，已签340户，签订率68.0%。"
    )
    assert text["funds.summary"] == (
        "全年经费收入18万余元，比上年减少1.9万余元，其中计生部门拨款10万元、同级财政8万余元。"
        "全年经费支出5万元，其中用于活动5万元。"
    )


def test_problems_and_suggestions_are_drafted_from_the_data(town):
    text = paragraphs(town.town)
    # Below the town's own rate: 3 of 7 have a vice-chair (42.9%), 5 of 7 signed (71.4%);
    # fell: aid households 6 → 4, income ¥200,000 → ¥180,000.50.
    assert text["problems.data"] == (
        "从统计数据看，存在的问题主要有："
        "一是村（居）专职副会长配备率低于全镇平均水平（42.9%）的有青山社区（0.0%）、西村（0.0%）、"
        "中村（0.0%）、新村（0.0%）；"
        "二是村民自治协议签订比例低于全镇平均水平（71.4%）的有青山社区（0.0%）、新村（0.0%）；"
        "三是受帮扶户数比上年减少2户；"
        "四是经费收入比上年减少1.9万余元。"
    )
    assert text["suggestions.data"] == (
        "2025年，我镇计划生育协会将在巩固2024年工作成果的基础上，重点抓好以下工作："
        "一要配齐村（居）专职副会长，帮助青山社区、西村、中村、新村赶上全镇水平；"
        "二要推动村民自治协议的签订和履行，帮助青山社区、新村赶上全镇水平；"
        "三要扭转受帮扶户数下降的势头；四要扭转经费收入下降的势头。"
    )


def test_a_unit_without_problems_says_so(network):
    text = paragraphs(network["village_a1"])
    assert text["problems.data"] == "从统计数据看，主要指标均未低于上年。"
    assert text["suggestions.data"] == (
        "2025年，我村计划生育协会将在巩固2024年工作成果的基础上，"
        "继续抓好组织建设、会员联系户、项目帮扶和村民自治等各项工作。"
    )


def test_the_plans_open_the_suggestions_and_missed_targets_are_problems(town):
    actor = system_actor()
    services.plan_create(
        by=actor,
        association=town.town,
        year=YEAR + 1,
        title="2025年镇计生协工作要点",
        document_number="甲镇计生协〔2024〕3号",
        tasks="实现人口基金全覆盖。\n推进诚信计生",
    )
    services.target_create(
        by=actor, association=town.town, year=YEAR + 1, code="members.total", value=30
    )
    services.target_create(
        by=actor, association=town.town, year=YEAR, code="members.total", value=1000
    )
    text = paragraphs(town.town)
    assert text["suggestions.plan"] == (
        "根据《2025年镇计生协工作要点》（甲镇计生协〔2024〕3号），2025年的主要任务是："
        "一是实现人口基金全覆盖；二是推进诚信计生。"
    )
    assert "重点抓好以下工作：一要力争会员总数达到30人；二要配齐" in text["suggestions.data"]
    members = narrative_figure(town.town, "members.total")
    assert text["problems.targets"] == (
        f"{YEAR}年度目标中有1项未完成：会员总数{members}人（目标1,000人）。"
    )


def test_the_same_draft_reads_naturally_for_the_county(town):
    text = paragraphs(town.county)
    assert text["opening.situation"].startswith(
        "我区共有3个镇乡（街道）、9个村、2个居委会（社区），已登记人口的村（居）共有人口4.96万人，"
    )
    assert text["org.vice_chairs"].startswith("全区3个镇乡（街道）均未配备专职副会长。")
    assert "低于全区平均水平（27.3%）的有甲镇（0.0%）、乙镇（0.0%）" in text["problems.data"]
    assert all("全镇" not in t and "我镇" not in t for t in text.values())


def test_no_slashes_internal_labels_or_fen_in_the_text(town):
    for scope in (town.town, town.county, town.villages["东村"]):
        for key, text in paragraphs(scope).items():
            assert "/" not in text, (key, text)
            assert not any(code in text for code in ("ba_you", "rate.", "members.")), text
            assert ".50元" not in text and ".5元" not in text, text


def test_figures_link_to_their_definitions_with_the_exact_figure_on_hover(town):
    draft = narrative.generate(town.town, YEAR)
    events = next(s for s in draft.sections if s.key == "events")
    html = "".join(str(narrative.paragraph_html(p, "/d/", {})) for p in events.paragraphs)
    assert (
        '<a class="figure" href="/d/#ind-events.participants.member_day" '
        'title="5·29会员活动日参与人次：3647人次">3600多人次</a>'
    ) in html
    assert 'href="/d/#ind-events.materials.exhibition_board" title="发放展板数">34块</a>' in html
    aid = next(s for s in draft.sections if s.key == "projects").paragraphs[1]
    html = str(narrative.paragraph_html(aid, "/d/", {}))
    assert 'title="帮扶金额：183500元">18万余元</a>' in html
    selfgov = next(s for s in draft.sections if s.key == "selfgov").paragraphs[1]
    html = str(narrative.paragraph_html(selfgov, "/d/", {}))
    assert 'title="行政村自治协议签订比例：83.3%（5/6）">80%以上</a>' in html


def test_a_village_reads_as_its_own_unit(town):
    text = paragraphs(town.villages["东村"])
    assert text["opening.situation"].startswith("我村总人口8000人，协会会员4人。")
    assert text["org.vice_chairs"] == "本协会已配备专职副会长。"
    assert text["org.checklists"] == "本协会尚未达到“八有”标准。"
    assert text["selfgov.charters"] == "本村（居）已制定计划生育村民自治章程。"


def test_empty_denominators_read_as_no_data_never_zero_percent(network):
    text = paragraphs(network["town_a"])
    assert text["projects.aid"] == ("本年暂无帮扶记录，受帮扶户中实行计划生育家庭的比例暂无数据。")
    assert "自治协议签订户数暂无数据。" in text["selfgov.agreements"]
    assert text["members.roll"] == "全镇暂无在册会员数据。"
    assert text["liaison.pairs"] == "本年暂无会员联系户结对记录。"
    assert text["funds.summary"] == "本年暂无经费收支记录。"
    assert not any("0.0%" in t for t in text.values())


# ── Which figures the draft reads ────────────────────────────────────────────
def test_group_and_named_person_awards_read_as_collectives_and_individuals(network):
    """The seeds' "4个集体和10名个人受到中国计划生育协会表彰": a member group is one of the
    collectives, a cadre outside the member register one of the individuals."""
    a1 = network["village_a1"]
    group = MemberGroupFactory(association=a1)
    recipients = [
        {"member_group": group},
        {"association": network["village_a2"]},
        {"person_name": "陈秘书长", "association": network["town_a"]},
    ]
    for recipient in recipients:
        award_grant(
            by=system_actor(),
            year=YEAR,
            level=AwardLevel.NATIONAL,
            title="先进",
            awarding_body="中国计生协",
            **recipient,
        )
    assert paragraphs(network["town_a"])["awards.summary"].startswith(
        "全年获得各级表彰3项：2个集体和1名个人受到国家级表彰"
    )


def test_every_code_the_draft_cites_is_in_the_catalog():
    codes = narrative.draft._with_parts(narrative.codes_used())
    assert [c for c in codes if c not in INDICATORS] == []


def test_the_codes_read_are_found_from_the_writers_for_every_kind_of_unit():
    codes = narrative.codes_used()
    assert len(codes) == len(set(codes))
    assert set(MAIN_RATES) <= set(codes)
    # Read only by some units: the county's own level is listed by the units below it,
    # the 八有 state only by a village, town vice-chairs only above the towns.
    assert {
        "org.associations.county",
        "assessments.villages_ba_you",
        "rate.towns_with_fulltime_vice_chair",
        "rate.admin_villages_500_with_fulltime_vice_chair",
        "funds.income.bureau",
        "events.materials.leaflet",
        "events.training_days",
        "aid.kind.scholarship.amount",
        "awards.national.individual",
        "officers.allowances_paid",
    } <= set(codes)


# ── Wording ──────────────────────────────────────────────────────────────────
@pytest.mark.parametrize(
    ("number", "money", "expected"),
    [
        (3647, False, "3600多"),
        (3600, False, "3600"),
        (551, False, "550多"),
        (47, False, "47"),
        (Decimal("183500"), True, "18万余"),
        (Decimal("7500.00"), True, "7500"),
        (Decimal("7500.50"), True, "7500余"),
        (Decimal("50000"), True, "5万"),
        (52000, False, "5.2万"),
        (27000000, True, "2700万"),
        (Decimal("12.5"), True, "12.5"),
    ],
)
def test_numbers_are_rounded_as_the_reports_round_them(number, money, expected):
    assert wording.approximately(number, money=money) == expected


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (Rate(37, 41), "90%以上"),
        (Rate(5, 6), "80%以上"),
        (Rate(3, 4), "75%"),
        (Rate(1, 3), "30%以上"),
        (Rate(1, 1), "100%"),
        (Rate(1, 12), "8.3%"),
    ],
)
def test_shares_of_units_are_stated_as_the_reports_state_them(rate, expected):
    assert wording.about_percent(rate) == expected


@pytest.mark.parametrize(
    ("name", "level", "place", "we"),
    [
        ("金东区计划生育协会", Level.COUNTY, "全区", "我区"),
        ("永康县计生协", Level.COUNTY, "全县", "我县"),
        ("孝顺镇计生协", Level.TOWN, "全镇", "我镇"),
        ("源东乡计生协", Level.TOWN, "全乡", "我乡"),
        ("多湖街道计生协", Level.TOWN, "全街道", "我街道"),
        ("小沈畈村计生协", Level.VILLAGE, "全村", "我村"),
        ("城东社区计生协", Level.COMMUNITY, "全社区", "我社区"),
        ("某市计生协", Level.CITY, "全市", "我市"),
        ("某厂计生协", Level.ENTERPRISE, "本单位", "本单位"),
    ],
)
def test_place_words(name, level, place, we):
    unit = Association(name=name, level=level)
    assert (wording.place(unit), wording.we(unit)) == (place, we)


def test_lists_whose_items_hold_a_dun_comma_are_separated_by_semicolons():
    assert wording.plain_text(wording.joined([["甲"], ["乙"]])) == "甲、乙"
    items = [["镇（乡、街道）级2项"], ["市级1项"]]
    assert wording.plain_text(wording.joined(items)) == "镇（乡、街道）级2项；市级1项"
    assert wording.plain_text(wording.enumerated([["甲"], ["乙"]])) == "一是甲；二是乙"


def test_text_pieces_are_escaped_in_html():
    pieces = wording.sentence("<b>%(n)s</b>", n=narrative.Figure("members.total", "3<人>"))
    html = str(wording.html_text(pieces, "/d/"))
    assert "&lt;b&gt;" in html and "3&lt;人&gt;" in html and "<b>" not in html
    assert wording.plain_text(pieces) == "<b>3<人></b>"
