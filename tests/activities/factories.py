from __future__ import annotations

import datetime as dt

import factory

from activities.models import (
    Aid,
    AidKind,
    Award,
    AwardLevel,
    Direction,
    Event,
    EventType,
    FundSource,
    LedgerEntry,
    Project,
    ProjectKind,
    SelfGovernance,
)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    type = EventType.MEMBER_DAY
    title = factory.Sequence(lambda n: f"活动{n}")
    started_on = dt.date(2024, 5, 29)
    participants = 100


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"P{n:06d}")
    kind = ProjectKind.FEWER_BIRTHS
    name = factory.Sequence(lambda n: f"项目{n}")
    started_on = dt.date(2024, 3, 1)


class AidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Aid

    given_on = dt.date(2024, 6, 1)
    kind = AidKind.CASH
    amount = 500


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    year = 2024
    level = AwardLevel.CITY
    title = "示范协会"
    awarding_body = "市计生协"


class SelfGovernanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelfGovernance

    year = 2024


class LedgerEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LedgerEntry

    date = dt.date(2024, 5, 29)
    direction = Direction.INCOME
    source = FundSource.BUREAU
    amount = 1000
