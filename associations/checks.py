"""Deployment checks of our own (`manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def personal_data_key_check(app_configs, **kwargs) -> list[Error]:
    if settings.PERSONAL_DATA_KEY == settings.DEVELOPMENT_PERSONAL_DATA_KEY:
        return [
            Error(
                "PERSONAL_DATA_KEY is the documented development key.",
                hint="Set a key of your own (see .env.example) before any real data is entered.",
                id="associations.E001",
            )
        ]
    return []
