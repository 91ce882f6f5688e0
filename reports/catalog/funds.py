"""经费收支: the year's ledger lines, by the association that keeps them."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities.models import Direction, ExpensePurpose, FundSource, LedgerEntry

from .engine import Kind, Text, fmt, join, money, source

ledger = source(lambda year: LedgerEntry.objects.during(year), "association__path", section="funds")
_LEDGER = _("日期在当年的经费收支记录")
_BY_BOOKKEEPER = _("按记账协会计入范围。")
_INCOME = Q(direction=Direction.INCOME)
_EXPENSE = Q(direction=Direction.EXPENSE)


def _amount(code: str, name: Text, what: Text, condition: Q) -> None:
    ledger.indicator(
        code,
        name,
        join(_LEDGER, what, _BY_BOOKKEEPER),
        _("元"),
        kind=Kind.AMOUNT,
        value=lambda year: money("amount", condition),
    )


_amount("funds.income", _("经费收入"), _("中收入的金额之和。"), _INCOME)
for _source in FundSource:
    _amount(
        f"funds.income.{_source.value}",
        fmt(_("经费收入：%(source)s"), source=_source.label),
        fmt(_("中来源为“%(source)s”的收入金额之和。"), source=_source.label),
        _INCOME & Q(source=_source),
    )
_amount("funds.expense", _("经费支出"), _("中支出的金额之和。"), _EXPENSE)
for _purpose in ExpensePurpose:
    _amount(
        f"funds.expense.{_purpose.value}",
        fmt(_("经费支出：%(purpose)s"), purpose=_purpose.label),
        fmt(_("中用途为“%(purpose)s”的支出金额之和。"), purpose=_purpose.label),
        _EXPENSE & Q(purpose=_purpose),
    )
