from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PmoConfig(AppConfig):
    name = "pmo"
    verbose_name = _("Pilotage")

    def ready(self):
        # The rules of API tokens live beside their services: registered at start-up, before
        # any page or endpoint asks them.
        from pmo import tokens  # noqa: F401
