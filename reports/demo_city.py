"""The city's stored figures, computed once after its records are loaded."""

from __future__ import annotations

import time

from associations.demo_city import CITY_CODE
from associations.models import Association

from .catalog.store import rebuild, stored_years
from .models import FigureRefresh


def seed(stdout) -> None:
    started = time.monotonic()
    if not Association.objects.filter(code=CITY_CODE).exists():
        return
    years = [year for year in stored_years() if year >= 2023]
    for year in years:
        rebuild(year)
    FigureRefresh.objects.all().delete()  # everything was just computed
    stdout.write(
        f"指标存量：{len(years)} 个年度全部重算，用时 {time.monotonic() - started:.0f} 秒。"
    )
