from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    """The RAID log and change control (risks, issues, actions, decisions, changes)."""

    name = "risks"
    verbose_name = _("Risks and changes")
