"""Pages of staffing: the capacity heat map, the allocation list and form, and a project's
staffing grid.

Everyone with a role reads them; writing follows the rules of allocations (the PMO and
integrations anywhere, a project manager on the not-ended projects they manage).
"""

import contextlib
import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView

from pmo import months as month_math
from pmo.exceptions import CONCURRENT_CONFLICT_MESSAGE
from pmo.rules import can
from pmo.views import ObjectEditView, ObjectListView, RuleRequiredMixin
from portfolio.models import Resource
from projects import selectors
from projects.filtersets.staffing import AllocationFilterSet
from projects.forms.staffing import (
    GRID_MONTHS,
    AllocationForm,
    CapacityFilterForm,
    StaffingFormSet,
    resource_label,
)
from projects.models import Allocation
from projects.selectors import capacity
from projects.services import staffing as services
from projects.tables.staffing import AllocationTable

STAFFING_MONTHS = GRID_MONTHS
# The over-allocations listed under the heat map; the heat map filtered on over-allocated
# resources shows them all.
ALERTS_SHOWN = 50


def this_month() -> datetime.date:
    return month_math.month_start(timezone.localdate())


class FteText:
    """FTE and load as shown in a cell, formatted without a locale look-up per cell (a heat
    map has thousands of them)."""

    def __init__(self):
        self.separator = formats.get_format("DECIMAL_SEPARATOR")

    def fte(self, value) -> str:
        return f"{value:.2f}".replace(".", self.separator)

    def load(self, cell) -> str:
        if cell.load is not None:
            return f"{cell.load}%"
        return "∞" if cell.allocated else ""


def describe_grid(grid: dict) -> dict:
    """Give each cell of ``grid`` its text (the load, "∞" without capacity) and its title
    (allocated / capacity FTE, the part on the portfolio, the members over capacity)."""
    text = FteText()
    fraction = _("%(month)s: %(allocated)s / %(capacity)s FTE")
    no_capacity = _("%(month)s: %(allocated)s FTE, no capacity")
    on_portfolio = _("%(part)s FTE on this portfolio")
    inactive = _("inactive: planned but not available")
    rows = [*grid["rows"], None]
    for row in rows:
        cells = grid["totals"] if row is None else row.cells
        for cell in cells:
            month = cell.month.strftime("%Y-%m")
            values = {
                "month": month,
                "allocated": text.fte(cell.allocated),
                "capacity": text.fte(cell.capacity),
            }
            parts = [(fraction if cell.capacity else no_capacity) % values]
            if cell.on_portfolio is not None:
                parts.append(on_portfolio % {"part": text.fte(cell.on_portfolio)})
            if cell.over_count and (row is None or row.resource is None):
                parts.append(
                    ngettext(
                        "%(count)s resource over capacity",
                        "%(count)s resources over capacity",
                        cell.over_count,
                    )
                    % {"count": cell.over_count}
                )
            if row is not None and not row.is_active:
                parts.append(inactive)
            cell.title = " · ".join(parts)
            cell.text = text.load(cell)
    return grid


def query_url(path: str, query: QueryDict, **changes) -> str:
    """``path`` with ``query`` changed by ``changes`` (None removes a key)."""
    query = query.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    encoded = query.urlencode()
    return f"{path}?{encoded}" if encoded else path


class CapacityView(RuleRequiredMixin, TemplateView):
    """The capacity heat map: resources (or teams) × 12 months, the load of each month
    coloured by band, filtered by portfolio, team and skill from any month; below it, the
    over-allocations of the window. HTMX requests get the results only."""

    model = Allocation
    template_name = "projects/staffing/capacity.html"
    results_template_name = "projects/staffing/capacity_results.html"

    def get_template_names(self):
        if self.request.htmx:
            return [self.results_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = CapacityFilterForm(self.request.GET or None, initial={"first_month": this_month()})
        form.is_valid()
        query = form.query()
        pool = capacity.resource_pool(team=query["team"], skill=query["skill"])
        grid = capacity.capacity_grid(
            first_month=query["first_month"],
            months=query["months"],
            resources_qs=pool,
            portfolio=query["portfolio"],
            group_by=query["group_by"],
            over_only=query["over_only"],
        )
        shown = capacity.capacity_resources(
            first_month=query["first_month"],
            months=query["months"],
            resources_qs=pool,
            portfolio=query["portfolio"],
        )
        alerts = capacity.over_allocations(
            first_month=query["first_month"], months=query["months"], resources_qs=shown
        )
        path, params = self.request.path, self.request.GET
        first, count = query["first_month"], query["months"]
        allocation_list = reverse("projects:allocation_list")
        for row in grid["rows"]:
            if row.resource is None:
                row.url = query_url(path, params, team=row.team or None, group_by="resource")
        alert_count = len(alerts)
        alerts = alerts[:ALERTS_SHOWN]
        for alert in alerts:
            month = alert.month.strftime("%Y-%m")
            alert.url = (
                f"{allocation_list}?resource={alert.resource.pk}"
                f"&month_after={month}&month_before={month}"
            )
        context.update(
            {
                "title": _("Capacity and demand"),
                "form": form,
                "query": query,
                "grid": describe_grid(grid),
                "alerts": alerts,
                "alert_count": alert_count,
                "over_only_url": query_url(path, params, over_only="on"),
                "previous_url": query_url(
                    path, params, first_month=month_math.add_months(first, -count).strftime("%Y-%m")
                ),
                "next_url": query_url(
                    path, params, first_month=month_math.add_months(first, count).strftime("%Y-%m")
                ),
                "resource_rows": query["group_by"] == "resource",
                "can_add": can(self.request.user, "add", Allocation),
            }
        )
        return context


class AllocationListView(ObjectListView):
    """Allocations, filtered like the ``allocations`` endpoint; each month links to its edit
    page where the user may change it."""

    model = Allocation
    template_name = "projects/staffing/allocation_list.html"
    filterset_class = AllocationFilterSet
    table_class = AllocationTable
    create_url_name = "projects:allocation_create"
    create_label = gettext_lazy("New allocation")

    def get_queryset(self):
        return capacity.allocation_list()

    def get_table_kwargs(self):
        user = self.request.user
        return {"can_change": lambda record: can(user, "change", record)}


class AllocationEditView(ObjectEditView):
    """One allocation, created or changed; back to the project's staffing grid after."""

    model = Allocation
    form_class = AllocationForm
    parent_field = "project"
    create_service = services.allocation_create
    update_service = services.allocation_update
    create_title = gettext_lazy("New allocation")

    def get_queryset(self):
        return capacity.allocation_list()

    def get_success_url(self):
        return reverse("projects:project_staffing", args=[self.object.project_id])

    def get_context_data(self, **kwargs):
        # The generic base links back to the record's page; an allocation has none, its
        # project's staffing grid stands in for it.
        context = FormView.get_context_data(self, **kwargs)
        allocation = self.object
        context["object"] = allocation
        context["model_meta"] = Allocation._meta
        if allocation is None:
            context["title"] = self.create_title
            project = self.request.GET.get("project", "")
            context["cancel_url"] = self.request.GET.get("next") or (
                reverse("projects:project_staffing", args=[project])
                if project.isdigit()
                else reverse("projects:allocation_list")
            )
        else:
            context["title"] = _("Edit %(object)s") % {"object": allocation}
            context["cancel_url"] = reverse(
                "projects:project_staffing", args=[allocation.project_id]
            )
        return context


class ProjectStaffingView(RuleRequiredMixin, TemplateView):
    """Who works on a project, resource × 12 months, with each one's whole load each month;
    the project's manager and the PMO set the FTE of every cell in one save."""

    model = Allocation
    template_name = "projects/staffing/project_staffing.html"

    def load(self, first_month_value: str | None) -> None:
        self.project = get_object_or_404(selectors.project_list(), pk=self.kwargs["pk"])
        self.can_edit = can(self.request.user, "add", Allocation, parent=self.project)
        self.first_month = this_month()
        if first_month_value:
            # A month that cannot be read shows this month's window rather than an error page.
            with contextlib.suppress(ValidationError):
                self.first_month = services.parse_month(first_month_value)
        self.grid = capacity.project_staffing(
            self.project, first_month=self.first_month, months=STAFFING_MONTHS
        )

    def formset(self, data=None):
        """The grid's form: a row per resource planned (fixed), and blank rows to add one."""
        planned = {row.resource.pk for row in self.grid["rows"]}
        self.new_choices = [
            (resource.pk, resource_label(resource))
            for resource in Resource.objects.filter(is_active=True).order_by("name", "pk")
            if resource.pk not in planned
        ]
        resources = planned | {pk for pk, _label in self.new_choices}
        initial = [
            {"resource": row.resource.pk}
            | {f"m{i}": cell.fte for i, cell in enumerate(row.cells) if cell.fte is not None}
            for row in self.grid["rows"]
        ]
        return StaffingFormSet(
            data,
            initial=initial,
            prefix="staffing",
            form_kwargs={"months": self.grid["months"], "resources": resources},
        )

    def get(self, request, *args, **kwargs):
        self.load(request.GET.get("from"))
        formset = self.formset() if self.can_edit else None
        return self.render_to_response(self.get_context_data(formset=formset))

    def post(self, request, *args, **kwargs):
        self.load(request.POST.get("from"))
        if not self.can_edit:
            raise PermissionDenied
        formset = self.formset(request.POST)
        if not formset.is_valid():
            return self.render_to_response(self.get_context_data(formset=formset))
        cells, positions = self.changed_cells(formset)
        try:
            count = services.project_staffing_set(
                actor=request.user, project=self.project, cells=cells
            )
        except services.BatchError as error:
            for index, fields in error.errors.items():
                form, name = positions[index]
                for field, texts in fields.items():
                    for text in texts:
                        form.add_error("resource" if field == "resource" else name, text)
            return self.render_to_response(self.get_context_data(formset=formset))
        except IntegrityError:
            messages.error(request, CONCURRENT_CONFLICT_MESSAGE)
            return self.render_to_response(self.get_context_data(formset=formset), status=409)
        if count:
            messages.success(
                request,
                ngettext(
                    "Staffing saved: %(count)s month changed.",
                    "Staffing saved: %(count)s months changed.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("Nothing changed."))
        url = reverse("projects:project_staffing", args=[self.project.pk])
        return HttpResponseRedirect(f"{url}?from={self.first_month.strftime('%Y-%m')}")

    def changed_cells(self, formset) -> tuple[list, list]:
        """The cells whose FTE differs from the plan: (resource, month, FTE) for the service,
        and where each one is on the page (form, field name) for its errors. A planned cell
        emptied is set to 0."""
        current = {
            (row.resource.pk, cell.month): cell.fte
            for row in self.grid["rows"]
            for cell in row.cells
            if cell.fte is not None
        }
        wanted = []
        for form in formset:
            resource_id = form.cleaned_data.get("resource")
            if not resource_id:
                continue
            for i, month in enumerate(self.grid["months"]):
                value = form.cleaned_data.get(f"m{i}")
                before = current.get((resource_id, month))
                if value is None:
                    if before is None or before == 0:
                        continue
                    value = Decimal("0")
                if value == before:
                    continue
                wanted.append((resource_id, month, value, form, f"m{i}"))
        resources = Resource.objects.in_bulk({resource_id for resource_id, *_rest in wanted})
        cells, positions = [], []
        for resource_id, month, value, form, name in wanted:
            cells.append((resources[resource_id], month, value))
            positions.append((form, name))
        return cells, positions

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project, grid = self.project, self.grid
        text = FteText()
        for row in grid["rows"]:
            for cell in row.cells:
                cell.title = self.cell_title(cell, text)
        rows = grid["rows"]
        formset = context.get("formset")
        if formset is not None:
            forms = list(formset)
            context["planned_forms"] = [
                (
                    row,
                    form,
                    [
                        (cell, field)
                        for cell, (_month, field) in zip(row.cells, form.month_fields, strict=True)
                    ],
                )
                for row, form in zip(rows, forms[: len(rows)], strict=True)
            ]
            context["new_forms"] = forms[len(rows) :]
            context["new_choices"] = self.new_choices
        first = self.first_month
        url = reverse("projects:project_staffing", args=[project.pk])
        before = month_math.add_months(first, -STAFFING_MONTHS)
        after = month_math.add_months(first, STAFFING_MONTHS)
        context.update(
            {
                "title": _("Staffing of %(code)s") % {"code": project.code},
                "project": project,
                "grid": grid,
                "can_edit": self.can_edit,
                "first_month": first,
                "previous_url": f"{url}?from={before:%Y-%m}",
                "next_url": f"{url}?from={after:%Y-%m}",
                "heat_map_url": reverse("projects:capacity")
                + f"?portfolio={project.portfolio_id}&first_month={first:%Y-%m}",
            }
        )
        return context

    @staticmethod
    def cell_title(cell, text: FteText) -> str:
        values = {
            "month": cell.month.strftime("%Y-%m"),
            "allocated": text.fte(cell.allocated),
            "capacity": text.fte(cell.capacity),
        }
        if not cell.capacity:
            return _("%(month)s: %(allocated)s FTE on all projects, no capacity") % values
        return _("%(month)s: %(allocated)s / %(capacity)s FTE on all projects") % values
