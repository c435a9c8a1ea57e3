"""Rules of the portfolio structure: everyone with a role reads, PMO managers write."""

from pmo import rules
from portfolio.models import Portfolio, Programme, StrategicObjective

rules.register(StrategicObjective)(rules.ModelRules)
rules.register(Portfolio)(rules.ModelRules)
rules.register(Programme)(rules.ModelRules)
