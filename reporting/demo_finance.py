"""The demo portfolio's resources and money: a resource pool with its holidays, a year of
allocations (a few people overloaded), budget lines per fiscal year, envelopes, a year of
actuals and purchase orders pushed by the ERP, and one project overrunning while it still
reports green on Cost.

Everything is derived from the demo projects (their budgets, dates and latest status) and
``today``, so a second load the same day creates nothing; rows are found again by their
natural keys (a resource's name, a cost entry's external reference...).
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from pmo import months
from portfolio.choices import ResourceKind
from portfolio.models import FinancePolicy, PortfolioEnvelope, Resource, ResourceCapacity
from projects.choices import (
    ACTIVE_PHASES,
    CostCategory,
    CostKind,
    EntrySource,
    Nature,
    Phase,
    Rating,
)
from projects.models import Allocation, BudgetLine, CostEntry, Project
from projects.services.alerts import overrun_alerts_refresh

CENT = Decimal("0.01")

# The project that spends faster than it says: green on Cost in every status, its actuals a
# quarter above what its progress earned, so its estimate at completion passes the budget.
UNFLAGGED_OVERRUN = "OPS-010"


@dataclass(frozen=True)
class ResourceSpec:
    """A person or a team of the pool; ``user`` the username of a demo account, if any."""

    name: str
    skill: str
    team: str
    pool: str | None
    daily_rate: int
    capacity: str = "1"
    kind: str = ResourceKind.PERSON
    user: str | None = None


RESOURCES = (
    # Transformation digitale (DSI)
    ResourceSpec("Marc Dubois", "Consultant SAP FI", "Finance SI", "DSI", 850),
    ResourceSpec("Léa Fontaine", "Consultante SAP CO", "Finance SI", "DSI", 820),
    ResourceSpec("Hugo Bernard", "Développeur ABAP", "Finance SI", "DSI", 650),
    ResourceSpec("Camille Petit", "Business analyst", "Finance SI", "DSI", 600),
    ResourceSpec("Antoine Rousseau", "Consultant SAP MM", "Supply chain SI", "DSI", 830),
    ResourceSpec("Chloé Garnier", "Consultante SAP SD", "Supply chain SI", "DSI", 800),
    ResourceSpec("Maxime Faure", "Développeur ABAP", "Supply chain SI", "DSI", 640),
    ResourceSpec("Inès Chevalier", "Data engineer", "Data & BI", "DSI", 700),
    ResourceSpec("Lucas Morel", "Data engineer", "Data & BI", "DSI", 680),
    ResourceSpec("Sophie Lambert", "Data analyst", "Data & BI", "DSI", 560, capacity="0.8"),
    ResourceSpec("Olivia Carter", "Product owner", "Digital", "DSI", 720),
    ResourceSpec("Daniel Brooks", "Front-end developer", "Digital", "DSI", 620),
    ResourceSpec("Priya Shah", "Back-end developer", "Digital", "DSI", 640),
    ResourceSpec("Tom Evans", "UX designer", "Digital", "DSI", 590, capacity="0.8"),
    ResourceSpec(
        "Nearshore development centre",
        "Development",
        "Digital",
        "DSI",
        420,
        capacity="8",
        kind=ResourceKind.TEAM,
    ),
    ResourceSpec("Nicolas Mercier", "Architecte cloud", "Infrastructure", "DSI", 780),
    ResourceSpec("Julie Blanc", "Ingénieure réseau", "Infrastructure", "DSI", 640),
    ResourceSpec("Karim Haddad", "Ingénieur sécurité", "Infrastructure", "DSI", 760),
    ResourceSpec("Élodie Perrin", "Cheffe de projet conduite du changement", "Change", "DSI", 610),
    ResourceSpec("Bastien Colin", "Formateur", "Change", "DSI", 480),
    # Operations & Industrial Excellence (OPS)
    ResourceSpec("Paul Renaud", "Lean six sigma black belt", "Operational excellence", "OPS", 690),
    ResourceSpec("Aurélie Masson", "Process analyst", "Operational excellence", "OPS", 560),
    ResourceSpec("Fabien Roche", "MES engineer", "Industrial IT", "OPS", 700),
    ResourceSpec("Yann Le Gall", "Automation engineer", "Industrial IT", "OPS", 660),
    ResourceSpec("Grace O'Neill", "Supply chain planner", "Supply chain", "OPS", 610),
    ResourceSpec("Mehdi Saïdi", "Transport analyst", "Supply chain", "OPS", 570),
    ResourceSpec("Sandrine Vidal", "HSE engineer", "HSE", "OPS", 620),
    ResourceSpec(
        "Maintenance contractors",
        "Mechanical maintenance",
        "Plant services",
        "OPS",
        450,
        capacity="4",
        kind=ResourceKind.TEAM,
    ),
    # The project managers, shared by both portfolios.
    ResourceSpec("Julien Lefèvre", "Chef de projet", "Project management", None, 750, user="pm"),
    ResourceSpec("Sarah Mitchell", "Project manager", "Project management", None, 750, user="pm2"),
    ResourceSpec(
        "Nadia Benali", "Cheffe de projet", "Project management", None, 750, user="nbenali"
    ),
    ResourceSpec(
        "Thomas Girard", "Chef de projet", "Project management", None, 750, user="tgirard"
    ),
    ResourceSpec(
        "James Whitaker", "Project manager", "Project management", None, 750, user="jwhitaker"
    ),
    ResourceSpec("Émilie Roux", "Cheffe de projet", "Project management", None, 750, user="eroux"),
)

# Which teams staff a project, by its programme, else by its portfolio.
TEAMS = {
    "PRG-ERP": ("Finance SI", "Supply chain SI", "Change"),
    "PRG-CLIENT": ("Digital", "Infrastructure"),
    "PRG-DATA": ("Data & BI", "Infrastructure"),
    "PRG-USINE": ("Industrial IT", "Plant services", "Operational excellence"),
    "PRG-SUPPLY": ("Supply chain", "Operational excellence"),
    "DSI": ("Infrastructure", "Digital", "Change"),
    "OPS": ("Operational excellence", "HSE", "Industrial IT"),
}
# A few people asked for by two projects at once, on top of the rotation: overloaded.
OVERLOADS = (
    ("Hugo Bernard", "DSI-001", "0.6"),
    ("Hugo Bernard", "DSI-002", "0.6"),
    ("Inès Chevalier", "DSI-010", "0.7"),
    ("Inès Chevalier", "DSI-015", "0.5"),
    ("Fabien Roche", "OPS-001", "0.5"),
    ("Fabien Roche", "OPS-002", "0.4"),
)
FTE_STEPS = ("0.2", "0.3", "0.5", "0.5", "0.6", "0.8")
FTE_STEP = Decimal("0.05")
# The project manager who took on one project too many.
OVERLOADED_MANAGERS = {"Julien Lefèvre"}
PM_SHARE = Decimal("0.2")
# Six months gone by and the twelve to come (the capacity heat map starts this month).
ALLOCATION_MONTHS_BACK, ALLOCATION_MONTHS = 6, 18

# How each nature of a budget splits into categories (shares out of 100).
SPLITS = {
    Nature.CAPEX: (
        (CostCategory.EXTERNAL_SERVICES, 55),
        (CostCategory.INTERNAL_LABOUR, 25),
        (CostCategory.SOFTWARE, 12),
        (CostCategory.HARDWARE, 8),
    ),
    Nature.OPEX: (
        (CostCategory.INTERNAL_LABOUR, 50),
        (CostCategory.SOFTWARE, 30),
        (CostCategory.EXTERNAL_SERVICES, 20),
    ),
}
SUPPLIERS = {
    CostCategory.EXTERNAL_SERVICES: ("Altima Conseil", "Nordlys Consulting", "Brightpath Digital"),
    CostCategory.SOFTWARE: ("Kestrel Software", "Orbis Cloud"),
    CostCategory.HARDWARE: ("Dataforge Systems", "Equip'Industrie"),
    CostCategory.INTERNAL_LABOUR: ("",),
}
LABELS = {
    CostCategory.EXTERNAL_SERVICES: {"fr": "Facture prestations", "en": "Services invoice"},
    CostCategory.SOFTWARE: {"fr": "Licences et abonnements", "en": "Licences and subscriptions"},
    CostCategory.HARDWARE: {"fr": "Matériel", "en": "Hardware"},
    CostCategory.INTERNAL_LABOUR: {"fr": "Temps interne imputé", "en": "Internal time charged"},
}
PURCHASE_ORDER = {"fr": "Bon de commande", "en": "Purchase order"}
HOLIDAYS = {8: ("0.5", "Congés d'été"), 12: ("0.75", "Congés de fin d'année")}
# Envelopes against the budget lines of the year: the DSI has some room, OPS is short.
ENVELOPE_FACTORS = {"DSI": Decimal("1.06"), "OPS": Decimal("0.97")}


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _round(value: Decimal, step: int) -> Decimal:
    return (value / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step


def _split(total: Decimal, shares: list[tuple[object, int]], step: int = 1000) -> dict:
    """``total`` split by ``shares`` (out of their sum), rounded to ``step``, the last share
    taking what rounding left so that the parts add up to ``total`` exactly."""
    weight = sum(share for _key, share in shares)
    parts, left = {}, total
    for key, share in shares[:-1]:
        parts[key] = _round(total * share / weight, step)
        left -= parts[key]
    parts[shares[-1][0]] = left
    return parts


def budget_by_nature(project: Project) -> list[tuple[str, Decimal]]:
    """The project's baseline budget of each nature it has one in."""
    pairs = ((Nature.CAPEX, project.budget_capex), (Nature.OPEX, project.budget_opex))
    return [(nature, total) for nature, total in pairs if total]


def spend_rate(project: Project, index: int) -> Decimal:
    """How much the project spent against what its progress earned: a quarter more for the
    one that does not say so, a tenth more for those red on Cost, about on plan otherwise."""
    if project.code == UNFLAGGED_OVERRUN:
        return Decimal("1.25")
    rating = project.last_status.cost_rating if project.last_status else Rating.GREEN
    if rating == Rating.RED:
        return Decimal("1.10")
    if rating == Rating.AMBER:
        return Decimal("1.00")
    return Decimal("0.92") + Decimal(index % 12) / 100


class FinanceLoader:
    """Loads the pool, staffing and money of the demo for the projects of ``loader``."""

    def __init__(self, loader):
        self.loader = loader
        self.today = loader.today
        self.report = loader.report
        self.policy = FinancePolicy.get()
        self.resources: dict[str, Resource] = {}
        self.projects = list(
            Project.objects.filter(code__in=list(loader.projects))
            .select_related("last_status", "portfolio", "programme")
            .order_by("code")
        )

    def load(self) -> None:
        self.load_resources()
        self.load_allocations()
        self.load_budget_lines()
        self.load_envelopes()
        self.load_costs()

    # -- the pool ----------------------------------------------------------

    def load_resources(self) -> None:
        """Create or refresh the pool, and the holiday months of its people."""
        existing = {resource.name: resource for resource in Resource.objects.all()}
        for spec in RESOURCES:
            data = {
                "skill": spec.skill,
                "team": spec.team,
                "kind": spec.kind,
                "portfolio": self.loader.portfolios[spec.pool] if spec.pool else None,
                "capacity_fte": Decimal(spec.capacity),
                "daily_rate": Decimal(spec.daily_rate),
                "user": self.loader.users[spec.user] if spec.user else None,
                "is_active": True,
            }
            resource = existing.get(spec.name)
            if resource is None:
                resource = Resource(name=spec.name, **data)
                resource.full_clean()
                resource.save()
                self.report.created["resources"] += 1
            else:
                changed = {k: v for k, v in data.items() if getattr(resource, k) != v}
                if changed:
                    for name, value in changed.items():
                        setattr(resource, name, value)
                    resource.full_clean()
                    resource.save()
                    self.report.updated["resources"] += 1
            self.resources[spec.name] = resource
        self._load_holidays()

    def _load_holidays(self) -> None:
        window = self._window()
        have = set(
            ResourceCapacity.objects.filter(month__in=window).values_list("resource_id", "month")
        )
        new = []
        for spec in RESOURCES:
            if spec.kind == ResourceKind.TEAM:
                continue
            resource = self.resources[spec.name]
            for month in window:
                if month.month not in HOLIDAYS or (resource.pk, month) in have:
                    continue
                share, reason = HOLIDAYS[month.month]
                fte = (resource.capacity_fte * Decimal(share)).quantize(CENT)
                new.append(ResourceCapacity(resource=resource, month=month, fte=fte, reason=reason))
        ResourceCapacity.objects.bulk_create(new)
        self.report.created["capacities"] += len(new)

    # -- staffing ----------------------------------------------------------

    def _window(self) -> list[datetime.date]:
        first = months.add_months(months.month_start(self.today), -ALLOCATION_MONTHS_BACK)
        return months.months(first, ALLOCATION_MONTHS)

    def _active_months(self, project: Project) -> list[datetime.date]:
        """The months of the window the project is staffed in: from its start to its end,
        from now on for five months when it is only being framed."""
        window = self._window()
        start = project.forecast_start or project.baseline_start
        end = project.forecast_end or project.baseline_end
        if project.phase in (Phase.IDEA, Phase.CANCELLED):
            return []
        if project.phase == Phase.FRAMING or start is None:
            start, end = self.today, months.add_months(self.today, 5)
        if project.phase == Phase.CLOSED:
            end = min(end, self.today)
        end = end or months.add_months(self.today, 5)
        first, last = months.month_start(start), months.month_start(end)
        return [month for month in window if first <= month <= last]

    def staffing_plan(self) -> dict[tuple[str, str], Decimal]:
        """(resource name, project code) -> FTE, for every staffed project."""
        by_team: dict[str, list[str]] = {}
        for spec in RESOURCES:
            by_team.setdefault(spec.team, []).append(spec.name)
        managers = {spec.user: spec.name for spec in RESOURCES if spec.user}
        plan: dict[tuple[str, str], Decimal] = {}
        for index, project in enumerate(self.projects):
            if not self._active_months(project):
                continue
            teams = (
                TEAMS.get(project.programme.code if project.programme else "")
                or TEAMS[project.portfolio.code]
            )
            for k, team in enumerate(teams):
                members = by_team[team]
                name = members[(index + k) % len(members)]
                fte = Decimal(FTE_STEPS[(index * 3 + k) % len(FTE_STEPS)])
                if project.phase == Phase.FRAMING:
                    fte = min(fte, Decimal("0.2"))
                plan[(name, project.code)] = fte
            if project.project_manager and project.project_manager.username in managers:
                plan[(managers[project.project_manager.username], project.code)] = PM_SHARE
        for name, code, fte in OVERLOADS:
            plan[(name, code)] = Decimal(fte)
        return plan

    def monthly_plan(self) -> dict[tuple[Resource, Project, datetime.date], Decimal]:
        """(resource, project, month) -> FTE over the window. Everyone is kept within 90% of
        their capacity each month (holidays included) but the few the demo overloads."""
        by_code = {project.code: project for project in self.projects}
        rows: dict[tuple[Resource, Project, datetime.date], Decimal] = {}
        for (name, code), fte in sorted(self.staffing_plan().items()):
            project = by_code.get(code)
            if project is not None:
                for month in self._active_months(project):
                    rows[(self.resources[name], project, month)] = fte
        loads: dict[tuple[Resource, datetime.date], Decimal] = {}
        for (resource, _project, month), fte in rows.items():
            loads[(resource, month)] = loads.get((resource, month), Decimal("0")) + fte
        overloaded = {name for name, _code, _fte in OVERLOADS} | OVERLOADED_MANAGERS
        overrides = {
            (o.resource_id, o.month): o.fte
            for o in ResourceCapacity.objects.filter(month__in=self._window())
        }
        for key in rows:
            resource, _project, month = key
            if resource.name in overloaded:
                continue
            room = overrides.get((resource.pk, month), resource.capacity_fte) * Decimal("0.9")
            load = loads[(resource, month)]
            if load > room:
                scaled = rows[key] * room / load
                rows[key] = max(
                    FTE_STEP, (scaled / FTE_STEP).to_integral_value("ROUND_FLOOR") * FTE_STEP
                )
        return rows

    def load_allocations(self) -> None:
        """Allocate the plan over each project's months of the window."""
        existing = {
            (a.resource_id, a.project_id, a.month): a
            for a in Allocation.objects.filter(month__in=self._window())
        }
        new, changed = [], []
        plan = self.monthly_plan()
        for (resource, project, month), fte in plan.items():
            row = existing.pop((resource.pk, project.pk, month), None)
            if row is None:
                new.append(Allocation(resource=resource, project=project, month=month, fte=fte))
            elif row.fte != fte:
                row.fte = fte
                changed.append(row)
        # A demo project whose dates moved no longer needs those it had outside them.
        demo_projects = {project.pk for project in self.projects}
        for row in existing.values():
            if row.project_id in demo_projects and row.fte:
                row.fte = Decimal("0")
                changed.append(row)
        bulk_create_with_history(new, Allocation)
        bulk_update_with_history(changed, Allocation, ["fte", "updated_at"])
        self.report.created["allocations"] += len(new)
        self.report.updated["allocations"] += len(changed)

    # -- budgets -----------------------------------------------------------

    def _span(self, project: Project) -> tuple[datetime.date, datetime.date] | None:
        start = project.baseline_start or project.forecast_start
        end = project.baseline_end or project.forecast_end
        if start is None or end is None or project.phase == Phase.IDEA:
            return None
        return start, end

    def budget_plan(self, project: Project) -> dict[tuple[int, str, str], Decimal]:
        """(fiscal year, nature, category) -> amount: the baseline budget of each nature
        spread over the fiscal years of its dates by their days, then over categories."""
        span = self._span(project)
        if span is None:
            return {}
        start, end = span
        years = range(self.policy.fiscal_year(start), self.policy.fiscal_year(end) + 1)
        days = {}
        for year in years:
            first, last = self.policy.fiscal_year_bounds(year)
            days[year] = (min(last, end) - max(first, start)).days + 1
        plan = {}
        for nature, total in budget_by_nature(project):
            by_year = _split(total, [(year, days[year]) for year in years])
            for year, amount in by_year.items():
                for category, part in _split(amount, list(SPLITS[nature]), step=100).items():
                    if part:
                        plan[(year, nature, category)] = part
        return plan

    def load_budget_lines(self) -> None:
        existing = {
            (line.project_id, line.fiscal_year, line.nature, line.category): line
            for line in BudgetLine.objects.filter(project__in=self.projects)
        }
        new, changed = [], []
        for project in self.projects:
            for (year, nature, category), amount in self.budget_plan(project).items():
                line = existing.pop((project.pk, year, nature, category), None)
                if line is None:
                    new.append(
                        BudgetLine(
                            project=project,
                            fiscal_year=year,
                            nature=nature,
                            category=category,
                            amount=amount,
                        )
                    )
                elif line.amount != amount:
                    line.amount = amount
                    changed.append(line)
        # The years a project's moved dates left keep their line, at nothing, so that the lines
        # still add up to the baseline.
        for line in existing.values():
            if line.amount:
                line.amount = Decimal("0")
                changed.append(line)
        bulk_create_with_history(new, BudgetLine)
        bulk_update_with_history(changed, BudgetLine, ["amount", "updated_at"])
        self.report.created["budget_lines"] += len(new)
        self.report.updated["budget_lines"] += len(changed)

    def load_envelopes(self) -> None:
        """Each portfolio's envelopes around this fiscal year, from its budget lines."""
        this_year = self.policy.fiscal_year(self.today)
        for code, portfolio in self.loader.portfolios.items():
            factor = ENVELOPE_FACTORS.get(code, Decimal("1"))
            for year in (this_year - 1, this_year, this_year + 1):
                totals = {Nature.CAPEX: Decimal("0"), Nature.OPEX: Decimal("0")}
                for line in BudgetLine.objects.filter(
                    project__portfolio=portfolio, fiscal_year=year
                ):
                    totals[line.nature] += line.amount
                data = {
                    "capex": _round(totals[Nature.CAPEX] * factor, 10_000),
                    "opex": _round(totals[Nature.OPEX] * factor, 10_000),
                }
                envelope = PortfolioEnvelope.objects.filter(
                    portfolio=portfolio, fiscal_year=year
                ).first()
                if envelope is None:
                    envelope = PortfolioEnvelope(portfolio=portfolio, fiscal_year=year, **data)
                    envelope.full_clean()
                    envelope.save()
                    self.report.created["envelopes"] += 1
                elif (envelope.capex, envelope.opex) != (data["capex"], data["opex"]):
                    envelope.capex, envelope.opex = data["capex"], data["opex"]
                    envelope.save()
                    self.report.updated["envelopes"] += 1

    # -- actuals and commitments ---------------------------------------------

    def cost_plan(self, project: Project, index: int) -> list[CostEntry]:
        """The project's entries: its actuals to date, month by month over (at most) the last
        year, by nature and category, adding up to what its progress earned times its spend
        rate; a purchase order for external services each quarter."""
        status = project.last_status
        if status is None or not status.progress or self._span(project) is None:
            return []
        start, end = self._span(project)
        spent = _money(project.budget_total * status.progress / 100 * spend_rate(project, index))
        last = min(self.today, end) if project.phase == Phase.CLOSED else self.today
        first = max(months.month_start(start), months.add_months(months.month_start(last), -11))
        first = min(first, months.month_start(last))
        span = list(months.months_between(first, last))
        month_weights = [Decimal(1)] * len(span)
        days_in = calendar.monthrange(last.year, last.month)[1]
        month_weights[-1] = Decimal(last.day) / days_in
        natures = budget_by_nature(project)
        budget = sum(total for _nature, total in natures)
        language = "fr" if project.portfolio.code == "DSI" and index % 3 else "en"
        entries = []
        weight_sum = sum(month_weights)
        for month, weight in zip(span, month_weights, strict=True):
            monthly = spent * weight / weight_sum
            month_end = months.add_months(month, 1) - datetime.timedelta(days=1)
            for nature, total in natures:
                shares = SPLITS[nature]
                share_sum = sum(share for _category, share in shares)
                for k, (category, share) in enumerate(shares):
                    amount = _money(monthly * total / budget * share / share_sum)
                    if not amount:
                        continue
                    day = min(
                        month_end
                        if category == CostCategory.INTERNAL_LABOUR
                        else month.replace(day=20),
                        last,
                    )
                    suppliers = SUPPLIERS[category]
                    entries.append(
                        CostEntry(
                            project=project,
                            date=day,
                            kind=CostKind.ACTUAL,
                            nature=nature,
                            category=category,
                            amount=amount,
                            label=f"{LABELS[category][language]} {month:%m/%Y}",
                            supplier=suppliers[(index + k) % len(suppliers)],
                            source=EntrySource.INTEGRATION,
                            external_reference=f"DEMO-{project.code}-{month:%Y%m}-{nature}-{category}",
                        )
                    )
                    if category == CostCategory.EXTERNAL_SERVICES and (month.month - 1) % 3 == 0:
                        ordered = _money(amount * 3 * Decimal("1.1"))
                        entries.append(
                            CostEntry(
                                project=project,
                                date=min(month, last),
                                kind=CostKind.COMMITMENT,
                                nature=nature,
                                category=category,
                                amount=ordered,
                                label=f"{PURCHASE_ORDER[language]} {month:%m/%Y}",
                                supplier=suppliers[(index + k) % len(suppliers)],
                                source=EntrySource.INTEGRATION,
                                external_reference=f"DEMO-PO-{project.code}-{month:%Y%m}-{nature}",
                            )
                        )
        return entries

    def load_costs(self) -> None:
        have = set(
            CostEntry.objects.filter(
                source=EntrySource.INTEGRATION, external_reference__startswith="DEMO-"
            ).values_list("external_reference", flat=True)
        )
        new = []
        for index, project in enumerate(self.projects):
            if project.phase not in (*ACTIVE_PHASES, Phase.CLOSED):
                continue
            new.extend(
                entry
                for entry in self.cost_plan(project, index)
                if entry.external_reference not in have
            )
        bulk_create_with_history(new, CostEntry, batch_size=1000)
        self.report.created["cost_entries"] += len(new)


def load_finance(loader) -> None:
    """Load the pool, staffing, budgets, envelopes and costs of the demo's projects, then
    raise the overrun alerts they call for (the daily task would, the next morning)."""
    FinanceLoader(loader).load()
    counts = overrun_alerts_refresh(now=loader.now)
    loader.report.created["overrun_alerts"] += counts["opened"]
    loader.report.updated["overrun_alerts"] += counts["updated"] + counts["closed"]
    # The PMO's alerts, as the hourly refresh would raise them.
    from reporting.services import alerts_refresh

    alert_counts = alerts_refresh(now=loader.now)
    loader.report.created["alerts"] += alert_counts["opened"]
