from django.urls import path

from risks import views

app_name = "risks"


def record_urls(prefix: str, name: str, list_view, detail_view, edit_view, steps=()) -> list:
    """The list, new, detail and edit pages of one kind of record, and its workflow steps
    (each ``<prefix><pk>/<step>/``, named after the step view)."""
    return [
        path(prefix, list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}new/", edit_view.as_view(), name=f"{name}_create"),
        path(f"{prefix}<int:pk>/", detail_view.as_view(), name=f"{name}_detail"),
        path(f"{prefix}<int:pk>/edit/", edit_view.as_view(), name=f"{name}_edit"),
        *(
            path(f"{prefix}<int:pk>/{step.name.split('_', 1)[1]}/", step.as_view(), name=step.name)
            for step in steps
        ),
    ]


urlpatterns = [
    *record_urls(
        "raid/risks/",
        "risk",
        views.RiskListView,
        views.RiskDetailView,
        views.RiskEditView,
        steps=(views.RiskEscalateView, views.RiskCloseView, views.RiskOccurredView),
    ),
    *record_urls(
        "raid/issues/",
        "issue",
        views.IssueListView,
        views.IssueDetailView,
        views.IssueEditView,
        steps=(views.IssueResolveView,),
    ),
    *record_urls(
        "raid/actions/",
        "action",
        views.ActionListView,
        views.ActionDetailView,
        views.ActionEditView,
    ),
    *record_urls(
        "raid/decisions/",
        "decision",
        views.DecisionListView,
        views.DecisionDetailView,
        views.DecisionEditView,
        steps=(views.DecisionTakeView, views.DecisionWithdrawView),
    ),
    *record_urls(
        "changes/",
        "change",
        views.ChangeRequestListView,
        views.ChangeRequestDetailView,
        views.ChangeRequestEditView,
        steps=(
            views.ChangeSubmitView,
            views.ChangeApproveView,
            views.ChangeRejectView,
            views.ChangeImplementView,
            views.ChangeWithdrawView,
        ),
    ),
    path("settings/risks/", views.RiskPolicyView.as_view(), name="risk_policy"),
]
