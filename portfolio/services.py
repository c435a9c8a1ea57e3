"""Writes of the portfolio structure, the resource pool, the envelopes and the finance
policy."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmo.rules import can
from pmo.services import model_create, model_update
from portfolio.choices import ResourceKind
from portfolio.models import (
    FinancePolicy,
    Portfolio,
    PortfolioEnvelope,
    Programme,
    Resource,
    ResourceCapacity,
    StrategicObjective,
)


@transaction.atomic
def objective_create(*, actor=None, **data) -> StrategicObjective:
    """Create a strategic objective."""
    return model_create(model=StrategicObjective, data=data)


@transaction.atomic
def objective_update(objective: StrategicObjective, *, actor=None, **data) -> StrategicObjective:
    """Change a strategic objective."""
    return model_update(instance=objective, data=data)[0]


@transaction.atomic
def portfolio_create(*, actor=None, **data) -> Portfolio:
    """Create a portfolio."""
    return model_create(model=Portfolio, data=data)


@transaction.atomic
def portfolio_update(portfolio: Portfolio, *, actor=None, **data) -> Portfolio:
    """Change a portfolio."""
    return model_update(instance=portfolio, data=data)[0]


@transaction.atomic
def programme_create(*, actor=None, **data) -> Programme:
    """Create a programme in a portfolio."""
    return model_create(model=Programme, data=data)


@transaction.atomic
def programme_update(programme: Programme, *, actor=None, **data) -> Programme:
    """Change a programme; moving it to another portfolio is refused while it has projects
    of the old one (they would belong to two portfolios at once)."""
    new_portfolio = data.get("portfolio")
    if (
        new_portfolio is not None
        and new_portfolio.pk != programme.portfolio_id
        and programme.projects.exists()
    ):
        raise ValidationError(
            {
                "portfolio": _(
                    "Move its projects first: a programme's projects stay in its portfolio."
                )
            }
        )
    return model_update(instance=programme, data=data)[0]


# --- resource pool, envelopes, finance policy ---------------------------------------------
#
# These services check the actor's right themselves (403), then the content (400 naming the
# field). ``actor=None`` is a call of the system itself (a data migration, a test set-up),
# which the rules do not apply to; every page and endpoint passes the signed-in user.


def _require(actor, action: str, target, parent=None) -> None:
    """Raise PermissionDenied unless ``actor`` may do ``action`` (no actor: a system call)."""
    if actor is not None and not can(actor, action, target, parent=parent):
        raise PermissionDenied(_("You may not do this here."))


def _check_resource(*, kind: str, user) -> None:
    # A team is planned as a whole: tying it to one person's account would make that person
    # "the" team in every list of who works where.
    if kind == ResourceKind.TEAM and user is not None:
        raise ValidationError({"user": _("A team is not linked to a user account.")})


@transaction.atomic
def resource_create(*, actor, **data) -> Resource:
    """Add a person or a team to the resource pool (PMO managers)."""
    _require(actor, "add", Resource)
    _check_resource(kind=data.get("kind", ResourceKind.PERSON), user=data.get("user"))
    return model_create(model=Resource, data=data)


@transaction.atomic
def resource_update(resource: Resource, *, actor, **data) -> Resource:
    """Change a resource of the pool: skill, team, pool, usual capacity, rate, active
    (PMO managers). Its monthly overrides are kept as they are."""
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    _require(actor, "change", locked)
    _check_resource(
        kind=data.get("kind", locked.kind),
        user=data.get("user", locked.user_id),
    )
    return model_update(instance=locked, data=data)[0]


def _month_of(value) -> datetime.date | None:
    """``value`` as a date if it is one; validation of the first day is the model's."""
    return value if isinstance(value, datetime.date) else None


@transaction.atomic
def resource_capacity_set(
    *,
    actor,
    resource: Resource,
    month: datetime.date,
    fte: Decimal,
    reason: str = "",
) -> tuple[ResourceCapacity, bool]:
    """Set the capacity of ``resource`` in ``month`` (its first day) to ``fte``, with why:
    the month's override is created, or replaced if it exists (an upsert on resource and
    month, so that an integration may push the same month twice). Returns the override and
    whether it was created."""
    if _month_of(month) is None:
        raise ValidationError({"month": _("Give a month, e.g. 2026-08.")})
    # Lock the resource: two pushes of the same new month wait for each other here instead
    # of both inserting it.
    Resource.objects.select_for_update().filter(pk=resource.pk).first()
    override = (
        ResourceCapacity.objects.select_for_update().filter(resource=resource, month=month).first()
    )
    data = {"fte": fte, "reason": (reason or "").strip()}
    if override is None:
        _require(actor, "add", ResourceCapacity, parent=resource)
        created = model_create(
            model=ResourceCapacity, data={"resource": resource, "month": month, **data}
        )
        return created, True
    _require(actor, "change", override)
    return model_update(instance=override, data=data)[0], False


@transaction.atomic
def resource_capacity_update(override: ResourceCapacity, *, actor, **data) -> ResourceCapacity:
    """Change the FTE or the reason of a month's override. The resource and the month are
    what identifies it: to move it, clear it and set the other month."""
    locked = ResourceCapacity.objects.select_for_update().get(pk=override.pk)
    _require(actor, "change", locked)
    for field in ("resource", "month"):
        if field in data and data[field] != getattr(locked, field):
            raise ValidationError(
                {field: _("An override stays on its month: clear it and set the other one.")}
            )
        data.pop(field, None)
    if "reason" in data:
        data["reason"] = (data["reason"] or "").strip()
    return model_update(instance=locked, data=data)[0]


@transaction.atomic
def resource_capacity_clear(*, actor, resource: Resource, month: datetime.date) -> bool:
    """Remove the override of ``month``: the month takes the resource's usual capacity again.

    This is the one deletion of the pool. An override is a plan, not a record of something
    that happened: keeping it with the default FTE copied in would leave a row that no
    longer follows the default when the default changes, which is what "no override" means.
    Returns whether there was an override to remove.
    """
    override = (
        ResourceCapacity.objects.select_for_update().filter(resource=resource, month=month).first()
    )
    # Clearing is changing the month's capacity back (the rules' "delete" is for records
    # that carry history, which nobody deletes).
    _require(actor, "change", override if override is not None else ResourceCapacity)
    if override is None:
        return False
    override.delete()
    return True


def _check_envelope_year(*, portfolio, fiscal_year, envelope=None) -> None:
    """Refuse, on the year, a second envelope of one portfolio for one fiscal year."""
    if portfolio is None or fiscal_year is None:
        return
    taken = PortfolioEnvelope.objects.filter(portfolio=portfolio, fiscal_year=fiscal_year)
    if envelope is not None:
        taken = taken.exclude(pk=envelope.pk)
    if taken.exists():
        raise ValidationError(
            {"fiscal_year": _("This portfolio already has an envelope for this year.")}
        )


def envelope_year_error(*, portfolio, fiscal_year, envelope=None) -> ValidationError | None:
    """The error a duplicate (portfolio, fiscal year) gets, for forms to show it early."""
    try:
        _check_envelope_year(portfolio=portfolio, fiscal_year=fiscal_year, envelope=envelope)
    except ValidationError as error:
        return error
    return None


@transaction.atomic
def envelope_create(*, actor, **data) -> PortfolioEnvelope:
    """Set what a portfolio may spend in a fiscal year, CAPEX and OPEX (PMO managers)."""
    _require(actor, "add", PortfolioEnvelope, parent=data.get("portfolio"))
    _check_envelope_year(portfolio=data.get("portfolio"), fiscal_year=data.get("fiscal_year"))
    return model_create(model=PortfolioEnvelope, data=data)


@transaction.atomic
def envelope_update(envelope: PortfolioEnvelope, *, actor, **data) -> PortfolioEnvelope:
    """Change a portfolio's envelope of a fiscal year (PMO managers)."""
    locked = PortfolioEnvelope.objects.select_for_update().get(pk=envelope.pk)
    _require(actor, "change", locked)
    _check_envelope_year(
        portfolio=data.get("portfolio", locked.portfolio),
        fiscal_year=data.get("fiscal_year", locked.fiscal_year),
        envelope=locked,
    )
    return model_update(instance=locked, data=data)[0]


@transaction.atomic
def finance_policy_update(*, actor, **data) -> FinancePolicy:
    """Set the PMO's finance settings: the month the fiscal year starts in and the overrun
    tolerance (one row, created on its first save)."""
    _require(actor, "change", FinancePolicy)
    policy = FinancePolicy.objects.select_for_update().order_by("pk").first()
    if policy is None:
        policy = model_create(model=FinancePolicy, data={})
    return model_update(instance=policy, data=data)[0]


# --- scoring criteria (strategic alignment) -----------------------------------------------

CRITERION_FIELDS = ("name", "description", "weight", "higher_is_better", "position", "is_active")


@transaction.atomic
def scoring_criteria_save(*, actor, portfolio: Portfolio, rows: list[dict]) -> list:
    """Replace the scoring criteria of ``portfolio`` with ``rows`` (PMO managers), all at
    once or not at all.

    Each row is a dict of the criterion's fields, with ``id`` for a criterion kept (its
    scores are kept with it); a criterion of the portfolio absent from ``rows`` is deleted
    with its scores (untick "active" to keep them). The active weights must sum to exactly
    100 (a ``weight`` error naming the sum) and the names be unique in the portfolio (a
    ``name`` error): a set is checked as a whole, which saving one criterion could not do.
    """
    # Imported here: this section was appended to the module, its imports left as they were.
    from portfolio.models import ScoringCriterion

    _require(actor, "change", ScoringCriterion)
    locked = Portfolio.objects.select_for_update().get(pk=portfolio.pk)
    existing = {c.pk: c for c in ScoringCriterion.objects.filter(portfolio=locked)}
    errors: dict[str, list[str]] = {}

    def add_error(field_name, message):
        errors.setdefault(field_name, []).append(message)

    kept, names = [], set()
    for index, row in enumerate(rows, start=1):
        criterion_id = row.get("id")
        if criterion_id:
            if criterion_id not in existing:
                add_error(
                    "id",
                    _("Criterion %(row)s is not one of this portfolio's.") % {"row": index},
                )
                continue
            criterion = existing[criterion_id]
        else:
            criterion = ScoringCriterion(portfolio=locked)
        for name in CRITERION_FIELDS:
            if name in row:
                setattr(criterion, name, row[name])
        try:
            # Names are checked below across the whole set, not against the stored rows the
            # set replaces.
            criterion.full_clean(validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    add_error(
                        name,
                        _("Criterion %(row)s: %(message)s") % {"row": index, "message": message},
                    )
            continue
        key = criterion.name.strip().casefold()
        if key in names:
            add_error(
                "name",
                _("Two criteria are named “%(name)s”: names must be unique.")
                % {"name": criterion.name},
            )
        names.add(key)
        kept.append(criterion)
    if not errors:
        active_total = sum(c.weight for c in kept if c.is_active)
        if any(c.is_active for c in kept) and active_total != 100:
            add_error(
                "weight",
                _(
                    "The weights of the active criteria sum to %(total)s %%; "
                    "they must sum to 100 %%."
                )
                % {"total": active_total},
            )
    if errors:
        raise ValidationError(errors)
    kept_ids = {c.pk for c in kept if c.pk}
    ScoringCriterion.objects.filter(portfolio=locked).exclude(pk__in=kept_ids).delete()
    # Renames may swap two names: free them first so the unique constraint never sees both.
    for criterion in kept:
        if criterion.pk:
            ScoringCriterion.objects.filter(pk=criterion.pk).update(name=f"~{criterion.pk}")
    for criterion in kept:
        criterion.save()
    return list(ScoringCriterion.objects.filter(portfolio=locked))
