from rest_framework.routers import SimpleRouter

from portfolio.api import views

router = SimpleRouter()
router.register("objectives", views.StrategicObjectiveViewSet)
router.register("portfolios", views.PortfolioViewSet)
router.register("programmes", views.ProgrammeViewSet)
# Resource pool and envelopes: resources, resource-capacities, portfolio-envelopes
router.register("resources", views.ResourceViewSet)
router.register("resource-capacities", views.ResourceCapacityViewSet)
router.register("portfolio-envelopes", views.PortfolioEnvelopeViewSet)
