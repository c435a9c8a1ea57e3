from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project_list"),
    path("projects/new/", views.ProjectEditView.as_view(), name="project_create"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/edit/", views.ProjectEditView.as_view(), name="project_edit"),
    path("milestones/", views.MilestoneListView.as_view(), name="milestone_list"),
    path("milestones/new/", views.MilestoneEditView.as_view(), name="milestone_create"),
    path("milestones/<int:pk>/", views.MilestoneDetailView.as_view(), name="milestone_detail"),
    path("milestones/<int:pk>/edit/", views.MilestoneEditView.as_view(), name="milestone_edit"),
    path("my-week/", views.MyWeekView.as_view(), name="my_week"),
    path(
        "projects/<int:pk>/status/<str:week>/",
        views.StatusEditView.as_view(),
        name="status_edit",
    ),
    path("status-reports/<int:pk>/", views.StatusDetailView.as_view(), name="status_detail"),
    path("status-reports/<int:pk>/amend/", views.StatusAmendView.as_view(), name="status_amend"),
    path(
        "settings/reporting/",
        views.ReportingCalendarView.as_view(),
        name="reporting_calendar",
    ),
]
