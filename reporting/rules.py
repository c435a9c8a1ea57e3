"""Rules of what the reporting app writes: everyone with a role reads alerts, PMO managers
acknowledge them and set the health thresholds; alerts are raised and resolved by the
services only."""

from pmo import rules
from pmo.roles import is_pmo_manager
from reporting.models import Alert, DigestNotification, HealthPolicy

rules.register(HealthPolicy)(rules.ModelRules)
rules.register(DigestNotification)(rules.ModelRules)


@rules.register(Alert)
class AlertRules(rules.ModelRules):
    def can_add(self, user, parent=None):
        return False

    def can_change(self, user, obj=None):
        return False

    def can_acknowledge(self, user, obj=None):
        return is_pmo_manager(user)
