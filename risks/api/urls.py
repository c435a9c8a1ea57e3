from rest_framework.routers import SimpleRouter

from risks.api import views

router = SimpleRouter()
router.register("risks", views.RiskViewSet)
router.register("issues", views.IssueViewSet)
router.register("actions", views.ActionViewSet)
router.register("decisions", views.DecisionViewSet)
router.register("change-requests", views.ChangeRequestViewSet)
