"""Tasks of the base app."""

from celery import shared_task


@shared_task(name="pmo.ping")
def ping() -> str:
    """Answer "pong": proves that a worker takes tasks from the broker."""
    return "pong"
