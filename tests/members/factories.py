from __future__ import annotations

import datetime as dt

import factory

from members import idcard
from members.models import (
    DuesPayment,
    Gender,
    Household,
    HouseholdCertificate,
    IntegrityGroup,
    LiaisonPair,
    Member,
    MemberGroup,
    MembershipPeriod,
    OfficerPosition,
    OfficerTitle,
)


def with_wrong_check_digit(number: str) -> str:
    """`number` with a check digit that disagrees with its first 17 characters."""
    return number[:17] + ("0" if number[17] != "0" else "1")


class MemberFactory(factory.django.DjangoModelFactory):
    """A member with a valid ID number and one open membership period."""

    class Meta:
        model = Member
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"会员{n}")
    gender = Gender.FEMALE
    birth_date = dt.date(1980, 5, 1)
    id_number = factory.LazyAttributeSequence(
        lambda o, n: idcard.make("330703", o.birth_date, n * 2 + (1 if o.gender == "M" else 0))
    )
    joined_on = dt.date(2020, 1, 1)

    @factory.post_generation
    def period(obj, create, extracted, **kwargs):
        if create:
            MembershipPeriod.objects.create(
                member=obj,
                joined_on=obj.joined_on,
                left_on=obj.left_on,
                leave_reason=obj.leave_reason,
            )


class MemberGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberGroup

    name = factory.Sequence(lambda n: f"第{n}会员小组")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"H{n:08d}")
    head_name = factory.Sequence(lambda n: f"户主{n}")
    size = 3


class LiaisonPairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonPair

    started_on = dt.date(2022, 3, 1)


class OfficerPositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficerPosition

    title = OfficerTitle.COUNCIL
    started_on = dt.date(2021, 1, 1)
    association = factory.LazyAttribute(lambda o: o.member.association)


class DuesPaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DuesPayment

    year = 2024
    amount = 10


class HouseholdCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdCertificate

    kind = "honour"
    number = factory.Sequence(lambda n: f"C{n:06d}")


class IntegrityGroupFactory(factory.django.DjangoModelFactory):
    """The group alone; attach 5–10 floating households with integrity_group=…"""

    class Meta:
        model = IntegrityGroup

    name = factory.Sequence(lambda n: f"诚信小组{n}")
    leader_name = "组长"
