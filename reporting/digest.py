"""The weekly PMO digest: what changed in the portfolio over a week, in plain sentences
("3 projects turned red on Cost: A, B, C"), the alerts raised during it, and the week's
reporting compliance; emailed to each PMO manager on Monday morning about the week before.

Sending follows :mod:`projects.notifications`: a :class:`DigestNotification` row is created
in the transaction that sends the email, so a re-run (or a concurrent one) sends nothing
twice and a failed send leaves no row, so the retry sends it.
"""

import datetime
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from pmo.roles import pmo_managers_to_email
from projects import weeks
from projects.choices import ACTIVE_PHASES, WEATHER_RANK, Axis, Rating, ReportState
from projects.models import StatusReport
from reporting.choices import AlertKind, AlertSeverity
from reporting.compliance import Tally, week_compliance
from reporting.models import Alert, DigestNotification

logger = logging.getLogger(__name__)


def _turned(rating: str, count: int) -> str:
    """The sentence of ``count`` projects turning ``rating`` on an axis (the caller fills in
    axis and codes): one message per colour, so that each language words it its own way."""
    if rating == Rating.RED:
        return ngettext(
            "%(count)s project turned red on %(axis)s: %(codes)s",
            "%(count)s projects turned red on %(axis)s: %(codes)s",
            count,
        )
    if rating == Rating.AMBER:
        return ngettext(
            "%(count)s project turned amber on %(axis)s: %(codes)s",
            "%(count)s projects turned amber on %(axis)s: %(codes)s",
            count,
        )
    return ngettext(
        "%(count)s project turned green on %(axis)s: %(codes)s",
        "%(count)s projects turned green on %(axis)s: %(codes)s",
        count,
    )


@dataclass
class Digest:
    """The week's digest as data; its sentences are worded when read, in the active
    language (the email renders them inside the recipient's)."""

    week: datetime.date
    # (axis, rating) -> project codes that turned to that rating this week.
    turned: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    weather_better: list[str] = field(default_factory=list)
    weather_worse: list[str] = field(default_factory=list)
    reported: int = 0
    new_alerts: dict[str, int] = field(default_factory=dict)
    new_high: int = 0
    open_alerts: int = 0
    compliance: Tally = field(default_factory=Tally)

    @property
    def week_end(self) -> datetime.date:
        return self.week + datetime.timedelta(days=6)

    @property
    def rating_sentences(self) -> list[str]:
        """One sentence per axis and colour turned to, red first, then amber, then green."""
        sentences = []
        for rating in (Rating.RED, Rating.AMBER, Rating.GREEN):
            for axis in Axis:
                codes = self.turned.get((axis.value, rating.value))
                if codes:
                    sentences.append(
                        _turned(rating, len(codes))
                        % {"count": len(codes), "axis": axis.label, "codes": ", ".join(codes)}
                    )
        return sentences

    @property
    def weather_sentences(self) -> list[str]:
        sentences = []
        if self.weather_worse:
            sentences.append(
                ngettext(
                    "The weather worsened for %(count)s project: %(codes)s",
                    "The weather worsened for %(count)s projects: %(codes)s",
                    len(self.weather_worse),
                )
                % {"count": len(self.weather_worse), "codes": ", ".join(self.weather_worse)}
            )
        if self.weather_better:
            sentences.append(
                ngettext(
                    "The weather improved for %(count)s project: %(codes)s",
                    "The weather improved for %(count)s projects: %(codes)s",
                    len(self.weather_better),
                )
                % {"count": len(self.weather_better), "codes": ", ".join(self.weather_better)}
            )
        return sentences

    @property
    def alert_lines(self) -> list[dict]:
        """The kinds of alert raised during the week, with their count, most first."""
        return [
            {"label": AlertKind(kind).label, "count": count}
            for kind, count in sorted(self.new_alerts.items(), key=lambda item: (-item[1], item[0]))
        ]

    @property
    def new_alert_total(self) -> int:
        return sum(self.new_alerts.values())

    @property
    def has_changes(self) -> bool:
        return bool(self.turned or self.weather_better or self.weather_worse)


def _site_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=weeks.zone())


def weekly_digest(*, week: datetime.date, now: datetime.datetime | None = None) -> Digest:
    """The digest of ``week`` (a Monday): the ratings and weather of the active projects'
    statuses of that week against the week before (projects that did not report either week
    are left out of the changes), the alerts first seen during the week by kind, the alerts
    still open, and the week's compliance. Six queries or so, whatever the portfolio's size.
    """
    now = now or timezone.now()
    previous = week - weeks.ONE_WEEK
    digest = Digest(week=week)
    reports = {}
    for report in (
        StatusReport.objects.filter(
            state=ReportState.SUBMITTED,
            week__in=(week, previous),
            project__phase__in=ACTIVE_PHASES,
        )
        .select_related("project")
        .order_by("project__code")
    ):
        reports[report.project_id, report.week] = report
    for (project_id, day), current in reports.items():
        if day != week:
            continue
        digest.reported += 1
        before = reports.get((project_id, previous))
        if before is None:
            continue
        code = current.project.code
        for axis in Axis.values:
            now_rating = getattr(current, f"{axis}_rating")
            if now_rating != getattr(before, f"{axis}_rating"):
                digest.turned.setdefault((axis, now_rating), []).append(code)
        if WEATHER_RANK[current.weather] > WEATHER_RANK[before.weather]:
            digest.weather_worse.append(code)
        elif WEATHER_RANK[current.weather] < WEATHER_RANK[before.weather]:
            digest.weather_better.append(code)
    start, end = _site_midnight(week), _site_midnight(week + weeks.ONE_WEEK)
    raised = Counter()
    for kind, severity in Alert.objects.filter(
        first_seen_at__gte=start, first_seen_at__lt=end
    ).values_list("kind", "severity"):
        raised[kind] += 1
        digest.new_high += severity == AlertSeverity.HIGH
    digest.new_alerts = dict(raised)
    digest.open_alerts = Alert.objects.filter(resolved_at__isnull=True).count()
    digest.compliance = week_compliance(week=week, now=now).tally
    return digest


def digest_week(now: datetime.datetime | None = None) -> datetime.date:
    """The week a digest sent at ``now`` is about: the last full week, in the site's zone."""
    return weeks.current_week(weeks.zone(), now) - weeks.ONE_WEEK


def _message(recipient, digest: Digest) -> EmailMultiAlternatives:
    """The digest email to ``recipient`` in the site's language (users keep no language
    preference yet): plain text with an HTML alternative."""
    site = settings.SITE_URL
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "recipient": recipient,
            "digest": digest,
            "rating_sentences": digest.rating_sentences,
            "weather_sentences": digest.weather_sentences,
            "alert_lines": digest.alert_lines,
            "alerts_url": site + reverse("reporting:alert_list"),
            "compliance_url": f"{site}{reverse('reporting:compliance')}?week={digest.week}",
        }
        subject = translation.gettext("Pilotage: the PMO digest of the week of %(week)s") % {
            "week": digest.week.isoformat()
        }
        text = render_to_string("reporting/email/digest.txt", context)
        html = render_to_string("reporting/email/digest.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient.email]
    )
    message.attach_alternative(html, "text/html")
    return message


def _send_once(*, week: datetime.date, recipient, digest: Digest) -> bool:
    """Record and send one digest in one transaction; False if it was sent already."""
    try:
        with transaction.atomic():
            _row, created = DigestNotification.objects.get_or_create(week=week, recipient=recipient)
            if not created:
                return False
            _message(recipient, digest).send()
    except IntegrityError:
        # A concurrent run recorded it between our look-up and our insert: theirs to send.
        return False
    return True


def send_weekly_digest(*, now: datetime.datetime | None = None) -> int:
    """Email the digest of last week to each active PMO manager with an address, once per
    week each. Returns the emails sent.

    A failing send does not stop the others; the first failure is raised at the end, so that
    the task retries (and the retry sends only what is missing).
    """
    now = now or timezone.now()
    week = digest_week(now)
    recipients = list(pmo_managers_to_email())
    already = set(
        DigestNotification.objects.filter(week=week, recipient__in=recipients).values_list(
            "recipient_id", flat=True
        )
    )
    recipients = [user for user in recipients if user.pk not in already]
    if not recipients:
        return 0
    digest = weekly_digest(week=week, now=now)
    sent, failure = 0, None
    for recipient in recipients:
        try:
            sent += _send_once(week=week, recipient=recipient, digest=digest)
        except Exception as error:
            logger.exception("Could not send the digest of week %s to %s", week, recipient.pk)
            failure = failure or error
    logger.info("Sent %s weekly digest(s) of the week of %s", sent, week)
    if failure is not None:
        raise failure
    return sent
