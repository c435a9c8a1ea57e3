import pytest
from django.urls import reverse

from pmo.celery import app as celery_app


@pytest.mark.django_db
def test_healthz_reports_both_parts_ok_against_real_postgres_and_redis(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_broker_when_it_does_not_answer(client, monkeypatch):
    # Nothing listens on port 1: the broker is as good as stopped.
    monkeypatch.setattr(celery_app.conf, "broker_write_url", "redis://127.0.0.1:1/0")

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unavailable"}
