"""Token issuing: username and password in, a personal API token out."""

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView


class CredentialsSerializer(serializers.Serializer):
    """A username and its password; ``user`` once they match an active account."""

    username = serializers.CharField(label=gettext_lazy("Username"), write_only=True)
    password = serializers.CharField(
        label=gettext_lazy("Password"),
        style={"input_type": "password"},
        trim_whitespace=False,
        write_only=True,
    )

    def validate(self, attrs):
        user = authenticate(
            request=self.context.get("request"),
            username=attrs["username"],
            password=attrs["password"],
        )
        # An inactive account is refused by the backend: the same answer as a wrong password.
        if user is None:
            raise serializers.ValidationError(
                _("Unable to log in with provided credentials."), code="authorization"
            )
        attrs["user"] = user
        return attrs


class ObtainTokenView(APIView):
    """Issue a personal API token to the user whose credentials are posted.

    Each call issues a new key (only its hash is kept, so an earlier key cannot be given
    again); it acts as the user, with every scope, for 90 days.
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = CredentialsSerializer

    def get_serializer(self, *args, **kwargs):
        return self.serializer_class(*args, context={"request": self.request}, **kwargs)

    def issue_token(self, user) -> str:
        from pmo.models import ApiToken
        from pmo.tokens import token_create

        with transaction.atomic():
            _token, key = token_create(
                actor=user,
                name=_("Obtained with a password"),
                kind=ApiToken.Kind.PERSONAL,
            )
        return key

    @extend_schema(
        request=CredentialsSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"token": self.issue_token(serializer.validated_data["user"])})
