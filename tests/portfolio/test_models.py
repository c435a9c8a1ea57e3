"""Models of the portfolio structure: codes, validation, display and order."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from portfolio.models import Portfolio, Programme, StrategicObjective
from tests import factories

CODED_FACTORIES = [
    factories.StrategicObjectiveFactory,
    factories.PortfolioFactory,
    factories.ProgrammeFactory,
    factories.ProjectFactory,
]


@pytest.mark.django_db
@pytest.mark.parametrize("factory", CODED_FACTORIES, ids=lambda f: f._meta.model.__name__)
def test_the_database_refuses_a_code_differing_only_by_case(factory):
    factory(code="ABC-1")

    with pytest.raises(IntegrityError), transaction.atomic():
        factory(code="abc-1")


@pytest.mark.django_db
@pytest.mark.parametrize("factory", CODED_FACTORIES, ids=lambda f: f._meta.model.__name__)
def test_full_clean_reports_a_code_differing_only_by_case_on_the_code_field(factory):
    # Given a record coded ABC-1, when another takes the same code in lower case
    factory(code="ABC-1")
    other = factory(code="XYZ-2")
    other.code = "abc-1"

    with pytest.raises(ValidationError) as error:
        other.full_clean()

    # then the error is on the code, as for a plain duplicate, not a row-wide constraint error
    name = factory._meta.model._meta.verbose_name.capitalize()
    assert error.value.message_dict == {"code": [f"{name} with this Code already exists."]}


@pytest.mark.django_db
def test_full_clean_of_a_new_record_reports_a_code_taken_in_another_case():
    factories.StrategicObjectiveFactory(code="OBJ-1")

    with pytest.raises(ValidationError) as error:
        factories.StrategicObjectiveFactory.build(code="obj-1").full_clean()

    assert list(error.value.message_dict) == ["code"]


@pytest.mark.django_db
@pytest.mark.parametrize("factory", CODED_FACTORIES, ids=lambda f: f._meta.model.__name__)
def test_a_record_keeps_its_own_code_through_full_clean(factory):
    record = factory(code="ABC-1")

    record.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["-starts-with-dash", "has space", "semi;colon", "é"])
def test_a_code_is_letters_digits_dots_dashes_and_underscores(code):
    objective = factories.StrategicObjectiveFactory.build(code=code)

    with pytest.raises(ValidationError) as error:
        objective.full_clean()

    assert "code" in error.value.message_dict


@pytest.mark.django_db
def test_an_objective_weight_above_100_is_refused():
    objective = factories.StrategicObjectiveFactory.build(weight=101)

    with pytest.raises(ValidationError) as error:
        objective.full_clean()

    assert list(error.value.message_dict) == ["weight"]


@pytest.mark.django_db
def test_str_and_url_of_an_objective():
    objective = factories.StrategicObjectiveFactory(code="OBJ-7", name="Grow abroad")

    assert str(objective) == "OBJ-7 · Grow abroad"
    assert objective.get_absolute_url() == f"/objectives/{objective.pk}/"


@pytest.mark.django_db
def test_str_and_url_of_a_portfolio():
    portfolio = factories.PortfolioFactory(name="Information systems")

    assert str(portfolio) == "Information systems"
    assert portfolio.get_absolute_url() == f"/portfolios/{portfolio.pk}/"


@pytest.mark.django_db
def test_str_and_url_of_a_programme():
    programme = factories.ProgrammeFactory(name="ERP renewal")

    assert str(programme) == "ERP renewal"
    assert programme.get_absolute_url() == f"/programmes/{programme.pk}/"


@pytest.mark.django_db
def test_objectives_are_ordered_by_code():
    for code in ["OBJ-3", "OBJ-1", "OBJ-2"]:
        factories.StrategicObjectiveFactory(code=code)

    codes = list(StrategicObjective.objects.values_list("code", flat=True))

    assert codes == ["OBJ-1", "OBJ-2", "OBJ-3"]


@pytest.mark.django_db
def test_portfolios_are_ordered_by_name():
    for name in ["Marketing", "Finance", "IT"]:
        factories.PortfolioFactory(name=name)

    names = list(Portfolio.objects.values_list("name", flat=True))

    assert names == ["Finance", "IT", "Marketing"]


@pytest.mark.django_db
def test_programmes_are_ordered_by_portfolio_name_then_name():
    zeta = factories.PortfolioFactory(name="Zeta")
    alpha = factories.PortfolioFactory(name="Alpha")
    factories.ProgrammeFactory(portfolio=zeta, name="A in zeta")
    factories.ProgrammeFactory(portfolio=alpha, name="B in alpha")
    factories.ProgrammeFactory(portfolio=alpha, name="A in alpha")

    names = list(Programme.objects.values_list("name", flat=True))

    assert names == ["A in alpha", "B in alpha", "A in zeta"]
