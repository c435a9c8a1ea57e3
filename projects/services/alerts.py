"""Overrun alerts: opened when a project's estimate at completion passes its budget beyond
the PMO's tolerance, kept up to date while it does, closed when it no longer does; and the
email telling the PMO managers of the *unflagged* ones (the project still says green on Cost).

Both run daily from the ``projects.refresh_overrun_alerts`` task, with no actor: they are the
system's writes, not a person's. Each is one transaction. A project has at most one open
alert (a database constraint): two runs at once cannot open two, the second one finds the
first one's alert and updates it. An alert is emailed once: the email is sent inside the
transaction that marks it notified, so a re-run (or a concurrent run, which waits on the
rows' locks) finds it marked and sends nothing, while a send that fails rolls the mark back
for the retry. An email whose transaction fails to commit after the mail server accepted it
may go twice: the lesser evil.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from pmo.roles import pmo_managers_to_email
from pmo.services import model_update
from projects.choices import ACTIVE_PHASES
from projects.models import OverrunAlert, Project
from projects.selectors.finance import FinanceSummary, finance_by_project, overrun_alert_list

logger = logging.getLogger(__name__)

# What an open alert keeps of the project's figures, refreshed on every run.
ALERT_FIGURES = ("budget", "threshold", "eac", "eac_basis", "cost_rating", "unflagged")


def _figures(summary: FinanceSummary) -> dict:
    return {
        "budget": summary.budget_total,
        "threshold": summary.threshold,
        "eac": summary.eac,
        "eac_basis": summary.eac_basis,
        "cost_rating": summary.cost_rating or "",
        "unflagged": summary.unflagged,
    }


def _open_alert(project: Project, figures: dict, now: datetime.datetime) -> OverrunAlert | None:
    """Open an alert on ``project``; None if a concurrent run opened one first."""
    alert = OverrunAlert(project=project, opened_at=now, **figures)
    # The one-open-alert constraint is left to the database: between two concurrent runs it
    # is the only judge, and its refusal is caught below.
    alert.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            alert.save()
    except IntegrityError:
        return None
    return alert


def _locked_open_alerts() -> dict[int, OverrunAlert]:
    """The open alerts by project id, locked until the transaction ends."""
    return {
        alert.project_id: alert
        for alert in OverrunAlert.objects.select_for_update().filter(closed_at__isnull=True)
    }


@transaction.atomic
def overrun_alerts_refresh(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Bring the overrun alerts in line with the figures of every active project today.

    A project in overrun without an open alert gets one (its budget, threshold, EAC and basis,
    declared cost rating, unflagged or not); an open alert of a project still in overrun
    takes its new figures; an open alert of a project no longer in overrun, or no longer
    active, is closed. Returns how many were ``opened``, ``updated`` (figures changed) and
    ``closed``.
    """
    now = now or timezone.now()
    as_of = timezone.localdate(now)
    summaries = finance_by_project(
        Project.objects.filter(phase__in=ACTIVE_PHASES).order_by("pk"), as_of=as_of
    )
    open_alerts = _locked_open_alerts()
    counts = {"opened": 0, "updated": 0, "closed": 0}
    for project_id, summary in summaries.items():
        if not summary.overrun:
            continue
        figures = _figures(summary)
        alert = open_alerts.pop(project_id, None)
        try:
            if alert is None:
                if _open_alert(summary.project, figures, now) is not None:
                    counts["opened"] += 1
                    continue
                alert = OverrunAlert.objects.select_for_update().get(
                    project_id=project_id, closed_at__isnull=True
                )
            _alert, changed = model_update(instance=alert, data=figures)
        except ValidationError:
            # Figures the alert cannot hold (an EAC of a trillion from a 1 % progress): the
            # other projects' alerts still go; this one is in the log for someone to look.
            logger.exception("Could not record the overrun of project %s", project_id)
            continue
        if changed:
            counts["updated"] += 1
    # Left: the open alerts of projects no longer in overrun, or no longer active.
    for alert in open_alerts.values():
        model_update(instance=alert, data={"closed_at": now})
        counts["closed"] += 1
    logger.info(
        "Overrun alerts: %s opened, %s updated, %s closed",
        counts["opened"],
        counts["updated"],
        counts["closed"],
    )
    return counts


def _message(recipient, alerts: list[OverrunAlert]) -> EmailMultiAlternatives:
    """The email listing ``alerts`` to ``recipient``, in the site's language (users keep no
    language preference yet), plain text with an HTML alternative."""
    site = settings.SITE_URL
    context = {
        "recipient": recipient,
        "rows": [
            {"alert": alert, "url": site + alert.project.get_absolute_url()} for alert in alerts
        ],
        "count": len(alerts),
        "list_url": f"{site}{reverse('projects:overrun_list')}?open=true&unflagged=true",
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "Pilotage: %(count)s budget overrun not flagged by its project",
            "Pilotage: %(count)s budget overruns not flagged by their projects",
            len(alerts),
        ) % {"count": len(alerts)}
        text = render_to_string("projects/email/overrun_alerts.txt", context)
        html = render_to_string("projects/email/overrun_alerts.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def overrun_alerts_notify(*, now: datetime.datetime | None = None) -> int:
    """Email each active PMO manager with an address the open unflagged overrun alerts not
    notified yet (one email each, listing them all), then mark those alerts notified.
    Returns the emails sent.

    Sending and marking are one transaction holding the alerts' locks: nothing is sent twice
    by a re-run or a concurrent run, and a failed send marks nothing, so the retry sends it.
    Without any PMO manager to tell, nothing is marked: the alerts wait for one.
    """
    now = now or timezone.now()
    recipients = list(pmo_managers_to_email())
    if not recipients:
        return 0
    with transaction.atomic():
        alerts = list(
            overrun_alert_list()
            .select_for_update(of=("self",))
            .filter(closed_at__isnull=True, unflagged=True, notified_at__isnull=True)
            .order_by("project__code")
        )
        if not alerts:
            return 0
        for recipient in recipients:
            _message(recipient, alerts).send()
        # A timestamp set by the system: nothing to validate, one query for all.
        OverrunAlert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(
            notified_at=now, updated_at=now
        )
    logger.info("Told %s PMO manager(s) of %s unflagged overrun(s)", len(recipients), len(alerts))
    return len(recipients)
