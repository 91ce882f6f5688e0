"""zh-hans is the source language and the default; zh-Hant and English are complete,
idiomatic, and never mix in simplified Chinese, slugs or Django's machine-like wording."""

import re
from pathlib import Path

import polib
import pytest
import zhconv
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from associations.management.commands.translate_traditional import NEUTRAL_WORDS
from members.models import Member

CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|\{\w+\}")


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(
        str(Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po")
    )


def _translations(catalogue: polib.POFile) -> list[str]:
    return [text for e in catalogue for text in (e.msgstr, *e.msgstr_plural.values()) if text]


@pytest.mark.parametrize("language", ["en", "zh_Hant"])
def test_catalogue_is_complete(language):
    catalogue = _catalogue(language)
    assert len(catalogue) > 1000
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_traditional_catalogue_has_no_simplified_only_character_or_mainland_word():
    texts = _translations(_catalogue("zh_Hant"))
    simplified = {
        ch for text in texts for ch in CJK.findall(text) if zhconv.convert(ch, "zh-hant") != ch
    }
    assert simplified == set()
    assert [text for text in texts if any(word in text for word in NEUTRAL_WORDS)] == []
    assert "登入" in texts  # "登錄" reads as "register" in Taiwan


# Spreadsheet headers and cell values are Chinese whatever the interface language (files
# travel between users), so the help about them quotes them as they are typed.
SPREADSHEET_HELP = re.compile(r"/imports|spreadsheets/|associations/dates\.py")


def test_english_catalogue_has_no_chinese_and_no_slug():
    catalogue = _catalogue("en")
    about_pages = [
        text
        for e in catalogue
        if not all(SPREADSHEET_HELP.search(path) for path, _line in e.occurrences)
        for text in (e.msgstr, *e.msgstr_plural.values())
    ]
    assert [text for text in about_pages if CJK.search(text)] == []
    slug = re.compile(r"\b[a-z]+_[a-z_]+\b")
    leaked = [  # a code the source text names (e.g. rate.villages_ba_you) is not a leak
        text
        for e in catalogue
        for text in (e.msgstr, *e.msgstr_plural.values())
        if set(slug.findall(PLACEHOLDER.sub("", text))) - set(slug.findall(e.msgid))
    ]
    assert leaked == []


@pytest.mark.parametrize(
    ("language", "too_long", "decimals"),
    [
        ("zh-hans", "最多 2 个字，现为 3 个。", "最多保留 2 位小数。"),
        ("zh-hant", "最多 2 個字，現為 3 個。", "最多保留 2 位小數。"),
        ("en", "At most 2 characters (this has 3).", "At most 2 decimal places."),
    ],
)
def test_django_validation_messages_are_reworded(language, too_long, decimals):
    with translation.override(language):
        with pytest.raises(ValidationError) as error:
            forms.CharField(max_length=2).clean("abc")
        assert error.value.messages == [too_long]
        with pytest.raises(ValidationError) as error:
            forms.DecimalField(decimal_places=2).clean("1.234")
        assert error.value.messages == [decimals]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "组织网络"), ("zh-hant", "組織網絡"), ("en", "Organisation network")],
)
def test_pages_follow_the_chosen_language(client_for, town_secretary, language, expected):
    client = client_for(town_secretary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert expected in client.get(reverse("associations:tree")).content.decode()


def test_the_browser_language_is_not_followed(client_for, town_secretary):
    page = client_for(town_secretary).get(reverse("associations:tree"), HTTP_ACCEPT_LANGUAGE="en")
    assert "组织网络" in page.content.decode() and page["Content-Language"] == "zh-hans"


def test_the_chosen_language_is_kept_on_the_account(client, client_for, town_secretary):
    client = client_for(town_secretary)
    back = reverse("associations:tree")
    response = client.post(reverse("set_language"), {"language": "zh-hant", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    town_secretary.refresh_from_db()
    assert town_secretary.language == "zh-hant"
    client.cookies.clear()  # another browser: the account's choice still counts
    client.force_login(town_secretary)
    assert "組織網絡" in client.get(back).content.decode()


def test_switching_elsewhere_goes_home(client_for, town_secretary):
    client = client_for(town_secretary)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_switching_language_on_a_form_with_errors_keeps_the_input_and_saves_nothing(
    client_for, town_secretary, village_a1
):
    client = client_for(town_secretary)
    typed = {
        "association": village_a1.pk,
        "name": "王秀英",
        "gender": "female",
        "registration": "local",
        "joined_on": "2025-13-40",
    }
    page = client.post(reverse("members:create"), {**typed, "_language": "en"})
    body = page.content.decode()
    assert page.status_code == 200 and 'lang="en"' in body
    assert "王秀英" in body and "2025-13-40" in body
    assert page.context["form"].errors["joined_on"] == [
        "Please enter a valid date, e.g. 2025-05-29."
    ]
    town_secretary.refresh_from_db()
    assert town_secretary.language == "en"
    # A form that would be valid is still only shown again: the switch is not a save.
    client.post(
        reverse("members:create"), {**typed, "joined_on": "2025-05-29", "_language": "zh-hans"}
    )
    assert not Member.objects.filter(name="王秀英").exists()
