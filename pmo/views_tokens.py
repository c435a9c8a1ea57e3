"""The settings page of API tokens: the PMO lists, creates and revokes the integrations' tokens.

A new key is shown once, in the answer to the form that created it: never in a URL (no
redirect to a page carrying it), never in the session or a message, never in a log.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from pmo.exceptions import WorkflowError
from pmo.forms_tokens import PersonalTokenForm, TokenCreateForm
from pmo.models import ApiToken, TokenScope
from pmo.rules import can
from pmo.tokens import token_create, token_revoke, token_state
from pmo.views import RuleRequiredMixin, error_map

STATE_LABELS = {
    "active": gettext_lazy("Active"),
    "expired": gettext_lazy("Expired"),
    "revoked": gettext_lazy("Revoked"),
}


def token_rows(queryset=None) -> list[dict]:
    """Each token with its state, the people it names read in the same query."""
    now = timezone.now()
    tokens = (queryset if queryset is not None else ApiToken.objects.all()).select_related(
        "user", "created_by", "revoked_by"
    )
    labels = dict(TokenScope.choices)
    return [
        {
            "token": token,
            "state": token_state(token, now),
            "state_label": STATE_LABELS[token_state(token, now)],
            "scopes": [labels.get(scope, scope) for scope in token.scopes],
        }
        for token in tokens
    ]


class TokenListView(RuleRequiredMixin, TemplateView):
    """Every API token: whose, what it may do, when it ends, when and where it was last used."""

    model = ApiToken
    template_name = "pmo/tokens/token_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("API tokens")
        context["rows"] = token_rows()
        context["can_add"] = can(self.request.user, "add", ApiToken)
        context["can_revoke"] = can(self.request.user, "revoke", ApiToken)
        return context


class TokenCreateView(RuleRequiredMixin, FormView):
    """Create an integration token; the answer shows its key, once."""

    model = ApiToken
    permission_action = "add"
    form_class = TokenCreateForm
    template_name = "pmo/tokens/token_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("New API token")
        return context

    def form_valid(self, form):
        try:
            with transaction.atomic():
                token, key = token_create(
                    actor=self.request.user,
                    kind=ApiToken.Kind.INTEGRATION,
                    **form.service_data(),
                )
        except ValidationError as error:
            error_map(form, error)
            return self.form_invalid(form)
        return key_shown_once(self.request, token, key, back=reverse("tokens:token_list"))


def key_shown_once(request, token, key, *, back):
    """The one page that shows a new key: kept by no cache, reached by no URL."""
    response = TemplateResponse(
        request,
        "pmo/tokens/token_created.html",
        {"title": _("Token created"), "token": token, "key": key, "back": back},
    )
    # The key must not be kept by a browser's or a proxy's cache either.
    add_never_cache_headers(response)
    return response


class TokenRevokeView(RuleRequiredMixin, View):
    """Revoke a token (POST, after the page asked to confirm)."""

    model = ApiToken
    permission_action = "revoke"
    http_method_names = ["post"]

    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk)
        try:
            token_revoke(token, actor=request.user)
        except WorkflowError as error:
            # The list again, saying why: nothing to do, the token is already refused.
            messages.error(request, error.message)
            view = TokenListView(request=request, args=(), kwargs={})
            return view.render_to_response(view.get_context_data(), status=409)
        messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
        return HttpResponseRedirect(reverse("tokens:token_list"))


class MyTokensView(RuleRequiredMixin, TemplateView):
    """A person's own API keys: those obtained with their password or made here; each can be
    revoked at once, and a new one is shown once."""

    model = ApiToken
    permission_action = "keep_own"
    template_name = "pmo/tokens/my_tokens.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("My API keys")
        context["rows"] = token_rows(
            ApiToken.objects.filter(user=self.request.user, kind=ApiToken.Kind.PERSONAL)
        )
        context.setdefault("form", PersonalTokenForm())
        return context

    def post(self, request):
        form = PersonalTokenForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    token, key = token_create(
                        actor=request.user,
                        kind=ApiToken.Kind.PERSONAL,
                        name=form.cleaned_data["name"],
                    )
            except ValidationError as error:
                error_map(form, error)
            else:
                return key_shown_once(request, token, key, back=reverse("my_tokens"))
        return self.render_to_response(self.get_context_data(form=form))


class MyTokenRevokeView(RuleRequiredMixin, View):
    """Revoke one of one's own personal keys; anyone else's is not found."""

    model = ApiToken
    permission_action = "keep_own"
    http_method_names = ["post"]

    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user, kind=ApiToken.Kind.PERSONAL)
        try:
            token_revoke(token, actor=request.user)
        except WorkflowError as error:
            messages.error(request, error.message)
            view = MyTokensView(request=request, args=(), kwargs={})
            return view.render_to_response(view.get_context_data(), status=409)
        messages.success(request, _("Key %(name)s revoked.") % {"name": token.name})
        return HttpResponseRedirect(reverse("my_tokens"))
