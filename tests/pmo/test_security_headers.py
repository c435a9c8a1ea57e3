"""Security headers on every kind of response: pages, API answers, 404s, the API docs."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def assert_security_headers(response):
    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_a_page_carries_the_security_headers(client_as, pmo_user):
    response = client_as(pmo_user).get(reverse("home"), follow=True)

    assert response.status_code == 200
    assert_security_headers(response)


def test_the_sign_in_page_carries_the_security_headers(client):
    assert_security_headers(client.get(reverse("login")))


def test_an_api_answer_carries_the_security_headers(api_as, pmo_user):
    response = api_as(pmo_user).get("/api/v1/projects/")

    assert response.status_code == 200
    assert_security_headers(response)


def test_a_404_carries_the_security_headers(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert_security_headers(response)


def test_the_policy_allows_no_eval_and_no_inline_script(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))

    assert "'unsafe-eval'" not in policy
    assert "'unsafe-inline'" not in script_src


def test_only_the_api_docs_page_allows_inline_scripts(client, api_as, pmo_user):
    docs = client.get(reverse("api-docs"))
    elsewhere = api_as(pmo_user).get("/api/v1/projects/")

    assert "script-src 'self' 'unsafe-inline';" in docs["Content-Security-Policy"]
    assert "'unsafe-eval'" not in docs["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in docs["Content-Security-Policy"]
    assert elsewhere["Content-Security-Policy"] == EXPECTED_CSP


def test_no_template_holds_an_inline_script_or_handler():
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=|hx-on|javascript:", re.I)
    offenders = [
        str(path)
        for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
        if "pdf" not in path.parts and inline.search(path.read_text())
    ]

    assert offenders == []
