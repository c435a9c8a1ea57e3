from rest_framework.routers import SimpleRouter

from portfolio.api import views

router = SimpleRouter()
router.register("objectives", views.StrategicObjectiveViewSet)
router.register("portfolios", views.PortfolioViewSet)
router.register("programmes", views.ProgrammeViewSet)
