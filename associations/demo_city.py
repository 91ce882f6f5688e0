"""A city for measuring scale (`seed_demo --scale city`): the network and its accounts.

Shaped like the city yearbook's count (1,519 associations = 11 county + 122 town + 1,294
village + 5 floating + 86 enterprise): 11 counties, about 11 towns each (two of them split into
responsibility-area branches), about 11 villages or residents' committees per town, an
enterprise association in most towns, five floating-population associations. Deterministic and
fast: every row is written with bulk inserts (demo data aside, writes go through services).
"""

from __future__ import annotations

import datetime as dt
import random

from .demo import DEMO_PASSWORD
from .models import Association, Level, Role, User
from .services import account_create, system_actor

# Codes of their own (3399…), so the city and the demo district (330703…) can share a database.
CITY_CODE = "339900"
CITY_NAME = "金华市计划生育协会"
COUNTIES = [
    ("339901", "婺城区"),
    ("339902", "金东区"),
    ("339903", "武义县"),
    ("339904", "浦江县"),
    ("339905", "磐安县"),
    ("339906", "兰溪市"),
    ("339907", "义乌市"),
    ("339908", "东阳市"),
    ("339909", "永康市"),
    ("339910", "开发区"),
    ("339911", "金义新区"),
]
SEED = 339900


def _village_name(rng: random.Random, used: set[str]) -> str:
    first = "东南西北上下前后新老大小金银石竹松桃李杏梅兰"
    second = "塘溪山坞畈岭湾桥头坑垄园店宅家庄埠坂"
    while True:
        name = (
            f"{rng.choice(first)}{rng.choice('王李张刘陈杨黄赵吴周徐朱胡何')}{rng.choice(second)}村"
        )
        if name not in used:
            used.add(name)
            return name


class _Network:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.rows: list[Association] = []

    def add(
        self, code: str, name: str, level: str, parent: Association | None, **extra
    ) -> Association:
        association = Association(
            code=code,
            name=name,
            level=level,
            parent=parent,
            path=(parent.path if parent else "") + code + "/",
            depth=(parent.depth + 1) if parent else 0,
            founded_on=extra.pop("founded_on", dt.date(1992, 5, 29)),
            **extra,
        )
        self.rows.append(association)
        return association


def build_network() -> Association:
    """The city and everything under it (bulk-inserted, parents first)."""
    net = _Network()
    rng = net.rng
    city = net.add(CITY_CODE, CITY_NAME, Level.CITY, None, founded_on=dt.date(1990, 5, 29))
    Association.objects.bulk_create([city])
    net.rows.clear()
    for c, (county_code, county_name) in enumerate(COUNTIES):
        county = net.add(county_code, f"{county_name}计划生育协会", Level.COUNTY, city)
        Association.objects.bulk_create([county])
        net.rows.clear()
        towns = 11 + (1 if c < 1 else 0)  # 122 towns in all
        for t in range(1, towns + 1):
            town_code = f"{county_code}{100 + t:03d}"
            town = net.add(
                town_code,
                f"{county_name[:2]}第{t}镇计生协",
                Level.TOWN,
                county,
                population=rng.randint(20000, 70000),
            )
            Association.objects.bulk_create([town])
            net.rows.clear()
            parents = [town]
            if t == 1 and c in (1, 6):  # two towns split into responsibility-area branches
                parents = [
                    net.add(
                        f"{town_code}B{i}", f"{town.name[:-3]}第{i}责任区分会", Level.BRANCH, town
                    )
                    for i in range(1, 5)
                ]
                Association.objects.bulk_create(parents)
                net.rows.clear()
            used: set[str] = set()
            villages = 10 + (1 if (c * 12 + t) % 3 else 0)
            for v in range(1, villages + 1):
                level = Level.COMMUNITY if v > villages - 1 and t % 2 else Level.VILLAGE
                kind = "社区" if level == Level.COMMUNITY else "村"
                net.add(
                    f"{town_code}{200 + v:03d}",
                    f"{_village_name(rng, used)[:-1]}{kind}计生协",
                    level,
                    parents[(v - 1) % len(parents)],
                    population=rng.choice([rng.randint(280, 499), *[rng.randint(500, 3200)] * 9]),
                    founded_on=dt.date(rng.randint(1992, 2006), 5, 29),
                )
            if (c * 12 + t) % 3 != 0:  # enterprise associations in about two towns of three
                net.add(
                    f"{town_code}E01",
                    f"{town.name[:-3]}工业园区企业计生协",
                    Level.ENTERPRISE,
                    town,
                    founded_on=dt.date(2015 + t % 8, 9, 25),
                )
            Association.objects.bulk_create(net.rows, batch_size=500)
            net.rows.clear()
        if c < 5:
            net.add(
                f"{county_code}F01",
                f"{county_name}流动人口计生协会",
                Level.FLOATING,
                county,
                founded_on=dt.date(2019, 3, 1),
            )
            Association.objects.bulk_create(net.rows)
            net.rows.clear()
    return city


ACCOUNTS = [
    # username, association code, role, name
    ("shi_mishu", CITY_CODE, Role.SECRETARY, "市计生协秘书长"),
    ("shi_lingdao", CITY_CODE, Role.OFFICER, "市计生协领导"),
    ("wucheng_mishu", "339901", Role.SECRETARY, "婺城区秘书长"),
    ("yiwu_mishu", "339907", Role.SECRETARY, "义乌市秘书长"),
    ("yiwu_lingdao", "339907", Role.OFFICER, "义乌市领导"),
    ("yiwu1_mishu", "339907101", Role.SECRETARY, "义乌第1镇秘书长"),
    ("yiwu1_luru", "339907101", Role.CLERK, "义乌第1镇录入员"),
    ("dongyang3_mishu", "339908103", Role.SECRETARY, "东阳第3镇秘书长"),
]


def build_accounts() -> list[tuple[str, str, str]]:
    rows = []
    for username, code, role, name in ACCOUNTS:
        association = Association.objects.get(code=code)
        if not User.objects.filter(username=username).exists():
            account_create(
                by=system_actor(),
                username=username,
                password=DEMO_PASSWORD,
                association=association,
                role=role,
                first_name=name,
            )
        rows.append((username, str(Role(role).label), association.name))
    return rows


def seed(stdout) -> Association | None:
    if Association.objects.filter(code=CITY_CODE).exists():
        stdout.write("演示城市已存在，跳过组织网络。")
        return None
    city = build_network()
    accounts = build_accounts()
    counts = {
        level.label: Association.objects.within(city).filter(level=level).count() for level in Level
    }
    stdout.write(
        f"演示城市：{city.name}，共 {Association.objects.within(city).count()} 个协会（"
        + "，".join(f"{label} {n}" for label, n in counts.items() if n)
        + "）。"
    )
    stdout.write(f"城市演示账号（密码均为 {DEMO_PASSWORD}）：")
    for username, role, scope in accounts:
        stdout.write(f"  {username:<18} {role:<10} {scope}")
    return city
