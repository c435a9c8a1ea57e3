from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    """The RAID log and change control (risks, issues, actions, decisions, changes)."""

    name = "risks"
    verbose_name = _("Risks and changes")

    def ready(self):
        from risks import panels, rules  # noqa: F401  (registers the rules and project panels)
