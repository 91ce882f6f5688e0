"""待办 through the pages (the list, the badge, a returned report's reason at the top of its page)
and the daily e-mail digest (once a day, never empty, new items only, accounts with an address).

The report year is the site's default one (the pages use today's date)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from associations.models import Job, JobStatus, Role
from associations.years import default_report_year
from reports import services
from reports.models import InboxState
from reports.selectors import report_for
from tests.conftest import make_person

YEAR = default_report_year()
REASON = "会员数有误，请核实后重新上报。"


@pytest.fixture(autouse=True)
def _fresh_badges():
    cache.clear()


@pytest.fixture
def returned(network, village_clerk, town_secretary):
    """village_a1's report, submitted by its clerk and returned by the town secretary."""
    report = services.report_submit(
        by=village_clerk, report=report_for(network["village_a1"], YEAR)
    )
    return services.report_return(by=town_secretary, report=report, comment=REASON)


def submission_url(unit) -> str:
    return reverse("reports:submission", args=[unit.pk, YEAR])


# ── The page ──────────────────────────────────────────────────────────────────
def test_the_inbox_lists_the_returned_report_with_its_reason_and_action(
    client_for, network, village_clerk, returned
):
    page = client_for(village_clerk).get(reverse("reports:inbox"))
    assert page.status_code == 200
    [item] = page.context["items"]
    html = page.content.decode()
    assert "甲一村计生协" in item.title
    assert f"甲镇秘书长退回意见：{REASON}" in html
    assert f'class="button primary" href="{submission_url(network["village_a1"])}"' in html
    assert "修改后重新上报" in html


def test_an_outsider_sees_none_of_it_and_the_linked_report_is_not_found(
    client_for, network, outsider, returned
):
    client = client_for(outsider)
    page = client.get(reverse("reports:inbox"))
    assert page.status_code == 200
    assert page.context["items"] == []
    assert "甲一村" not in page.content.decode()
    assert client.get(submission_url(network["village_a1"])).status_code == 404


def test_a_read_only_officer_sees_the_review_item_without_the_button(
    client_for, network, village_clerk
):
    officer = make_person("town_officer", network["town_a"], Role.OFFICER)
    services.report_submit(by=village_clerk, report=report_for(network["village_a1"], YEAR))
    page = client_for(officer).get(reverse("reports:inbox"))
    html = page.content.decode()
    assert f"甲一村计生协 {YEAR}年度报表待审核" in html
    assert "去审核" not in html
    assert 'class="button primary"' not in html


def test_the_badge_counts_open_items_and_finished_jobs_stop_counting_once_seen(
    client_for, network, village_clerk, returned
):
    client = client_for(village_clerk)
    Job.objects.create(
        owner=village_clerk,
        label="导入会员",
        runner="x",
        status=JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
    )
    # No count yet: the page leaves it to the badge's request.
    page = client.get(reverse("reports:definitions"))
    assert f'data-inbox-count="{reverse("reports:inbox_count")}"' in page.content.decode()
    assert client.get(reverse("reports:inbox_count")).json() == {"count": 2}  # return and job
    page = client.get(reverse("reports:definitions"))
    assert 'aria-label="待办事项数">2</span>' in page.content.decode()

    page = client.get(reverse("reports:inbox"))  # the job shown once more, then seen
    assert [item.kind for item in page.context["items"]] == ["returned", "job"]
    assert InboxState.objects.get(user=village_clerk).seen_at is not None
    page = client.get(reverse("reports:definitions"))
    assert 'aria-label="待办事项数">1</span>' in page.content.decode()
    assert [item.kind for item in client.get(reverse("reports:inbox")).context["items"]] == [
        "returned"
    ]


def test_the_inbox_needs_a_login(client):
    response = client.get(reverse("reports:inbox"))
    assert response.status_code == 302
    assert client.get(reverse("reports:inbox_count")).status_code == 302


# ── The report page ───────────────────────────────────────────────────────────
def test_the_report_page_shows_the_return_at_the_top(client_for, network, village_clerk, returned):
    page = client_for(village_clerk).get(submission_url(network["village_a1"]))
    html = page.content.decode()
    move = page.context["overview"].returned
    assert move.comment == REASON
    alert = html.index('class="alert returned"')
    assert alert < html.index("上报情况") < html.index("流转记录")  # above the tables and the log
    at = f"{timezone.localtime(move.at):%Y-%m-%d %H:%M}"
    assert f"报表已被退回：甲镇秘书长于 {at} 退回" in html
    assert f"退回意见：</strong>{REASON}" in html

    services.report_submit(by=village_clerk, report=returned)  # resubmitted: no alert
    page = client_for(village_clerk).get(submission_url(network["village_a1"]))
    assert page.context["overview"].returned is None
    assert 'class="alert returned"' not in page.content.decode()


# ── The daily digest ──────────────────────────────────────────────────────────
def _with_email(user, address: str):
    user.email = address
    user.save(update_fields=["email"])
    return user


def test_the_digest_lists_new_items_once_a_day_and_never_empty(
    network, village_clerk, town_secretary, returned, system
):
    _with_email(village_clerk, "clerk@example.org")
    morning = timezone.now()
    assert services.digest_send(user=village_clerk, by=system, now=morning) is True
    [message] = mail.outbox
    assert message.to == ["clerk@example.org"]
    assert message.subject == "计生协工作管理系统：1 项新待办"
    assert f"甲一村计生协 {YEAR}年度报表已被退回" in message.body
    assert REASON in message.body
    assert "退回人：甲镇秘书长" in message.body
    assert f"http://127.0.0.1:8000{submission_url(network['village_a1'])}" in message.body

    # The same day: never a second one, even with something new.
    Job.objects.create(
        owner=village_clerk,
        label="导入会员",
        runner="x",
        status=JobStatus.SUCCEEDED,
        finished_at=morning,
    )
    assert services.digest_send(user=village_clerk, by=system, now=morning) is False
    # The next day: only what is new (the job), not the return again.
    tomorrow = morning + dt.timedelta(days=1)
    assert services.digest_send(user=village_clerk, by=system, now=tomorrow) is True
    assert mail.outbox[1].subject == "计生协工作管理系统：1 项新待办"
    assert "导入会员" in mail.outbox[1].body
    assert "已被退回" not in mail.outbox[1].body.split("您目前共有")[0]
    # The day after: nothing new, no mail (the return is still open, already told).
    assert (
        services.digest_send(user=village_clerk, by=system, now=tomorrow + dt.timedelta(days=1))
        is False
    )
    assert len(mail.outbox) == 2


def test_the_command_mails_only_accounts_with_an_address_and_news(
    network, village_clerk, town_secretary, outsider, returned, capsys
):
    _with_email(village_clerk, "clerk@example.org")  # has a returned report
    _with_email(outsider, "outsider@example.org")  # nothing to do in town B: no mail
    # The town secretary has reports to submit for the children without staff, no address.
    services.deadline_set(
        by=town_secretary, parent=network["town_a"], year=YEAR, due_on=timezone.localdate()
    )
    call_command("send_digests")
    assert [m.to for m in mail.outbox] == [["clerk@example.org"]]
    assert "已发送 1 封待办摘要" in capsys.readouterr().out
    call_command("send_digests")  # again the same day: nothing more
    assert len(mail.outbox) == 1


def test_only_the_system_sends_digests(village_clerk, town_secretary):
    with pytest.raises(PermissionDenied):
        services.digest_send(user=village_clerk, by=town_secretary)
