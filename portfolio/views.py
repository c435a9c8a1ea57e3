"""Pages of the portfolio structure, the resource pool, the envelopes and the finance
policy."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import FormView, View

from pmo.exceptions import CONCURRENT_CONFLICT_MESSAGE
from pmo.rules import can
from pmo.tables import fte, money
from pmo.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    RuleRequiredMixin,
    SettingsView,
    error_map,
)
from portfolio import panels, selectors, services
from portfolio.filtersets import (
    PortfolioEnvelopeFilterSet,
    PortfolioFilterSet,
    ProgrammeFilterSet,
    ResourceFilterSet,
    StrategicObjectiveFilterSet,
)
from portfolio.forms import (
    FinancePolicyForm,
    MonthField,
    PortfolioEnvelopeForm,
    PortfolioForm,
    ProgrammeForm,
    ResourceCapacityForm,
    ResourceForm,
    StrategicObjectiveForm,
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
from portfolio.tables import (
    PortfolioEnvelopeTable,
    PortfolioTable,
    ProgrammeTable,
    ResourceTable,
    StrategicObjectiveTable,
)


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


# --- resource pool ------------------------------------------------------------------------


class ResourceListView(ObjectListView):
    model = Resource
    filterset_class = ResourceFilterSet
    table_class = ResourceTable
    create_url_name = "portfolio:resource_create"
    create_label = pgettext_lazy("resource", "New resource")

    def get_queryset(self):
        return selectors.resource_list()


class ResourceDetailView(ObjectDetailView):
    """A resource: who or what it is, its usual capacity and rate, the next twelve months'
    capacity (overrides with their reasons), the form setting a month's capacity for who may,
    and the panels later apps add (its allocations)."""

    model = Resource
    template_name = "portfolio/resource_detail.html"

    def get_queryset(self):
        return selectors.resource_list()

    def get_context_data(self, *, capacity_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        resource = self.object
        user = self.request.user
        context["plan"] = selectors.resource_capacity_plan(resource)
        context["can_set_capacity"] = can(user, "add", ResourceCapacity, parent=resource)
        if context["can_set_capacity"]:
            context["capacity_form"] = capacity_form or ResourceCapacityForm(
                prefix="capacity", user=user, initial={"fte": resource.capacity_fte}
            )
        context["panels"] = panels.resource_panels.render_context(self.request, resource)
        return context


class ResourceEditView(ObjectEditView):
    model = Resource
    form_class = ResourceForm
    create_service = services.resource_create
    update_service = services.resource_update
    create_title = pgettext_lazy("resource", "New resource")


class ResourceCapacityMixin(RuleRequiredMixin):
    """A POST on a resource's monthly capacity, by who may set it (PMO managers)."""

    model = ResourceCapacity
    permission_action = "add"
    http_method_names = ["post"]

    def get_resource(self) -> Resource:
        resource = get_object_or_404(selectors.resource_list(), pk=self.kwargs["pk"])
        if not can(self.request.user, "view", resource):
            raise PermissionDenied
        return resource


class ResourceCapacitySetView(ResourceCapacityMixin, View):
    """Set a month's capacity of a resource; bad input comes back on the resource's page,
    next to its field."""

    def post(self, request, *args, **kwargs):
        resource = self.get_resource()
        form = ResourceCapacityForm(request.POST, prefix="capacity", user=request.user)
        if form.is_valid():
            try:
                override, _created = services.resource_capacity_set(
                    actor=request.user, resource=resource, **form.cleaned_data
                )
            except ValidationError as error:
                error_map(form, error)
            except IntegrityError:
                form.add_error(None, CONCURRENT_CONFLICT_MESSAGE)
            else:
                messages.success(
                    request,
                    _("Capacity of %(resource)s in %(month)s set to %(fte)s FTE.")
                    % {
                        "resource": resource,
                        "month": date_format(override.month, "YEAR_MONTH_FORMAT"),
                        "fte": fte(override.fte),
                    },
                )
                return HttpResponseRedirect(resource.get_absolute_url())
        view = ResourceDetailView()
        view.setup(request, pk=resource.pk)
        view.object = resource
        context = view.get_context_data(object=resource, capacity_form=form)
        return TemplateResponse(request, view.template_name, context)


class ResourceCapacityClearView(ResourceCapacityMixin, View):
    """Remove a month's override: the month takes the usual capacity again."""

    permission_action = "change"

    def post(self, request, *args, **kwargs):
        resource = self.get_resource()
        field = MonthField()
        try:
            month = field.clean(request.POST.get("month", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(resource.get_absolute_url())
        if services.resource_capacity_clear(actor=request.user, resource=resource, month=month):
            messages.success(
                request,
                _("%(month)s is back to the usual capacity of %(resource)s (%(fte)s FTE).")
                % {
                    "month": date_format(month, "YEAR_MONTH_FORMAT"),
                    "resource": resource,
                    "fte": fte(resource.capacity_fte),
                },
            )
        return HttpResponseRedirect(resource.get_absolute_url())


# --- envelopes ----------------------------------------------------------------------------


class EnvelopeListView(ObjectListView):
    """Envelopes per portfolio and fiscal year, and the total of those the filters keep."""

    model = PortfolioEnvelope
    filterset_class = PortfolioEnvelopeFilterSet
    table_class = PortfolioEnvelopeTable
    create_url_name = "portfolio:envelope_create"
    create_label = pgettext_lazy("envelope", "New envelope")

    def get_queryset(self):
        return selectors.envelope_list()

    def get_table_kwargs(self):
        return {
            "policy": FinancePolicy.get(),
            "totals": selectors.envelope_totals(self.object_list),
            "can_change": can(self.request.user, "change", PortfolioEnvelope),
        }


class EnvelopeEditView(ObjectEditView):
    model = PortfolioEnvelope
    form_class = PortfolioEnvelopeForm
    create_service = services.envelope_create
    update_service = services.envelope_update
    create_title = pgettext_lazy("envelope", "New envelope")

    def list_url(self, portfolio=None) -> str:
        url = reverse("portfolio:envelope_list")
        return f"{url}?portfolio={portfolio.pk}" if portfolio is not None else url

    def get_initial(self):
        initial = super().get_initial()
        if self.object is None:
            # Most envelopes are set for the year under way.
            initial.setdefault("fiscal_year", FinancePolicy.get().fiscal_year(timezone.localdate()))
        return initial

    def get_success_url(self):
        # An envelope has no page of its own: back to its portfolio's envelopes.
        return self.list_url(self.object.portfolio)

    def get_context_data(self, **kwargs):
        # ObjectEditView's context links "cancel" to the record's page, which an envelope
        # has not: the same context, built here with the list as the way back.
        context = FormView.get_context_data(self, **kwargs)
        context["object"] = self.object
        context["model_meta"] = PortfolioEnvelope._meta
        if self.object is None:
            context["title"] = self.create_title
            context["cancel_url"] = self.request.GET.get("next") or self.list_url()
        else:
            context["title"] = _("Envelope of %(portfolio)s, fiscal year %(year)s") % {
                "portfolio": self.object.portfolio,
                "year": FinancePolicy.get().fiscal_year_label(self.object.fiscal_year),
            }
            context["cancel_url"] = self.list_url(self.object.portfolio)
        return context


# --- finance policy -----------------------------------------------------------------------

# The budget the finance policy page shows its tolerance on, as an example.
EXAMPLE_BUDGET = Decimal("100000.00")


class FinancePolicyView(SettingsView):
    """When the fiscal year starts and how far an estimate may exceed its budget: the
    PMO's finance settings."""

    model = FinancePolicy
    form_class = FinancePolicyForm
    template_name = "portfolio/finance_policy.html"
    update_service = services.finance_policy_update
    success_message = gettext_lazy("Finance policy saved.")
    success_url_name = "portfolio:finance_policy"
    title = gettext_lazy("Finance policy")
    context_object_name = "policy"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy = context["policy"]
        year = policy.fiscal_year(timezone.localdate())
        first, last = policy.fiscal_year_bounds(year)
        context.update(
            year_label=policy.fiscal_year_label(year),
            year_first=first,
            year_last=last,
            example_budget=money(EXAMPLE_BUDGET),
            example_threshold=money(policy.overrun_threshold(EXAMPLE_BUDGET)),
        )
        return context
