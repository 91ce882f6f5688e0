"""Level-by-level submission through the pages, for the child unit and its parent.

Network (conftest): town_a has village_a1 (a clerk account), village_a2 and
community_a (no staff accounts). Members are built by hand so each figure can
be checked by counting.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from associations.models import Role
from associations.years import year_error
from members.models import Member
from reports.catalog.store import work_off
from reports.models import AnnualReport, FigureOverride, ReportDeadline, ReportStatus
from tests.associations.factories import AssociationFactory
from tests.conftest import make_person
from tests.members.factories import MemberFactory

YEAR = 2025


def url(name: str, association, year: int = YEAR) -> str:
    return reverse(f"reports:{name}", args=[association.pk, year])


def add_members(association, n: int) -> list[Member]:
    return [MemberFactory(association=association) for _ in range(n)]


def report_of(association) -> AnnualReport:
    return AnnualReport.objects.get(association=association, year=YEAR)


def offers(page, name: str, association) -> bool:
    """The page has a form (or button) posting to that action."""
    return url(name, association) in page.content.decode()


@pytest.fixture
def village_secretary(network):
    return make_person("village_secretary", network["village_a1"], Role.SECRETARY)


def test_full_cycle_submit_return_resubmit_approve(
    client_for, village_clerk, town_secretary, network
):
    village = network["village_a1"]
    add_members(village, 2)

    page = client_for(village_clerk).get(url("submission", village))
    assert page.status_code == 200
    assert page.context["report"].status == ReportStatus.DRAFT
    assert offers(page, "submission_submit", village)
    assert not offers(page, "submission_approve", village)

    response = client_for(village_clerk).post(
        url("submission_submit", village), {"submit_form-comment": "请审核"}
    )
    assert response.status_code == 302
    assert report_of(village).status == ReportStatus.SUBMITTED

    # A return needs a reason: the bound form comes back with the field error.
    parent = client_for(town_secretary)
    response = parent.post(url("submission_return", village), {"review_form-comment": "  "})
    assert response.status_code == 200
    assert "请填写意见" in response.context["review_form"].errors["comment"][0]
    assert report_of(village).status == ReportStatus.SUBMITTED

    response = parent.post(url("submission_return", village), {"review_form-comment": "会员数有误"})
    assert response.status_code == 302
    assert report_of(village).status == ReportStatus.RETURNED

    page = client_for(village_clerk).get(url("submission", village))
    assert "会员数有误" in page.content.decode()
    client_for(village_clerk).post(url("submission_submit", village), {})
    assert report_of(village).status == ReportStatus.SUBMITTED

    response = client_for(town_secretary).post(url("submission_approve", village), {})
    assert response.status_code == 302
    report = report_of(village)
    assert report.status == ReportStatus.APPROVED
    assert report.approved_at and report.snapshot_taken_at and report.catalog_version
    assert report.snapshot["figures"]["members.total"] == 2
    assert report.snapshot["figures"]["org.associations.total"] == 1

    history = [
        (t.from_status, t.to_status, t.by.username, t.comment)
        for t in report.transitions.order_by("at", "id")
    ]
    assert history == [
        ("draft", "submitted", "village_clerk", "请审核"),
        ("submitted", "returned", "town_secretary", "会员数有误"),
        ("returned", "submitted", "village_clerk", ""),
        ("submitted", "approved", "town_secretary", ""),
    ]
    # Lateness is decided by the first submission, which a resubmission does not move.
    assert report.first_submitted_at < report.submitted_at


def test_approved_snapshot_stays_when_records_change_and_drift_is_listed(
    client_for, village_clerk, town_secretary, network
):
    village = network["village_a1"]
    add_members(village, 2)
    client_for(village_clerk).post(url("submission_submit", village), {})
    client_for(town_secretary).post(url("submission_approve", village), {})

    add_members(village, 1)  # an edit of the records after approval

    report = report_of(village)
    assert report.snapshot["figures"]["members.total"] == 2
    page = client_for(village_clerk).get(url("submission", village))
    drift = {d.code: (d.old, d.new) for d in page.context["overview"].drift}
    assert drift["members.total"] == (2, 3)
    assert "org.associations.total" not in drift
    assert page.context["overview"].figures["members.total"] == 2
    body = page.content.decode()
    assert "实时数据已与审核通过时的快照不一致" in body


def test_drift_not_shown_while_figures_are_unchanged(
    client_for, village_clerk, town_secretary, network
):
    village = network["village_a1"]
    client_for(village_clerk).post(url("submission_submit", village), {})
    client_for(town_secretary).post(url("submission_approve", village), {})
    page = client_for(town_secretary).get(url("submission", village))
    assert page.context["overview"].drift == []
    assert "实时数据已与审核通过时的快照不一致" not in page.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "submission_submit",
        "submission_approve",
        "submission_return",
        "submission_reopen",
        "submission_override",
        "compilation_deadline",
    ],
)
def test_outsider_gets_404_on_posts(client_for, outsider, network, name):
    target = network["town_a"] if name == "compilation_deadline" else network["village_a2"]
    response = client_for(outsider).post(
        url(name, target), {"review_form-comment": "x", "due_on": "2026-01-31"}
    )
    assert response.status_code == 404
    assert not AnnualReport.objects.exists() and not ReportDeadline.objects.exists()


@pytest.mark.parametrize("name", ["submission", "compilation"])
def test_outsider_gets_404_on_pages(client_for, outsider, network, name):
    assert client_for(outsider).get(url(name, network["town_a"])).status_code == 404


def test_outsider_never_sees_town_a_in_their_compilation(client_for, outsider, network):
    response = client_for(outsider).get(url("compilation", network["town_b"]))
    assert response.status_code == 200
    assert [row.association for row in response.context["result"].rows] == [network["village_b1"]]
    assert "甲" not in response.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "submission_submit",
        "submission_approve",
        "submission_return",
        "submission_reopen",
        "submission_override",
    ],
)
def test_read_only_officer_views_but_gets_403_on_every_post(
    client_for, county_officer, village_clerk, network, name
):
    village = network["village_a1"]
    client_for(village_clerk).post(url("submission_submit", village), {})
    client = client_for(county_officer)
    page = client.get(url("submission", village))
    assert page.status_code == 200
    assert not offers(page, "submission_approve", village)
    assert not offers(page, "submission_submit", village)
    data = {"review_form-comment": "x", "reopen_form-comment": "x", "code": "members.total"}
    assert client.post(url(name, village), {**data, "value": "3"}).status_code == 403
    assert client.get(url(name, village)).status_code == 403
    assert report_of(village).status == ReportStatus.SUBMITTED
    assert report_of(village).transitions.count() == 1


def test_officer_gets_403_setting_a_deadline(client_for, county_officer, network):
    response = client_for(county_officer).post(
        url("compilation_deadline", network["town_a"]), {"due_on": "2026-01-31"}
    )
    assert response.status_code == 403
    assert not ReportDeadline.objects.exists()
    page = client_for(county_officer).get(url("compilation", network["town_a"]))
    assert page.status_code == 200
    assert not offers(page, "compilation_deadline", network["town_a"])


def test_child_cannot_approve_or_return_its_own_report(client_for, village_secretary, network):
    village = network["village_a1"]
    client = client_for(village_secretary)
    client.post(url("submission_submit", village), {})
    assert client.post(url("submission_approve", village), {}).status_code == 403
    response = client.post(url("submission_return", village), {"review_form-comment": "自己退回"})
    assert response.status_code == 403
    assert report_of(village).status == ReportStatus.SUBMITTED
    page = client.get(url("submission", village))
    assert not offers(page, "submission_approve", village)
    assert "审核通过</button>" not in page.content.decode()


def test_parent_cannot_submit_for_a_child_that_has_staff(
    client_for, town_secretary, village_clerk, network
):
    response = client_for(town_secretary).post(url("submission_submit", network["village_a1"]), {})
    assert response.status_code == 403
    assert not AnnualReport.objects.exists()


def test_approving_a_draft_is_refused_with_a_clear_message(client_for, town_secretary, network):
    response = client_for(town_secretary).post(
        url("submission_approve", network["village_a2"]), {"review_form-comment": "同意"}
    )
    assert response.status_code == 200
    errors = response.context["review_form"].non_field_errors()
    assert "尚未上报" in errors[0] and "草稿" in errors[0]
    assert "尚未上报" in response.content.decode()
    assert not AnnualReport.objects.exists()  # the refused action left nothing behind


def test_submitting_twice_is_refused(client_for, village_clerk, network):
    client = client_for(village_clerk)
    client.post(url("submission_submit", network["village_a1"]), {})
    response = client.post(url("submission_submit", network["village_a1"]), {})
    assert response.status_code == 200
    assert "不能重复上报" in response.content.decode()
    assert report_of(network["village_a1"]).transitions.count() == 1


def test_county_secretary_may_approve_a_village_above_the_town(
    client_for, county_secretary, village_clerk, network
):
    village = network["village_a1"]
    client_for(village_clerk).post(url("submission_submit", village), {})
    response = client_for(county_secretary).post(url("submission_approve", village), {})
    assert response.status_code == 302
    assert report_of(village).status == ReportStatus.APPROVED


def test_reopen_needs_a_reason_and_discards_the_snapshot(
    client_for, village_clerk, town_secretary, network
):
    village = network["village_a1"]
    client_for(village_clerk).post(url("submission_submit", village), {})
    parent = client_for(town_secretary)
    parent.post(url("submission_approve", village), {})
    response = parent.post(url("submission_reopen", village), {"reopen_form-comment": ""})
    assert response.status_code == 200 and "comment" in response.context["reopen_form"].errors
    assert report_of(village).status == ReportStatus.APPROVED

    parent.post(url("submission_reopen", village), {"reopen_form-comment": "需更正会员数"})
    report = report_of(village)
    assert report.status == ReportStatus.RETURNED
    assert report.snapshot is None and report.approved_at is None
    assert report.transitions.last().comment == "需更正会员数"


def test_return_from_compilation_goes_back_to_the_compilation(
    client_for, village_clerk, town_secretary, network
):
    village = network["village_a1"]
    client_for(village_clerk).post(url("submission_submit", village), {})
    back = url("compilation", network["town_a"]) + "?source=live"
    response = client_for(town_secretary).post(
        url("submission_return", village), {"review_form-comment": "补充材料", "next": back}
    )
    assert response.status_code == 302 and response.url == back
    client_for(village_clerk).post(url("submission_submit", village), {})
    evil = client_for(town_secretary).post(
        url("submission_approve", village), {"next": "https://evil.example/"}
    )
    assert evil.url == url("submission", village)


# ── Deadlines and lateness ────────────────────────────────────────────────────
def test_deadline_set_and_late_marks(client_for, town_secretary, village_clerk, network):
    town = network["town_a"]
    response = client_for(town_secretary).post(
        url("compilation_deadline", town), {"due_on": "2026-01-31"}
    )
    assert response.status_code == 302
    deadline = ReportDeadline.objects.get(association=town, year=YEAR)
    assert deadline.due_on == dt.date(2026, 1, 31) and deadline.set_by == town_secretary

    on_time = timezone.make_aware(dt.datetime(2026, 1, 20, 9, 0))
    too_late = timezone.make_aware(dt.datetime(2026, 2, 3, 9, 0))
    for village, first in ((network["village_a1"], on_time), (network["village_a2"], too_late)):
        AnnualReport.objects.create(
            association=village,
            year=YEAR,
            status=ReportStatus.SUBMITTED,
            first_submitted_at=first,
            submitted_at=first,
        )

    page = client_for(town_secretary).get(url("compilation", town))
    late = {row.association.code: row.late for row in page.context["result"].rows}
    # community_a never submitted and the deadline has passed.
    assert late == {"33079901201": False, "33079901202": True, "33079901001": True}
    assert page.context["result"].late_count == 2
    child_page = client_for(village_clerk).get(url("submission", network["village_a1"]))
    assert child_page.context["overview"].deadline.due_on == dt.date(2026, 1, 31)
    assert not child_page.context["overview"].late

    # Moving the deadline updates the one row.
    client_for(town_secretary).post(url("compilation_deadline", town), {"due_on": "2026-03-01"})
    assert ReportDeadline.objects.get().due_on == dt.date(2026, 3, 1)


def test_deadline_form_errors_keep_the_input(client_for, town_secretary, network):
    response = client_for(town_secretary).post(
        url("compilation_deadline", network["town_a"]), {"due_on": "2024-12-01"}
    )
    assert response.status_code == 200
    assert "不能早于报表年度" in response.context["deadline_form"].errors["due_on"][0]
    assert 'value="2024-12-01"' in response.content.decode()
    assert not ReportDeadline.objects.exists()


def test_child_cannot_set_its_parents_deadline(client_for, village_clerk, network):
    response = client_for(village_clerk).post(
        url("compilation_deadline", network["village_a1"]), {"due_on": "2026-01-31"}
    )
    assert response.status_code == 403


# ── Entering on behalf (代填) ─────────────────────────────────────────────────
def test_enter_on_behalf_is_recorded_and_frozen(client_for, town_secretary, network):
    village = network["village_a2"]  # no staff accounts
    add_members(village, 1)
    parent = client_for(town_secretary)
    page = parent.get(url("submission", village))
    assert offers(page, "submission_override", village)
    assert offers(page, "submission_submit", village)

    response = parent.post(
        url("submission_override", village),
        {"code": "members.total", "value": "5", "note": "据村里纸质台账"},
    )
    assert response.status_code == 302
    override = FigureOverride.objects.get()
    assert (override.code, override.value, override.by, override.note) == (
        "members.total",
        5,
        town_secretary,
        "据村里纸质台账",
    )
    report = report_of(village)
    assert report.entered_by_parent

    page = parent.get(url("submission", village))
    assert page.context["overview"].figures["members.total"] == 5
    body = page.content.decode()
    assert "由上级代填" in body and "据村里纸质台账" in body

    parent.post(url("submission_submit", village), {})
    parent.post(url("submission_approve", village), {})
    report = report_of(village)
    assert report.status == ReportStatus.APPROVED
    submitted = report.transitions.get(to_status=ReportStatus.SUBMITTED)
    assert submitted.on_behalf and submitted.by == town_secretary
    assert report.snapshot["figures"]["members.total"] == 5
    assert report.snapshot["overridden"] == ["members.total"]

    # Frozen: no more overrides once approved.
    response = parent.post(
        url("submission_override", village), {"code": "members.total", "value": "6"}
    )
    assert response.status_code == 200
    assert FigureOverride.objects.count() == 1


def test_override_only_for_children_without_staff(
    client_for, town_secretary, village_clerk, network
):
    data = {"code": "members.total", "value": "5"}
    assert (
        client_for(town_secretary).post(url("submission_override", network["village_a1"]), data)
    ).status_code == 403
    # The unit itself does not "override": it keeps its records instead.
    assert (
        client_for(village_clerk).post(url("submission_override", network["village_a1"]), data)
    ).status_code == 403
    assert not FigureOverride.objects.exists()


def test_override_input_errors_name_the_field_and_keep_the_input(
    client_for, town_secretary, network
):
    village = network["village_a2"]
    response = client_for(town_secretary).post(
        url("submission_override", village), {"code": "members.total", "value": "2.5"}
    )
    assert response.status_code == 200
    assert "整数" in response.context["override_form"].errors["value"][0]
    assert 'value="2.5"' in response.content.decode()
    rate = client_for(town_secretary).post(
        url("submission_override", village), {"code": "rate.members_with_liaison", "value": "1"}
    )
    assert "code" in rate.context["override_form"].errors
    assert not FigureOverride.objects.exists()


# ── Compilation ───────────────────────────────────────────────────────────────
@pytest.fixture
def compiled(client_for, town_secretary, village_clerk, network):
    """a1: 3 members, approved · a2: no staff, 5 entered by the town, approved ·
    community: 4 members, submitted but not approved."""
    add_members(network["village_a1"], 3)
    add_members(network["community_a"], 4)
    add_members(network["village_a2"], 1)
    client_for(village_clerk).post(url("submission_submit", network["village_a1"]), {})
    parent = client_for(town_secretary)
    parent.post(
        url("submission_override", network["village_a2"]), {"code": "members.total", "value": "5"}
    )
    parent.post(url("submission_submit", network["village_a2"]), {})
    parent.post(url("submission_submit", network["community_a"]), {})  # no staff: on behalf
    for village in (network["village_a1"], network["village_a2"]):
        parent.post(url("submission_approve", village), {})
    return parent


def test_compilation_totals_from_snapshots(compiled, network):
    town = network["town_a"]
    response = compiled.get(url("compilation", town), {"section": "members"})
    assert response.status_code == 200
    result = response.context["result"]
    rows = {row.association.code: row for row in result.rows}
    assert rows["33079901201"].figures["members.total"] == 3
    assert rows["33079901202"].figures["members.total"] == 5
    assert rows["33079901202"].overridden == {"members.total"}
    assert rows["33079901001"].missing  # submitted, not approved: not silently live
    assert result.total["members.total"] == 3 + 5
    assert result.missing_count == 1
    body = response.content.decode()
    assert "缺报" in body and "由上级代填" in body

    # Records change after approval: the snapshot compilation does not move, the live one does.
    add_members(network["village_a1"], 1)
    again = compiled.get(url("compilation", town), {"section": "members"})
    assert again.context["result"].total["members.total"] == 8
    live = compiled.get(url("compilation", town), {"section": "members", "source": "live"})
    live_rows = {row.association.code: row for row in live.context["result"].rows}
    assert live_rows["33079901201"].figures["members.total"] == 4
    assert live_rows["33079901202"].figures["members.total"] == 5  # the entered figure
    assert live_rows["33079901001"].figures["members.total"] == 4
    assert live.context["result"].total["members.total"] == 4 + 5 + 4


def test_compilation_shows_statuses(compiled, network):
    result = compiled.get(url("compilation", network["town_a"])).context["result"]
    counts = {status: n for status, _label, n in result.status_counts}
    assert counts == {"draft": 0, "submitted": 1, "returned": 0, "approved": 2}


def test_compilation_query_count_does_not_grow_with_children(
    compiled, network, django_assert_max_num_queries
):
    town = network["town_a"]
    # One unit without staff or report, so the enter-on-behalf form is shown from the start.
    AssociationFactory(code="33079901299", parent=town)
    baseline = {}
    # Snapshot mode reads no records; live mode reads the children's stored figures.
    work_off()
    for mode, most in (("snapshot", 16), ("live", 24)):
        with django_assert_max_num_queries(most) as queries:
            compiled.get(url("compilation", town), {"source": mode})
        baseline[mode] = len(queries.captured_queries)
    for i in range(11):
        AssociationFactory(code=f"33079901{300 + i}", parent=town)
    work_off()
    for mode in ("snapshot", "live"):
        with django_assert_max_num_queries(baseline[mode]):
            response = compiled.get(url("compilation", town), {"source": mode})
        assert len(response.context["result"].rows) == 15


def test_report_page_query_count(compiled, network, django_assert_max_num_queries):
    # The page (session, user, permissions, scope, history …) and the stored figures.
    work_off()
    with django_assert_max_num_queries(30):
        assert compiled.get(url("submission", network["village_a2"])).status_code == 200


def test_home_pages_redirect_to_the_users_unit(client_for, village_clerk, network):
    client = client_for(village_clerk)
    response = client.get(reverse("reports:submission_home"))
    assert response.status_code == 302
    assert f"/submission/{network['village_a1'].pk}/" in response.url
    response = client.get(reverse("reports:compilation_home"))
    assert f"/compilation/{network['village_a1'].pk}/" in response.url


def test_path_year_out_of_range_is_the_year_error(client_for, village_clerk, network):
    client = client_for(village_clerk)
    for name in ("submission", "compilation"):
        for year in (1800, 3000):
            response = client.get(url(name, network["village_a1"], year))
            assert response.status_code == 400
            assert year_error() in response.content.decode()
    response = client.post(url("submission_submit", network["village_a1"], 3000), {})
    assert response.status_code == 400
    assert not AnnualReport.objects.exists()


def test_enter_on_behalf_from_the_compilation_page(
    client_for, town_secretary, village_clerk, network
):
    town = network["town_a"]
    parent = client_for(town_secretary)
    page = parent.get(url("compilation", town))
    offered = set(page.context["enter_form"].fields["unit"].queryset)
    assert offered == {network["village_a2"], network["community_a"]}  # a1 has a clerk

    response = parent.post(
        url("compilation_enter", town),
        {
            "unit": network["community_a"].pk,
            "code": "members.total",
            "value": "7",
            "note": "电话核实",
        },
    )
    assert response.status_code == 302
    report = report_of(network["community_a"])
    assert report.entered_by_parent
    assert report.overrides.get().value == 7

    # A staffed child is not offered, and choosing it anyway is a form error, not a write.
    refused = parent.post(
        url("compilation_enter", town),
        {"unit": network["village_a1"].pk, "code": "members.total", "value": "7"},
    )
    assert refused.status_code == 200 and "unit" in refused.context["enter_form"].errors
    assert FigureOverride.objects.count() == 1
    assert client_for(village_clerk).post(url("compilation_enter", town), {}).status_code in (
        403,
        404,
    )
