from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("统计报表")

    def ready(self) -> None:
        from django.core.checks import register

        from . import checks

        register(checks.check_cjk_font)
        register(checks.check_table_codes)

        from . import signals
        from .catalog.store import connect_signals

        connect_signals()
        signals.connect_signals()
