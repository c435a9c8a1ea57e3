"""Forms of the Copil pack pages: Generate now, a report schedule, a portfolio's pack look."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from pmo.forms import UserAwareModelForm
from pmo.roles import Role
from portfolio.models import Portfolio, Programme
from projects.choices import Phase
from projects.models import Project
from reporting.choices import ReportKind, ReportSection
from reporting.models import ReportLook, ReportSchedule

# The field naming the scope each kind of pack needs.
SCOPE_FIELD = {
    ReportKind.PORTFOLIO_PACK: "portfolio",
    ReportKind.PROGRAMME_PACK: "programme",
    ReportKind.PROJECT_FLASH: "project",
}


class PackRequestForm(forms.Form):
    """Generate now: the kind of pack, its scope (the field the kind needs) and the language.
    Posted from the Copil packs panel of a portfolio, programme or project page."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    portfolio = forms.ModelChoiceField(
        label=_("Portfolio"), queryset=Portfolio.objects.all(), required=False
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.all(), required=False
    )
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.all(), required=False
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind and not self.has_error(SCOPE_FIELD[kind]) and not cleaned.get(SCOPE_FIELD[kind]):
            self.add_error(SCOPE_FIELD[kind], _("Choose what the pack is about."))
        return cleaned

    def service_kwargs(self) -> dict:
        """The keyword arguments of ``report_run_request`` (the actor apart)."""
        data = self.cleaned_data
        field = SCOPE_FIELD[data["kind"]]
        scope = data[field]
        return {
            "kind": data["kind"],
            "portfolio": scope if field == "portfolio" else scope.portfolio,
            "programme": scope if field == "programme" else None,
            "project": scope if field == "project" else None,
            "language": data["language"],
        }


class ScheduleForm(UserAwareModelForm):
    """A report schedule: what pack, of which scope, when (cron in a time zone), in which
    language, for whom. The portfolio of a programme pack or a project flash is its scope's;
    the model's ``clean()`` says what is missing or unreadable."""

    recipients = forms.ModelMultipleChoiceField(
        label=_("Recipients"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Pilotage users with an email address."),
    )

    class Meta:
        model = ReportSchedule
        fields = [
            "name",
            "kind",
            "portfolio",
            "programme",
            "project",
            "cron",
            "time_zone",
            "language",
            "recipients",
            "extra_recipients",
            "attach_pdf",
            "is_active",
        ]
        widgets = {"extra_recipients": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(email="")
            # A service account reads no email.
            .exclude(groups__name=Role.INTEGRATION)
            .order_by("last_name", "first_name", "username")
        )
        # Taken from the programme or the project for those kinds (ScopedReport.clean).
        self.fields["portfolio"].required = False
        self.fields["portfolio"].help_text = _(
            "For a portfolio pack; a programme pack or a project flash takes its scope's."
        )
        self.fields["portfolio"].queryset = Portfolio.objects.order_by("name")
        self.fields["programme"].queryset = Programme.objects.order_by("code")
        self.fields["programme"].help_text = _("For a programme pack.")
        self.fields["project"].queryset = Project.objects.exclude(
            phase__in=[Phase.CLOSED, Phase.CANCELLED]
        ).order_by("code")
        self.fields["project"].help_text = _("For a project flash report.")
        if self.instance.pk is None:
            self.fields["recipients"].initial = []

    def clean(self):
        cleaned = super().clean()
        # The portfolio follows the scope (as the model's clean() does), set before the model
        # is validated, which refuses a schedule without a portfolio.
        kind = cleaned.get("kind")
        scope = cleaned.get(SCOPE_FIELD.get(kind, "portfolio"))
        if kind in (ReportKind.PROGRAMME_PACK, ReportKind.PROJECT_FLASH) and scope is not None:
            cleaned["portfolio"] = scope.portfolio
        return cleaned


class LookForm(UserAwareModelForm):
    """How a portfolio's packs look: title, logo, accent colour, marking, footer and the
    sections that appear."""

    sections = forms.MultipleChoiceField(
        label=_("Sections"),
        choices=ReportSection.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The parts of the pack that appear; the cover always does."),
    )

    class Meta:
        model = ReportLook
        fields = ["title", "logo", "accent_colour", "confidentiality", "footer", "sections"]
        widgets = {
            "accent_colour": forms.TextInput(
                attrs={"type": "color", "style": "width: 5rem; height: 2.4rem; padding: .15rem"}
            )
        }

    def service_data(self) -> dict:
        """The ``data`` of ``report_look_update``: the logo only when it changes (a new file,
        or cleared), the sections in the order of the pack."""
        data = dict(self.cleaned_data)
        logo = data.pop("logo", None)
        if logo is False:  # the clear checkbox
            data["logo"] = ""
        elif isinstance(logo, UploadedFile):
            data["logo"] = logo
        data["sections"] = [s for s in ReportSection.values if s in (data.get("sections") or [])]
        return data
