"""The form of the PMO's computed-health thresholds."""

from django import forms

from reporting.models import HealthPolicy


class HealthPolicyForm(forms.ModelForm):
    class Meta:
        model = HealthPolicy
        fields = [
            "cost_amber_percent",
            "cost_red_percent",
            "delay_amber_days",
            "delay_red_days",
            "overdue_milestones_amber",
            "overdue_milestones_red",
            "risk_amber_score",
            "risk_red_score",
        ]
