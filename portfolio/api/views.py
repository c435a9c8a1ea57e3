"""API of the portfolio structure."""

from pmo.api.viewsets import ServiceModelViewSet
from portfolio import services
from portfolio.api.serializers import (
    PortfolioSerializer,
    ProgrammeSerializer,
    StrategicObjectiveSerializer,
)
from portfolio.filtersets import (
    PortfolioFilterSet,
    ProgrammeFilterSet,
    StrategicObjectiveFilterSet,
)
from portfolio.models import Portfolio, Programme, StrategicObjective


class StrategicObjectiveViewSet(ServiceModelViewSet):
    """Strategic objectives of the company, weighted."""

    queryset = StrategicObjective.objects.all()
    serializer_class = StrategicObjectiveSerializer
    filterset_class = StrategicObjectiveFilterSet
    create_service = services.objective_create
    update_service = services.objective_update


class PortfolioViewSet(ServiceModelViewSet):
    """Portfolios and their owners."""

    queryset = Portfolio.objects.select_related("owner")
    serializer_class = PortfolioSerializer
    filterset_class = PortfolioFilterSet
    create_service = services.portfolio_create
    update_service = services.portfolio_update


class ProgrammeViewSet(ServiceModelViewSet):
    """Programmes, each in one portfolio."""

    queryset = Programme.objects.select_related("portfolio", "director")
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilterSet
    create_service = services.programme_create
    update_service = services.programme_update
