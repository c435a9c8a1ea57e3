"""Root URL configuration: pages, the REST API under /api/v1/, schema, docs, health."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from pmo import views_audit, views_tokens
from pmo.health import healthz
from pmo.login import ThrottledAdminAuthenticationForm, ThrottledAuthenticationForm
from pmo.login import ThrottledObtainTokenView as ObtainTokenView
from portfolio.api.urls import router as portfolio_router
from projects.api.urls import router as projects_router
from reporting import views as reporting_views
from reporting.api import router as reporting_router
from risks.api.urls import router as risks_router

# The admin's sign-in is another door to the same accounts: behind the same throttle.
admin.site.login_form = ThrottledAdminAuthenticationForm

api_router = DefaultRouter()
for app_router in (portfolio_router, projects_router, risks_router, reporting_router):
    api_router.registry.extend(app_router.registry)

# A path under /api/ that no route matches answers JSON like the API's own 404s.
handler404 = "pmo.api.exceptions.page_not_found"

urlpatterns = [
    path("", reporting_views.HomeView.as_view(), name="home"),
    path("healthz", healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html",
            redirect_authenticated_user=True,
            authentication_form=ThrottledAuthenticationForm,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("portfolio.urls")),
    path("", include("projects.urls")),
    path("", include("risks.urls")),
    path("", include("reporting.urls")),
    path("settings/tokens/", include("pmo.urls_tokens")),
    path("account/api-keys/", views_tokens.MyTokensView.as_view(), name="my_tokens"),
    path(
        "account/api-keys/<int:pk>/revoke/",
        views_tokens.MyTokenRevokeView.as_view(),
        name="my_token_revoke",
    ),
    path("api/v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("api/v1/", include(api_router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Its start-up script is inline: the CSP is relaxed for this path alone (CSP_PATH_OVERRIDES).
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("audit/", include((views_audit, "audit"))),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
