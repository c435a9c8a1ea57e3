"""Base FilterSet: one per model, shared by the list page and the API viewset."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AnyYesNoSelect(forms.Select):
    """A yes/no filter whose empty choice means "any", not "unknown"."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])

    def format_value(self, value):
        return {True: ["true"], False: ["false"], "True": ["true"], "False": ["false"]}.get(
            value, super().format_value(value)
        )


class BaseFilterSet(django_filters.FilterSet):
    """Adds ``q``, a case-insensitive search over ``search_fields``; page-friendly widgets."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label=_("Search"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():
            if isinstance(filter_, django_filters.BooleanFilter):
                filter_.extra.setdefault("widget", AnyYesNoSelect)
            elif isinstance(filter_, django_filters.DateFilter):
                filter_.extra.setdefault("widget", forms.DateInput(attrs={"type": "date"}))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)
