"""The users of ``make load`` (bench/load.py): who does what, and how often.

Project managers sign in through the login page, open My week and their projects, and file
the current week's status through the pages (open the form, save a draft, submit; once the
week is submitted, amend it and submit again). PMO managers read the dashboard with its
filters, project pages and the lists; executives the dashboards and the Copil packs;
integrations the API with a token. Reads outnumber writes, as in service.

Each project manager user signs in as an account of its own, and files only for that
account's projects, so that no two users ever race on one week: every filing is a valid one.
A 409 (someone else's draft or amendment in the way) would still be the business answer it
is, counted apart in the results, not an error; the scenario is built for there to be none.

bench/load.py writes the accounts, the week and the ids into the file named by LOAD_PLAN.
"""

import html
import itertools
import json
import os
import random
import re
from collections import Counter
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"]).read()) if os.environ.get("LOAD_PLAN") else {}  # noqa: SIM115
# Accounts handed out one per simulated user, in turn.
_managers = itertools.count()
_pmos = itertools.count()
_executives = itertools.count()
_integrations = itertools.count()
# Expected business answers (409 on a filing), by request name.
BUSINESS = Counter()

# What gunicorn gets from the deployment's proxy: the client's scheme, and one connection per
# request (nginx speaks HTTP/1.0 to an upstream unless told otherwise). Reusing idle
# connections instead would race gunicorn's 2 s keep-alive: resets that no user would see.
PROXY_HEADERS = {"X-Forwarded-Proto": PLAN.get("forwarded_proto", "https"), "Connection": "close"}

HIDDEN_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')

DASHBOARD_FILTERS = [
    "",
    "?phase=execution",
    "?attention=on",
    "?quality=red",
    "?delay=amber&sort=-slip",
    "?q=PRJ-01",
    "?sort=-report_age",
]
PMO_LISTS = [
    ("/projects/", "page: project list"),
    ("/projects/?phase=execution&q=1", "page: project list"),
    ("/raid/risks/", "page: risk register"),
    ("/milestones/", "page: milestone list"),
    ("/reporting/compliance/", "page: reporting compliance"),
    ("/changes/", "page: change requests"),
    ("/finance/cost-entries/", "page: cost entries"),
    ("/alerts/", "page: alerts"),
]


def hidden_inputs(page: str, marker: str) -> dict:
    """The hidden fields of the form whose opening tag contains ``marker`` (the CSRF token,
    the draft being edited, whatever else the form carries back)."""
    for chunk in page.split("<form")[1:]:
        opening, _, rest = chunk.partition(">")
        if marker not in opening:
            continue
        fields = {}
        for tag in HIDDEN_INPUT.findall(rest.split("</form>")[0]):
            attributes = dict(ATTRIBUTE.findall(tag))
            if attributes.get("type", "").lower() == "hidden" and "name" in attributes:
                fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
        return fields
    return {}


def location_path(response) -> str:
    """Where a redirect points, as a path on this server."""
    parts = urlsplit(response.headers.get("Location", ""))
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Browser(HttpUser):
    """A person in a browser behind the deployment's TLS proxy.

    The server sees plain HTTP on loopback, as gunicorn does behind the proxy: the proxy's
    X-Forwarded-Proto goes with every request, and the browser, which speaks HTTPS to the
    proxy, sends back the cookies marked Secure and an https Origin on its form posts.
    """

    abstract = True
    wait_time = between(0.5, 2.5)

    def on_start(self):
        self.client.headers.update(PROXY_HEADERS)
        self.origin = f"{PLAN['forwarded_proto']}://{urlsplit(self.host).netloc}"

    # -- requests -------------------------------------------------------------------------

    def send_secure_cookies(self) -> None:
        """Python's cookie jar keeps a Secure cookie to https:// URLs, and requests copies the
        jar into a fresh one (default policy) for each request: unmark them instead."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def get(self, path: str, name: str, *, expect=(200,), headers=None):
        """GET without following redirects (each hop is its own request); anything but
        ``expect`` is a failure, a sign-in page included."""
        self.send_secure_cookies()
        with self.client.get(
            path, name=name, allow_redirects=False, headers=headers, catch_response=True
        ) as response:
            if response.status_code in expect:
                response.success()
            else:
                response.failure(f"{response.status_code} on {path}{broken(response)}")
        return response

    def post(self, path: str, data: dict, name: str, *, business=()):
        """A form post as the browser sends it; a redirect is success, a page back (the
        form refused) a failure, a status in ``business`` the expected business answer."""
        headers = {"Origin": self.origin, "Referer": f"{self.origin}{path}"}
        self.send_secure_cookies()
        with self.client.post(
            path, data=data, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code in (302, 303):
                response.success()
            elif response.status_code in business:
                BUSINESS[name] += 1
                response.success()
            else:
                response.failure(
                    f"{response.status_code} on {path}: {refusal(response.text)}{broken(response)}"
                )
        return response

    def sign_in(self, username: str) -> None:
        page = self.get("/login/", "page: login")
        fields = hidden_inputs(page.text, 'class="form"')
        fields.update({"username": username, "password": PLAN["password"]})
        self.post("/login/", fields, "form: sign in")


def broken(response) -> str:
    """Why no answer came (status 0): the connection's error."""
    return f" ({response.error!r})" if response.status_code == 0 else ""


def refusal(page: str) -> str:
    """The first error a refused form shows, for the failure's message."""
    found = re.search(r'class="[^"]*error[^"]*"[^>]*>(.*?)</', page, re.DOTALL)
    return re.sub(r"\s+", " ", html.unescape(found.group(1))).strip()[:200] if found else ""


class ProjectManager(Browser):
    """Files the week's status of their projects, and reads their own pages."""

    weight = 8

    def on_start(self):
        super().on_start()
        account = PLAN["project_managers"][next(_managers)]
        self.projects = itertools.cycle(account["projects"])
        self.own = list(account["projects"])
        self.sign_in(account["username"])

    @task(3)
    def my_week(self):
        self.get("/my-week/", "page: my week")

    @task(3)
    def own_project(self):
        self.get(f"/projects/{random.choice(self.own)}/", "page: project")  # noqa: S311

    @task(1)
    def own_list(self):
        self.get("/projects/?mine=true", "page: project list")

    @task(2)
    def file_status(self):
        """Open the week's form (amending the submitted status first when there is one),
        save a draft, submit it, see the submitted status."""
        self.get("/my-week/", "page: my week")
        edit = f"/projects/{next(self.projects)}/status/{PLAN['week']}/"
        form = self.get(edit, "page: status form", expect=(200, 302))
        if form.status_code == 302:
            detail = location_path(form)
            page = self.get(detail, "page: status detail")
            fields = hidden_inputs(page.text, "/amend/")
            fields["amendment_reason"] = "Figures corrected after the steering meeting."
            amend = self.post(f"{detail}amend/", fields, "form: status amend", business=(409,))
            if amend.status_code != 302:
                return
            form = self.get(location_path(amend), "page: status form")
        if form.status_code != 200:
            return
        content = status_content()
        fields = {**hidden_inputs(form.text, "status-form"), **content, "action": "draft"}
        saved = self.post(edit, fields, "form: status save draft", business=(409,))
        if saved.status_code != 302:
            return
        form = self.get(location_path(saved), "page: status form")
        if form.status_code != 200:
            return
        fields = {**hidden_inputs(form.text, "status-form"), **content, "action": "submit"}
        submitted = self.post(edit, fields, "form: status submit", business=(409,))
        if submitted.status_code == 302:
            self.get(location_path(submitted), "page: status detail")


def status_content() -> dict:
    """A complete status: mostly green, now and then an amber axis with its reason."""
    ratings = {f"{axis}_rating": "green" for axis in ("quality", "cost", "delay", "risk")}
    comments = {f"{axis}_comment": "" for axis in ("quality", "cost", "delay", "risk")}
    weather = "sunny"
    if random.random() < 0.3:  # noqa: S311
        ratings["delay_rating"] = "amber"
        comments["delay_comment"] = "Supplier delivery one week late; buffer absorbs it."
        weather = "cloudy"
    return {
        "weather": weather,
        **ratings,
        **comments,
        "recovery_plan": "",
        "recovery_target_date": "",
        "progress": str(random.randint(30, 90)),  # noqa: S311
        "achievements": "Integration tests passed; data migration rehearsed.",
        "next_steps": "User acceptance, then the cut-over plan.",
        "attention_points": "",
        "decisions_requested": "",
        "estimate_to_complete": "120000.00",
    }


class PmoManager(Browser):
    """Watches the portfolio: the dashboard and its filters, project pages, the lists."""

    weight = 5

    def on_start(self):
        super().on_start()
        accounts = PLAN["pmo_managers"]
        self.sign_in(accounts[next(_pmos) % len(accounts)])

    @task(4)
    def dashboard(self):
        query = random.choice(  # noqa: S311
            [
                *DASHBOARD_FILTERS,
                f"?portfolio={random.choice(PLAN['portfolios'])}",  # noqa: S311
                f"?programme={random.choice(PLAN['programmes'])}",  # noqa: S311
            ]
        )
        self.get(f"/dashboard/{query}", "page: dashboard" + (" (filtered)" if query else ""))
        # The page asks for its summary band as soon as it loads (htmx).
        self.get(f"/dashboard/summary/{query}", "page: dashboard summary", headers=HTMX)

    @task(3)
    def project(self):
        self.get(f"/projects/{random.choice(PLAN['projects'])}/", "page: project")  # noqa: S311

    @task(3)
    def lists(self):
        path, name = random.choice(PMO_LISTS)  # noqa: S311
        self.get(path, name)


HTMX = {"HX-Request": "true"}


class Executive(Browser):
    """Reads the executive dashboard, the full one now and then, and the Copil packs."""

    weight = 3

    def on_start(self):
        super().on_start()
        accounts = PLAN["executives"]
        self.sign_in(accounts[next(_executives) % len(accounts)])

    @task(3)
    def executive_dashboard(self):
        self.get("/dashboard/executive/", "page: executive dashboard")

    @task(1)
    def dashboard(self):
        self.get("/dashboard/", "page: dashboard")
        self.get("/dashboard/summary/", "page: dashboard summary", headers=HTMX)

    @task(2)
    def packs(self):
        self.get("/reporting/packs/", "page: Copil packs")

    @task(1)
    def project(self):
        self.get(f"/projects/{random.choice(PLAN['projects'])}/", "page: project")  # noqa: S311


class Integration(HttpUser):
    """An integration pulling the portfolio through the API with its own token.

    Each simulated integration has its own account, hence its own rate limit (production's
    API_USER_RATE, unchanged: a few calls a second each stays well under it).
    """

    weight = 4
    wait_time = between(0.5, 2.5)

    def on_start(self):
        self.client.headers.update(PROXY_HEADERS)
        accounts = PLAN["integrations"]
        username = accounts[next(_integrations) % len(accounts)]
        with self.client.post(
            "/api/v1/auth/token/",
            json={"username": username, "password": PLAN["password"]},
            name="api: token",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            self.client.headers["Authorization"] = f"Token {response.json()['token']}"

    def read(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(
                    f"{response.status_code} on {path}: {response.text[:200]}{broken(response)}"
                )

    @task(3)
    def projects(self):
        page = random.randint(1, PLAN["api_pages"]["projects"])  # noqa: S311
        self.read(f"/api/v1/projects/?page_size=100&page={page}", "api: projects")

    @task(3)
    def status_reports(self):
        page = random.randint(1, PLAN["api_pages"]["status_reports"])  # noqa: S311
        self.read(f"/api/v1/status-reports/?page_size=100&page={page}", "api: status reports")

    @task(2)
    def risks(self):
        page = random.randint(1, PLAN["api_pages"]["risks"])  # noqa: S311
        self.read(f"/api/v1/risks/?page_size=100&page={page}", "api: risks")

    @task(2)
    def cost_entries(self):
        page = random.randint(1, PLAN["api_pages"]["cost_entries"])  # noqa: S311
        self.read(f"/api/v1/cost-entries/?page_size=100&page={page}", "api: cost entries")

    @task(1)
    def project(self):
        pk = random.choice(PLAN["projects"])  # noqa: S311
        self.read(f"/api/v1/projects/{pk}/", "api: project")


@events.test_stop.add_listener
def write_business_answers(**kwargs):
    """The expected business answers, for bench/load.py's report."""
    target = os.environ.get("LOAD_BUSINESS")
    if target:
        with open(target, "w") as output:
            json.dump(dict(BUSINESS), output)
