"""会员联系户: liaison pairs on 31 December, the household register and its certificates."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from associations.models import live
from associations.years import dated_in, last_day
from members.models import (
    HOUSEHOLD_CATEGORIES,
    CertificateKind,
    Household,
    HouseholdCertificate,
    LiaisonPair,
)

from .engine import Aggregate, Text, count, fmt, join, rate, source

# Pairs count by the household's association; both sides must be live records.
pairs = source(
    lambda year: LiaisonPair.objects.active_on(last_day(year)).filter(
        live("member"), live("household")
    ),
    "household__association__path",
    section="liaison",
)

_ACTIVE_PAIRS = _(
    "12月31日正在结对的会员联系户（开始日期不晚于12月31日，结束日期未填或不早于12月31日）"
)
_BY_HOUSEHOLD = _("按联系户所属协会计入范围。")


def _pairs(code: str, name: Text, what: Text, unit: Text, value: Aggregate, **extra: Any) -> None:
    pairs.indicator(
        code, name, join(_ACTIVE_PAIRS, what, _BY_HOUSEHOLD), unit, value=value, **extra
    )


def _households(condition: Q | None = None) -> Aggregate:
    return lambda year: count("household", condition, distinct=True)


_pairs(
    "liaison.pairs",
    _("会员联系户结对数"),
    _("的结对数。"),
    _("对"),
    lambda year: count(),
)
_pairs(
    "liaison.households",
    _("结对联系户数"),
    _("涉及的户数（一户与多名会员结对只算一户）。"),
    _("户"),
    _households(),
)
_pairs(
    "liaison.members",
    _("结对会员数"),
    _("涉及的会员人数（一名会员联系多户只算一人；会员可属其他协会）。"),
    _("人"),
    lambda year: count("member", distinct=True),
    # Not additive: a member may liaise with households of several associations and
    # is counted once.
    additive=False,
)
_pairs(
    "liaison.contracts",
    _("签订帮扶合同的结对数"),
    _("中，合同签订日期不晚于12月31日的结对数。"),
    _("对"),
    lambda year: count("id", Q(contract_signed_on__lte=last_day(year))),
)
for _flag in HOUSEHOLD_CATEGORIES:
    _label = Household._meta.get_field(_flag).verbose_name  # the dict: sheet values
    _suffix = _flag.removeprefix("is_")
    _pairs(
        f"liaison.households.{_suffix}",
        fmt(_("结对联系户中的%(category)s数"), category=_label),
        fmt(_("涉及的户中，现标记为“%(category)s”的户数。"), category=_label),
        _("户"),
        _households(Q(**{f"household__{_flag}": True})),
    )
rate(
    "rate.members_with_liaison",
    _("会员联系户覆盖率"),
    _("12月31日有正在结对联系户的在册会员数 ÷ 12月31日在册会员总数。"),
    "liaison",
    "members.with_liaison",
    "members.total",
)
rate(
    "rate.liaison_contracts",
    _("联系户合同签订率"),
    _("签订帮扶合同的结对数 ÷ 12月31日正在结对的会员联系户结对数。"),
    "liaison",
    "liaison.contracts",
    "liaison.pairs",
)

# Households carry no dates: these are the register as it stands, whatever the year.
households = source(lambda year: Household.objects.all(), "association__path", section="liaison")
households.indicator(
    "households.total",
    _("登记服务户数"),
    _("范围内各协会现登记在册的户数（户的登记没有日期，任何年度都按现有登记计算）。"),
    _("户"),
    value=lambda year: count(),
)
for _flag in HOUSEHOLD_CATEGORIES:
    _label = Household._meta.get_field(_flag).verbose_name  # the dict: sheet values
    households.indicator(
        f"households.{_flag.removeprefix('is_')}",
        fmt(_("登记的%(category)s数"), category=_label),
        fmt(
            _("范围内现登记在册、标记为“%(category)s”的户数（任何年度都按现有登记计算）。"),
            category=_label,
        ),
        _("户"),
        value=lambda year, flag=_flag: count("id", Q(**{flag: True})),
    )

# Certificates issued by 31 December (an undated one counts as issued), of live households.
certificates = source(
    lambda year: HouseholdCertificate.objects.filter(
        Q(issued_on__isnull=True) | Q(issued_on__lte=last_day(year)), live("household")
    ),
    "household__association__path",
    section="liaison",
)
for _kind in CertificateKind:
    certificates.indicator(
        f"households.certificates.{_kind.value}",
        fmt(_("持%(kind)s户数"), kind=_kind.label),
        fmt(
            _(
                "范围内的户中，持有“%(kind)s”且发证日期不晚于12月31日的户数"
                "（未填发证日期的也计入）。"
            ),
            kind=_kind.label,
        ),
        _("户"),
        value=lambda year, kind=_kind: count("id", Q(kind=kind)),
    )
    certificates.indicator(
        f"households.certificates_issued.{_kind.value}",
        fmt(_("当年发放%(kind)s数"), kind=_kind.label),
        fmt(_("发证日期在当年的“%(kind)s”本数。"), kind=_kind.label),
        _("本"),
        value=lambda year, kind=_kind: count("id", Q(kind=kind) & dated_in("issued_on", year)),
    )
