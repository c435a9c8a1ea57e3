"""Rules of the portfolio structure, its envelopes and the resource pool: everyone with a
role reads, PMO managers write; integrations also push monthly capacities."""

from pmo import rules
from pmo.roles import is_integration, is_pmo_manager
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


@rules.register(ResourceCapacity)
class ResourceCapacityRules(rules.ModelRules):
    """Monthly capacities are set by the PMO and pushed by integrations (the HR system knows
    holidays and part time first)."""

    def can_add(self, user, parent=None):
        return is_pmo_manager(user) or is_integration(user)

    def can_change(self, user, obj=None):
        return is_pmo_manager(user) or is_integration(user)


# Scoring criteria: the PMO sets them per portfolio; everyone with a role reads them.
from portfolio.models import ScoringCriterion  # noqa: E402

rules.register(ScoringCriterion)(rules.ModelRules)
