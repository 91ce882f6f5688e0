"""The work records' lists: sortable columns, export of exactly the filtered rows, and links
only to what the user may open."""

from __future__ import annotations

from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse

from activities import services
from tests.activities.factories import EventFactory

from .test_views import KINDS, url


def _sheet_rows(response) -> tuple[list, list]:
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    header, *rows = list(sheet.values)
    return list(header), rows


@pytest.mark.parametrize("kind", KINDS)
def test_every_list_exports_its_rows(client_for, town_secretary, records, kind):
    client = client_for(town_secretary)
    _header, rows = _sheet_rows(client.get(url(kind, "list"), {"export": "xlsx"}))
    assert len(rows) == 1
    assert "export=xlsx" in client.get(url(kind, "list")).content.decode()


def test_the_event_export_is_exactly_the_filtered_list(
    client_for, town_secretary, records, network
):
    EventFactory(association=network["village_a2"], title="甲二村讲座", type="lecture")
    client = client_for(town_secretary)
    params = {"type": "member_day", "year": "2024"}
    listed = [e.title for e in client.get(url("event", "list"), params).context["page_obj"]]
    header, rows = _sheet_rows(client.get(url("event", "list"), {**params, "export": "xlsx"}))
    assert [row[header.index("标题")] for row in rows] == listed == ["甲一村会员活动日"]


def test_withdrawn_records_are_not_exported(client_for, town_secretary, records, system):
    services.event_withdraw(by=system, event=records["event"], reason="重复")
    body = client_for(town_secretary).get(url("event", "list"), {"withdrawn": "on"}).content
    assert "export=xlsx" not in body.decode()


def test_event_list_sorts_by_a_column(client_for, town_secretary, records, network):
    EventFactory(association=network["village_a1"], title="A 讲座", participants=5)
    client = client_for(town_secretary)

    def titles(sort: str) -> list[str]:
        page = client.get(url("event", "list"), {"sort": sort}).context["page_obj"]
        return [e.title for e in page]

    assert titles("participants") == ["A 讲座", "甲一村会员活动日"]
    assert titles("-participants") == ["甲一村会员活动日", "A 讲座"]


def test_a_village_clerks_aid_list_links_only_projects_it_may_open(
    client_for, village_clerk, town_secretary, records
):
    project_url = reverse("activities:project_detail", args=[records["project"].pk])
    body = client_for(village_clerk).get(url("aid", "list")).content.decode()
    assert "甲镇桃园项目" in body and project_url not in body  # the town's: 404 for the clerk
    detail = client_for(village_clerk).get(url("aid", "detail", records["aid"])).content.decode()
    assert "甲镇桃园项目" in detail and project_url not in detail
    assert project_url in client_for(town_secretary).get(url("aid", "list")).content.decode()
