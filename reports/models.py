"""Level-by-level submission (逐级上报) of each unit's annual report.

A unit's report for a year moves draft → submitted → approved, or back to
returned with a comment; approval freezes a snapshot of every indicator so
later edits to the records never change an approved report. Every move is a
`ReportTransition`; figures a parent enters for a unit without staff are
`FigureOverride` rows. All writes go through `reports.services`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from activities.models import COUNT, MONEY, NOT_NEGATIVE, validate_year
from associations.models import Association, LiveManager, ScopedQuerySet, Versioned, Withdrawable


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已上报")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审核通过")


# States in which the unit (or its parent on its behalf) may still change figures and submit.
EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class AnnualReportQuerySet(ScopedQuerySet):
    scope_path_lookup = "association__path"


class AnnualReport(models.Model):
    association = models.ForeignKey(
        Association,
        verbose_name=_("上报单位"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # The first submission decides lateness; a later resubmission after a return does not.
    first_submitted_at = models.DateTimeField(_("首次上报时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审核通过时间"), null=True, blank=True)
    snapshot = models.JSONField(
        _("指标快照"),
        null=True,
        blank=True,
        help_text=_("审核通过时冻结的全部指标值，此后记录的修改不影响已通过的报表。"),
    )
    snapshot_taken_at = models.DateTimeField(_("快照时间"), null=True, blank=True)
    catalog_version = models.CharField(_("指标目录版本"), max_length=40, blank=True)
    entered_by_parent = models.BooleanField(
        _("由上级代填"),
        default=False,
        help_text=_("本单位没有工作人员账号，由上级协会代为填报或上报。"),
    )
    work_report = models.JSONField(
        _("随报表上报的工作报告"),
        null=True,
        blank=True,
        help_text=_("上报时本单位工作报告的当前版本（标题、正文、版本号、保存人和时间）。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = AnnualReportQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["snapshot", "work_report", "updated_at"])

    class Meta:
        verbose_name = _("年度报表")
        verbose_name_plural = _("年度报表")
        ordering = ["-year", "association__path"]
        constraints = [
            models.UniqueConstraint(fields=["association", "year"], name="annual_report_unique")
        ]

    def __str__(self) -> str:
        return _("%(unit)s %(year)s年度报表") % {"unit": self.association, "year": self.year}

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_approved(self) -> bool:
        return self.status == ReportStatus.APPROVED


class ReportTransitionQuerySet(ScopedQuerySet):
    scope_path_lookup = "report__association__path"


class ReportTransition(models.Model):
    """One move of a report between states: who, when, from, to and why."""

    report = models.ForeignKey(
        AnnualReport,
        verbose_name=_("年度报表"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_status = models.CharField(_("原状态"), max_length=20, choices=ReportStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=ReportStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.TextField(_("意见"), blank=True)
    on_behalf = models.BooleanField(_("上级代为操作"), default=False)

    objects = ReportTransitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("报表流转记录")
        verbose_name_plural = _("报表流转记录")
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.report}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class ReportDeadlineQuerySet(ScopedQuerySet):
    scope_path_lookup = "association__path"


class ReportDeadline(Versioned):
    """The date by which a parent's direct children must submit a year's report."""

    association = models.ForeignKey(
        Association,
        verbose_name=_("上级协会"),
        on_delete=models.PROTECT,
        related_name="report_deadlines",
        help_text=_("截止日期适用于该协会的直属下级协会。"),
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    due_on = models.DateField(_("上报截止日期"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设置人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_at = models.DateTimeField(_("设置时间"), auto_now=True)

    objects = ReportDeadlineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("上报截止日期")
        verbose_name_plural = _("上报截止日期")
        ordering = ["-year", "association__path"]
        constraints = [
            models.UniqueConstraint(fields=["association", "year"], name="report_deadline_unique")
        ]

    def __str__(self) -> str:
        return f"{self.association} {self.year}: {self.due_on:%Y-%m-%d}"


class FigureOverrideQuerySet(ScopedQuerySet):
    scope_path_lookup = "report__association__path"


class FigureOverride(models.Model):
    """A figure the parent entered or corrected on a unit's behalf (代填).

    Rows are kept as a log; the latest row per indicator is the one in effect.
    Only counts and amounts are entered: rates are recomputed from their parts.
    """

    report = models.ForeignKey(
        AnnualReport,
        verbose_name=_("年度报表"),
        on_delete=models.CASCADE,
        related_name="overrides",
    )
    code = models.CharField(_("指标编码"), max_length=80)
    value = models.JSONField(_("填报值"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = FigureOverrideQuerySet.as_manager()

    class Meta:
        verbose_name = _("代填指标")
        verbose_name_plural = _("代填指标")
        ordering = ["report", "code", "at", "id"]
        indexes = [models.Index(fields=["report", "code"], name="figure_override_report_code")]

    def __str__(self) -> str:
        return f"{self.report} {self.code} = {self.value}"


class WorkReportQuerySet(ScopedQuerySet):
    scope_path_lookup = "association__path"


class WorkReport(Versioned):
    """工作报告: a unit's drafted work report for a year (see `reports.narrative`).

    Every save is a version in its history (who, when, why); an earlier version can be
    restored; the version current when the annual report is submitted is attached to it.
    `content` holds the sections and paragraphs (generated ones with their figures, the
    secretary's own as text); `figures` the figures as they were at the last generation,
    so a later generation can mark what changed.
    """

    association = models.ForeignKey(
        Association,
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="work_reports",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=200)
    salutation = models.CharField(_("称谓"), max_length=100, blank=True)
    content = models.JSONField(_("正文"), default=dict)
    figures = models.JSONField(_("生成时的数字"), default=dict)
    generated_at = models.DateTimeField(_("数字生成时间"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = WorkReportQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])
    # The history page lists who saved which version and why (the change reason); the
    # structured text itself is read through the versions list, not as raw JSON.
    HIDDEN_IN_HISTORY = ("content", "figures")

    class Meta:
        verbose_name = _("工作报告")
        verbose_name_plural = _("工作报告")
        ordering = ["-year", "association__path"]
        constraints = [
            models.UniqueConstraint(fields=["association", "year"], name="work_report_unique")
        ]

    def __str__(self) -> str:
        return self.title


class StoredFigures(models.Model):
    """指标存量: one association's figures for one year, kept so that a scope of any size is
    read from a few rows instead of recomputed from millions (see reports.catalog.store).

    `own` holds the additive figures of the rows the association owns itself; `subtree` every
    count and amount of its whole subtree (itself included). Rates are rebuilt from their parts.
    """

    association = models.ForeignKey(
        Association, verbose_name=_("协会"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    own = models.JSONField(_("本级数值"), default=dict)
    subtree = models.JSONField(_("含下级数值"), default=dict)
    catalog_version = models.CharField(_("指标目录版本"), max_length=40)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("指标存量")
        verbose_name_plural = _("指标存量")
        constraints = [
            models.UniqueConstraint(fields=["association", "year"], name="stored_figures_unique")
        ]

    def __str__(self) -> str:
        return f"{self.association_id} {self.year}"


class FigureRefresh(models.Model):
    """An association whose stored figures of a year are out of date: a record it owns changed.
    The refresh task works these off; a page reading figures under it refreshes them first
    when there are only a few."""

    association = models.ForeignKey(
        Association, verbose_name=_("协会"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    marked_at = models.DateTimeField(_("标记时间"), auto_now=True)

    class Meta:
        verbose_name = _("待更新指标")
        verbose_name_plural = _("待更新指标")
        constraints = [
            models.UniqueConstraint(fields=["association", "year"], name="figure_refresh_unique")
        ]
        indexes = [models.Index(fields=["year", "marked_at"], name="figure_refresh_year")]

    def __str__(self) -> str:
        return f"{self.association_id} {self.year}"


# ── Yearly context, plans and targets (目标管理) ───────────────────────────────
LIVE = models.Q(withdrawn_at__isnull=True)


class UnitContextQuerySet(ScopedQuerySet):
    scope_path_lookup = "association__path"


class UnitContext(Versioned, Withdrawable):
    """基本情况: the figures a unit's report opens with, for one year — its area's population,
    households, married women of child-bearing age and villagers' groups (figures of the
    unit's own area: a parent's record never repeats what its children record, see
    `reports.services`), the family-planning budget of the same level, and free notes."""

    association = models.ForeignKey(
        Association, verbose_name=_("协会"), on_delete=models.PROTECT, related_name="contexts"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
    population = models.PositiveIntegerField(_("总人口"), null=True, blank=True, **COUNT)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True, **COUNT)
    married_women = models.PositiveIntegerField(_("已婚育龄妇女"), null=True, blank=True, **COUNT)
    villager_groups = models.PositiveIntegerField(_("村民小组数"), null=True, blank=True, **COUNT)
    fp_budget = models.DecimalField(
        _("计生事业费（元）"),
        null=True,
        blank=True,
        help_text=_("同级政府当年的计划生育事业费。"),
        **MONEY,
    )
    notes = models.TextField(_("其他情况"), blank=True)

    objects = LiveManager.from_queryset(UnitContextQuerySet)()
    all_objects = UnitContextQuerySet.as_manager()
    history = HistoricalRecords()

    # The figures of an area (population …), as opposed to the budget of a level.
    AREA_FIELDS = ("population", "households", "married_women", "villager_groups")

    class Meta:
        verbose_name = _("基本情况")
        verbose_name_plural = _("基本情况")
        ordering = ["-year", "association__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "year"],
                condition=LIVE,
                name="unit_context_once_per_year",
                violation_error_message=_("该协会本年度已有基本情况记录，请直接编辑该记录。"),
            )
        ]

    def __str__(self) -> str:
        return _("%(unit)s %(year)s年基本情况") % {"unit": self.association, "year": self.year}


class WorkPlanQuerySet(ScopedQuerySet):
    scope_path_lookup = "association__path"


class WorkPlan(Versioned, Withdrawable):
    """工作计划: the yearly plan a unit issues (to itself and its children), e.g. the district's
    《2005年计生协会工作要点》; its targets are `Target` rows of the same year."""

    association = models.ForeignKey(
        Association, verbose_name=_("制定单位"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
    title = models.CharField(_("标题"), max_length=200)
    document_number = models.CharField(
        _("文号"), max_length=60, blank=True, help_text=_("如：金东计生协〔2024〕3号")
    )
    issued_on = models.DateField(_("印发日期"), null=True, blank=True)
    tasks = models.TextField(
        _("工作任务"), blank=True, help_text=_("每行一项，写入工作报告草稿的“下一年工作建议”。")
    )

    objects = LiveManager.from_queryset(WorkPlanQuerySet)()
    all_objects = WorkPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作计划")
        verbose_name_plural = _("工作计划")
        ordering = ["-year", "association__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "year"],
                condition=LIVE,
                name="work_plan_once_per_year",
                violation_error_message=_("该协会本年度已有工作计划，请直接编辑该计划。"),
            )
        ]

    def __str__(self) -> str:
        return self.title


class TargetQuerySet(ScopedQuerySet):
    scope_path_lookup = "association__path"


class Target(Versioned, Withdrawable):
    """目标: a unit's yearly target on one catalog indicator, met when the figure reaches it
    (≥): a count or an amount as the figure's own number, a rate as a percentage (85 = 85%)."""

    association = models.ForeignKey(
        Association, verbose_name=_("协会"), on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
    code = models.CharField(_("指标编码"), max_length=80)
    value = models.DecimalField(
        _("目标值"),
        max_digits=16,
        decimal_places=2,
        validators=[NOT_NEGATIVE],
        help_text=_("比率填百分数，如 85 表示 85%。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = LiveManager.from_queryset(TargetQuerySet)()
    all_objects = TargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["-year", "association__path", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "year", "code"],
                condition=LIVE,
                name="target_once_per_indicator",
                violation_error_message=_("该协会本年度已有这项指标的目标，请直接修改该目标。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.association} · {self.year} · {self.code} ≥ {self.value}"


# ── 待办 and its daily digest ─────────────────────────────────────────────────
class InboxState(models.Model):
    """What a user has already been shown of their 待办 (see `reports.inbox`): when they last
    opened it (background jobs finished after that are new), and the last daily digest — when it
    went out and which items it listed, so the next one lists only what is new since."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="inbox_state",
    )
    seen_at = models.DateTimeField(_("最近查看待办时间"), null=True, blank=True)
    digest_sent_at = models.DateTimeField(_("最近发送摘要时间"), null=True, blank=True)
    digest_keys = models.JSONField(_("已通知的待办事项"), default=list, blank=True)

    class Meta:
        verbose_name = _("待办查看记录")
        verbose_name_plural = _("待办查看记录")

    def __str__(self) -> str:
        return str(self.user)
