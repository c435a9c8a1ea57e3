from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Reads everything, writes only reports: health, alerts, dashboard, Copil packs."""

    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        # Registers the rules, and the alerts panel of the project page.
        from reporting import panels, rules  # noqa: F401
