"""Signing in behind the login throttle: the sign-in page's and the admin's forms, and the
API's token endpoint (see pmo/throttling.py for the counters)."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.response import Response

from pmo.api.auth import CredentialsSerializer, ObtainTokenView
from pmo.throttling import (
    AnonRateThrottle,
    client_ip,
    lockout_message,
    login_lockout_remaining,
    record_login_failure,
    reset_login_failures,
)


class ThrottledLoginMixin:
    """An authentication form that refuses while locked out, without checking the password.

    The answer is the same whether the account exists or not: the counters are kept per
    username typed, so they say nothing about which usernames are real.
    """

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        remaining = login_lockout_remaining(username, ip)
        if remaining:
            raise forms.ValidationError(lockout_message(remaining), code="throttled")
        try:
            cleaned_data = super().clean()
        except forms.ValidationError:
            locked_for = record_login_failure(username, ip)
            if locked_for:
                raise forms.ValidationError(lockout_message(locked_for), code="throttled") from None
            raise
        reset_login_failures(username)
        return cleaned_data


class ThrottledAuthenticationForm(ThrottledLoginMixin, AuthenticationForm):
    """The sign-in page's form."""


class ThrottledAdminAuthenticationForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's sign-in form: another door to the same accounts."""


def locked_out(seconds: int) -> Throttled:
    """A 429 saying what the sign-in page says, with ``Retry-After``."""
    # Given ``wait``, DRF would append its own "Expected available in N seconds." to ours.
    exc = Throttled(detail=lockout_message(seconds))
    exc.wait = seconds
    return exc


# ------------------------------------------------------------------------------
# The API's token endpoint: the same login throttling, and the anonymous rate
# ------------------------------------------------------------------------------
class ThrottledObtainTokenView(ObtainTokenView):
    """The token endpoint behind the login throttle.

    A locked-out try answers 429 with ``Retry-After`` (not 400): it is "wait", not "wrong
    credentials", and an integration's HTTP client knows to back off on a 429. The failure
    that starts the lockout already answers 429.
    """

    # The anonymous rate, on top of the login throttle.
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        request=CredentialsSerializer,
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            429: OpenApiResponse(description="Too many failed attempts; retry later."),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        data = request.data if isinstance(request.data, dict) else {}
        username = data.get("username")
        username = username if isinstance(username, str) else ""
        ip = client_ip(request)
        remaining = login_lockout_remaining(username, ip)
        if remaining:
            raise locked_out(remaining)
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            locked_for = record_login_failure(username, ip)
            if locked_for:
                raise locked_out(locked_for)
            raise ValidationError(serializer.errors)
        reset_login_failures(username)
        return Response({"token": self.issue_token(serializer.validated_data["user"])})
