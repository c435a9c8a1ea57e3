"""The Celery application: configured from Django settings, tasks found in each app."""

import os

from celery import Celery, bootsteps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.settings.local")

app = Celery("pilotage")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Tasks each worker sends whenever it connects to the broker (starting, or back after the
# broker was away): the work asked for while no message could be sent is picked up again.
TASKS_ON_CONNECT = ("reporting.requeue_report_runs",)


class SendTasksOnConnect(bootsteps.StartStopStep):
    """Started with the worker's consumer, and again each time it reconnects."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, consumer):
        for name in TASKS_ON_CONNECT:
            consumer.app.send_task(name)


app.steps["consumer"].add(SendTasksOnConnect)
