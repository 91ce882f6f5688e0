"""Every indicator the catalog computes is shown somewhere: in a table (a rate's column shows
its numerator and denominator too), on the dashboard or in the drafted work report — and the
definitions page says where. An indicator shown nowhere is added to one of them or removed."""

from django.urls import reverse

from reports.catalog import INDICATORS
from reports.views import shown_in


def test_every_indicator_is_shown_somewhere():
    places = shown_in()
    assert sorted(code for code in INDICATORS if not places.get(code)) == []
    assert {"表2", "附表3"} <= set(places["members.total"])
    assert {"仪表盘", "工作报告"} <= set(places["members.total"])
    assert places["events.materials.exhibition_board"] == ["附表8", "工作报告"]


def test_the_definitions_page_says_where_each_indicator_is_shown(client_for, county_officer):
    body = client_for(county_officer).get(reverse("reports:definitions")).content.decode()
    assert "附表8、工作报告" in body
