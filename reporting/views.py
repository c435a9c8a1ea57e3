"""Pages of the reporting app: the home page, which fits the user's roles, the PMO dashboard
(full and executive), its exports, and reporting compliance."""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from pmo.roles import has_any_role, is_pmo_manager, is_project_manager, oversees_portfolio
from pmo.views import RuleRequiredMixin
from portfolio.selectors import portfolio_list
from projects import weeks
from projects.choices import ACTIVE_PHASES, Axis, Phase, Rating, Trend, Weather
from projects.models import Project
from projects.selectors import milestone_list, project_list
from projects.views import my_week_rows
from reporting import compliance, exports, selectors
from reporting.forms import ComplianceFilterForm, DashboardFilterForm
from reporting.selectors import AXES, latest_packs

UPCOMING_DAYS = 30


class HomeView(LoginRequiredMixin, TemplateView):
    """Home: the user's own projects and, for everyone with a role, the portfolios' shape;
    PMO managers and executives who manage no project start with the dashboard (the
    executive one for executives)."""

    template_name = "reporting/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["has_role"] = has_any_role(user)
        if not context["has_role"]:
            return context
        if oversees_portfolio(user) and not is_project_manager(user):
            context.update(dashboard_context(self.request, executive=not is_pmo_manager(user)))
            if not is_pmo_manager(user):
                context["copil_packs"] = latest_packs()
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


# --- the PMO dashboard ----------------------------------------------------------------------

# The grid's columns: sort key (None: not sortable), header, and whether the executive view
# shows it.
DASHBOARD_COLUMNS = (
    ("code", gettext_lazy("Code"), True),
    ("name", gettext_lazy("Name"), True),
    ("programme", gettext_lazy("Programme"), False),
    ("project_manager", gettext_lazy("Project manager"), False),
    ("phase", gettext_lazy("Phase"), False),
    ("weather", gettext_lazy("Weather"), True),
    ("quality", gettext_lazy("Quality"), True),
    ("cost", gettext_lazy("Cost"), True),
    ("delay", gettext_lazy("Delay"), True),
    ("risk", gettext_lazy("Risk"), True),
    ("report_age", gettext_lazy("Report age"), False),
    ("consumption", gettext_lazy("Consumed"), False),
    ("eac", gettext_lazy("EAC / budget"), True),
    ("slip", gettext_lazy("Slip (days)"), True),
    ("top_risk", gettext_lazy("Top risk"), True),
    ("alerts", gettext_lazy("Alerts"), False),
)
TREND_ARROWS = {"better": "↑", "same": "→", "worse": "↓"}
# The project's id in a URL reversed once, replaced by each row's (no reverse per row).
URL_PLACEHOLDER = 987654321


class Numbers:
    """Numbers as the page's language writes them (12 500, 12,500), without a locale look-up
    per number: a thousand rows carry thousands of them."""

    def __init__(self):
        self.thousands = formats.get_format("THOUSAND_SEPARATOR")

    def whole(self, value) -> str:
        if value is None:
            return "—"
        rounded = int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return f"{rounded:,}".replace(",", self.thousands)

    def percent(self, value) -> str:
        return "—" if value is None else f"{self.whole(value)} %"


def _signed(value) -> str:
    return "—" if value is None else f"{value:+d}"


# One row of the grid, filled with escaped texts: a thousand rows rendered as one string each
# instead of some thirty template variables each (the page's time is mostly rendering).
FULL_ROW = (
    '<tr data-project="{code}"{attention}><td><a href="{url}">{code}</a></td><td>{name}</td>'
    '<td>{programme}</td><td>{manager}</td><td><span class="badge phase-{phase}">{phase_label}'
    '</span></td>{weather}{axes}<td class="num {age_class}">{age}</td>'
    '<td class="num">{consumption}</td>{eac}{slip}{top_risk}<td class="num">{alerts}</td></tr>'
)
EXECUTIVE_ROW = (
    '<tr data-project="{code}"{attention}><td><a href="{url}">{code}</a></td><td>{name}</td>'
    "{weather}{axes}{eac}{slip}{top_risk}</tr>"
)
AXIS_CELL = '<td class="axis" title="{title}"><span class="rating rating-{declared}">{label}</span>'


class DashboardLine:
    """One grid row: its project's code, link and attention flag, the health row it shows
    and its HTML, every text computed once in Python and escaped."""

    __slots__ = ("attention", "code", "html", "row", "url")


def dashboard_lines(rows, *, executive: bool = False) -> list[DashboardLine]:
    """The display of ``rows`` (labels, arrows, classes and numbers in the page's language)."""
    ratings = {value: escape(str(label)) for value, label in Rating.choices}
    weathers = {value: escape(str(label)) for value, label in Weather.choices}
    phases = {value: escape(str(label)) for value, label in Phase.choices}
    trend_titles = {value: str(label) for value, label in Trend.choices}
    axis_labels = {value: str(label) for value, label in Axis.choices}
    declared_word, computed_word = _("declared"), _("computed")
    not_reported = escape(_("Not reported"))
    days = _("%(days)s d")
    numbers = Numbers()
    url_pattern = reverse("projects:project_detail", args=[URL_PLACEHOLDER])
    placeholder = str(URL_PLACEHOLDER)
    template = EXECUTIVE_ROW if executive else FULL_ROW
    lines = []
    for row in rows:
        project = row.project
        axes = []
        for axis in AXES:
            declared, computed = row.declared[axis], row.computed[axis]
            title = f"{axis_labels[axis]}: {declared_word} {ratings.get(declared, '—')}"
            cell = AXIS_CELL
            if axis != "quality":
                title += f", {computed_word} {ratings.get(computed, '—')}"
                cell += (
                    f' <span class="computed rating-{computed or "none"}'
                    f'{" gap" if row.gaps[axis] else ""}">{ratings.get(computed, "—")}</span>'
                )
            trend = row.trends[axis]
            if trend:
                title += f" ({trend_titles[trend]})"
                if not executive:
                    cell += f'<span class="trend">{TREND_ARROWS[trend]}</span>'
            axes.append(
                cell.format(
                    title=escape(title),
                    declared=declared or "none",
                    label=ratings.get(declared, "—"),
                )
                + "</td>"
            )
        weather = (
            f'<td><span class="weather weather-{row.weather or "none"}">'
            f"{weathers[row.weather] if row.weather else not_reported}</span>"
            + (
                f'<span class="trend">{TREND_ARROWS[row.weather_trend]}</span>'
                if row.weather_trend
                else ""
            )
            + "</td>"
        )
        eac_title = (
            f"{numbers.whole(row.eac)} / {numbers.whole(row.budget)}" if row.eac is not None else ""
        )
        over = row.eac_percent is not None and row.eac_percent > 100
        slip_class = "slip-late" if row.slip_days and row.slip_days > 0 else "slip-ok"
        age = row.report_age_days
        manager = project.project_manager
        line = DashboardLine()
        line.row = row
        line.code = project.code
        line.url = url_pattern.replace(placeholder, str(project.pk))
        line.attention = row.needs_attention
        line.html = mark_safe(  # noqa: S308 - every text in it is escaped above or here
            template.format(
                code=escape(project.code),
                attention=' class="attention"' if row.needs_attention else "",
                url=line.url,
                name=escape(project.name),
                programme=escape(project.programme.name) if project.programme else "",
                manager=escape(manager.display_name) if manager else "",
                phase=project.phase,
                phase_label=phases.get(project.phase, ""),
                weather=weather,
                axes="".join(axes),
                age_class="stale" if age is None or age > 7 else "",
                age=not_reported if age is None else escape(days % {"days": age}),
                consumption=numbers.percent(row.consumption_percent),
                eac=(
                    f'<td class="num{" over" if over else ""}" title="{eac_title}">'
                    f"{numbers.percent(row.eac_percent)}</td>"
                ),
                slip=f'<td class="num {slip_class}">{_signed(row.slip_days)}</td>',
                top_risk=(
                    f'<td class="num">'
                    f"{row.top_risk_score if row.top_risk_score is not None else '—'}</td>"
                ),
                alerts=(
                    f'<span class="badge alert-count">{row.open_alerts}</span>'
                    if row.open_alerts
                    else "·"
                ),
            )
        )
        lines.append(line)
    return lines


def query_url(path: str, query: QueryDict, **changes) -> str:
    """``path`` with ``query`` changed by ``changes`` (None removes a key)."""
    query = query.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    encoded = query.urlencode()
    return f"{path}?{encoded}" if encoded else path


def dashboard_headers(request, sort: str, *, executive: bool) -> list[dict]:
    """The grid's headers, each with the link that sorts by it (the other way when it is the
    current sort)."""
    path = reverse("reporting:dashboard_executive" if executive else "reporting:dashboard")
    headers = []
    for key, label, in_executive in DASHBOARD_COLUMNS:
        if executive and not in_executive:
            continue
        current = sort.lstrip("-") == key
        descending = current and sort.startswith("-")
        headers.append(
            {
                "key": key,
                "label": label,
                "url": query_url(
                    path, request.GET, sort=key if descending or not current else f"-{key}"
                ),
                "sorted": ("descending" if descending else "ascending") if current else "",
                "axis": key in Axis.values,
            }
        )
    return headers


def dashboard_query(request) -> tuple[DashboardFilterForm, dict]:
    """The filter form of ``request`` and the valid choices in it."""
    form = DashboardFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    return form, form.query()


def dashboard_context(request, *, executive: bool = False) -> dict:
    """Everything the dashboard (full or executive) shows for ``request``'s filters."""
    form, query = dashboard_query(request)
    rows = selectors.dashboard_rows(**query)
    try:
        summary_url = reverse("reporting:dashboard_summary")
    except NoReverseMatch:  # the summary band is another page's; the grid stands without it
        summary_url = None
    encoded = request.GET.urlencode()
    return {
        "form": form,
        "query": query,
        "lines": dashboard_lines(rows, executive=executive),
        "headers": dashboard_headers(request, query["sort"], executive=executive),
        "executive": executive,
        "board_url": reverse(
            "reporting:dashboard_executive" if executive else "reporting:dashboard"
        ),
        "summary_url": f"{summary_url}?{encoded}" if summary_url else None,
        "export_query": f"?{encoded}" if encoded else "",
        "attention_count": sum(1 for row in rows if row.needs_attention),
    }


class DashboardView(RuleRequiredMixin, TemplateView):
    """The PMO dashboard: every active project of the chosen portfolios with its declared and
    computed QCDR, trend, report age, money, slip, top risk and alerts; filtered and sorted
    from the URL, the results swapped in place for HTMX requests. Every role reads it."""

    model = Project
    executive = False
    template_name = "reporting/dashboard/page.html"
    results_template_name = "reporting/dashboard/results.html"

    def get_template_names(self):
        if self.request.htmx and not self.request.htmx.boosted:
            return [self.results_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(dashboard_context(self.request, executive=self.executive))
        context["title"] = self.title()
        return context

    def title(self) -> str:
        return _("Portfolio dashboard")


class ExecutiveDashboardView(DashboardView):
    """The dashboard for executives: the same rows, fewer columns, and the latest Copil
    packs."""

    executive = True
    template_name = "reporting/dashboard/executive.html"
    results_template_name = "reporting/dashboard/executive_results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.request.htmx or self.request.htmx.boosted:
            context["copil_packs"] = latest_packs()
        return context

    def title(self) -> str:
        return _("Executive dashboard")


class DashboardExportView(RuleRequiredMixin, View):
    """The dashboard's rows as CSV or XLSX, with the filters and order of the page."""

    model = Project

    def get(self, request, *args, **kwargs):
        fmt = kwargs["format"]
        if fmt not in exports.FORMATS:
            raise Http404
        _form, query = dashboard_query(request)
        rows = selectors.dashboard_rows(**query)
        content, content_type = exports.export_dashboard(rows, fmt)
        response = HttpResponse(content, content_type=content_type)
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="dashboard-{stamp}.{fmt}"'
        return response
