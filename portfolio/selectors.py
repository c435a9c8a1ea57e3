"""Reads of the portfolio structure, annotated so that a list costs the same at any size."""

from django.db.models import Count, Q, QuerySet

from portfolio.models import Portfolio, Programme, StrategicObjective

# Counted projects exclude the cancelled ones: they no longer weigh on the portfolio.
# Meta.ordering does not apply to aggregated (GROUP BY) querysets: each list orders itself.
LIVE_PROJECTS = ~Q(projects__phase="cancelled")


def objective_list() -> QuerySet[StrategicObjective]:
    return StrategicObjective.objects.annotate(
        project_count=Count("contributions", distinct=True)
    ).order_by(*StrategicObjective._meta.ordering)


def portfolio_list() -> QuerySet[Portfolio]:
    return (
        Portfolio.objects.select_related("owner")
        .annotate(
            programme_count=Count("programmes", distinct=True),
            project_count=Count("projects", filter=LIVE_PROJECTS, distinct=True),
        )
        .order_by(*Portfolio._meta.ordering)
    )


def programme_list() -> QuerySet[Programme]:
    return (
        Programme.objects.select_related("portfolio", "director")
        .annotate(project_count=Count("projects", filter=LIVE_PROJECTS, distinct=True))
        .order_by(*Programme._meta.ordering)
    )
