"""A Copil pack prints what a user typed as text: the payload is read back from the PDF
literally, and nothing in it, nor in an SVG logo, makes a request to a server."""

import datetime
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader

from projects.choices import GateDecision, Phase
from projects.models import GateReview
from reporting.choices import ReportKind
from reporting.models import ReportLook
from reporting.pdf import render_pack
from risks.models import ChangeRequest, Decision, Risk
from tests.reporting.test_pdf import CountingHandler, http_server, snapshot_of  # noqa: F401
from tests.reporting.test_snapshot import build
from tests.security.payloads import ONERROR, SCRIPT, payload, tracker

pytestmark = pytest.mark.django_db


def squashed(text: str) -> str:
    """Without any white space: a PDF breaks lines where it likes."""
    return re.sub(r"\s+", "", text.replace("\u202f", " ").replace("\xa0", " "))


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return squashed("\n".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def typed(http_server):  # noqa: F811
    """``typed(label, max_length)``: the payload, prefixed with a label naming the field so
    that each field is found on its own, and pointing at the counting server."""
    port = http_server.server_address[1]

    def make(label: str, max_length: int | None = None) -> str:
        room = None if max_length is None else max_length - len(label) - 1
        return f"{label} {payload(port=port, max_length=room)}"

    return make


# Each field the pack prints, by its label: the name of the field in the payload's prefix.
PRINTED = (
    "PORTFOLIO",
    "PROJECT",
    "QUALITY",
    "NEXT",
    "RISK",
    "CHANGE",
    "DECISION",
    "OUTCOME",
    "GATE",
    "LOOKTITLE",
    "LOOKFOOTER",
)


@pytest.fixture
def pack_portfolio(typed):
    portfolio, _programme, projects = build(
        1, names=[typed("PROJECT", 200)], comment=typed("QUALITY"), next_steps=typed("NEXT")
    )
    project = projects[0]
    portfolio.name = typed("PORTFOLIO", 200)
    portfolio.save()
    Risk.objects.filter(project=project, title="Supplier late").update(title=typed("RISK", 200))
    ChangeRequest.objects.filter(project=project).update(title=typed("CHANGE", 200))
    Decision.objects.filter(project=project, title="Choose the supplier").update(
        title=typed("DECISION", 200)
    )
    Decision.objects.filter(project=project, title="Go with supplier B").update(
        outcome=typed("OUTCOME")
    )
    GateReview.objects.create(
        project=project,
        from_phase=Phase.PLANNING,
        to_phase=Phase.EXECUTION,
        gate_name="G1",
        decision=GateDecision.GO_WITH_CONDITIONS,
        conditions=typed("GATE"),
        decided_by=project.sponsor,
        decided_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    ReportLook.objects.create(
        portfolio=portfolio, title=typed("LOOKTITLE", 120), footer=typed("LOOKFOOTER", 120)
    )
    return portfolio


@pytest.mark.parametrize("label", PRINTED)
def test_a_typed_payload_is_printed_as_literal_text(pack_portfolio, label):
    text = text_of(render_pack(snapshot_of(pack_portfolio)).content)

    # Templates may shorten a long text, the cover prints its title in capitals: the tags
    # at the start of the text are printed whole, in one case or the other.
    assert squashed(f"{label} {SCRIPT}{ONERROR}").lower() in text.lower()


def test_rendering_a_pack_full_of_payloads_makes_no_request(pack_portfolio):
    render_pack(snapshot_of(pack_portfolio))

    assert CountingHandler.requests == 0


def test_a_project_flash_full_of_payloads_makes_no_request_and_prints_them(pack_portfolio):
    project = pack_portfolio.projects.get()

    rendered = render_pack(
        snapshot_of(pack_portfolio, kind=ReportKind.PROJECT_FLASH, project=project)
    )

    assert CountingHandler.requests == 0
    assert squashed(f"PROJECT {SCRIPT}") in text_of(rendered.content)


def hostile_svg(port: int) -> bytes:
    """An SVG logo that would run a script and fetch three things if it were obeyed."""
    return f"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="120" height="40" onload="alert(1)">
  <style>@import url("http://127.0.0.1:{port}/style.css");
    rect {{ fill: url("http://127.0.0.1:{port}/paint.svg#p"); }}</style>
  <script>fetch("http://127.0.0.1:{port}/script")</script>
  <rect width="120" height="40"/>
  <image href="http://127.0.0.1:{port}/image.png" width="10" height="10"/>
  <image xlink:href="http://127.0.0.1:{port}/xlink.png" width="10" height="10"/>
  <use href="http://127.0.0.1:{port}/sprite.svg#a"/>
</svg>""".encode()


def test_an_svg_logo_with_a_script_and_external_references_fetches_nothing(http_server):  # noqa: F811
    portfolio, _programme, _projects = build(1)
    look = ReportLook(portfolio=portfolio, title="Copil")
    look.logo.save("logo.svg", ContentFile(hostile_svg(http_server.server_address[1])), save=False)
    look.save()

    rendered = render_pack(snapshot_of(portfolio))

    assert CountingHandler.requests == 0
    assert rendered.page_count >= 1
    assert b"/JavaScript" not in rendered.content
    assert b"/JS" not in rendered.content


def test_a_tracker_in_a_payload_is_printed_not_fetched(pack_portfolio, http_server):  # noqa: F811
    port = http_server.server_address[1]

    text = text_of(render_pack(snapshot_of(pack_portfolio)).content)

    assert CountingHandler.requests == 0
    assert squashed(tracker(port)) in text
