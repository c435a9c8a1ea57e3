"""API of a project's finance figures (the ``projects/{id}/finance/`` action's serializers)
and of the overrun alerts (read only: the daily refresh raises and clears them).

Money is a string with two decimals (DRF's DecimalField), ratios too; a figure that cannot
be computed is ``null``.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets

from projects.choices import EacBasis, Rating
from projects.filtersets.alerts import OverrunAlertFilterSet
from projects.models import OverrunAlert
from projects.selectors.finance import overrun_alert_list


def money(**options) -> serializers.DecimalField:
    options.setdefault("read_only", True)
    return serializers.DecimalField(max_digits=16, decimal_places=2, **options)


def ratio(**options) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True, **options
    )


class FinanceQuerySerializer(serializers.Serializer):
    """The query string of the finance endpoint."""

    as_of = serializers.DateField(
        required=False,
        help_text=_("The day the figures are computed for (YYYY-MM-DD); today by default."),
    )


class ByNatureSerializer(serializers.Serializer):
    capex = money()
    opex = money()
    total = money()


class EarnedValueSerializer(serializers.Serializer):
    """Earned value management figures (see projects.earned_value)."""

    as_of = serializers.DateField(read_only=True)
    bac = money(allow_null=True, help_text=_("Budget at completion: the baseline budget."))
    pv = money(allow_null=True, help_text=_("Planned value on as_of."))
    ev = money(allow_null=True, help_text=_("Earned value: BAC × progress."))
    ac = money(help_text=_("Actual cost: actuals dated up to as_of."))
    cpi = ratio(help_text=_("Cost performance index: EV / AC."))
    spi = ratio(help_text=_("Schedule performance index: EV / PV."))
    cv = money(allow_null=True, help_text=_("Cost variance: EV - AC."))
    sv = money(allow_null=True, help_text=_("Schedule variance: EV - PV."))
    eac = money(allow_null=True, help_text=_("Estimate at completion: BAC / CPI."))
    etc = money(allow_null=True, help_text=_("Estimate to complete: EAC - AC."))
    vac = money(allow_null=True, help_text=_("Variance at completion: BAC - EAC."))
    tcpi = ratio(help_text=_("To-complete performance index: (BAC - EV) / (BAC - AC)."))
    planned_percent = ratio(help_text=_("PV / BAC, in %."))
    progress = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Progress, in percent, of the latest submitted status."),
    )


class BudgetLineYearSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(read_only=True)
    label = serializers.CharField(read_only=True)
    amounts = ByNatureSerializer(read_only=True)


class ProjectFinanceSerializer(serializers.Serializer):
    """A project's money on ``as_of``: budget, commitments and actuals by nature, estimate to
    complete and at completion, consumption, overrun, and earned value."""

    project = serializers.IntegerField(source="project.pk", read_only=True)
    as_of = serializers.DateField(read_only=True)
    budget = ByNatureSerializer(read_only=True)
    budget_lines = BudgetLineYearSerializer(many=True, read_only=True)
    lines_difference = money(
        allow_null=True,
        help_text=_("Budget lines total minus the baseline budget; null without lines."),
    )
    committed = ByNatureSerializer(read_only=True)
    actual = ByNatureSerializer(read_only=True)
    etc = money(
        allow_null=True, help_text=_("Estimate to complete of the latest submitted status.")
    )
    eac = money(allow_null=True, help_text=_("Estimate at completion."))
    eac_basis = serializers.ChoiceField(choices=EacBasis.choices, read_only=True, allow_null=True)
    consumption_percent = serializers.DecimalField(
        max_digits=12,
        decimal_places=1,
        read_only=True,
        allow_null=True,
        help_text=_("Actuals / budget, in %."),
    )
    remaining = money(help_text=_("Budget minus actuals."))
    threshold = money(help_text=_("The EAC above which the project is in overrun."))
    overrun = serializers.BooleanField(read_only=True)
    unflagged = serializers.BooleanField(
        read_only=True, help_text=_("In overrun while its latest status says green on Cost.")
    )
    cost_rating = serializers.ChoiceField(choices=Rating.choices, read_only=True, allow_null=True)
    earned_value = EarnedValueSerializer(read_only=True)


class OverrunAlertSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    is_open = serializers.BooleanField(read_only=True)
    overrun_percent = serializers.DecimalField(
        max_digits=12, decimal_places=1, read_only=True, allow_null=True
    )

    class Meta:
        model = OverrunAlert
        fields = [
            "id",
            "project",
            "project_code",
            "opened_at",
            "closed_at",
            "is_open",
            "budget",
            "threshold",
            "eac",
            "eac_basis",
            "overrun_percent",
            "cost_rating",
            "unflagged",
            "notified_at",
        ]
        read_only_fields = fields


class OverrunAlertViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Projects whose estimate at completion passed their budget beyond the PMO's tolerance,
    open ones first; ``?open=true&unflagged=true`` for those the projects do not say."""

    queryset = overrun_alert_list()
    serializer_class = OverrunAlertSerializer
    filterset_class = OverrunAlertFilterSet
    ordering_fields = ["opened_at", "closed_at", "eac", "budget", "project__code"]
