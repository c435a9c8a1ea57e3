"""Sections that later apps add to an earlier app's page (the RAID log on the project page,
finance and capacity on the portfolio page...).

A page belongs to its app, which imports no later app: a later app registers a panel (a
template and a function giving its context) when it is ready, and the page renders every
panel registered for it, in order.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    """A section of a page: ``context(request, obj)`` feeds ``template_name``."""

    name: str
    template_name: str
    context: Callable
    order: int = 100


class PanelRegistry:
    """The panels of one kind of page."""

    def __init__(self):
        self._panels: dict[str, Panel] = {}

    def register(self, name: str, *, template_name: str, order: int = 100):
        """Decorator registering ``function(request, obj) -> dict`` as a panel."""

        def decorator(function):
            self._panels[name] = Panel(name, template_name, function, order)
            return function

        return decorator

    def render_context(self, request, obj) -> list[dict]:
        """Each registered panel's template and context, in order."""
        return [
            {
                "name": panel.name,
                "template_name": panel.template_name,
                **panel.context(request, obj),
            }
            for panel in sorted(self._panels.values(), key=lambda p: (p.order, p.name))
        ]
