"""Pages of the portfolio structure."""

from pmo.views import ObjectDetailView, ObjectEditView, ObjectListView
from portfolio import panels, selectors, services
from portfolio.filtersets import (
    PortfolioFilterSet,
    ProgrammeFilterSet,
    StrategicObjectiveFilterSet,
)
from portfolio.forms import PortfolioForm, ProgrammeForm, StrategicObjectiveForm
from portfolio.models import Portfolio, Programme, StrategicObjective
from portfolio.tables import PortfolioTable, ProgrammeTable, StrategicObjectiveTable


class ObjectiveListView(ObjectListView):
    model = StrategicObjective
    filterset_class = StrategicObjectiveFilterSet
    table_class = StrategicObjectiveTable
    create_url_name = "portfolio:objective_create"

    def get_queryset(self):
        return selectors.objective_list()


class ObjectiveDetailView(ObjectDetailView):
    model = StrategicObjective
    template_name = "portfolio/objective_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contributions"] = self.object.contributions.select_related(
            "project", "project__portfolio", "project__project_manager"
        ).order_by("-contribution", "project__code")
        return context


class ObjectiveEditView(ObjectEditView):
    model = StrategicObjective
    form_class = StrategicObjectiveForm
    create_service = services.objective_create
    update_service = services.objective_update


class PortfolioListView(ObjectListView):
    model = Portfolio
    filterset_class = PortfolioFilterSet
    table_class = PortfolioTable
    create_url_name = "portfolio:portfolio_create"

    def get_queryset(self):
        return selectors.portfolio_list()


class PortfolioDetailView(ObjectDetailView):
    model = Portfolio
    template_name = "portfolio/portfolio_detail.html"

    def get_queryset(self):
        return selectors.portfolio_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["programmes"] = selectors.programme_list().filter(portfolio=self.object)
        context["panels"] = panels.render_context(self.request, self.object)
        return context


class PortfolioEditView(ObjectEditView):
    model = Portfolio
    form_class = PortfolioForm
    create_service = services.portfolio_create
    update_service = services.portfolio_update


class ProgrammeListView(ObjectListView):
    model = Programme
    filterset_class = ProgrammeFilterSet
    table_class = ProgrammeTable
    create_url_name = "portfolio:programme_create"

    def get_queryset(self):
        return selectors.programme_list()


class ProgrammeDetailView(ObjectDetailView):
    model = Programme
    template_name = "portfolio/programme_detail.html"

    def get_queryset(self):
        return selectors.programme_list()


class ProgrammeEditView(ObjectEditView):
    model = Programme
    form_class = ProgrammeForm
    create_service = services.programme_create
    update_service = services.programme_update
