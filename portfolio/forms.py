"""Forms of the portfolio structure."""

from django.contrib.auth import get_user_model

from pmo.forms import UserAwareModelForm
from pmo.roles import Role
from portfolio.models import Portfolio, Programme, StrategicObjective


def users_with_role(*roles):
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=roles)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class StrategicObjectiveForm(UserAwareModelForm):
    class Meta:
        model = StrategicObjective
        fields = ["code", "name", "description", "weight", "is_active"]


class PortfolioForm(UserAwareModelForm):
    class Meta:
        model = Portfolio
        fields = ["code", "name", "description", "owner", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_with_role(Role.PMO_MANAGER)


class ProgrammeForm(UserAwareModelForm):
    class Meta:
        model = Programme
        fields = ["code", "name", "portfolio", "director", "outcome", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["portfolio"].queryset = Portfolio.objects.filter(is_active=True)
        self.fields["director"].queryset = users_with_role(
            Role.PMO_MANAGER, Role.PROJECT_MANAGER, Role.EXECUTIVE
        )
