"""API of projects and milestones."""

from pmo.api.viewsets import ServiceModelViewSet
from projects import selectors, services
from projects.api.serializers import MilestoneSerializer, ProjectSerializer
from projects.filtersets import MilestoneFilterSet, ProjectFilterSet


class ProjectViewSet(ServiceModelViewSet):
    """Projects with their baseline, forecast and contributions to strategic objectives."""

    queryset = selectors.project_detail()
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    create_service = services.project_create
    update_service = services.project_update


class MilestoneViewSet(ServiceModelViewSet):
    """Milestones of projects: baseline, forecast and actual dates."""

    queryset = selectors.milestone_list()
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilterSet
    parent_field = "project"
    create_service = services.milestone_create
    update_service = services.milestone_update
