"""Benchmark data and targets of the capacity heat map.

``load_capacity(projects)`` adds a pool of resources over a few teams and skills to an
already loaded portfolio, each planned on 2 to 4 of ``projects`` every month for twelve
months from this one (some above their capacity, a few with a monthly override, a few
inactive yet still planned), all bulk created. ``CAPACITY_TARGETS`` are the pages and
endpoint it is measured on, as ``(kind, name, url)`` like ``bench.run.TARGETS``.
"""

from decimal import Decimal

TEAMS = ("Apps", "Data", "Infrastructure", "Security", "Support", "Web")
SKILLS = ("Business analyst", "Java developer", "Tester", "Architect", "Project officer")

CAPACITY_TARGETS = [
    ("page", "capacity heat map (200 resources x 12 months)", "/resources/capacity/"),
    ("page", "capacity heat map, one team", "/resources/capacity/?team=Apps"),
    ("page", "capacity heat map, by team", "/resources/capacity/?group_by=team"),
    ("api", "allocations capacity grid", "/api/v1/allocations/capacity/"),
]


def load_capacity(projects, n_resources: int = 200) -> dict:
    """Create ``n_resources`` resources and their allocations on ``projects`` (a list of
    projects, at least four) over the twelve months from this one; return what was made."""
    from django.utils import timezone

    from pmo import months
    from portfolio.models import Resource, ResourceCapacity
    from projects.models import Allocation

    projects = list(projects)
    window = months.months(timezone.localdate(), 12)
    portfolios = sorted({project.portfolio_id for project in projects})
    resources = Resource.objects.bulk_create(
        Resource(
            name=f"Bench resource {i:03d}",
            skill=SKILLS[i % len(SKILLS)],
            team=TEAMS[i % len(TEAMS)],
            # One in five is shared (no pool); the others spread over the portfolios.
            portfolio_id=None if i % 5 == 4 else portfolios[i % len(portfolios)],
            capacity_fte=Decimal("0.8") if i % 7 == 0 else Decimal("1"),
            daily_rate=Decimal("600"),
            is_active=i % 50 != 49,
        )
        for i in range(n_resources)
    )
    overrides = ResourceCapacity.objects.bulk_create(
        ResourceCapacity(resource=resource, month=month, fte=Decimal("0.5"), reason="Holidays")
        for i, resource in enumerate(resources)
        if i % 10 == 0
        for month in (window[1], window[7])
    )
    allocations = []
    for i, resource in enumerate(resources):
        for m, month in enumerate(window):
            for k in range(2 + (i + m) % 3):
                project = projects[(i * 7 + m + k * 13) % len(projects)]
                # 0.1 to 0.4 each: up to 1 FTE a month, over the capacity of the part-timers,
                # of the months with an override and of the inactive.
                fte = Decimal("0.1") * (1 + (i + m + k) % 4)
                allocations.append(
                    Allocation(resource=resource, project=project, month=month, fte=fte)
                )
    Allocation.objects.bulk_create(allocations, batch_size=2000, ignore_conflicts=True)
    return {
        "resources": len(resources),
        "capacity_overrides": len(overrides),
        "allocations": Allocation.objects.filter(resource__in=resources).count(),
    }
