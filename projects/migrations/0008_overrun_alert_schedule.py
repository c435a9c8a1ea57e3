"""Beat's schedule for the overrun alerts: refreshed and emailed every day at 07:00, before
the PMO's day starts.

The row is kept by name: the PMO may disable or re-time it in the admin, and reversing
removes only what this migration made.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

DAILY_AT_7 = {
    "minute": "0",
    "hour": "7",
    "day_of_week": "*",
    "day_of_month": "*",
    "month_of_year": "*",
}
NAME = "Overrun alerts to the PMO"
TASK = "projects.refresh_overrun_alerts"


def _beat_changed(apps):
    # Historical models send no signals: tell a running beat that its schedule changed.
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily = CrontabSchedule.objects.filter(**DAILY_AT_7, timezone=settings.TIME_ZONE).first()
    if daily is None:
        daily = CrontabSchedule.objects.create(**DAILY_AT_7, timezone=settings.TIME_ZONE)
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "crontab": daily,
            "enabled": True,
            "description": "Pilotage: overrun alerts (see projects.services.alerts).",
        },
    )
    _beat_changed(apps)


def remove_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME, task=TASK).delete()
    # The crontab may serve other tasks by now: remove it only if nothing uses it.
    CrontabSchedule.objects.filter(
        **DAILY_AT_7, timezone=settings.TIME_ZONE, periodictask__isnull=True
    ).delete()
    _beat_changed(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0007_budgets_costs_allocations"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
