"""Pages of projects and milestones."""

from django.urls import reverse

from pmo.rules import can
from pmo.views import ObjectDetailView, ObjectEditView, ObjectListView
from projects import selectors, services
from projects.filtersets import MilestoneFilterSet, ProjectFilterSet
from projects.forms import MilestoneForm, ProjectForm
from projects.models import Milestone, Project
from projects.tables import MilestoneTable, ProjectTable


class ProjectListView(ObjectListView):
    model = Project
    filterset_class = ProjectFilterSet
    table_class = ProjectTable
    create_url_name = "projects:project_create"

    def get_queryset(self):
        return selectors.project_list()


class ProjectDetailView(ObjectDetailView):
    model = Project
    template_name = "projects/project_detail.html"

    def get_queryset(self):
        return selectors.project_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        context["milestones"] = list(project.milestones.all())
        context["can_add_milestone"] = can(self.request.user, "add", Milestone, parent=project)
        context["add_milestone_url"] = (
            reverse("projects:milestone_create") + f"?project={project.pk}"
        )
        return context


class ProjectEditView(ObjectEditView):
    model = Project
    form_class = ProjectForm
    template_name = "projects/project_form.html"
    create_service = services.project_create
    update_service = services.project_update


class MilestoneListView(ObjectListView):
    model = Milestone
    filterset_class = MilestoneFilterSet
    table_class = MilestoneTable
    create_url_name = "projects:milestone_create"

    def get_queryset(self):
        return selectors.milestone_list()


class MilestoneDetailView(ObjectDetailView):
    model = Milestone
    template_name = "projects/milestone_detail.html"

    def get_queryset(self):
        return selectors.milestone_list()


class MilestoneEditView(ObjectEditView):
    model = Milestone
    form_class = MilestoneForm
    parent_field = "project"
    create_service = services.milestone_create
    update_service = services.milestone_update

    def get_success_url(self):
        return self.object.project.get_absolute_url()
