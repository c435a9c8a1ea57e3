"""The "Strategic score" panel of a project page, and the prioritisation links of a
portfolio page."""

from django.urls import reverse

from pmo.rules import can
from portfolio import panels as portfolio_panels
from projects import panels as project_panels
from projects.models import ProjectScore
from projects.selectors.scoring import project_score_summary


@project_panels.register("scoring", template_name="projects/scoring/panel.html", order=60)
def scoring_panel(request, project) -> dict:
    """The project's weighted score and rank in its portfolio, its score per criterion and
    a link to score it."""
    return {
        **project_score_summary(project),
        "scores_url": reverse("projects:project_scores", args=[project.pk]),
        "ranking_url": reverse("projects:ranking", args=[project.portfolio_id]),
        "can_score": can(request.user, "add", ProjectScore, parent=project),
    }


@portfolio_panels.register(
    "prioritisation", template_name="projects/scoring/portfolio_panel.html", order=50
)
def portfolio_scoring_panel(request, portfolio) -> dict:
    """Links to the portfolio's ranking, scenarios and criteria."""
    return {
        "ranking_url": reverse("projects:ranking", args=[portfolio.pk]),
        "scenarios_url": reverse("projects:scenario_list", args=[portfolio.pk]),
        "criteria_url": reverse("projects:criteria", args=[portfolio.pk]),
    }
