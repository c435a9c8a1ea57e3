"""Writes of the portfolio structure."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmo.services import model_create, model_update
from portfolio.models import Portfolio, Programme, StrategicObjective


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
