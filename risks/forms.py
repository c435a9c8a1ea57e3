"""Forms of the RAID log, change requests, their workflow steps and the risk policy.

The forms offer only what the user may choose (the projects they may add to, the people who
may decide); they check each field, and the services check the whole and save it.
"""

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pmo.forms import DateInput, UserAwareModelForm
from pmo.roles import Role, is_pmo_manager
from pmo.rules import can
from portfolio.forms import users_with_role
from portfolio.models import Portfolio, Programme
from projects.models import Project
from risks.choices import LIVE_RISK_STATUSES, RiskStatus
from risks.models import Action, ChangeRequest, Decision, Issue, Risk, RiskPolicy
from risks.rules import may_decide

PROBABILITY_CHOICES = [
    (1, _("1 · Rare")),
    (2, _("2 · Unlikely")),
    (3, _("3 · Possible")),
    (4, _("4 · Likely")),
    (5, _("5 · Almost certain")),
]
IMPACT_CHOICES = [
    (1, _("1 · Negligible")),
    (2, _("2 · Minor")),
    (3, _("3 · Moderate")),
    (4, _("4 · Major")),
    (5, _("5 · Severe")),
]
SCOPE_FIELDS = ("project", "programme", "portfolio")


def projects_open_to(user, model) -> QuerySet[Project]:
    """The projects ``user`` may add a ``model`` entry to, as the rules say (for a project
    manager: the not-ended projects they manage)."""
    allowed = [
        project.pk
        for project in Project.objects.only("pk", "phase", "project_manager_id")
        if can(user, "add", model, parent=project)
    ]
    return Project.objects.filter(pk__in=allowed).order_by("code")


def people():
    """Who may own a risk, an issue or an action: the active users with a role that writes or
    decides (integrations only read)."""
    return users_with_role(Role.PMO_MANAGER, Role.PROJECT_MANAGER, Role.EXECUTIVE)


def _pk(value) -> int | None:
    value = str(value or "")
    return int(value) if value.isdigit() else None


class ScopedEntryForm(UserAwareModelForm):
    """A RAID entry and where it is held: one of the projects the user may add to or, for a
    PMO manager only, a programme or a portfolio as a whole."""

    # Fields choosing another entry (the risk behind an issue...): offered from the same
    # project when it is known.
    linked_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        projects = projects_open_to(self.user, self._meta.model)
        if instance.project_id:
            projects = projects | Project.objects.filter(pk=instance.project_id)
        self.fields["project"].queryset = projects.order_by("code")
        if is_pmo_manager(self.user):
            self.fields["programme"].queryset = Programme.objects.filter(
                Q(is_active=True) | Q(pk=instance.programme_id)
            ).select_related("portfolio")
            self.fields["programme"].label_from_instance = lambda p: (
                f"{p.portfolio.code} · {p.name}"
            )
            self.fields["portfolio"].queryset = Portfolio.objects.filter(
                Q(is_active=True) | Q(pk=instance.portfolio_id)
            )
        else:
            # Entries of a programme or a portfolio as a whole are the PMO's.
            del self.fields["programme"]
            del self.fields["portfolio"]
            self.fields["project"].required = True
        if instance.pk and not can(self.user, "add", self._meta.model, parent=instance.scope):
            # Editing what they may not add there (the owner of an action): it stays put.
            for name in SCOPE_FIELDS:
                if name in self.fields:
                    self.fields[name].disabled = True
        project = self.chosen_project()
        for name in self.linked_fields:
            field = self.fields[name]
            model = field.queryset.model
            current = getattr(instance, f"{name}_id")
            if project is not None:
                near = model.objects.filter(project=project)
            elif is_pmo_manager(self.user):
                near = model.objects.all()
            else:
                near = model.objects.filter(project__in=projects)
            field.queryset = (near | model.objects.filter(pk=current)).order_by("-pk")

    def clean(self):
        cleaned = super().clean()
        # Disabled fields keep their stored value; the service needs no copy of them.
        for name in [n for n, f in self.fields.items() if f.disabled]:
            cleaned.pop(name, None)
        return cleaned

    def chosen_project(self) -> int | None:
        """The project the entry is being written for: posted, prefilled, or its own."""
        if self.is_bound and not self.fields["project"].disabled:
            return _pk(self.data.get(self.add_prefix("project")))
        return _pk(self.initial.get("project")) or self.instance.project_id


def scale_field(field, choices) -> forms.TypedChoiceField:
    """``field`` (a 1–5 model field) as a select of the scale's labelled values."""
    return forms.TypedChoiceField(
        label=field.label,
        help_text=field.help_text,
        required=field.required,
        choices=[("", "—"), *choices],
        coerce=int,
        empty_value=None,
    )


class RiskForm(ScopedEntryForm):
    class Meta:
        model = Risk
        fields = [
            *SCOPE_FIELDS,
            "title",
            "description",
            "category",
            "probability",
            "impact",
            "owner",
            "response",
            "mitigation",
            "residual_probability",
            "residual_impact",
            "status",
            "next_review_date",
        ]
        widgets = {"next_review_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in (
            ("probability", PROBABILITY_CHOICES),
            ("impact", IMPACT_CHOICES),
            ("residual_probability", PROBABILITY_CHOICES),
            ("residual_impact", IMPACT_CHOICES),
        ):
            self.fields[name] = scale_field(self.fields[name], choices)
        self.fields["owner"].queryset = people()
        # Closing a risk or marking it occurred are steps of their own.
        self.fields["status"].choices = [
            (value, label) for value, label in RiskStatus.choices if value in LIVE_RISK_STATUSES
        ]


class IssueForm(ScopedEntryForm):
    linked_fields = ("risk",)

    class Meta:
        model = Issue
        fields = [
            *SCOPE_FIELDS,
            "title",
            "description",
            "severity",
            "owner",
            "target_date",
            "risk",
        ]
        widgets = {"target_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()


class ActionForm(ScopedEntryForm):
    linked_fields = ("risk", "issue", "decision")

    class Meta:
        model = Action
        fields = [
            *SCOPE_FIELDS,
            "title",
            "description",
            "owner",
            "due_date",
            "status",
            "origin",
            "risk",
            "issue",
            "decision",
            "meeting",
        ]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()


class DecisionForm(ScopedEntryForm):
    linked_fields = ("risk", "issue")

    class Meta:
        model = Decision
        fields = [
            *SCOPE_FIELDS,
            "title",
            "description",
            "context",
            "options",
            "needed_by",
            "risk",
            "issue",
        ]
        widgets = {"needed_by": DateInput()}


class ChangeRequestForm(UserAwareModelForm):
    """A change request: its project (chosen once) and what it changes."""

    class Meta:
        model = ChangeRequest
        fields = [
            "project",
            "title",
            "description",
            "cost_delta_capex",
            "cost_delta_opex",
            "new_end_date",
            "schedule_delta_days",
            "scope_impact",
            "quality_impact",
        ]
        widgets = {"new_end_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A change request stays on its project.
            self.fields["project"].queryset = Project.objects.filter(pk=self.instance.project_id)
            self.fields["project"].disabled = True
        else:
            self.fields["project"].queryset = projects_open_to(self.user, ChangeRequest)

    def clean(self):
        cleaned = super().clean()
        if self.fields["project"].disabled:
            cleaned.pop("project", None)
        return cleaned


class RiskPolicyForm(forms.ModelForm):
    class Meta:
        model = RiskPolicy
        fields = ["escalation_threshold"]


# --- workflow steps -----------------------------------------------------------------------


class StepForm(forms.Form):
    """What a workflow step asks (a note, a reason...). Whether it may be done, in this state
    and with this content, is the service's answer: the form only reads the fields."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class StepTextField(forms.CharField):
    """A text the step's service requires: marked required, but left to the service to
    refuse, so that a step the record's state forbids says so before its content is read."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
        super().__init__(required=True, **kwargs)

    def validate(self, value):
        pass


def note_field(label, help_text=""):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RiskEscalateForm(StepForm):
    escalation_note = note_field(
        _("Note for the steering committee"), _("Optional: what the committee should know.")
    )


class RiskCloseForm(StepForm):
    closure_note = StepTextField(label=_("Why is the risk closed?"))


class RiskOccurredForm(StepForm):
    closure_note = note_field(_("What happened"))
    raise_issue = forms.BooleanField(
        label=_("Open an issue"),
        required=False,
        initial=True,
        help_text=_("Same scope, owner and description; severity from the impact."),
    )


class IssueResolveForm(StepForm):
    resolution = StepTextField(label=_("Resolution"))


class DecisionTakeForm(StepForm):
    outcome = StepTextField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}))
    decided_by = forms.ModelChoiceField(
        label=_("Decided by"),
        queryset=users_with_role(Role.PMO_MANAGER, Role.EXECUTIVE),
        required=False,
        help_text=_("A PMO manager or an executive; you, when left empty."),
    )
    decided_on = forms.DateField(label=_("Decided on"), required=False, widget=DateInput())
    committee = forms.CharField(
        label=_("Steering committee"),
        max_length=200,
        required=False,
        help_text=_("The meeting it was taken in, if any."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate
        if self.user is not None and may_decide(self.user):
            self.fields["decided_by"].initial = self.user.pk


class ChangeApproveForm(StepForm):
    decision_reason = note_field(_("Comment"), _("Optional."))


class ChangeRejectForm(StepForm):
    decision_reason = StepTextField(label=_("Reason for the rejection"))
