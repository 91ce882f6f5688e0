"""A new assessment whose template scores items from indicators gets them filled from the
catalog as soon as it is saved (the activities app cannot call the reports: it is lower).

It runs once the transaction that created it commits (its hand scores are written by then),
as the assessment's own author; an item that cannot be scored leaves it as it was (the
results page's 按指标计分 says why).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_save

logger = logging.getLogger(__name__)


def _fill_later(pk: int, by_pk: int) -> None:
    from activities.models import Assessment
    from associations.models import User

    from .services import assessment_fill

    assessment = Assessment.objects.select_related("association", "template").filter(pk=pk).first()
    by = User.objects.filter(pk=by_pk).first()
    if assessment is None or by is None:
        return
    try:
        with transaction.atomic():
            assessment_fill(by=by, assessment=assessment)
    except (ValidationError, PermissionDenied) as exc:
        logger.warning("Assessment %s not filled from indicators: %s", pk, exc)


def _after_assessment_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not created:
        return
    by = getattr(instance, "_history_user", None) or instance.assessed_by
    if by is None or not instance.template.items.exclude(indicator_code="").exists():
        return
    transaction.on_commit(lambda: _fill_later(instance.pk, by.pk))


def connect_signals() -> None:
    """Called once at start-up (ReportsConfig.ready)."""
    from activities.models import Assessment

    post_save.connect(
        _after_assessment_saved, sender=Assessment, dispatch_uid="reports-fill-new-assessment"
    )
