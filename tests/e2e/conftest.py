"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

The browser comes from ``PILOTAGE_CHROMIUM`` (exported by scripts/test-services.sh, which
installs Debian's ``chromium`` package when it is missing), never from ``playwright
install``. Each test gets a fresh browser context; a failing test leaves a full-page
screenshot in ``var/e2e-screenshots/<test name>.png``.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from tests.factories import TEST_PASSWORD

SCREENSHOT_DIR = Path(settings.BASE_DIR) / "var" / "e2e-screenshots"
# Short enough that a broken page fails in seconds, long enough for a slow CI machine.
TIMEOUT_MS = 10_000


def chromium_path() -> str:
    """The Chromium to drive: ``PILOTAGE_CHROMIUM``, else Debian's on the PATH."""
    path = os.environ.get("PILOTAGE_CHROMIUM") or shutil.which("chromium")
    if not path or not os.access(path, os.X_OK):
        pytest.fail(
            "No Chromium for the browser tests: run them through scripts/test-services.sh "
            "(make test / make e2e), which installs Debian's chromium package, or set "
            "PILOTAGE_CHROMIUM to a Chromium binary.",
            pytrace=False,
        )
    return path


@pytest.fixture
def browser(transactional_db):
    """A headless Chromium for one test, started once its database is set up.

    While Playwright's sync API runs, the test thread looks like it is inside a running
    asyncio loop (the sync API marks its loop as running between calls). Django then keeps
    the test thread's database connections apart, as for an async task, and refuses the ORM
    calls of the test with SynchronousOnlyOperation. So the browser lives within the test
    only: started after the database is ready (``transactional_db``, which restores the
    migrations' rows in plain sync mode for the tests marked ``serialized_rollback``) and
    stopped before it is flushed; in between
    DJANGO_ALLOW_ASYNC_UNSAFE lifts the check (nothing here is async) and the extra
    connections are closed on the way out. A session-wide browser would make the flush and
    the restore of every later transactional test run on the wrong connection.
    """
    unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            # --no-sandbox: the tests run as root in a container, where Chromium's sandbox
            # cannot start.
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), headless=True, args=["--no-sandbox"]
            )
            try:
                yield browser
            finally:
                browser.close()
                # The connections opened while Playwright ran (see above), not the test's own.
                for connection in connections.all(initialized_only=True):
                    connection.close()
    finally:
        if unsafe is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = unsafe


@pytest.fixture
def browser_locale():
    """The browser's language (Accept-Language); parametrize it for a French run."""
    return "en-US"


@pytest.fixture
def page(browser, live_server, browser_locale):
    """A fresh tab in its own context (no cookies), its relative URLs on the live server."""
    context = browser.new_context(
        base_url=live_server.url, locale=browser_locale, viewport={"width": 1400, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def login(page, user, password: str = TEST_PASSWORD) -> None:
    """Sign in through the login form as a person would.

    Enter in the password field submits the login form: the first submit button of the page
    belongs to the language switch of the top bar.
    """
    page.goto("/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    expect(page.locator("header .whoami")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"/login/"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, a full-page screenshot of the test's page, named in the report."""
    report = yield
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.failed and page is not None and not page.is_closed():
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", item.name).strip("_")
        path = SCREENSHOT_DIR / f"{name}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception as error:  # the failure of the test itself matters more
            report.sections.append(("e2e screenshot", f"could not be taken: {error}"))
        else:
            report.sections.append(("e2e screenshot", f"{path} (page at {page.url})"))
    return report
