"""Asking one URL of the matrix as each role, each request rolled back, its answer classified.

An answer is classified by what it says about access, not about the business outcome:

- ``o`` allowed: the request got past the permission check (2xx, a redirect that is not to
  the sign-in page, 400 bad input, 409 invalid workflow step);
- ``L`` sign in first: a redirect to the sign-in page (the site's or the admin's), or 401;
- ``D`` denied: 403;
- ``H`` hidden: 404;
- ``M`` method not allowed: 405.

A 500 is never an access answer: it is reported as ``5`` with the exception.
"""

import copy
from urllib.parse import urlsplit

from django.db import transaction
from django.test import Client
from django.urls import reverse

OK, LOGIN, DENIED, HIDDEN, NOT_ALLOWED, ERROR = "o", "L", "D", "H", "M", "5"


def login_paths() -> tuple[str, ...]:
    return (reverse("login"), reverse("admin:login"))


def classify(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = urlsplit(response.headers.get("Location", "")).path
        return LOGIN if location in login_paths() else OK
    if status == 401:
        return LOGIN
    if status == 403:
        return DENIED
    if status == 404:
        return HIDDEN
    if status == 405:
        return NOT_ALLOWED
    if status >= 500:
        return ERROR
    return OK


class Caller:
    """One signed-in client per role, restored to its signed-in state before each call."""

    def __init__(self, client):
        self.client = client
        self.cookies = copy.deepcopy(client.cookies)

    def call(self, method: str, url: str, *, api: bool) -> tuple[str, str]:
        """(class, detail) of one request, rolled back whatever it wrote."""
        self.client.cookies = copy.deepcopy(self.cookies)
        try:
            with transaction.atomic():
                try:
                    if api:
                        data = None if method in ("GET", "DELETE") else {}
                        response = self.client.generic(
                            method,
                            url,
                            data="{}" if data is not None else "",
                            content_type="application/json",
                        )
                    elif method == "POST":
                        response = self.client.post(url, {})
                    else:
                        response = self.client.get(url)
                finally:
                    transaction.set_rollback(True)
        except Exception as error:  # a crash is a finding: reported with the others
            return ERROR, f"{type(error).__name__}: {error}"[:300]
        return classify(response), str(response.status_code)


def page_client(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
