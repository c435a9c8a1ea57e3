"""Beat's schedules of the reporting app: the alerts refreshed every hour, and the PMO digest
sent on Mondays at 08:00, about the week before.

The rows are kept by name: the PMO may disable or re-time them in the admin, and reversing
removes only what this migration made.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

HOURLY = {
    "minute": "5",
    "hour": "*",
    "day_of_week": "*",
    "day_of_month": "*",
    "month_of_year": "*",
}
MONDAYS_AT_8 = {
    "minute": "0",
    "hour": "8",
    "day_of_week": "1",
    "day_of_month": "*",
    "month_of_year": "*",
}
SCHEDULES = (
    (
        "Alerts refresh",
        "reporting.refresh_alerts",
        HOURLY,
        "Pilotage: alerts raised and resolved from the rules (see reporting.alerts).",
    ),
    (
        "Weekly PMO digest",
        "reporting.send_weekly_digest",
        MONDAYS_AT_8,
        "Pilotage: the weekly digest to the PMO managers (see reporting.digest).",
    ),
)


def _beat_changed(apps):
    # Historical models send no signals: tell a running beat that its schedule changed.
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, crontab, description in SCHEDULES:
        schedule = CrontabSchedule.objects.filter(**crontab, timezone=settings.TIME_ZONE).first()
        if schedule is None:
            schedule = CrontabSchedule.objects.create(**crontab, timezone=settings.TIME_ZONE)
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "crontab": schedule,
                "enabled": True,
                "description": description,
            },
        )
    _beat_changed(apps)


def remove_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, crontab, _description in SCHEDULES:
        PeriodicTask.objects.filter(name=name, task=task).delete()
        # The crontab may serve other tasks by now: remove it only if nothing uses it.
        CrontabSchedule.objects.filter(
            **crontab, timezone=settings.TIME_ZONE, periodictask__isnull=True
        ).delete()
    _beat_changed(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_health_policy_alerts_digests"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
