"""Pages of stage gates: the review of the gate a project faces (PMO managers and
executives), the gate reviews across the portfolio, and the gate templates (PMO settings).

A project's gate history is a panel of its page (``projects.gates_panels``).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from pmo.exceptions import WorkflowError
from pmo.rules import can
from pmo.views import ObjectListView, RuleRequiredMixin, error_map
from projects.filtersets.gates import GateReviewFilterSet
from projects.forms.gates import GateReviewForm, GateTemplateForm
from projects.models import GateReview, GateTemplate, Project
from projects.selectors.gates import (
    gate_review_list,
    gate_template_for,
    gate_template_list,
    next_phase,
)
from projects.services import gates as services
from projects.tables.gates import GateReviewTable


class GateReviewListView(ObjectListView):
    """Every gate review of the portfolio, newest first."""

    model = GateReview
    filterset_class = GateReviewFilterSet
    table_class = GateReviewTable
    title = gettext_lazy("Gate reviews")

    def get_queryset(self):
        return gate_review_list()


class GateReviewView(RuleRequiredMixin, FormView):
    """Review the gate of the project's current phase: its checklist (a checkbox and an
    evidence link per item) and the decision. Approvers only (403 for the others)."""

    model = GateReview
    permission_action = "review"
    form_class = GateReviewForm
    template_name = "projects/gates/review_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.project = get_object_or_404(
            Project.objects.select_related("portfolio"), pk=kwargs["pk"]
        )
        self.template = gate_template_for(self.project)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["items"] = list(self.template.checklist) if self.template else []
        return kwargs

    def post(self, request, *args, **kwargs):
        if self.template is None:
            # Nothing to review: the page says why.
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            review = services.gate_review_record(
                actor=self.request.user, project=self.project, **form.cleaned_data
            )
        except ValidationError as error:
            error_map(form, error)
            return self.form_invalid(form)
        except WorkflowError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form, status=409)
        messages.success(
            self.request,
            _("%(gate)s: %(decision)s.")
            % {"gate": review.gate_name, "decision": review.get_decision_display()},
        )
        return HttpResponseRedirect(f"{self.project.get_absolute_url()}#gates")

    def form_invalid(self, form, status=400):
        return self.render_to_response(self.get_context_data(form=form), status=status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["project"] = self.project
        context["gate"] = self.template
        context["next_phase"] = next_phase(self.project.phase)
        context["title"] = _("Gate review: %(project)s") % {"project": self.project}
        context["reviews"] = gate_review_list().filter(project=self.project)
        return context


class GateTemplateSettingsView(RuleRequiredMixin, TemplateView):
    """The gates the PMO sets: one form per phase, each saved on its own."""

    model = GateTemplate
    permission_action = "change"
    template_name = "projects/gates/template_settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bound = kwargs.get("bound")
        rows = []
        for template in gate_template_list():
            if bound is not None and bound.prefix == template.phase:
                form = bound
            else:
                form = GateTemplateForm(
                    prefix=template.phase,
                    initial={"name": template.name, "checklist": "\n".join(template.checklist)},
                )
            rows.append((template, form))
        context["rows"] = rows
        context["title"] = _("Stage gates")
        return context

    def post(self, request, *args, **kwargs):
        template = get_object_or_404(GateTemplate, phase=request.POST.get("phase", ""))
        if not can(request.user, "change", template):
            raise PermissionDenied
        form = GateTemplateForm(request.POST, prefix=template.phase)
        if form.is_valid():
            try:
                services.gate_template_update(template, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                error_map(form, error)
            else:
                messages.success(
                    request, _("Saved %(object)s.") % {"object": form.cleaned_data["name"]}
                )
                return HttpResponseRedirect(
                    f"{reverse('projects:gate_templates')}#gate-{template.phase}"
                )
        return self.render_to_response(self.get_context_data(bound=form), status=400)
