"""Beat's schedule for the weekly status emails: both tasks every hour, on the hour.

The tasks decide themselves whether it is time (reminder window, after the deadline), so the
PMO can move the deadline without touching the schedule. Rows are kept by name: the PMO may
disable or re-time them in the admin, and reversing removes only what this migration made.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

HOURLY = {
    "minute": "0",
    "hour": "*",
    "day_of_week": "*",
    "day_of_month": "*",
    "month_of_year": "*",
}
TASKS = {
    "Weekly status reminders": "projects.send_status_reminders",
    "Weekly late-status summary to the PMO": "projects.send_late_summaries",
}


def _beat_changed(apps):
    # Historical models send no signals: tell a running beat that its schedule changed.
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly = CrontabSchedule.objects.filter(**HOURLY, timezone=settings.TIME_ZONE).first()
    if hourly is None:
        hourly = CrontabSchedule.objects.create(**HOURLY, timezone=settings.TIME_ZONE)
    for name, task in TASKS.items():
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "crontab": hourly,
                "enabled": True,
                "description": "Pilotage: weekly status emails (see projects.notifications).",
            },
        )
    _beat_changed(apps)


def remove_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=TASKS, task__in=TASKS.values()).delete()
    # The hourly crontab may serve other tasks by now: remove it only if nothing uses it.
    CrontabSchedule.objects.filter(
        **HOURLY, timezone=settings.TIME_ZONE, periodictask__isnull=True
    ).delete()
    _beat_changed(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_status_notifications"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
