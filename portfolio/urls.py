from django.urls import path

from portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("objectives/", views.ObjectiveListView.as_view(), name="objective_list"),
    path("objectives/new/", views.ObjectiveEditView.as_view(), name="objective_create"),
    path("objectives/<int:pk>/", views.ObjectiveDetailView.as_view(), name="objective_detail"),
    path("objectives/<int:pk>/edit/", views.ObjectiveEditView.as_view(), name="objective_edit"),
    path("portfolios/", views.PortfolioListView.as_view(), name="portfolio_list"),
    path("portfolios/new/", views.PortfolioEditView.as_view(), name="portfolio_create"),
    path("portfolios/<int:pk>/", views.PortfolioDetailView.as_view(), name="portfolio_detail"),
    path("portfolios/<int:pk>/edit/", views.PortfolioEditView.as_view(), name="portfolio_edit"),
    path("programmes/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("programmes/new/", views.ProgrammeEditView.as_view(), name="programme_create"),
    path("programmes/<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.ProgrammeEditView.as_view(), name="programme_edit"),
    # Resource pool, monthly capacities, envelopes, finance policy
    path("resources/", views.ResourceListView.as_view(), name="resource_list"),
    path("resources/new/", views.ResourceEditView.as_view(), name="resource_create"),
    path("resources/<int:pk>/", views.ResourceDetailView.as_view(), name="resource_detail"),
    path("resources/<int:pk>/edit/", views.ResourceEditView.as_view(), name="resource_edit"),
    path(
        "resources/<int:pk>/capacity/",
        views.ResourceCapacitySetView.as_view(),
        name="resource_capacity_set",
    ),
    path(
        "resources/<int:pk>/capacity/clear/",
        views.ResourceCapacityClearView.as_view(),
        name="resource_capacity_clear",
    ),
    path("finance/envelopes/", views.EnvelopeListView.as_view(), name="envelope_list"),
    path("finance/envelopes/new/", views.EnvelopeEditView.as_view(), name="envelope_create"),
    path(
        "finance/envelopes/<int:pk>/edit/",
        views.EnvelopeEditView.as_view(),
        name="envelope_edit",
    ),
    path("settings/finance/", views.FinancePolicyView.as_view(), name="finance_policy"),
]
