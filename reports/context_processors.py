"""The navigation badge's count of open 待办 items, when known: a cache read, never a query
(a page rendered without a fresh count lets the badge ask `reports:inbox_count`)."""

from __future__ import annotations

from django.http import HttpRequest

from .inbox import cached_count


def inbox_badge(request: HttpRequest) -> dict[str, int | None]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_badge": cached_count(user)}
