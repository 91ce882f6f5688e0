"""The submission admin is read-only and scoped like every other admin."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from associations.records import history_of
from reports import selectors, services
from reports.models import ReportDeadline

YEAR = 2025


def submitted(association, by):
    report = selectors.report_for(association, YEAR)
    services.report_submit(report=report, by=by)
    return report


def test_admin_lists_only_reports_in_scope_and_allows_no_edits(
    client_for, town_secretary, town_admin, outsider, superuser, network
):
    in_a = submitted(network["village_a2"], town_secretary)  # no staff: on behalf
    in_b = submitted(network["village_b1"], outsider)
    changelist = reverse("admin:reports_annualreport_changelist")

    response = client_for(town_admin).get(changelist)
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [in_a]
    assert client_for(outsider).get(
        reverse("admin:reports_annualreport_change", args=[in_a.pk])
    ).status_code in (302, 404)

    admin = client_for(superuser)
    assert set(admin.get(changelist).context["cl"].queryset) == {in_a, in_b}
    detail = admin.get(reverse("admin:reports_annualreport_change", args=[in_a.pk]))
    assert detail.status_code == 200
    assert not detail.context["has_change_permission"]
    assert admin.get(reverse("admin:reports_annualreport_add")).status_code == 403
    transitions = admin.get(reverse("admin:reports_reporttransition_changelist"))
    assert transitions.status_code == 200


def test_deadlines_are_set_through_the_service(client_for, town_admin, outsider, network):
    town_a, town_b = network["town_a"], network["town_b"]
    mine = services.deadline_set(
        by=town_admin, parent=town_a, year=YEAR, due_on=dt.date(2026, 1, 31)
    )
    services.deadline_set(by=outsider, parent=town_b, year=YEAR, due_on=dt.date(2026, 1, 20))
    admin = client_for(town_admin)
    listing = admin.get(reverse("admin:reports_reportdeadline_changelist"))
    assert list(listing.context["cl"].queryset) == [mine]

    change = reverse("admin:reports_reportdeadline_change", args=[mine.pk])
    page = admin.get(change)
    assert page.status_code == 200 and "raw_id" not in page.content.decode()
    response = admin.post(change, {"due_on": "2026-02-15"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.due_on, mine.set_by, mine.version) == (dt.date(2026, 2, 15), town_admin, 2)
    assert history_of(mine)[0].who == "甲镇管理员"
    # The service's own rule shows on the form, and nothing is saved.
    refused = admin.post(change, {"due_on": "2024-12-31"})
    assert refused.status_code == 200 and "不能早于报表年度" in refused.content.decode()
    assert (
        admin.post(
            reverse("admin:reports_reportdeadline_add"),
            {"association": town_b.pk, "year": YEAR, "due_on": "2026-01-31"},
        ).status_code
        == 200
    )  # town B is not a choice for town A's administrator
    assert ReportDeadline.objects.count() == 2


def test_work_reports_are_read_only_and_scoped_in_the_admin(
    client_for, town_admin, town_secretary, outsider, network
):
    def write(by, association):
        return services.work_report_save(
            by=by,
            association=association,
            year=YEAR,
            title=f"{association.name}工作报告",
            salutation="",
            texts={"opening": "开头。"},
        )

    mine, theirs = write(town_secretary, network["town_a"]), write(outsider, network["town_b"])
    admin = client_for(town_admin)
    listing = admin.get(reverse("admin:reports_workreport_changelist"))
    assert listing.status_code == 200 and list(listing.context["cl"].queryset) == [mine]
    detail = admin.get(reverse("admin:reports_workreport_change", args=[mine.pk]))
    assert detail.status_code == 200 and not detail.context["has_change_permission"]
    other = admin.get(reverse("admin:reports_workreport_change", args=[theirs.pk]))
    assert other.status_code in (302, 404)
    assert admin.get(reverse("admin:reports_workreport_add")).status_code == 403
