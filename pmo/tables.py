"""Base table: sortable columns, the first one linking to the record."""

from decimal import ROUND_HALF_UP, Decimal

import django_tables2 as tables
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table"}
        empty_text = None  # set by the template, translated there


# Numbers right-aligned, in the body, the header and the footer.
NUMBER_ATTRS = {"td": {"class": "num"}, "th": {"class": "num"}, "tf": {"class": "num"}}


def number(value: Decimal | None, places: int = 2, *, grouping: bool = True) -> str:
    """``value`` rounded half up to ``places`` decimals, in the page's language (12,500.00 or
    12 500,00); "—" for None. Django's number format cuts the digits it does not show, which
    would print 3,751,999 for 3,751,999.99."""
    if value is None:
        return "—"
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return formats.number_format(rounded, places, use_l10n=True, force_grouping=grouping)


def money(value: Decimal | None, places: int = 2) -> str:
    """An amount with grouped thousands (and its cents unless ``places`` says otherwise)."""
    return number(value, places)


def fte(value: Decimal | None) -> str:
    """FTE to the hundredth (0.80, 0,80)."""
    return number(value, 2, grouping=False)


class MoneyColumn(tables.Column):
    """An amount, right-aligned; ``places=0`` for the scale of a budget."""

    def __init__(self, *, places: int = 2, **kwargs):
        kwargs.setdefault("attrs", NUMBER_ATTRS)
        super().__init__(**kwargs)
        self.places = places

    def render(self, value):
        return money(value, self.places)


class FteColumn(tables.Column):
    def __init__(self, **kwargs):
        kwargs.setdefault("attrs", NUMBER_ATTRS)
        super().__init__(**kwargs)

    def render(self, value):
        return fte(value)


class AuditTable(BaseTable):
    """The changes of the audit trail, newest first (the order is the trail's: not sortable)."""

    date = tables.DateTimeColumn(verbose_name=_("Date"), format="SHORT_DATETIME_FORMAT")
    user = tables.Column(verbose_name=_("User"), default=_("system"))
    model_label = tables.Column(verbose_name=_("Kind of record"))
    record_label = tables.Column(verbose_name=_("Record"))
    type_label = tables.Column(verbose_name=_("Change"))
    summary = tables.Column(verbose_name=_("What changed"), empty_values=())

    class Meta(BaseTable.Meta):
        orderable = False

    def render_record_label(self, value, record):
        if record.record_url:
            return format_html('<a href="{}">{}</a>', record.record_url, value)
        return value

    def render_summary(self, value, record):
        return format_html(
            '{} <a href="{}#change-{}">{}</a>',
            value,
            record.history_url,
            record.history_id,
            _("History"),
        )
