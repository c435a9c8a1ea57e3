"""Rules of the RAID log and change control.

Everyone with a role reads. A project manager keeps the RAID log and the change requests of
the not-ended projects they manage; entries of a programme or a portfolio as a whole are the
PMO's. The owner of an action may update it wherever it is. Change requests are decided, and
decisions taken, by PMO managers and executives only; whether a step is allowed in a record's
state is the services' answer (409), not a permission.
"""

from pmo import rules
from pmo.roles import has_any_role, is_executive, is_pmo_manager, is_project_manager
from projects.models import Project
from projects.rules import manages
from risks.models import Action, ChangeRequest, Decision, Issue, Risk, RiskPolicy


def may_decide(user) -> bool:
    """PMO managers and executives decide changes and take decisions."""
    return is_pmo_manager(user) or is_executive(user)


class RaidRules(rules.ModelRules):
    """Risks, issues, decisions (and the base of actions and change requests)."""

    def can_add(self, user, parent=None):
        if is_pmo_manager(user):
            return True
        if parent is None:
            return is_project_manager(user)
        return isinstance(parent, Project) and manages(user, parent)

    def can_change(self, user, obj=None):
        if is_pmo_manager(user):
            return True
        if obj is None:
            return is_project_manager(user)
        return obj.project_id is not None and manages(user, obj.project)


rules.register(Risk)(RaidRules)
rules.register(Issue)(RaidRules)


@rules.register(Action)
class ActionRules(RaidRules):
    def can_change(self, user, obj=None):
        if obj is None:
            # Anyone may own an action: whether they may change this one is for the object.
            return has_any_role(user)
        if obj.owner_id == user.pk and user.pk is not None:
            return has_any_role(user)
        return super().can_change(user, obj)


@rules.register(Decision)
class DecisionRules(RaidRules):
    def can_decide(self, user, obj=None):
        return may_decide(user)


@rules.register(ChangeRequest)
class ChangeRequestRules(RaidRules):
    def can_add(self, user, parent=None):
        if parent is not None and not isinstance(parent, Project):
            return False
        return super().can_add(user, parent)

    def can_decide(self, user, obj=None):
        return may_decide(user)


rules.register(RiskPolicy)(rules.ModelRules)
