"""待办: the signed-in user's inbox page, and the navigation badge's count."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import inbox, services


@login_required
@require_safe
def inbox_page(request: HttpRequest) -> HttpResponse:
    # Jobs finished since the previous visit are shown once more, then no longer news.
    seen_at = inbox.last_seen(request.user)
    items = inbox.inbox_items(request.user, seen_at=seen_at)
    services.inbox_mark_seen(by=request.user)
    inbox.remember_count(request.user, sum(1 for item in items if item.kind != inbox.JOB))
    return render(request, "reports/inbox/list.html", {"items": items, "seen_at": seen_at})


@login_required
@require_safe
def inbox_count(request: HttpRequest) -> JsonResponse:
    """What the badge asks when the page was rendered without a fresh count."""
    return JsonResponse({"count": inbox.open_count(request.user)})
