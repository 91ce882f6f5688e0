from activities.models import AssessmentTemplate, PassRule


def test_shipped_assessment_templates(db):
    templates = {t.code: t for t in AssessmentTemplate.objects.prefetch_related("items")}
    shape = {
        code: (t.name, len(t.items.all()), t.pass_rule, t.pass_minimum)
        for code, t in templates.items()
    }
    assert shape == {
        "ba_you": ("八有", 8, PassRule.ALL, None),
        "model_association": ("示范协会", 4, PassRule.ALL, None),
        "san_you": ("三有", 3, PassRule.ALL, None),
        "yi_hao_si_jian": ("一好四建", 5, PassRule.AT_LEAST, 4),
    }
    ba_you = [item.text for item in templates["ba_you"].items.all()]
    assert ba_you[0] == "有会员花名册" and ba_you[-1] == "有会标"
    assert [i.number for i in templates["yi_hao_si_jian"].items.all()] == [1, 2, 3, 4, 5]


def test_pass_rule_arithmetic(db):
    ba_you = AssessmentTemplate.objects.get(code="ba_you")
    assert ba_you.passes(8, 8) and not ba_you.passes(7, 8)
    yi_hao = AssessmentTemplate.objects.get(code="yi_hao_si_jian")
    assert yi_hao.passes(4, 5) and not yi_hao.passes(3, 5)
    empty = AssessmentTemplate(code="x", name="x")
    assert not empty.passes(0, 0)
