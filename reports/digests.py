"""The daily 待办 digest for every account with an e-mail address (see `services.digest_send`):
run by `manage.py send_digests` from cron, or enqueued as the `send_digests` task."""

from __future__ import annotations

from dataclasses import dataclass

from associations.models import User
from associations.services import system_actor

from . import services


@dataclass(frozen=True)
class DigestRun:
    sent: int
    skipped: int  # already sent today, or nothing new


def send_digests() -> DigestRun:
    by = system_actor()
    accounts = User.objects.filter(is_active=True).exclude(email="").order_by("pk")
    sent = skipped = 0
    for user in accounts.iterator():
        if services.digest_send(user=user, by=by):
            sent += 1
        else:
            skipped += 1
    return DigestRun(sent, skipped)
