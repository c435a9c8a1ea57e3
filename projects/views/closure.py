"""The closure report page of a project: the report and its figures against the baseline,
and, for its manager or the PMO while the project is closing and the report not approved,
the form to write it. Saving anywhere else answers 409 with the reason.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View

from pmo.exceptions import CONCURRENT_CONFLICT_MESSAGE, WorkflowError
from pmo.rules import can
from pmo.views import RuleRequiredMixin, error_map
from projects.choices import Phase
from projects.forms.closure import ClosureReportForm
from projects.models import ClosureReport, Project
from projects.selectors.intake import closure_figures, closure_report_list
from projects.services import closure as services


def may_write_closure(user, project: Project, report: ClosureReport | None) -> bool:
    """Whether ``user`` may write the closure report of ``project`` now."""
    if project.phase != Phase.CLOSING or (report is not None and report.approved_on):
        return False
    if report is None:
        return can(user, "add", ClosureReport, parent=project)
    return can(user, "change", report)


class ClosureReportView(RuleRequiredMixin, View):
    model = ClosureReport
    template_name = "projects/closure/closure_report.html"

    def objects(self, pk):
        project = get_object_or_404(Project.objects.select_related("portfolio"), pk=pk)
        report = closure_report_list().filter(project=project).first()
        return project, report

    def get(self, request, pk):
        project, report = self.objects(pk)
        form = None
        if may_write_closure(request.user, project, report):
            form = ClosureReportForm(instance=report, user=request.user)
        return self.page(project, report, form)

    def post(self, request, pk):
        project, report = self.objects(pk)
        if report is None:
            allowed = can(request.user, "add", ClosureReport, parent=project)
        else:
            allowed = can(request.user, "change", report)
        if not allowed:
            raise PermissionDenied
        instance = (
            ClosureReport.objects.get(pk=report.pk)
            if report is not None
            else ClosureReport(project=project)
        )
        form = ClosureReportForm(request.POST, instance=instance, user=request.user)
        if not form.is_valid():
            return self.page(project, report, form, status=400)
        try:
            with transaction.atomic():
                if report is None:
                    services.closure_report_create(
                        actor=request.user, project=project, **form.cleaned_data
                    )
                else:
                    services.closure_report_update(report, actor=request.user, **form.cleaned_data)
        except WorkflowError as error:
            messages.error(request, error.message)
            return self.page(project, report, None, status=409)
        except ValidationError as error:
            error_map(form, error)
            return self.page(project, report, form, status=400)
        except IntegrityError:
            form.add_error(None, CONCURRENT_CONFLICT_MESSAGE)
            return self.page(project, report, form, status=409)
        messages.success(request, _("Closure report saved."))
        return HttpResponseRedirect(reverse("projects:closure_report", args=[project.pk]))

    def page(self, project, report, form, *, status=200):
        context = {
            "project": project,
            "report": report,
            "form": form,
            "figures": closure_figures(project, report),
            "title": _("Closure report"),
        }
        return render(self.request, self.template_name, context, status=status)
