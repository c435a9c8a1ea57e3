"""Pages of strategic alignment: a portfolio's criteria (PMO), a project's scores, the
portfolio's ranking, and its cut-line scenarios (list, new, edit, detail, recompute, compare).

Everyone with a role reads them; PMO managers write. A scenario is computed when saved and
frozen: recomputing it with today's data is an explicit button that replaces its result.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from pmo.rules import can
from pmo.views import ObjectListView, RuleRequiredMixin, error_map
from portfolio.models import FinancePolicy, Portfolio, PortfolioEnvelope, ScoringCriterion
from portfolio.services import scoring_criteria_save
from projects.filtersets.scoring import ScenarioFilterSet
from projects.forms.scoring import (
    CriterionFormSet,
    ProjectScoresForm,
    ScenarioForm,
    criterion_initial,
    criterion_rows,
)
from projects.models import Project, ProjectScore, Scenario
from projects.selectors.scoring import (
    active_criteria,
    forced_choices,
    portfolio_ranking,
    scenario_comparison,
    scenario_list,
    scenario_rows,
    scenario_totals,
)
from projects.services import scoring as services
from projects.tables.scoring import ScenarioTable


def scoring_tabs(request, portfolio: Portfolio) -> list[dict]:
    """The tabs of a portfolio's prioritisation pages."""
    tabs = [
        (gettext_lazy("Ranking"), reverse("projects:ranking", args=[portfolio.pk])),
        (gettext_lazy("Scenarios"), reverse("projects:scenario_list", args=[portfolio.pk])),
        (gettext_lazy("Criteria"), reverse("projects:criteria", args=[portfolio.pk])),
    ]
    current = max(
        (url for _label, url in tabs if request.path.startswith(url)), key=len, default=""
    )
    return [{"label": label, "url": url, "active": url == current} for label, url in tabs]


class PortfolioScopedMixin(RuleRequiredMixin):
    """A page of one portfolio (``portfolio_pk`` or ``pk`` in the URL)."""

    portfolio_kwarg = "pk"

    def dispatch(self, request, *args, **kwargs):
        self.portfolio = get_object_or_404(Portfolio, pk=kwargs[self.portfolio_kwarg])
        return super().dispatch(request, *args, **kwargs)

    def base_context(self, **extra) -> dict:
        return {
            "portfolio": self.portfolio,
            "scoring_tabs": scoring_tabs(self.request, self.portfolio),
            **extra,
        }


# --- prioritisation (choose a portfolio) -------------------------------------------------


class PrioritisationView(RuleRequiredMixin, View):
    """The way in: the portfolios, each with its criteria, ranking and scenarios; a choice
    of portfolio (``?portfolio=``) goes straight to its ranking."""

    model = Scenario

    def get(self, request):
        chosen = request.GET.get("portfolio", "")
        if chosen.isdigit() and Portfolio.objects.filter(pk=chosen).exists():
            return HttpResponseRedirect(reverse("projects:ranking", args=[chosen]))
        portfolios = Portfolio.objects.order_by("name").annotate(
            criteria_count=Count(
                "scoring_criteria", filter=Q(scoring_criteria__is_active=True), distinct=True
            ),
            scenario_count=Count("scenarios", distinct=True),
        )
        return TemplateResponse(
            request,
            "projects/scoring/prioritisation.html",
            {"title": _("Prioritisation"), "portfolios": portfolios},
        )


# --- criteria ----------------------------------------------------------------------------


class CriteriaView(PortfolioScopedMixin, View):
    """A portfolio's criteria on one page: everyone reads; the PMO edits them as a set,
    saved at once (the active weights must sum to 100)."""

    model = ScoringCriterion

    def render(self, formset, *, set_errors=(), status=200):
        criteria = list(ScoringCriterion.objects.filter(portfolio=self.portfolio))
        context = self.base_context(
            title=_("Scoring criteria"),
            formset=formset,
            criteria=criteria,
            active_total=sum(c.weight for c in criteria if c.is_active),
            can_change=can(self.request.user, "change", ScoringCriterion),
            set_errors=set_errors,
        )
        return TemplateResponse(
            self.request, "projects/scoring/criteria.html", context, status=status
        )

    def get(self, request, *args, **kwargs):
        criteria = ScoringCriterion.objects.filter(portfolio=self.portfolio)
        formset = CriterionFormSet(initial=criterion_initial(criteria), prefix="criteria")
        return self.render(formset)

    def post(self, request, *args, **kwargs):
        if not can(request.user, "change", ScoringCriterion):
            raise PermissionDenied
        formset = CriterionFormSet(request.POST, prefix="criteria")
        if not formset.is_valid():
            return self.render(formset, status=400)
        try:
            scoring_criteria_save(
                actor=request.user, portfolio=self.portfolio, rows=criterion_rows(formset)
            )
        except ValidationError as error:
            return self.render(formset, set_errors=error.messages, status=400)
        messages.success(request, _("The criteria are saved."))
        return HttpResponseRedirect(reverse("projects:criteria", args=[self.portfolio.pk]))


# --- a project's scores --------------------------------------------------------------------


class ProjectScoresView(RuleRequiredMixin, View):
    """A project's scores against its portfolio's active criteria: the PMO writes, everyone
    reads (the form shown disabled)."""

    model = ProjectScore

    def dispatch(self, request, *args, **kwargs):
        self.project = get_object_or_404(
            Project.objects.select_related("portfolio"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        criteria = active_criteria(self.project.portfolio)
        scores = {s.criterion_id: s for s in ProjectScore.objects.filter(project=self.project)}
        self.can_change = can(self.request.user, "add", ProjectScore, parent=self.project)
        return ProjectScoresForm(
            data, criteria=criteria, scores=scores, disabled=not self.can_change
        )

    def render(self, form, status=200):
        context = {
            "title": _("Strategic scores"),
            "project": self.project,
            "form": form,
            "can_change": self.can_change,
            "ranking_url": reverse("projects:ranking", args=[self.project.portfolio_id]),
            "criteria_url": reverse("projects:criteria", args=[self.project.portfolio_id]),
        }
        return TemplateResponse(
            self.request, "projects/scoring/project_scores.html", context, status=status
        )

    def get(self, request, *args, **kwargs):
        return self.render(self.form())

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if not self.can_change:
            raise PermissionDenied
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            services.project_scores_save(
                actor=request.user, project=self.project, scores=form.scores()
            )
        except ValidationError as error:
            error_map(form, error)
            return self.render(form, status=400)
        messages.success(request, _("The scores are saved."))
        return HttpResponseRedirect(self.project.get_absolute_url())


# --- ranking -------------------------------------------------------------------------------


class RankingView(PortfolioScopedMixin, View):
    """The portfolio's projects by weighted score, with their scores, objectives, phase,
    budget and FTE (one selector, a fixed number of queries)."""

    model = ProjectScore

    def get(self, request, *args, **kwargs):
        criteria = active_criteria(self.portfolio)
        ranking = portfolio_ranking(self.portfolio, criteria=criteria)
        context = self.base_context(
            title=_("Ranking"),
            criteria=criteria,
            ranking=ranking,
            incomplete=sum(1 for row in ranking if not row.complete),
            can_score=can(request.user, "add", ProjectScore),
        )
        return TemplateResponse(request, "projects/scoring/ranking.html", context)


# --- scenarios -----------------------------------------------------------------------------


class ScenarioListView(PortfolioScopedMixin, ObjectListView):
    """The portfolio's saved scenarios."""

    model = Scenario
    filterset_class = ScenarioFilterSet
    table_class = ScenarioTable
    template_name = "projects/scoring/scenario_list.html"

    def get_queryset(self):
        return scenario_list().filter(portfolio=self.portfolio)

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        # The page is the portfolio's own: a portfolio filter would only lead away from it.
        filterset.filters.pop("portfolio", None)
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.base_context())
        context["title"] = _("Scenarios")
        context["can_add"] = can(self.request.user, "add", Scenario)
        return context


def envelope_initial(portfolio: Portfolio) -> dict:
    """The envelopes of the portfolio's current fiscal year, to prefill a new scenario."""
    year = FinancePolicy.get().fiscal_year(timezone.localdate())
    envelope = PortfolioEnvelope.objects.filter(portfolio=portfolio, fiscal_year=year).first()
    if envelope is None:
        return {}
    return {"capex_envelope": envelope.capex, "opex_envelope": envelope.opex}


class ScenarioEditView(PortfolioScopedMixin, View):
    """Create (no ``scenario_pk``) or change a scenario; saving computes and freezes it."""

    model = Scenario
    permission_action = "add"

    def get_scenario(self):
        if "scenario_pk" not in self.kwargs:
            return None
        scenario = get_object_or_404(
            Scenario, pk=self.kwargs["scenario_pk"], portfolio=self.portfolio
        )
        if not can(self.request.user, "change", scenario):
            raise PermissionDenied
        return scenario

    def form(self, data=None):
        self.scenario = self.get_scenario()
        ranking = portfolio_ranking(self.portfolio)
        if self.scenario is None:
            initial = {**envelope_initial(self.portfolio), "fte_capacity": 0}
            forced = {}
        else:
            initial = {
                name: getattr(self.scenario, name)
                for name in (
                    "name",
                    "description",
                    "capex_envelope",
                    "opex_envelope",
                    "fte_capacity",
                )
            }
            forced = forced_choices(self.scenario)
        return ScenarioForm(data, initial=initial, ranking=ranking, forced=forced)

    def render(self, form, status=200):
        context = self.base_context(
            title=_("New scenario")
            if self.scenario is None
            else _("Edit %(scenario)s") % {"scenario": self.scenario},
            form=form,
            scenario=self.scenario,
            prefilled=bool(self.scenario is None and envelope_initial(self.portfolio)),
        )
        return TemplateResponse(
            self.request, "projects/scoring/scenario_form.html", context, status=status
        )

    def get(self, request, *args, **kwargs):
        return self.render(self.form())

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            scenario = services.scenario_save(
                actor=request.user,
                portfolio=self.portfolio,
                data=form.data_fields(),
                choices=form.choices(),
                scenario=self.scenario,
            )
        except ValidationError as error:
            error_map(form, error)
            return self.render(form, status=400)
        messages.success(request, _("Scenario saved and computed with today's data."))
        return HttpResponseRedirect(
            reverse("projects:scenario_detail", args=[self.portfolio.pk, scenario.pk])
        )


class ScenarioDetailView(PortfolioScopedMixin, View):
    """A scenario's frozen result: the selected projects above the cut-line, the others
    below with their reason, and the totals used against the envelopes."""

    model = Scenario

    def get(self, request, *args, **kwargs):
        scenario = get_object_or_404(
            scenario_list(), pk=kwargs["scenario_pk"], portfolio=self.portfolio
        )
        others = scenario_list().filter(portfolio=self.portfolio).exclude(pk=scenario.pk)
        context = self.base_context(
            title=scenario.name,
            scenario=scenario,
            rows=scenario_rows(scenario),
            totals=scenario_totals(scenario),
            criteria=scenario.result.get("criteria", []),
            can_change=can(request.user, "change", scenario),
            can_delete=can(request.user, "delete", scenario),
            others=others,
        )
        return TemplateResponse(request, "projects/scoring/scenario_detail.html", context)


class ScenarioRecomputeView(PortfolioScopedMixin, View):
    """POST: recompute a scenario with today's data, replacing its frozen result."""

    model = Scenario
    permission_action = "change"

    def post(self, request, *args, **kwargs):
        scenario = get_object_or_404(Scenario, pk=kwargs["scenario_pk"], portfolio=self.portfolio)
        services.scenario_recompute(actor=request.user, scenario=scenario)
        messages.success(
            request, _("Recomputed with today's data; the previous result is replaced.")
        )
        return HttpResponseRedirect(
            reverse("projects:scenario_detail", args=[self.portfolio.pk, scenario.pk])
        )


class ScenarioDeleteView(PortfolioScopedMixin, View):
    """POST: delete a scenario (PMO managers)."""

    model = Scenario
    permission_action = "delete"

    def post(self, request, *args, **kwargs):
        scenario = get_object_or_404(Scenario, pk=kwargs["scenario_pk"], portfolio=self.portfolio)
        with transaction.atomic():
            services.scenario_delete(actor=request.user, scenario=scenario)
        messages.success(request, _("Scenario deleted."))
        return HttpResponseRedirect(reverse("projects:scenario_list", args=[self.portfolio.pk]))


class ScenarioCompareView(PortfolioScopedMixin, View):
    """Two scenarios of the portfolio side by side (``?a=&b=``), the projects whose
    selection differs first."""

    model = Scenario

    def get(self, request, *args, **kwargs):
        scenarios = list(scenario_list().filter(portfolio=self.portfolio))
        by_pk = {str(s.pk): s for s in scenarios}
        first, second = by_pk.get(request.GET.get("a", "")), by_pk.get(request.GET.get("b", ""))
        if (request.GET.get("a") or request.GET.get("b")) and not (first and second):
            raise Http404
        context = self.base_context(
            title=_("Compare scenarios"),
            scenarios=scenarios,
            first=first,
            second=second,
            rows=scenario_comparison(first, second) if first and second else [],
            totals=(
                list(zip(scenario_totals(first), scenario_totals(second), strict=False))
                if first and second
                else []
            ),
        )
        if first and second:
            context["differences"] = sum(1 for row in context["rows"] if row["differs"])
        return TemplateResponse(request, "projects/scoring/scenario_compare.html", context)
