"""Members, officers, households and liaison pairs (会员、理事、联系户)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from associations.models import Association, LiveManager, ScopedQuerySet, Versioned, Withdrawable
from associations.years import in_force_on, overlaps

from . import idcard, personal_data
from .personal_data import decrypt


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Education(models.TextChoices):
    NONE = "none", _("未上学")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中/中专")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")


class PoliticalStatus(models.TextChoices):
    PARTY = "party", _("中共党员")
    PROBATIONARY = "probationary", _("中共预备党员")
    LEAGUE = "league", _("共青团员")
    DEMOCRATIC = "democratic", _("民主党派")
    MASSES = "masses", _("群众")


class Registration(models.TextChoices):
    LOCAL = "local", _("本地户籍")
    FLOATING = "floating", _("流动人口")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    LEFT = "left", _("已离会")


class LeaveReason(models.TextChoices):
    PERSUADED = "persuaded", _("劝退")
    MOVED = "moved", _("迁出")
    DIED = "died", _("死亡")
    OTHER = "other", _("其他")


class MemberGroupQuerySet(ScopedQuerySet):
    def active_on(self, day: dt.date):
        """Groups founded (or no date) and not dissolved on `day`."""
        return self.filter(in_force_on("founded_on", "dissolved_on", day, end_exclusive=True))


class MemberGroup(Versioned):
    """会员小组: one per villagers' group, under a village association."""

    association = models.ForeignKey(
        Association,
        verbose_name=_("所属协会"),
        on_delete=models.PROTECT,
        related_name="member_groups",
    )
    name = models.CharField(_("小组名称"), max_length=60)
    leader = models.ForeignKey(
        "Member",
        verbose_name=_("组长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups_led",
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)

    objects = MemberGroupQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会员小组")
        verbose_name_plural = _("会员小组")
        ordering = ["association", "name"]
        constraints = [
            models.UniqueConstraint(fields=["association", "name"], name="member_group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class MemberQuerySet(ScopedQuerySet):
    def with_id_number(self, number: str):
        """The member holding this full number (by its keyed hash), if any."""
        return self.filter(id_number_hash=personal_data.id_hash(idcard.normalise(number)))

    def with_id_numbers(self, numbers: Iterable[str]):
        hashes = {personal_data.id_hash(idcard.normalise(number)) for number in numbers}
        return self.filter(id_number_hash__in=hashes - {""})

    def with_id_tail(self, tail: str):
        """Members whose number ends with `tail` (usually 4–6 characters): the last four
        are a column; longer tails are checked on the few candidates after decryption."""
        tail = idcard.normalise(tail)
        if len(tail) < personal_data.TAIL_LENGTH:
            return self.filter(id_number_tail__endswith=tail)
        candidates = self.filter(id_number_tail=personal_data.id_tail(tail))
        if len(tail) == personal_data.TAIL_LENGTH:
            return candidates
        tokens = candidates.values_list("pk", "id_number_encrypted")
        return self.filter(pk__in=[pk for pk, token in tokens if decrypt(token).endswith(tail)])

    def active_on(self, day: dt.date):
        """Members in the roll on `day`, from the membership history (exact for past years)."""
        return self.filter(pk__in=MembershipPeriod.objects.active_on(day).values("member_id"))

    def in_roll_during(self, year: int):
        """Members in the roll on at least one day of `year`."""
        return self.filter(pk__in=MembershipPeriod.objects.in_roll_during(year).values("member_id"))


MEMBER_NUMBER_DIGITS = 8


def member_number(pk: int) -> str:
    """会员编号: a member's key zero-padded, the stable number exports and messages use."""
    return f"{pk:0{MEMBER_NUMBER_DIGITS}d}"


class Member(Versioned, Withdrawable):
    """会员. Current membership state is kept here; its history is in MembershipPeriod."""

    association = models.ForeignKey(
        Association, verbose_name=_("所属协会"), on_delete=models.PROTECT, related_name="members"
    )
    group = models.ForeignKey(
        MemberGroup,
        verbose_name=_("会员小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    name = models.CharField(_("姓名"), max_length=40)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族", blank=True)
    # The resident ID number (GB 11643), never stored plain (members.personal_data): read
    # and set it as `member.id_number`; find members with `with_id_number` / `with_id_tail`.
    # Editable only so that the change log lists it (hidden): no form shows this column.
    id_number_encrypted = models.TextField(_("身份证号"), blank=True)
    id_number_hash = models.CharField(
        _("身份证号索引"), max_length=64, unique=True, blank=True, editable=False
    )
    id_number_tail = models.CharField(
        _("身份证号后 4 位"), max_length=4, blank=True, editable=False, db_index=True
    )
    phone = models.CharField(_("手机号码"), max_length=11, blank=True)
    education = models.CharField(
        _("文化程度"), max_length=20, choices=Education.choices, blank=True
    )
    political_status = models.CharField(
        _("政治面貌"), max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    occupation = models.CharField(_("职业"), max_length=60, blank=True)
    registration = models.CharField(
        _("户籍类型"), max_length=10, choices=Registration.choices, default=Registration.LOCAL
    )
    is_volunteer = models.BooleanField(_("志愿者"), default=False)
    is_publicity_worker = models.BooleanField(_("宣传员"), default=False)
    is_industry_leader = models.BooleanField(_("致富能手"), default=False)
    is_newlywed_recruit = models.BooleanField(_("新婚入会"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    joined_on = models.DateField(_("入会日期"))
    left_on = models.DateField(_("离会日期"), null=True, blank=True)
    leave_reason = models.CharField(
        _("离会原因"), max_length=20, choices=LeaveReason.choices, blank=True
    )
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = LiveManager.from_queryset(MemberQuerySet)()
    all_objects = MemberQuerySet.as_manager()
    # History rows keep the ciphertext only; the change log says that the number or the
    # birth date changed, never what they were.
    history = HistoricalRecords(excluded_fields=["id_number_hash", "id_number_tail"])
    HIDDEN_IN_HISTORY = ("id_number_encrypted", "birth_date")

    class Meta:
        verbose_name = _("会员")
        verbose_name_plural = _("会员")
        ordering = ["association", "name", "id"]
        permissions = [("view_personal_data", _("可查看完整身份证号等个人信息"))]
        indexes = [
            models.Index(fields=["association", "status"], name="member_assoc_status"),
            models.Index(fields=["name"], name="member_name"),
            # Names searched from their start in any collation (PostgreSQL; elsewhere a plain
            # index), and the roll by status in name order (the list's "left" filter).
            models.Index(
                fields=["name"], name="member_name_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["status", "name", "id"], name="member_status_name"),
            models.Index(fields=["phone"], name="member_phone"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def number(self) -> str:
        return member_number(self.pk) if self.pk else ""

    @property
    def id_number(self) -> str:
        """The full number, decrypted (once per stored value)."""
        cached = self.__dict__.get("_id_number")
        if cached is not None and cached[0] == self.id_number_encrypted:
            return cached[1]
        number = personal_data.decrypt(self.id_number_encrypted)
        self.__dict__["_id_number"] = (self.id_number_encrypted, number)
        return number

    @id_number.setter
    def id_number(self, number: str) -> None:
        """Encrypt, hash and keep the tail; the same number again leaves the columns alone
        (a new ciphertext would read as a change in the history)."""
        number = number or ""
        if number == self.id_number:
            return
        for column, value in personal_data.id_columns(number).items():
            setattr(self, column, value)
        self.__dict__["_id_number"] = (self.id_number_encrypted, number)

    @property
    def birth_year(self) -> int | None:
        """What pages and exports show beside a masked number (never the full birth date)."""
        return self.birth_date.year if self.birth_date else None


class MembershipPeriodQuerySet(ScopedQuerySet):
    scope_path_lookup = "member__association__path"

    def active_on(self, day: dt.date):
        """Periods in force on `day` (the leaving day is no longer in the roll)."""
        return self.filter(in_force_on("joined_on", "left_on", day, end_exclusive=True))

    def in_roll_during(self, year: int):
        """Periods in force on at least one day of `year`."""
        return self.filter(overlaps("joined_on", "left_on", year, end_exclusive=True))


class MembershipPeriod(models.Model):
    """One continuous spell of membership: joined, and (maybe) left with a reason."""

    member = models.ForeignKey(
        Member, verbose_name=_("会员"), on_delete=models.CASCADE, related_name="periods"
    )
    joined_on = models.DateField(_("入会日期"))
    left_on = models.DateField(_("离会日期"), null=True, blank=True)
    leave_reason = models.CharField(
        _("离会原因"), max_length=20, choices=LeaveReason.choices, blank=True
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = MembershipPeriodQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会籍记录")
        verbose_name_plural = _("会籍记录")
        ordering = ["member", "joined_on"]
        indexes = [models.Index(fields=["joined_on", "left_on"], name="period_dates")]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="period_left_after_joined",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.joined_on}–{self.left_on or ''}"


class OfficerTitle(models.TextChoices):
    CHAIR = "chair", _("会长")
    EXECUTIVE_VICE_CHAIR = "executive_vice_chair", _("常务副会长")
    FULLTIME_VICE_CHAIR = "fulltime_vice_chair", _("专职副会长")
    VICE_CHAIR = "vice_chair", _("副会长")
    SECRETARY = "secretary", _("秘书长")
    STANDING_COUNCIL = "standing_council", _("常务理事")
    COUNCIL = "council", _("理事")


class OfficerBackground(models.TextChoices):
    RETIRED_CADRE = "retired_cadre", _("退休老干部")
    RETIRED_TEACHER = "retired_teacher", _("老教师")
    STEPPED_BACK = "stepped_back", _("退二线领导")
    SERVING_CADRE = "serving_cadre", _("在职干部")
    OTHER = "other", _("其他")


class CadreRank(models.TextChoices):
    NONE = "", _("无")
    DIVISION = "division", _("正处级")
    DEPUTY_DIVISION = "deputy_division", _("副处级")
    SECTION = "section", _("正科级")
    DEPUTY_SECTION = "deputy_section", _("副科级")


class OfficerPositionQuerySet(ScopedQuerySet):
    def held_on(self, day: dt.date):
        """Positions in force on `day` ("who held what on date D"; the end day is in office)."""
        return self.filter(in_force_on("started_on", "ended_on", day))

    def held_during(self, year: int):
        """Positions held on at least one day of `year`."""
        return self.filter(overlaps("started_on", "ended_on", year))


class OfficerPosition(Versioned, Withdrawable):
    """A member's post in an association's council for a term (届)."""

    member = models.ForeignKey(
        Member, verbose_name=_("会员"), on_delete=models.PROTECT, related_name="positions"
    )
    association = models.ForeignKey(
        Association, verbose_name=_("任职协会"), on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField(_("职务"), max_length=30, choices=OfficerTitle.choices)
    term = models.PositiveSmallIntegerField(_("届次"), null=True, blank=True)
    started_on = models.DateField(_("任职开始日期"))
    ended_on = models.DateField(_("任职结束日期"), null=True, blank=True)
    is_fulltime = models.BooleanField(_("专职"), default=False)
    background = models.CharField(
        _("背景"), max_length=20, choices=OfficerBackground.choices, blank=True
    )
    cadre_rank = models.CharField(
        _("职级"), max_length=20, choices=CadreRank.choices, blank=True, default=CadreRank.NONE
    )
    monthly_allowance = models.DecimalField(
        _("月津贴（元）"),
        max_digits=8,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )

    objects = LiveManager.from_queryset(OfficerPositionQuerySet)()
    all_objects = OfficerPositionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("理事职务")
        verbose_name_plural = _("理事职务")
        ordering = ["association", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="position_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["member", "association", "title", "started_on"],
                name="position_natural_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.association} {self.get_title_display()} {self.member}"


class DuesPaymentQuerySet(ScopedQuerySet):
    scope_path_lookup = "member__association__path"


class DuesPayment(Versioned, Withdrawable):
    """会费: one payment per member per year."""

    member = models.ForeignKey(
        Member, verbose_name=_("会员"), on_delete=models.CASCADE, related_name="dues"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(
        _("金额（元）"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    paid_on = models.DateField(_("缴费日期"), null=True, blank=True)

    objects = LiveManager.from_queryset(DuesPaymentQuerySet)()
    all_objects = DuesPaymentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会费")
        verbose_name_plural = _("会费")
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="dues_once_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.year}"


class HouseholdQuerySet(ScopedQuerySet):
    pass


class Household(Versioned, Withdrawable):
    """户 in the association's care, with the categories reports split by."""

    code = models.CharField(_("户编码"), max_length=30, unique=True)
    head_name = models.CharField(_("户主姓名"), max_length=40)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    association = models.ForeignKey(
        Association, verbose_name=_("所属协会"), on_delete=models.PROTECT, related_name="households"
    )
    size = models.PositiveSmallIntegerField(_("家庭人口"), null=True, blank=True)
    is_family_planning = models.BooleanField(_("实行计划生育家庭"), default=False)
    is_one_child = models.BooleanField(_("独生子女户"), default=False)
    is_two_daughter = models.BooleanField(_("两女户"), default=False)
    is_in_difficulty = models.BooleanField(_("计生困难家庭"), default=False)
    is_poor_mother = models.BooleanField(_("贫困母亲"), default=False)
    is_floating = models.BooleanField(_("流动人口户"), default=False)
    integrity_group = models.ForeignKey(
        "IntegrityGroup",
        verbose_name=_("诚信小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="households",
    )
    notes = models.TextField(_("备注"), blank=True)

    objects = LiveManager.from_queryset(HouseholdQuerySet)()
    all_objects = HouseholdQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["association", "code"]
        indexes = [
            models.Index(
                fields=["head_name"],
                name="household_head_prefix",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.head_name}（{self.code}）"

    @property
    def categories(self) -> list[str]:
        """The category flags set, by field name (the form's and the import's one value)."""
        return [flag for flag in HOUSEHOLD_CATEGORIES if getattr(self, flag)]


# The category flags in import/export order, with their contract names.
HOUSEHOLD_CATEGORIES: dict[str, str] = {
    "is_family_planning": "实行计划生育家庭",
    "is_one_child": "独生子女户",
    "is_two_daughter": "两女户",
    "is_in_difficulty": "计生困难家庭",
    "is_poor_mother": "贫困母亲",
    "is_floating": "流动人口户",
}


class CertificateKind(models.TextChoices):
    HONOUR = "honour", _("独生子女父母光荣证")
    PREFERENTIAL = "preferential", _("计划生育优待证")


class HouseholdCertificate(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("户"), on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField(_("证件类别"), max_length=20, choices=CertificateKind.choices)
    number = models.CharField(_("证件编号"), max_length=40, blank=True)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("计生证件")
        verbose_name_plural = _("计生证件")
        constraints = [
            models.UniqueConstraint(fields=["household", "kind"], name="certificate_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.get_kind_display()}"


class IntegrityGroupQuerySet(ScopedQuerySet):
    pass


class IntegrityGroup(Versioned):
    """诚信小组: 5–10 floating households bound by a guarantee agreement."""

    association = models.ForeignKey(
        Association,
        verbose_name=_("所属协会"),
        on_delete=models.PROTECT,
        related_name="integrity_groups",
    )
    name = models.CharField(_("小组名称"), max_length=60)
    leader_name = models.CharField(_("组长"), max_length=40)
    agreement_signed_on = models.DateField(_("联保协议签订日期"), null=True, blank=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)

    objects = IntegrityGroupQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("诚信小组")
        verbose_name_plural = _("诚信小组")
        ordering = ["association", "name"]

    def __str__(self) -> str:
        return self.name


class LiaisonKind(models.TextChoices):
    HELP = "help", _("帮扶")
    PUBLICITY = "publicity", _("宣传")
    SERVICE = "service", _("服务")


class LiaisonPairQuerySet(ScopedQuerySet):
    scope_path_lookup = "household__association__path"

    def active_on(self, day: dt.date):
        """Pairs in force on `day` (the end day is the last day of liaison)."""
        return self.filter(in_force_on("started_on", "ended_on", day))

    def active_during(self, year: int):
        return self.filter(overlaps("started_on", "ended_on", year))


class LiaisonPair(Versioned, Withdrawable):
    """会员联系户: a member paired with a household for a period."""

    member = models.ForeignKey(
        Member, verbose_name=_("会员"), on_delete=models.PROTECT, related_name="liaisons"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("联系户"), on_delete=models.PROTECT, related_name="liaisons"
    )
    kind = models.CharField(
        _("联系类型"), max_length=20, choices=LiaisonKind.choices, default=LiaisonKind.HELP
    )
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    contract_signed_on = models.DateField(_("合同签订日期"), null=True, blank=True)

    objects = LiveManager.from_queryset(LiaisonPairQuerySet)()
    all_objects = LiaisonPairQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会员联系户")
        verbose_name_plural = _("会员联系户")
        ordering = ["household", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="liaison_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["member", "household", "started_on"], name="liaison_natural_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.household}"
