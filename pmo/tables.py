"""Base table: sortable columns, the first one linking to the record."""

import django_tables2 as tables


class BaseTable(tables.Table):
    class Meta:
        attrs = {"class": "table"}
        empty_text = None  # set by the template, translated there
