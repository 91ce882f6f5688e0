"""The opening and the year's review by line of work, with the figures woven in.

Each line of work is a function of the `Writer` that returns its paragraphs as
(key, pieces); the key names the paragraph's topic, so that regenerating the draft puts
the new figures in the same place and keeps the secretary's own paragraphs around them.
The wording follows the seed reports ("我镇共有41个村、3个居委会，总人口4.76万人……",
"全区11个镇乡（街道）全部配备了专职副会长", "在已制定《村民自治章程》的39个村中，有20个……").
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import ProjectKind
from associations.models import Level

from .phrases import (
    AGE_BANDS,
    AID_KINDS,
    AWARD_LEVELS,
    BACKGROUNDS,
    CERTIFICATES,
    CHARTER_PROVISIONS,
    EDUCATION,
    EVENT_TYPES,
    EXPENSE_PURPOSES,
    HOUSEHOLD_KINDS,
    INCOME_SOURCES,
    LEAVE_REASONS,
    LEVEL_CODES,
    LEVEL_PHRASES,
    MATERIALS,
    MEMBER_ROLES,
    RANKS,
    RECIPIENTS,
    prefixed,
)
from .wording import Figure, Piece, joined, sentence
from .writer import Writer, money_listing

Paragraphs = list[tuple[str, list[Piece]]]


def _sentences(*parts: list[Piece]) -> list[Piece]:
    return [piece for part in parts for piece in part]


# ── The opening ──────────────────────────────────────────────────────────────
def opening(w: Writer) -> Paragraphs:
    """我镇共有41个村、3个居委会，总人口4.76万人，现有计划生育协会组织47个，协会会员3600多人。"""
    level = w.scope.level
    units: list[list[Piece]] = []
    if level in (Level.PROVINCE, Level.CITY) and w.has("org.associations.county"):
        units.append([w.count("org.associations.county"), _("县（区）")])
    if level in (Level.PROVINCE, Level.CITY, Level.COUNTY) and w.has("org.associations.town"):
        units.append([w.count("org.associations.town"), _("镇乡（街道）")])
    if level not in (Level.VILLAGE, Level.COMMUNITY):
        if w.has("org.associations.village"):
            units.append([w.count("org.associations.village"), _("村")])
        if w.has("org.associations.community"):
            units.append([w.count("org.associations.community"), _("居委会（社区）")])
    clauses: list[list[Piece]] = []
    if units:
        clauses.append(sentence(_("共有%(units)s"), units=joined(units)))
    if w.has("org.population"):
        population = Figure(
            "org.population", _("%(n)s人") % {"n": _population(w)}, w.exact("org.population")
        )
        template = (
            _("已登记人口的村（居）共有人口%(n)s")
            if w.has("org.villages_without_population")
            else _("总人口%(n)s")
        )
        clauses.append(sentence(template, n=population))
    if not w.is_village and w.has("org.associations.total"):
        clauses.append(
            sentence(_("现有计划生育协会组织%(n)s"), n=w.count("org.associations.total"))
        )
    if w.has("members.total"):
        clauses.append(sentence(_("协会会员%(n)s"), n=w.about("members.total")))
    text: list[Piece] = []
    if clauses:
        text = sentence(_("%(we)s%(clauses)s。"), we=w.we, clauses=joined(clauses, "，"))
    text += sentence(
        _("现将%(we)s计划生育协会%(year)s年工作情况报告如下。"), we=w.we, year=str(w.year)
    )
    return [("opening.situation", text)]


def _population(w: Writer) -> str:
    """4.76万 (people are counted to the hundred in 万), below 10,000 exactly."""
    people = w.value("org.population")
    if people < 10000:
        return str(people)
    return f"{people / 10000:.2f}".rstrip("0").rstrip(".") + _("万")


# ── 组织建设 ────────────────────────────────────────────────────────────────────
def org(w: Writer) -> Paragraphs:
    return [
        ("org.network", _network(w)),
        ("org.vice_chairs", _vice_chairs(w)),
        ("org.officers", _officers(w)),
        ("org.checklists", _checklists(w)),
    ]


def _network(w: Writer) -> list[Piece]:
    if w.is_village:
        groups = (
            sentence(_("下设会员小组%(n)s"), n=w.count("org.member_groups"))
            if w.has("org.member_groups")
            else [_("暂未登记会员小组")]
        )
        text = sentence(_("本协会%(groups)s。"), groups=groups)
    else:
        # The unit itself is "本级"; the listing names the levels below it.
        levels = {
            LEVEL_CODES[level]: phrase
            for level, phrase in LEVEL_PHRASES.items()
            if level != w.scope.level
        }
        listing = w.listing(levels)
        text = sentence(
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
    return text


def _vice_chairs(w: Writer) -> list[Piece]:
    if w.is_village:
        flag = w.has("org.villages_with_fulltime_vice_chair")
        return sentence(
            _("本协会%(state)s专职副会长。"),
            state=Figure(
                "rate.villages_with_fulltime_vice_chair",
                _("已配备") if flag else _("尚未配备"),
                w.exact("rate.villages_with_fulltime_vice_chair"),
            ),
        )
    text: list[Piece] = []
    if w.scope.level != Level.TOWN and w.has("org.associations.town"):
        text += w.rate_sentence(
            "rate.towns_with_fulltime_vice_chair",
            _("%(place)s%(denominator)s镇乡（街道）中有%(numerator)s配备了专职副会长，占%(pct)s"),
            none=_("%(place)s%(denominator)s镇乡（街道）均未配备专职副会长"),
            every=_("%(place)s%(denominator)s镇乡（街道）全部配备了专职副会长"),
        )
        if text:
            stepped_back = w.optional(
                "officers.fulltime_vice_chairs.town.stepped_back",
                _("，其中由退二线的老领导担任的%(n)s"),
            )
            text += [*stepped_back, _("。")]
    if w.has("org.admin_villages_500"):
        text += w.rate_sentence(
            "rate.admin_villages_500_with_fulltime_vice_chair",
            _(
                "%(denominator)s500人以上的行政村中有%(numerator)s配备了专职副会长，"
                "占%(pct)s%(yoy)s。"
            ),
            none=_("%(denominator)s500人以上的行政村均未配备专职副会长。"),
            every=_("%(denominator)s500人以上的行政村全部配备了专职副会长%(yoy)s。"),
            unit=_("个"),
        )
    text += w.rate_sentence(
        "rate.villages_with_fulltime_vice_chair",
        _(
            "%(place)s%(denominator)s村（居）协会中有%(numerator)s配备了专职副会长，"
            "配备率%(pct)s%(yoy)s。"
        ),
        _("村（居）协会专职副会长配备情况暂无数据。"),
        none=_("%(place)s%(denominator)s村（居）协会均未配备专职副会长。"),
        every=_("%(place)s%(denominator)s村（居）协会全部配备了专职副会长%(yoy)s。"),
    )
    text += _village_vice_chairs(w)
    return text


def _village_vice_chairs(w: Writer) -> list[Piece]:
    """村（居）专职副会长245人，其中男性166人、女性79人，退休老干部……"""
    code = "officers.fulltime_vice_chairs.village"
    if not w.has(code):
        return []
    parts = joined(
        [
            w.optional(f"{code}.male", _("男性%(n)s")),
            w.optional(f"{code}.female", _("女性%(n)s")),
        ],
        skip_empty=True,
    )
    backgrounds = w.listing(prefixed(code, BACKGROUNDS))
    return sentence(
        _("村（居）专职副会长共%(n)s%(parts)s%(backgrounds)s。"),
        n=w.count(code),
        parts=sentence(_("，其中%(list)s"), list=parts) if parts else [],
        backgrounds=sentence(_("；担任者中有%(list)s"), list=backgrounds) if backgrounds else [],
    )


def _officers(w: Writer) -> list[Piece]:
    if not w.has("officers.total"):
        return sentence(_("理事会成员情况暂无数据。"))
    text = sentence(
        _("理事会成员共%(n)s，其中女性%(female)s"),
        n=w.count("officers.total"),
        female=w.count("officers.female"),
    )
    if w.has("officers.fulltime_vice_chairs"):
        text += sentence(
            _("，专职副会长%(n)s（女性%(female)s）"),
            n=w.count("officers.fulltime_vice_chairs"),
            female=w.count("officers.fulltime_vice_chairs.female"),
        )
    backgrounds = w.listing(
        {**prefixed("officers.rank", RANKS), **prefixed("officers", BACKGROUNDS)}
    )
    if backgrounds:
        text += sentence(_("；成员中有%(list)s"), list=backgrounds)
    text.append(_("。"))
    # "全镇47个常务副会长中，有正处级干部1人，副处级干部1人，正科级干部8人，其它37名均系
    # 退休老干部、老教师担任。"
    evc = "officers.title.executive_vice_chair"
    if w.has(evc):
        who = w.listing({**prefixed(evc, RANKS), **prefixed(evc, BACKGROUNDS)})
        text += sentence(
            _("%(place)s%(n)s常务副会长%(who)s。"),
            place=w.place,
            n=w.count(evc, _("个")),
            who=sentence(_("中，有%(list)s"), list=who) if who else [],
        )
    return text


def _checklists(w: Writer) -> list[Piece]:
    if w.is_village:
        text = sentence(
            _("本协会%(state)s“八有”标准。"),
            state=Figure(
                "rate.villages_ba_you",
                _("已达到") if w.has("assessments.villages_ba_you") else _("尚未达到"),
                w.exact("rate.villages_ba_you"),
            ),
        )
        for code, label in (("san_you", _("“三有”")), ("yi_hao_si_jian", _("“一好四建”"))):
            if w.has(f"assessments.villages_{code}_assessed"):
                passed = w.has(f"assessments.villages_{code}")
                text += sentence(
                    _("本协会%(state)s%(checklist)s标准。"),
                    state=Figure(
                        f"rate.villages_{code}",
                        _("已达到") if passed else _("尚未达到"),
                        w.exact(f"rate.villages_{code}"),
                    ),
                    checklist=label,
                )
        return text
    text = w.rate_sentence(
        "rate.villages_ba_you",
        _("%(denominator)s村（居）协会中基本实现“八有”的%(numerator)s，占%(pct)s%(yoy)s。"),
        _("村（居）协会“八有”达标情况暂无数据。"),
        none=_("%(denominator)s村（居）协会中暂无达到“八有”标准的记录。"),
        every=_("%(denominator)s村（居）协会全部达到“八有”标准%(yoy)s。"),
    )
    if w.has("assessments.villages_san_you_assessed"):
        text += w.rate_sentence(
            "rate.villages_san_you",
            _("做到“有人管事、有钱办事、有章理事”的村（居）协会%(numerator)s，占%(pct)s。"),
            none=_("暂无达到“三有”标准的村（居）协会。"),
            every=_("%(denominator)s村（居）协会全部做到了“有人管事、有钱办事、有章理事”。"),
        )
    if w.has("assessments.villages_yi_hao_si_jian_assessed"):
        text += w.rate_sentence(
            "rate.villages_yi_hao_si_jian",
            _("按“一好四建”原则整建达标的村（居）协会%(numerator)s，占%(pct)s。"),
            none=_("暂无按“一好四建”原则整建达标的村（居）协会。"),
            every=_("%(denominator)s村（居）协会全部按“一好四建”原则整建达标。"),
        )
    return text


# ── 会员队伍 ────────────────────────────────────────────────────────────────────
def members(w: Writer) -> Paragraphs:
    if not w.has("members.total"):
        return [("members.roll", sentence(_("%(place)s暂无在册会员数据。"), place=w.place))]
    roles = w.listing(MEMBER_ROLES, rounded=True)
    roll = sentence(
        _("%(place)s共有会员%(total)s%(yoy)s，其中女会员%(female)s、男会员%(male)s%(roles)s。"),
        place=w.place,
        total=w.about("members.total"),
        yoy=w.yoy("members.total"),
        female=w.about("members.female"),
        male=w.about("members.male"),
        roles=sentence(_("；会员中有%(list)s"), list=roles) if roles else [],
    )
    ages = w.listing(AGE_BANDS, rounded=True)
    schooling = w.listing(prefixed("members.education", EDUCATION), rounded=True)
    profile = joined(
        [
            sentence(_("按年龄分，%(list)s"), list=ages) if ages else [],
            sentence(_("按文化程度分，%(list)s"), list=schooling) if schooling else [],
        ],
        "；",
        skip_empty=True,
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
    dues = (
        sentence(
            _("缴纳会费会员%(n)s，收缴会费%(amount)s。"),
            n=w.count("members.dues_paid"),
            amount=w.amount("members.dues_amount"),
        )
        if w.has("members.dues_paid")
        else []
    )
    return [
        ("members.roll", roll),
        ("members.profile", [*profile, _("。")] if profile else []),
        (
            "members.movement",
            _sentences(sentence(_("本年%(list)s。"), list=movement) if movement else [], dues),
        ),
    ]


# ── 会员联系户 ──────────────────────────────────────────────────────────────────
def liaison(w: Writer) -> Paragraphs:
    if not w.has("liaison.pairs"):
        pairs = sentence(_("本年暂无会员联系户结对记录。"))
    else:
        pairs = sentence(
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
        kinds = w.listing(prefixed("liaison.households", HOUSEHOLD_KINDS))
        if kinds:
            pairs += sentence(_("结对联系户中有%(list)s。"), list=kinds)
    if w.has("members.total"):
        pairs += w.rate_sentence(
            "rate.members_with_liaison",
            _("在册会员%(denominator)s中有%(numerator)s联系了结对户，占%(pct)s%(yoy)s。"),
            none=_("在册会员%(denominator)s中暂无联系结对户的会员。"),
            exact=True,
        )
    return [("liaison.pairs", pairs), ("liaison.households", _households(w))]


def _households(w: Writer) -> list[Piece]:
    if not w.has("households.total"):
        return []
    kinds = w.listing(prefixed("households", HOUSEHOLD_KINDS))
    text = sentence(
        _("%(place)s登记服务户%(n)s%(kinds)s。"),
        place=w.place,
        n=w.count("households.total"),
        kinds=sentence(_("，其中%(list)s"), list=kinds) if kinds else [],
    )
    held = joined(
        [
            sentence(
                _("持%(name)s的%(n)s"), name=str(name), n=w.count(f"households.certificates.{kind}")
            )
            for kind, name in CERTIFICATES.items()
            if w.has(f"households.certificates.{kind}")
        ],
        "，",
    )
    issued = joined(
        [
            [str(name), w.count(f"households.certificates_issued.{kind}")]
            for kind, name in CERTIFICATES.items()
            if w.has(f"households.certificates_issued.{kind}")
        ]
    )
    if held:
        text += [*held, _("。")]
    if issued:
        text += sentence(_("本年新发放%(list)s。"), list=issued)
    return text


# ── 项目与帮扶 ──────────────────────────────────────────────────────────────────
def projects(w: Writer) -> Paragraphs:
    return [("projects.running", _projects(w)), ("projects.aid", _aid(w))]


def _projects(w: Writer) -> list[Piece]:
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
                w.optional("projects.funds_raised", _("筹集资金%(n)s")),
                w.optional("projects.households_out_of_poverty", _("帮助%(n)s脱贫")),
                w.optional("projects.jobs_created", _("安置就业%(n)s")),
                w.optional("projects.fixed_assets", _("有固定资产%(n)s")),
                w.optional("projects.output_value", _("实现产值%(n)s")),
                w.optional("projects.tax_paid", _("利税%(n)s")),
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
        text += w.rate_sentence(
            "rate.villages_with_project",
            _("%(pct)s的村（居）协会开展了项目（%(denominator)s中的%(numerator)s）。"),
            _("村（居）协会开展项目的比例暂无数据。"),
            none=_("%(denominator)s村（居）协会均未开展项目。"),
            every=_("%(denominator)s村（居）协会全部开展了项目。"),
        )
    return text


def _aid(w: Writer) -> list[Piece]:
    if not w.has("aid.households"):
        return sentence(_("本年暂无帮扶记录，受帮扶户中实行计划生育家庭的比例暂无数据。"))
    # The clause order reads right: the households and their aid first, the change after.
    text = sentence(
        _("全年帮扶%(households)s（%(records)s）%(yoy)s，帮扶金额%(amount)s%(people)s。"),
        households=w.count("aid.households"),
        records=w.count("aid.records"),
        yoy=w.yoy("aid.households"),
        amount=w.amount("aid.amount"),
        people=w.optional("aid.people", _("，惠及群众%(n)s"), w.about("aid.people")),
    )
    kinds = joined(
        [
            sentence(
                _("%(kind)s%(households)s共%(amount)s"),
                kind=str(label),
                households=w.count(f"aid.kind.{kind}.households"),
                amount=w.amount(f"aid.kind.{kind}.amount"),
            )
            for kind, label in AID_KINDS.items()
            if w.has(f"aid.kind.{kind}.households")
        ]
    )
    if kinds:
        text += sentence(_("其中%(list)s。"), list=kinds)
    text += w.rate_sentence(
        "rate.aid_fp_share",
        _("受帮扶的%(denominator)s中实行计划生育家庭%(numerator)s，占%(pct)s%(yoy)s。"),
        exact=True,
    )
    categories = w.listing(prefixed("aid.households", HOUSEHOLD_KINDS))
    if categories:
        text += sentence(_("受帮扶户中有%(list)s。"), list=categories)
    if w.has("aid.project_households"):
        text += sentence(_("通过项目帮扶的%(n)s。"), n=w.count("aid.project_households"))
    return text


# ── 活动与宣传 ──────────────────────────────────────────────────────────────────
def events(w: Writer) -> Paragraphs:
    if not w.has("events.total"):
        return [("events.summary", sentence(_("本年暂无活动记录。")))]
    types = joined(
        [
            sentence(
                _("%(type)s%(n)s%(people)s"),
                type=str(label),
                n=w.count(f"events.{kind}"),
                people=sentence(_("（参与%(n)s）"), n=w.about(f"events.participants.{kind}"))
                if w.has(f"events.participants.{kind}")
                else [],
            )
            for kind, label in EVENT_TYPES.items()
            if w.has(f"events.{kind}")
        ]
    )
    summary = sentence(
        _("%(place)s全年开展各类活动%(total)s%(yoy)s，参与%(participants)s%(types)s。"),
        place=w.place,
        total=w.count("events.total"),
        yoy=w.yoy("events.total"),
        participants=w.about("events.participants"),
        types=sentence(_("，其中%(list)s"), list=types) if types else [],
    )
    training = joined(
        [
            w.optional("events.training_sessions", _("举办培训班%(n)s")),
            w.optional("events.training_days", _("共%(n)s")),
            w.optional("events.trainees", _("培训%(n)s"), w.about("events.trainees")),
        ],
        "，",
        skip_empty=True,
    )
    if training:
        summary += [*training, _("。")]
    if w.has("events.screened"):
        summary += w.rate_sentence(
            "rate.cases_found",
            _("组织健康检查%(denominator)s，查出病例%(numerator)s，检出率%(pct)s。"),
            exact=True,
        )
    materials = w.listing(prefixed("events.materials", MATERIALS), rounded=True)
    publicity = sentence(_("发放%(list)s。"), list=materials) if materials else []
    costs = money_listing(w, {f"events.cost.{kind}": label for kind, label in EVENT_TYPES.items()})
    cost = (
        sentence(
            _("活动支出费用%(cost)s%(types)s。"),
            cost=w.amount("events.cost"),
            types=sentence(_("，其中%(list)s"), list=costs) if costs else [],
        )
        if w.has("events.cost")
        else []
    )
    return [("events.summary", summary), ("events.publicity", _sentences(publicity, cost))]


# ── 评先创优 ────────────────────────────────────────────────────────────────────
def awards(w: Writer) -> Paragraphs:
    if not w.has("awards.total"):
        text = sentence(_("本年暂无表彰记录。"))
    else:
        levels = []
        for level, label in AWARD_LEVELS.items():
            recipients = joined(
                [
                    [w.count(f"awards.{level}.{key}", str(unit)), str(name)]
                    for key, (name, unit) in RECIPIENTS.items()
                    if w.has(f"awards.{level}.{key}")
                ],
                "和",
            )
            if recipients:
                levels.append(
                    sentence(_("%(list)s受到%(level)s表彰"), list=recipients, level=str(label))
                )
        text = sentence(
            _("全年获得各级表彰%(n)s%(yoy)s%(levels)s。"),
            n=w.count("awards.total"),
            yoy=w.yoy("awards.total"),
            levels=sentence(_("：%(list)s"), list=joined(levels, "；")) if levels else [],
        )
    if w.has("assessments.model_associations"):
        text += sentence(_("创建示范协会%(n)s。"), n=w.count("assessments.model_associations"))
    return [("awards.summary", text)]


# ── 村（居）民自治 ───────────────────────────────────────────────────────────────
def selfgov(w: Writer) -> Paragraphs:
    if not w.has("org.villages"):
        return [
            (
                "selfgov.charters",
                sentence(_("%(place)s暂无村（居）协会，村民自治暂无数据。"), place=w.place),
            )
        ]
    if w.is_village:
        charters = sentence(
            _("本村（居）%(state)s计划生育村民自治章程。"),
            state=Figure(
                "rate.villages_with_charter",
                _("已制定") if w.has("selfgov.villages_with_charter") else _("尚未制定"),
                w.exact("rate.villages_with_charter"),
            ),
        )
    else:
        charters = w.rate_sentence(
            "rate.villages_with_charter",
            _("%(denominator)s村（居）协会中已制定村民自治章程的%(numerator)s，占%(pct)s%(yoy)s。"),
            none=_("%(denominator)s村（居）协会均未登记制定村民自治章程。"),
        )
        provisions = joined(
            [
                [w.count(f"selfgov.charters.{key}"), str(label)]
                for key, label in CHARTER_PROVISIONS.items()
                if w.has(f"selfgov.charters.{key}")
            ],
            "，",
        )
        if provisions:
            charters += sentence(
                _("在已制定章程的%(n)s中，有%(list)s。"),
                n=w.count("selfgov.villages_with_charter"),
                list=provisions,
            )
    agreements: list[Piece] = []
    if not w.is_village:
        if w.has("org.associations.village"):
            agreements += w.rate_sentence(
                "rate.agreement_admin_villages",
                _(
                    "%(place)s%(denominator)s村中已有%(numerator)s与农户签订了村民自治协议书，签订率%(pct)s。"
                ),
                none=_("%(place)s%(denominator)s村均未签订村民自治协议书。"),
                every=_("%(place)s%(denominator)s村全部与农户签订了村民自治协议书。"),
            )
        else:
            agreements += w.rate_sentence(
                "rate.agreement_villages",
                _("签订自治协议的村（居）%(numerator)s，占%(pct)s。"),
                none=_("暂无签订自治协议的村（居）。"),
            )
        if w.has("selfgov.pilot_villages"):
            agreements += sentence(
                _("确定村民自治试点村（居）%(n)s。"), n=w.count("selfgov.pilot_villages")
            )
    agreements += w.rate_sentence(
        "rate.agreement_households",
        _("应签自治协议%(denominator)s，已签%(numerator)s，签订率%(pct)s%(yoy)s。"),
        _("自治协议签订户数暂无数据。"),
        exact=True,
    )
    return [("selfgov.charters", charters), ("selfgov.agreements", agreements)]


# ── 经费 ────────────────────────────────────────────────────────────────────────
def funds(w: Writer) -> Paragraphs:
    if not w.has("funds.income") and not w.has("funds.expense"):
        text = sentence(_("本年暂无经费收支记录。"))
    else:
        text = []
    if w.has("funds.income"):
        sources = money_listing(w, prefixed("funds.income", INCOME_SOURCES))
        text += sentence(
            _("全年经费收入%(income)s%(yoy)s%(sources)s。"),
            income=w.amount("funds.income"),
            yoy=w.yoy("funds.income"),
            sources=sentence(_("，其中%(list)s"), list=sources) if sources else [],
        )
    if w.has("funds.expense"):
        purposes = money_listing(w, prefixed("funds.expense", EXPENSE_PURPOSES))
        text += sentence(
            _("全年经费支出%(expense)s%(yoy)s%(purposes)s。"),
            expense=w.amount("funds.expense"),
            yoy=w.yoy("funds.expense"),
            purposes=sentence(_("，其中用于%(list)s"), list=purposes) if purposes else [],
        )
    if w.has("officers.allowances_paid"):
        text += sentence(
            _("全年为%(people)s理事会成员发放津贴%(amount)s。"),
            people=w.count("officers.allowance_recipients"),
            amount=w.amount("officers.allowances_paid"),
        )
    return [("funds.summary", text)]


# The review, in the order the reports take the lines of work (key → title, writer).
REVIEW: dict[str, tuple[object, Callable[[Writer], Paragraphs]]] = {
    "org": (gettext_lazy("组织建设"), org),
    "members": (gettext_lazy("会员队伍"), members),
    "liaison": (gettext_lazy("会员联系户"), liaison),
    "projects": (gettext_lazy("项目与帮扶"), projects),
    "events": (gettext_lazy("活动与宣传"), events),
    "awards": (gettext_lazy("评先创优"), awards),
    "selfgov": (gettext_lazy("村民自治"), selfgov),
    "funds": (gettext_lazy("经费"), funds),
}
