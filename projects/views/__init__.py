"""Pages of projects, milestones, weekly statuses and the reporting calendar."""

import datetime
import re
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from pmo.exceptions import CONCURRENT_CONFLICT_MESSAGE, StaleWriteError, WorkflowError
from pmo.rules import can
from pmo.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    RuleRequiredMixin,
    SettingsView,
    error_map,
)
from projects import panels, selectors, services, status, weeks
from projects.choices import Axis, ReportState, Trend, WeekState
from projects.filtersets import MilestoneFilterSet, ProjectFilterSet
from projects.forms import (
    AmendmentForm,
    MilestoneForm,
    ProjectForm,
    ReportingCalendarForm,
    StatusReportForm,
)
from projects.models import (
    STATUS_CONTENT_FIELDS,
    Milestone,
    Project,
    ReportingCalendar,
    StatusReport,
)
from projects.tables import MilestoneTable, ProjectTable


class ProjectListView(ObjectListView):
    model = Project
    filterset_class = ProjectFilterSet
    table_class = ProjectTable
    create_url_name = "projects:project_create"

    def get_queryset(self):
        return selectors.project_list()


class ProjectDetailView(ObjectDetailView):
    model = Project
    template_name = "projects/project_detail.html"

    def get_queryset(self):
        return selectors.project_detail()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        context["milestones"] = list(project.milestones.all())
        context["can_add_milestone"] = can(self.request.user, "add", Milestone, parent=project)
        context["add_milestone_url"] = (
            reverse("projects:milestone_create") + f"?project={project.pk}"
        )
        can_file = can(self.request.user, "add", StatusReport, parent=project)
        timeline = selectors.status_timeline(project)
        context["timeline"] = timeline_grid(project, timeline, can_file=can_file)
        history = selectors.status_history(project)
        for report in history:
            report.qcdr = qcdr(report)
        context["status_history"] = history
        this_week = timeline[-1]
        if can_file and this_week["report"] is None:
            context["file_week_url"] = status_edit_url(project, this_week["week"])
        context["baseline_revisions"] = list(
            project.baseline_revisions.select_related("recorded_by").order_by("-number")
        )
        context["panels"] = panels.render_context(self.request, project)
        return context


class ProjectEditView(ObjectEditView):
    model = Project
    form_class = ProjectForm
    template_name = "projects/project_form.html"
    create_service = services.project_create
    update_service = services.project_update


class MilestoneListView(ObjectListView):
    model = Milestone
    filterset_class = MilestoneFilterSet
    table_class = MilestoneTable
    create_url_name = "projects:milestone_create"

    def get_queryset(self):
        return selectors.milestone_list()


class MilestoneDetailView(ObjectDetailView):
    model = Milestone
    template_name = "projects/milestone_detail.html"

    def get_queryset(self):
        return selectors.milestone_list()


class MilestoneEditView(ObjectEditView):
    model = Milestone
    form_class = MilestoneForm
    parent_field = "project"
    create_service = services.milestone_create
    update_service = services.milestone_update

    def get_success_url(self):
        return self.object.project.get_absolute_url()


# --- weekly status ------------------------------------------------------------------------

WEEK_FORMAT = re.compile(r"\d{4}-\d{2}-\d{2}")
# The rows of the status timeline: the weather, then the QCDR axes.
TIMELINE_ROWS = (("weather", gettext_lazy("Weather")), *Axis.choices)


def status_edit_url(project: Project, week: datetime.date) -> str:
    return reverse("projects:status_edit", args=[project.pk, week.isoformat()])


def parse_week(value: str) -> datetime.date:
    """The Monday named in a URL (YYYY-MM-DD); anything else is not a page (404)."""
    if not WEEK_FORMAT.fullmatch(value):
        raise Http404
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404 from None
    if not weeks.is_monday(day):
        raise Http404
    return day


def my_week_rows(user, *, now: datetime.datetime | None = None) -> list[dict]:
    """The rows of the "My week" table: :func:`selectors.my_week` and the one click of each."""
    rows = selectors.my_week(user, now=now)
    for row in rows:
        project, week = row["project"], row["week"]
        row["last_qcdr"] = qcdr(row["last_status"]) if row["last_status"] else []
        row["state_label"] = WeekState(row["state"]).label
        if row["draft"] is not None:
            row["action"] = (_("Continue draft"), status_edit_url(project, week))
        elif row["submitted"] is not None:
            row["action"] = (_("View"), row["submitted"].get_absolute_url())
            row["amend_url"] = row["submitted"].get_absolute_url() + "#amend"
        else:
            row["action"] = (_("File"), status_edit_url(project, week))
    return rows


def qcdr(report: StatusReport) -> list[dict]:
    """The four axes of ``report``, each with its label, rating and comment, in QCDR order."""
    return [
        {
            "axis": axis,
            "label": label,
            "rating": getattr(report, f"{axis}_rating"),
            "rating_label": getattr(report, f"get_{axis}_rating_display")(),
            "comment": getattr(report, f"{axis}_comment"),
        }
        for axis, label in Axis.choices
    ]


def last_week_values(previous: StatusReport | None) -> dict[str, tuple[object, str]]:
    """Each content field of ``previous`` as (raw value, value shown); empty without one."""
    if previous is None:
        return {}
    values = {}
    for name in STATUS_CONTENT_FIELDS:
        value = getattr(previous, name)
        if StatusReport._meta.get_field(name).choices:
            shown = getattr(previous, f"get_{name}_display")()
        elif value is None or value == "":
            shown = ""
        elif isinstance(value, datetime.date):
            shown = formats.date_format(value, "SHORT_DATE_FORMAT")
        elif isinstance(value, Decimal):
            shown = formats.number_format(value, 2, use_l10n=True, force_grouping=True)
        elif name == "progress":
            shown = f"{value} %"
        else:
            shown = str(value)
        values[name] = (value, shown)
    return values


def timeline_grid(project: Project, timeline: list[dict], *, can_file: bool) -> dict:
    """The status timeline as a grid: weeks as columns, the weather and QCDR as rows.

    A week without a submitted status is a cell of its own kind ("not reported", "late",
    "to do"…), never a rating: nothing is carried over from an earlier week.
    """
    columns = []
    for entry in timeline:
        report, week = entry["report"], entry["week"]
        if report is not None:
            url, link = report.get_absolute_url(), _("View")
        elif can_file and week <= weeks.current_week(project.tz):
            url, link = status_edit_url(project, week), _("File")
        else:
            url, link = None, ""
        columns.append(
            {
                "week": week,
                "state": entry["state"],
                "state_label": WeekState(entry["state"]).label,
                "report": report,
                "revisions": entry["revisions"],
                "url": url,
                "link": link,
            }
        )
    rows = []
    for key, label in TIMELINE_ROWS:
        cells = []
        for entry, column in zip(timeline, columns, strict=True):
            report = entry["report"]
            cell = {"column": column, "report": report}
            if report is not None:
                name = key if key == "weather" else f"{key}_rating"
                trend = entry["trends"][key]
                cell.update(
                    value=getattr(report, name),
                    value_label=getattr(report, f"get_{name}_display")(),
                    comment="" if key == "weather" else getattr(report, f"{key}_comment"),
                    trend=trend,
                    trend_label=Trend(trend).label if trend else "",
                )
            cells.append(cell)
        rows.append({"key": key, "label": label, "cells": cells})
    return {"columns": columns, "rows": rows}


class MyWeekView(RuleRequiredMixin, TemplateView):
    """The project manager's home: this week's status of each of their active projects."""

    model = StatusReport
    # Whoever may file statuses at all (project and PMO managers); the rows are theirs.
    permission_action = "add"
    template_name = "projects/my_week.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("My week")
        context["my_week"] = my_week_rows(self.request.user)
        return context


class StatusEditView(RuleRequiredMixin, TemplateView):
    """The status of one project for one week: start it, continue its draft, submit it.

    "Save draft" creates or changes the week's draft; "Submit" saves the draft and submits it
    in one transaction, so a refused submission leaves everything as it was.
    """

    model = StatusReport
    permission_action = "add"
    template_name = "projects/status_form.html"

    def load(self) -> None:
        self.project = get_object_or_404(selectors.project_list(), pk=self.kwargs["pk"])
        self.week = parse_week(self.kwargs["week"])
        revisions = list(
            StatusReport.objects.filter(project=self.project, week=self.week).order_by("-revision")
        )
        self.draft = next((r for r in revisions if r.state == ReportState.DRAFT), None)
        self.submitted = next((r for r in revisions if r.state == ReportState.SUBMITTED), None)
        self.revisions = revisions
        user = self.request.user
        if self.draft is not None:
            allowed = can(user, "change", self.draft)
        else:
            allowed = can(user, "add", StatusReport, parent=self.project)
        if not allowed:
            raise PermissionDenied
        self.previous = selectors.previous_submitted(self.project, self.week)

    def get(self, request, *args, **kwargs):
        self.load()
        if self.draft is None and self.submitted is not None:
            return HttpResponseRedirect(self.submitted.get_absolute_url())
        source = self.draft or self.previous
        initial = {}
        if source is not None:
            initial = {name: getattr(source, name) for name in STATUS_CONTENT_FIELDS}
        return self.render(StatusReportForm(initial=initial))

    def post(self, request, *args, **kwargs):
        self.load()
        form = StatusReportForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        submitting = request.POST.get("action") == "submit"
        try:
            with transaction.atomic():
                report = self.save_draft(form.cleaned_data)
                if submitting:
                    report = services.status_report_submit(report, actor=request.user)
        except ValidationError as error:
            error_map(form, error)
            return self.render(form)
        except StaleWriteError as error:
            # Someone saved the draft since this form was opened: theirs stays saved, this
            # form keeps what was typed, and the next save is made knowingly over theirs.
            form.add_error(None, error.message)
            self.load()
            return self.render(form, status=409, stale=True)
        except WorkflowError as error:
            form.add_error(None, error.message)
            return self.render(form, status=409)
        except IntegrityError:
            form.add_error(None, CONCURRENT_CONFLICT_MESSAGE)
            return self.render(form, status=409)
        week = formats.date_format(self.week, "SHORT_DATE_FORMAT")
        if submitting:
            messages.success(
                request, _("Status of the week of %(week)s submitted.") % {"week": week}
            )
            return HttpResponseRedirect(report.get_absolute_url())
        messages.success(request, _("Draft of the week of %(week)s saved.") % {"week": week})
        return HttpResponseRedirect(status_edit_url(self.project, self.week))

    def posted_version(self) -> tuple[str | None, int | None]:
        """The draft (its id, "" when there was none) and version this form was opened on."""
        edited = self.request.POST.get("report")
        version = self.request.POST.get("version", "")
        return edited, int(version) if version.isdigit() else None

    def save_draft(self, content: dict) -> StatusReport:
        actor = self.request.user
        edited, version = self.posted_version()
        if self.draft is not None:
            if edited is not None and edited != str(self.draft.pk):
                # Opened before this draft existed: someone else started it meanwhile.
                version = 0
            return services.status_report_update(
                self.draft, actor=actor, version=version, **content
            )
        # The draft this form was opened on, submitted meanwhile (another tab): the service
        # refuses to edit it (409) rather than this starting another revision.
        if edited and edited.isdigit():
            earlier = next((r for r in self.revisions if r.pk == int(edited)), None)
            if earlier is not None:
                return services.status_report_update(earlier, actor=actor, **content)
        return services.status_report_create(
            actor=actor, project=self.project, week=self.week, **content
        )

    def render(self, form, status=200, stale=False):
        context = self.get_context_data(form=form)
        draft = self.draft
        if self.request.method == "POST" and not stale:
            # A refused save keeps the version it started from, so that a save made by someone
            # else meanwhile is still caught on the next try.
            edited, version = self.posted_version()
            context["form_report"] = edited or ""
            context["form_version"] = version or ""
        else:
            context["form_report"] = draft.pk if draft else ""
            context["form_version"] = draft.version if draft else ""
        if stale and draft is not None and form.is_bound:
            context["saved_meanwhile"] = saved_meanwhile(draft, form)
        return self.render_to_response(context, status=status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        project, week, draft = self.project, self.week, self.draft
        calendar = ReportingCalendar.get()
        last = last_week_values(self.previous)
        rows = {
            name: {
                "field": form[name],
                "last": last.get(name, (None, ""))[1],
                "last_value": last.get(name, (None, ""))[0],
            }
            for name in STATUS_CONTENT_FIELDS
        }
        state = status.week_state(
            project=project, week=week, reports=self.revisions, calendar=calendar
        )
        context.update(
            {
                "title": _("Weekly status of %(code)s") % {"code": project.code},
                "project": project,
                "week": week,
                "week_end": week + datetime.timedelta(days=6),
                "deadline": calendar.deadline(week, project.tz),
                "state": state,
                "state_label": WeekState(state).label,
                "draft": draft,
                "submitted": self.submitted,
                "previous": self.previous,
                "last_label": (
                    _("last week")
                    if self.previous and self.previous.week == week - weeks.ONE_WEEK
                    else _("last status")
                ),
                "rows": rows,
                "axis_rows": [
                    (rows[f"{axis}_rating"], rows[f"{axis}_comment"]) for axis in Axis.values
                ],
                "recovery_needed": form.has_red_axis(),
                "future": week > weeks.current_week(project.tz),
                "amended": self.submitted if draft is not None and draft.revision > 1 else None,
            }
        )
        return context


def saved_meanwhile(draft: StatusReport, form) -> list[dict]:
    """Where the draft saved by someone else differs from what this form holds: each field's
    label, the saved value and the typed one, as shown to people."""
    rows = []
    for name in STATUS_CONTENT_FIELDS:
        field = form.fields[name]
        saved = getattr(draft, name)
        typed = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        if saved == typed or (saved in (None, "") and typed in (None, "")):
            continue
        rows.append(
            {
                "label": field.label,
                "saved": shown_value(field, saved),
                "typed": shown_value(field, typed),
            }
        )
    return rows


def shown_value(field, value) -> str:
    """A form value as a person reads it: a choice by its label, a date formatted."""
    if value in (None, ""):
        return "—"
    choices = dict(getattr(field, "choices", ()) or ())
    if value in choices:
        return str(choices[value])
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def status_detail_context(request, report: StatusReport, amend_form=None) -> dict:
    """What the status page shows of ``report``: its content, its week's revisions, the
    trends against the previous submitted week and, for whoever may, the amendment form."""
    revisions = list(
        StatusReport.objects.filter(project_id=report.project_id, week=report.week)
        .select_related("author", "submitted_by")
        .order_by("-revision")
    )
    current = next((r for r in revisions if r.state == ReportState.SUBMITTED), None)
    draft = next((r for r in revisions if r.state == ReportState.DRAFT), None)
    previous = selectors.previous_submitted(report.project, report.week)
    trends = status.axis_trends(report, previous)
    can_change = can(request.user, "change", report)
    amends = None
    if report.revision > 1:
        amends = next(
            (r for r in revisions if r.revision < report.revision and r.submitted_at), None
        )
    return {
        "object": report,
        "project": report.project,
        "title": str(report),
        "revisions": revisions,
        "current": current,
        "draft": draft,
        "amends": amends,
        "previous": previous,
        "trends": trends,
        "axes": [{**axis, "trend": trends[axis["axis"]]} for axis in qcdr(report)],
        "can_amend": can_change and report.state == ReportState.SUBMITTED and draft is None,
        "draft_url": (
            status_edit_url(report.project, report.week) if draft and can_change else None
        ),
        "amend_form": amend_form or AmendmentForm(),
    }


class StatusDetailView(ObjectDetailView):
    """One revision of a week's status, with every revision of that week."""

    model = StatusReport
    template_name = "projects/status_detail.html"

    def get_queryset(self):
        return selectors.status_report_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(status_detail_context(self.request, self.object))
        return context


class StatusAmendView(RuleRequiredMixin, View):
    """Open an amendment of a submitted status (a new draft revision, with its reason)."""

    model = StatusReport
    permission_action = "change"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        report = get_object_or_404(selectors.status_report_list(), pk=kwargs["pk"])
        if not can(request.user, "change", report):
            raise PermissionDenied
        form = AmendmentForm(request.POST)
        if form.is_valid():
            try:
                services.status_report_amend(
                    report, actor=request.user, reason=form.cleaned_data["amendment_reason"]
                )
            except ValidationError as error:
                error_map(form, error)
            except WorkflowError as error:
                form.add_error(None, error.message)
                return self.render(report, form, status=409)
            else:
                messages.success(
                    request,
                    _(
                        "Amendment of revision %(revision)s opened: correct the status, then "
                        "submit it."
                    )
                    % {"revision": report.revision},
                )
                return HttpResponseRedirect(status_edit_url(report.project, report.week))
        return self.render(report, form)

    def render(self, report, form, status=200):
        context = status_detail_context(self.request, report, amend_form=form)
        return TemplateResponse(self.request, "projects/status_detail.html", context, status=status)


class ReportingCalendarView(SettingsView):
    """When weekly statuses are due and reminders go out: the PMO's setting."""

    model = ReportingCalendar
    form_class = ReportingCalendarForm
    template_name = "projects/reporting_calendar.html"
    update_service = services.reporting_calendar_update
    success_message = gettext_lazy("Reporting calendar saved.")
    success_url_name = "projects:reporting_calendar"
    title = gettext_lazy("Reporting calendar")
    context_object_name = "calendar"
