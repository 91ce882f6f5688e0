"""Spreadsheet kind: members (会员), registered a chunk at a time through the bulk service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import Association
from associations.spreadsheets.cells import (
    BoolCell,
    Cell,
    ChoiceCell,
    CodeCell,
    DateCell,
    IntegerCell,
    TextCell,
    plain_text,
    simplified,
)
from associations.spreadsheets.kinds import Column, Lookup, RecordResource, Row, RowError, register

from .. import idcard, selectors, services
from ..models import (
    Education,
    Gender,
    LeaveReason,
    Member,
    MemberGroup,
    MemberStatus,
    PoliticalStatus,
    Registration,
    member_number,
)
from .cells import IdNumberCell, MaskedId, PhoneCell, given

GENDER_ALIASES = {"男性": Gender.MALE, "女性": Gender.FEMALE}
STATUS_ALIASES = {
    "正常": MemberStatus.ACTIVE,
    "在会": MemberStatus.ACTIVE,
    "离会": MemberStatus.LEFT,
    "劝退": MemberStatus.LEFT,
    "迁出": MemberStatus.LEFT,
    "死亡": MemberStatus.LEFT,
    "去世": MemberStatus.LEFT,
}
# A status written as the reason itself (劝退, 迁出, 死亡) also says why the member left.
REASON_IN_STATUS = {
    "劝退": LeaveReason.PERSUADED,
    "迁出": LeaveReason.MOVED,
    "死亡": LeaveReason.DIED,
    "去世": LeaveReason.DIED,
}
EDUCATION_ALIASES = {
    "文盲": Education.NONE,
    "高中": Education.SENIOR,
    "中专": Education.SENIOR,
    "职高": Education.SENIOR,
    "专科": Education.COLLEGE,
    "大学": Education.BACHELOR,
    "大学本科": Education.BACHELOR,
    "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
    "研究生及以上": Education.POSTGRADUATE,
}
POLITICAL_ALIASES = {
    "党员": PoliticalStatus.PARTY,
    "预备党员": PoliticalStatus.PROBATIONARY,
    "团员": PoliticalStatus.LEAGUE,
    "共青团员": PoliticalStatus.LEAGUE,
}
REGISTRATION_ALIASES = {"本地": Registration.LOCAL, "外地": Registration.FLOATING}
LEAVE_ALIASES = {"去世": LeaveReason.DIED, "迁移": LeaveReason.MOVED}

# Member fields carried by their own cells; the association and group are looked up.
OWN_FIELDS = tuple(f for f in services.MEMBER_FIELDS if f not in ("association", "group"))


def _full(value: Any) -> bool:
    """A full number (not empty, not masked)."""
    return isinstance(value, str) and not isinstance(value, MaskedId)


def _by_ids(numbers: set[str]) -> models.QuerySet:
    return Member.objects.with_id_numbers(numbers).values("pk")


class MemberNumberCell(Cell):
    """会员编号: the member's key, written with 8 digits."""

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> int | None:
        text = plain_text(value)
        if not text:
            return None
        if not text.isdigit():
            raise ValidationError(_("会员编号应为导出文件中的数字编号。"))
        return int(text)

    def describe(self) -> str:
        return _("8 位数字（导出文件中的编号）；新会员留空")


class BirthDateCell(DateCell):
    def mask(self, value: Any) -> Any:
        """Beside a masked number only the year may show."""
        return value.year if value else value


@register
class MemberRecords(RecordResource):
    kind = "members"
    label = gettext_lazy("会员")
    creates_in_bulk = True
    error_fields = {"reason": "leave_reason"}
    notes = (
        gettext_lazy(
            "按会员编号识别已有会员，没有会员编号时按完整身份证号识别；"
            "导出的文件（身份证号已打码的也一样）改好后可直接导入。"
        ),
        gettext_lazy(
            "状态填“在册”或“已离会”；也可直接填离会原因“劝退”“迁出”“死亡”。已离会的须填写离会日期。"
        ),
        gettext_lazy("性别、出生日期留空时按身份证号填写。会员小组不存在时自动建立。"),
        gettext_lazy(
            "在册的会员改为已离会即办理离会；已离会的改为在册即重新入会（入会日期填重新入会的日期）。"
        ),
    )

    number = Column(
        "会员编号",
        "number",
        MemberNumberCell(),
        help=gettext_lazy("导出文件中的会员编号，用于识别已有会员；新会员留空。"),
        example="00000012",
    )
    name = Column("姓名", "name", TextCell(max_length=40), required=True, example="王小梅")
    gender = Column("性别", "gender", ChoiceCell(Gender.choices, GENDER_ALIASES), example="女")
    id_number = Column(
        "身份证号",
        "id_number",
        IdNumberCell(accept_masked=True),
        required=True,
        personal=True,
        aliases=("身份证号码", "公民身份号码"),
        help=gettext_lazy("新会员须填完整号码；已有会员（填了会员编号）可保留导出的打码号码。"),
        example=idcard.make("330703", dt.date(1985, 3, 8), 22),
    )
    birth_date = Column(
        "出生日期", "birth_date", BirthDateCell(), personal=True, example="1985-03-08"
    )
    # In place of the birth date for those who may not see personal data: beside a masked
    # number a full birth date would give the number away.
    birth_year = Column(
        "出生年份",
        "birth_year",
        IntegerCell(min_value=1900),
        help=gettext_lazy("只用于核对，须与身份证号一致；出生日期随身份证号。"),
    )
    association = Column(
        "所属协会编码",
        "association__code",
        CodeCell(max_length=20),
        required=True,
        aliases=("协会编码",),
        example="330703101201",
    )
    joined_on = Column("入会日期", "joined_on", DateCell(), required=True, example="2020-05-29")
    status = Column(
        "状态",
        "status",
        ChoiceCell(
            MemberStatus.choices,
            STATUS_ALIASES,
            shown=["在册", "已离会", "劝退", "迁出", "死亡"],
        ),
        help=gettext_lazy("留空：新会员按在册登记，已有会员保持不变。"),
        example="在册",
    )
    left_on = Column("离会日期", "left_on", DateCell())
    group = Column(
        "会员小组",
        "group__name",
        TextCell(max_length=60),
        help=gettext_lazy("本协会下会员小组的名称。"),
        example="第一会员小组",
    )
    phone = Column("手机号码", "phone", PhoneCell(), example="13800000000")
    ethnicity = Column("民族", "ethnicity", TextCell(max_length=20), example="汉族")
    education = Column(
        "文化程度", "education", ChoiceCell(Education.choices, EDUCATION_ALIASES), example="初中"
    )
    political_status = Column(
        "政治面貌",
        "political_status",
        ChoiceCell(PoliticalStatus.choices, POLITICAL_ALIASES),
        example="群众",
    )
    occupation = Column("职业", "occupation", TextCell(max_length=60), example="务农")
    registration = Column(
        "户籍类型",
        "registration",
        ChoiceCell(Registration.choices, REGISTRATION_ALIASES),
        example="本地户籍",
    )
    is_volunteer = Column("志愿者", "is_volunteer", BoolCell(), example="否")
    is_publicity_worker = Column("宣传员", "is_publicity_worker", BoolCell(), example="否")
    is_industry_leader = Column("致富能手", "is_industry_leader", BoolCell(), example="否")
    is_newlywed_recruit = Column("新婚入会", "is_newlywed_recruit", BoolCell(), example="否")
    leave_reason = Column(
        "离会原因", "leave_reason", ChoiceCell(LeaveReason.choices, LEAVE_ALIASES)
    )
    notes_ = Column("备注", "notes", TextCell())

    class Meta:
        model = Member

    def __init__(self, by=None, **kwargs: Any) -> None:
        super().__init__(by=by, **kwargs)
        self.associations = Lookup(Association.objects.all(), "code", self.within)
        self.groups: dict[tuple[int, str], MemberGroup | None] = {}

    def export_queryset(self, scope: Association) -> models.QuerySet:
        return (
            Member.objects.within(scope)
            .select_related("association", "group")
            .order_by("association__path", "id")
        )

    def filtered(self, queryset: models.QuerySet, filters: dict[str, Any]) -> models.QuerySet:
        return selectors.filter_members(queryset, **filters)

    def columns(self) -> list[tuple[str, Column]]:
        """出生日期 for those who may see personal data (and blank templates), 出生年份
        for everyone else."""
        hidden = "birth_year" if self.by is None or self.may_see_personal else "birth_date"
        return [(name, column) for name, column in super().columns() if name != hidden]

    def key_names(self) -> list[str]:
        return ["id_number", "number"]

    def existing(self, rows: list[Row]) -> dict[tuple, models.Model]:
        """Live members of the importer's scope, by 会员编号, else by full number (its hash).
        Members elsewhere are never matched: a new row with such a number is refused like
        any duplicate (logged, rate-limited), without telling where the member is."""
        numbers = {row.values.get("number") for row in rows} - {None}
        ids = {v for row in rows if _full(v := row.values.get("id_number"))}
        if not numbers and not ids:
            return {}
        found = Member.objects.filter(Q(pk__in=numbers) | Q(pk__in=_by_ids(ids)))
        if self.within is not None:
            found = found.within(self.within)
        found = found.select_related("association", "group").annotate(
            _scope_path=F("association__path")
        )
        by_number = {member.pk: member for member in found}
        by_id = {member.id_number: member for member in by_number.values()}
        matched = {}
        for row in rows:
            number, id_number = row.values.get("number"), row.values.get("id_number")
            if number is not None:
                member = by_number.get(number)
                if member is None:
                    row.error(
                        "number",
                        _("会员编号“%(n)s”不存在，或不在您的管辖范围内。")
                        % {"n": member_number(number)},
                    )
                    continue
            else:
                member = by_id.get(id_number) if _full(id_number) else None
            if member is not None:
                matched[(id_number, number)] = member
        return matched

    def current(self, obj: Member, name: str) -> Any:
        if name == "birth_year":
            return obj.birth_year
        return super().current(obj, name)

    def prepare(self, rows: list[Row]) -> None:
        self.associations.prefetch(row.values.get("association") for row in rows)
        wanted = set()
        for row in rows:
            association = self.associations.cache.get(row.values.get("association"))
            if association is not None and row.values.get("group"):
                wanted.add((association.pk, row.values["group"]))
        missing = {key for key in wanted if key not in self.groups}
        if missing:
            found = MemberGroup.objects.filter(
                association_id__in={pk for pk, _name in missing},
                name__in={name for _pk, name in missing},
            )
            for group in found:
                self.groups[(group.association_id, group.name)] = group

    def _check_number(self, row: Row, obj: Member | None) -> None:
        """A masked number confirms a matched member; a full one must be that member's."""
        id_number, year = row.values.get("id_number"), row.values.get("birth_year")
        if obj is None and isinstance(id_number, MaskedId):
            row.error("id_number", _("新会员须填写完整的身份证号（打码的号码只能核对已有会员）。"))
        elif obj is not None and id_number is not None:
            shown = idcard.mask(obj.id_number) if isinstance(id_number, MaskedId) else obj.id_number
            if id_number != shown:
                row.error(
                    "id_number",
                    _("身份证号与会员编号 %(n)s 登记的不一致；更正身份证号请在会员页面操作。")
                    % {"n": obj.number},
                )
        born = obj.birth_year if obj else (_full(id_number) and idcard.birth_date(id_number).year)
        if year is not None and born and year != born:
            row.error("birth_year", _("出生年份与身份证号不一致；出生日期随身份证号。"))

    def check(self, row: Row, obj: Member | None) -> None:
        if row.errors:  # an unknown 会员编号: nothing to check the rest against
            return
        self._check_number(row, obj)
        values = row.values
        status, left_on = values.get("status"), values.get("left_on")
        was_active = obj is None or obj.status == MemberStatus.ACTIVE
        if status is None and left_on is not None and was_active:
            status = MemberStatus.LEFT
        if status is None and obj is None:
            status = MemberStatus.ACTIVE
        if status == MemberStatus.LEFT:
            already_left = obj is not None and obj.status == MemberStatus.LEFT
            if left_on is None and not already_left:
                row.error("left_on", _("状态为已离会时必须填写离会日期。"))
            if values.get("leave_reason") is None:
                said = REASON_IN_STATUS.get(simplified(plain_text(row.raw.get("status"))))
                values["leave_reason"] = said or (None if already_left else LeaveReason.OTHER)
        elif status == MemberStatus.ACTIVE and left_on is not None:
            if obj is None or obj.status == MemberStatus.ACTIVE:
                row.error("left_on", _("状态为在册时不应填写离会日期。"))
            else:
                values["left_on"] = None  # rejoining: the old leave date stays in the history
        values["status"] = status

    def _association(self, row: Row) -> Association:
        return self.associations.get(row.values["association"], "association", _("协会"))

    def _group(self, row: Row, association: Association) -> MemberGroup | None:
        name = row.values.get("group")
        if not name:
            return None
        key = (association.pk, name)
        group = self.groups.get(key)
        if group is None:
            try:
                group = services.member_group_create(by=self.by, association=association, name=name)
            except ValidationError as exc:
                raise RowError("group", "；".join(exc.messages)) from exc
            self.groups[key] = group
        return group

    def create_rows(self, rows: list[Row]) -> None:
        """New members a chunk at a time, through the bulk registration service."""
        batch, kept = [], []
        for row in rows:
            values = row.values
            try:
                association = self._association(row)
                group = self._group(row, association)
            except RowError as exc:
                row.error(exc.field_name, exc.message)
                continue
            data = {"association": association, "group": group, **given(values, OWN_FIELDS)}
            if values["status"] == MemberStatus.LEFT:
                data.update(left_on=values["left_on"], leave_reason=values["leave_reason"])
            batch.append(data)
            kept.append(row)
        if not batch:
            return
        results = services.members_import_rows(by=self.by, rows=batch)
        for row, errors in zip(kept, results, strict=True):
            for key, messages in errors.items():
                for message in messages:
                    row.error(self.field_for_error(key), message)

    def update(self, obj: Member, row: Row, changed: dict[str, Any]) -> Member:
        leaving = changed.get("status") == MemberStatus.LEFT
        rejoining = changed.get("status") == MemberStatus.ACTIVE
        amending = {"left_on", "leave_reason"} & set(changed)
        if obj.status == MemberStatus.LEFT and not rejoining and amending:
            raise RowError("left_on", _("已离会会员的离会日期和原因不能通过导入修改。"))
        if rejoining:
            services.member_rejoin(by=self.by, member=obj, joined_on=row.values["joined_on"])
            changed.pop("joined_on", None)
        fields = given(changed, OWN_FIELDS)
        association = self._association(row) if "association" in changed else obj.association
        if "association" in changed:
            fields["association"] = association  # the service drops a group left behind
        if "group" in changed or ("association" in changed and row.get("group")):
            fields["group"] = self._group(row, association)
        if fields:
            services.member_update(by=self.by, member=obj, **fields)
        if leaving:
            services.member_leave(
                by=self.by,
                member=obj,
                left_on=row.values["left_on"],
                reason=row.values["leave_reason"],
            )
        return obj
