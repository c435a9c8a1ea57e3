from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        # Registers the rules, and the finance and staffing panels of project and portfolio pages.
        from projects import (  # noqa: F401
            finance_panels,
            gates_panels,
            intake_panels,
            lessons_panels,
            rules,
            scoring_panels,
            staffing_panels,
        )
