"""Ship the assessment checklists the reports cite (八有, 示范协会, 三有, 一好四建) as data.

Administrators may edit them afterwards in the admin; this migration only
creates the ones that are missing, so it never overwrites their edits.
"""

from django.db import migrations

TEMPLATES = [
    {
        "code": "ba_you",
        "name": "八有",
        "pass_rule": "all",
        "pass_minimum": None,
        "description": "村（居）级协会规范化建设标准，八项全部具备为达标。",
        "items": [
            "有会员花名册",
            "有协会章程/制度",
            "有活动场所",
            "有活动记录",
            "有自治章程",
            "有档案资料",
            "有工作计划",
            "有会标",
        ],
    },
    {
        "code": "model_association",
        "name": "示范协会",
        "pass_rule": "all",
        "pass_minimum": None,
        "description": "评选示范协会坚持的四条标准，四项全部具备为达标。",
        "items": [
            "有一个精干高效议事能力强的理事班子",
            "有一个富有生气的会员活动阵地",
            "有一个热心服务群众的志愿者队伍",
            "有一个“少生快富”项目",
        ],
    },
    {
        "code": "san_you",
        "name": "三有",
        "pass_rule": "all",
        "pass_minimum": None,
        "description": "基层协会做到有人管事、有钱办事、有章理事，三项全部具备为达标。",
        "items": ["有人管事", "有钱办事", "有章理事"],
    },
    {
        "code": "yi_hao_si_jian",
        "name": "一好四建",
        "pass_rule": "at_least",
        "pass_minimum": 4,
        "description": "基层协会整建原则：选一个好会长，建理事会、活动阵地、会员小组体系和工作制度；"
        "五项中至少四项达到为达标。",
        "items": ["领导班子好", "建组织", "建阵地", "建队伍", "建制度"],
    },
]


def ship(apps, schema_editor):
    Template = apps.get_model("activities", "AssessmentTemplate")
    Item = apps.get_model("activities", "AssessmentItem")
    for spec in TEMPLATES:
        fields = {k: v for k, v in spec.items() if k not in ("code", "items")}
        template, created = Template.objects.get_or_create(code=spec["code"], defaults=fields)
        if created:
            Item.objects.bulk_create(
                Item(template=template, number=number, text=text)
                for number, text in enumerate(spec["items"], start=1)
            )


def unship(apps, schema_editor):
    Template = apps.get_model("activities", "AssessmentTemplate")
    Assessment = apps.get_model("activities", "Assessment")
    used = Assessment.objects.values("template_id")
    Template.objects.filter(code__in=[t["code"] for t in TEMPLATES]).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
    ]

    operations = [migrations.RunPython(ship, unship)]
