"""Drafts the statistical paragraphs of the annual work report (工作报告草稿).

Every figure in the text comes from the catalog (`evaluate_with_yoy`, two
evaluations of a fixed code set). A paragraph is kept as pieces: plain text and
`Figure`s (the indicator code plus the figure as written), so the same draft
renders as plain text for the editable textarea and as HTML whose figures link
to their definitions. Sentences are gettext strings with named placeholders,
so translators keep control of word order.

Wording follows the seed reports: "全镇共有协会组织47个，其中村级协会41个……",
rates stated with both parts ("受帮扶户中实行计划生育家庭1263户，占76.4%"),
year-over-year as "比上年增加12个". A rate over an empty denominator is never
written as 0%: the sentence says there is no data instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import EventType, FundSource, ProjectKind
from associations.models import VILLAGE_LEVELS, Association, Level

from . import catalog
from .catalog import INDICATORS, FigureValue, Kind, Rate
from .charts import format_number

SECTIONS: tuple[tuple[str, object], ...] = (
    ("org", gettext_lazy("组织建设")),
    ("members", gettext_lazy("会员队伍")),
    ("liaison", gettext_lazy("会员联系户")),
    ("projects", gettext_lazy("项目与帮扶")),
    ("events", gettext_lazy("活动与宣传")),
    ("selfgov", gettext_lazy("村民自治")),
    ("funds", gettext_lazy("经费")),
    ("problems", gettext_lazy("存在的问题")),
    ("next_year", gettext_lazy("下一年工作建议")),
)

# How a level is named when associations are counted by level (as the yearbooks write it).
LEVEL_PHRASES = {
    Level.COUNTY: gettext_lazy("县（区）级协会"),
    Level.TOWN: gettext_lazy("镇乡（街道）协会"),
    Level.BRANCH: gettext_lazy("分会"),
    Level.VILLAGE: gettext_lazy("村级协会"),
    Level.COMMUNITY: gettext_lazy("居委会（社区）协会"),
    Level.ENTERPRISE: gettext_lazy("企（事）业单位协会"),
    Level.FLOATING: gettext_lazy("流动人口协会"),
}
LEVEL_CODES = {level: f"org.associations.{suffix}" for suffix, level in catalog.ORG_LEVELS.items()}
OFFICER_BACKGROUNDS = {
    "officers.retired_cadres": gettext_lazy("退休老干部"),
    "officers.retired_teachers": gettext_lazy("老教师"),
    "officers.stepped_back": gettext_lazy("退二线领导"),
}
OFFICER_RANKS = {
    "officers.rank.division": gettext_lazy("正处级干部"),
    "officers.rank.deputy_division": gettext_lazy("副处级干部"),
    "officers.rank.section": gettext_lazy("正科级干部"),
    "officers.rank.deputy_section": gettext_lazy("副科级干部"),
}
MEMBER_ROLES = {
    "members.volunteers": gettext_lazy("志愿者"),
    "members.publicity_workers": gettext_lazy("宣传员"),
    "members.industry_leaders": gettext_lazy("致富能手"),
    "members.party": gettext_lazy("党员"),
    "members.floating": gettext_lazy("流动人口会员"),
}
LEAVE_REASONS = {
    "members.left.persuaded": gettext_lazy("劝退"),
    "members.left.moved": gettext_lazy("迁出"),
    "members.left.died": gettext_lazy("死亡"),
    "members.left.other": gettext_lazy("其他原因"),
}
HOUSEHOLD_KINDS = {
    "in_difficulty": gettext_lazy("计生困难家庭"),
    "one_child": gettext_lazy("独生子女户"),
    "two_daughter": gettext_lazy("两女户"),
    "poor_mother": gettext_lazy("贫困母亲户"),
    "floating": gettext_lazy("流动人口户"),
}
AWARD_LEVELS = {
    "awards.national": gettext_lazy("国家级"),
    "awards.provincial": gettext_lazy("省级"),
    "awards.city": gettext_lazy("市级"),
    "awards.county": gettext_lazy("县（区）级"),
    "awards.town": gettext_lazy("镇（乡、街道）级"),
}
CHARTER_PROVISIONS = {
    "selfgov.charters.one_child": gettext_lazy("含独生子女户优惠条款的"),
    "selfgov.charters.second_birth_waiver": gettext_lazy("含放弃二孩奖励条款的"),
    "selfgov.charters.checkups": gettext_lazy("含孕检、健康检查补助条款的"),
}
MATERIALS = {
    "events.materials.leaflet": gettext_lazy("宣传单"),
    "events.materials.booklet": gettext_lazy("宣传册"),
    "events.materials.letter": gettext_lazy("公开信"),
    "events.materials.banner": gettext_lazy("横幅"),
    "events.materials.wall_board": gettext_lazy("墙报、黑板报"),
    "events.materials.exhibition_board": gettext_lazy("展板"),
    "events.materials.contraceptive": gettext_lazy("避孕药具"),
    "events.materials.other": gettext_lazy("其他资料"),
}
EXPENSE_PURPOSES = {
    "funds.expense.event": gettext_lazy("活动"),
    "funds.expense.project": gettext_lazy("项目"),
    "funds.expense.allowance": gettext_lazy("津贴补贴"),
    "funds.expense.training": gettext_lazy("培训"),
    "funds.expense.publicity": gettext_lazy("宣传"),
    "funds.expense.office": gettext_lazy("办公"),
    "funds.expense.other": gettext_lazy("其他"),
}


@dataclass(frozen=True)
class Figure:
    """A figure as written in the text, with the indicator it comes from."""

    code: str
    text: str


Piece = str | Figure
_MARK = "\x00"


def sentence(template: str, **parts: Piece | Sequence[Piece]) -> list[Piece]:
    """Fill a translated sentence's %(name)s placeholders with pieces (figures stay figures)."""
    filled = template % {name: f"{_MARK}{name}{_MARK}" for name in parts}
    pieces: list[Piece] = []
    for i, chunk in enumerate(filled.split(_MARK)):
        if i % 2 == 0:
            if chunk:
                pieces.append(chunk)
            continue
        value = parts[chunk]
        pieces.extend([value] if isinstance(value, str | Figure) else value)
    return pieces


def joined(
    items: Iterable[Sequence[Piece]], separator: str = "、", *, skip_empty: bool = False
) -> list[Piece]:
    pieces: list[Piece] = []
    for item in items:
        if skip_empty and not item:
            continue
        if pieces:
            pieces.append(separator)
        pieces.extend(item)
    return pieces


def plain_text(pieces: Iterable[Piece]) -> str:
    return "".join(p.text if isinstance(p, Figure) else p for p in pieces)


def html_text(pieces: Iterable[Piece], definitions_url: str) -> SafeString:
    """The pieces as HTML: text escaped, each figure a link to its indicator's definition."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(
                    '<a class="figure" href="{}#ind-{}" title="{}">{}</a>',
                    definitions_url,
                    p.code,
                    INDICATORS[p.code].name,
                    p.text,
                )
                if isinstance(p, Figure)
                else p,
            )
            for p in pieces
        ),
    )


def money(amount: int | Decimal) -> str:
    """Money as work reports write it: "7500元", "18.35万元"."""
    if abs(amount) >= 10000:
        value = f"{Decimal(amount) / 10000:.2f}".rstrip("0").rstrip(".")
        return _("%(amount)s万元") % {"amount": value}
    return _("%(amount)s元") % {"amount": format_number(amount, grouped=False)}


def place(scope: Association) -> str:
    """How a report names the whole of its own area: 全区, 全镇, 全村…"""
    name = re.sub(r"(计划生育协会|计生协会|计生协)$", "", scope.name)
    if scope.level == Level.PROVINCE:
        return _("全省")
    if scope.level == Level.CITY:
        return _("全市")
    if scope.level == Level.COUNTY:
        return _("全县") if name.endswith("县") else _("全区")
    if scope.level == Level.TOWN:
        if name.endswith("街道"):
            return _("全街道")
        return _("全乡") if name.endswith("乡") else _("全镇")
    if scope.level == Level.BRANCH:
        return _("全片")
    if scope.level == Level.VILLAGE:
        return _("全村")
    if scope.level == Level.COMMUNITY:
        return _("全社区")
    return _("本单位")


class _Writer:
    """Turns evaluated figures into sentence pieces for one scope and year."""

    def __init__(self, scope: Association, figures: Mapping[str, tuple]) -> None:
        self.scope = scope
        self.place = place(scope)
        self.figures = figures

    def value(self, code: str) -> FigureValue:
        return self.figures[code][0]

    def has(self, code: str) -> bool:
        value = self.value(code)
        return value.value is not None if isinstance(value, Rate) else bool(value)

    def count(self, code: str, unit: str | None = None) -> Figure:
        unit = str(INDICATORS[code].unit) if unit is None else unit
        return Figure(code, f"{format_number(self.value(code), grouped=False)}{unit}")

    def amount(self, code: str) -> Figure:
        return Figure(code, money(self.value(code)))

    def part(self, code: str, which: str) -> Figure:
        """A rate's numerator or denominator, linked to its own indicator."""
        spec = INDICATORS[code]
        part_code = spec.numerator if which == "numerator" else spec.denominator
        return self.count(part_code)

    def optional(self, code: str, template: str) -> list[Piece]:
        """`template` with the figure as %(n)s, or nothing when the figure is zero."""
        if not self.has(code):
            return []
        kind = INDICATORS[code].kind
        return sentence(template, n=self.amount(code) if kind == Kind.AMOUNT else self.count(code))

    def pct(self, code: str) -> Figure:
        return Figure(code, self.value(code).percent)

    def listing(self, labels: Mapping[str, object]) -> list[Piece]:
        """The non-zero figures among `labels`, in order (志愿者12人、宣传员3人)."""
        items = [
            [str(label), self.count(code)]
            for code, label in labels.items()
            if code in self.figures and self.has(code)
        ]
        return joined(items)

    def yoy(self, code: str, *, lead: str = "，") -> list[Piece]:
        """The year-over-year phrase (，比上年增加12个); empty when last year had nothing."""
        value, previous, change = self.figures[code]
        if change is None:
            return []
        if not (previous.numerator if isinstance(previous, Rate) else previous):
            # Nothing last year usually means nothing recorded yet (the first year
            # in the system): "比上年增加1021人" would mislead, so say nothing.
            return []
        if isinstance(value, Rate):
            if change == 0:
                return [lead, Figure(code, _("与上年持平"))]
            template = (
                _("比上年提高%(pp)s个百分点") if change > 0 else _("比上年下降%(pp)s个百分点")
            )
            return [lead, Figure(code, template % {"pp": f"{abs(change):.1f}"})]
        if change == 0:
            return [lead, Figure(code, _("与上年持平"))]
        amount = (
            money(abs(change))
            if INDICATORS[code].kind == Kind.AMOUNT
            else f"{format_number(abs(change), grouped=False)}{INDICATORS[code].unit}"
        )
        template = _("比上年增加%(amount)s") if change > 0 else _("比上年减少%(amount)s")
        return [lead, Figure(code, template % {"amount": amount})]

    def share(
        self, code: str, template: str, empty: str, *, none: str = "", every: str = ""
    ) -> list[Piece]:
        """A rate sentence naming both parts; `empty` when the denominator is zero,
        `none` / `every` (if given) when none or all of the denominator qualify
        ("11个镇协会均未配备……", "245个村全部配备了……")."""
        rate: Rate = self.value(code)
        if rate.value is None:
            return sentence(empty)
        special = none if not rate.numerator else every if rate.value == 1 else ""
        if special:
            return sentence(
                special,
                place=self.place,
                denominator=self.part(code, "denominator"),
                yoy=self.yoy(code),
            )
        return sentence(
            template,
            place=self.place,
            denominator=self.part(code, "denominator"),
            numerator=self.part(code, "numerator"),
            pct=self.pct(code),
            yoy=self.yoy(code),
        )

    @property
    def is_village(self) -> bool:
        return self.scope.level in VILLAGE_LEVELS


# ── Sections ─────────────────────────────────────────────────────────────────
def _org(w: _Writer) -> list[Piece]:
    # The unit itself is "本级"; the listing names the levels below it.
    levels = {
        LEVEL_CODES[level]: phrase
        for level, phrase in LEVEL_PHRASES.items()
        if level in LEVEL_CODES and level != w.scope.level
    }
    text: list[Piece] = []
    listing = w.listing(levels)
    if w.is_village:
        text += sentence(
            _("本协会%(groups)s。"),
            groups=sentence(_("下设会员小组%(n)s"), n=w.count("org.member_groups"))
            if w.has("org.member_groups")
            else _("暂未登记会员小组"),
        )
    else:
        text += sentence(
            _("%(place)s共有协会组织%(total)s（含本级）%(parts)s%(yoy)s。"),
            place=w.place,
            total=w.count("org.associations.total"),
            parts=sentence(_("，其中%(list)s"), list=listing) if listing else [],
            yoy=w.yoy("org.associations.total"),
        )
        if w.has("org.member_groups"):
            text += sentence(
                _("各村（居）协会共建立会员小组%(n)s。"), n=w.count("org.member_groups")
            )
    if w.has("org.integrity_groups"):
        text += sentence(
            _("组建流动人口诚信小组%(n)s，其中已签订联保协议的%(signed)s。"),
            n=w.count("org.integrity_groups"),
            signed=w.count("org.integrity_groups.signed"),
        )
    text += _vice_chairs(w)
    text += _officers(w)
    if w.is_village:
        text += sentence(
            _("本协会%(state)s“八有”标准。"),
            state=Figure(
                "rate.villages_ba_you",
                _("已达到") if w.has("assessments.villages_ba_you") else _("尚未达到"),
            ),
        )
    else:
        text += w.share(
            "rate.villages_ba_you",
            _("%(denominator)s村（居）协会中达到“八有”标准的%(numerator)s，占%(pct)s%(yoy)s。"),
            _("村（居）协会“八有”达标情况暂无数据。"),
            none=_("%(denominator)s村（居）协会中暂无达到“八有”标准的记录。"),
            every=_("%(denominator)s村（居）协会全部达到“八有”标准%(yoy)s。"),
        )
    if w.has("assessments.model_associations"):
        text += w.share(
            "rate.model_associations",
            _("创建示范协会%(numerator)s，占协会总数%(denominator)s的%(pct)s。"),
            "",
        )
    text += _awards(w)
    return text


def _vice_chairs(w: _Writer) -> list[Piece]:
    text: list[Piece] = []
    if w.is_village:
        flag = w.has("org.villages_with_fulltime_vice_chair")
        return sentence(
            _("本协会%(state)s专职副会长。"),
            state=Figure(
                "rate.villages_with_fulltime_vice_chair", _("已配备") if flag else _("尚未配备")
            ),
        )
    if w.scope.level != Level.TOWN and w.has("org.associations.town"):
        text += w.share(
            "rate.towns_with_fulltime_vice_chair",
            _("%(denominator)s镇乡（街道）协会中有%(numerator)s配备了专职副会长，占%(pct)s。"),
            "",
            none=_("%(denominator)s镇乡（街道）协会均未配备专职副会长。"),
            every=_("%(denominator)s镇乡（街道）协会全部配备了专职副会长。"),
        )
    text += w.share(
        "rate.villages_with_fulltime_vice_chair",
        _(
            "%(place)s%(denominator)s村（居）协会中有%(numerator)s配备了专职副会长，"
            "配备率%(pct)s%(yoy)s。"
        ),
        _("村（居）协会专职副会长配备情况暂无数据。"),
        none=_("%(place)s%(denominator)s村（居）协会均未配备专职副会长。"),
        every=_("%(place)s%(denominator)s村（居）协会全部配备了专职副会长%(yoy)s。"),
    )
    return text


def _officers(w: _Writer) -> list[Piece]:
    if not w.has("officers.total"):
        return sentence(_("理事会成员情况暂无数据。"))
    text: list[Piece] = []
    if w.has("officers.fulltime_vice_chairs"):
        text += sentence(
            _("现有专职副会长%(n)s，其中女性%(female)s。"),
            n=w.count("officers.fulltime_vice_chairs"),
            female=w.count("officers.fulltime_vice_chairs.female"),
        )
    text += sentence(
        _("理事会成员共%(n)s，其中女性%(female)s"),
        n=w.count("officers.total"),
        female=w.count("officers.female"),
    )
    backgrounds = w.listing({**OFFICER_RANKS, **OFFICER_BACKGROUNDS})
    if backgrounds:
        text += sentence(_("；成员中有%(list)s"), list=backgrounds)
    text.append(_("。"))
    return text


def _awards(w: _Writer) -> list[Piece]:
    if not w.has("awards.total"):
        return []
    levels = w.listing(AWARD_LEVELS)
    return sentence(
        _("当年获得各级表彰%(n)s%(levels)s。"),
        n=w.count("awards.total"),
        levels=sentence(_("，其中%(list)s"), list=levels) if levels else [],
    )


def _members(w: _Writer) -> list[Piece]:
    if not w.has("members.total"):
        return sentence(_("%(place)s暂无在册会员数据。"), place=w.place)
    roles = w.listing(MEMBER_ROLES)
    text = sentence(
        _("%(place)s共有会员%(total)s%(yoy)s，其中女会员%(female)s、男会员%(male)s%(roles)s。"),
        place=w.place,
        total=w.count("members.total"),
        yoy=w.yoy("members.total"),
        female=w.count("members.female"),
        male=w.count("members.male"),
        roles=sentence(_("；会员中有%(list)s"), list=roles) if roles else [],
    )
    reasons = w.listing(LEAVE_REASONS)
    movement = joined(
        [
            w.optional("members.joined", _("新入会%(n)s"))
            + w.optional("members.newlywed_recruits", _("（其中新婚入会%(n)s）")),
            w.optional("members.left", _("离会%(n)s"))
            + (sentence(_("（%(list)s）"), list=reasons) if reasons else []),
        ],
        "，",
        skip_empty=True,
    )
    if movement:
        text += sentence(_("本年%(list)s。"), list=movement)
    if w.has("members.dues_paid"):
        text += sentence(
            _("缴纳会费会员%(n)s，收缴会费%(amount)s。"),
            n=w.count("members.dues_paid"),
            amount=w.amount("members.dues_amount"),
        )
    return text


def _liaison(w: _Writer) -> list[Piece]:
    if not w.has("liaison.pairs"):
        text = sentence(_("本年暂无会员联系户结对记录。"))
    else:
        text = sentence(
            _(
                "%(place)s会员与%(households)s群众结成联系户%(pairs)s，参与结对会员%(members)s"
                "%(contracts)s。"
            ),
            place=w.place,
            households=w.count("liaison.households"),
            pairs=w.count("liaison.pairs"),
            members=w.count("liaison.members"),
            contracts=w.optional("liaison.contracts", _("，其中签订帮扶合同的%(n)s")),
        )
        kinds = w.listing({f"liaison.households.{k}": v for k, v in HOUSEHOLD_KINDS.items()})
        if kinds:
            text += sentence(_("结对联系户中有%(list)s。"), list=kinds)
    if w.has("members.total"):
        text += w.share(
            "rate.members_with_liaison",
            _("在册会员%(denominator)s中有%(numerator)s联系了结对户，占%(pct)s%(yoy)s。"),
            "",
            none=_("在册会员%(denominator)s中暂无联系结对户的会员。"),
        )
    return text


def _projects(w: _Writer) -> list[Piece]:
    if not w.has("projects.total"):
        text = sentence(_("本年暂无在实施的项目。"))
    else:
        kinds = {
            f"projects.{k.value}": (
                _("其他项目") if k == ProjectKind.OTHER else _("“%(kind)s”项目") % {"kind": k.label}
            )
            for k in ProjectKind
        }
        listing = w.listing(kinds)
        outcomes = joined(
            [
                w.optional("projects.funds_raised", _("项目筹集资金%(n)s")),
                w.optional("projects.households_out_of_poverty", _("帮助%(n)s脱贫")),
                w.optional("projects.jobs_created", _("安置就业%(n)s")),
            ],
            "，",
            skip_empty=True,
        )
        text = sentence(
            _("%(place)s全年在实施项目%(total)s%(yoy)s%(kinds)s%(outcomes)s。"),
            place=w.place,
            total=w.count("projects.total"),
            yoy=w.yoy("projects.total"),
            kinds=sentence(_("，其中%(list)s"), list=listing) if listing else [],
            outcomes=sentence(_("；%(list)s"), list=outcomes) if outcomes else [],
        )
    if not w.is_village:
        text += w.share(
            "rate.villages_with_project",
            _("%(denominator)s村（居）协会中有%(numerator)s开展了项目，占%(pct)s。"),
            _("村（居）协会开展项目的比例暂无数据。"),
            none=_("%(denominator)s村（居）协会均未开展项目。"),
            every=_("%(denominator)s村（居）协会全部开展了项目。"),
        )
    if w.has("aid.households"):
        text += sentence(
            _("全年帮扶%(households)s%(yoy)s（%(records)s），帮扶金额%(amount)s。"),
            households=w.count("aid.households"),
            records=w.count("aid.records"),
            amount=w.amount("aid.amount"),
            yoy=w.yoy("aid.households"),
        )
    text += w.share(
        "rate.aid_fp_share",
        _("受帮扶的%(denominator)s中实行计划生育家庭%(numerator)s，占%(pct)s%(yoy)s。"),
        _("本年暂无帮扶记录，受帮扶户中实行计划生育家庭的比例暂无数据。"),
    )
    return text


def _events(w: _Writer) -> list[Piece]:
    if not w.has("events.total"):
        return sentence(_("本年暂无活动记录。"))
    types = {
        f"events.{t.value}": _("其他活动") if t == EventType.OTHER else t.label for t in EventType
    }
    listing = w.listing(types)
    text = sentence(
        _("%(place)s全年开展各类活动%(total)s%(yoy)s，参与%(participants)s%(types)s。"),
        place=w.place,
        total=w.count("events.total"),
        yoy=w.yoy("events.total"),
        participants=w.count("events.participants"),
        types=sentence(_("，其中%(list)s"), list=listing) if listing else [],
    )
    training = joined(
        [
            w.optional("events.training_sessions", _("举办培训班%(n)s")),
            w.optional("events.trainees", _("培训%(n)s")),
        ],
        "，",
        skip_empty=True,
    )
    if training:
        text += [*training, _("。")]
    if w.has("events.screened"):
        text += w.share(
            "rate.cases_found",
            _("组织健康检查%(denominator)s，查出病例%(numerator)s，检出率%(pct)s。"),
            "",
        )
    if w.has("events.materials"):
        kinds = w.listing(MATERIALS)
        text += sentence(
            _("发放宣传资料%(n)s%(kinds)s。"),
            n=w.count("events.materials"),
            kinds=sentence(_("（%(list)s）"), list=kinds) if kinds else [],
        )
    if w.has("events.cost"):
        text += sentence(_("活动支出费用%(cost)s。"), cost=w.amount("events.cost"))
    return text


def _selfgov(w: _Writer) -> list[Piece]:
    if not w.has("org.villages"):
        return sentence(_("%(place)s暂无村（居）协会，村民自治暂无数据。"), place=w.place)
    text: list[Piece] = []
    if w.is_village:
        text += sentence(
            _("本村（居）%(state)s计划生育村民自治章程。"),
            state=Figure(
                "rate.villages_with_charter",
                _("已制定") if w.has("selfgov.villages_with_charter") else _("尚未制定"),
            ),
        )
    else:
        text += w.share(
            "rate.villages_with_charter",
            _("%(denominator)s村（居）协会中已制定村民自治章程的%(numerator)s，占%(pct)s%(yoy)s"),
            "",
            none=_("%(denominator)s村（居）协会均未登记制定村民自治章程"),
        )
        provisions = w.listing(CHARTER_PROVISIONS)
        if provisions and text:
            text += sentence(_("，其中%(list)s"), list=provisions)
        text.append(_("。"))
        text += w.share(
            "rate.agreement_villages",
            _("签订自治协议的村（居）%(numerator)s，占%(pct)s。"),
            "",
            none=_("暂无签订自治协议的村（居）。"),
        )
    if w.has("selfgov.pilot_villages") and not w.is_village:
        text += sentence(_("确定村民自治试点村（居）%(n)s。"), n=w.count("selfgov.pilot_villages"))
    text += w.share(
        "rate.agreement_households",
        _("应签自治协议%(denominator)s，已签%(numerator)s，签订率%(pct)s%(yoy)s。"),
        _("自治协议签订户数暂无数据。"),
    )
    return text


def _funds(w: _Writer) -> list[Piece]:
    if not w.has("funds.income") and not w.has("funds.expense"):
        return sentence(_("本年暂无经费收支记录。"))
    text: list[Piece] = []
    if w.has("funds.income"):
        sources = [
            [str(source.label), w.amount(f"funds.income.{source.value}")]
            for source in FundSource
            if w.has(f"funds.income.{source.value}")
        ]
        text += sentence(
            _("全年经费收入%(income)s%(yoy)s%(sources)s。"),
            income=w.amount("funds.income"),
            yoy=w.yoy("funds.income"),
            sources=sentence(_("，其中%(list)s"), list=joined(sources)) if sources else [],
        )
    if w.has("funds.expense"):
        purposes = [
            [str(label), w.amount(code)] for code, label in EXPENSE_PURPOSES.items() if w.has(code)
        ]
        text += sentence(
            _("全年经费支出%(expense)s%(yoy)s%(purposes)s。"),
            expense=w.amount("funds.expense"),
            yoy=w.yoy("funds.expense"),
            purposes=sentence(_("，其中用于%(list)s"), list=joined(purposes)) if purposes else [],
        )
    return text


WRITERS = {
    "org": _org,
    "members": _members,
    "liaison": _liaison,
    "projects": _projects,
    "events": _events,
    "selfgov": _selfgov,
    "funds": _funds,
}


# ── The draft ────────────────────────────────────────────────────────────────
CHINESE_NUMERALS = "一二三四五六七八九十"


def heading(index: int, title: str) -> str:
    """Sections numbered as Chinese reports number them (一、组织建设)."""
    return f"{CHINESE_NUMERALS[index]}、{title}" if index < len(CHINESE_NUMERALS) else title


@dataclass(frozen=True)
class DraftSection:
    key: str
    title: str
    heading: str
    pieces: list[Piece]

    @property
    def text(self) -> str:
        return plain_text(self.pieces)

    def html(self, definitions_url: str) -> SafeString:
        return html_text(self.pieces, definitions_url)


@dataclass(frozen=True)
class Draft:
    scope: Association
    year: int
    title: str
    sections: list[DraftSection]

    def initial(self) -> dict[str, object]:
        return {
            "title": self.title,
            **{f"section_{s.key}": s.text for s in self.sections},
        }


def section_titles() -> list[tuple[str, str]]:
    return [(key, str(title)) for key, title in SECTIONS]


class _ReadFigures(Mapping):
    """Figures that answer every code, all present (non-zero) or all absent (zero), and
    note each code a writer reads."""

    def __init__(self, present: bool) -> None:
        self.present = present
        self.read: dict[str, None] = {}

    def __getitem__(self, code: str) -> tuple:
        self.read[code] = None
        kind = INDICATORS[code].kind
        if kind == Kind.RATE:
            value = Rate(1, 2) if self.present else Rate(0, 0)
        else:
            value = (Decimal(1) if kind == Kind.AMOUNT else 1) * self.present
        return value, value, catalog.change(value, value)

    def __contains__(self, code: object) -> bool:
        return code in INDICATORS

    def __iter__(self):
        return iter(INDICATORS)

    def __len__(self) -> int:
        return len(INDICATORS)


@cache
def codes_used() -> list[str]:
    """Every indicator the draft may read, found by running each writer for every level of
    unit over figures that note what is read, once all present and once all absent (so
    both sides of each "is there any" branch are taken)."""
    read: dict[str, None] = {}
    for level in Level:
        for present in (True, False):
            figures = _ReadFigures(present)
            writer = _Writer(Association(level=level, name=""), figures)
            for write in WRITERS.values():
                write(writer)
            read.update(figures.read)
    return list(read)


def _with_parts(codes: list[str]) -> list[str]:
    """Rates' numerators and denominators are cited too, so evaluate them alongside."""
    extra = []
    for code in codes:
        spec = INDICATORS[code]
        if spec.numerator:
            extra += [spec.numerator, spec.denominator]
    return list(dict.fromkeys([*codes, *extra]))


def report_language() -> str:
    """Work reports are Chinese documents: drafted in the page's Chinese script, else simplified."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    return current if current.startswith("zh") else settings.LANGUAGE_CODE


def draft(scope: Association, year: int) -> Draft:
    """The statistical paragraphs for `scope` in `year`, every figure from the catalog."""
    # Written from the rankings and the plans (that module builds on this one's pieces).
    from .narrative_plans import PLAN_WRITERS

    figures = catalog.evaluate_with_yoy(scope, year, _with_parts(codes_used()))
    writer = _Writer(scope, figures)
    sections = [
        DraftSection(
            key,
            str(title),
            heading(i, str(title)),
            WRITERS[key](writer) if key in WRITERS else PLAN_WRITERS[key](scope, year),
        )
        for i, (key, title) in enumerate(SECTIONS)
    ]
    title = _("%(scope)s%(year)s年度工作报告（统计部分）") % {"scope": scope.name, "year": year}
    return Draft(scope, year, title, sections)


@dataclass(frozen=True)
class EditedSection:
    heading: str
    paragraphs: list[str]


def edited_sections(texts: Mapping[str, str]) -> list[EditedSection]:
    """The user's edited text per section, split into paragraphs; empty sections are left out."""
    sections = []
    for key, title in section_titles():
        paragraphs = [line.strip() for line in texts.get(key, "").splitlines() if line.strip()]
        if paragraphs:
            sections.append(EditedSection(heading(len(sections), title), paragraphs))
    return sections
