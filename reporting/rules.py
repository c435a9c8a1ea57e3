"""Rules of what the reporting app writes: everyone with a role reads alerts, PMO managers
acknowledge them and set the health thresholds; alerts are raised and resolved by the
services only.

A Copil pack is seen by whoever may see its scope (the portfolio, programme or project it
covers). PMO managers and executives generate packs of any scope, a project manager the flash
report of a project they manage; PMO managers set the schedules and each portfolio's look,
and retry a failed run (so does whoever asked for it).
"""

from pmo import rules
from pmo.roles import is_executive, is_pmo_manager, oversees_portfolio
from projects.models import Project
from projects.rules import manages
from reporting.models import (
    Alert,
    DigestNotification,
    HealthPolicy,
    ReportLook,
    ReportRun,
    ReportSchedule,
)

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


rules.register(ReportLook)(rules.ModelRules)


@rules.register(ReportSchedule)
class ReportScheduleRules(rules.ModelRules):
    def can_view(self, user, obj=None):
        return oversees_portfolio(user)

    def can_delete(self, user, obj=None):
        return is_pmo_manager(user)


@rules.register(ReportRun)
class ReportRunRules(rules.ModelRules):
    def can_view(self, user, obj=None):
        if obj is None:
            return super().can_view(user)
        return rules.can(user, "view", obj.scope)

    def can_add(self, user, parent=None):
        """``parent`` is the scope asked for: a portfolio, a programme or a project."""
        if is_pmo_manager(user) or is_executive(user):
            return parent is None or rules.can(user, "view", parent)
        if isinstance(parent, Project):
            return manages(user, parent)
        return False

    def can_change(self, user, obj=None):
        return False

    def can_retry(self, user, obj=None):
        if is_pmo_manager(user):
            return True
        return obj is not None and obj.requested_by_id == user.pk
