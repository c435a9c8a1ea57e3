"""Template filters shared by every page."""

from django import template

register = template.Library()


@register.filter
def absolute(value):
    """The absolute value of a number (for "N days ahead" of a negative slip)."""
    try:
        return abs(value)
    except TypeError:
        return value
