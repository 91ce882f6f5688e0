"""The work records an association's move carries along (see `associations.restructuring`):
counted for the preview, with the earliest year they count in."""

from __future__ import annotations

from django.db.models import Min
from django.utils.translation import gettext as _

from associations.models import Association
from associations.restructuring import Part, Touched, register

from .models import Aid, Award, Event, LedgerEntry, Project

# Each kind with the date (or year) that places it in time.
_DATED = ((Event, "started_on"), (Project, "started_on"), (Aid, "given_on"), (LedgerEntry, "date"))


@register
class ActivitiesPart(Part):
    def touched(self, association: Association) -> list[Touched]:
        return [
            Touched(_("活动"), Event.objects.within(association).count()),
            Touched(_("项目"), Project.objects.within(association).count()),
            Touched(_("帮扶记录"), Aid.objects.within(association).count()),
            Touched(_("表彰"), Award.objects.within(association).count()),
            Touched(_("经费收支"), LedgerEntry.objects.within(association).count()),
        ]

    def first_year(self, association: Association) -> int | None:
        years = [
            first.year
            for model, date in _DATED
            if (first := model.objects.within(association).aggregate(d=Min(date))["d"])
        ]
        award = Award.objects.within(association).aggregate(y=Min("year"))["y"]
        years += [award] if award else []
        return min(years) if years else None
