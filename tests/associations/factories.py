from __future__ import annotations

import factory

from associations.models import Association, Level
from associations.services import association_create, system_actor


class AssociationFactory(factory.django.DjangoModelFactory):
    """Built through the service so the materialized path is always right."""

    class Meta:
        model = Association

    code = factory.Sequence(lambda n: f"9{n:07d}")
    name = factory.Sequence(lambda n: f"测试协会{n}")
    level = Level.VILLAGE
    parent = None
    founded_on = None
    population = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return association_create(by=system_actor(), **kwargs)
