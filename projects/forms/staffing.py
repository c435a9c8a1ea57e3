"""Forms of staffing: one allocation, the capacity heat map's filters, and a project's
staffing grid (a row per resource, a field per month).

A month is typed in an ``<input type="month">`` (YYYY-MM); the forms offer only what the
user may choose (the projects they may staff, the active resources); the services check the
whole and save it.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from pmo import months as month_math
from pmo.forms import UserAwareModelForm
from portfolio.models import Portfolio, Resource
from projects.models import Allocation, Project
from projects.selectors.capacity import pool_values, projects_staffable_by
from projects.services.staffing import DUPLICATE_MESSAGE, FTE_MAX, parse_month

# How far the heat map and the API look ahead at most, in months.
MAX_MONTHS = 36


class MonthInput(forms.TextInput):
    """A month picker: ``<input type="month">``, whose value is YYYY-MM."""

    input_type = "month"

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime("%Y-%m")
        return super().format_value(value)


class MonthField(forms.Field):
    """A month given as YYYY-MM or its first day YYYY-MM-01; cleaned to its first day."""

    widget = MonthInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_month(value)
        except ValidationError as error:
            raise ValidationError(error.messages[0], code=error.code) from None


def resource_label(resource: Resource) -> str:
    """A resource in a select: its name, skill and team."""
    if resource.team:
        return f"{resource.name} · {resource.skill} ({resource.team})"
    return f"{resource.name} · {resource.skill}"


class AllocationForm(UserAwareModelForm):
    """One allocation: a resource on one of the projects the user may staff, in a month."""

    class Meta:
        model = Allocation
        fields = ["project", "resource", "month", "fte", "note"]
        field_classes = {"month": MonthField}
        widgets = {"month": MonthInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        projects = projects_staffable_by(self.user)
        if instance.project_id:
            projects = projects | Project.objects.filter(pk=instance.project_id)
        self.fields["project"].queryset = projects.order_by("code")
        self.fields["resource"].queryset = Resource.objects.filter(
            Q(is_active=True) | Q(pk=instance.resource_id)
        ).order_by("name", "pk")
        self.fields["resource"].label_from_instance = resource_label
        self.fields["month"].help_text = _("The month planned, e.g. 2026-03.")

    def clean(self):
        cleaned = super().clean()
        resource, project, month = (cleaned.get(name) for name in ("resource", "project", "month"))
        if resource and project and month:
            duplicates = Allocation.objects.filter(resource=resource, project=project, month=month)
            if self.instance.pk:
                duplicates = duplicates.exclude(pk=self.instance.pk)
            if duplicates.exists():
                # Said on the month; the row-wide constraint check then has nothing to add.
                self.add_error("month", DUPLICATE_MESSAGE)
        return cleaned


GROUP_BY_CHOICES = [("resource", _("Resource")), ("team", _("Team"))]


class CapacityFilterForm(forms.Form):
    """The heat map's filters, read from the query string (page and API alike)."""

    portfolio = forms.ModelChoiceField(
        label=_("Portfolio"),
        queryset=Portfolio.objects.order_by("name"),
        required=False,
        empty_label=pgettext_lazy("portfolio", "Any"),
        help_text=_("Its pool, and whoever is planned on its projects."),
    )
    team = forms.ChoiceField(label=_("Team"), required=False)
    skill = forms.ChoiceField(label=_("Role or skill"), required=False)
    first_month = MonthField(label=_("From"), required=False)
    months = forms.IntegerField(
        label=_("Months"), required=False, min_value=1, max_value=MAX_MONTHS
    )
    group_by = forms.ChoiceField(label=_("Rows"), choices=GROUP_BY_CHOICES, required=False)
    over_only = forms.BooleanField(label=_("Over-allocated only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "Any" agrees with its noun in some languages (French: tous, toutes).
        self.fields["team"].choices = [("", pgettext("team", "Any"))] + [
            (team, team) for team in pool_values("team")
        ]
        self.fields["skill"].choices = [("", pgettext("skill", "Any"))] + [
            (skill, skill) for skill in pool_values("skill")
        ]
        self.fields["first_month"].widget.attrs["placeholder"] = "YYYY-MM"

    def query(self) -> dict:
        """The cleaned filters with their defaults: from this month, 12 months, by resource."""
        # An unbound form (no filter yet) or a field refused: its default applies.
        data = getattr(self, "cleaned_data", {})
        return {
            "portfolio": data.get("portfolio"),
            "team": data.get("team") or "",
            "skill": data.get("skill") or "",
            "first_month": data.get("first_month") or month_math.month_start(timezone.localdate()),
            "months": data.get("months") or 12,
            "group_by": data.get("group_by") or "resource",
            "over_only": bool(data.get("over_only")),
        }


# The months of a project's staffing grid, one field each.
GRID_MONTHS = 12


class SharedFieldMixin:
    """A field a form never changes, shared by every form of a formset instead of being
    deep-copied into each: a staffing grid has hundreds of rows of a dozen cells."""

    def __deepcopy__(self, memo):
        return self


class CellField(SharedFieldMixin, forms.DecimalField):
    """The FTE of one month of the grid."""

    def __init__(self):
        super().__init__(
            required=False, min_value=0, max_value=FTE_MAX, max_digits=6, decimal_places=2
        )


class ResourceIdField(SharedFieldMixin, forms.IntegerField):
    """The resource of a row, checked against the resources offered by the row's form."""

    def __init__(self):
        super().__init__(label=_("Resource"), required=False, min_value=1)


class BaseStaffingRowForm(forms.Form):
    """One row of a project's staffing grid: a resource and its FTE in each month shown
    (fields ``m0`` to ``m11``, in the order of ``months``). An empty cell plans nothing; an
    emptied cell that was planned is set to 0."""

    resource = ResourceIdField()

    def __init__(self, *args, months: list[datetime.date], resources: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.months = months
        self.resources = resources

    @property
    def month_fields(self) -> list:
        """Each month shown with its field."""
        return [(month, self[f"m{i}"]) for i, month in enumerate(self.months)]

    def clean(self):
        cleaned = super().clean()
        resource = cleaned.get("resource")
        values = [cleaned.get(f"m{i}") for i in range(len(self.months))]
        if resource and resource not in self.resources:
            self.add_error("resource", _("Choose one of the resources offered."))
        elif not resource and any(v is not None for v in values):
            self.add_error("resource", _("Choose who is planned."))
        return cleaned


StaffingRowForm = type(
    "StaffingRowForm",
    (BaseStaffingRowForm,),
    {"__module__": __name__, **{f"m{i}": CellField() for i in range(GRID_MONTHS)}},
)


class BaseStaffingFormSet(forms.BaseFormSet):
    def clean(self):
        # Said on the later row, whatever the other rows' errors.
        seen = set()
        for form in self.forms:
            resource = getattr(form, "cleaned_data", {}).get("resource")
            if not resource:
                continue
            if resource in seen:
                form.add_error("resource", _("This resource already has a row."))
            seen.add(resource)


StaffingFormSet = forms.formset_factory(
    StaffingRowForm, formset=BaseStaffingFormSet, extra=3, max_num=500
)
