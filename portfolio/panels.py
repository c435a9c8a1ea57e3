"""Sections that later apps add to the portfolio app's pages: on the portfolio page (finance
against envelopes, FTE demand against capacity...) with ``@panels.register(...)`` on
``function(request, portfolio)``; on a resource's page (its allocations, month by month) with
``@panels.resource_panels.register(...)`` on ``function(request, resource)``."""

from pmo.panels import PanelRegistry

portfolio_panels = PanelRegistry()
register = portfolio_panels.register
render_context = portfolio_panels.render_context

resource_panels = PanelRegistry()
