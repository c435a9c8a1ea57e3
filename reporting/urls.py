from django.urls import path

from reporting import views, views_alerts, views_packs, views_summary

app_name = "reporting"

urlpatterns = [
    path("reporting/compliance/", views.CompliancePageView.as_view(), name="compliance"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path(
        "dashboard/executive/",
        views.ExecutiveDashboardView.as_view(),
        name="dashboard_executive",
    ),
    path(
        "dashboard/export.<str:format>",
        views.DashboardExportView.as_view(),
        name="dashboard_export",
    ),
    # Alerts and the health thresholds (reporting.views_alerts)
    path("alerts/", views_alerts.AlertListView.as_view(), name="alert_list"),
    path(
        "alerts/<int:pk>/acknowledge/",
        views_alerts.AlertAcknowledgeView.as_view(),
        name="alert_acknowledge",
    ),
    path("settings/health/", views_alerts.HealthPolicyView.as_view(), name="health_policy"),
    # The dashboard's summary band (reporting.views_summary)
    path(
        "dashboard/summary/",
        views_summary.DashboardSummaryView.as_view(),
        name="dashboard_summary",
    ),
    # Copil packs, their schedules and looks (reporting.views_packs)
    path("reporting/packs/", views_packs.PackListView.as_view(), name="pack_list"),
    path("reporting/packs/new/", views_packs.PackRequestView.as_view(), name="pack_request"),
    path("reporting/packs/panel/", views_packs.PackPanelView.as_view(), name="pack_panel"),
    path("reporting/packs/latest/", views_packs.LatestPacksView.as_view(), name="pack_latest"),
    path("reporting/packs/<int:pk>/", views_packs.PackDetailView.as_view(), name="pack_detail"),
    path("reporting/packs/<int:pk>/pdf/", views_packs.PackPdfView.as_view(), name="pack_pdf"),
    path("reporting/packs/<int:pk>/retry/", views_packs.PackRetryView.as_view(), name="pack_retry"),
    path("reporting/schedules/", views_packs.ScheduleListView.as_view(), name="schedule_list"),
    path(
        "reporting/schedules/new/",
        views_packs.ScheduleEditView.as_view(),
        name="schedule_create",
    ),
    path(
        "reporting/schedules/<int:pk>/",
        views_packs.ScheduleDetailView.as_view(),
        name="schedule_detail",
    ),
    path(
        "reporting/schedules/<int:pk>/edit/",
        views_packs.ScheduleEditView.as_view(),
        name="schedule_update",
    ),
    path(
        "reporting/schedules/<int:pk>/delete/",
        views_packs.ScheduleDeleteView.as_view(),
        name="schedule_delete",
    ),
    path("settings/packs/", views_packs.LookListView.as_view(), name="look_list"),
    path(
        "settings/packs/<int:portfolio_pk>/",
        views_packs.LookEditView.as_view(),
        name="look_edit",
    ),
]
