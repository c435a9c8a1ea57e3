from rest_framework.routers import SimpleRouter

from projects.api import finance, staffing, views
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
