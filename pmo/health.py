"""Liveness of the parts Pilotage needs: the database and the Celery broker."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pmo.celery import app as celery_app

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any driver error means "does not answer"
        logger.warning("Health check: the database does not answer", exc_info=True)
        return False


def broker_answers() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
            # ensure_connection is lazy on some transports: ask the broker something.
            conn.default_channel  # noqa: B018
        return True
    except Exception:  # any transport error means "does not answer"
        logger.warning("Health check: the broker does not answer", exc_info=True)
        return False


@never_cache
@require_GET
def healthz(request):
    """200 with each part "ok" when both answer, 503 naming the part that does not."""
    checks = {
        "database": "ok" if database_answers() else "unavailable",
        "broker": "ok" if broker_answers() else "unavailable",
    }
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
