"""The demo network: a district modelled on the seed work reports.

One district, 11 towns and streets, ~250 villages and residents' committees
(one town split into five responsibility-area branches), an enterprise
association per town and a floating-population association.
"""

from __future__ import annotations

import datetime as dt
import random

from .models import Association, Level, Role, User
from .services import account_create, association_create, system_actor

DISTRICT_CODE = "330703"
DEMO_PASSWORD = "demo-2026"
PERSONAL_DATA_ACCOUNTS = {"qu_mishu"}

# (code, name, villages, residents' committees); 孝顺镇 mirrors the seed town report
# (41 villages, 3 residents' committees, five branches by responsibility area).
TOWNS = [
    ("330703001", "多湖街道", 14, 6),
    ("330703002", "东孝街道", 16, 4),
    ("330703101", "孝顺镇", 41, 3),
    ("330703102", "傅村镇", 26, 1),
    ("330703103", "曹宅镇", 24, 1),
    ("330703104", "澧浦镇", 25, 1),
    ("330703105", "岭下镇", 22, 1),
    ("330703106", "江东镇", 18, 1),
    ("330703107", "塘雅镇", 20, 1),
    ("330703108", "赤松镇", 19, 1),
    ("330703201", "源东乡", 12, 0),
]
BRANCH_TOWN = "330703101"

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_VILLAGE_SUFFIXES = [
    "宅",
    "村",
    "店",
    "塘",
    "山",
    "畈",
    "坞",
    "溪",
    "桥",
    "岭",
    "家",
    "头",
    "坑",
    "垄",
    "园",
]
_COMMUNITY_NAMES = ["城东", "城西", "新华", "光明", "和平", "幸福", "振兴", "文化"]


def _village_name(rng: random.Random, used: set[str]) -> str:
    while True:
        prefix = rng.choice(["", "上", "下", "前", "后", "东", "西", "新", "大", "小"])
        name = f"{prefix}{rng.choice(_SURNAMES)}{rng.choice(_VILLAGE_SUFFIXES)}村"
        if name not in used:
            used.add(name)
            return name


def _ensure(code: str, name: str, level: str, parent: Association | None, **extra) -> Association:
    existing = Association.objects.filter(code=code).first()
    return existing or association_create(
        by=system_actor(), code=code, name=name, level=level, parent=parent, **extra
    )


def build_network() -> Association:
    rng = random.Random(20240529)
    founded = dt.date(1991, 5, 29)
    district = _ensure(DISTRICT_CODE, "金东区计划生育协会", Level.COUNTY, None, founded_on=founded)
    _ensure(
        f"{DISTRICT_CODE}F01",
        "金东区流动人口计生协会",
        Level.FLOATING,
        district,
        founded_on=dt.date(2019, 3, 1),
    )
    for town_code, town_name, villages, communities in TOWNS:
        town = _ensure(
            town_code,
            f"{town_name}计生协",
            Level.TOWN,
            district,
            founded_on=founded,
            population=rng.randint(30000, 60000),
        )
        parents = [town]
        if town_code == BRANCH_TOWN:
            parents = [
                _ensure(
                    f"{town_code}B{i}",
                    f"{town_name}第{'一二三四五'[i - 1]}责任区分会",
                    Level.BRANCH,
                    town,
                    founded_on=dt.date(2022, 6, 1),
                )
                for i in range(1, 6)
            ]
        used: set[str] = set()
        for i in range(1, villages + 1):
            name = _village_name(rng, used)
            parent = parents[(i - 1) % len(parents)]
            population = rng.choice([rng.randint(280, 499), *[rng.randint(500, 3200)] * 9])
            _ensure(
                f"{town_code}{200 + i:03d}",
                f"{name}计生协",
                Level.VILLAGE,
                parent,
                founded_on=dt.date(rng.randint(1992, 2005), 5, 29),
                population=population,
            )
        for i in range(1, communities + 1):
            name = _COMMUNITY_NAMES[(i - 1) % len(_COMMUNITY_NAMES)]
            _ensure(
                f"{town_code}{i:03d}",
                f"{town_name[:2]}{name}社区计生协",
                Level.COMMUNITY,
                parents[(i - 1) % len(parents)],
                founded_on=dt.date(2006, 5, 29),
                population=rng.randint(1500, 6000),
            )
        _ensure(
            f"{town_code}E01",
            f"{town_name[:2]}工业园区企业计生协",
            Level.ENTERPRISE,
            town,
            founded_on=dt.date(2023, 9, 25),
        )
    return district


def build_accounts(district: Association) -> list[tuple[str, str, str]]:
    """Demo accounts for each role at district and town scope (and one village clerk)."""
    town = Association.objects.get(code=BRANCH_TOWN)
    village = Association.objects.filter(path__startswith=town.path, level=Level.VILLAGE).first()
    other_town = Association.objects.get(code="330703103")
    specs = [
        ("admin", None, Role.ADMIN, "系统管理员", True),
        ("qu_mishu", district, Role.SECRETARY, "区计生协秘书长", False),
        ("qu_lingdao", district, Role.OFFICER, "区计生协领导", False),
        ("qu_luru", district, Role.CLERK, "区计生协录入员", False),
        ("xiaoshun_mishu", town, Role.SECRETARY, "孝顺镇秘书长", False),
        ("xiaoshun_luru", town, Role.CLERK, "孝顺镇录入员", False),
        ("xiaoshun_lingdao", town, Role.OFFICER, "孝顺镇领导", False),
        ("caozhai_mishu", other_town, Role.SECRETARY, "曹宅镇秘书长", False),
        ("cun_luru", village, Role.CLERK, f"{village.name}录入员", False),
    ]
    rows = []
    for username, association, role, full_name, superuser in specs:
        if not User.objects.filter(username=username).exists():
            account_create(
                by=system_actor(),
                username=username,
                password=DEMO_PASSWORD,
                association=association,
                role=role,
                first_name=full_name,
                is_superuser=superuser,
                # Full ID numbers are granted to named accounts: here the district secretary.
                may_view_personal_data=username in PERSONAL_DATA_ACCOUNTS,
            )
        scope = association.name if association else "全部"
        rows.append((username, str(Role(role).label), scope))
    return rows


def seed(stdout, *, scale: float = 1.0) -> None:
    # The network's shape is fixed; scale only thins the records later apps add.
    district = build_network()
    accounts = build_accounts(district)
    total = Association.objects.within(district).count()
    stdout.write(f"组织网络：{district.name}，共 {total} 个协会。")
    stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for username, role, scope in accounts:
        stdout.write(f"  {username:<18} {role:<10} {scope}")
