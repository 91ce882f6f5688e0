"""zh-hans is the source language; the zh-Hant and English catalogues must be complete."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse


@pytest.mark.parametrize("language", ["en", "zh_Hant"])
def test_catalogue_is_complete(language):
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(path))
    assert len(catalogue) > 1000
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "组织网络"), ("zh-hant", "組織網絡"), ("en", "Organisation network")],
)
def test_pages_follow_the_chosen_language(client_for, town_secretary, language, expected):
    client = client_for(town_secretary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert expected in client.get(reverse("associations:tree")).content.decode()
