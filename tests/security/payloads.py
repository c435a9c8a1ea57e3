"""What an attacker types into a free-text field, and how to tell it was escaped.

A field shorter than the whole payload gets the longest piece that fits, so that every
field, whatever its ``max_length``, carries at least one tag a browser would run.
"""

SCRIPT = '<script>alert("x")</script>'
ONERROR = "<img src=x onerror=alert(1)>"
QUOTES = "\"'&"


def tracker(port: int) -> str:
    """An image on a server of the attacker's: a request to it would leak that the page, or
    the PDF, was opened."""
    return f'<img src="http://127.0.0.1:{port}/tracker.png">'


def payload(*, port: int = 9, max_length: int | None = None) -> str:
    """The longest of the payloads that fits in ``max_length`` characters."""
    for candidate in (
        SCRIPT + ONERROR + QUOTES + tracker(port),
        SCRIPT + ONERROR + QUOTES,
        SCRIPT + ONERROR,
        ONERROR,
    ):
        if max_length is None or len(candidate) <= max_length:
            return candidate
    raise ValueError(f"No payload fits in {max_length} characters.")


# (raw text that must never reach a page, its escaped form that must) for each tag.
MARKERS = (
    ('<script>alert("x")', "&lt;script&gt;alert("),
    ("<img src=x onerror", "&lt;img src=x onerror"),
    ('<img src="http://127.0.0.1', "&lt;img src=&quot;http://127.0.0.1"),
)


def markers_in(text: str) -> list[tuple[str, str]]:
    """The markers of the tags ``text`` holds."""
    return [(raw, escaped) for raw, escaped in MARKERS if raw in text]
