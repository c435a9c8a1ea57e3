"""Services of the portfolio structure, and the shared create/update helpers under them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.services import model_create, model_update
from portfolio import services
from portfolio.models import Portfolio, Programme, StrategicObjective
from tests import factories

# --- model_create / model_update --------------------------------------------------------


@pytest.mark.django_db
def test_model_create_validates_fully_before_saving():
    with pytest.raises(ValidationError) as error:
        model_create(model=StrategicObjective, data={"code": "OBJ-1", "name": "", "weight": 101})

    assert set(error.value.message_dict) == {"name", "weight"}
    assert StrategicObjective.objects.count() == 0


@pytest.mark.django_db
def test_model_update_reports_the_fields_that_changed():
    objective = factories.StrategicObjectiveFactory(name="Old", weight=10)

    _instance, changed = model_update(
        instance=objective, data={"name": "New", "weight": 10, "code": objective.code}
    )

    assert changed == ["name"]


@pytest.mark.django_db
def test_model_update_saves_only_the_fields_that_changed():
    # Given an instance read before someone else changed its weight
    objective = factories.StrategicObjectiveFactory(name="Old", weight=10)
    StrategicObjective.objects.filter(pk=objective.pk).update(weight=50)

    # when only its name is changed through it
    model_update(instance=objective, data={"name": "New"})

    # then the other change survives: only the name (and updated_at) was written
    objective.refresh_from_db()
    assert (objective.name, objective.weight) == ("New", 50)


@pytest.mark.django_db
def test_model_update_without_change_writes_nothing():
    objective = factories.StrategicObjectiveFactory(name="Same")
    updated_at = objective.updated_at

    with CaptureQueriesContext(connection) as queries:
        _instance, changed = model_update(instance=objective, data={"name": "Same"})

    assert changed == []
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    objective.refresh_from_db()
    assert objective.updated_at == updated_at


@pytest.mark.django_db
def test_model_update_moves_updated_at_when_something_changed():
    objective = factories.StrategicObjectiveFactory(name="Old")
    updated_at = objective.updated_at

    model_update(instance=objective, data={"name": "New"})

    objective.refresh_from_db()
    assert objective.updated_at > updated_at


# --- objectives -------------------------------------------------------------------------


@pytest.mark.django_db
def test_objective_create_saves_a_valid_objective():
    objective = services.objective_create(code="OBJ-9", name="Reduce costs", weight=30)

    assert StrategicObjective.objects.get(pk=objective.pk).name == "Reduce costs"


@pytest.mark.django_db
def test_objective_create_refuses_a_code_taken_in_another_case_and_saves_nothing():
    factories.StrategicObjectiveFactory(code="OBJ-1")

    with pytest.raises(ValidationError) as error:
        services.objective_create(code="obj-1", name="Twin")

    assert list(error.value.message_dict) == ["code"]
    assert StrategicObjective.objects.count() == 1


@pytest.mark.django_db
def test_objective_update_leaves_the_row_unchanged_when_invalid():
    objective = factories.StrategicObjectiveFactory(name="Kept", weight=20)

    with pytest.raises(ValidationError):
        services.objective_update(objective, name="Changed", weight=101)

    stored = StrategicObjective.objects.get(pk=objective.pk)
    assert (stored.name, stored.weight) == ("Kept", 20)


# --- portfolios -------------------------------------------------------------------------


@pytest.mark.django_db
def test_portfolio_create_saves_a_valid_portfolio(pmo_user):
    portfolio = services.portfolio_create(code="DSI", name="IT", owner=pmo_user, actor=pmo_user)

    assert Portfolio.objects.get(pk=portfolio.pk).owner == pmo_user


@pytest.mark.django_db
def test_portfolio_create_without_owner_saves_nothing():
    with pytest.raises(ValidationError) as error:
        services.portfolio_create(code="DSI", name="IT")

    assert "owner" in error.value.message_dict
    assert Portfolio.objects.count() == 0


@pytest.mark.django_db
def test_portfolio_update_leaves_the_row_unchanged_when_invalid():
    portfolio = factories.PortfolioFactory(code="DSI", name="IT")

    with pytest.raises(ValidationError):
        services.portfolio_update(portfolio, code="bad code", name="Renamed")

    stored = Portfolio.objects.get(pk=portfolio.pk)
    assert (stored.code, stored.name) == ("DSI", "IT")


# --- programmes -------------------------------------------------------------------------


@pytest.mark.django_db
def test_programme_create_saves_a_programme_in_its_portfolio():
    portfolio = factories.PortfolioFactory()

    programme = services.programme_create(code="PRG-ERP", name="ERP", portfolio=portfolio)

    assert Programme.objects.get(pk=programme.pk).portfolio == portfolio


@pytest.mark.django_db
def test_programme_create_with_an_overlong_name_saves_nothing():
    with pytest.raises(ValidationError) as error:
        services.programme_create(
            code="PRG-1", name="x" * 201, portfolio=factories.PortfolioFactory()
        )

    assert list(error.value.message_dict) == ["name"]
    assert Programme.objects.count() == 0


@pytest.mark.django_db
def test_programme_update_refuses_moving_a_programme_with_projects_to_another_portfolio():
    programme = factories.ProgrammeFactory()
    factories.ProjectFactory(portfolio=programme.portfolio, programme=programme)
    old_portfolio = programme.portfolio

    with pytest.raises(ValidationError) as error:
        services.programme_update(programme, portfolio=factories.PortfolioFactory())

    assert list(error.value.message_dict) == ["portfolio"]
    assert Programme.objects.get(pk=programme.pk).portfolio == old_portfolio


@pytest.mark.django_db
def test_programme_update_moves_a_programme_without_projects():
    programme = factories.ProgrammeFactory()
    target = factories.PortfolioFactory()

    services.programme_update(programme, portfolio=target)

    assert Programme.objects.get(pk=programme.pk).portfolio == target


@pytest.mark.django_db
def test_programme_update_keeps_the_portfolio_of_a_programme_with_projects_when_renamed():
    programme = factories.ProgrammeFactory()
    factories.ProjectFactory(portfolio=programme.portfolio, programme=programme)

    services.programme_update(programme, portfolio=programme.portfolio, name="Renamed")

    assert Programme.objects.get(pk=programme.pk).name == "Renamed"
