"""Saved work reports: the secretary's edits, versions (who, when), regeneration that keeps
their paragraphs and marks changed figures, restoring an earlier version, the version
attached to the submission, and the pages (scope, roles, PDF)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from associations.records import StaleEdit
from reports import narrative, selectors, services
from reports.catalog.store import work_off
from reports.models import WorkReport
from tests.members.factories import MemberFactory

YEAR = 2024


@pytest.fixture
def village(network):
    """Village A1 with two members since 2020."""
    MemberFactory.create_batch(2, association=network["village_a1"])
    return network["village_a1"]


def texts_of(draft: narrative.Draft) -> dict[str, str]:
    return draft.texts()


def members_roll(draft: narrative.Draft) -> narrative.Paragraph:
    return next(p for p in draft.section("members").paragraphs if p.key == "members.roll")


# ── Editing and regenerating (the draft itself) ──────────────────────────────
def test_lines_equal_to_generated_paragraphs_stay_generated_others_are_own(village):
    base = narrative.generate(village, YEAR)
    texts = texts_of(base)
    roll = members_roll(base).text
    texts["members"] = f"{roll}\n本村会员积极参加各项活动。\n"  # the rest of the section dropped
    draft = narrative.edited(base, title="甲一村工作总结", salutation="", texts=texts)
    members = draft.section("members").paragraphs
    assert [(p.key, p.text) for p in members] == [
        ("members.roll", roll),
        (None, "本村会员积极参加各项活动。"),
    ]
    assert members[0].pieces == members_roll(base).pieces  # still linked to the figures
    assert "members.profile" in draft.dismissed
    assert draft.title == "甲一村工作总结" and draft.salutation == ""


def test_regenerating_keeps_own_paragraphs_in_place_and_marks_changed_figures(village):
    base = narrative.generate(village, YEAR)
    texts = texts_of(base)
    roll = members_roll(base).text
    assert roll.startswith("全村共有会员2人")
    texts["members"] = f"{roll}\n全村2人都参加了培训。"
    saved = narrative.edited(base, title=base.title, salutation=base.salutation, texts=texts)
    MemberFactory(association=village, joined_on=dt.date(2024, 8, 1))
    fresh = narrative.generate(village, YEAR)
    merged = narrative.regenerated(saved, fresh)
    members = merged.section("members").paragraphs
    assert members[0].key == "members.roll" and members[0].text.startswith("全村共有会员3人")
    assert (members[1].key, members[1].text) == (None, "全村2人都参加了培训。")
    # A generated paragraph the secretary removed is not offered again; one on a new topic
    # (a member joined this year) is.
    assert [p.key for p in members] == ["members.roll", None, "members.movement"]
    assert merged.changed["members.total"]["old"] == "2人"
    assert merged.changed["members.total"]["new"] == "3人"
    # The old figure is marked where the secretary wrote it, and in generated text.
    own = str(narrative.paragraph_html(members[1], "/d/", merged.changed))
    assert own.startswith('全村<mark class="stale" title="')
    assert "会员总数：上次生成时为2人，现为3人；" in own and own.endswith(
        ">2人</mark>都参加了培训。"
    )
    roll_html = str(narrative.paragraph_html(members[0], "/d/", merged.changed))
    assert '<mark class="changed"><a class="figure" href="/d/#ind-members.total"' in roll_html


def test_a_stored_draft_reads_back_the_same(village):
    draft = narrative.generate(village, YEAR)
    again = narrative.Draft.stored(
        village,
        YEAR,
        title=draft.title,
        salutation=draft.salutation,
        content=draft.content(),
        figures=draft.figures,
    )
    assert again.sections == draft.sections and again.figures == draft.figures


# ── Services ─────────────────────────────────────────────────────────────────
def save(by, association, version=None, **texts):
    return services.work_report_save(
        by=by,
        association=association,
        year=YEAR,
        title="甲一村计生协2024年工作报告",
        salutation="各位理事、同志们：",
        texts=texts,
        version=version,
    )


def test_each_save_is_a_version_naming_its_actor(network, village_clerk, village):
    report = save(village_clerk, village, opening="开头。")
    assert (report.version, report.title) == (1, "甲一村计生协2024年工作报告")
    report = save(village_clerk, village, version=1, opening="开头（改）。")
    assert report.version == 2
    versions = selectors.work_report_versions(report)
    assert [(v.version, v.who, v.reason) for v in versions] == [
        (2, "甲一村录入员", "修改正文"),
        (1, "甲一村录入员", "保存"),
    ]
    draft = selectors.work_report_draft(report)
    assert draft.section("opening").text == "开头（改）。"


def test_a_save_over_a_newer_version_is_refused(village_clerk, village):
    save(village_clerk, village, opening="一。")
    save(village_clerk, village, version=1, opening="二。")
    with pytest.raises(StaleEdit):
        save(village_clerk, village, version=1, opening="三。")
    report = WorkReport.objects.get()
    assert selectors.work_report_draft(report).section("opening").text == "二。"


def test_outsiders_read_only_officers_and_other_units_may_not_write(
    network, outsider, county_officer, town_secretary, village
):
    for who in (outsider, county_officer):
        with pytest.raises((PermissionDenied, ValidationError)):
            save(who, village, opening="x")
    # The village has its own staff: its town writes its own report, not the village's.
    from tests.conftest import make_person

    make_person("a1_clerk", village, "clerk")
    with pytest.raises(PermissionDenied):
        save(town_secretary, village, opening="x")
    assert not WorkReport.objects.exists()


def test_regenerate_keeps_the_secretarys_paragraphs(village_clerk, village):
    base = narrative.generate(village, YEAR)
    texts = {**texts_of(base), "members": f"{members_roll(base).text}\n我们的会员工作。"}
    report = save(village_clerk, village, **texts)
    MemberFactory(association=village)
    report = services.work_report_regenerate(
        by=village_clerk, association=village, year=YEAR, version=report.version
    )
    draft = selectors.work_report_draft(report)
    assert [p.text for p in draft.section("members").paragraphs][1] == "我们的会员工作。"
    assert draft.section("members").paragraphs[0].text.startswith("全村共有会员3人")
    assert "members.total" in draft.changed
    assert selectors.work_report_versions(report)[0].reason == "用最新数据更新数字"


def test_an_earlier_version_can_be_restored_as_a_new_version(village_clerk, village):
    first = save(village_clerk, village, opening="第一稿。")
    save(village_clerk, village, version=1, opening="第二稿。")
    oldest = selectors.work_report_versions(first)[-1]
    report = services.work_report_revert(
        by=village_clerk,
        report=WorkReport.objects.get(),
        history_id=oldest.history_id,
        version=2,
    )
    assert report.version == 3
    assert selectors.work_report_draft(report).section("opening").text == "第一稿。"
    assert selectors.work_report_versions(report)[0].reason == "恢复为第1版"
    with pytest.raises(ValidationError):
        services.work_report_revert(by=village_clerk, report=report, history_id=999999)


def test_the_current_version_goes_up_with_the_submission(village_clerk, village):
    save(village_clerk, village, opening="上报的开头。")
    report = services.report_submit(by=village_clerk, report=selectors.report_for(village, YEAR))
    attached = report.work_report
    assert attached["version"] == 1 and attached["saved_by"] == "甲一村录入员"
    assert attached["sections"][0]["paragraphs"] == ["上报的开头。"]
    save(village_clerk, village, version=1, opening="上报后又改了。")
    report.refresh_from_db()
    assert report.work_report["sections"][0]["paragraphs"] == ["上报的开头。"]


# ── Pages ────────────────────────────────────────────────────────────────────
def page(client, scope, **params):
    return client.get(reverse("reports:narrative", args=[scope.pk]), {"year": YEAR, **params})


def post(client, name, scope, data):
    return client.post(reverse(f"reports:{name}", args=[scope.pk]), {"year": YEAR, **data})


def form_data(response) -> dict:
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    return {name: value for name, value in data.items() if value != ""}


def test_page_shows_the_generated_draft_then_saves_it(client_for, village_clerk, village):
    client = client_for(village_clerk)
    response = page(client, village)
    assert response.status_code == 200
    body = response.content.decode()
    assert "尚未保存" in body and "全村共有会员2人" in body
    data = form_data(response)
    data["section_members"] += "\n本村会员工作扎实。"
    response = post(client, "narrative_save", village, data)
    assert response.status_code == 302
    body = page(client, village).content.decode()
    assert "已保存：第1版，甲一村录入员" in body
    assert "本村会员工作扎实。" in body and "本单位撰写" in body


def test_an_invalid_save_keeps_what_was_typed(client_for, village_clerk, village):
    response = post(
        client_for(village_clerk),
        "narrative_save",
        village,
        {"title": "", "section_org": "我改过的组织建设段落"},
    )
    assert response.status_code == 400
    assert "我改过的组织建设段落" in response.content.decode()
    assert not WorkReport.objects.exists()


def test_outsider_gets_404_everywhere(client_for, outsider, village):
    client = client_for(outsider)
    assert page(client, village).status_code == 404
    for name in ("narrative_save", "narrative_regenerate", "narrative_revert", "narrative_pdf"):
        assert post(client, name, village, {"title": "x"}).status_code == 404, name
    assert not WorkReport.objects.exists()


def test_read_only_officer_reads_but_cannot_write(client_for, county_officer, village):
    client = client_for(county_officer)
    response = page(client, village)
    assert response.status_code == 200
    assert reverse("reports:narrative_save", args=[village.pk]) not in response.content.decode()
    response = post(client, "narrative_save", village, form_data(response))
    assert response.status_code == 403
    assert not WorkReport.objects.exists()


def test_regenerate_restore_and_look_at_versions_from_the_page(client_for, village_clerk, village):
    client = client_for(village_clerk)
    data = form_data(page(client, village))
    assert post(client, "narrative_save", village, data).status_code == 302
    MemberFactory(association=village)
    body = page(client, village).content.decode()
    # members, women, the 40–49 band and the liaison share's denominator
    assert "自上次生成以来有4个数字发生了变化" in body
    assert "会员总数</a>：2人 → 3人" in body
    response = post(client, "narrative_regenerate", village, {"version": 1})
    assert response.status_code == 302
    report = WorkReport.objects.get()
    assert report.version == 2
    first = selectors.work_report_versions(report)[-1]
    response = page(client, village, version=first.history_id)
    assert response.status_code == 200
    assert "正在查看第1版" in response.content.decode()
    shown = response.context["draft"].section("members").paragraphs[0].text
    assert shown.startswith("全村共有会员2人")
    response = post(
        client, "narrative_revert", village, {"history_id": first.history_id, "version": 2}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.version == 3
    assert page(client, village, version="nonsense").status_code == 404


def test_a_stale_regenerate_is_refused_with_a_message(client_for, village_clerk, village):
    client = client_for(village_clerk)
    post(client, "narrative_save", village, form_data(page(client, village)))
    changed = {**form_data(page(client, village)), "section_opening": "另一位同事改了开头。"}
    assert post(client, "narrative_save", village, changed).status_code == 302
    response = post(client, "narrative_regenerate", village, {"version": 1})
    assert response.status_code == 400
    assert "修改" in response.content.decode()
    assert WorkReport.objects.get().version == 2


def test_officer_page_reads_the_store_in_a_bounded_number_of_queries(
    client_for, county_officer, village, django_assert_max_num_queries
):
    client = client_for(county_officer)
    work_off()
    page(client, village)
    # Session, user, permissions, scope, the user's unit, picker, ancestors, the session
    # renewal; the stored figures of the year and the year before and the children's
    # (two each); the saved report, its versions and the annual report; the outlook's
    # targets, next year's plan and its targets.
    with django_assert_max_num_queries(23):
        assert page(client, village).status_code == 200


def test_draft_stays_chinese_when_the_page_is_english(client_for, town_secretary, network):
    client = client_for(town_secretary)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("reports:narrative"))
    assert response.status_code == 200
    assert response.context["draft"].sections[1].heading == "（一）组织建设"


def test_submission_page_shows_the_attached_work_report(client_for, village_clerk, village):
    save(village_clerk, village, opening="上报的开头。")
    services.report_submit(by=village_clerk, report=selectors.report_for(village, YEAR))
    response = client_for(village_clerk).get(reverse("reports:submission", args=[village.pk, YEAR]))
    body = response.content.decode()
    assert "随报表上报的是第1版" in body and "上报的开头。" in body


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) missing")
def test_export_makes_a_pdf_of_the_typed_text(client_for, county_officer, network, tmp_path):
    response = post(
        client_for(county_officer),
        "narrative_pdf",
        network["town_a"],
        {
            "title": "甲镇计生协2024年工作报告",
            "salutation": "各位理事、同志们：",
            "section_opening": "我镇共有协会组织四个。",
            "section_org": "全镇共有协会组织四个，经修改。\n第二段：协会工作稳步推进。",
            "section_funds": "经费收支平衡。",
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "甲镇计生协2024年工作报告",
        "各位理事、同志们：",
        "一、2024年工作回顾",
        "（一）组织建设",
        "（八）经费",
        "第二段：协会工作稳步推进。",
    ):
        assert expected in text, expected


def test_a_first_save_racing_another_is_refused_with_a_message(village_clerk, village):
    """Two first saves at once: the second finds the unit's row taken (not a server error)."""
    save(village_clerk, village, opening="先到的。")
    with pytest.raises(ValidationError, match="刚刚已由他人保存"):
        services._work_report_create(
            by=village_clerk,
            association=village,
            year=YEAR,
            draft=narrative.generate(village, YEAR),
            reason="保存",
        )
    assert WorkReport.objects.count() == 1
