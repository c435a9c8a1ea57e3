"""Pages of the reporting app: the home page, which fits the user's roles, and reporting
compliance."""

import datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.http import urlencode
from django.views.generic import TemplateView

from pmo.roles import has_any_role, is_project_manager
from portfolio.selectors import portfolio_list
from projects import weeks
from projects.choices import ACTIVE_PHASES, Phase
from projects.selectors import milestone_list, project_list
from projects.views import my_week_rows
from reporting import compliance
from reporting.forms import ComplianceFilterForm

UPCOMING_DAYS = 30


class HomeView(LoginRequiredMixin, TemplateView):
    """Home: the user's own projects and, for everyone with a role, the portfolios' shape."""

    template_name = "reporting/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["has_role"] = has_any_role(user)
        if not context["has_role"]:
            return context
        today = timezone.localdate()
        horizon = today + datetime.timedelta(days=UPCOMING_DAYS)
        if is_project_manager(user):
            context["my_week"] = my_week_rows(user)
            context["my_projects"] = (
                project_list()
                .filter(project_manager=user)
                .exclude(phase__in=[Phase.CLOSED, Phase.CANCELLED])
            )
            mine = Q(project__project_manager=user)
        else:
            mine = Q()
        open_milestones = (
            milestone_list()
            .filter(mine, actual_date__isnull=True)
            .annotate(expected=Coalesce("forecast_date", "baseline_date"))
        )
        context["overdue_milestones"] = open_milestones.filter(expected__lt=today).order_by(
            "expected"
        )[:10]
        context["upcoming_milestones"] = open_milestones.filter(
            expected__range=(today, horizon)
        ).order_by("expected")[:10]
        phase_counts = {
            (row["portfolio"], row["phase"]): row["n"]
            for row in project_list()
            .values("portfolio", "phase")
            .annotate(n=Count("pk"))
            .order_by()
        }
        portfolios = list(portfolio_list().filter(is_active=True))
        for portfolio in portfolios:
            portfolio.phase_row = [phase_counts.get((portfolio.pk, p), 0) for p in Phase.values]
            portfolio.active_count = sum(
                phase_counts.get((portfolio.pk, p), 0) for p in ACTIVE_PHASES
            )
        context["portfolios"] = portfolios
        context["phases"] = Phase.choices
        context["today"] = today
        return context


class CompliancePageView(LoginRequiredMixin, TemplateView):
    """Reporting compliance of a week (and portfolio): who submitted on time, late or not at
    all, by project manager, with the on-time rates. PMO managers and executives only."""

    template_name = "reporting/compliance.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not compliance.can_view_compliance(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        latest = compliance.latest_week(now)
        form = ComplianceFilterForm(self.request.GET or None, latest_week=latest)
        chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
        report = compliance.week_compliance(
            week=chosen.get("week"), portfolio=chosen.get("portfolio"), now=now
        )
        if not form.is_bound:
            form = ComplianceFilterForm(initial={"week": report.week}, latest_week=latest)
        portfolio = {"portfolio": report.portfolio.pk} if report.portfolio else {}
        context.update(
            form=form,
            report=report,
            rate_windows=compliance.RATE_WINDOWS,
            previous_url="?" + urlencode({"week": report.week - weeks.ONE_WEEK, **portfolio}),
            next_url=(
                "?" + urlencode({"week": report.week + weeks.ONE_WEEK, **portfolio})
                if report.week < latest
                else None
            ),
        )
        return context
