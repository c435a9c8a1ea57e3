"""Forms of budget lines, cost entries and the import of a file of cost entries."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pmo.forms import DateInput, UserAwareModelForm
from pmo.roles import is_integration, is_pmo_manager
from projects.choices import ENDED_PHASES
from projects.imports import (
    EXTENSIONS,
    CostFileError,
    max_file_size,
    read_cost_file,
    size_in_mb,
    too_big_message,
)
from projects.models import BudgetLine, CostEntry, Project


def projects_open_to_costs(user) -> QuerySet[Project]:
    """The projects ``user`` may record costs on, as the rules say: every project for the
    PMO and integrations, the not-ended projects they manage for a project manager."""
    projects = Project.objects.order_by("code")
    if is_pmo_manager(user) or is_integration(user):
        return projects
    return projects.filter(project_manager=user).exclude(phase__in=ENDED_PHASES)


class BudgetLineForm(UserAwareModelForm):
    class Meta:
        model = BudgetLine
        fields = ["project", "fiscal_year", "nature", "category", "amount", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.order_by("code")


class CostEntryForm(UserAwareModelForm):
    """A cost entry typed in by hand; its source is "manual"."""

    class Meta:
        model = CostEntry
        fields = [
            "project",
            "date",
            "kind",
            "nature",
            "category",
            "amount",
            "label",
            "supplier",
            "external_reference",
        ]
        widgets = {"date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects_open_to_costs(self.user)

    def validate_unique(self):
        # The service says a reference is taken, next to the field; the model's constraint
        # would say it for the whole form.
        pass


class CostFileForm(forms.Form):
    """A CSV or XLSX file of cost entries; read here so that a file that cannot be read is
    refused next to the field, before anything is stored."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8, “;” or “,”) or Excel (.xlsx), at most 5 MB and 10,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        self.rows: list[dict] = []
        super().__init__(*args, **kwargs)
        # The limit comes from the environment (settings.IMPORT_MAX_BYTES): say the real one.
        self.fields["file"].help_text = _(
            "CSV (UTF-8, “;” or “,”) or Excel (.xlsx), at most %(size)s MB and 10,000 rows."
        ) % {"size": size_in_mb()}

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > max_file_size():
            raise forms.ValidationError(too_big_message())
        try:
            self.rows = read_cost_file(uploaded)
        except CostFileError as error:
            raise forms.ValidationError(error.messages) from error
        uploaded.seek(0)
        return uploaded
