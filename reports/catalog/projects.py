"""项目与帮扶: projects running in the year and aid given in it."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from activities.models import Aid, AidKind, Project, ProjectKind
from associations.models import VILLAGE_LEVELS, live
from associations.years import dated_in
from members.models import HOUSEHOLD_CATEGORIES, Household

from .engine import Aggregate, Kind, count, fmt, join, money, rate, source, total
from .liaison import households
from .org import associations

projects = source(
    lambda year: Project.objects.running_in(year), "association__path", section="projects"
)

_RUNNING = _("当年在实施的项目（开始日期不晚于12月31日，结束日期未填或不早于1月1日）")
_BY_IMPLEMENTER = _("按实施协会计入范围。")

projects.indicator(
    "projects.total",
    _("在实施项目数"),
    join(_RUNNING, _("的项目数。"), _BY_IMPLEMENTER),
    _("项"),
    value=lambda year: count(),
)
for _kind in ProjectKind:
    projects.indicator(
        f"projects.{_kind.value}",
        fmt(_("“%(kind)s”项目数"), kind=_kind.label),
        join(_RUNNING, fmt(_("中类别为“%(kind)s”的项目数。"), kind=_kind.label), _BY_IMPLEMENTER),
        _("项"),
        value=lambda year, kind=_kind: count("id", Q(kind=kind)),
    )
projects.indicator(
    "projects.started",
    _("新启动项目数"),
    _("开始日期在当年的项目数，按实施协会计入范围。"),
    _("项"),
    value=lambda year: count("id", dated_in("started_on", year)),
)
PROJECT_TOTALS: dict[str, tuple[Any, Any, Kind]] = {
    "funds_raised": (_("项目筹集资金"), _("筹集资金"), Kind.AMOUNT),
    "funds_spent": (_("项目支出资金"), _("支出资金"), Kind.AMOUNT),
    "households_out_of_poverty": (_("项目帮助脱贫户数"), _("帮助脱贫户数"), Kind.COUNT),
    "jobs_created": (_("项目安置就业人数"), _("安置就业人数"), Kind.COUNT),
    "fixed_assets": (_("项目固定资产"), _("固定资产"), Kind.AMOUNT),
    "output_value": (_("项目产值"), _("产值"), Kind.AMOUNT),
    "tax_paid": (_("项目利税"), _("利税"), Kind.AMOUNT),
}
PROJECT_UNITS = {"households_out_of_poverty": _("户"), "jobs_created": _("人")}
for _field, (_name, _label, _figure_kind) in PROJECT_TOTALS.items():
    projects.indicator(
        f"projects.{_field}",
        _name,
        join(
            _RUNNING,
            fmt(_("的“%(field)s”之和。"), field=_label),
            _BY_IMPLEMENTER,
            _("项目登记的是累计数，跨年项目在实施的每一年都计入全数。"),
        ),
        PROJECT_UNITS.get(_field, _("元")),
        kind=_figure_kind,
        value=lambda year, name=_field, kind=_figure_kind: (
            money(name) if kind == Kind.AMOUNT else total(name)
        ),
    )


def _project_aid(year: int) -> QuerySet[Aid]:
    """Live aid given in `year` within a live project."""
    return Aid.objects.during(year).filter(
        live("household"), live("project"), project__isnull=False
    )


def _runs_project(year: int) -> Q:
    """The association runs a project in `year`, or its households get project aid that year.

    Counted on the association rows, so that a village is counted once however
    many projects or aided households it has.
    """
    running = Project.objects.running_in(year).filter(association=OuterRef("pk"))
    aided = _project_aid(year).filter(household__association=OuterRef("pk"))
    return Q(Exists(running)) | Q(Exists(aided))


associations.indicator(
    "projects.villages",
    _("开展项目的村（居）协会数"),
    _(
        "12月31日在册的村（居）协会中当年开展了项目的协会数：本协会是某个当年在实施项目的"
        "实施协会，或本协会登记的户当年在某个项目中受到帮扶（有项目的帮扶记录）；"
        "一个村（居）只算一次。"
    ),
    _("个"),
    section="projects",
    value=lambda year: count("id", Q(level__in=VILLAGE_LEVELS) & _runs_project(year)),
)
rate(
    "rate.villages_with_project",
    _("村（居）项目开展率"),
    _("开展项目的村（居）协会数 ÷ 12月31日在册的村（居）协会数（村级协会与居（社区）协会合计）。"),
    "projects",
    "projects.villages",
    "org.villages",
)

# Aid of a withdrawn household or project is withdrawn with it (aid outside any
# project has no project to check: `live` keeps it).
aid = source(
    lambda year: Aid.objects.during(year).filter(live("household"), live("project")),
    "household__association__path",
    section="projects",
)
_AID = _("帮扶日期在当年的帮扶记录（项目内外都算）")
_BY_AIDED = _("按受助户所属协会计入范围。")


def _aided(condition: Q | None = None) -> Aggregate:
    return lambda year: count("household", condition, distinct=True)


aid.indicator(
    "aid.records",
    _("帮扶次数"),
    join(_AID, _("的条数。"), _BY_AIDED),
    _("次"),
    value=lambda year: count(),
)
aid.indicator(
    "aid.households",
    _("受帮扶户数"),
    join(_AID, _("涉及的户数（一户多次受助只算一户）。"), _BY_AIDED),
    _("户"),
    value=_aided(),
)
aid.indicator(
    "aid.project_households",
    _("项目内受帮扶户数"),
    join(_AID, _("中属于某个项目的记录涉及的户数。"), _BY_AIDED),
    _("户"),
    value=_aided(Q(project__isnull=False)),
)
aid.indicator(
    "aid.fp_households",
    _("受帮扶的实行计划生育家庭户数"),
    _("上项受帮扶户中，现标记为“实行计划生育家庭”的户数。"),
    _("户"),
    value=_aided(Q(household__is_family_planning=True)),
)
for _flag in HOUSEHOLD_CATEGORIES:
    _label = Household._meta.get_field(_flag).verbose_name  # the dict: sheet values
    if _flag == "is_family_planning":
        continue
    _suffix = _flag.removeprefix("is_")
    aid.indicator(
        f"aid.households.{_suffix}",
        fmt(_("受帮扶的%(category)s数"), category=_label),
        fmt(_("上项受帮扶户中，现标记为“%(category)s”的户数。"), category=_label),
        _("户"),
        value=_aided(Q(**{f"household__{_flag}": True})),
    )
aid.indicator(
    "aid.amount",
    _("帮扶金额"),
    join(_AID, _("的金额之和（实物、贷款按登记的折算金额）。"), _BY_AIDED),
    _("元"),
    kind=Kind.AMOUNT,
    value=lambda year: money("amount"),
)
# By the kind of aid ("养老保险补助", "成才奖学金", "贷款、购物质"): households and amounts.
for _kind in AidKind:
    aid.indicator(
        f"aid.kind.{_kind.value}.households",
        fmt(_("受%(kind)s帮扶户数"), kind=_kind.label),
        join(
            _AID,
            fmt(_("中方式为“%(kind)s”的记录涉及的户数（一户多次只算一户）。"), kind=_kind.label),
            _BY_AIDED,
        ),
        _("户"),
        value=_aided(Q(kind=_kind)),
    )
    aid.indicator(
        f"aid.kind.{_kind.value}.amount",
        fmt(_("%(kind)s帮扶金额"), kind=_kind.label),
        join(_AID, fmt(_("中方式为“%(kind)s”的金额之和。"), kind=_kind.label), _BY_AIDED),
        _("元"),
        kind=Kind.AMOUNT,
        value=lambda year, kind=_kind: money("amount", Q(kind=kind)),
    )


def _aided_in(year: int) -> Q:
    """The household (a row of `households`) got live aid in `year`, in or outside a project."""
    given = Aid.objects.during(year).filter(live("project"), household=OuterRef("pk"))
    return Q(Exists(given))


# People reached: the members of the households aided ("惠及帮扶人口总计3000多人").
households.indicator(
    "aid.people",
    _("受帮扶户家庭人口合计"),
    _(
        "当年有帮扶记录（项目内外都算）的户的“家庭人口”之和，一户只算一次；未填家庭人口的户"
        "不计入（其户数见“未填家庭人口的受帮扶户数”）。按受助户所属协会计入范围。"
    ),
    _("人"),
    section="projects",
    value=lambda year: total("size", _aided_in(year)),
)
households.indicator(
    "aid.households_size_unknown",
    _("未填家庭人口的受帮扶户数"),
    _("当年有帮扶记录的户中未填“家庭人口”的户数。按受助户所属协会计入范围。"),
    _("户"),
    section="projects",
    value=lambda year: count("id", _aided_in(year) & Q(size__isnull=True)),
)
rate(
    "rate.aid_fp_share",
    _("受帮扶户中实行计划生育家庭比例"),
    _("受帮扶的实行计划生育家庭户数 ÷ 受帮扶户数（当年有帮扶记录的户，一户只算一次）。"),
    "projects",
    "aid.fp_households",
    "aid.households",
)
