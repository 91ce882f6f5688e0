"""村（居）民自治: the year's self-governance records of village associations."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities.models import SelfGovernance
from associations.models import Level
from associations.years import last_day

from .engine import Text, count, fmt, join, rate, source, total
from .org import village_on

records = source(
    lambda year: SelfGovernance.objects.filter(year=year), "association__path", section="selfgov"
)
_SELFGOV_VILLAGES = _("12月31日在册的村（居）协会中，当年村民自治记录")


_SELFGOV_ADMIN_VILLAGES = _("12月31日在册的村级协会（行政村，不含居（社区））中，当年村民自治记录")


def _villages(code: str, name: Text, what: Text, condition: Q, *, admin_only: bool = False) -> None:
    """Village associations in the register on 31 December whose record meets `condition`
    (with `admin_only`, villages proper: the residents' committees are left out)."""
    level = Q(association__level=Level.VILLAGE) if admin_only else Q()
    records.indicator(
        code,
        name,
        join(_SELFGOV_ADMIN_VILLAGES if admin_only else _SELFGOV_VILLAGES, what),
        _("个"),
        value=lambda year: count(
            "association",
            village_on("association", last_day(year)) & level & condition,
            distinct=True,
        ),
    )


_CHARTER = Q(charter_adopted=True)
_villages(
    "selfgov.villages_with_charter",
    _("已制定自治章程的村（居）数"),
    _("为“已制定自治章程”的协会数。"),
    _CHARTER,
)
CHARTER_PROVISIONS = {
    "one_child": ("benefits_one_child", _("章程含独生子女户优惠的村（居）数")),
    "second_birth_waiver": ("rewards_second_birth_waiver", _("章程含放弃二孩奖励的村（居）数")),
    "checkups": ("subsidises_checkups", _("章程含孕检/健康检查补助的村（居）数")),
}
for _suffix, (_flag, _name) in CHARTER_PROVISIONS.items():
    _villages(
        f"selfgov.charters.{_suffix}",
        _name,
        fmt(
            _("为“已制定自治章程”且勾选“%(provision)s”的协会数。"),
            provision=SelfGovernance._meta.get_field(_flag).verbose_name,
        ),
        _CHARTER & Q(**{_flag: True}),
    )
_villages(
    "selfgov.agreement_villages",
    _("签订自治协议的村（居）数"),
    _("的“已签协议户数”大于0的协会数。"),
    Q(households_signed__gt=0),
)
# "全镇41个村已有37个……签订率在80%以上": the seeds count villages proper (行政村) here.
_villages(
    "selfgov.agreement_admin_villages",
    _("签订自治协议的行政村数"),
    _("的“已签协议户数”大于0的协会数。"),
    Q(households_signed__gt=0),
    admin_only=True,
)
_villages(
    "selfgov.charter_admin_villages",
    _("已制定自治章程的行政村数"),
    _("为“已制定自治章程”的协会数。"),
    _CHARTER,
    admin_only=True,
)
_villages(
    "selfgov.villages_recorded",
    _("有村民自治记录的村（居）数"),
    _("存在（未作废）的协会数。"),
    Q(),
)
_villages(
    "selfgov.pilot_villages",
    _("村民自治试点村（居）数"),
    _("标记为“试点村”的协会数。"),
    Q(is_pilot=True),
)
records.indicator(
    "selfgov.households_due",
    _("应签自治协议户数"),
    _("范围内各协会当年村民自治记录的“应签协议户数”之和。"),
    _("户"),
    value=lambda year: total("households_due"),
)
records.indicator(
    "selfgov.households_signed",
    _("已签自治协议户数"),
    _("范围内各协会当年村民自治记录的“已签协议户数”之和。"),
    _("户"),
    value=lambda year: total("households_signed"),
)
rate(
    "rate.villages_with_charter",
    _("自治章程制定率"),
    _(
        "已制定自治章程的村（居）数 ÷ 12月31日在册的村（居）协会数（村级协会与居（社区）协会"
        "合计，没有村民自治记录的也在分母内；只算行政村的见“行政村自治章程制定率”）。"
    ),
    "selfgov",
    "selfgov.villages_with_charter",
    "org.villages",
)
rate(
    "rate.agreement_villages",
    _("自治协议签订村（居）比例"),
    _(
        "签订自治协议的村（居）数 ÷ 12月31日在册的村（居）协会数（村级协会与居（社区）协会"
        "合计，没有村民自治记录的也在分母内；只算行政村的、只算有记录的，见另两项比例）。"
    ),
    "selfgov",
    "selfgov.agreement_villages",
    "org.villages",
)
rate(
    "rate.agreement_households",
    _("自治协议签订率（户）"),
    _("已签自治协议户数 ÷ 应签自治协议户数。"),
    "selfgov",
    "selfgov.households_signed",
    "selfgov.households_due",
)
rate(
    "rate.agreement_villages_recorded",
    _("有记录村（居）的自治协议签订比例"),
    _(
        "签订自治协议的村（居）数 ÷ 当年有村民自治记录的村（居）数（没有记录的村（居）"
        "不在分母内）。"
    ),
    "selfgov",
    "selfgov.agreement_villages",
    "selfgov.villages_recorded",
)
rate(
    "rate.agreement_admin_villages",
    _("行政村自治协议签订比例"),
    _("签订自治协议的行政村数 ÷ 12月31日在册的村级协会数（不含居（社区））。"),
    "selfgov",
    "selfgov.agreement_admin_villages",
    "org.associations.village",
)
rate(
    "rate.charter_admin_villages",
    _("行政村自治章程制定率"),
    _("已制定自治章程的行政村数 ÷ 12月31日在册的村级协会数（不含居（社区））。"),
    "selfgov",
    "selfgov.charter_admin_villages",
    "org.associations.village",
)
# "在已经制订《村民自治章程》的39个村中，有松木村等20个村规定了对独生子女家庭的优待措施".
CHARTER_SHARES = {
    "one_child": _("章程含独生子女户优惠的比例"),
    "second_birth_waiver": _("章程含放弃二孩奖励的比例"),
    "checkups": _("章程含孕检/健康检查补助的比例"),
}
for _suffix, (_flag, _name) in CHARTER_PROVISIONS.items():
    rate(
        f"rate.charters.{_suffix}",
        CHARTER_SHARES[_suffix],
        fmt(
            _("%(name)s ÷ 已制定自治章程的村（居）数（没有章程的村（居）不在分母内）。"),
            name=_name,
        ),
        "selfgov",
        f"selfgov.charters.{_suffix}",
        "selfgov.villages_with_charter",
    )
