"""Helpers reading the server-rendered pages in tests."""

import re

from django.utils.html import escape

# One field of a form as rendered by templates/pmo/form_field.html (no nested <div> inside).
FIELD_BLOCK = re.compile(r'<div class="field[ "].*?</div>', re.DOTALL)


def field_block(response, name: str) -> str:
    """The HTML of the block of form field ``name`` (label, widget, help, errors)."""
    html = response.content.decode()
    for block in FIELD_BLOCK.findall(html):
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"No field block for {name!r} in the page")


def assert_field_error(response, name: str, message: str) -> None:
    """The page shows ``message`` inside the block of field ``name``, marked as an error."""
    block = field_block(response, name)
    assert "has-error" in block.split(">", 1)[0], block
    assert escape(message) in block, block


def assert_disabled(response, name: str) -> None:
    """The field ``name`` is shown but cannot be changed."""
    block = field_block(response, name)
    assert "is-disabled" in block.split(">", 1)[0], block
    assert re.search(rf'<(input|select|textarea)[^>]*name="{name}"[^>]*\bdisabled\b', block), block


def table_records(response) -> list:
    """The records of the rows on the current page of the list page's table."""
    return [row.record for row in response.context["table"].page.object_list]
