"""Who may do what: the one vocabulary of object-level permissions (django-rules).

Views, the admin, templates (`{% load rules %}{% has_perm "records.change" user obj as can %}`),
services (`require`) and the report workflow all ask `user.has_perm(name, obj)` for one of
the names registered at the bottom of this module. `obj` is an association or any scoped
record: the association that owns it decides. Without an object a rule answers whether the
user may do the thing anywhere (to show a menu entry or a button).

Superusers pass every check (Django's rule). Adding a role: one value in `Role`, then add it
to the role sets below that it belongs to; each rule is one line.
"""

from __future__ import annotations

import rules
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Association, Role, User, owning_path

# ── Roles ─────────────────────────────────────────────────────────────────────
WRITERS = frozenset({Role.CLERK, Role.SECRETARY, Role.ADMIN})  # enter and correct records
SECRETARIES = frozenset({Role.SECRETARY, Role.ADMIN})  # withdraw, restructure, review reports
ADMINISTRATORS = frozenset({Role.ADMIN})  # accounts, restoring history, the reveal log

# Full resident ID numbers are granted to named accounts, never by role.
PERSONAL_DATA_GRANT = "members.view_personal_data"


def _role_in(roles: frozenset[str], name: str) -> rules.Predicate:
    @rules.predicate(name=name)
    def has_role(user: User) -> bool:
        return bool(user.is_active and user.role in roles)

    return has_role


is_writer = _role_in(WRITERS, "is_writer")
is_secretary = _role_in(SECRETARIES, "is_secretary")
is_administrator = _role_in(ADMINISTRATORS, "is_administrator")


def _association_of(obj: models.Model) -> Association | None:
    if isinstance(obj, Association):
        return obj
    return getattr(obj, "association", None)


@rules.predicate
def in_scope(user: User, obj: models.Model | None) -> bool:
    """The object lies in the user's subtree (without an object: the user has a scope)."""
    if not user.is_active or (user.association_id is None and not user.is_superuser):
        return False
    if obj is None or user.association_id is None:
        return True
    path = owning_path(obj)
    return path is not None and path.startswith(user.association.path)


@rules.predicate
def below_own_unit(user: User, obj: models.Model | None) -> bool:
    """The object's association is strictly under the user's own (not the unit itself)."""
    if obj is None:
        return True
    association = _association_of(obj)
    return association is not None and association.pk != user.association_id


@rules.predicate
def own_unit(user: User, obj: models.Model | None) -> bool:
    association = _association_of(obj) if obj is not None else None
    return association is not None and association.pk == user.association_id


def staff_accounts() -> models.QuerySet[User]:
    """Accounts that can act for their own unit: active, with a role that writes. A unit with
    none (or only a read-only officer) is reported for by its parent."""
    return User.objects.filter(association__isnull=False, is_active=True, role__in=WRITERS)


@rules.predicate
def without_staff(user: User, obj: models.Model | None) -> bool:
    """The unit has no staff account of its own (its parent may act for it)."""
    association = _association_of(obj) if obj is not None else None
    if association is None:
        return True
    return not staff_accounts().filter(association=association).exists()


@rules.predicate
def granted_personal_data(user: User) -> bool:
    return ModelBackend().has_perm(user, PERSONAL_DATA_GRANT)


above = in_scope & below_own_unit

# ── The rules ─────────────────────────────────────────────────────────────────
rules.add_perm("scope.view", in_scope)
rules.add_perm("records.change", is_writer & in_scope)
rules.add_perm("records.withdraw", is_secretary & in_scope)
rules.add_perm("network.change", is_writer & in_scope)
rules.add_perm("network.restructure", is_secretary & above)
rules.add_perm("personal_data.view", granted_personal_data & in_scope)
rules.add_perm("reports.enter_on_behalf", is_writer & is_secretary & above & without_staff)
rules.add_perm("reports.submit", (is_writer & own_unit) | (is_secretary & above & without_staff))
rules.add_perm("reports.review", is_writer & is_secretary & above)
rules.add_perm("reports.review_children", is_writer & is_secretary & in_scope)
rules.add_perm("accounts.manage", is_administrator & in_scope)
rules.add_perm("history.restore", is_administrator & in_scope)
rules.add_perm("audit.view", is_administrator & in_scope)
rules.add_perm("templates.change", is_administrator & in_scope)

# Why a check failed, in the user's words (scope failures are worded by `require`).
REFUSALS = {
    "records.change": gettext_lazy("您的账号为只读，不能修改数据。"),
    "network.change": gettext_lazy("您的账号为只读，不能修改数据。"),
    "records.withdraw": gettext_lazy("只有秘书长或系统管理员可以作废或恢复记录。"),
    "network.restructure": gettext_lazy("只有上级协会的秘书长或系统管理员可以移动或撤销协会。"),
    "personal_data.view": gettext_lazy("您的账号没有查看完整个人信息的权限。"),
    "reports.submit": gettext_lazy("您不能上报该单位的报表。"),
    "reports.enter_on_behalf": gettext_lazy("只有上级协会的秘书长可以为没有工作人员的单位代填。"),
    "reports.review": gettext_lazy("只有上级协会的秘书长可以审核该报表。"),
    "reports.review_children": gettext_lazy("只有本级或上级协会的秘书长可以执行此操作。"),
    "accounts.manage": gettext_lazy("只有系统管理员可以管理账号。"),
    "history.restore": gettext_lazy("只有系统管理员可以恢复历史版本。"),
    "audit.view": gettext_lazy("只有系统管理员可以查看个人信息查看记录。"),
    "templates.change": gettext_lazy("只有系统管理员可以修改考核模板。"),
}


def require(user: User, perm: str, obj: models.Model | None = None, *, field: str = "") -> None:
    """Refuse unless `user` has `perm` on `obj`; every service calls this with its actor.

    An object outside the user's subtree is a ValidationError on `field` when one is
    named (a chosen association, a row of an import), so the form or the import shows it
    next to the value; anything else is PermissionDenied with the reason.
    """
    if user.has_perm(perm, obj):
        return
    if obj is not None and not in_scope(user, obj):
        message = _("“%(name)s”不在您的管辖范围内。") % {"name": _association_of(obj) or obj}
        if field:
            raise ValidationError({field: message})
        raise PermissionDenied(message)
    raise PermissionDenied(str(REFUSALS.get(perm, _("您无权执行此操作。"))))
