"""The settings page of API tokens (PMO managers)."""

from django.urls import path

from pmo import views_tokens

app_name = "tokens"

urlpatterns = [
    path("", views_tokens.TokenListView.as_view(), name="token_list"),
    path("new/", views_tokens.TokenCreateView.as_view(), name="token_create"),
    path("<int:pk>/revoke/", views_tokens.TokenRevokeView.as_view(), name="token_revoke"),
]
