"""An unusable year in any page's address gets the same answer everywhere."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .years import YearError, default_report_year


class YearErrorMiddleware:
    """Render a `YearError` raised by a view as the site's 400 page with the message and a
    year picker, rather than a silent default or a bare error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, YearError):
            return None
        query = request.GET.copy()
        query.pop("year", None)
        context = {
            "reason": exception.messages[0],
            "year_query": query,
            "default_year": default_report_year(),
        }
        return render(request, "400.html", context, status=400)
