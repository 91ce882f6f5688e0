"""The association's work: events, aid projects and aid, awards, assessments,
village self-governance and funding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from associations.models import (
    VILLAGE_LEVELS,
    Association,
    LiveManager,
    ScopedQuerySet,
    Versioned,
    Withdrawable,
)
from associations.years import YearError, check_year, dated_in, overlaps
from members.models import Household, Member, MemberGroup

# Declared explicitly so the message is ours (Django then drops its own minimum check).
NOT_NEGATIVE = MinValueValidator(0, message=_("不能为负数（填写的是 %(show_value)s）。"))
POSITIVE_AMOUNT = MinValueValidator(Decimal("0.01"), message=_("金额必须大于 0。"))


def validate_year(value: int) -> None:
    """A reporting year (the site's one range and message, `associations.years`)."""
    try:
        check_year(value)
    except YearError as exc:
        raise ValidationError(exc.messages[0], code="year") from None


MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [NOT_NEGATIVE]}
COUNT = {"validators": [NOT_NEGATIVE]}

END_BEFORE_START = _("结束日期不能早于开始日期。")
# Natural keys hold among live records only: one entered in error and withdrawn (作废)
# does not stop the correct one being entered.
LIVE = Q(withdrawn_at__isnull=True)


def _ends_after_starts(name: str, start: str = "started_on", end: str = "ended_on"):
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": models.F(start)}),
        name=name,
        violation_error_message=END_BEFORE_START,
    )


def _check_period(instance: models.Model, errors: dict) -> None:
    started, ended = instance.started_on, instance.ended_on
    if isinstance(started, dt.date) and isinstance(ended, dt.date) and ended < started:
        errors["ended_on"] = END_BEFORE_START


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


class EventType(models.TextChoices):
    MEMBER_DAY = "member_day", _("5·29会员活动日")
    SEPT_25 = "sept_25", _("9·25纪念活动")
    MOTHERS_DAY = "mothers_day", _("母亲节慰问")
    TRAINING = "training", _("培训")
    LECTURE = "lecture", _("讲座")
    SCREENING = "screening", _("健康检查")
    PUBLICITY = "publicity", _("宣传活动")
    EXHIBITION = "exhibition", _("展览")
    CONGRESS = "congress", _("会员代表大会/理事会")
    SITE_MEETING = "site_meeting", _("现场会")
    EMERGENCY = "emergency", _("应急防疫")
    CONDOLENCE = "condolence", _("走访慰问")
    OTHER = "other", _("其他")


class EventQuerySet(ScopedQuerySet):
    def during(self, year: int):
        """Events that started in `year` (an event counts in the year it began)."""
        return self.filter(dated_in("started_on", year))


class Event(Versioned, Withdrawable):
    """活动: an event organised by an association, with what it reached and cost."""

    association = models.ForeignKey(
        Association, verbose_name=_("主办协会"), on_delete=models.PROTECT, related_name="events"
    )
    co_organisers = models.ManyToManyField(
        Association, verbose_name=_("协办单位"), blank=True, related_name="co_organised_events"
    )
    type = models.CharField(_("类型"), max_length=20, choices=EventType.choices)
    title = models.CharField(_("标题"), max_length=200)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("参与人数"), default=0, **COUNT)
    attendees = models.ManyToManyField(
        Member, verbose_name=_("参加会员"), blank=True, related_name="events_attended"
    )
    cost = models.DecimalField(_("费用（元）"), default=0, **MONEY)
    screened = models.PositiveIntegerField(_("检查人数"), null=True, blank=True, **COUNT)
    cases_found = models.PositiveIntegerField(_("查出病例数"), null=True, blank=True, **COUNT)
    training_sessions = models.PositiveIntegerField(_("培训期数"), null=True, blank=True, **COUNT)
    training_days = models.DecimalField(
        _("培训天数"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[NOT_NEGATIVE],
    )
    trainees = models.PositiveIntegerField(_("培训人数"), null=True, blank=True, **COUNT)
    description = models.TextField(_("内容摘要"), blank=True)

    objects = LiveManager.from_queryset(EventQuerySet)()
    all_objects = EventQuerySet.as_manager()
    # Co-organisers and attendees are written by the services, which name their change in
    # the reason of the event's own history entry (the change log lists concrete fields).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-started_on", "id"]
        indexes = [
            models.Index(fields=["association", "started_on"], name="event_assoc_date"),
            models.Index(fields=["started_on", "id"], name="event_date"),  # lists, newest first
        ]
        constraints = [
            _ends_after_starts("event_end_after_start"),
            models.CheckConstraint(
                condition=Q(cases_found__isnull=True)
                | Q(screened__isnull=True)
                | Q(cases_found__lte=models.F("screened")),
                name="event_cases_within_screened",
                violation_error_message=_("查出病例数不能多于检查人数。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict = {}
        _check_period(self, errors)
        found, screened = self.cases_found, self.screened
        if isinstance(found, int) and found > 0 and screened is None:
            errors["screened"] = _("填写了查出病例数，请同时填写检查人数。")
        elif isinstance(found, int) and isinstance(screened, int) and found > screened:
            errors["cases_found"] = _(
                "查出病例数（%(found)s）不能多于检查人数（%(screened)s）。"
            ) % {"found": found, "screened": screened}
        _raise(errors)


class MaterialKind(models.TextChoices):
    LEAFLET = "leaflet", _("宣传单")
    BOOKLET = "booklet", _("宣传册")
    LETTER = "letter", _("公开信")
    BANNER = "banner", _("横幅")
    WALL_BOARD = "wall_board", _("墙报/黑板报")
    EXHIBITION_BOARD = "exhibition_board", _("展板")
    CONTRACEPTIVE = "contraceptive", _("避孕药具")
    OTHER = "other", _("其他")


class EventMaterial(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField(_("资料类别"), max_length=20, choices=MaterialKind.choices)
    quantity = models.PositiveIntegerField(_("数量"), **COUNT)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("发放资料")
        verbose_name_plural = _("发放资料")
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="material_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} × {self.quantity}"


class ProjectKind(models.TextChoices):
    FEWER_BIRTHS = "fewer_births", _("少生快富")
    THREE_COMBINATIONS = "three_combinations", _("三结合")
    CARE_FOR_GIRLS = "care_for_girls", _("关爱女孩")
    EDUCATION_AID = "education_aid", _("扶贫助学")
    HAPPINESS = "happiness", _("幸福工程")
    BIRTH_CARE = "birth_care", _("生育关怀")
    POPULATION_FUND = "population_fund", _("人口基金")
    FP_INSURANCE = "fp_insurance", _("计生保险")
    OTHER = "other", _("其他")


class FundSource(models.TextChoices):
    BUREAU = "bureau", _("计生部门拨款")
    BUDGET = "budget", _("同级财政")
    RAISED = "raised", _("自筹/募集")
    DUES = "dues", _("会费")
    OTHER = "other", _("其他")


class ProjectQuerySet(ScopedQuerySet):
    def running_in(self, year: int):
        """Projects running on at least one day of `year` (the end day is the last day)."""
        return self.filter(overlaps("started_on", "ended_on", year))


class Project(Versioned, Withdrawable):
    """项目: an aid project run by an association, with its money and outcomes."""

    code = models.CharField(_("项目编码"), max_length=30, unique=True)
    association = models.ForeignKey(
        Association, verbose_name=_("实施协会"), on_delete=models.PROTECT, related_name="projects"
    )
    kind = models.CharField(_("类别"), max_length=30, choices=ProjectKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    funds_raised = models.DecimalField(_("筹集资金（元）"), default=0, **MONEY)
    funds_spent = models.DecimalField(_("支出资金（元）"), default=0, **MONEY)
    households_out_of_poverty = models.PositiveIntegerField(_("帮助脱贫户数"), default=0, **COUNT)
    jobs_created = models.PositiveIntegerField(_("安置就业人数"), default=0, **COUNT)
    fixed_assets = models.DecimalField(_("固定资产（元）"), default=0, **MONEY)
    output_value = models.DecimalField(_("产值（元）"), default=0, **MONEY)
    tax_paid = models.DecimalField(_("利税（元）"), default=0, **MONEY)
    description = models.TextField(_("项目简介"), blank=True)

    objects = LiveManager.from_queryset(ProjectQuerySet)()
    all_objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-started_on", "code"]
        indexes = [models.Index(fields=["started_on", "code"], name="project_date")]  # lists
        constraints = [_ends_after_starts("project_end_after_start")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict = {}
        _check_period(self, errors)
        _raise(errors)


class ProjectFunding(models.Model):
    """Where a project's money came from and went, by source (the breakdown of its totals)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="funding"
    )
    source = models.CharField(_("来源"), max_length=20, choices=FundSource.choices)
    raised = models.DecimalField(_("筹集（元）"), default=0, **MONEY)
    spent = models.DecimalField(_("支出（元）"), default=0, **MONEY)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("项目资金来源")
        verbose_name_plural = _("项目资金来源")
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="funding_once_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_source_display()}"


class AidKind(models.TextChoices):
    CASH = "cash", _("现金")
    IN_KIND = "in_kind", _("实物")
    LOAN = "loan", _("贷款")
    PENSION_SUBSIDY = "pension_subsidy", _("养老补助")
    SCHOLARSHIP = "scholarship", _("助学金")
    MEDICAL = "medical", _("医疗救助")
    OTHER = "other", _("其他")


class AidQuerySet(ScopedQuerySet):
    scope_path_lookup = "household__association__path"

    def during(self, year: int):
        return self.filter(dated_in("given_on", year))


class Aid(Versioned, Withdrawable):
    """帮扶: aid given to one household, within a project or coordinated outside any."""

    household = models.ForeignKey(
        Household, verbose_name=_("受助户"), on_delete=models.PROTECT, related_name="aid"
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aid",
    )
    given_on = models.DateField(_("日期"))
    kind = models.CharField(_("方式"), max_length=20, choices=AidKind.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    provider = models.CharField(
        _("帮扶单位"),
        max_length=100,
        blank=True,
        help_text=_("项目之外由其他部门提供的帮扶，填写提供单位。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = LiveManager.from_queryset(AidQuerySet)()
    all_objects = AidQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("帮扶记录")
        verbose_name_plural = _("帮扶记录")
        ordering = ["-given_on", "id"]
        indexes = [models.Index(fields=["given_on"], name="aid_given_on")]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "given_on", "kind", "project"],
                condition=LIVE,
                name="aid_natural_key",
                violation_error_message=_("该户当天已有同一项目、同一方式的帮扶记录。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.given_on} · {self.amount}"

    def clean(self) -> None:
        errors: dict = {}
        if self.project_id and self.household_id:
            project, household = self.project, self.household
            if not project.association.contains(household.association):
                errors["household"] = _(
                    "受助户“%(household)s”（%(where)s）不在项目“%(project)s”"
                    "实施协会“%(association)s”的范围内。"
                ) % {
                    "household": household,
                    "where": household.association.name,
                    "project": project.name,
                    "association": project.association.name,
                }
            if isinstance(self.given_on, dt.date) and (
                self.given_on < project.started_on
                or (project.ended_on and self.given_on > project.ended_on)
            ):
                errors["given_on"] = _(
                    "帮扶日期不在项目“%(project)s”的实施期内（%(period)s）。"
                ) % {
                    "project": project.name,
                    "period": f"{project.started_on}–{project.ended_on or ''}",
                }
        _raise(errors)


class AwardLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县（区）级")
    TOWN = "town", _("镇（乡、街道）级")


class AwardQuerySet(ScopedQuerySet):
    pass


# Who an award may name below its association, at most one of them; with none of them
# the association itself is the recipient. A named person outside the member register
# ("13名同志": a secretary, a cadre, a volunteer) is recorded by name only.
AWARDEES = ("member", "household", "member_group", "person_name")
_AWARDEE_SET = {
    "member": Q(member__isnull=False),
    "household": Q(household__isnull=False),
    "member_group": Q(member_group__isnull=False),
    "person_name": ~Q(person_name=""),
}


def _at_most_one_awardee() -> Q:
    """Each awardee in turn may be set while the others are not (so at most one is)."""
    condition = Q()
    for name in AWARDEES:
        others = Q()
        for other in AWARDEES:
            if other != name:
                others &= ~_AWARDEE_SET[other]
        condition |= others
    return condition


class Award(Versioned, Withdrawable):
    """表彰 to an association, a member group, a member, a household or a named person
    outside the member register.

    `association` is always set (the recipient, or the recipient's association; for a
    named person the association they were honoured under) so that awards are scoped and
    rolled up like everything else.
    """

    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
    level = models.CharField(_("级别"), max_length=20, choices=AwardLevel.choices)
    title = models.CharField(_("称号"), max_length=100)
    awarding_body = models.CharField(_("授予单位"), max_length=100)
    association = models.ForeignKey(
        Association, verbose_name=_("获奖协会"), on_delete=models.PROTECT, related_name="awards"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("获奖会员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("获奖家庭"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    member_group = models.ForeignKey(
        MemberGroup,
        verbose_name=_("获奖会员小组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    person_name = models.CharField(
        _("获奖个人姓名"),
        max_length=40,
        blank=True,
        help_text=_("获奖个人不在会员名册中时（如协会秘书长、干部、志愿者）填写其姓名。"),
    )

    objects = LiveManager.from_queryset(AwardQuerySet)()
    all_objects = AwardQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("表彰")
        verbose_name_plural = _("表彰")
        ordering = ["-year", "level", "id"]
        constraints = [
            models.CheckConstraint(condition=_at_most_one_awardee(), name="award_one_recipient")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def recipient(self) -> Association | MemberGroup | Member | Household | str:
        return (
            self.member
            or self.household
            or self.member_group
            or self.person_name
            or self.association
        )

    def awardees(self) -> list[str]:
        """The fields naming a recipient below the association (at most one is valid)."""
        return [
            name
            for name in AWARDEES
            if (getattr(self, f"{name}_id") if name != "person_name" else self.person_name)
        ]

    def clean(self) -> None:
        errors: dict = {}
        named = self.awardees()
        if len(named) > 1:
            message = _("获奖对象只能是协会、会员小组、会员、家庭或个人中的一个。")
            errors.update(dict.fromkeys(named[1:], message))
        for field in ("member", "household", "member_group"):
            below = getattr(self, field) if getattr(self, f"{field}_id") else None
            if below and self.association_id and below.association_id != self.association_id:
                errors[field] = _("获奖协会须为“%(name)s”所在的协会“%(association)s”。") % {
                    "name": below,
                    "association": below.association.name,
                }
        _raise(errors)


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    FAIR = "fair", _("合格")
    FAIL = "fail", _("不合格")


class Comparison(models.TextChoices):
    AT_LEAST = ">=", "≥"
    AT_MOST = "<=", "≤"


class ThresholdUnit(models.TextChoices):
    NUMBER = "number", _("数值")
    PERCENT = "percent", _("百分比（%）")


# Points and scores: a checklist item is worth 1, a scored one e.g. 4.5.
SCORE = {"max_digits": 7, "decimal_places": 2}
POSITIVE_POINTS = MinValueValidator(Decimal("0.01"), message=_("分值必须大于 0。"))
INDICATOR_CODE = RegexValidator(
    r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$",
    _("指标代码由小写字母、数字和下划线组成，以点分段，如 rate.villages_ba_you。"),
)


class AssessmentTemplate(models.Model):
    """A checklist or a scored assessment (八有, 示范协会, 三有, 一好四建, 目标管理考核),
    shipped as data, editable by administrators.

    Every item is worth points (a checklist item 1); the total decides `passed` (the pass
    mark) and the grade (the bands, when the template has them).
    """

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    pass_mark = models.DecimalField(
        _("达标分"),
        default=0,
        help_text=_("总分达到此分为达标。"),
        **SCORE,
    )
    excellent_from = models.DecimalField(
        _("优秀（总分 ≥）"),
        null=True,
        blank=True,
        help_text=_("不分等级的模板（如只看达标与否的清单）三个等级分都不填。"),
        **SCORE,
    )
    good_from = models.DecimalField(_("良好（总分 ≥）"), null=True, blank=True, **SCORE)
    fair_from = models.DecimalField(
        _("合格（总分 ≥）"),
        null=True,
        blank=True,
        help_text=_("低于最低一档为不合格。"),
        **SCORE,
    )

    history = HistoricalRecords()

    BANDS = (
        ("excellent_from", Grade.EXCELLENT),
        ("good_from", Grade.GOOD),
        ("fair_from", Grade.FAIR),
    )

    class Meta:
        verbose_name = _("考核模板")
        verbose_name_plural = _("考核模板")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.shown_name

    @property
    def shown_name(self) -> str:
        """In the reader's language while worded as shipped (see `shipped_texts`)."""
        return gettext(self.name)

    def clean(self) -> None:
        errors: dict = {}
        if isinstance(self.pass_mark, Decimal) and self.pass_mark <= 0:
            errors["pass_mark"] = _("请填写达标分（大于 0）。")
        higher = None
        for name, grade in self.BANDS:
            start = getattr(self, name)
            if start is None:
                continue
            if start <= 0:
                errors[name] = _("等级分须大于 0。")
            elif higher is not None and start >= higher[0]:
                errors[name] = _("%(grade)s的分数线须低于%(higher)s的（%(score)s）。") % {
                    "grade": grade.label,
                    "higher": higher[1].label,
                    "score": higher[0],
                }
            higher = (start, grade)
        _raise(errors)

    @property
    def bands(self) -> list[tuple[str, Decimal]]:
        """The grades that have a threshold, best first: [(label, lowest total)]."""
        return [
            (grade.label, getattr(self, name))
            for name, grade in self.BANDS
            if getattr(self, name) is not None
        ]

    def passes(self, total: Decimal) -> bool:
        """Whether a total reaches the pass mark (a template without one passes nothing)."""
        return self.pass_mark > 0 and total >= self.pass_mark

    def grade_for(self, total: Decimal) -> str:
        """The band a total falls in; "" for a template without bands."""
        bands = [(getattr(self, name), grade) for name, grade in self.BANDS]
        bands = [(start, grade) for start, grade in bands if start is not None]
        if not bands:
            return ""
        return next((grade.value for start, grade in bands if total >= start), Grade.FAIL.value)


class AssessmentGroup(models.Model):
    """A named group of a template's items; with a weight, its score is scaled to it."""

    template = models.ForeignKey(
        AssessmentTemplate, verbose_name=_("模板"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("分组名称"), max_length=60)
    weight = models.DecimalField(
        _("权重（分）"),
        null=True,
        blank=True,
        validators=[POSITIVE_POINTS],
        help_text=_(
            "本组在总分中所占的分值：本组得分按“本组各项得分 ÷ 本组各项分值 × 权重”折算。"
            "不填则本组各项得分直接计入总分。"
        ),
        **SCORE,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核分组")
        verbose_name_plural = _("考核分组")
        ordering = ["template", "id"]

    def __str__(self) -> str:
        return self.name


class AssessmentItem(models.Model):
    """One item of a template, worth `points`: scored by hand, or — with an indicator code —
    filled from a report indicator (its points when the comparison holds, else 0)."""

    template = models.ForeignKey(
        AssessmentTemplate, verbose_name=_("模板"), on_delete=models.CASCADE, related_name="items"
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("内容"), max_length=200)
    group = models.ForeignKey(
        AssessmentGroup,
        verbose_name=_("分组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    points = models.DecimalField(_("分值"), default=1, validators=[POSITIVE_POINTS], **SCORE)
    indicator_code = models.CharField(
        _("指标代码"),
        max_length=80,
        blank=True,
        validators=[INDICATOR_CODE],
        help_text=_(
            "留空则人工评分。填写报表指标目录中的指标代码（如 rate.villages_ba_you），"
            "本项即由报表按指标自动计分：比较成立得本项分值，否则得 0 分；"
            "代码须为指标目录中已有的指标，由报表模块核对。"
        ),
    )
    comparison = models.CharField(_("比较"), max_length=2, choices=Comparison.choices, blank=True)
    threshold = models.DecimalField(
        _("阈值"),
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("百分比填百分数，如 80 表示 80%。"),
    )
    threshold_unit = models.CharField(
        _("阈值单位"), max_length=10, choices=ThresholdUnit.choices, default=ThresholdUnit.NUMBER
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核项")
        verbose_name_plural = _("考核项")
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="item_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.shown_text}"

    @property
    def shown_text(self) -> str:
        """In the reader's language while worded as shipped (see `shipped_texts`)."""
        return gettext(self.text)

    @property
    def from_indicator(self) -> bool:
        return bool(self.indicator_code)

    def clean(self) -> None:
        errors: dict = {}
        if self.indicator_code:
            if not self.comparison:
                errors["comparison"] = _("按指标计分的考核项请选择比较方式（≥ 或 ≤）。")
            if self.threshold is None:
                errors["threshold"] = _("按指标计分的考核项请填写阈值。")
            elif self.threshold_unit == ThresholdUnit.PERCENT and not 0 <= self.threshold <= 100:
                errors["threshold"] = _("百分比阈值须在 0–100 之间（填写的是 %(value)s）。") % {
                    "value": self.threshold
                }
        elif self.comparison or self.threshold is not None:
            errors["indicator_code"] = _(
                "填写了比较方式或阈值，请同时填写指标代码；人工评分的考核项不填这两项。"
            )
        _raise(errors)

    def rule(self) -> str:
        """The indicator rule in words, e.g. “rate.x ≥ 80% 得 5 分”."""
        if not self.from_indicator:
            return ""
        unit = "%" if self.threshold_unit == ThresholdUnit.PERCENT else ""
        return _("%(code)s %(cmp)s %(threshold)s%(unit)s 得 %(points)s 分") % {
            "code": self.indicator_code,
            "cmp": self.get_comparison_display(),
            "threshold": shown_number(self.threshold),
            "unit": unit,
            "points": shown_number(self.points),
        }

    def earns(self, value: Decimal) -> Decimal:
        """What this indicator item scores for the indicator's value, given in the
        threshold's unit (a percentage as 85 for 85%): its points when the comparison
        holds, else 0."""
        if not self.from_indicator:
            raise ValueError(f"item {self.number} is scored by hand, not from an indicator")
        if self.comparison == Comparison.AT_LEAST:
            holds = value >= self.threshold
        else:
            holds = value <= self.threshold
        return self.points if holds else Decimal(0)


def shown_number(value: Decimal | None) -> str:
    """A score or threshold without trailing zeros: 1, 4.5, 79.5."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class AssessmentQuerySet(ScopedQuerySet):
    pass


class Assessment(Versioned, Withdrawable):
    """One association's yearly assessment against a template: each item's score (with
    its evidence), the total, the grade and `passed` (the pass mark), all computed by the
    services, and who scored it."""

    association = models.ForeignKey(
        Association, verbose_name=_("协会"), on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
    template = models.ForeignKey(
        AssessmentTemplate, verbose_name=_("模板"), on_delete=models.PROTECT, related_name="+"
    )
    total_score = models.DecimalField(_("总分"), default=0, editable=False, **SCORE)
    grade = models.CharField(
        _("等级"), max_length=10, choices=Grade.choices, blank=True, editable=False
    )
    passed = models.BooleanField(_("达标"), default=False, editable=False)
    assessed_on = models.DateField(_("考核日期"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评分人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = LiveManager.from_queryset(AssessmentQuerySet)()
    all_objects = AssessmentQuerySet.as_manager()
    # Scores: see Event.history (and each score row keeps its own history).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核")
        verbose_name_plural = _("考核")
        ordering = ["-year", "association"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "year", "template"],
                condition=LIVE,
                name="assessment_once_per_year",
                violation_error_message=_("该协会本年度已有这项考核记录，请直接编辑该记录。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.association} · {self.year} · {self.template}"


class AssessmentScore(models.Model):
    """One item's score in an assessment and the evidence for it (an item without a row
    scored 0)."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("考核"), on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(
        AssessmentItem, verbose_name=_("考核项"), on_delete=models.PROTECT, related_name="scores"
    )
    score = models.DecimalField(_("得分"), default=0, validators=[NOT_NEGATIVE], **SCORE)
    evidence = models.CharField(_("评分依据"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        ordering = ["assessment", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="score_once_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item.number}: {shown_number(self.score)}"


class SelfGovernanceQuerySet(ScopedQuerySet):
    pass


class SelfGovernance(Versioned, Withdrawable):
    """村民自治 for a village in a year: charter, its provisions and agreements signed."""

    association = models.ForeignKey(
        Association,
        verbose_name=_("村（居）协会"),
        on_delete=models.PROTECT,
        related_name="self_governance",
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
    charter_adopted = models.BooleanField(_("已制定自治章程"), default=False)
    charter_adopted_on = models.DateField(_("章程制定日期"), null=True, blank=True)
    benefits_one_child = models.BooleanField(_("章程含独生子女户优惠"), default=False)
    rewards_second_birth_waiver = models.BooleanField(_("章程含放弃二孩奖励"), default=False)
    subsidises_checkups = models.BooleanField(_("章程含孕检/健康检查补助"), default=False)
    other_provisions = models.TextField(_("其他条款"), blank=True)
    households_due = models.PositiveIntegerField(_("应签协议户数"), default=0, **COUNT)
    households_signed = models.PositiveIntegerField(_("已签协议户数"), default=0, **COUNT)
    is_pilot = models.BooleanField(_("试点村"), default=False)

    objects = LiveManager.from_queryset(SelfGovernanceQuerySet)()
    all_objects = SelfGovernanceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("村民自治")
        verbose_name_plural = _("村民自治")
        ordering = ["-year", "association"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "year"],
                condition=LIVE,
                name="selfgov_once_per_year",
                violation_error_message=_("该村（居）本年度已有村民自治记录，请直接编辑该记录。"),
            ),
            models.CheckConstraint(
                condition=Q(households_signed__lte=models.F("households_due")),
                name="selfgov_signed_within_due",
                violation_error_message=_("已签协议户数不能多于应签协议户数。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.association} · {self.year}"

    PROVISIONS = ("benefits_one_child", "rewards_second_birth_waiver", "subsidises_checkups")

    def clean(self) -> None:
        errors: dict = {}
        if self.association_id and self.association.level not in VILLAGE_LEVELS:
            errors["association"] = _(
                "村民自治只登记村（居）协会，“%(name)s”是%(level)s级协会。"
            ) % {"name": self.association.name, "level": self.association.get_level_display()}
        due, signed = self.households_due, self.households_signed
        if isinstance(due, int) and isinstance(signed, int) and signed > due:
            errors["households_signed"] = _(
                "已签协议户数（%(signed)s）不能多于应签协议户数（%(due)s）。"
            ) % {"signed": signed, "due": due}
        if self.charter_adopted:
            if not self.charter_adopted_on:
                errors["charter_adopted_on"] = _("已制定自治章程的，请填写章程制定日期。")
            elif isinstance(self.year, int) and self.charter_adopted_on.year > self.year:
                errors["charter_adopted_on"] = _("章程制定日期晚于%(year)s年度。") % {
                    "year": self.year
                }
        else:
            if self.charter_adopted_on:
                errors["charter_adopted_on"] = _("未制定自治章程时不填写章程制定日期。")
            if any(getattr(self, f) for f in self.PROVISIONS) or self.other_provisions.strip():
                errors["charter_adopted"] = _("填写了章程条款，但未勾选“已制定自治章程”。")
        _raise(errors)


class Direction(models.TextChoices):
    INCOME = "income", _("收入")
    EXPENSE = "expense", _("支出")


class ExpensePurpose(models.TextChoices):
    EVENT = "event", _("活动")
    PROJECT = "project", _("项目")
    ALLOWANCE = "allowance", _("津贴补贴")
    TRAINING = "training", _("培训")
    PUBLICITY = "publicity", _("宣传")
    OFFICE = "office", _("办公")
    OTHER = "other", _("其他")


class LedgerEntryQuerySet(ScopedQuerySet):
    def during(self, year: int):
        return self.filter(dated_in("date", year))


class LedgerEntry(Versioned, Withdrawable):
    """经费: one line of an association's income or expense."""

    association = models.ForeignKey(
        Association, verbose_name=_("协会"), on_delete=models.PROTECT, related_name="ledger"
    )
    date = models.DateField(_("日期"))
    direction = models.CharField(_("收支"), max_length=10, choices=Direction.choices)
    source = models.CharField(_("收入来源"), max_length=20, choices=FundSource.choices, blank=True)
    purpose = models.CharField(
        _("支出用途"), max_length=20, choices=ExpensePurpose.choices, blank=True
    )
    amount = models.DecimalField(
        _("金额（元）"), max_digits=14, decimal_places=2, validators=[POSITIVE_AMOUNT]
    )
    event = models.ForeignKey(
        Event, verbose_name=_("活动"), null=True, blank=True, on_delete=models.SET_NULL
    )
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(_("摘要"), max_length=200, blank=True)

    objects = LiveManager.from_queryset(LedgerEntryQuerySet)()
    all_objects = LedgerEntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("经费收支")
        verbose_name_plural = _("经费收支")
        ordering = ["-date", "id"]
        indexes = [
            models.Index(fields=["association", "date"], name="ledger_assoc_date"),
            models.Index(fields=["date", "id"], name="ledger_date"),  # lists, newest first
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(direction="income") & ~Q(source=""))
                | (Q(direction="expense") & ~Q(purpose="")),
                name="ledger_source_or_purpose",
                violation_error_message=_("收入须填写收入来源，支出须填写支出用途。"),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="ledger_amount_positive",
                violation_error_message=_("金额必须大于 0。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.association} · {self.date} · {self.get_direction_display()} {self.amount}"

    def clean(self) -> None:
        errors: dict = {}
        if self.direction == Direction.INCOME:
            if not self.source:
                errors["source"] = _("收入须填写收入来源。")
            if self.purpose:
                errors["purpose"] = _("收入不填写支出用途。")
        elif self.direction == Direction.EXPENSE:
            if not self.purpose:
                errors["purpose"] = _("支出须填写支出用途。")
            if self.source:
                errors["source"] = _("支出不填写收入来源。")
        _raise(errors)
