"""The pass/fail checklists become scored templates that give the same results.

Every item is worth 1 point (the field's default); a template's pass mark is its old
rule in points: “all items” is the number of items (八有 8, 三有 3, 示范协会 4), “at least
N” is N (一好四建 4). An assessment's ticked items become scores of 1 point, its total is
the number it met, it has no grade (the checklists have no bands), and its stored `passed`
is left as it is: total ≥ pass mark says the same. Templates and assessments get a history
entry by the system saying why; each score row its creation.
"""

from collections import Counter

from django.db import migrations
from django.db.models import F
from django.utils import timezone

TEMPLATE_REASON = "改为计分考核：每项 1 分，达标分按原达标规则"
SCORE_REASON = "由原达标项折算为得分"


def _history_row(historical, instance, *, when, reason: str, kind: str = "~"):
    """A history entry of `instance` as it is now, by the system."""
    values = {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}
    return historical(
        **values,
        history_date=when,
        history_type=kind,
        history_change_reason=reason,
        history_user=None,
    )


def forwards(apps, schema_editor) -> None:
    Template = apps.get_model("activities", "AssessmentTemplate")
    Item = apps.get_model("activities", "AssessmentItem")
    Assessment = apps.get_model("activities", "Assessment")
    Score = apps.get_model("activities", "AssessmentScore")
    HistoricalTemplate = apps.get_model("activities", "HistoricalAssessmentTemplate")
    HistoricalAssessment = apps.get_model("activities", "HistoricalAssessment")
    HistoricalScore = apps.get_model("activities", "HistoricalAssessmentScore")
    now = timezone.now()

    for template in Template.objects.all():
        count = Item.objects.filter(template=template).count()
        at_least = template.pass_rule == "at_least" and template.pass_minimum
        template.pass_mark = template.pass_minimum if at_least else count
        template.save(update_fields=["pass_mark"])
        _history_row(HistoricalTemplate, template, when=now, reason=TEMPLATE_REASON).save()

    # Ticks of the assessment's own checklist (the services never stored others).
    ticks = Assessment.items_met.through.objects.filter(
        assessmentitem__template=F("assessment__template")
    ).values_list("assessment_id", "assessmentitem_id")
    scores = [Score(assessment_id=a, item_id=i, score=1) for a, i in ticks.iterator()]
    Score.objects.bulk_create(scores, batch_size=1000)
    HistoricalScore.objects.bulk_create(
        (
            _history_row(HistoricalScore, s, when=now, reason=SCORE_REASON, kind="+")
            for s in Score.objects.all().iterator()
        ),
        batch_size=1000,
    )

    met = Counter(a for a, _i in ticks.iterator())
    changed = []
    for assessment in Assessment.objects.iterator(chunk_size=2000):
        if met[assessment.pk]:  # the others stay at 0
            assessment.total_score = met[assessment.pk]
            changed.append(assessment)
    Assessment.objects.bulk_update(changed, ["total_score"], batch_size=1000)
    HistoricalAssessment.objects.bulk_create(
        (_history_row(HistoricalAssessment, a, when=now, reason=SCORE_REASON) for a in changed),
        batch_size=1000,
    )


def backwards(apps, schema_editor) -> None:
    Template = apps.get_model("activities", "AssessmentTemplate")
    Item = apps.get_model("activities", "AssessmentItem")
    Score = apps.get_model("activities", "AssessmentScore")
    Through = apps.get_model("activities", "Assessment").items_met.through
    for template in Template.objects.all():
        count = Item.objects.filter(template=template).count()
        if template.pass_mark == count:
            template.pass_rule, template.pass_minimum = "all", None
        else:
            template.pass_rule, template.pass_minimum = "at_least", int(template.pass_mark)
        template.save(update_fields=["pass_rule", "pass_minimum"])
    full = Score.objects.filter(score__gte=F("item__points"))
    Through.objects.bulk_create(
        Through(assessment_id=a, assessmentitem_id=i)
        for a, i in full.values_list("assessment_id", "item_id")
    )
    Score.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0007_scored_assessments"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
