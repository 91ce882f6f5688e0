"""The texts of the shipped assessment templates, so the catalogues translate them.

Templates are data an administrator may edit (migrations 0002, 0006 and 0008 ship them). A
name or item still worded as shipped is shown in the reader's language
(`AssessmentTemplate.shown_name`, `AssessmentItem.shown_text`); an edited one as typed.
"""

from django.utils.translation import gettext_noop

SHIPPED_TEXTS = (
    # ba_you
    gettext_noop("八有"),
    gettext_noop("会员名册"),
    gettext_noop("规章制度"),
    gettext_noop("活动场所"),
    gettext_noop("活动记实"),
    gettext_noop("协会章程"),
    gettext_noop("文件档案"),
    gettext_noop("工作方案"),
    gettext_noop("协会标志"),
    # model_association
    gettext_noop("示范协会"),
    gettext_noop("有一个精干、高效、议事能力强的理事班子"),
    gettext_noop("有一个富有生气的会员活动阵地"),
    gettext_noop("有一个热心服务群众的志愿者队伍"),
    gettext_noop("有一个“少生快富”项目"),
    # san_you
    gettext_noop("三有"),
    gettext_noop("有人管事"),
    gettext_noop("有钱办事"),
    gettext_noop("有章理事"),
    # yi_hao_si_jian
    gettext_noop("一好四建"),
    gettext_noop(),
    gettext_noop("选一个有一定文化知识、思路比较清楚、在群众中有一定威望、能适应工作需要的好会长"),
    gettext_noop("建一个能承担日常工作的理事会"),
    gettext_noop("建一个适应工作上水平的活动阵地"),
    gettext_noop("建一个便于活动的会员小组体系"),
    gettext_noop("建一套保证协会经常性工作开展的工作制度"),
)
