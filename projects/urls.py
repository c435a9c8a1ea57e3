from django.urls import path

from projects import views
from projects.views import closure as closure_views
from projects.views import finance, overview, staffing
from projects.views import gates as gate_views
from projects.views import intake as intake_views
from projects.views import lessons as lesson_views
from projects.views import scoring as scoring_views

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
    # Finance: budget lines, cost entries, imports (projects.views.finance)
    path("finance/budget-lines/", finance.BudgetLineListView.as_view(), name="budgetline_list"),
    path(
        "finance/budget-lines/new/",
        finance.BudgetLineEditView.as_view(),
        name="budgetline_create",
    ),
    path(
        "finance/budget-lines/<int:pk>/edit/",
        finance.BudgetLineEditView.as_view(),
        name="budgetline_edit",
    ),
    path("finance/cost-entries/", finance.CostEntryListView.as_view(), name="costentry_list"),
    path(
        "finance/cost-entries/new/",
        finance.CostEntryCreateView.as_view(),
        name="costentry_create",
    ),
    path(
        "finance/cost-entries/<int:pk>/",
        finance.CostEntryDetailView.as_view(),
        name="costentry_detail",
    ),
    path("finance/import/", finance.CostImportView.as_view(), name="cost_import"),
    path(
        "finance/import/template.<str:format>",
        finance.CostImportTemplateView.as_view(),
        name="cost_import_template",
    ),
    path(
        "finance/import/<uuid:token>/",
        finance.CostImportPreviewView.as_view(),
        name="cost_import_preview",
    ),
    # Finance overview: overrun alerts, portfolio finance (projects.views.overview)
    path("finance/overruns/", overview.OverrunAlertListView.as_view(), name="overrun_list"),
    # Staffing: allocations, capacity heat map (projects.views.staffing)
    path("resources/capacity/", staffing.CapacityView.as_view(), name="capacity"),
    path("resources/allocations/", staffing.AllocationListView.as_view(), name="allocation_list"),
    path(
        "resources/allocations/new/",
        staffing.AllocationEditView.as_view(),
        name="allocation_create",
    ),
    path(
        "resources/allocations/<int:pk>/edit/",
        staffing.AllocationEditView.as_view(),
        name="allocation_edit",
    ),
    path(
        "projects/<int:pk>/staffing/",
        staffing.ProjectStaffingView.as_view(),
        name="project_staffing",
    ),
    # Lessons learned: library, capture, feedback on suggestions (projects.views.lessons)
    path("lessons/", lesson_views.LessonListView.as_view(), name="lesson_list"),
    path("lessons/new/", lesson_views.LessonEditView.as_view(), name="lesson_create"),
    path(
        "lessons/feedback/",
        lesson_views.LessonFeedbackListView.as_view(),
        name="lessonfeedback_list",
    ),
    path("lessons/<int:pk>/", lesson_views.LessonDetailView.as_view(), name="lesson_detail"),
    path("lessons/<int:pk>/edit/", lesson_views.LessonEditView.as_view(), name="lesson_edit"),
    path("lessons/<int:pk>/delete/", lesson_views.LessonDeleteView.as_view(), name="lesson_delete"),
    path(
        "lessons/<int:pk>/feedback/",
        lesson_views.LessonFeedbackSetView.as_view(),
        name="lesson_feedback_set",
    ),
    # Strategic alignment: criteria, scores, ranking, cut-line scenarios (projects.views.scoring)
    path("prioritisation/", scoring_views.PrioritisationView.as_view(), name="prioritisation"),
    path("portfolios/<int:pk>/criteria/", scoring_views.CriteriaView.as_view(), name="criteria"),
    path("portfolios/<int:pk>/ranking/", scoring_views.RankingView.as_view(), name="ranking"),
    path(
        "portfolios/<int:pk>/scenarios/",
        scoring_views.ScenarioListView.as_view(),
        name="scenario_list",
    ),
    path(
        "portfolios/<int:pk>/scenarios/new/",
        scoring_views.ScenarioEditView.as_view(),
        name="scenario_create",
    ),
    path(
        "portfolios/<int:pk>/scenarios/compare/",
        scoring_views.ScenarioCompareView.as_view(),
        name="scenario_compare",
    ),
    path(
        "portfolios/<int:pk>/scenarios/<int:scenario_pk>/",
        scoring_views.ScenarioDetailView.as_view(),
        name="scenario_detail",
    ),
    path(
        "portfolios/<int:pk>/scenarios/<int:scenario_pk>/edit/",
        scoring_views.ScenarioEditView.as_view(),
        name="scenario_edit",
    ),
    path(
        "portfolios/<int:pk>/scenarios/<int:scenario_pk>/recompute/",
        scoring_views.ScenarioRecomputeView.as_view(),
        name="scenario_recompute",
    ),
    path(
        "portfolios/<int:pk>/scenarios/<int:scenario_pk>/delete/",
        scoring_views.ScenarioDeleteView.as_view(),
        name="scenario_delete",
    ),
    path(
        "projects/<int:pk>/scores/",
        scoring_views.ProjectScoresView.as_view(),
        name="project_scores",
    ),
    # Stage gates: review, history, templates (projects.views.gates)
    path("gates/", gate_views.GateReviewListView.as_view(), name="gatereview_list"),
    path("projects/<int:pk>/gate/", gate_views.GateReviewView.as_view(), name="gate_review"),
    path("settings/gates/", gate_views.GateTemplateSettingsView.as_view(), name="gate_templates"),
    # Intake: project requests (launch notes) and their review (projects.views.intake)
    path("requests/", intake_views.RequestListView.as_view(), name="request_list"),
    path("requests/new/", intake_views.RequestEditView.as_view(), name="request_create"),
    path("requests/<int:pk>/", intake_views.RequestDetailView.as_view(), name="request_detail"),
    path("requests/<int:pk>/edit/", intake_views.RequestEditView.as_view(), name="request_edit"),
    path(
        "requests/<int:pk>/submit/",
        intake_views.RequestSubmitView.as_view(),
        name="request_submit",
    ),
    path(
        "requests/<int:pk>/withdraw/",
        intake_views.RequestWithdrawView.as_view(),
        name="request_withdraw",
    ),
    path(
        "requests/<int:pk>/accept/",
        intake_views.RequestAcceptView.as_view(),
        name="request_accept",
    ),
    path(
        "requests/<int:pk>/reject/",
        intake_views.RequestRejectView.as_view(),
        name="request_reject",
    ),
    # Closure report of a project (projects.views.closure)
    path(
        "projects/<int:pk>/closure/",
        closure_views.ClosureReportView.as_view(),
        name="closure_report",
    ),
]
