"""Forms of projects, milestones, weekly statuses and the reporting calendar."""

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from pmo.forms import DateInput, UserAwareModelForm
from pmo.roles import Role
from portfolio.choices import Contribution
from portfolio.forms import users_with_role
from portfolio.models import Portfolio, Programme, StrategicObjective
from projects.choices import Axis, Rating, Weather
from projects.models import (
    STATUS_CONTENT_FIELDS,
    Milestone,
    Project,
    ReportingCalendar,
    StatusReport,
)
from projects.rules import reserved_fields
from projects.selectors import projects_open_to_milestones

OBJECTIVE_PREFIX = "objective_"


class ProjectForm(UserAwareModelForm):
    """A project, with one contribution choice per active strategic objective."""

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "description",
            "portfolio",
            "programme",
            "sponsor",
            "project_manager",
            "phase",
            "baseline_start",
            "baseline_end",
            "forecast_start",
            "forecast_end",
            "budget_capex",
            "budget_opex",
            "time_zone",
        ]
        widgets = {
            name: DateInput()
            for name in ("baseline_start", "baseline_end", "forecast_start", "forecast_end")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["portfolio"].queryset = Portfolio.objects.filter(is_active=True)
        self.fields["programme"].queryset = Programme.objects.filter(is_active=True).select_related(
            "portfolio"
        )
        self.fields["programme"].label_from_instance = lambda p: f"{p.portfolio.code} · {p.name}"
        self.fields["project_manager"].queryset = users_with_role(Role.PROJECT_MANAGER)
        self.fields["time_zone"].required = False
        self.fields["sponsor"].queryset = users_with_role(Role.EXECUTIVE, Role.PMO_MANAGER)
        for name in reserved_fields(self.user, Project) & self.fields.keys():
            self.fields[name].disabled = True
        if self.instance.pk:
            # An existing project's phase moves through a gate review, never by an edit.
            self.fields["phase"].disabled = True
            self.fields["phase"].help_text = format_html(
                '<a href="{}">{}</a>',
                reverse("projects:gate_review", args=[self.instance.pk]),
                _("The phase changes through a gate review."),
            )
        current = {}
        if self.instance.pk:
            current = dict(self.instance.contributions.values_list("objective_id", "contribution"))
        self.objective_field_names = []
        for objective in StrategicObjective.objects.filter(is_active=True):
            name = f"{OBJECTIVE_PREFIX}{objective.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=str(objective),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", _("None")), *Contribution.choices],
                initial=current.get(objective.pk),
            )
            self.fields[name].objective = objective
            self.objective_field_names.append(name)

    def clean_time_zone(self):
        # Left empty, a project counts its weeks in the site's time zone.
        return self.cleaned_data.get("time_zone") or settings.TIME_ZONE

    def objective_fields(self):
        return [self[name] for name in self.objective_field_names]

    def clean(self):
        cleaned = super().clean()
        contributions = {}
        for name in self.objective_field_names:
            level = cleaned.pop(name, None)
            if level:
                contributions[self.fields[name].objective] = level
        cleaned["objectives"] = contributions
        # Disabled fields keep their stored value; the service needs no copy of them.
        for name in [n for n, f in self.fields.items() if f.disabled]:
            cleaned.pop(name, None)
        return cleaned


class MilestoneForm(UserAwareModelForm):
    class Meta:
        model = Milestone
        fields = [
            "project",
            "name",
            "description",
            "is_gate",
            "baseline_date",
            "forecast_date",
            "actual_date",
            "weight",
        ]
        widgets = {name: DateInput() for name in ("baseline_date", "forecast_date", "actual_date")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects_open_to_milestones(self.user)
        if self.instance.pk:
            self.fields["project"].disabled = True
            for name in reserved_fields(self.user, Milestone) & self.fields.keys():
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        for name in [n for n, f in self.fields.items() if f.disabled]:
            cleaned.pop(name, None)
        return cleaned


class StatusReportForm(forms.ModelForm):
    """The content of a weekly status. It checks each field; the services check the whole
    (a draft may be incomplete, a submitted status may not) and save it."""

    class Meta:
        model = StatusReport
        fields = list(STATUS_CONTENT_FIELDS)
        widgets = {
            "weather": forms.RadioSelect,
            **{f"{axis}_rating": forms.RadioSelect for axis in Axis.values},
            **{f"{axis}_comment": forms.Textarea(attrs={"rows": 2}) for axis in Axis.values},
            "recovery_plan": forms.Textarea(attrs={"rows": 3}),
            "recovery_target_date": DateInput(),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "estimate_to_complete": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "achievements",
                    "next_steps",
                    "attention_points",
                    "decisions_requested",
                )
            },
        }

    def __init__(self, *args, **kwargs):
        # Always a bare instance: the report itself (its project, week, state) is the
        # services' business, so the form's own model validation sees only the content.
        kwargs["instance"] = StatusReport()
        super().__init__(*args, **kwargs)
        # The weather has no default: offer the four, not an empty fifth choice.
        self.fields["weather"].choices = Weather.choices
        self.fields["progress"].validators.append(MaxValueValidator(100))

    def has_red_axis(self) -> bool:
        """Whether an axis is red in what the form shows (to highlight the recovery plan)."""
        for axis in Axis.values:
            name = f"{axis}_rating"
            value = self.data.get(self.add_prefix(name)) if self.is_bound else self[name].value()
            if value == Rating.RED:
                return True
        return False


class AmendmentForm(forms.Form):
    """Why a submitted status is being corrected."""

    amendment_reason = forms.CharField(
        label=_("Reason for the amendment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Say what was wrong or missing; the submitted revision is kept."),
    )


class ReportingCalendarForm(forms.ModelForm):
    class Meta:
        model = ReportingCalendar
        fields = ["due_weekday", "due_time", "reminder_hours"]
        widgets = {"due_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
