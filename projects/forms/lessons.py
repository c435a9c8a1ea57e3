"""Forms of lessons learned and of the feedback on a suggested lesson."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pmo.forms import UserAwareModelForm
from pmo.roles import is_pmo_manager
from projects.choices import ENDED_PHASES, SuggestionState
from projects.models import Lesson, Milestone, Project
from projects.services.lessons import LESSON_FIELDS


def projects_open_to_lessons(user) -> QuerySet[Project]:
    """The projects ``user`` may add a lesson to, as the rules say: every project for the
    PMO (closed ones too), the not-ended projects they manage for a project manager."""
    projects = Project.objects.order_by("code")
    if is_pmo_manager(user):
        return projects
    return projects.filter(project_manager=user).exclude(phase__in=ENDED_PHASES)


class GateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.project.code} · {obj.name}"


class LessonForm(UserAwareModelForm):
    """A lesson; ``tags`` typed as comma-separated words. The service checks the gate."""

    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Comma-separated words, e.g. data migration, vendor, testing."),
    )

    class Meta:
        model = Lesson
        fields = list(LESSON_FIELDS)
        field_classes = {"gate": GateChoiceField}
        widgets = {
            "what_happened": forms.Textarea(attrs={"rows": 4}),
            "recommendation": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        projects = projects_open_to_lessons(self.user)
        if self.instance.pk:
            # A lesson stays on its project.
            self.fields["project"].disabled = True
            projects = Project.objects.filter(pk=self.instance.project_id)
            self.initial["tags"] = ", ".join(tag.name for tag in self.instance.tags.all())
        self.fields["project"].queryset = projects
        self.fields["gate"].queryset = (
            Milestone.objects.filter(is_gate=True, project__in=projects)
            .select_related("project")
            .order_by("project__code", "baseline_date")
        )
        self.fields["gate"].help_text = _("Only for a lesson captured at a gate of its project.")


class LessonFeedbackForm(forms.Form):
    """Applied or not relevant, on a lesson suggested to a project, with an optional note."""

    project = forms.ModelChoiceField(queryset=Project.objects.all())
    state = forms.ChoiceField(choices=SuggestionState.choices)
    note = forms.CharField(required=False, max_length=300)
