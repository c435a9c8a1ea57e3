from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Reads everything, writes only reports: health, alerts, dashboard, Copil packs."""

    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from reporting import rules  # noqa: F401  (registers the rules)
