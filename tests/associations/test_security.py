"""The hardened web surface: production settings pass `check --deploy`, the app refuses to start
without its keys, logins are throttled, pages carry a Content-Security-Policy they satisfy, and
errors are the site's own pages."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = settings.BASE_DIR
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "k3Jd9-production-like-secret-key-with-enough-entropy-5fQ2xZ8wLm1pR7vT",
    "PERSONAL_DATA_KEY": "cHJvZHVjdGlvbi1saWtlLWtleS0wMDAwMDAwMDAwMDA=",
    "HTTPS": "True",
    "ALLOWED_HOSTS": "jsx.example.org",
    "ENV_FILE": "/dev/null",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    test_only = ("SECRET_KEY", "PERSONAL_DATA_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_development_personal_data_key_fails_the_deployment_check():
    env = {**PRODUCTION, "PERSONAL_DATA_KEY": settings.DEVELOPMENT_PERSONAL_DATA_KEY}
    result = _manage("check", "--deploy", **env)
    assert result.returncode != 0 and "associations.E001" in result.stderr


def test_without_debug_the_app_refuses_to_start_without_its_keys():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = _manage("check", **env)
    assert (
        result.returncode != 0 and "SECRET_KEY and PERSONAL_DATA_KEY must be set" in result.stderr
    )


def test_five_wrong_passwords_lock_the_account_out(client, village_clerk):
    url = reverse("login")
    for _ in range(4):
        response = client.post(url, {"username": "village_clerk", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(url, {"username": "village_clerk", "password": "wrong"})
    assert response.status_code == 429  # the fifth wrong password locks the account out
    response = client.post(url, {"username": "village_clerk", "password": "pw-for-tests-1"})
    assert response.status_code == 429 and "暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_right_password_logs_in_and_the_session_ends_when_idle(client, village_clerk):
    response = client.post(
        reverse("login"), {"username": "village_clerk", "password": "pw-for-tests-1"}
    )
    assert response.status_code == 302
    assert settings.SESSION_COOKIE_AGE == 3600 and settings.SESSION_SAVE_EVERY_REQUEST


def test_pages_carry_a_policy_they_satisfy(client_for, town_secretary, network):
    client = client_for(town_secretary)
    for url in (
        reverse("associations:tree"),
        reverse("associations:detail", args=[network["village_a1"].pk]),
        reverse("associations:imports"),
        reverse("associations:jobs"),
    ):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "object-src 'none'" in policy
        page = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), url  # no inline scripts
        assert not re.search(r"\son[a-z]+=", page), url  # no inline event handlers
        assert "javascript:" not in page


@pytest.mark.parametrize("status", [403, 404])
def test_errors_are_the_sites_own_pages_with_the_reason(client_for, outsider, network, status):
    client = client_for(outsider)
    if status == 404:
        response = client.get(reverse("associations:detail", args=[network["village_a1"].pk]))
        words = "没有找到"
    else:
        response = client.get(reverse("associations:personal_data_log"))
        words = "只有系统管理员可以查看个人信息查看记录"
    page = response.content.decode()
    assert response.status_code == status
    assert words in page and reverse("associations:tree") in page  # with the site's navigation
    assert "甲一村" not in page
