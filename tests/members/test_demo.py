from __future__ import annotations

import io

from django.db.models import Count, F, Q

from associations import demo as network_demo
from associations.models import Association, Level
from members import demo, idcard
from members.models import (
    Household,
    LiaisonPair,
    Member,
    MembershipPeriod,
    OfficerPosition,
    OfficerTitle,
)


def test_demo_members_follow_the_rules_and_seed_once(db):
    network_demo.build_network()
    out = io.StringIO()
    demo.seed(out, scale=0.02)
    assert "名会员" in out.getvalue()
    first = Member.objects.count()
    assert first >= 3 * Association.objects.filter(level=Level.VILLAGE).count()

    # Every ID valid and matching the birth date; the sex digit matches the gender.
    for member in Member.objects.all():
        number = member.id_number
        assert idcard.validate_id_number(number, birth=member.birth_date) == number
        assert (int(number[16]) % 2 == 1) == (member.gender == "M")

    # Each village of 500 people or more has a full-time vice-chair in office today.
    today = demo.DEMO_TODAY
    big = Association.objects.filter(level__in=["village", "community"], population__gte=500)
    with_fvc = (
        OfficerPosition.objects.held_on(today)
        .filter(title=OfficerTitle.FULLTIME_VICE_CHAIR, association__in=big)
        .values("association")
        .distinct()
    )
    assert with_fvc.count() == big.count()

    # Posts and pairs start while the member is in the roll, within their association's reach.
    for position in OfficerPosition.objects.select_related("member__association", "association"):
        assert position.member.association.path.startswith(position.association.path)
        assert MembershipPeriod.objects.filter(member=position.member).active_on(
            position.started_on
        )
    for pair in LiaisonPair.objects.select_related("member", "household"):
        assert pair.member.association_id == pair.household.association_id
        assert MembershipPeriod.objects.filter(member=pair.member).active_on(pair.started_on)
    assert not LiaisonPair.objects.filter(ended_on__lt=F("started_on")).exists()

    # History is visible: joins and leaves in 2024.
    assert MembershipPeriod.objects.filter(joined_on__year=2024).exists()
    assert MembershipPeriod.objects.filter(left_on__year=2024).exists()
    share = Household.objects.aggregate(
        n=Count("id"), fp=Count("id", filter=Q(is_family_planning=True))
    )
    assert 0.6 < share["fp"] / share["n"] < 0.9

    demo.seed(io.StringIO(), scale=0.02)  # a second run adds nothing
    assert Member.objects.count() == first
