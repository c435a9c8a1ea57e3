"""Beat's schedule of the Copil pack reaper: every 15 minutes, it fails the runs abandoned
past the time limit and enqueues again those queued too long (see reporting.services.reports).

Kept by name, like 0002's rows; reversing removes only what this migration made.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

EVERY_15_MINUTES = {
    "minute": "*/15",
    "hour": "*",
    "day_of_week": "*",
    "day_of_month": "*",
    "month_of_year": "*",
}
SCHEDULES = (
    (
        "Copil pack reaper",
        "reporting.reap_report_runs",
        EVERY_15_MINUTES,
        "Pilotage: abandoned Copil pack runs failed, lost ones enqueued again.",
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
        ("reporting", "0003_copil_packs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
