from rest_framework.routers import SimpleRouter

from projects.api import closure as closure_api
from projects.api import finance, staffing, views
from projects.api import gates as gate_api
from projects.api import intake as intake_api
from projects.api import lessons as lesson_api
from projects.api import scoring as scoring_api
from projects.api.finance_figures import OverrunAlertViewSet

router = SimpleRouter()
router.register("projects", views.ProjectViewSet)
router.register("milestones", views.MilestoneViewSet)
router.register("status-reports", views.StatusReportViewSet)
# Finance: budget-lines, cost-entries (projects.api.finance)
router.register("budget-lines", finance.BudgetLineViewSet)
router.register("cost-entries", finance.CostEntryViewSet)
router.register("overrun-alerts", OverrunAlertViewSet)
# Staffing: allocations (projects.api.staffing)
router.register("allocations", staffing.AllocationViewSet)
# Lessons learned: lessons (+ suggested/), lesson-feedback (projects.api.lessons)
router.register("lessons", lesson_api.LessonViewSet)
router.register("lesson-feedback", lesson_api.LessonFeedbackViewSet)
# Strategic scoring: scoring-criteria, project-scores, scenarios (projects.api.scoring)
router.register("scoring-criteria", scoring_api.ScoringCriterionViewSet)
router.register("project-scores", scoring_api.ProjectScoreViewSet)
router.register("scenarios", scoring_api.ScenarioViewSet)
# Intake and closure: project-requests (+ submit/withdraw/accept/reject), closure-reports
router.register("project-requests", intake_api.ProjectRequestViewSet)
router.register("closure-reports", closure_api.ClosureReportViewSet)
# Stage gates: gate-reviews (create = review), gate-templates (projects.api.gates)
router.register("gate-reviews", gate_api.GateReviewViewSet)
router.register("gate-templates", gate_api.GateTemplateViewSet)
