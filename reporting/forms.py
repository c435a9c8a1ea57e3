"""Forms of the reporting pages."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from pmo.forms import DateInput
from portfolio.models import Portfolio
from projects import weeks


class ComplianceFilterForm(forms.Form):
    """The week (any day of it) and the portfolio the compliance page is about."""

    week = forms.DateField(
        label=_("Week"),
        required=False,
        widget=DateInput(),
        help_text=_("Any day of the week; empty for the last week past its deadline."),
    )
    portfolio = forms.ModelChoiceField(
        label=_("Portfolio"),
        queryset=Portfolio.objects.order_by("name"),
        required=False,
        empty_label=_("All portfolios"),
    )

    def __init__(self, *args, latest_week: datetime.date, **kwargs):
        self.latest_week = latest_week
        super().__init__(*args, **kwargs)

    def clean_week(self) -> datetime.date | None:
        day = self.cleaned_data.get("week")
        if day is None:
            return None
        monday = weeks.monday_of(day)
        if monday > self.latest_week:
            raise forms.ValidationError(_("This week has not started yet."))
        return monday
