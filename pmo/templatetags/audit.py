"""``{% history_link record %}``: the link to a record's history, for whoever may see it."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from pmo import history

register = template.Library()


@register.simple_tag(takes_context=True)
def history_link(context, record, label=None):
    request = context.get("request")
    if (
        record is None
        or request is None
        or type(record) not in history.governed_models()
        or not history.may_see_history(request.user, record)
    ):
        return ""
    return format_html(
        '<a class="button" href="{}">{}</a>', history.history_url(record), label or _("History")
    )
