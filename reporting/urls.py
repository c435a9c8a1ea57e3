from django.urls import path

from reporting import views, views_alerts, views_summary

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
]
