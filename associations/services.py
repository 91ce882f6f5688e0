"""Writes to the association network. Every caller (views, admin, imports, commands) uses these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from .models import PATH_SEPARATOR, Association, validate_placement


def _path_for(code: str, parent: Association | None) -> str:
    return (parent.path if parent else "") + code + PATH_SEPARATOR


def _check_in_scope(parent: Association | None, within: Association | None) -> None:
    """Callers acting for a user pass the user's scope; nothing may be placed outside it."""
    if within is None:
        return
    if parent is None or not within.contains(parent):
        raise ValidationError({"parent": _("上级协会不在您的管辖范围内。")})


def association_create(
    *,
    code: str,
    name: str,
    level: str,
    parent: Association | None,
    founded_on: dt.date | None = None,
    population: int | None = None,
    address: str = "",
    within: Association | None = None,
) -> Association:
    _check_in_scope(parent, within)
    association = Association(
        code=code.strip(),
        name=name.strip(),
        level=level,
        parent=parent,
        founded_on=founded_on,
        population=population,
        address=address,
        path=_path_for(code.strip(), parent),
        depth=(parent.depth + 1) if parent else 0,
    )
    association.full_clean()
    association.save()
    return association


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


UPDATABLE_FIELDS = ("code", "name", "level", "founded_on", "population", "address")


@transaction.atomic
def association_update(*, association: Association, **fields: Any) -> Association:
    """Edit an association's own fields (code, name, level, founded_on, population, address).

    Only the fields passed change, and None clears an optional one; a changed code
    rewrites the paths of the subtree.
    """
    unknown = sorted(set(fields) - set(UPDATABLE_FIELDS))
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(unknown)}")
    for text in ("code", "name", "address"):
        if fields.get(text) is not None:
            fields[text] = fields[text].strip()
    for field, value in fields.items():
        setattr(association, field, value)
    association.full_clean()
    for child in association.children.all():
        try:
            validate_placement(child.level, association)
        except ValidationError as exc:
            message = _("下级协会“%(child)s”不能隶属于%(level)s级协会，请先移走该下级协会。") % {
                "child": child.name,
                "level": association.get_level_display(),
            }
            raise ValidationError({"level": message}) from exc
    if association.code != association.path.split(PATH_SEPARATOR)[-2]:
        _rewrite_subtree(
            association, _path_for(association.code, association.parent), association.depth
        )
    if fields:
        association.save(update_fields=[*fields, "updated_at"])
    return association


@transaction.atomic
def association_move(
    *, association: Association, new_parent: Association, within: Association | None = None
) -> Association:
    """Re-assign an association (and its whole subtree, with all records) to a new parent."""
    if new_parent is None:
        raise ValidationError({"parent": _("请选择新的上级协会。")})
    _check_in_scope(new_parent, within)
    _check_in_scope(association.parent, within)
    association.refresh_from_db()
    new_parent.refresh_from_db()
    validate_placement(association.level, new_parent, moving=association)
    _rewrite_subtree(association, _path_for(association.code, new_parent), new_parent.depth + 1)
    association.parent = new_parent
    association.save(update_fields=["parent", "updated_at"])
    return association


def association_dissolve(*, association: Association, dissolved_on: dt.date) -> Association:
    """Mark an association dissolved (撤销); its records stay for past years' reports."""
    if association.children.filter(dissolved_on__isnull=True).exists():
        raise ValidationError(
            {"dissolved_on": _("该协会还有未撤销的下级协会，请先撤销或移走下级协会。")}
        )
    association.dissolved_on = dissolved_on
    association.full_clean()
    association.save(update_fields=["dissolved_on", "updated_at"])
    return association


# Model permissions each role gets in the admin; scope still limits which rows.
_ROLE_ACTIONS = {
    "officer": ("view",),
    "clerk": ("view", "add", "change"),
    "secretary": ("view", "add", "change", "delete"),
    "admin": ("view", "add", "change", "delete"),
}
_STAFF_APPS = ("associations", "members", "activities", "reports")


def role_group(role: str):
    """The permission group for a role, created on first use."""
    from django.contrib.auth.models import Group, Permission

    from .models import Role

    group, created = Group.objects.get_or_create(name=str(Role(role).label))
    if created:
        actions = _ROLE_ACTIONS[role]
        permissions = Permission.objects.filter(content_type__app_label__in=_STAFF_APPS).filter(
            codename__regex=rf"^({'|'.join(actions)})_"
        )
        if role != "admin":
            permissions = permissions.exclude(
                codename__in=["add_user", "change_user", "delete_user"]
            )
        # Seeing full ID numbers is granted to named accounts, never by role.
        group.permissions.set(permissions.exclude(codename="view_personal_data"))
    return group


def account_create(
    *,
    username: str,
    password: str,
    association: Association | None,
    role: str,
    full_name: str = "",
    is_superuser: bool = False,
    may_view_personal_data: bool = False,
):
    """A staff account attached to one association (its scope) with one role."""
    from .models import User

    if association is None and not is_superuser:
        raise ValidationError({"association": _("非超级管理员账号必须指定所属协会。")})
    user = User(
        username=username,
        association=association,
        role=role,
        first_name=full_name,
        is_staff=True,
        is_superuser=is_superuser,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(role_group(role))
    if may_view_personal_data:
        from django.contrib.auth.models import Permission

        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="members", codename="view_personal_data")
        )
    return user
