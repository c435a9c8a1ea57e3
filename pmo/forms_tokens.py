"""The form a PMO manager creates an integration token with."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pmo.forms import DateInput
from pmo.models import TokenScope
from pmo.tokens import (
    INTEGRATION_DEFAULT_LIFETIME,
    INTEGRATION_MAX_LIFETIME,
    integration_accounts,
)


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.first_name and obj.first_name != obj.username:
            return f"{obj.username} ({obj.display_name})"
        return obj.username


class TokenCreateForm(forms.Form):
    """Name, scopes, expiry and the account the token acts as (a new service account by
    default). The service checks again; the form says what is wrong next to the field."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses it, e.g. “SAP actuals nightly”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=TokenScope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one scope.")},
        help_text=_("What the token may do, within the rights of its account."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=DateInput(),
        help_text=_("The token stops working on this day; at most two years from today."),
    )
    user = AccountChoiceField(
        label=_("Account"),
        queryset=integration_accounts(),
        required=False,
        empty_label=_("A new service account, named after the token"),
        help_text=_("The Integration account the token acts as."),
    )

    def __init__(self, *args, user=None, **kwargs):
        self.actor = user
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            today = timezone.localdate()
            self.fields["expires_on"].initial = today + INTEGRATION_DEFAULT_LIFETIME
            self.fields["scopes"].initial = [TokenScope.READ]

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day <= today:
            raise forms.ValidationError(_("The expiry must be in the future."), code="past")
        if day > today + INTEGRATION_MAX_LIFETIME:
            raise forms.ValidationError(
                _("A token lives at most two years: choose an earlier expiry."), code="too_far"
            )
        return day

    def service_data(self) -> dict:
        """The keywords of :func:`pmo.tokens.token_create`."""
        data = self.cleaned_data
        expires_at = datetime.datetime.combine(
            data["expires_on"], datetime.time.min, tzinfo=timezone.get_current_timezone()
        )
        return {
            "name": data["name"],
            "scopes": data["scopes"],
            "expires_at": expires_at,
            "user": data.get("user"),
        }


class PersonalTokenForm(forms.Form):
    """A person's own key: a name to recognise it by; it has every right of its owner and
    lives 90 days."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Where you use it, e.g. “reporting notebook”."),
    )
