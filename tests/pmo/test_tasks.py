from pmo.celery import app as celery_app
from pmo.tasks import ping


def test_ping_is_registered_under_its_name_for_operators_to_call():
    assert "pmo.ping" in celery_app.tasks


def test_ping_answers_pong():
    assert ping.apply().get() == "pong"
