"""API of the portfolio structure, the resource pool and the envelopes."""

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from pmo.api.viewsets import ServiceModelViewSet
from pmo.models import TokenScope
from portfolio import selectors, services
from portfolio.api.serializers import (
    PortfolioEnvelopeSerializer,
    PortfolioSerializer,
    ProgrammeSerializer,
    ResourceCapacitySerializer,
    ResourceSerializer,
    StrategicObjectiveSerializer,
)
from portfolio.filtersets import (
    PortfolioEnvelopeFilterSet,
    PortfolioFilterSet,
    ProgrammeFilterSet,
    ResourceCapacityFilterSet,
    ResourceFilterSet,
    StrategicObjectiveFilterSet,
)
from portfolio.models import (
    FinancePolicy,
    Portfolio,
    PortfolioEnvelope,
    Programme,
    Resource,
    ResourceCapacity,
    StrategicObjective,
)


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


# --- resource pool ------------------------------------------------------------------------


class ResourceViewSet(ServiceModelViewSet):
    """People and teams of the resource pool: skill, team, pool (``portfolio``, null when
    shared; filter ``?portfolio=shared`` for those), usual capacity in FTE, daily cost rate,
    this month's capacity and the overrides of the next twelve months."""

    # The rows are read through get_queryset(): "this month" is the request's, not the
    # month the process started in.
    queryset = Resource.objects.all()
    serializer_class = ResourceSerializer
    filterset_class = ResourceFilterSet
    create_service = services.resource_create
    update_service = services.resource_update

    def get_queryset(self):
        return selectors.resource_list().prefetch_related(selectors.upcoming_overrides())


class ResourceCapacityViewSet(ServiceModelViewSet):
    """Monthly capacities of resources: the months whose FTE differs from the usual one.
    POST is an upsert on (resource, month): 201 when the month's override is created, 200
    when it replaces an existing one (FTE and reason). PUT/PATCH change an override's FTE
    and reason. ``clear`` removes an override: the month takes the usual capacity again.
    Filters: ``resource``, ``portfolio`` (the resource's pool, or ``shared``),
    ``month_from`` and ``month_to`` (YYYY-MM or a date, both included)."""

    token_scope = TokenScope.CAPACITY
    queryset = ResourceCapacity.objects.all()
    serializer_class = ResourceCapacitySerializer
    filterset_class = ResourceCapacityFilterSet
    update_service = services.resource_capacity_update
    rules_action: str | None = None

    def get_queryset(self):
        return selectors.resource_capacity_list()

    @extend_schema(
        responses={
            200: ResourceCapacitySerializer,
            201: ResourceCapacitySerializer,
            400: OpenApiResponse(description="A field is invalid; each bad field is named."),
        }
    )
    def create(self, request, *args, **kwargs):
        """Set a resource's capacity in a month (upsert on resource and month)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            override, created = services.resource_capacity_set(
                actor=request.user, **serializer.validated_data
            )
        data = self.get_serializer(self.get_queryset().get(pk=override.pk)).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="The override is removed."),
            403: OpenApiResponse(description="The caller may not change capacities."),
        },
    )
    @action(detail=True, methods=["post"], rules_action="change")
    def clear(self, request, pk=None):
        """Remove this month's override: the month takes the resource's usual capacity."""
        override = self.get_object()
        services.resource_capacity_clear(
            actor=request.user, resource=override.resource, month=override.month
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- envelopes ----------------------------------------------------------------------------


class PortfolioEnvelopeViewSet(ServiceModelViewSet):
    """What each portfolio may spend per fiscal year, CAPEX and OPEX (money as strings);
    one envelope per portfolio and year (400 on ``fiscal_year`` for a second one)."""

    queryset = PortfolioEnvelope.objects.all()
    serializer_class = PortfolioEnvelopeSerializer
    filterset_class = PortfolioEnvelopeFilterSet
    create_service = services.envelope_create
    update_service = services.envelope_update

    def get_queryset(self):
        return selectors.envelope_list()

    def get_serializer_context(self):
        # Read once per request, not once per row.
        return {**super().get_serializer_context(), "finance_policy": FinancePolicy.get()}
