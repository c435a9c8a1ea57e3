"""Filters of gate reviews, shared by the /gates/ page and the ``gate-reviews`` API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from pmo.filtersets import BaseFilterSet
from portfolio.models import Portfolio
from projects.choices import GateDecision
from projects.models import GateReview, Project
from projects.selectors.gates import GATE_PHASE_CHOICES


class GateReviewFilterSet(BaseFilterSet):
    """``phase`` is the phase the gate ends (the review's from phase); ``decided_after`` and
    ``decided_before`` bound the decision date, both included."""

    search_fields = ("project__code", "project__name", "gate_name", "conditions", "comments")
    portfolio = django_filters.ModelChoiceFilter(
        field_name="project__portfolio", queryset=Portfolio.objects.all(), label=_("Portfolio")
    )
    project = django_filters.ModelChoiceFilter(
        queryset=Project.objects.order_by("code"), label=_("Project")
    )
    decision = django_filters.ChoiceFilter(choices=GateDecision.choices, label=_("Decision"))
    phase = django_filters.ChoiceFilter(
        field_name="from_phase", choices=GATE_PHASE_CHOICES, label=_("Gate of the phase")
    )
    decided_after = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="gte", label=_("Decided from")
    )
    decided_before = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="lte", label=_("Decided until")
    )

    class Meta:
        model = GateReview
        fields = [
            "q",
            "portfolio",
            "project",
            "decision",
            "phase",
            "decided_after",
            "decided_before",
        ]
