"""The weekly status emails: a reminder to each project manager with a status still to submit
before the deadline, and after it a summary of the late statuses to the PMO managers.

Beat runs both every hour; each function decides whether it is time and sends at most one
email per kind, week and person. That promise is kept by a :class:`StatusNotification` row
created in the same transaction as the email is sent: a re-run finds the row and sends
nothing; a concurrent run waits on the row's unique constraint and then finds it; a send that
raises rolls the row back, so the next run (or the task's retry) sends it. An email whose
transaction fails to commit after the server accepted it may go twice: the lesser evil.
"""

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from pmo.roles import pmo_managers_to_email
from projects import status, weeks
from projects.choices import ACTIVE_PHASES, ReportState, WeekState
from projects.models import Project, ReportingCalendar, StatusNotification, StatusReport

logger = logging.getLogger(__name__)

Kind = StatusNotification.Kind

# The states a reminder is for: nothing submitted yet, deadline ahead.
STILL_TO_SUBMIT = (WeekState.TO_DO, WeekState.DRAFT)
# The states a late summary lists: nothing submitted and the deadline passed.
NOT_SUBMITTED_IN_TIME = (WeekState.LATE, WeekState.NOT_REPORTED)


def send_status_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind each project manager of their active projects whose status for the current
    week is not submitted, once ``now`` is past the calendar's reminder time and before the
    deadline (both in each project's time zone). One email per manager and week, listing
    those projects with their deadline and a link to "My week". Returns the emails sent.

    Projects whose manager is inactive or has no email address are skipped.
    """
    now = now or timezone.now()
    calendar = ReportingCalendar.get()
    in_window = {}
    for project in _active_projects():
        manager = project.project_manager
        if manager is None or not manager.is_active or not manager.email:
            continue
        week = weeks.current_week(project.tz, now)
        if calendar.reminder_time(week, project.tz) <= now < calendar.deadline(week, project.tz):
            in_window[project] = week
    revisions = _revisions(in_window.items())
    to_remind = defaultdict(list)
    for project, week in in_window.items():
        state = status.week_state(
            project=project,
            week=week,
            reports=revisions[project.pk, week],
            calendar=calendar,
            now=now,
        )
        if state in STILL_TO_SUBMIT:
            # Projects in other time zones may be in another week: one email per week then.
            to_remind[project.project_manager, week].append(
                {
                    "project": project,
                    "state": state,
                    "deadline": timezone.localtime(calendar.deadline(week, project.tz), project.tz),
                    "time_zone": project.time_zone,
                }
            )
    outgoing = []
    for (manager, week), rows in sorted(
        to_remind.items(), key=lambda item: (item[0][1], item[0][0].pk)
    ):
        rows.sort(key=lambda row: row["project"].code)
        context = {
            "recipient": manager,
            "week": week,
            "rows": rows,
            "first_deadline": min(row["deadline"] for row in rows),
            "my_week_url": settings.SITE_URL + reverse("projects:my_week"),
        }
        outgoing.append((week, manager, _message_builder("status_reminder", context, manager)))
    return _send_all(Kind.REMINDER, outgoing)


def send_late_summaries(*, now: datetime.datetime | None = None) -> int:
    """Tell each PMO manager which active projects have not submitted the current week's
    status in time, grouped by project manager. One email per PMO manager and week.

    The week is the current one in the site's time zone; the summary goes once the deadline
    has passed for every active project (they may sit in different time zones) and until the
    week ends, so the first hourly run after the last deadline sends it. A week with nothing
    late sends nothing. PMO managers are the active members of the "PMO manager" group with
    an email address. Returns the emails sent.
    """
    now = now or timezone.now()
    calendar = ReportingCalendar.get()
    site_tz = weeks.zone()
    week = weeks.current_week(site_tz, now)
    projects = list(_active_projects())
    if not projects or any(now < calendar.deadline(week, p.tz) for p in projects):
        return 0
    revisions = _revisions((project, week) for project in projects)
    late_by_manager = defaultdict(list)
    for project in projects:
        state = status.week_state(
            project=project,
            week=week,
            reports=revisions[project.pk, week],
            calendar=calendar,
            now=now,
        )
        if state in NOT_SUBMITTED_IN_TIME:
            late_by_manager[project.project_manager].append(
                {
                    "project": project,
                    "has_draft": any(
                        r.state == ReportState.DRAFT for r in revisions[project.pk, week]
                    ),
                }
            )
    if not late_by_manager:
        return 0
    groups = [
        {"manager": manager, "rows": rows}
        for manager, rows in sorted(
            late_by_manager.items(),
            key=lambda item: (item[0] is None, item[0].display_name if item[0] else ""),
        )
    ]
    compliance_url = f"{settings.SITE_URL}{reverse('reporting:compliance')}?week={week}"
    outgoing = []
    for recipient in pmo_managers_to_email():
        context = {
            "recipient": recipient,
            "week": week,
            "deadline": timezone.localtime(calendar.deadline(week, site_tz), site_tz),
            "time_zone": site_tz.key,
            "groups": groups,
            "late_count": sum(len(group["rows"]) for group in groups),
            "compliance_url": compliance_url,
        }
        outgoing.append((week, recipient, _message_builder("late_summary", context, recipient)))
    return _send_all(Kind.LATE_SUMMARY, outgoing)


def _active_projects():
    return (
        Project.objects.filter(phase__in=ACTIVE_PHASES)
        .select_related("project_manager")
        .order_by("code")
    )


def _revisions(project_weeks: Iterable[tuple[Project, datetime.date]]) -> dict:
    """Every revision of the given (project, week) pairs, in one query, keyed by
    (project id, week); a pair without revision maps to an empty list."""
    pairs = {(project.pk, week) for project, week in project_weeks}
    found = defaultdict(list)
    if not pairs:
        return found
    for report in StatusReport.objects.filter(
        project_id__in={pk for pk, _week in pairs}, week__in={week for _pk, week in pairs}
    ).only("pk", "project_id", "week", "state", "submitted_at"):
        if (report.project_id, report.week) in pairs:
            found[report.project_id, report.week].append(report)
    return found


def _language_of(user) -> str:
    # The user model keeps no language preference yet: everyone gets the site's language.
    return settings.LANGUAGE_CODE


def _message_builder(template: str, context: dict, recipient) -> Callable[[], EmailMessage]:
    """A function rendering the email (subject and body in the recipient's language) only
    when it is to be sent."""

    def build() -> EmailMessage:
        with translation.override(_language_of(recipient)):
            subject = render_to_string(f"projects/email/{template}_subject.txt", context)
            body = render_to_string(f"projects/email/{template}_body.txt", context)
        return EmailMessage(
            subject=" ".join(subject.split()),
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.email],
        )

    return build


def _send_all(kind: str, outgoing: list[tuple[datetime.date, object, Callable]]) -> int:
    """Send each (week, recipient, build) not sent before; return how many were sent.

    A failing send does not stop the others; the first failure is raised at the end, so that
    the task retries (and the retry sends only what is missing).
    """
    if not outgoing:
        return 0
    already = set(
        StatusNotification.objects.filter(
            kind=kind,
            week__in={week for week, _r, _b in outgoing},
            recipient__in=[recipient for _w, recipient, _b in outgoing],
        ).values_list("week", "recipient_id")
    )
    sent = 0
    failure = None
    for week, recipient, build in outgoing:
        if (week, recipient.pk) in already:
            continue
        try:
            if _send_once(kind=kind, week=week, recipient=recipient, build=build):
                sent += 1
        except Exception as error:
            logger.exception("Could not send the %s of week %s to %s", kind, week, recipient.pk)
            failure = failure or error
    logger.info("Sent %s %s email(s)", sent, kind)
    if failure is not None:
        raise failure
    return sent


def _send_once(*, kind: str, week: datetime.date, recipient, build: Callable) -> bool:
    """Record and send one email in one transaction; False if it was sent already."""
    try:
        with transaction.atomic():
            _row, created = StatusNotification.objects.get_or_create(
                kind=kind, week=week, recipient=recipient
            )
            if not created:
                return False
            build().send()
    except IntegrityError:
        # A concurrent run recorded it between our look-up and our insert: theirs to send.
        return False
    return True
