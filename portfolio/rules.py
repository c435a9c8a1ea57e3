"""Rules of the portfolio structure, its envelopes and the resource pool: everyone with a
role reads, PMO managers write."""

from pmo import rules
from portfolio.models import (
    FinancePolicy,
    Portfolio,
    PortfolioEnvelope,
    Programme,
    Resource,
    ResourceCapacity,
    StrategicObjective,
)

rules.register(StrategicObjective)(rules.ModelRules)
rules.register(Portfolio)(rules.ModelRules)
rules.register(Programme)(rules.ModelRules)
rules.register(PortfolioEnvelope)(rules.ModelRules)
rules.register(FinancePolicy)(rules.ModelRules)
rules.register(Resource)(rules.ModelRules)
rules.register(ResourceCapacity)(rules.ModelRules)
