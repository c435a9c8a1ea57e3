"""The finance panels: a project's budget, costs and earned value on its page; a portfolio's
spending against its envelopes on the portfolio page."""

from decimal import Decimal

from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from portfolio import panels as portfolio_panels
from portfolio.models import FinancePolicy, fiscal_year_validators
from projects import panels as project_panels
from projects.choices import Nature
from projects.earned_value import MILESTONES, EarnedValue
from projects.selectors.finance import (
    FinanceSummary,
    overrun_alert_list,
    portfolio_finance,
    portfolio_fiscal_years,
    project_finance,
)

HUNDRED = Decimal("100")
# The bar's scale stops there: an estimate at three times the budget needs no more to be read.
BAR_MAX_PERCENT = Decimal("200")

# Each earned value figure: key, label, kind (money or ratio) and how it is computed.
EVM_FIGURES = (
    ("bac", _("Budget at completion (BAC)"), "money", _("The baseline budget, CAPEX + OPEX.")),
    ("pv", _("Planned value (PV)"), "money", None),
    ("ev", _("Earned value (EV)"), "money", None),
    ("ac", _("Actual cost (AC)"), "money", _("The actuals dated up to this day.")),
    (
        "cpi",
        _("Cost performance index (CPI)"),
        "ratio",
        _("EV / AC: below 1, the work done cost more than planned."),
    ),
    (
        "spi",
        _("Schedule performance index (SPI)"),
        "ratio",
        _("EV / PV: below 1, less work is done than planned by now."),
    ),
    ("cv", _("Cost variance (CV)"), "money", _("EV - AC: negative, over cost.")),
    ("sv", _("Schedule variance (SV)"), "money", _("EV - PV: negative, behind schedule.")),
    (
        "eac",
        _("Estimate at completion (EAC)"),
        "money",
        _("BAC / CPI: the final cost if the cost performance so far goes on."),
    ),
    ("etc", _("Estimate to complete (ETC)"), "money", _("EAC - AC: what is still to spend.")),
    (
        "vac",
        _("Variance at completion (VAC)"),
        "money",
        _("BAC - EAC: negative, the budget will not suffice."),
    ),
    (
        "tcpi",
        _("To-complete performance index (TCPI)"),
        "ratio",
        _("(BAC - EV) / (BAC - AC): the cost efficiency the remaining work needs."),
    ),
)
# Below 1 these ratios are bad news; above 1 TCPI is.
BAD_BELOW_ONE = frozenset({"cpi", "spi"})


def _url_or_none(name: str, query: str) -> str | None:
    """The URL of page ``name`` with ``query``; None while that page does not exist."""
    try:
        return f"{reverse(name)}?{query}"
    except NoReverseMatch:
        return None


def _tone(key: str, value: Decimal | None) -> str:
    """The CSS class telling good from bad news for one figure."""
    if value is None or key in ("bac", "pv", "ev", "ac", "eac", "etc"):
        return ""
    if key in BAD_BELOW_ONE:
        return "slip-late" if value < 1 else "slip-ok"
    if key == "tcpi":
        return "slip-late" if value > 1 else "slip-ok"
    return "slip-late" if value < 0 else "slip-ok"


def evm_rows(evm: EarnedValue) -> list[dict]:
    """The earned value figures as table rows: label, value (None: n/a), kind, formula."""
    rows = []
    for key, label, kind, formula in EVM_FIGURES:
        if key == "pv":
            if evm.planned_by == MILESTONES:
                formula = _("BAC × the weights of the milestones due by this day (%(share)s %%).")
            elif evm.planned_by is not None:
                formula = _("BAC × the share of the baseline's days gone by (%(share)s %%).")
            else:
                formula = _("BAC × the share of the baseline planned by this day.")
            if evm.planned_percent is not None:
                formula = formula % {
                    "share": formats.number_format(evm.planned_percent, 2, use_l10n=True)
                }
        elif key == "ev":
            if evm.progress is None:
                formula = _("BAC × the progress of the latest status (none submitted).")
            else:
                formula = _("BAC × the progress of the latest status (%(progress)s %%).") % {
                    "progress": evm.progress
                }
        value = getattr(evm, key)
        rows.append(
            {
                "key": key,
                "label": label,
                "value": value,
                "kind": kind,
                "formula": formula,
                "tone": _tone(key, value),
            }
        )
    return rows


def _x(percent: Decimal, scale: Decimal) -> str:
    """A position on the bar (0 to 100) for ``percent`` of the budget, written with a dot
    whatever the language: it goes into SVG attributes, not in front of a reader."""
    value = max(Decimal(0), min(percent, scale)) * HUNDRED / scale
    return f"{value:.1f}"


def consumption_bar(finance: FinanceSummary) -> dict | None:
    """Where the actuals, the budget, the alert threshold and the EAC sit on one bar scaled
    to the largest of them (at least the budget, at most twice it). None without a budget."""
    if not finance.budget_total:
        return None
    consumed = finance.consumption_percent or Decimal(0)
    threshold = HUNDRED + finance.tolerance
    eac = finance.eac_percent
    scale = min(max(HUNDRED, consumed, threshold, eac or Decimal(0)), BAR_MAX_PERCENT)
    return {
        "actual": _x(consumed, scale),
        "budget": _x(HUNDRED, scale),
        "threshold": _x(threshold, scale),
        "eac": _x(eac, scale) if eac is not None else None,
        "over": consumed > HUNDRED,
        "eac_over": finance.overrun,
    }


@project_panels.register("finance", template_name="projects/panels/finance.html", order=40)
def project_finance_panel(request, project) -> dict:
    """Budget, commitments, actuals, ETC and EAC by nature with the consumption bar, the
    earned value as of today, the budget lines per fiscal year and the overrun alerts."""
    finance = project_finance(project)
    query = f"project={project.pk}"
    return {
        "finance": finance,
        "nature_rows": [
            {
                "label": label,
                "budget": getattr(finance.budget, nature),
                "committed": getattr(finance.committed, nature),
                "actual": getattr(finance.actual, nature),
                "remaining": getattr(finance.budget, nature) - getattr(finance.actual, nature),
            }
            for nature, label in Nature.choices
        ],
        "evm_rows": evm_rows(finance.earned_value),
        "bar": consumption_bar(finance),
        "alerts": list(
            project.overrun_alerts.order_by(
                F("closed_at").desc(nulls_first=True), "-opened_at", "-pk"
            )
        ),
        "cost_entries_url": _url_or_none("projects:costentry_list", query),
        "budget_lines_url": _url_or_none("projects:budgetline_list", query),
    }


def _requested_year(request, default: int) -> int:
    """The fiscal year asked for in ``?fy=``; ``default`` when absent or not a year."""
    value = request.GET.get("fy", "")
    if not value.isdigit():
        return default
    year = int(value)
    low, high = (validator.limit_value for validator in fiscal_year_validators)
    return year if low <= year <= high else default


@portfolio_panels.register(
    "finance", template_name="projects/panels/portfolio_finance.html", order=40
)
def portfolio_finance_panel(request, portfolio) -> dict:
    """The fiscal year's roll-up by nature against the envelope (the current year unless
    ``?fy=`` asks for another), the EAC of the active projects against their budgets, and the
    portfolio's open overrun alerts."""
    policy = FinancePolicy.get()
    current = policy.fiscal_year(timezone.localdate())
    year = _requested_year(request, current)
    years = set(portfolio_fiscal_years(portfolio, policy=policy)) | {year}
    finance = portfolio_finance(portfolio, fiscal_year=year, policy=policy)
    return {
        "finance": finance,
        "years": [(y, policy.fiscal_year_label(y)) for y in sorted(years)],
        "current_year": current,
        # The page's other parameters (another panel's), kept when the year changes.
        "other_params": [
            (name, value)
            for name, values in request.GET.lists()
            if name != "fy"
            for value in values
        ],
        "alerts": list(
            overrun_alert_list().filter(project__portfolio=portfolio, closed_at__isnull=True)
        ),
        "overrun_list_url": (
            f"{reverse('projects:overrun_list')}?portfolio={portfolio.pk}&open=true"
        ),
    }
