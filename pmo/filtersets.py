"""Base FilterSet: one per model, shared by the list page and the API viewset."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pmo import history


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


def _users(request):
    return get_user_model().objects.order_by("first_name", "last_name", "username")


class AuditFilterSet(django_filters.FilterSet):
    """Filters of the audit trail: who, which kind of record (or one record), when.

    Each filter applies to any historical table alike; :meth:`feed` applies them to the
    history of each governed model kept by the model filter and returns one feed of them.
    """

    user = django_filters.ModelChoiceFilter(
        field_name="history_user", queryset=_users, label=_("User")
    )
    model = django_filters.ChoiceFilter(
        choices=history.model_choices, method="keep", label=_("Kind of record")
    )
    record = django_filters.NumberFilter(field_name="id", label=_("Record id"), min_value=1)
    date_from = django_filters.DateFilter(
        field_name="history_date", lookup_expr="date__gte", label=_("From")
    )
    date_to = django_filters.DateFilter(
        field_name="history_date", lookup_expr="date__lte", label=_("To")
    )

    def __init__(self, data=None, *args, **kwargs):
        kwargs.setdefault("queryset", get_user_model().objects.none())
        super().__init__(data, *args, **kwargs)
        for name in ("date_from", "date_to"):
            self.filters[name].extra.setdefault("widget", forms.DateInput(attrs={"type": "date"}))

    def keep(self, queryset, name, value):
        # Chooses the tables (see feed), not rows.
        return queryset

    def feed(self) -> history.ChangeFeed:
        """The changes these filters keep; none when a filter's value is not valid."""
        if not self.is_valid():
            return history.ChangeFeed([])
        wanted = self.form.cleaned_data.get("model")
        models_ = [
            model
            for model in history.governed_models()
            if not wanted or model._meta.model_name == wanted
        ]
        return history.ChangeFeed(
            [
                (model, self.filter_queryset(history.history_of(model).objects.all()))
                for model in models_
            ]
        )
