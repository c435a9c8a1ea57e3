"""Pages of the Copil packs: the executives' list, a pack (refreshing itself while it is made),
its download, retrying a failed one and Generate now; the report schedules; each portfolio's
pack look; and the Copil packs panel of the portfolio, programme and project pages.

Who may see a pack is who may see its scope; today every role sees every portfolio, so the
list asks the list permission (403 without a role) and each pack and download asks the rule
on the pack itself.
"""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from pmo.exceptions import WorkflowError
from pmo.rules import can
from pmo.tables import number
from pmo.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    RuleRequiredMixin,
    error_map,
)
from portfolio.models import Portfolio, Programme
from projects.models import Project
from reporting import cron
from reporting.choices import ReportKind, RunState
from reporting.filtersets import ReportRunFilterSet, ReportScheduleFilterSet
from reporting.forms_packs import LookForm, PackRequestForm, ScheduleForm
from reporting.models import ReportLook, ReportRun, ReportSchedule
from reporting.selectors import latest_packs, pack_list
from reporting.services import reports
from reporting.tables_packs import PackTable, ScheduleTable, made_by, state_badge

# How many packs the panels and the executive dashboard show; the schedule page's history.
PANEL_PACKS = 5
SCHEDULE_RUNS = 20
# The kind of pack each scope's page offers.
KIND_OF_SCOPE = {
    Portfolio: ReportKind.PORTFOLIO_PACK,
    Programme: ReportKind.PROGRAMME_PACK,
    Project: ReportKind.PROJECT_FLASH,
}
# The filters of the executives' page shown as fields; the others still apply from the URL
# (the panels' "All packs" links filter on a programme or a project).
PACK_FILTERS_SHOWN = ("q", "kind", "portfolio", "state", "language", "as_of_after", "as_of_before")


def pack_panel_context(request, scope) -> dict:
    """The Copil packs panel of ``scope``'s page (a portfolio, programme or project): its
    latest packs of the page's kind and, for who may ask for one, the Generate now form."""
    kind = KIND_OF_SCOPE[type(scope)]
    field = {"portfolio_pack": "portfolio", "programme_pack": "programme"}.get(kind, "project")
    packs = list(pack_list().filter(kind=kind, **{field: scope})[:PANEL_PACKS])
    may_add = can(request.user, "add", ReportRun, parent=scope)
    return {
        "kind": kind,
        "kind_label": ReportKind(kind).label,
        "scope_field": field,
        "scope": scope,
        "packs": [{"run": run, "badge": state_badge(run)} for run in packs],
        "all_url": f"{reverse('reporting:pack_list')}?{field}={scope.pk}&kind={kind}",
        "may_add": may_add,
        "form": PackRequestForm(initial={"language": translation.get_language()})
        if may_add
        else None,
    }


class PackListView(ObjectListView):
    """The executives' page: every pack by scope and date, newest first, filtered from the
    URL, the PDF of each finished one a click away."""

    model = ReportRun
    filterset_class = ReportRunFilterSet
    table_class = PackTable
    template_name = "reporting/packs/list.html"
    title = gettext_lazy("Copil packs")

    def get_queryset(self):
        return pack_list()

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        for name in ("as_of_after", "as_of_before"):
            filterset.form.fields[name].widget.input_type = "date"
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["filter"].form
        context["shown_filters"] = [form[name] for name in PACK_FILTERS_SHOWN]
        # The others, kept in the URL when given, without rendering their (long) choices.
        context["hidden_filters"] = [
            (name, value)
            for name in form.fields
            if name not in PACK_FILTERS_SHOWN
            for value in self.request.GET.getlist(name)
            if value
        ]
        context["may_see_schedules"] = can(self.request.user, "view", ReportSchedule)
        return context


class PackDetailView(ObjectDetailView):
    """One pack: its state and figures, the download once made, the retry once failed. While
    queued or running its state block asks for itself again every 2 s (HTMX), and stops once
    the pack is finished."""

    model = ReportRun
    template_name = "reporting/packs/detail.html"
    state_template_name = "reporting/packs/detail_state.html"

    def get_queryset(self):
        return ReportRun.objects.select_related(
            "portfolio", "programme", "project", "schedule", "requested_by"
        )

    def get_template_names(self):
        if self.request.htmx:
            return [self.state_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(pack_context(self.request, self.object))
        return context


def pack_context(request, run: ReportRun) -> dict:
    """What a pack's page shows besides the pack."""
    snapshot = run.snapshot or {}
    generated_at = snapshot.get("generated_at")
    try:
        generated_at = datetime.datetime.fromisoformat(generated_at) if generated_at else None
    except (TypeError, ValueError):  # frozen by an older version: left out
        generated_at = None
    duration = None
    if run.duration_ms is not None:
        duration = _("%(seconds)s s") % {"seconds": number(Decimal(run.duration_ms) / 1000, 1)}
    return {
        "run": run,
        "title": str(run),
        "state_badge": state_badge(run),
        "made_by": made_by(run),
        "duration": duration,
        "may_retry": run.state == RunState.FAILED and can(request.user, "retry", run),
        "may_download": run.state == RunState.SUCCEEDED and bool(run.pdf),
        "frozen": {
            "projects": len(snapshot.get("projects") or []),
            "generated_at": generated_at,
        }
        if snapshot
        else None,
    }


class PackPdfView(RuleRequiredMixin, View):
    """The PDF of a pack, as an attachment named after its kind, scope and date; 404 until
    it is made."""

    model = ReportRun

    def get(self, request, pk):
        run = get_object_or_404(pack_list(), pk=pk)
        if not can(request.user, "view", run):
            raise PermissionDenied
        if run.state != RunState.SUCCEEDED or not run.pdf:
            raise Http404
        try:
            file = run.pdf.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        return FileResponse(
            file, as_attachment=True, filename=run.file_name(), content_type="application/pdf"
        )


class PackRetryView(RuleRequiredMixin, View):
    """POST: queue a failed pack again; a pack in another state stays as it is (409, with the
    reason on its page)."""

    http_method_names = ["post"]
    model = ReportRun

    def post(self, request, pk):
        run = get_object_or_404(PackDetailView().get_queryset(), pk=pk)
        if not can(request.user, "view", run) or not can(request.user, "retry", run):
            raise PermissionDenied
        try:
            queued = reports.report_run_retry(actor=request.user, run=run)
        except WorkflowError as error:
            messages.error(request, error.message)
            context = {"object": run, **pack_context(request, run)}
            return TemplateResponse(request, PackDetailView.template_name, context, status=409)
        if getattr(queued, "queue_unavailable", False):
            messages.warning(request, reports.QUEUE_UNAVAILABLE)
        else:
            messages.success(request, _("The pack is queued again."))
        return HttpResponseRedirect(run.get_absolute_url())


class PackRequestView(RuleRequiredMixin, View):
    """POST (Generate now): queue a pack of a kind for its scope in a language, then its page.
    A bad kind or an unknown scope is a 400 page saying what is wrong."""

    http_method_names = ["post"]
    model = ReportRun
    error_template_name = "reporting/packs/request_error.html"

    def post(self, request):
        form = PackRequestForm(request.POST)
        if form.is_valid():
            try:
                run = reports.report_run_request(actor=request.user, **form.service_kwargs())
            except ValidationError as error:
                error_map(form, error)
            else:
                if getattr(run, "queue_unavailable", False):
                    # Saved all the same: a warning on the pack's page, not an error page.
                    messages.warning(request, reports.QUEUE_UNAVAILABLE)
                else:
                    messages.success(
                        request,
                        _("%(pack)s queued: it is being generated.") % {"pack": run},
                    )
                return HttpResponseRedirect(run.get_absolute_url())
        return TemplateResponse(
            request,
            self.error_template_name,
            {"form": form, "title": _("The pack could not be asked for")},
            status=400,
        )


class PackPanelView(RuleRequiredMixin, View):
    """The Copil packs panel of a programme's page (the programme page has no panel registry:
    it loads this one with HTMX); ``?programme=``, ``?portfolio=`` or ``?project=``."""

    model = ReportRun
    models = {"portfolio": Portfolio, "programme": Programme, "project": Project}

    def get(self, request):
        for name, model in self.models.items():
            value = request.GET.get(name, "")
            if value.isdigit():
                scope = get_object_or_404(model, pk=value)
                break
        else:
            raise Http404
        if not can(request.user, "view", scope):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "reporting/panels/copil_packs.html",
            {"panel": pack_panel_context(request, scope)},
        )


class LatestPacksView(RuleRequiredMixin, TemplateView):
    """The executive dashboard's box of the latest packs, alone (the home page loads it)."""

    model = ReportRun
    template_name = "reporting/dashboard/copil_packs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["copil_packs"] = latest_packs()
        return context


# --- schedules ---------------------------------------------------------------------------


def _schedule_create(*, actor, recipients=(), **data):
    return reports.report_schedule_create(actor=actor, data=data, recipients=list(recipients))


def _schedule_update(schedule, *, actor, recipients=(), **data):
    return reports.report_schedule_update(
        actor=actor, schedule=schedule, data=data, recipients=list(recipients)
    )


def schedule_list():
    """The schedules with their scope, how many recipients and the state of their last pack."""
    last_state = (
        ReportRun.objects.filter(schedule=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values("state")[:1]
    )
    return (
        ReportSchedule.objects.select_related("portfolio", "programme", "project")
        .annotate(recipient_count=Count("recipients", distinct=True))
        .annotate(last_state=Subquery(last_state))
        # A grouped query drops the model's ordering: said again.
        .order_by("name", "pk")
    )


class ScheduleListView(ObjectListView):
    """The report schedules: PMO managers set them up, executives read them."""

    model = ReportSchedule
    filterset_class = ReportScheduleFilterSet
    table_class = ScheduleTable
    title = gettext_lazy("Report schedules")
    create_url_name = "reporting:schedule_create"
    create_label = gettext_lazy("New schedule")

    def get_queryset(self):
        return schedule_list()


class ScheduleDetailView(ObjectDetailView):
    """A schedule: its pack, when in words, the next time, who gets it, its latest packs."""

    model = ReportSchedule
    template_name = "reporting/packs/schedule_detail.html"

    def get_queryset(self):
        return ReportSchedule.objects.select_related(
            "portfolio", "programme", "project", "created_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        schedule = self.object
        language = translation.get_language() or "en"
        try:
            upcoming = cron.next_occurrence(schedule.cron, schedule.time_zone, timezone.now())
        except ValueError:
            upcoming = None
        runs = pack_list().filter(schedule=schedule)[:SCHEDULE_RUNS]
        context.update(
            {
                "schedule": schedule,
                "when": cron.describe(schedule.cron, language),
                "next_run": upcoming if schedule.is_active else None,
                "recipients": list(schedule.recipients.order_by("last_name", "username")),
                "extra_recipients": _extra(schedule.extra_recipients),
                "runs": [{"run": run, "badge": state_badge(run)} for run in runs],
                "can_delete": can(self.request.user, "delete", schedule),
                "title": schedule.name,
            }
        )
        return context


def _extra(text: str) -> list[str]:
    try:
        return cron.extra_emails(text)
    except ValueError:  # kept as typed before the rule existed: shown as it is
        return [text]


# The schedule form's fields, grouped under a heading each.
SCHEDULE_FIELD_GROUPS = (
    (gettext_lazy("The pack"), ("name", "kind", "portfolio", "programme", "project", "language")),
    (gettext_lazy("When"), ("cron", "time_zone", "is_active")),
    (gettext_lazy("For whom"), ("recipients", "extra_recipients", "attach_pdf")),
)


class ScheduleEditView(ObjectEditView):
    """Create or change a schedule (PMO managers); its beat entry follows."""

    model = ReportSchedule
    form_class = ScheduleForm
    template_name = "reporting/packs/schedule_form.html"
    create_service = _schedule_create
    update_service = _schedule_update
    create_title = gettext_lazy("New report schedule")

    def get_initial(self):
        initial = super().get_initial()
        if "pk" not in self.kwargs:  # a new schedule speaks its author's language
            initial.setdefault("language", translation.get_language())
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["field_groups"] = [
            (heading, [form[name] for name in names]) for heading, names in SCHEDULE_FIELD_GROUPS
        ]
        if not context["cancel_url"]:
            context["cancel_url"] = reverse("reporting:schedule_list")
        return context


class ScheduleDeleteView(RuleRequiredMixin, View):
    """GET: what deleting the schedule means; POST: delete it (its packs stay)."""

    model = ReportSchedule
    permission_action = "delete"
    template_name = "reporting/packs/schedule_delete.html"

    def get_object(self, pk):
        schedule = get_object_or_404(ReportSchedule, pk=pk)
        if not can(self.request.user, "delete", schedule):
            raise PermissionDenied
        return schedule

    def get(self, request, pk):
        schedule = self.get_object(pk)
        context = {
            "schedule": schedule,
            "run_count": schedule.runs.count(),
            "title": _("Delete %(schedule)s") % {"schedule": schedule},
        }
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, pk):
        schedule = self.get_object(pk)
        name = schedule.name
        reports.report_schedule_delete(actor=request.user, schedule=schedule)
        messages.success(request, _("Schedule %(name)s deleted.") % {"name": name})
        return HttpResponseRedirect(reverse("reporting:schedule_list"))


# --- looks -------------------------------------------------------------------------------


class LookListView(RuleRequiredMixin, TemplateView):
    """Each portfolio with how its packs look (a PMO setting)."""

    model = ReportLook
    permission_action = "change"
    template_name = "reporting/packs/look_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        portfolios = Portfolio.objects.select_related("report_look").order_by("name")
        context["rows"] = [
            {"portfolio": portfolio, "look": getattr(portfolio, "report_look", None)}
            for portfolio in portfolios
        ]
        context["title"] = _("Copil pack look")
        return context


class LookEditView(RuleRequiredMixin, FormView):
    """How one portfolio's packs look: title, logo, accent colour, marking, footer, sections.
    Programme packs and project flashes of the portfolio look the same."""

    model = ReportLook
    permission_action = "change"
    form_class = LookForm
    template_name = "reporting/packs/look_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.portfolio = get_object_or_404(Portfolio, pk=kwargs["portfolio_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A copy (or a new look): the form validates by writing onto it, the service saves.
        look = ReportLook.objects.filter(portfolio=self.portfolio).first()
        kwargs["instance"] = look or ReportLook(portfolio=self.portfolio)
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        try:
            reports.report_look_update(
                actor=self.request.user, portfolio=self.portfolio, data=form.service_data()
            )
        except ValidationError as error:
            error_map(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Look of the packs of %(portfolio)s saved.") % {"portfolio": self.portfolio.name},
        )
        return HttpResponseRedirect(reverse("reporting:look_list"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["portfolio"] = self.portfolio
        context["look"] = ReportLook.objects.filter(portfolio=self.portfolio).first()
        context["title"] = _("Look of the packs of %(portfolio)s") % {
            "portfolio": self.portfolio.name
        }
        return context
