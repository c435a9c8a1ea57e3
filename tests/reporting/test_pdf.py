"""The PDF of a Copil pack, rendered by WeasyPrint and read back with pypdf: its text in the
chosen language, its pages, its logo, and that nothing a user typed is ever fetched."""

import http.server
import io
import threading

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from reporting.choices import ReportKind, ReportSection
from reporting.models import ReportLook
from reporting.pdf import MEDIA_PREFIX, STATIC_PREFIX, fetch_local, render_pack
from reporting.snapshot import look_of, pack_snapshot
from tests.reporting.test_snapshot import build

pytestmark = pytest.mark.django_db


def snapshot_of(portfolio, *, language="en", kind=ReportKind.PORTFOLIO_PACK, **scope):
    return pack_snapshot(
        kind=kind,
        portfolio=portfolio,
        as_of=timezone.localdate(),
        language=language,
        look=look_of(portfolio),
        previous=None,
        **scope,
    )


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    # Spaces as the PDF draws them: thin and non-breaking ones count as spaces here.
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def portfolio():
    portfolio, _programme, _projects = build(
        3, names=["Billing revamp", "Data platform", "Mobile banking"]
    )
    return portfolio


def test_a_portfolio_pack_in_english_holds_names_labels_and_figures(portfolio):
    rendered = render_pack(snapshot_of(portfolio))

    text = text_of(rendered.content)
    for name in ("Billing revamp", "Data platform", "Mobile banking"):
        assert name in text
    for label in ("Quality", "Cost", "Delay", "Risk"):
        assert label in text
    # Headings are printed in capitals.
    for heading in ("Executive summary", "Next steps", "Top risks"):
        assert heading.lower() in text.lower()
    assert "Green" in text
    assert "Amber" in text
    # Budget CAPEX of one project, of the portfolio, and an actual.
    assert "400,000" in text
    assert "1,200,000" in text
    assert "30,000" in text
    assert "Sign the contract." in text
    assert "P-001 declares Cost green; the figures say red." in text


def test_a_portfolio_pack_of_three_projects_has_seven_pages(portfolio):
    rendered = render_pack(snapshot_of(portfolio))

    # Cover, summary, three project pages, heat map, decision log.
    assert rendered.page_count == 7
    assert len(PdfReader(io.BytesIO(rendered.content)).pages) == 7


def test_every_page_but_the_cover_has_its_number_and_marking(portfolio):
    rendered = render_pack(snapshot_of(portfolio))

    pages = PdfReader(io.BytesIO(rendered.content)).pages
    assert "2 / 7" in pages[1].extract_text()
    assert "7 / 7" in pages[6].extract_text()
    assert "Internal" in pages[3].extract_text()


def test_a_portfolio_pack_in_french_speaks_french(portfolio):
    rendered = render_pack(snapshot_of(portfolio, language="fr"))

    text = text_of(rendered.content)
    for label in ("Qualité", "Coût", "Délai", "Risque", "Vert", "Orange"):
        assert label in text
    assert "prochaines étapes" in text.lower()
    assert "Quality" not in text
    assert "400 000" in text


def test_sections_left_out_leave_their_pages_out(portfolio):
    ReportLook.objects.create(portfolio=portfolio, sections=[ReportSection.PROJECT_PAGES])

    rendered = render_pack(snapshot_of(portfolio))

    assert rendered.page_count == 4


def test_a_project_flash_is_one_or_two_pages(portfolio):
    project = portfolio.projects.order_by("code").first()

    rendered = render_pack(snapshot_of(portfolio, kind=ReportKind.PROJECT_FLASH, project=project))

    assert rendered.page_count in (1, 2)
    assert "Billing revamp" in text_of(rendered.content)


class CountingHandler(http.server.BaseHTTPRequestHandler):
    requests = 0

    def do_GET(self):
        type(self).requests += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    CountingHandler.requests = 0
    server = http.server.HTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_url_typed_by_a_user_is_escaped_and_never_fetched(http_server):
    port = http_server.server_address[1]
    image = f'<img src="http://127.0.0.1:{port}/x.png">'
    css = f'<style>body {{ background: url("http://127.0.0.1:{port}/bg.png") }}</style>'
    portfolio, _programme, _projects = build(
        1, names=[f"Evil {image}"], comment=css, next_steps=f"Next {image}"
    )
    snapshot = snapshot_of(portfolio)
    assert snapshot["projects"][0]["name"].startswith("Evil <img")

    rendered = render_pack(snapshot)

    assert CountingHandler.requests == 0
    text = text_of(rendered.content)
    assert f'Evil <img src="http://127.0.0.1:{port}/x.png">' in text
    assert f"Next {image}" in text.replace("\n", " ")


def test_the_server_counts_a_real_request(http_server):
    # The control: the counting server does count what reaches it.
    import urllib.request

    urllib.request.urlopen(f"http://127.0.0.1:{http_server.server_address[1]}/x.png").close()

    assert CountingHandler.requests == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.com/logo.png",
        "ftp://example.com/x",
        "file:///etc/passwd",
        "file:///static/../../etc/passwd",
        "file:///static/%2e%2e/%2e%2e/etc/passwd",
        "file:///media/../pmo/settings/base.py",
        "file:///static/css/missing.css",
        "//example.com/x.png",
        "x.png",
    ],
)
def test_fetch_local_refuses_anything_outside_static_and_media(url):
    with pytest.raises(ValueError, match=r"report|file"):
        fetch_local(url)


def test_fetch_local_serves_static_files_through_the_finders():
    found = fetch_local(STATIC_PREFIX + "css/print.css")

    assert b"@font-face" in found["string"]
    assert found["mime_type"] == "text/css"
    font = fetch_local(STATIC_PREFIX + "fonts/inter/Inter-Regular.otf")
    assert font["mime_type"] == "font/otf"


def test_fetch_local_serves_media_files_through_the_storage():
    name = default_storage.save("report-logos/test.txt", ContentFile(b"hello"))

    assert fetch_local(MEDIA_PREFIX + name)["string"] == b"hello"


def test_fetch_local_decodes_data_urls_without_a_request():
    assert fetch_local("data:text/plain;base64,aGk=")["string"] == b"hi"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_logo_in_media_is_embedded(portfolio):
    look = ReportLook(portfolio=portfolio, accent_colour="#8a1538", title="Copil")
    look.logo.save("logo.png", ContentFile(png_bytes()), save=False)
    look.save()

    rendered = render_pack(snapshot_of(portfolio))

    cover = PdfReader(io.BytesIO(rendered.content)).pages[0]
    assert len(cover.images) >= 1


def test_a_broken_snapshot_raises(portfolio):
    snapshot = snapshot_of(portfolio)
    del snapshot["scope"]

    with pytest.raises(KeyError):
        render_pack(snapshot)


def test_an_unknown_kind_raises(portfolio):
    snapshot = snapshot_of(portfolio)
    snapshot["kind"] = "nonsense"

    with pytest.raises(KeyError):
        render_pack(snapshot)
