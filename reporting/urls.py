from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("reporting/compliance/", views.CompliancePageView.as_view(), name="compliance"),
]
