"""Settings of the processes the fault tests start (worker, gunicorn, manage.py): the test
settings, with tasks sent to the broker rather than run in place, media in the folder the
test gives, and one test-only brake on the Copil pack render.

Only tests/faults/services.py names this module; no deployment ever loads it.
"""

import os
import time
from pathlib import Path

from celery.signals import worker_ready

from pmo.settings.environment import env_bool
from pmo.settings.test import *  # noqa: F403

MEDIA_ROOT = Path(os.environ["FAULTS_MEDIA_ROOT"])
# The worker takes the messages; manage.py, to make a pack before a backup, runs it in place.
CELERY_TASK_ALWAYS_EAGER = env_bool("FAULTS_EAGER", False)

# FAULTS_RENDER_DELAY seconds spent before each Copil pack render, so that a test can kill
# the worker while its run is running. Patched into the worker (solo pool: one process) once
# it is ready.
RENDER_DELAY = float(os.environ.get("FAULTS_RENDER_DELAY", "0"))


def _slow_render(**kwargs):
    if not RENDER_DELAY:
        return
    from reporting import pdf

    render = pdf.render_pack

    def slow(*args, **kw):
        time.sleep(RENDER_DELAY)
        return render(*args, **kw)

    pdf.render_pack = slow


worker_ready.connect(_slow_render, weak=False)
