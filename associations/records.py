"""How every service writes a record, and how a record's history is read back.

Every app's services call these, so that each write names its actor (kept in the
record's history), is checked against the version the user read (optimistic
concurrency), saves only what changed, and so that records are withdrawn (作废)
and restored rather than deleted. Nothing else saves a domain model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import User, Versioned, Withdrawable

M = TypeVar("M", bound=models.Model)

# Bookkeeping columns a change log never lists.
_NOT_LOGGED = {"version", "updated_at", "created_at", "withdrawn_by"}


def field_names(declaration: type) -> tuple[str, ...]:
    """The field tuple of a record kind, from its `TypedDict` (declared once per kind)."""
    return tuple(declaration.__annotations__)


def record_save(instance: M, *, by: User, update_fields: Iterable[str] | None = None) -> M:
    """Save with `by` as the author of the history entry this save leaves."""
    instance._history_user = by
    if update_fields is None:
        instance.save()
    else:
        fields = set(update_fields)
        if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
            fields.add("updated_at")
        instance.save(update_fields=sorted(fields))
    return instance


class StaleEdit(ValidationError):
    """The record changed after the user read it: nothing is saved, the form keeps its input."""

    def __init__(self, message: str, *, current_version: int) -> None:
        super().__init__(message, code="stale")
        self.current_version = current_version


def _actor_name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else _("系统")


def _stale_message(instance: Versioned, read_version: int) -> str:
    history = getattr(type(instance), "history", None)
    latest = history.filter(**{instance._meta.pk.attname: instance.pk}).first() if history else None
    if latest is None:
        return _("该记录已被他人修改。您填写的内容保留在下方，请核对后再保存。")
    who = _actor_name(latest.history_user)
    changed = ""
    earlier = history.filter(
        **{instance._meta.pk.attname: instance.pk, "version": read_version}
    ).first()
    if earlier is not None:
        names = [
            str(instance._meta.get_field(change.field).verbose_name)
            for change in latest.diff_against(earlier).changes
            if change.field not in _NOT_LOGGED
        ]
        if names:
            changed = _("（改动了：%(fields)s）") % {"fields": "、".join(names)}
    return _(
        "该记录已于 %(when)s 被 %(who)s 修改%(changed)s。您填写的内容保留在下方，"
        "请核对后再保存；再次保存将以您填写的内容为准。"
    ) % {
        "when": date_format(timezone.localtime(latest.history_date), "Y-m-d H:i"),
        "who": who,
        "changed": changed,
    }


def check_version(instance: Versioned, read_version: int | None) -> None:
    """Refuse a save over a newer version than the one the user's form was read at.

    The row is locked for the rest of the transaction, so two saves of the same
    version cannot both pass.
    """
    if read_version is None or instance.pk is None:
        return
    current = (
        type(instance)
        ._base_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list("version", flat=True)
        .first()
    )
    if current is not None and current != read_version:
        raise StaleEdit(_stale_message(instance, read_version), current_version=current)


@transaction.atomic
def model_update(
    *,
    instance: M,
    data: Mapping[str, Any],
    by: User,
    version: int | None = None,
    validate: Callable[[M, list[str]], None] | None = None,
) -> tuple[M, list[str]]:
    """Set the fields of `data` that differ, validate, and save only those.

    `version` is the version the user read (None: an import or a command, which
    compare values themselves). `validate(instance, changed)` replaces
    `full_clean()` when the service has rules of its own. Returns the instance and
    the names of the fields that changed (empty: nothing was saved).
    """
    if isinstance(instance, Versioned):
        check_version(instance, version)
    changed = [name for name, value in data.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, data[name])
    if validate is not None:
        validate(instance, changed)
    else:
        instance.full_clean()
    if not changed:
        return instance, []
    saved = [*changed, "version"] if isinstance(instance, Versioned) else changed
    if isinstance(instance, Versioned):
        instance.version += 1
    record_save(instance, by=by, update_fields=saved)
    return instance, changed


def bump_version(instance: Versioned, *, by: User) -> None:
    """A change to a record's related rows (materials, attendees …) is a change to it."""
    instance.version += 1
    record_save(instance, by=by, update_fields=["version"])


@transaction.atomic
def record_withdraw(*, instance: Withdrawable, by: User, reason: str) -> None:
    """Withdraw (作废) a record entered in error: hidden from lists and figures, restorable."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写作废原因。")})
    if instance.withdrawn_at is not None:
        raise ValidationError({"reason": _("该记录已作废。")})
    instance.withdrawn_at, instance.withdrawn_by = timezone.now(), by
    instance.withdrawal_reason = reason[:200]
    fields = ["withdrawn_at", "withdrawn_by", "withdrawal_reason"]
    if isinstance(instance, Versioned):
        instance.version += 1
        fields.append("version")
    instance._change_reason = reason[:100]
    record_save(instance, by=by, update_fields=fields)


@transaction.atomic
def record_restore(*, instance: Withdrawable, by: User) -> None:
    """Bring a withdrawn record back as it was."""
    if instance.withdrawn_at is None:
        raise ValidationError(_("该记录未作废，无需恢复。"))
    instance.withdrawn_at, instance.withdrawn_by, instance.withdrawal_reason = None, None, ""
    fields = ["withdrawn_at", "withdrawn_by", "withdrawal_reason"]
    if isinstance(instance, Versioned):
        instance.version += 1
        fields.append("version")
    instance._change_reason = _("恢复")
    record_save(instance, by=by, update_fields=fields)


# ── Reading the history back (修改记录) ────────────────────────────────────────
@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    history_id: int
    at: Any
    who: str
    kind: str  # 新建 / 修改 / 删除
    reason: str
    changes: list[FieldChange]


_KINDS = {"+": gettext_lazy("新建"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}


def _shown(record: models.Model, name: str, hidden: frozenset[str]) -> str:
    if name in hidden:
        return _("（已隐藏）")
    field = record._meta.get_field(name)
    value = getattr(record, field.attname)
    if value in (None, ""):
        return "—"
    if field.is_relation:
        try:
            return str(getattr(record, field.name))
        except models.ObjectDoesNotExist:
            return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def history_of(instance: models.Model, *, limit: int = 50) -> list[HistoryEntry]:
    """Who changed what and when, newest first; fields in the model's `HIDDEN_IN_HISTORY`
    (personal data) say only that they changed."""
    history = getattr(type(instance), "history", None)
    if history is None:
        return []
    hidden = frozenset(getattr(type(instance), "HIDDEN_IN_HISTORY", ()))
    records = list(
        history.filter(**{instance._meta.pk.attname: instance.pk})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries = []
    for record, previous in zip(records, [*records[1:], None], strict=False):
        if len(entries) == limit:
            break
        changes = []
        if previous is not None:
            m2m = [f.name for f in getattr(record, "_history_m2m_fields", ())]
            for change in record.diff_against(previous, excluded_fields=m2m).changes:
                if change.field in _NOT_LOGGED:
                    continue
                label = str(record._meta.get_field(change.field).verbose_name)
                changes.append(
                    FieldChange(
                        label,
                        _shown(previous, change.field, hidden),
                        _shown(record, change.field, hidden),
                    )
                )
        entries.append(
            HistoryEntry(
                history_id=record.history_id,
                at=record.history_date,
                who=_actor_name(record.history_user),
                kind=str(_KINDS.get(record.history_type, _KINDS["~"])),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries
