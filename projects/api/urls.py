from rest_framework.routers import SimpleRouter

from projects.api import finance, staffing, views
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
