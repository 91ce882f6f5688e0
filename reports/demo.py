"""Demo submissions: the district's towns reporting 2026 up to the district (after its plan
and targets, `demo_targets`)."""

from __future__ import annotations

import datetime as dt

from associations.models import Association, Level, User

from . import demo_targets, services
from .models import AnnualReport
from .selectors import report_for

YEAR = 2026
DEADLINE = dt.date(2027, 1, 15)
# town code → what has happened to its report so far
PROGRESS = {
    "330703101": "approved",  # 孝顺镇 reports itself
    "330703103": "returned",  # 曹宅镇 reports itself and was sent back
    "330703001": "approved",
    "330703002": "approved",
    "330703102": "submitted",
    "330703104": "submitted",
}


def seed(stdout, *, scale: float = 1.0) -> None:
    district = Association.objects.get(code="330703")
    secretary = User.objects.get(username="qu_mishu")
    # Plans and targets are set at the start of the year, before any report goes up.
    demo_targets.seed(stdout, district, secretary)
    if AnnualReport.objects.filter(association__parent=district, year=YEAR).exists():
        return
    own_secretaries = {
        user.association.code: user
        for user in User.objects.filter(username__in=["xiaoshun_mishu", "caozhai_mishu"])
    }
    services.deadline_set(parent=district, year=YEAR, due_on=DEADLINE, by=secretary)
    towns = district.children.filter(level=Level.TOWN, code__in=PROGRESS)
    for town in towns:
        step = PROGRESS[town.code]
        # Towns without staff accounts are reported by the district on their behalf.
        by = own_secretaries.get(town.code, secretary)
        report = services.report_submit(report=report_for(town, YEAR), by=by)
        if step == "approved":
            services.report_approve(report=report, by=secretary, comment="数据核实无误。")
        elif step == "returned":
            services.report_return(
                report=report,
                by=secretary,
                comment="会员联系户数据与上年差异较大，请核实后重新上报。",
            )
    stdout.write(f"{YEAR} 年度报表：{len(PROGRESS)} 个镇（街道）已上报，截止 {DEADLINE}。")
