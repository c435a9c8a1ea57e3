"""Pages of a project's money: budget lines, cost entries and the import of a file of cost
entries.

Budget lines are the PMO's; cost entries are recorded by whoever may add costs to the
project and never edited (a correction is an entry of its own). An import goes in three
steps: the file is uploaded and read (a file that cannot be read is refused on the form),
the preview shows its rows, their totals and every error by row and field, and only a
confirmation writes, all rows or none.
"""

import csv
import datetime
import io
from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, View

from pmo.rules import can
from pmo.views import ObjectDetailView, ObjectEditView, ObjectListView, RuleRequiredMixin
from portfolio.models import FinancePolicy
from projects import imports
from projects.choices import CostCategory, CostKind, Nature
from projects.filtersets.finance import (
    BudgetLineFilterSet,
    CostEntryFilterSet,
    budget_line_list,
    budget_total,
    cost_entry_list,
    cost_totals_by_kind,
)
from projects.forms.finance import BudgetLineForm, CostEntryForm, CostFileForm
from projects.models import BudgetLine, CostEntry
from projects.services import finance as services
from projects.tables.finance import BudgetLineTable, CostEntryTable, money

# Rows of a file shown in its preview; the totals and the errors cover them all.
PREVIEW_ROWS = 200


def finance_tabs(request) -> list[dict]:
    """The tabs above the finance lists: the lists, and the import for those who may."""
    tabs = [
        (gettext_lazy("Budget lines"), "projects:budgetline_list"),
        (gettext_lazy("Cost entries"), "projects:costentry_list"),
    ]
    if can(request.user, "import", CostEntry):
        tabs.append((gettext_lazy("Import"), "projects:cost_import"))
    return [
        {"label": label, "url": reverse(name), "active": request.path == reverse(name)}
        for label, name in tabs
    ]


class FinanceListView(ObjectListView):
    template_name = "projects/finance/finance_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["finance_tabs"] = finance_tabs(self.request)
        return context


# --- budget lines -------------------------------------------------------------------------


class BudgetLineListView(FinanceListView):
    """Budget lines by project, fiscal year, nature and category, summed under the table."""

    model = BudgetLine
    filterset_class = BudgetLineFilterSet
    table_class = BudgetLineTable
    create_url_name = "projects:budgetline_create"
    create_label = gettext_lazy("New budget line")

    def get_queryset(self):
        return budget_line_list()

    def get_table_kwargs(self):
        kwargs = {
            "total": budget_total(self.object_list),
            "start_month": FinancePolicy.get().fiscal_year_start_month,
        }
        if not can(self.request.user, "change", BudgetLine):
            kwargs["exclude"] = ("edit",)
        return kwargs


class BudgetLineEditView(ObjectEditView):
    model = BudgetLine
    form_class = BudgetLineForm
    parent_field = "project"
    create_service = services.budget_line_create
    update_service = services.budget_line_update
    create_title = gettext_lazy("New budget line")

    def get_initial(self):
        initial = super().get_initial()
        policy = FinancePolicy.get()
        initial.setdefault("fiscal_year", policy.fiscal_year(timezone.localdate()))
        return initial

    def get_success_url(self):
        return f"{reverse('projects:budgetline_list')}?project={self.object.project_id}"

    def get_context_data(self, **kwargs):
        # ObjectEditView's own would link to the line's page, and a budget line has none: it
        # is shown in its list.
        context = super(ObjectEditView, self).get_context_data(**kwargs)
        context["object"] = self.object
        context["model_meta"] = BudgetLine._meta
        if self.object is None:
            context["title"] = self.create_title
        else:
            context["title"] = _("Edit %(object)s") % {"object": self.object}
        context["cancel_url"] = self.request.GET.get("next") or reverse("projects:budgetline_list")
        return context


# --- cost entries -------------------------------------------------------------------------


class CostEntryListView(FinanceListView):
    """Cost entries, newest first, with the totals of commitments and actuals the filters
    kept (all pages)."""

    model = CostEntry
    filterset_class = CostEntryFilterSet
    table_class = CostEntryTable
    create_url_name = "projects:costentry_create"
    create_label = gettext_lazy("New cost entry")
    results_template_name = "projects/finance/costentry_list_results.html"

    def get_queryset(self):
        return cost_entry_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = cost_totals_by_kind(self.object_list)
        return context


class CostEntryDetailView(ObjectDetailView):
    model = CostEntry
    template_name = "projects/finance/costentry_detail.html"

    def get_queryset(self):
        return cost_entry_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["finance_tabs"] = finance_tabs(self.request)
        entry = self.object
        if can(self.request.user, "add", CostEntry, parent=entry.project):
            # A correction is an entry of its own: the reversal of this one, to adjust.
            query = urlencode(
                {
                    "project": entry.project_id,
                    "kind": entry.kind,
                    "nature": entry.nature,
                    "category": entry.category,
                    "amount": -entry.amount,
                    "supplier": entry.supplier,
                    "label": _("Correction of %(entry)s") % {"entry": entry.label or entry.pk},
                }
            )
            context["correction_url"] = f"{reverse('projects:costentry_create')}?{query}"
        return context


class CostEntryCreateView(ObjectEditView):
    """Record a cost entry by hand; opened from a project's page, that project is chosen."""

    model = CostEntry
    form_class = CostEntryForm
    parent_field = "project"
    create_service = services.cost_entry_create
    create_title = gettext_lazy("New cost entry")

    def get_initial(self):
        initial = super().get_initial()
        initial.setdefault("date", timezone.localdate())
        return initial

    def get_success_url(self):
        return reverse("projects:costentry_detail", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.request.GET.get("next") or reverse("projects:costentry_list")
        return context


# --- import -------------------------------------------------------------------------------


class ImportMixin(RuleRequiredMixin):
    """Importing is the PMO's and the integrations' (the rules' "import" on cost entries)."""

    model = CostEntry
    permission_action = "import"


class CostImportView(ImportMixin, FormView):
    """Step 1: upload a file. A file that cannot be read is refused here; one that can is
    kept for its preview and nothing is recorded yet."""

    form_class = CostFileForm
    template_name = "projects/finance/import_upload.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        stored = imports.store_upload(form.cleaned_data["file"], user=self.request.user)
        return HttpResponseRedirect(reverse("projects:cost_import_preview", args=[stored.token]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Import cost entries")
        context["finance_tabs"] = finance_tabs(self.request)
        context["columns"] = import_columns()
        return context


def import_columns() -> list[dict]:
    """The columns a file may have, for the upload page's help."""
    field = CostEntry._meta.get_field
    return [
        {"names": "project / projet", "meaning": _("The project's code."), "required": True},
        {"names": "date", "meaning": _("YYYY-MM-DD or DD/MM/YYYY."), "required": True},
        {
            "names": "kind / type",
            "meaning": _("actual (default) or commitment."),
            "required": False,
        },
        {"names": "nature", "meaning": ", ".join(Nature.values), "required": True},
        {
            "names": "category / catégorie",
            "meaning": ", ".join(CostCategory.values),
            "required": True,
        },
        {
            "names": "amount / montant",
            "meaning": _("1234.56 or 1 234,56; negative for a credit note."),
            "required": True,
        },
        {
            "names": "label / libellé",
            "meaning": capfirst(field("label").verbose_name),
            "required": False,
        },
        {
            "names": "supplier / fournisseur",
            "meaning": capfirst(field("supplier").verbose_name),
            "required": False,
        },
        {
            "names": "external_reference / référence",
            "meaning": _(
                "Optional. A row with a reference already imported with the same values is "
                "not imported twice."
            ),
            "required": False,
        },
    ]


def field_label(name: str) -> str:
    """The name of a row's field in the preview's list of errors."""
    if name == "non_field_errors":
        return ""
    field = CostEntry._meta.get_field("project" if name == "project_code" else name)
    return str(capfirst(field.verbose_name))


def shown_value(value) -> str:
    """A value of a file's row as the preview shows it."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return money(value)
    return str(value)


def preview_context(stored: imports.StoredImport, batch: services.CheckedBatch) -> dict:
    """What the preview shows: the first rows, totals by project and nature of the valid
    rows, how many are new or already present, and every error by row and field."""
    kinds, natures = dict(CostKind.choices), dict(Nature.choices)
    categories = dict(CostCategory.choices)
    shown = []
    totals: dict[tuple[str, str], dict] = defaultdict(lambda: {"count": 0, "total": Decimal(0)})
    for row in batch.rows:
        entry = row.entry
        if entry is not None:
            total = totals[(entry.project.code, entry.nature)]
            total["count"] += 1
            total["total"] += entry.amount
        if len(shown) >= PREVIEW_ROWS:
            continue
        if entry is not None:
            values = {
                "project": entry.project.code,
                "date": shown_value(entry.date),
                "kind": kinds[entry.kind],
                "nature": natures[entry.nature],
                "category": categories[entry.category],
                "amount": money(entry.amount),
                "label": entry.label,
                "supplier": entry.supplier,
                "reference": entry.external_reference,
            }
        else:
            # As the file says it: the errors below say what is wrong.
            raw = row.raw if isinstance(row.raw, dict) else {}
            values = {
                name: shown_value(raw.get(key))
                for name, key in (
                    ("project", "project_code"),
                    ("date", "date"),
                    ("kind", "kind"),
                    ("nature", "nature"),
                    ("category", "category"),
                    ("amount", "amount"),
                    ("label", "label"),
                    ("supplier", "supplier"),
                    ("reference", "external_reference"),
                )
            }
        state = "error" if row.errors else ("present" if row.already_recorded else "new")
        shown.append({"line": row.key, "values": values, "state": state})
    errors = [
        {"line": row.key, "field": field_label(name), "message": message}
        for row in batch.rows
        for name, field_messages in row.errors.items()
        for message in field_messages
    ]
    return {
        "stored": stored,
        "rows": shown,
        "row_count": len(batch.rows),
        "hidden_count": max(len(batch.rows) - PREVIEW_ROWS, 0),
        "new_count": len(batch.new_entries),
        "unchanged_count": batch.unchanged,
        "error_rows": len(batch.errors),
        "errors": errors,
        "totals": [
            {
                "project": code,
                "nature": natures[nature],
                "count": value["count"],
                "total": money(value["total"]),
            }
            for (code, nature), value in sorted(totals.items())
        ],
        "grand_total": money(sum((v["total"] for v in totals.values()), Decimal(0))),
    }


class CostImportPreviewView(ImportMixin, View):
    """Step 2 (GET): the file's rows checked, nothing written. Step 3 (POST): confirm, and
    every row is recorded in one transaction, or none if any is invalid.

    The file is read again from storage at each step: the browser sends back only the token,
    and a token that is not the user's own upload is not found.
    """

    def stored(self) -> imports.StoredImport:
        stored = imports.stored_upload(self.kwargs["token"], user=self.request.user)
        if stored is None:
            raise Http404
        return stored

    def rows(self, stored):
        try:
            return imports.read_stored_upload(stored)
        except imports.CostFileError as error:
            imports.discard_upload(stored)
            for message in error.messages:
                messages.error(self.request, message)
            return None

    def render(self, stored, rows, *, status=200):
        batch = services.cost_entries_check_import(actor=self.request.user, rows=rows)
        context = {
            "title": _("Import preview"),
            "finance_tabs": finance_tabs(self.request),
            **preview_context(stored, batch),
        }
        return TemplateResponse(
            self.request, "projects/finance/import_preview.html", context, status=status
        )

    def get(self, request, *args, **kwargs):
        stored = self.stored()
        rows = self.rows(stored)
        if rows is None:
            return HttpResponseRedirect(reverse("projects:cost_import"))
        return self.render(stored, rows)

    def post(self, request, *args, **kwargs):
        stored = self.stored()
        if "cancel" in request.POST:
            imports.discard_upload(stored)
            messages.info(request, _("Import cancelled; nothing was recorded."))
            return HttpResponseRedirect(reverse("projects:cost_import"))
        rows = self.rows(stored)
        if rows is None:
            return HttpResponseRedirect(reverse("projects:cost_import"))
        try:
            result = services.cost_entries_import(actor=request.user, rows=rows)
        except services.BatchValidationError:
            messages.error(request, _("Nothing was recorded: the file has errors."))
            return self.render(stored, rows, status=400)
        imports.discard_upload(stored)
        messages.success(
            request,
            ngettext(
                "%(created)s entry imported, %(unchanged)s already present.",
                "%(created)s entries imported, %(unchanged)s already present.",
                result.created,
            )
            % {"created": result.created, "unchanged": result.unchanged},
        )
        return HttpResponseRedirect(f"{reverse('projects:costentry_list')}?source=import")


class CostImportTemplateView(ImportMixin, View):
    """A template to fill in: the header row and one example, as CSV or XLSX."""

    def get(self, request, *args, **kwargs):
        if kwargs["format"] not in ("csv", "xlsx"):
            raise Http404
        rows = imports.template_rows()
        if kwargs["format"] == "xlsx":
            return xlsx_response(rows, "cost-entries.xlsx")
        buffer = io.StringIO()
        # A BOM and ";": what a spreadsheet set to French opens in columns, as UTF-8.
        buffer.write("\ufeff")
        csv.writer(buffer, delimiter=";").writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="cost-entries.csv"'
        return response


def xlsx_response(rows: list[list], filename: str) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "entries"
    header, *examples = rows
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for example in examples:
        # Real cells, as a spreadsheet holds them: a date and a number.
        values = list(example)
        values[1] = datetime.date.fromisoformat(values[1])
        values[5] = Decimal(values[5])
        sheet.append(values)
    sheet.cell(row=2, column=2).number_format = "yyyy-mm-dd"
    for column in "ABCDEFGHI":
        sheet.column_dimensions[column].width = 20
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
