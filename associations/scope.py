"""The one place request-level scoping happens: fetch what the user may see, or 404.

The association a page is about arrives one way only: `?scope=<pk>` (or the pk in the
path), read by `requested_scope` through the scoped fetch.
"""

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
from .permissions import REFUSALS

SCOPE_PARAMETER = "scope"

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


def requested_scope(request: HttpRequest, pk: int | str | None = None) -> Association:
    """The association a page is about: the pk in the path, else `?scope=<pk>`, else the
    user's own. Anything the user may not see, or that is not an association, is 404."""
    if pk is None:
        pk = request.GET.get(SCOPE_PARAMETER) or None
    if pk is None:
        return default_scope(request.user)
    return get_visible_or_404(Association, request.user, pk=pk)


View = Callable[..., HttpResponse]


def perm_required(perm: str) -> Callable[[View], View]:
    """Login plus `perm` somewhere (a role that may do it); the object is checked again,
    with the object, by the view's scoped fetch and by the service."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_perm(perm):
                raise PermissionDenied(str(REFUSALS.get(perm, _("您无权执行此操作。"))))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


write_required = perm_required("records.change")
