"""组织建设: associations by level, member groups and integrity groups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.db.models.lookups import IsNull
from django.utils.translation import gettext_lazy as _

from associations.models import VILLAGE_LEVELS, Association, Level
from associations.years import in_force_on, last_day
from members.models import IntegrityGroup, MemberGroup

from .context import population, populous
from .engine import count, fmt, source, total


def association_active_on(prefix: str, day: dt.date) -> Q:
    """The association at `prefix` is founded (or has no date) and not dissolved on `day`."""
    return in_force_on(f"{prefix}__founded_on", f"{prefix}__dissolved_on", day, end_exclusive=True)


def village_on(prefix: str, day: dt.date) -> Q:
    """A village or residents' committee association active on `day`."""
    return Q(**{f"{prefix}__level__in": VILLAGE_LEVELS}) & association_active_on(prefix, day)


# Associations are never withdrawn, only dissolved: those in the register on 31 December.
associations = source(
    lambda year: Association.objects.active_on(last_day(year)), "path", section="org"
)

ORG_LEVELS: dict[str, Level] = {
    "county": Level.COUNTY,
    "town": Level.TOWN,
    "branch": Level.BRANCH,
    "village": Level.VILLAGE,
    "community": Level.COMMUNITY,
    "enterprise": Level.ENTERPRISE,
    "floating": Level.FLOATING,
}
ORG_LEVEL_NAMES: dict[str, Any] = {
    "county": _("县（区）级协会数"),
    "town": _("镇乡（街道）协会数"),
    "branch": _("分会数"),
    "village": _("村级协会数"),
    "community": _("居（社区）协会数"),
    "enterprise": _("企（事）业单位协会数"),
    "floating": _("流动人口协会数"),
}

associations.indicator(
    "org.associations.total",
    _("协会组织总数"),
    _(
        "12月31日在册的协会总数（成立日期不晚于12月31日或未填，且未撤销或撤销日期晚于"
        "12月31日），含本级协会。"
    ),
    _("个"),
    value=lambda year: count(),
)
for _suffix, _level in ORG_LEVELS.items():
    associations.indicator(
        f"org.associations.{_suffix}",
        ORG_LEVEL_NAMES[_suffix],
        fmt(
            _("12月31日在册、级别为“%(level)s”的协会数，本级协会属该级别的也计入。"),
            level=_level.label,
        ),
        _("个"),
        value=lambda year, level=_level: count("id", Q(level=level)),
    )
associations.indicator(
    "org.villages",
    _("村（居）协会数"),
    _("12月31日在册的村级协会与居（社区）协会合计；各项“村（居）”比率以此为分母。"),
    _("个"),
    value=lambda year: count("id", Q(level__in=VILLAGE_LEVELS)),
)

associations.indicator(
    "org.population",
    _("村（居）人口合计"),
    _(
        "12月31日在册的村（居）协会登记的人口数之和（按各协会登记的人口数；未登记的不计入，"
        "其个数见“未登记人口数的村（居）协会数”）。"
    ),
    _("人"),
    value=lambda year: total(population(year), Q(level__in=VILLAGE_LEVELS)),
)
associations.indicator(
    "org.villages_without_population",
    _("未登记人口数的村（居）协会数"),
    _("12月31日在册的村（居）协会中没有登记人口数的个数（它们不计入人口合计和“500人以上”）。"),
    _("个"),
    value=lambda year: count("id", Q(level__in=VILLAGE_LEVELS) & Q(IsNull(population(year), True))),
)
associations.indicator(
    "org.admin_villages_500",
    _("500人以上的行政村数"),
    _(
        "12月31日在册的村级协会（行政村，不含居（社区））中，登记人口数不少于500人的个数"
        "（“500人以上”含500人；未登记人口数的不计入）。"
    ),
    _("个"),
    value=lambda year: count("id", Q(level=Level.VILLAGE) & populous(year)),
)

member_groups = source(
    lambda year: MemberGroup.objects.active_on(last_day(year)), "association__path", section="org"
)
member_groups.indicator(
    "org.member_groups",
    _("会员小组数"),
    _(
        "范围内各协会所属、12月31日已成立（成立日期不晚于12月31日或未填）且未撤销"
        "（撤销日期晚于12月31日或未填）的会员小组数。"
    ),
    _("个"),
    value=lambda year: count(),
)

# A group whose guarantee agreement is dated is founded on that date.
integrity_groups = source(
    lambda year: IntegrityGroup.objects.filter(
        in_force_on("agreement_signed_on", "dissolved_on", last_day(year), end_exclusive=True)
    ),
    "association__path",
    section="org",
)
integrity_groups.indicator(
    "org.integrity_groups",
    _("诚信小组数"),
    _(
        "范围内各协会所属、12月31日未撤销（撤销日期晚于12月31日或未填）的诚信小组数；"
        "填了联保协议签订日期的，以签订日期为成立日期，须不晚于12月31日。"
    ),
    _("个"),
    value=lambda year: count(),
)
integrity_groups.indicator(
    "org.integrity_groups.signed",
    _("已签联保协议的诚信小组数"),
    _("上项诚信小组中，联保协议签订日期不晚于12月31日的小组数。"),
    _("个"),
    value=lambda year: count("id", Q(agreement_signed_on__isnull=False)),
)
