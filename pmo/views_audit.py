"""Pages of the audit trail: every change for the PMO, the history of one record (or of a
project and all its records) for whoever may see it. Read-only: GET alone is answered."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin

from pmo import history
from pmo.filtersets import AuditFilterSet
from pmo.roles import is_pmo_manager
from pmo.tables import AuditTable

PAGE_SIZE = 25


class ReadOnlyMixin(LoginRequiredMixin):
    """Login first (redirect); only reading: any other method is refused (405)."""

    http_method_names = ["get", "head", "options"]


class AuditListView(ReadOnlyMixin, SingleTableMixin, TemplateView):
    """Every change across the governed records, newest first, for the PMO managers."""

    table_class = AuditTable
    paginate_by = PAGE_SIZE
    template_name = "pmo/audit/list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_pmo_manager(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        if self.request.htmx:
            return ["pmo/object_list_results.html"]
        return [self.template_name]

    def get_table_data(self):
        self.filterset = AuditFilterSet(self.request.GET, request=self.request)
        return self.filterset.feed()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["title"] = _("Audit trail")
        context["results_template_name"] = "pmo/object_list_results.html"
        return context


class RecordHistoryView(ReadOnlyMixin, TemplateView):
    """Every version of one record with its field-level differences; for a project, the
    changes of the project and of every governed record that belongs to it."""

    template_name = "pmo/audit/record.html"

    def get(self, request, *args, **kwargs):
        model = history.governed_model(kwargs["model"])
        if model is None:
            raise Http404
        record = model._default_manager.filter(pk=kwargs["pk"]).first()
        if record is None:
            if not history.record_ever_existed(model, kwargs["pk"]):
                raise Http404
            if not history.may_see_deleted_history(request.user):
                raise PermissionDenied
        elif not history.may_see_history(request.user, record):
            raise PermissionDenied
        self.model, self.record = model, record
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pk = self.kwargs["pk"]
        whole_project = self.record is not None and self.model._meta.model_name == "project"
        feed = history.project_feed(pk) if whole_project else history.record_feed(self.model, pk)
        page = Paginator(feed, PAGE_SIZE).get_page(self.request.GET.get("page"))
        label = (
            str(self.record)
            if self.record is not None
            else _("%(model)s %(id)s (deleted)")
            % {"model": self.model._meta.verbose_name, "id": pk}
        )
        context.update(
            {
                "title": _("History of %(record)s") % {"record": label},
                "record": self.record,
                "record_label": label,
                "model_meta": self.model._meta,
                "whole_project": whole_project,
                "page": page,
                "changes": page.object_list,
            }
        )
        return context


# Included by the root configuration under /audit/, namespace "audit".
urlpatterns = [
    path("", AuditListView.as_view(), name="list"),
    path("<slug:model>/<int:pk>/", RecordHistoryView.as_view(), name="record"),
]
