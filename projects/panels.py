"""Sections that later apps add to the project page (the RAID log, change control...):
``@panels.register(name, template_name=..., order=...)`` on ``function(request, project)``."""

from pmo.panels import PanelRegistry

project_panels = PanelRegistry()
register = project_panels.register
render_context = project_panels.render_context
