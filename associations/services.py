"""Writes to the association network and to staff accounts.

Every caller (views, admin, imports, commands) uses these, naming its actor `by`:
the scope and the role are checked from it (`associations.permissions`), and the
record's history says who made the change. Commands act as `system_actor()`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TypedDict, Unpack
from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from . import restructuring
from .models import (
    PATH_SEPARATOR,
    Association,
    Job,
    JobStatus,
    PersonalDataAccess,
    Role,
    SavedFilter,
    User,
    validate_placement,
)
from .permissions import ADMINISTRATORS, PERSONAL_DATA_GRANT, require
from .records import field_names, model_update, record_save


class AssociationFields(TypedDict, total=False):
    """An association's own fields (its place in the tree changes by moving it)."""

    code: str
    name: str
    level: str
    founded_on: dt.date | None
    population: int | None
    address: str


ASSOCIATION_FIELDS = field_names(AssociationFields)


def _path_for(code: str, parent: Association | None) -> str:
    return (parent.path if parent else "") + code + PATH_SEPARATOR


def _normalised(fields: AssociationFields) -> AssociationFields:
    cleaned = dict(fields)
    for text in ("code", "name", "address"):
        if text in cleaned:
            cleaned[text] = (cleaned[text] or "").strip()
    return cleaned  # type: ignore[return-value]


def _require_parent(by: User, parent: Association | None) -> None:
    """A new or moved association goes under a parent in the actor's scope; only a
    system administrator without a scope may make a root."""
    if parent is None:
        if not by.is_superuser:
            raise ValidationError({"parent": _("请选择上级协会。")})
        return
    require(by, "network.change", parent, field="parent")


def association_create(
    *, by: User, parent: Association | None, **fields: Unpack[AssociationFields]
) -> Association:
    _require_parent(by, parent)
    fields = _normalised(fields)
    association = Association(
        **fields,
        parent=parent,
        path=_path_for(fields.get("code", ""), parent),
        depth=(parent.depth + 1) if parent else 0,
    )
    association.full_clean()
    return record_save(association, by=by)


def _rewrite_subtree(association: Association, new_path: str, new_depth: int) -> None:
    """Re-root the path of an association and of everything under it in one UPDATE."""
    old_path = association.path
    depth_delta = new_depth - association.depth
    Association.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        depth=F("depth") + depth_delta,
    )
    association.path = new_path
    association.depth = new_depth


def _validate_own_fields(association: Association, changed: list[str]) -> None:
    association.full_clean()
    if "level" not in changed:
        return
    for child in association.children.all():
        try:
            validate_placement(child.level, association)
        except ValidationError as exc:
            message = _("下级协会“%(child)s”不能隶属于%(level)s级协会，请先移走该下级协会。") % {
                "child": child.name,
                "level": association.get_level_display(),
            }
            raise ValidationError({"level": message}) from exc


@transaction.atomic
def association_update(
    *,
    by: User,
    association: Association,
    version: int | None = None,
    **fields: Unpack[AssociationFields],
) -> Association:
    """Edit an association's own fields; only those passed change, and None clears an
    optional one. A changed code rewrites the paths of the subtree."""
    require(by, "network.change", association)
    fields = _normalised(fields)
    association, changed = model_update(
        instance=association,
        data=fields,
        by=by,
        version=version,
        validate=_validate_own_fields,
    )
    if "code" in changed:
        _rewrite_subtree(
            association, _path_for(association.code, association.parent), association.depth
        )
    return association


@transaction.atomic
def association_move(
    *, by: User, association: Association, new_parent: Association | None
) -> Association:
    """Re-assign an association (and its whole subtree, with all records) to a new parent."""
    require(by, "network.restructure", association)
    if new_parent is None:
        raise ValidationError({"parent": _("请选择新的上级协会。")})
    _require_parent(by, new_parent)
    association.refresh_from_db()
    new_parent.refresh_from_db()
    validate_placement(association.level, new_parent, moving=association)
    _rewrite_subtree(association, _path_for(association.code, new_parent), new_parent.depth + 1)
    association.parent = new_parent
    association.version += 1
    return record_save(association, by=by, update_fields=["parent", "version"])


@transaction.atomic
def association_dissolve(
    *,
    by: User,
    association: Association,
    dissolved_on: dt.date,
    members_to: Association | None = None,
    end_memberships: bool = False,
) -> Association:
    """Mark an association dissolved (撤销); its records stay for past years' reports.

    Its members still in the roll go first, in the same step: transferred to `members_to`
    (they count there from now on, for past years too) or, with `end_memberships`, their
    membership ends on the dissolution day. Its open posts end that day and its member
    groups are dissolved with it (see each app's `restructuring.py`). With members left and
    neither chosen, the dissolution is refused.
    """
    require(by, "network.restructure", association)
    if association.children.filter(dissolved_on__isnull=True).exists():
        raise ValidationError(
            {"dissolved_on": _("该协会还有未撤销的下级协会，请先撤销或移走下级协会。")}
        )
    if members_to is not None:
        require(by, "records.change", members_to, field="members_to")
        if members_to.pk == association.pk or members_to.dissolved_on is not None:
            raise ValidationError({"members_to": _("请选择一个未撤销的其他协会接收会员。")})
    blockers = restructuring.settle_for_dissolution(
        by=by,
        association=association,
        dissolved_on=dissolved_on,
        members_to=members_to,
        end_memberships=end_memberships,
    )
    if blockers:
        raise ValidationError({"dissolved_on": restructuring.blockers_message(blockers)})
    association, _changed = model_update(
        instance=association, data={"dissolved_on": dissolved_on}, by=by
    )
    return association


@transaction.atomic
def association_restore(*, by: User, association: Association) -> Association:
    """Undo a dissolution made in error: the association is current again."""
    require(by, "network.restructure", association)
    parent = association.parent
    if parent is not None and parent.dissolved_on is not None:
        raise ValidationError({"dissolved_on": _("上级协会已撤销，请先恢复上级协会。")})
    association, _changed = model_update(instance=association, data={"dissolved_on": None}, by=by)
    return association


# ── Accounts ──────────────────────────────────────────────────────────────────
SYSTEM_USERNAME = "system"


def system_actor() -> User:
    """The actor of commands and scheduled jobs: named in history as 系统, never logs in."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"first_name": "系统", "role": Role.ADMIN, "is_superuser": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


# Only administrators work in the Django admin; everyone else works in the staff pages.
ADMIN_GROUP = "系统管理员"


def _admin_group() -> Group:
    group, created = Group.objects.get_or_create(name=ADMIN_GROUP)
    if created:
        apps = ("associations", "members", "activities", "reports")
        permissions = Permission.objects.filter(content_type__app_label__in=apps)
        # Seeing full ID numbers is granted to named accounts, never by role.
        group.permissions.set(permissions.exclude(codename="view_personal_data"))
    return group


class AccountFields(TypedDict, total=False):
    association: Association | None
    role: str
    first_name: str
    last_name: str
    email: str
    is_active: bool
    may_view_personal_data: bool


ACCOUNT_FIELDS = field_names(AccountFields)


def _sync_access(user: User, *, by: User, may_view_personal_data: bool | None) -> None:
    """Role, admin access and groups always agree: only administrators are staff."""
    user.groups.set([_admin_group()] if user.role in ADMINISTRATORS else [])
    if may_view_personal_data is not None:
        grant = Permission.objects.get(
            content_type__app_label="members", codename=PERSONAL_DATA_GRANT.split(".")[1]
        )
        if may_view_personal_data:
            user.user_permissions.add(grant)
        else:
            user.user_permissions.remove(grant)


def _check_account(by: User, user: User) -> None:
    if user.association is None and not by.is_superuser:
        raise ValidationError({"association": _("非超级管理员账号必须指定所属协会。")})
    if user.association is not None:
        require(by, "accounts.manage", user.association, field="association")
    if user.is_superuser and not by.is_superuser:
        raise ValidationError({"role": _("只有超级管理员可以设置超级管理员账号。")})
    user.full_clean()


@transaction.atomic
def account_create(
    *,
    by: User,
    username: str,
    password: str,
    is_superuser: bool = False,
    **fields: Unpack[AccountFields],
) -> User:
    """A staff account attached to one association (its scope) with one role."""
    require(by, "accounts.manage", fields.get("association"), field="association")
    may_view = fields.pop("may_view_personal_data", False)
    user = User(username=(username or "").strip(), is_superuser=is_superuser, **fields)
    user.is_staff = is_superuser or user.role in ADMINISTRATORS
    user.set_password(password)
    _check_account(by, user)
    record_save(user, by=by)
    _sync_access(user, by=by, may_view_personal_data=may_view)
    return user


@transaction.atomic
def account_update(*, by: User, user: User, **fields: Unpack[AccountFields]) -> User:
    """Change an account's scope, role, name or status; groups and admin access follow."""
    require(by, "accounts.manage", user.association or None, field="association")
    may_view = fields.pop("may_view_personal_data", None)
    role = fields.get("role", user.role)
    data = {**fields, "is_staff": user.is_superuser or role in ADMINISTRATORS}
    user, _changed = model_update(
        instance=user, data=data, by=by, validate=lambda account, _c: _check_account(by, account)
    )
    _sync_access(user, by=by, may_view_personal_data=may_view)
    return user


def account_set_language(*, by: User, language: str) -> User:
    """The interface language `by` chose for themselves (a preference: no history)."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("不支持的语言。")})
    by.language = language
    by.save(update_fields=["language"])
    return by


def account_set_password(*, by: User, user: User, password: str) -> User:
    if by.pk != user.pk:
        require(by, "accounts.manage", user.association, field="association")
    user.set_password(password)
    return record_save(user, by=by, update_fields=["password"])


# ── Personal data (个人信息) ──────────────────────────────────────────────────
def personal_data_access_record(
    *,
    by: User,
    kind: str,
    subject: str,
    association: Association | None,
    purpose: str = "",
    rows: int = 1,
) -> PersonalDataAccess:
    """Log a reveal of full personal data (a page, an export, a look-up) or a refused
    duplicate ID; administrators read the log on the 个人信息查看记录 page."""
    return PersonalDataAccess.objects.create(
        by=by,
        kind=kind,
        subject=subject[:200],
        association=association,
        purpose=(purpose or "").strip()[:200],
        rows=rows,
    )


# ── Saved filters (常用筛选) ──────────────────────────────────────────────────
# A run of digits as long as an ID number's first 12: never kept in a saved query.
_LONG_NUMBER = re.compile(r"\d{12,}")


def saved_filter_save(*, by: User, page: str, name: str, query: str) -> SavedFilter:
    """Save (or replace, under the same name) the filters of one of `by`'s lists."""
    name, query = (name or "").strip(), (query or "").strip().lstrip("?")
    errors = {}
    if not name:
        errors["name"] = _("请给这个筛选起个名字。")
    if _LONG_NUMBER.search(unquote(query)):
        errors["query"] = _("为保护个人信息，筛选条件中不能保存完整身份证号。")
    try:
        reverse(page)
    except NoReverseMatch:
        errors["page"] = _("没有这个列表。")
    if errors:
        raise ValidationError(errors)
    saved, _created = SavedFilter.objects.update_or_create(
        owner=by, page=page, name=name[:40], defaults={"query": query[:1000]}
    )
    return saved


def saved_filter_remove(*, by: User, saved: SavedFilter) -> None:
    """Remove one of `by`'s own saved filters (a preference, not a record: it is deleted)."""
    if saved.owner_id != by.pk:
        raise PermissionDenied(_("只能删除自己的常用筛选。"))
    saved.delete()


# ── Background jobs (我的任务) ────────────────────────────────────────────────
def job_start(
    *, by: User, label: str, runner: str, params: dict | None = None, total: int | None = None
) -> Job:
    """Queue `runner(**params)` for the task worker on behalf of `by` (see associations.tasks);
    the job is enqueued once this transaction commits, so the worker always finds it."""
    from .tasks import run_job

    job = Job.objects.create(
        owner=by, label=label[:200], runner=runner, params=params or {}, total=total
    )
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


def job_retry(*, by: User, job: Job) -> Job:
    """Start a failed job again, as it was first asked for."""
    if job.owner_id != by.pk:
        raise PermissionDenied(_("只能重试自己发起的任务。"))
    if job.shown_status != JobStatus.FAILED:
        raise ValidationError(_("只有失败的任务可以重试。"))
    return job_start(by=by, label=job.label, runner=job.runner, params=job.params, total=job.total)
