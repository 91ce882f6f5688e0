"""The shipped checklists in the source documents' words and order.

八有 as the city yearbook lists it (“即有会员名册、有规章制度、有活动场所、有活动记实、
有协会章程、有文件档案、有工作方案、协会标志”); 一好四建 as the yearbook spells out its
principle; 示范协会 as the district report states its four standards; 三有 as the district
work plan and domain notes have it (already so).

Each stored item row is rewritten in place — its text, and its number where the order
differs — so every recorded assessment keeps the items it had met. Rows are matched to the
new wording by meaning: the first item of the new list (in order) whose keywords the old
text contains. In the shipped 八有, “有协会章程/制度” names the rules (制度 comes first) and
“有自治章程” the association's charter (a charter either way: 自治章程 is the village's,
not the association's, and the yearbook lists no such item). In 一好四建, 领导班子好 is the
good chair, 建组织 the council, 建队伍 the member-group system (会员队伍 are the members:
the yearbook's “委员小组” read as 会员小组, as in the domain notes). A checklist an
administrator has reshaped so that its items do not match one for one is left as it is.
Each rewritten row gets a history entry by the system, saying why.
"""

from django.db import migrations
from django.utils import timezone

REASON = "按年鉴、工作报告的表述统一考核项"

# code: [(new text, keywords of the old texts that mean it)], in the new order.
CHECKLISTS = {
    "ba_you": [
        ("会员名册", ("名册",)),
        ("规章制度", ("制度",)),
        ("活动场所", ("场所", "阵地")),
        ("活动记实", ("记实", "记录")),
        ("协会章程", ("章程",)),
        ("文件档案", ("档案",)),
        ("工作方案", ("方案", "计划")),
        ("协会标志", ("标志", "会标")),
    ],
    "yi_hao_si_jian": [
        (
            "选一个有一定文化知识、思路比较清楚、在群众中有一定威望、能适应工作需要的好会长",
            ("会长", "班子"),
        ),
        ("建一个能承担日常工作的理事会", ("理事会", "组织")),
        ("建一个适应工作上水平的活动阵地", ("阵地", "场所")),
        ("建一个便于活动的会员小组体系", ("小组", "队伍")),
        ("建一套保证协会经常性工作开展的工作制度", ("制度",)),
    ],
    "model_association": [
        ("有一个精干、高效、议事能力强的理事班子", ("班子", "理事")),
        ("有一个富有生气的会员活动阵地", ("阵地",)),
        ("有一个热心服务群众的志愿者队伍", ("志愿者",)),
        ("有一个“少生快富”项目", ("少生快富", "项目")),
    ],
    "san_you": [
        ("有人管事", ("人管事", "有人")),
        ("有钱办事", ("钱",)),
        ("有章理事", ("章",)),
    ],
}
# The wording shipped by 0002, for going back.
SHIPPED = {
    "ba_you": [
        "有会员花名册",
        "有协会章程/制度",
        "有活动场所",
        "有活动记录",
        "有自治章程",
        "有档案资料",
        "有工作计划",
        "有会标",
    ],
    "yi_hao_si_jian": ["领导班子好", "建组织", "建阵地", "建队伍", "建制度"],
    "model_association": [
        "有一个精干高效议事能力强的理事班子",
        "有一个富有生气的会员活动阵地",
        "有一个热心服务群众的志愿者队伍",
        "有一个“少生快富”项目",
    ],
    "san_you": ["有人管事", "有钱办事", "有章理事"],
}
# Numbers are moved out of the way first (the number is unique within a checklist).
PARKED = 10000


def _matched(items, wanted):
    """{item: (number, text)} when the items match the wanted list one for one, else None."""
    if len(items) != len(wanted):
        return None
    found = {}
    for item in items:
        position = next(
            (i for i, (_text, keys) in enumerate(wanted) if any(k in item.text for k in keys)),
            None,
        )
        if position is None:
            return None
        found[item] = (position + 1, wanted[position][0])
    if len({number for number, _text in found.values()}) != len(wanted):
        return None
    return found


def _rewrite(apps, wording) -> None:
    Template = apps.get_model("activities", "AssessmentTemplate")
    Item = apps.get_model("activities", "AssessmentItem")
    HistoricalItem = apps.get_model("activities", "HistoricalAssessmentItem")
    now = timezone.now()
    for code, wanted in wording.items():
        template = Template.objects.filter(code=code).first()
        if template is None:
            continue
        items = list(Item.objects.filter(template=template).order_by("number"))
        found = _matched(items, wanted)
        if found is None:
            continue
        changed = [i for i, (n, text) in found.items() if (i.number, i.text) != (n, text)]
        moving = [i.pk for i, (n, _text) in found.items() if i.number != n]
        # An intermediate state inside this migration; the final save is recorded below.
        for item in Item.objects.filter(pk__in=moving):
            item.number += PARKED
            item.save(update_fields=["number"])
        for item in changed:
            item.number, item.text = found[item]
            item.save(update_fields=["number", "text"])
            HistoricalItem.objects.create(
                id=item.pk,
                template_id=item.template_id,
                number=item.number,
                text=item.text,
                history_date=now,
                history_type="~",
                history_change_reason=REASON,
                history_user=None,
            )


def forwards(apps, schema_editor) -> None:
    _rewrite(apps, CHECKLISTS)


def backwards(apps, schema_editor) -> None:
    # The old texts by position (this migration keeps positions for the shipped lists).
    old = {}
    for code, texts in SHIPPED.items():
        old[code] = [(text, (new,)) for text, (new, _keys) in zip(texts, CHECKLISTS[code])]
    _rewrite(apps, old)


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0005_live_natural_keys_years_related_history"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
