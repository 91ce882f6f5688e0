"""The submission admin is read-only and scoped like every other admin."""

from __future__ import annotations

from django.urls import reverse

from reports import selectors, services

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
