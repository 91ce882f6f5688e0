"""The one place request-level scoping happens: fetch what the user may see, or 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .models import Association

M = TypeVar("M", bound=models.Model)


def visible(model_or_queryset: type[M] | models.QuerySet[M], user) -> models.QuerySet[M]:
    """Every row of a scoped model that `user` may see."""
    queryset = (
        model_or_queryset._default_manager.all()
        if isinstance(model_or_queryset, type)
        else model_or_queryset
    )
    return queryset.visible_to(user)


def get_visible_or_404(model_or_queryset: type[M] | models.QuerySet[M], user, **lookup: Any) -> M:
    """One row the user may see; anything outside their subtree is simply not found."""
    try:
        return visible(model_or_queryset, user).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("没有找到该记录，或您无权查看。")) from exc


def default_scope(user) -> Association:
    """The association a page shows when none is chosen: the user's own, or the first root."""
    if user.association_id:
        return user.association
    root = Association.objects.filter(parent__isnull=True).order_by("path").first()
    if root is None:
        raise Http404(_("系统中还没有任何协会。"))
    return root


View = Callable[..., HttpResponse]


def write_required(view: View) -> View:
    """Login plus a role that may change records; read-only officers get 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.can_write:
            raise PermissionDenied(_("您的账号为只读，不能修改数据。"))
        return view(request, *args, **kwargs)

    return wrapped


def secretary_required(view: View) -> View:
    """Login plus the secretary (or administrator) role."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_secretary:
            raise PermissionDenied(_("只有秘书长或系统管理员可以执行此操作。"))
        return view(request, *args, **kwargs)

    return wrapped
