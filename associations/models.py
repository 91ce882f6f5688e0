"""The association network (计生协组织网络) and the accounts that work in it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .years import in_force_on, overlaps

PATH_SEPARATOR = "/"


class Level(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县（区）")
    TOWN = "town", _("镇乡（街道）")
    BRANCH = "branch", _("分会")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("居（社区）")
    ENTERPRISE = "enterprise", _("企事业单位")
    FLOATING = "floating", _("流动人口")


# Which levels may sit directly under which (None: may be a root of the network).
ALLOWED_PARENT_LEVELS: dict[str, set[str | None]] = {
    Level.PROVINCE: {None},
    Level.CITY: {None, Level.PROVINCE},
    Level.COUNTY: {None, Level.PROVINCE, Level.CITY},
    Level.TOWN: {Level.COUNTY},
    Level.BRANCH: {Level.TOWN},
    Level.VILLAGE: {Level.TOWN, Level.BRANCH},
    Level.COMMUNITY: {Level.TOWN, Level.BRANCH},
    Level.ENTERPRISE: {Level.CITY, Level.COUNTY, Level.TOWN},
    Level.FLOATING: {
        Level.PROVINCE,
        Level.CITY,
        Level.COUNTY,
        Level.TOWN,
        Level.BRANCH,
        Level.VILLAGE,
        Level.COMMUNITY,
        Level.ENTERPRISE,
    },
}

# Levels whose associations have members of their own and count as "grass-roots".
GRASSROOTS_LEVELS = (Level.VILLAGE, Level.COMMUNITY, Level.ENTERPRISE, Level.FLOATING)
VILLAGE_LEVELS = (Level.VILLAGE, Level.COMMUNITY)

code_validator = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z\-]{1,19}$",
    _("编码须为 2–20 位数字、字母或连字符，且以数字或字母开头。"),
)


def validate_placement(level: str, parent: Association | None, moving: Association | None = None):
    """Reject a parent of the wrong level and, when moving, a parent inside the moved subtree."""
    parent_level = parent.level if parent else None
    if parent_level not in ALLOWED_PARENT_LEVELS.get(level, set()):
        if parent is None:
            message = _("%(level)s级协会必须有上级协会。") % {"level": Level(level).label}
        else:
            message = _("%(level)s级协会不能隶属于%(parent_level)s级协会“%(parent)s”。") % {
                "level": Level(level).label,
                "parent_level": Level(parent_level).label,
                "parent": parent.name,
            }
        raise ValidationError({"parent": message})
    if (
        moving is not None
        and moving.pk
        and parent is not None
        and (parent.pk == moving.pk or (moving.path and parent.path.startswith(moving.path)))
    ):
        raise ValidationError({"parent": _("不能把协会移到它自己或它的下级协会之下。")})


class ScopedQuerySet(models.QuerySet):
    """A queryset that can be limited to one association's subtree.

    Subclasses name the lookup that leads to the owning association's path.
    This is the one place scope is enforced; views, admin, exports and imports
    all go through `visible_to`.
    """

    scope_path_lookup = "association__path"

    def within(self, association: Association):
        return self.filter(**{f"{self.scope_path_lookup}__startswith": association.path})

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.association_id is None:
            return self if user.is_superuser else self.none()
        return self.within(user.association)

    def visible_within(self, user, association: Association):
        """`visible_to(user).within(association)` as one path prefix: two subtrees meet in the
        deeper of the two or nowhere, and PostgreSQL estimated two stacked prefixes as far
        rarer than either and chose nested loops over large tables."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.association_id is None:
            return self.within(association) if user.is_superuser else self.none()
        if user.association.contains(association):
            return self.within(association)
        if association.contains(user.association):
            return self.within(user.association)
        return self.none()


def active_during(year: int, prefix: str = "") -> Q:
    """An association (at `prefix`) active on at least one day of `year`; a missing
    founding date counts as always founded."""
    at = f"{prefix}__" if prefix else ""
    return overlaps(
        f"{at}founded_on", f"{at}dissolved_on", year, end_exclusive=True, open_start=True
    )


def owning_path(obj: models.Model) -> str | None:
    """The path of the association that owns a scoped row (an association owns itself)."""
    value: object = obj
    lookup = type(obj)._default_manager.get_queryset().scope_path_lookup
    for part in lookup.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value  # type: ignore[return-value]


class Versioned(models.Model):
    """A row edited through forms: the version it was read at travels with the form, and a
    save over a newer version is refused (see `associations.records.model_update`)."""

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True


class LiveManager(models.Manager):
    """The default manager of a withdrawable model: withdrawn (作废) rows are left out of
    every list, look-up and figure; `all_objects` still sees them (history, restore)."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class Withdrawable(models.Model):
    """A record staff never delete: it is withdrawn (作废) with a reason, and can be restored."""

    withdrawn_at = models.DateTimeField(_("作废时间"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作废人"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.CharField(_("作废原因"), max_length=200, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


# The lookup that keeps only live rows of a withdrawable model reached through a join.
def live(prefix: str = "") -> Q:
    return Q(**{f"{prefix}{'__' if prefix else ''}withdrawn_at__isnull": True})


class AssociationQuerySet(ScopedQuerySet):
    scope_path_lookup = "path"

    def active_on(self, day: dt.date):
        """Founded (or no date) and not dissolved on `day` (the dissolution day is out)."""
        return self.filter(in_force_on("founded_on", "dissolved_on", day, end_exclusive=True))

    def active_during(self, year: int):
        """Active on at least one day of `year`."""
        return self.filter(active_during(year))

    def current(self):
        return self.filter(dissolved_on__isnull=True)


class Association(Versioned):
    code = models.CharField(
        _("编码"),
        max_length=20,
        unique=True,
        validators=[code_validator],
        help_text=_("有行政区划代码的用区划代码，否则由上级协会分配。"),
    )
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级协会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialized path of codes ("330703/330703101/"), so a subtree is one
    # indexed prefix query at any depth. Maintained by the services only.
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级深度"), default=0, editable=False)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    dissolved_on = models.DateField(
        _("撤销日期"),
        null=True,
        blank=True,
        help_text=_("撤销或合并的协会保留记录，只标记撤销日期。"),
    )
    population = models.PositiveIntegerField(_("人口数"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = AssociationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["path", "depth", "updated_at"])

    class Meta:
        verbose_name = _("协会")
        verbose_name_plural = _("协会")
        ordering = ["path"]
        indexes = [models.Index(fields=["level", "path"], name="association_level_path")]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(founded_on__isnull=True)
                | Q(dissolved_on__gte=models.F("founded_on")),
                name="association_dissolved_after_founded",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        validate_placement(self.level, self.parent, moving=self if self.pk else None)
        if self.founded_on and self.dissolved_on and self.dissolved_on < self.founded_on:
            raise ValidationError({"dissolved_on": _("撤销日期不能早于成立日期。")})

    def ancestors(self) -> models.QuerySet[Association]:
        """This association's ancestors, root first, in one query."""
        prefixes = []
        parts = self.path.split(PATH_SEPARATOR)[:-2]
        for i in range(len(parts)):
            prefixes.append(PATH_SEPARATOR.join(parts[: i + 1]) + PATH_SEPARATOR)
        return Association.objects.filter(path__in=prefixes).order_by("depth")

    def contains(self, other: Association) -> bool:
        return other.path.startswith(self.path)


class Role(models.TextChoices):
    CLERK = "clerk", _("录入员")
    SECRETARY = "secretary", _("秘书长")
    OFFICER = "officer", _("领导（只读）")
    ADMIN = "admin", _("系统管理员")


class User(AbstractUser):
    association = models.ForeignKey(
        Association,
        verbose_name=_("所属协会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("账号只能看到并处理本协会及其下级协会的数据。"),
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.CLERK)
    # Empty: the site's default (zh-hans), whatever the browser asks for.
    language = models.CharField(
        _("界面语言"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login", "language"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")


class AccessKind(models.TextChoices):
    VIEW = "view", _("查看完整身份证号")
    EXPORT = "export", _("导出完整个人信息")
    LOOKUP = "lookup", _("按完整身份证号查找")
    DUPLICATE = "duplicate", _("身份证号重复被拒")


class PersonalDataAccessQuerySet(ScopedQuerySet):
    pass


class PersonalDataAccess(models.Model):
    """个人信息查看记录: each time full personal data was revealed — who, whose or which
    file, when and why — and each refused duplicate ID (which could be used as an oracle)."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="personal_data_accesses",
    )
    kind = models.CharField(_("类别"), max_length=20, choices=AccessKind.choices)
    association = models.ForeignKey(
        Association,
        verbose_name=_("所属协会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.CharField(_("对象"), max_length=200)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("人数"), default=1)

    objects = PersonalDataAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.by} {self.get_kind_display()} {self.subject}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """一项后台任务 (我的任务): a long import, export, PDF or figure refresh run by the task
    worker, with its progress, its result (a file or a report) and, on failure, the reason.

    `runner` is the dotted path of the function that does the work (see `associations.tasks`);
    `params` are its keyword arguments, kept so that a failed job can be retried as it was.
    """

    # A running job whose worker has not reported for this long has died (killed, restarted).
    STALE_AFTER = dt.timedelta(minutes=10)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.CASCADE
    )
    label = models.CharField(_("任务"), max_length=200)
    runner = models.CharField(_("执行函数"), max_length=200)
    params = models.JSONField(_("参数"), default=dict)
    status = models.CharField(
        _("状态"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), null=True, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    result_file = models.CharField(_("结果文件"), max_length=300, blank=True)
    result_name = models.CharField(_("下载文件名"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_created")]

    def __str__(self) -> str:
        return self.label

    @property
    def is_stale(self) -> bool:
        """Running, but its worker stopped reporting: it died and will not finish."""
        from django.utils import timezone

        last = self.heartbeat_at or self.started_at
        return (
            self.status == JobStatus.RUNNING
            and last is not None
            and timezone.now() - last > self.STALE_AFTER
        )

    @property
    def shown_status(self) -> str:
        return JobStatus.FAILED if self.is_stale else self.status

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.status == JobStatus.SUCCEEDED else None
        return min(100, round(self.done * 100 / self.total))


class SavedFilter(models.Model):
    """常用筛选: a list's filters saved by one user under a name, to open again in one click.

    A personal preference, not a record of the network: no history, and its owner may remove
    it. The query never holds a full ID number (the lists refuse one, and so does the service).
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="saved_filters",
    )
    page = models.CharField(_("列表"), max_length=60)  # the list's URL name, e.g. members:list
    name = models.CharField(_("名称"), max_length=40)
    query = models.CharField(_("筛选条件"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("常用筛选")
        verbose_name_plural = _("常用筛选")
        ordering = ["page", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "page", "name"], name="saved_filter_unique")
        ]

    def __str__(self) -> str:
        return self.name
