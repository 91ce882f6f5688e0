"""Answers every page shares: the page's language, and an unusable year in its address."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from .services import account_set_language
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


# A form page posted again with this field only switches the language: the form is
# validated and shown again with what was typed, nothing is saved (see `run_service`).
LANGUAGE_SWITCH_FIELD = "_language"


def chosen_language(request: HttpRequest) -> str:
    """The signed-in user's choice, else the one made before signing in (a cookie), else
    zh-hans — never the browser's Accept-Language: offices share PCs whose browsers were
    set up in English, and the work is in Chinese."""
    user = getattr(request, "user", None)
    languages = dict(settings.LANGUAGES)
    for language in (
        getattr(user, "language", "") if user is not None and user.is_authenticated else "",
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
    ):
        if language in languages:
            return language
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Activates `chosen_language` (after authentication, so the user's choice counts).
    A language switch posted with a form (`LANGUAGE_SWITCH_FIELD`) is stored once the
    CSRF check has passed, so another site cannot change it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response

    def process_view(self, request: HttpRequest, view, args, kwargs) -> None:
        if request.method != "POST" or not request.POST.get(LANGUAGE_SWITCH_FIELD):
            return
        language = request.POST[LANGUAGE_SWITCH_FIELD]
        if language in dict(settings.LANGUAGES) and request.user.is_authenticated:
            account_set_language(by=request.user, language=language)
            translation.activate(language)
            request.LANGUAGE_CODE = language
