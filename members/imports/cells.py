"""Cells and look-ups the members app's spreadsheet kinds share."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _

from associations.models import Association
from associations.spreadsheets.cells import BoolCell, Cell, DateCell, plain_text
from associations.spreadsheets.kinds import Column, Lookup, Row

from .. import idcard, phone
from ..models import Household, Member


def given(values: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The cells of these fields that hold a value, by field name. A column whose field
    name the resource itself uses (`notes`, `kind`) is declared with a trailing "_"."""
    found = {}
    for name in names:
        value = values.get(name, values.get(f"{name}_"))
        if value is not None:
            found[name] = value
    return found


class MaskedId(str):
    """A masked number read from a file (330***********1234): it can only confirm a member
    already matched some other way, never name one."""


_MASKED = re.compile(r"^[\dX]{3}\*+[\dX]{4}$")


class IdNumberCell(Cell):
    """A resident ID number. Masked copies (330***********1234) are refused, unless the kind
    accepts them (`accept_masked`) as a `MaskedId` to check against the matched member."""

    def __init__(self, *, accept_masked: bool = False) -> None:
        super().__init__()
        self.accept_masked = accept_masked

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValidationError(
                _(
                    "身份证号被 Excel 存成了数字，末几位可能已丢失；"
                    "请把该列设为“文本”格式后重新填写。"
                )
            )
        number = idcard.normalise(plain_text(value))
        if not number:
            return None
        if "*" in number:
            if self.accept_masked and _MASKED.match(number):
                return MaskedId(number)
            raise ValidationError(
                _(
                    "身份证号已打码（含 *），不能用于导入；"
                    "请由有权查看个人信息的账号导出完整身份证号后再导入。"
                )
            )
        return idcard.validate_id_number(number)

    def mask(self, value: Any) -> Any:
        return idcard.mask(value) if value else value

    def describe(self) -> str:
        return _("18 位身份证号（请把该列设为“文本”格式，以免 Excel 改成科学计数法）")


class PhoneCell(Cell):
    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> str | None:
        return phone.validate_mobile(plain_text(value)) or None

    def describe(self) -> str:
        return _("11 位手机号码")


class ContractCell(Cell):
    """签订合同: the signing date, or 是/否 (是 without a date: signed when the pairing began)."""

    dates = DateCell()
    yes_no = BoolCell()

    def clean(self, value: Any, row: Mapping | None = None, **kwargs: Any) -> Any:
        if isinstance(value, bool) or value in (0, 1):
            return bool(value)
        if isinstance(value, dt.date | int | float):
            return self.dates.clean(value)
        try:
            return self.yes_no.clean(value)
        except ValidationError:
            pass
        try:
            return self.dates.clean(value)
        except ValidationError as exc:
            raise ValidationError(_("应填签订日期，或“是”/“否”。")) from exc

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return value if value else _("否")

    def describe(self) -> str:
        return _("签订日期，或 是 / 否（“是”未写日期时按开始日期记）")


def member_id_column(example: str) -> Column:
    """The column naming a row's member by ID number (liaison pairs, posts)."""
    return Column(
        "会员身份证号",
        "member__id_number",
        IdNumberCell(),
        key=True,
        personal=True,
        example=example,
    )


class MemberLookup(Lookup):
    """Members by full ID number, found through its keyed hash (the number is no column)."""

    def __init__(self, queryset: models.QuerySet, within: Association | None) -> None:
        super().__init__(queryset, "id_number", within, display=idcard.mask)

    def prefetch(self, values: Iterable[Any]) -> None:
        missing = {v for v in values if v is not None and v not in self.cache}
        if not missing:
            return
        for member in self.queryset.with_id_numbers(missing):
            self.cache[member.id_number] = member
        for value in missing:
            self.cache.setdefault(value, None)


class People:
    """Members (by ID number), households (by code) and associations (by code) that rows
    refer to, within the importing user's scope."""

    def __init__(self, within: Association | None) -> None:
        self.members = MemberLookup(Member.objects.select_related("association"), within)
        self.households = Lookup(Household.objects.select_related("association"), "code", within)
        self.associations = Lookup(Association.objects.all(), "code", within)

    def member(self, row: Row) -> Member:
        return self.members.get(row.values["member"], "member", _("会员"))


class KeyedByMemberId:
    """For a kind whose first key is its member's ID number (liaison pairs, posts): stored
    rows are found through the number's hash."""

    def existing(self, rows: list[Row]) -> dict[tuple, models.Model]:
        numbers = {row.values.get("member") for row in rows} - {None}
        if not numbers:
            return {}
        queryset = self._meta.model._default_manager.all()
        queryset = queryset.annotate(_scope_path=F(queryset.scope_path_lookup))
        queryset = queryset.select_related("member", *self.export_queryset_related())
        found = queryset.filter(member__in=Member.objects.with_id_numbers(numbers))
        names = self.key_names()
        return {tuple(self.fields[n].get_value(obj) for n in names): obj for obj in found}
