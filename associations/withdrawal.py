"""The pages that withdraw (作废) a record with a reason and restore it, for every app's record
kinds: each app names its kinds (model, services, the record's page) and routes to these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms import WithdrawForm, run_service
from .scope import get_visible_or_404


@dataclass(frozen=True)
class WithdrawableKind:
    model: type[Model]
    keyword: str  # the services' keyword for the record
    withdraw: Callable[..., Any]
    restore: Callable[..., Any]
    page: Callable[[Any], str]  # the URL of the record's page (withdrawn ones show there too)


def kind_named(kinds: dict[str, WithdrawableKind], name: str) -> WithdrawableKind:
    if name not in kinds:
        raise Http404(_("没有这种记录。"))
    return kinds[name]


def withdraw_page(request: HttpRequest, kind: WithdrawableKind, pk: int) -> HttpResponse:
    """Ask for the reason (GET), then withdraw (POST) and go back to the record's page."""
    record = get_visible_or_404(kind.model.objects, request.user, pk=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and run_service(
        form, kind.withdraw, by=request.user, **{kind.keyword: record}
    ):
        messages.success(request, _("已作废“%(name)s”，需要时可以恢复。") % {"name": record})
        return redirect(kind.page(record))
    context = {
        "object": record,
        "model_name": kind.model._meta.verbose_name,
        "form": form,
        "cancel_url": kind.page(record),
    }
    return render(request, "includes/withdraw.html", context)


def restore_action(request: HttpRequest, kind: WithdrawableKind, pk: int) -> HttpResponse:
    withdrawn = kind.model.all_objects.filter(withdrawn_at__isnull=False)
    record = get_visible_or_404(withdrawn, request.user, pk=pk)
    try:
        kind.restore(by=request.user, **{kind.keyword: record})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已恢复“%(name)s”。") % {"name": record})
    return redirect(kind.page(record))
