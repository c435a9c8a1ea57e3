"""The audit trail of governed records: every change kept with who, when and what changed.

A governed model declares ``history = audit_trail()``; django-simple-history then writes a
historical row on each save and delete. The user of a row is, in order: the actor a service
names (:func:`acting_as`, :func:`records_actor`), the signed-in user of the request (the
middleware; DRF sets its authenticated user, token included, on the same request), or nobody
(a scheduled task: "system"). History is read-only for everyone: nothing in Pilotage edits
or deletes a historical row.

The selectors below read it: :class:`ChangeFeed` is a paginable sequence of changes across
governed models, each with its field-level differences, every id resolved in bulk.
"""

import contextlib
import contextvars
import datetime
import functools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import CharField, OuterRef, Q, Subquery, Value
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.roles import is_pmo_manager, oversees_portfolio
from pmo.rules import can

# Bookkeeping that changes on every save and says nothing a reader needs.
NOISE_FIELDS = ("updated_at",)
# Never shown as a change: the row's identity and its creation stamp.
SILENT_FIELDS = frozenset({"id", "created_at", "updated_at"})

_actor: contextvars.ContextVar = contextvars.ContextVar("pilotage_history_actor", default=None)


def _history_user(request=None, instance=None, **kwargs):
    """Who a historical row is written for: the named actor, else the request's user."""
    actor = _actor.get()
    if actor is not None:
        return actor
    return getattr(request, "user", None) if request is not None else None


def audit_trail(*, excluded_fields=()) -> HistoricalRecords:
    """The history manager of a governed model."""
    return HistoricalRecords(
        excluded_fields=[*NOISE_FIELDS, *excluded_fields], get_user=_history_user
    )


@contextlib.contextmanager
def acting_as(actor):
    """Record the changes made inside the block as ``actor``'s (a user; None or an anonymous
    user names nobody and keeps whoever was named before)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        yield
        return
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def records_actor(service):
    """Decorate a service taking ``actor=``: what it writes is recorded as that actor's,
    whether it is called from a page, the API, a task or a command."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        with acting_as(kwargs.get("actor")):
            return service(*args, **kwargs)

    return wrapper


def current_actor():
    """The actor named by :func:`acting_as`, if any (bulk writes stamp their rows with it)."""
    return _actor.get()


# -- the governed models ------------------------------------------------------------------


def governed_models() -> list[type[models.Model]]:
    """The models with an audit trail, by app then name."""
    found = [m for m in apps.get_models() if hasattr(m._meta, "simple_history_manager_attribute")]
    return sorted(found, key=lambda m: (m._meta.app_label, m._meta.model_name))


def governed_model(name: str) -> type[models.Model] | None:
    """The governed model called ``name`` (its model name, "risk"), or None."""
    for model in governed_models():
        if model._meta.model_name == name:
            return model
    return None


def model_choices() -> list[tuple[str, str]]:
    """(model name, translated plural) of every governed model, for a filter."""
    return sorted(
        (
            (m._meta.model_name, str(m._meta.verbose_name_plural).capitalize())
            for m in governed_models()
        ),
        key=lambda choice: choice[1],
    )


def history_of(model):
    return model.history.model


def _project_model():
    return apps.get_model("projects", "Project")


def project_scoped_models() -> list[type[models.Model]]:
    """The governed models whose rows belong to one project (a ``project`` key)."""
    project_model = _project_model()
    scoped = []
    for model in governed_models():
        relation = next((f for f in model._meta.fields if f.name == "project"), None)
        if getattr(relation, "related_model", None) is project_model:
            scoped.append(model)
    return scoped


# The relations a record's label reads (its __str__), loaded with it.
LABEL_RELATIONS = {
    "statusreport": ("project",),
    "budgetline": ("project",),
    "costentry": ("project",),
    "allocation": ("project", "resource"),
    "gatereview": ("project",),
}


def _project_of(obj):
    project_model = _project_model()
    if isinstance(obj, project_model):
        return obj
    return getattr(obj, "project", None) if getattr(obj, "project_id", None) else None


def may_see_history(user, obj) -> bool:
    """Who changed what on a record is for those who oversee the portfolio and for the
    manager of the record's project; others may read the record, not its history."""
    if not can(user, "view", obj):
        return False
    if oversees_portfolio(user):
        return True
    project = _project_of(obj)
    return project is not None and project.project_manager_id == user.pk


def history_url(obj) -> str:
    return reverse("audit:record", args=[obj._meta.model_name, obj.pk])


# -- reading changes -----------------------------------------------------------------------

TYPE_LABELS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
EMPTY = "—"


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass
class Change:
    """One version of a record: who, when, what kind of change and which fields."""

    history_id: int
    model: type
    record_id: int
    date: datetime.datetime
    type: str
    user: object = None
    record: object = None
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def type_label(self) -> str:
        return TYPE_LABELS.get(self.type, self.type)

    @property
    def model_label(self) -> str:
        return str(self.model._meta.verbose_name).capitalize()

    @property
    def record_label(self) -> str:
        if self.record is not None:
            return str(self.record)
        return _("%(model)s %(id)s (deleted)") % {
            "model": self.model._meta.verbose_name,
            "id": self.record_id,
        }

    @property
    def record_url(self) -> str | None:
        if self.record is None:
            return None
        try:
            return self.record.get_absolute_url()
        except (AttributeError, NoReverseMatch):
            return None

    @property
    def history_url(self) -> str:
        return reverse("audit:record", args=[self.model._meta.model_name, self.record_id])

    @property
    def summary(self) -> str:
        if self.type == "-":
            return str(_("Deleted"))
        if self.type == "+":
            return str(_("Created"))
        return ", ".join(change.label for change in self.fields)


def tracked_fields(model) -> list:
    return [f for f in history_of(model).tracked_fields if f.name not in SILENT_FIELDS]


def _differences(fields, row, previous) -> list[tuple]:
    """(field, old value, new value) of each tracked field that differs (all the filled ones
    for a creation)."""
    found = []
    for model_field in fields:
        new = getattr(row, model_field.attname)
        old = getattr(previous, model_field.attname) if previous is not None else None
        if previous is None and new in (None, "", [], {}):
            continue
        if previous is not None and old == new:
            continue
        found.append((model_field, old, new))
    return found


def _display(model_field, value, related: dict) -> str:
    """A stored value as a reader knows it: a choice's label, a related record's name."""
    if value is None or value == "":
        return EMPTY
    if model_field.is_relation:
        target = related.get((model_field.related_model, value))
        return str(target) if target is not None else f"#{value}"
    if model_field.flatchoices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal | float | int):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _previous_id(history_model):
    """The id of the version just before each row (same record, earlier)."""
    earlier = history_model.objects.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    return Subquery(earlier.order_by("-history_date", "-history_id").values("history_id")[:1])


def _changes_of(refs: list[dict]) -> list[Change]:
    """The changes ``refs`` point at (model name, history id), in their order, read in a
    fixed number of queries per model and per related model, never one per row."""
    by_model = defaultdict(list)
    for ref in refs:
        by_model[ref["model_name"]].append(ref["history_id"])
    rows, previous, records, diffs = {}, {}, {}, {}
    wanted_related = defaultdict(set)
    user_ids = set()
    for name, ids in by_model.items():
        model = governed_model(name)
        history_model = history_of(model)
        fetched = list(
            history_model.objects.filter(history_id__in=ids).annotate(
                previous_id=_previous_id(history_model)
            )
        )
        earlier = history_model.objects.in_bulk(
            [row.previous_id for row in fetched if row.previous_id], field_name="history_id"
        )
        records[name] = model._default_manager.select_related(
            *LABEL_RELATIONS.get(name, ())
        ).in_bulk({row.id for row in fetched})
        fields = tracked_fields(model)
        for row in fetched:
            rows[(name, row.history_id)] = row
            before = earlier.get(row.previous_id)
            previous[(name, row.history_id)] = before
            found = [] if row.history_type == "-" else _differences(fields, row, before)
            diffs[(name, row.history_id)] = found
            for model_field, old, new in found:
                if model_field.is_relation:
                    wanted_related[model_field.related_model].update(
                        v for v in (old, new) if v is not None
                    )
            if row.history_user_id:
                user_ids.add(row.history_user_id)
    related = {}
    for related_model, pks in wanted_related.items():
        for pk, obj in related_model._default_manager.in_bulk(pks).items():
            related[(related_model, pk)] = obj
    users = get_user_model().objects.in_bulk(user_ids)
    changes = []
    for ref in refs:
        key = (ref["model_name"], ref["history_id"])
        row = rows.get(key)
        if row is None:
            continue
        model = governed_model(ref["model_name"])
        changes.append(
            Change(
                history_id=row.history_id,
                model=model,
                record_id=row.id,
                date=row.history_date,
                type=row.history_type,
                user=users.get(row.history_user_id),
                record=records[ref["model_name"]].get(row.id),
                fields=[
                    FieldChange(
                        name=model_field.name,
                        label=str(model_field.verbose_name).capitalize(),
                        old=_display(model_field, old, related),
                        new=_display(model_field, new, related),
                    )
                    for model_field, old, new in diffs[key]
                ],
            )
        )
    return changes


class ChangeFeed:
    """The changes of several governed models, newest first, as a sequence a paginator (or
    a django-tables2 table) slices: counting and slicing run one query each over all the
    history tables; only the page's rows are then read in full.

    ``parts`` is a list of (model, historical queryset of that model) already filtered.
    A save that changed no tracked field (only its bookkeeping) is not a change and is left
    out of the page it falls on.
    """

    def __init__(self, parts):
        self.parts = list(parts)
        self._count = None

    def _union(self):
        selects = [
            queryset.annotate(model_name=Value(model._meta.model_name, output_field=CharField()))
            .values("history_date", "history_id", "model_name")
            # The history's own ordering is dropped in each part: SQLite refuses an ORDER BY
            # inside a compound statement; the union is ordered as a whole below.
            .order_by()
            for model, queryset in self.parts
        ]
        if not selects:
            return None
        first, *rest = selects
        union = first.union(*rest, all=True) if rest else first
        return union.order_by("-history_date", "-model_name", "-history_id")

    def __len__(self):
        if self._count is None:
            union = self._union()
            self._count = union.count() if union is not None else 0
        return self._count

    def count(self):
        return len(self)

    def __getitem__(self, key):
        union = self._union()
        if union is None:
            return []
        if isinstance(key, slice):
            refs = list(union[key])
            return [c for c in _changes_of(refs) if c.type != "~" or c.fields]
        return _changes_of([union[key]])[0]

    def __iter__(self):
        return iter(self[0 : len(self)])


def record_feed(model, pk: int) -> ChangeFeed:
    """Every version of one record."""
    return ChangeFeed([(model, history_of(model).objects.filter(id=pk))])


def project_feed(project_id: int) -> ChangeFeed:
    """The changes of a project and of every governed record that belongs to it."""
    project_model = _project_model()
    parts = [(project_model, history_of(project_model).objects.filter(id=project_id))]
    parts += [
        (model, history_of(model).objects.filter(project_id=project_id))
        for model in project_scoped_models()
    ]
    return ChangeFeed(parts)


def record_ever_existed(model, pk: int) -> bool:
    return history_of(model).objects.filter(id=pk).exists()


def may_see_deleted_history(user) -> bool:
    """The history of a deleted record has no record left to ask: the PMO's alone."""
    return is_pmo_manager(user)


def record_bulk_history(model, *, created=(), updated=()) -> None:
    """Write the history of rows a bulk statement created or updated (by primary key): bulk
    statements send no signal. The rows are read back whole, two queries at most."""
    wanted = [*created, *updated]
    if not wanted:
        return
    rows = model._default_manager.in_bulk(wanted)
    manager = model.history
    if created:
        manager.bulk_history_create([rows[pk] for pk in created if pk in rows])
    if updated:
        manager.bulk_history_create([rows[pk] for pk in updated if pk in rows], update=True)
