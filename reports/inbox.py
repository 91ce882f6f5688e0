"""待办: what a signed-in user can act on, each item with a link and its date, most urgent first.

One selector for the page, the navigation badge and the daily e-mail digest. It reads the
reports (submission and targets), the officer posts of members and the background jobs of the
network, so it lives in the top app. Every item comes from the user's own unit and its subtree
(an outsider never sees another unit's names); whether the user may act on an item is asked of
the rules module, so a read-only officer sees the items without action buttons.

Item kinds:
- submit: a report of the user's units still to submit (draft) with the parent's deadline;
- returned: a report of the user's units sent back, with who returned it, when and why;
- review: a direct child's report submitted to the user's unit, awaiting review;
- target: a target of the unit or of a direct child not (yet) reached (`reports.targets`);
- term: an officer post in the user's subtree whose term ends within 60 days;
- job: the user's background job finished since they last opened 待办.

A fixed number of queries whatever the number of items (plus the catalog's own few when the
unit has targets): the badge calls it at most once a minute per user (`open_count`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import Association, Job, JobStatus, Role, User, active_during
from associations.permissions import SECRETARIES, above, is_secretary, staff_accounts
from associations.scope import visible
from associations.years import default_report_year, last_day
from members.models import OfficerPosition

from .models import AnnualReport, InboxState, ReportDeadline, ReportStatus, ReportTransition
from .targets import plan_against_actual

SUBMIT, RETURNED, REVIEW = "submit", "returned", "review"
TARGET, TERM, JOB = "target", "term", "job"
OVERDUE, DUE_SOON = "overdue", "due_soon"

KIND_LABELS = {
    SUBMIT: gettext_lazy("待上报"),
    RETURNED: gettext_lazy("已退回"),
    REVIEW: gettext_lazy("待审核"),
    TARGET: gettext_lazy("目标未达到"),
    TERM: gettext_lazy("任期届满"),
    JOB: gettext_lazy("后台任务"),
}

DUE_SOON_DAYS = 14
TERM_ENDING_DAYS = 60
# Jobs finished before the user last looked, or longer ago than this, are not news.
JOB_NEWS_DAYS = 7
BADGE_SECONDS = 60

# Who sees children's submissions: those who review them, and the read-only officers who
# follow the unit's work (without the action). A clerk neither reviews nor supervises.
SEES_REVIEWS = SECRETARIES | {Role.OFFICER}

# Order of the list: overdue, due soon, returned, awaiting review, later deadlines and term
# ends, targets behind, finished jobs. Upcoming dates come earliest first, events newest first.
RANKS = {OVERDUE: 0, DUE_SOON: 1, RETURNED: 2, REVIEW: 3, SUBMIT: 4, TERM: 4, TARGET: 5, JOB: 6}
UPCOMING_RANKS = {0, 1, 4}


@dataclass(frozen=True)
class Item:
    kind: str
    key: str  # stable while the item stays open: the digest lists keys it has not sent yet
    title: str
    detail: str
    url: str
    on: dt.date | dt.datetime  # deadline, term end, return, submission or finish
    flag: str = ""  # OVERDUE or DUE_SOON for a deadline
    by: str = ""  # who returned the report
    action: str = ""  # the button's label, only when the user may act
    action_url: str = ""

    @property
    def shown_on(self) -> str:
        if isinstance(self.on, dt.datetime):
            return f"{timezone.localtime(self.on):%Y-%m-%d %H:%M}"
        return f"{self.on:%Y-%m-%d}"

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def rank(self) -> int:
        return RANKS[self.flag or self.kind]

    @property
    def sort_key(self) -> tuple[int, float, str]:
        on = self.on
        if not isinstance(on, dt.datetime):
            on = dt.datetime.combine(on, dt.time(), tzinfo=dt.UTC)
        stamp = on.timestamp()
        return (self.rank, stamp if self.rank in UPCOMING_RANKS else -stamp, self.key)


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def _deadline_flag(due_on: dt.date | None, today: dt.date) -> str:
    if due_on is None:
        return ""
    if due_on < today:
        return OVERDUE
    return DUE_SOON if (due_on - today).days <= DUE_SOON_DAYS else ""


# ── Reports of the user's units: to submit, returned ──────────────────────────
def _own_units(user: User, year: int) -> list[Association]:
    """The units whose report the user answers for: their own, and for a secretary the direct
    children without staff, whose reports the parent submits (`reports.submit`)."""
    unit = user.association
    if unit is None:
        return []
    units = [unit]
    if is_secretary(user):
        staffed = staff_accounts().values("association_id")
        units += unit.children.filter(active_during(year)).exclude(pk__in=staffed).order_by("path")
    return units


def _may_submit(user: User, unit: Association) -> bool:
    # Own unit: the rules module. A child here has no staff (chosen so above), so the rule's
    # staff query is not repeated per child.
    if unit.pk == user.association_id:
        return user.has_perm("reports.submit", unit)
    return bool(is_secretary(user) and above(user, unit))


def _report_items(user: User, year: int, today: dt.date) -> list[Item]:
    units = {unit.pk: unit for unit in _own_units(user, year)}
    if not units:
        return []
    reports = {
        (r.association_id, r.year): r
        for r in AnnualReport.objects.filter(association_id__in=units).filter(
            Q(year=year) | Q(status=ReportStatus.RETURNED)
        )
    }
    for pk in units:  # no row yet: a draft of the report year
        reports.setdefault((pk, year), AnnualReport(association=units[pk], year=year))
    open_reports = [r for r in reports.values() if r.is_editable]
    parents = {units[r.association_id].parent_id for r in open_reports}
    deadlines = {
        (d.association_id, d.year): d.due_on
        for d in ReportDeadline.objects.filter(
            association_id__in=parents, year__in={r.year for r in open_reports}
        )
    }
    returns: dict[int, ReportTransition] = {}
    returned = [r.pk for r in open_reports if r.status == ReportStatus.RETURNED]
    for move in (
        ReportTransition.objects.filter(report_id__in=returned, to_status=ReportStatus.RETURNED)
        .select_related("by")
        .order_by("at", "id")
    ):
        returns[move.report_id] = move  # the latest return wins
    items = []
    for report in sorted(open_reports, key=lambda r: (units[r.association_id].path, r.year)):
        unit = units[report.association_id]
        due_on = deadlines.get((unit.parent_id, report.year))
        url = reverse("reports:submission", args=[unit.pk, report.year])
        names = {"unit": unit.name, "year": report.year}
        may = _may_submit(user, unit)
        flag = _deadline_flag(due_on, today)
        move = returns.get(report.pk)
        if report.status == ReportStatus.RETURNED and move is not None:
            items.append(
                Item(
                    kind=RETURNED,
                    key=f"returned:{move.pk}",
                    title=_("%(unit)s %(year)s年度报表已被退回") % names,
                    detail=move.comment,
                    url=url,
                    on=move.at,
                    flag=flag,
                    by=_name(move.by),
                    action=_("修改后重新上报") if may else "",
                    action_url=url if may else "",
                )
            )
        elif due_on is not None:  # a draft is a to-do once the parent has set the date
            items.append(
                Item(
                    kind=SUBMIT,
                    key=f"submit:{unit.pk}:{report.year}:{flag}",
                    title=_("%(unit)s %(year)s年度报表待上报") % names,
                    detail=_("上报截止日期：%(date)s") % {"date": f"{due_on:%Y-%m-%d}"},
                    url=url,
                    on=due_on,
                    flag=flag,
                    action=_("去上报") if may else "",
                    action_url=url if may else "",
                )
            )
    return items


# ── Children's submissions awaiting review ────────────────────────────────────
def _review_items(user: User) -> list[Item]:
    if user.association_id is None or user.role not in SEES_REVIEWS:
        return []
    waiting = AnnualReport.objects.filter(
        association__parent_id=user.association_id, status=ReportStatus.SUBMITTED
    ).select_related("association__parent")
    items = []
    for report in waiting:
        unit = report.association
        url = reverse("reports:submission", args=[unit.pk, report.year])
        may = user.has_perm("reports.review", unit)
        items.append(
            Item(
                kind=REVIEW,
                key=f"review:{report.pk}:{report.submitted_at:%Y%m%d%H%M%S}",
                title=_("%(unit)s %(year)s年度报表待审核")
                % {"unit": unit.name, "year": report.year},
                detail=_("已上报，等待本级审核。"),
                url=url,
                on=report.submitted_at or report.updated_at,
                action=_("去审核") if may else "",
                action_url=url if may else "",
            )
        )
    return items


# ── Targets behind ────────────────────────────────────────────────────────────
def _target_items(user: User, year: int) -> list[Item]:
    unit = user.association
    if unit is None:
        return []
    progress = plan_against_actual(unit, year)
    behind = [(unit, a) for a in progress.own if a.attained is False] + progress.behind
    return [
        Item(
            kind=TARGET,
            key=f"target:{attainment.target.pk}",
            title=_("%(unit)s：%(indicator)s未达到%(year)s年目标")
            % {"unit": owner.name, "indicator": attainment.indicator.name, "year": year},
            detail=_("实际 %(actual)s，目标 %(target)s")
            % {"actual": attainment.shown_actual, "target": attainment.shown_target},
            url=reverse("reports:target_detail", args=[attainment.target.pk]),
            on=last_day(year),  # the day by which a yearly target is to be reached
        )
        for owner, attainment in behind
    ]


# ── Officer terms ending ──────────────────────────────────────────────────────
def _term_items(user: User, today: dt.date) -> list[Item]:
    ending = (
        visible(OfficerPosition, user)
        .filter(ended_on__gte=today, ended_on__lte=today + dt.timedelta(days=TERM_ENDING_DAYS))
        .select_related("member", "association")
        .order_by("ended_on", "association__path", "pk")
    )
    items = []
    for position in ending:
        may = user.has_perm("records.change", position)
        names = {
            "unit": position.association.name,
            "title": position.get_title_display(),
            "name": position.member.name,
        }
        items.append(
            Item(
                kind=TERM,
                key=f"term:{position.pk}:{position.ended_on:%Y%m%d}",
                title=_("%(unit)s %(title)s %(name)s 任期即将届满") % names,
                detail=_("任职结束日期：%(date)s") % {"date": f"{position.ended_on:%Y-%m-%d}"},
                url=f"{reverse('members:officers')}?scope={position.association_id}",
                on=position.ended_on,
                action=_("调整任职") if may else "",
                action_url=reverse("members:position_edit", args=[position.pk]) if may else "",
            )
        )
    return items


# ── Background jobs ───────────────────────────────────────────────────────────
def last_seen(user: User) -> dt.datetime | None:
    state = InboxState.objects.filter(user=user).only("seen_at").first()
    return state.seen_at if state else None


def _job_items(user: User, seen_at: dt.datetime | None, now: dt.datetime) -> list[Item]:
    since = now - dt.timedelta(days=JOB_NEWS_DAYS)
    if seen_at is not None and seen_at > since:
        since = seen_at
    finished = Job.objects.filter(
        owner=user,
        status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED],
        finished_at__gt=since,
    ).order_by("-finished_at")
    return [
        Item(
            kind=JOB,
            key=f"job:{job.pk}",
            title=job.label,
            detail=" · ".join(filter(None, [str(JobStatus(job.status).label), job.message])),
            url=reverse("associations:job", args=[job.pk]),
            on=job.finished_at,
        )
        for job in finished
    ]


# ── The list, the badge ───────────────────────────────────────────────────────
def inbox_items(
    user: User,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    seen_at: dt.datetime | None = None,
) -> list[Item]:
    """Everything the user can act on, most urgent first (see the module's docstring).
    `seen_at`: when the user last opened 待办 (read from their state when not given)."""
    if not (user.is_authenticated and user.is_active):
        return []
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    year = default_report_year(today)
    if seen_at is None:
        seen_at = last_seen(user)
    items = [
        *_report_items(user, year, today),
        *_review_items(user),
        *_target_items(user, year),
        *_term_items(user, today),
        *_job_items(user, seen_at, now),
    ]
    return sorted(items, key=lambda item: item.sort_key)


def _badge_key(user: User) -> str:
    return f"inbox-count:{user.pk}"


def cached_count(user: User) -> int | None:
    """The badge's count if computed within the last minute (no query), else None."""
    return cache.get(_badge_key(user))


def remember_count(user: User, count: int) -> None:
    cache.set(_badge_key(user), count, BADGE_SECONDS)


def open_count(user: User) -> int:
    """The number of open items, computed at most once a minute per user."""
    count = cached_count(user)
    if count is None:
        count = len(inbox_items(user))
        remember_count(user, count)
    return count
