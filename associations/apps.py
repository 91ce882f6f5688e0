from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssociationsConfig(AppConfig):
    name = "associations"
    verbose_name = _("协会组织")

    def ready(self) -> None:
        from . import checks, permissions  # noqa: F401  (registers the checks and the rules)
