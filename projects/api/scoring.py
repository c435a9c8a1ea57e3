"""API of strategic scoring: scoring criteria, project scores and cut-line scenarios.

Criteria are read one by one but written as a set (``scoring-criteria/bulk/``): the active
weights of a portfolio must sum to 100, which no write of a single criterion can respect on
its way from one set to another (raising one weight breaks the sum until another is
lowered). Scores are likewise upserted per project (``project-scores/bulk/``). A scenario is
computed when saved and frozen; ``recompute`` replaces its result with today's.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

# DRF's: an id that is not a number ("null") is a 404, not a ValueError.
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from portfolio.models import Portfolio, ScoringCriterion
from portfolio.services import scoring_criteria_save
from projects.choices import ScenarioChoice
from projects.filtersets.scoring import (
    ProjectScoreFilterSet,
    ScenarioFilterSet,
    ScoringCriterionFilterSet,
)
from projects.models import Project, ProjectScore, Scenario
from projects.models.scoring import SCORE_MAX
from projects.selectors.scoring import scenario_list
from projects.services import scoring as services

# --- criteria -----------------------------------------------------------------------------


class ScoringCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoringCriterion
        fields = [
            "id",
            "portfolio",
            "name",
            "description",
            "weight",
            "higher_is_better",
            "position",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CriterionRowSerializer(serializers.ModelSerializer):
    """One criterion of a set; ``id`` keeps an existing criterion (and its scores)."""

    id = serializers.IntegerField(required=False, allow_null=True)

    class Meta:
        model = ScoringCriterion
        fields = [
            "id",
            "name",
            "description",
            "weight",
            "higher_is_better",
            "position",
            "is_active",
        ]
        # Unique names are checked across the set by the service.
        validators = []


class CriterionSetSerializer(serializers.Serializer):
    criteria = CriterionRowSerializer(
        many=True,
        help_text=gettext_lazy(
            "The portfolio's whole set: criteria left out are deleted with their scores."
        ),
    )


PORTFOLIO_PARAMETER = OpenApiParameter(
    "portfolio", int, required=True, description="The portfolio whose set is replaced."
)


def _portfolio_of(request) -> Portfolio:
    value = request.query_params.get("portfolio", "")
    if not value.isdigit():
        raise ValidationError({"portfolio": [_("Give the portfolio: ?portfolio=<id>.")]})
    portfolio = Portfolio.objects.filter(pk=value).first()
    if portfolio is None:
        raise ValidationError({"portfolio": [_("Unknown portfolio.")]})
    return portfolio


class ScoringCriterionViewSet(viewsets.ReadOnlyModelViewSet):
    """Scoring criteria of the portfolios (filter ``?portfolio=``). Read one by one; the PMO
    replaces a portfolio's whole set at ``bulk/?portfolio=`` (the active weights must sum to
    100, checked on the set)."""

    queryset = ScoringCriterion.objects.all()
    serializer_class = ScoringCriterionSerializer
    filterset_class = ScoringCriterionFilterSet
    ordering_fields = ["portfolio", "position", "name", "weight"]

    @extend_schema(
        parameters=[PORTFOLIO_PARAMETER],
        request=CriterionSetSerializer,
        responses={
            200: ScoringCriterionSerializer(many=True),
            400: OpenApiResponse(
                description="Refused whole, nothing saved: `weight` names the sum of the "
                "active weights when it is not 100, `name` a duplicate, `criteria` the "
                "fields of a bad row."
            ),
        },
    )
    @action(
        detail=False,
        methods=["put"],
        url_path="bulk",
        filterset_class=None,
        pagination_class=None,
    )
    def bulk(self, request):
        """Replace the scoring criteria of ``?portfolio=`` with ``criteria``, all at once."""
        portfolio = _portfolio_of(request)
        serializer = CriterionSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            criteria = scoring_criteria_save(
                actor=request.user,
                portfolio=portfolio,
                rows=serializer.validated_data["criteria"],
            )
        return Response(ScoringCriterionSerializer(criteria, many=True).data)


# --- scores -------------------------------------------------------------------------------


class ProjectScoreSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    criterion_name = serializers.CharField(source="criterion.name", read_only=True)

    class Meta:
        model = ProjectScore
        fields = [
            "id",
            "project",
            "project_code",
            "criterion",
            "criterion_name",
            "score",
            "comment",
            "scored_by",
            "updated_at",
        ]
        read_only_fields = fields


class ScoreRowSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    score = serializers.IntegerField(
        min_value=0,
        max_value=SCORE_MAX,
        allow_null=True,
        help_text=gettext_lazy("0 to 5; null removes the score (the project is incomplete)."),
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class ScoreSetSerializer(serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    scores = ScoreRowSerializer(many=True)


class ProjectScoreViewSet(viewsets.ReadOnlyModelViewSet):
    """Projects' scores against their portfolio's criteria (filters ``?project=``,
    ``?portfolio=``). The PMO upserts a project's scores at ``bulk/``."""

    queryset = ProjectScore.objects.select_related("project", "criterion")
    serializer_class = ProjectScoreSerializer
    filterset_class = ProjectScoreFilterSet
    ordering_fields = ["project__code", "criterion__position", "score", "updated_at"]

    @extend_schema(
        request=ScoreSetSerializer,
        responses={
            200: ProjectScoreSerializer(many=True),
            400: OpenApiResponse(
                description="Refused whole: `score` out of 0–5, `criterion` not an active "
                "criterion of the project's portfolio."
            ),
        },
    )
    @action(
        detail=False, methods=["post"], url_path="bulk", filterset_class=None, pagination_class=None
    )
    def bulk(self, request):
        """Upsert the scores of one project: each criterion given is set (or cleared with a
        null score); the others are left as they are."""
        serializer = ScoreSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            scores = services.project_scores_save(
                actor=request.user,
                project=data["project"],
                scores={
                    row["criterion"]: (row["score"], row.get("comment", ""))
                    for row in data["scores"]
                },
            )
        return Response(ProjectScoreSerializer(scores, many=True).data)


# --- scenarios ----------------------------------------------------------------------------


class ScenarioChoiceSerializer(serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    choice = serializers.ChoiceField(choices=ScenarioChoice.choices)


class ScenarioSerializer(serializers.ModelSerializer):
    """A cut-line scenario; ``result`` is computed when it is saved (read-only)."""

    choices = ScenarioChoiceSerializer(
        many=True,
        required=False,
        help_text=gettext_lazy("Projects forced in or out; on a change, the whole list."),
    )

    class Meta:
        model = Scenario
        fields = [
            "id",
            "portfolio",
            "name",
            "description",
            "capex_envelope",
            "opex_envelope",
            "fte_capacity",
            "choices",
            "result",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["result", "created_by", "created_at", "updated_at"]
        # The unique name per portfolio is the service's to say, on ``name``.
        validators = []


class ScenarioViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Cut-line scenarios of the portfolios (filter ``?portfolio=``). Saving one computes
    and freezes its result; ``recompute`` replaces it with today's data. No project is
    ever changed by a scenario."""

    queryset = scenario_list().prefetch_related("choices")
    serializer_class = ScenarioSerializer
    filterset_class = ScenarioFilterSet
    ordering_fields = ["name", "created_at", "updated_at"]
    # Set on the recompute action: recomputing is changing the scenario, not adding one.
    rules_action: str | None = None

    def _choices(self, data) -> dict:
        return {row["project"].pk: row["choice"] for row in data.pop("choices", [])}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        choices = self._choices(data)
        portfolio = data.pop("portfolio")
        with transaction.atomic():
            scenario = services.scenario_save(
                actor=self.request.user, portfolio=portfolio, data=data, choices=choices
            )
        serializer.instance = self.get_queryset().get(pk=scenario.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        scenario = serializer.instance
        if "choices" in data:
            choices = self._choices(data)
        else:
            choices = dict(scenario.choices.values_list("project_id", "choice"))
        portfolio = data.pop("portfolio", scenario.portfolio)
        with transaction.atomic():
            services.scenario_save(
                actor=self.request.user,
                portfolio=portfolio,
                data=data,
                choices=choices,
                scenario=scenario,
            )
        serializer.instance = self.get_queryset().get(pk=scenario.pk)

    def perform_destroy(self, instance):
        services.scenario_delete(actor=self.request.user, scenario=instance)

    @extend_schema(request=None, responses={200: ScenarioSerializer})
    @action(detail=True, methods=["post"], rules_action="change")
    def recompute(self, request, pk=None):
        """Compute the scenario again with today's scores, budgets and staffing; the
        previous result is replaced."""
        scenario = get_object_or_404(self.get_queryset(), pk=pk)
        self.check_object_permissions(request, scenario)
        services.scenario_recompute(actor=request.user, scenario=scenario)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=scenario.pk)).data,
            status=status.HTTP_200_OK,
        )
