"""Sections that later apps add to the project page (the RAID log, change control...).

The project page belongs to ``projects``, which imports no later app: an app registers a
panel (a template and a function giving its context) when it is ready, and the page renders
every registered panel in order.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProjectPanel:
    """A section of the project page: ``context(request, project)`` feeds ``template_name``."""

    name: str
    template_name: str
    context: Callable
    order: int = 100


_panels: dict[str, ProjectPanel] = {}


def register(name: str, *, template_name: str, order: int = 100):
    """Decorator registering ``function(request, project) -> dict`` as a project panel."""

    def decorator(function):
        _panels[name] = ProjectPanel(name, template_name, function, order)
        return function

    return decorator


def render_context(request, project) -> list[dict]:
    """Each registered panel's template and context, in order, for the project page."""
    return [
        {
            "name": panel.name,
            "template_name": panel.template_name,
            **panel.context(request, project),
        }
        for panel in sorted(_panels.values(), key=lambda p: (p.order, p.name))
    ]
