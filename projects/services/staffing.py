"""Writes of staffing: allocations of resources to projects, month by month.

One allocation is written through a page or the API (:func:`allocation_create`,
:func:`allocation_update`, :func:`allocation_set` for a cell of a project's staffing grid);
an integration pushes a whole plan at once (:func:`allocations_bulk_upsert`), validated whole
before anything is written, and idempotent on (resource, project, month).
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from pmo.exceptions import ApplicationError
from pmo.history import record_bulk_history, records_actor
from pmo.rules import can
from pmo.services import model_create, model_update
from portfolio.models import Resource
from projects.choices import EntrySource
from projects.models import Allocation, Project

# The most rows one batch may hold: a year of a large pool's plan, answered in seconds.
BULK_MAX_ROWS = 10_000
FTE_MAX = Decimal("999")
CENT = Decimal("0.01")
MONTH_FORMAT = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")

MONTH_FORMAT_MESSAGE = gettext_lazy("Enter a month as YYYY-MM (or its first day, YYYY-MM-01).")
MONTH_START_MESSAGE = gettext_lazy("A month is identified by its first day.")
DUPLICATE_MESSAGE = gettext_lazy(
    "This resource already has an allocation on this project in this month."
)
INACTIVE_MESSAGE = gettext_lazy("This resource is no longer active: it cannot be planned.")


# --- reading values -----------------------------------------------------------------------


def parse_month(value) -> datetime.date:
    """The month named by ``value``: "YYYY-MM", its first day "YYYY-MM-01", or a date that is
    a first day. Any other day is refused rather than moved: a plan for the 15th is a
    mistake to report, not to guess."""
    if isinstance(value, datetime.datetime):
        raise ValidationError(MONTH_FORMAT_MESSAGE, code="invalid")
    if isinstance(value, datetime.date):
        day = value
    else:
        match = MONTH_FORMAT.fullmatch(str(value).strip()) if isinstance(value, str) else None
        if match is None:
            raise ValidationError(MONTH_FORMAT_MESSAGE, code="invalid")
        year, month, day_number = match.groups()
        try:
            day = datetime.date(int(year), int(month), int(day_number or 1))
        except ValueError:
            raise ValidationError(MONTH_FORMAT_MESSAGE, code="invalid") from None
    if day.day != 1:
        raise ValidationError(MONTH_START_MESSAGE, code="month_start")
    return day


def parse_fte(value) -> Decimal:
    """A number of FTE from 0 to 999 with at most two decimals, as a Decimal.

    A JSON float is read through its shortest text (0.1 is "0.1"), never kept as a binary
    float; booleans, NaN and infinities are refused.
    """
    if isinstance(value, bool) or value is None:
        raise ValidationError(_("Enter a number of FTE."), code="invalid")
    try:
        if isinstance(value, float):
            number = Decimal(str(value))
        elif isinstance(value, int | Decimal):
            number = Decimal(value)
        elif isinstance(value, str):
            number = Decimal(value.strip())
        else:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter a number of FTE."), code="invalid") from None
    if not number.is_finite():
        raise ValidationError(_("Enter a number of FTE."), code="invalid")
    if number < 0 or number > FTE_MAX:
        raise ValidationError(_("Enter a number of FTE from 0 to 999."), code="range")
    if number != number.quantize(CENT):
        raise ValidationError(_("Use at most two decimal places."), code="decimal_places")
    return number.quantize(CENT)


# --- one allocation -----------------------------------------------------------------------


def _refuse_duplicate(*, resource, project, month, exclude_pk=None) -> None:
    duplicates = Allocation.objects.filter(resource=resource, project=project, month=month)
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise ValidationError({"month": DUPLICATE_MESSAGE})


def _refuse_inactive(resource: Resource) -> None:
    if not resource.is_active:
        raise ValidationError({"resource": INACTIVE_MESSAGE})


@records_actor
@transaction.atomic
def allocation_create(
    *,
    actor,
    resource: Resource,
    project: Project,
    month: datetime.date,
    fte: Decimal,
    note: str = "",
    source: str = EntrySource.MANUAL,
) -> Allocation:
    """Plan ``fte`` of ``resource`` on ``project`` in ``month`` (its first day).

    Refused (403) to whoever may not staff the project; an inactive resource, a month not
    given by its first day or a second allocation of the same triple are field errors.
    """
    if not can(actor, "add", Allocation, parent=project):
        raise PermissionDenied(_("You may not staff this project."))
    _refuse_inactive(resource)
    if month and month.day == 1:
        _refuse_duplicate(resource=resource, project=project, month=month)
    return model_create(
        model=Allocation,
        data={
            "resource": resource,
            "project": project,
            "month": month,
            "fte": fte,
            "note": note,
            "source": source,
        },
    )


@records_actor
@transaction.atomic
def allocation_update(allocation: Allocation, *, actor, **data) -> Allocation:
    """Change an allocation (its FTE, note, month, resource or project).

    The actor must be allowed to change it and, when it moves to another project, to staff
    that one; moving it onto a triple already planned is an error on the month.
    """
    if not can(actor, "change", allocation):
        raise PermissionDenied(_("You may not change this allocation."))
    data.pop("source", None)
    project = data.get("project", allocation.project)
    if project.pk != allocation.project_id and not can(actor, "add", Allocation, parent=project):
        raise PermissionDenied(_("You may not staff this project."))
    resource = data.get("resource", allocation.resource)
    if resource.pk != allocation.resource_id:
        _refuse_inactive(resource)
    month = data.get("month", allocation.month)
    if month and month.day == 1:
        _refuse_duplicate(resource=resource, project=project, month=month, exclude_pk=allocation.pk)
    allocation, _changed = model_update(instance=allocation, data=data)
    return allocation


@records_actor
@transaction.atomic
def allocation_set(
    *, actor, resource: Resource, project: Project, month: datetime.date, fte: Decimal
) -> Allocation:
    """Set the FTE of ``resource`` on ``project`` in ``month``, creating the allocation when
    there is none (one cell of a project's staffing grid).

    Setting 0 keeps the row at 0: the plan says nobody is needed that month, which is not the
    same as never having been planned.
    """
    existing = (
        Allocation.objects.select_for_update()
        .filter(resource=resource, project=project, month=month)
        .first()
    )
    if existing is None:
        return allocation_create(
            actor=actor, resource=resource, project=project, month=month, fte=fte
        )
    return allocation_update(existing, actor=actor, fte=fte)


# --- a batch ------------------------------------------------------------------------------


class BatchError(ApplicationError):
    """A batch refused whole: ``errors`` maps each bad row's index to its fields' messages."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]):
        message = ngettext(
            "%(count)s row is invalid; nothing was saved.",
            "%(count)s rows are invalid; nothing was saved.",
            len(errors),
        ) % {"count": len(errors)}
        super().__init__(
            message,
            extra={
                "rows": {
                    str(index): {field: [str(m) for m in texts] for field, texts in row.items()}
                    for index, row in sorted(errors.items())
                }
            },
        )
        self.errors = errors


def _as_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _read_rows(rows) -> tuple[list[dict], dict[int, dict[str, list[str]]]]:
    """Each row's values read and checked on its own, and the errors found, by row index.

    Resources and projects are given by id (a project also by ``project_code``); they are
    looked up afterwards, all at once.
    """
    parsed, errors = [], {}
    for index, row in enumerate(rows):
        row_errors: dict[str, list[str]] = {}
        values: dict = {"index": index}
        if not isinstance(row, dict):
            errors[index] = {
                "non_field_errors": [
                    _("Each row is an object with resource, project, month and fte.")
                ]
            }
            continue
        if row.get("resource") in (None, ""):
            row_errors["resource"] = [_("This field is required.")]
        elif (resource_id := _as_id(row["resource"])) is None:
            row_errors["resource"] = [_("Give the resource's id.")]
        else:
            values["resource_id"] = resource_id
        project, code = row.get("project"), row.get("project_code")
        if project not in (None, ""):
            if (project_id := _as_id(project)) is None:
                row_errors["project"] = [_("Give the project's id, or its code as project_code.")]
            else:
                values["project_id"] = project_id
        elif code not in (None, ""):
            if not isinstance(code, str):
                row_errors["project_code"] = [_("Give the project's code as text.")]
            else:
                values["project_code"] = code.strip().upper()
        else:
            row_errors["project"] = [_("This field is required (or project_code).")]
        if row.get("month") in (None, ""):
            row_errors["month"] = [_("This field is required.")]
        else:
            try:
                values["month"] = parse_month(row["month"])
            except ValidationError as error:
                row_errors["month"] = error.messages
        if "fte" not in row:
            row_errors["fte"] = [_("This field is required.")]
        else:
            try:
                values["fte"] = parse_fte(row["fte"])
            except ValidationError as error:
                row_errors["fte"] = error.messages
        if "note" in row:
            note = row["note"]
            if note is None:
                note = ""
            if not isinstance(note, str):
                row_errors["note"] = [_("Give the note as text.")]
            elif len(note) > Allocation._meta.get_field("note").max_length:
                row_errors["note"] = [_("Keep the note within 200 characters.")]
            else:
                values["note"] = note
        if row_errors:
            errors[index] = row_errors
        else:
            parsed.append(values)
    return parsed, errors


def _add_error(errors, index: int, field: str, message) -> None:
    errors.setdefault(index, {}).setdefault(field, []).append(str(message))


@records_actor
@transaction.atomic
def allocations_bulk_upsert(*, actor, rows, source: str = EntrySource.INTEGRATION) -> dict:
    """Create or update the allocations of a batch of rows, each naming a resource (id), a
    project (id or ``project_code``), a month ("YYYY-MM" or "YYYY-MM-01") and an ``fte``
    (and optionally a ``note``), keyed on (resource, project, month).

    The batch is validated whole: on any error nothing is written and :class:`BatchError`
    names each bad row by index and field. Sending the same batch again changes nothing.
    Returns how many rows were created, updated and left unchanged.

    Lookups are read in a few queries whatever the size of the batch, and rows are written
    with one bulk insert and one bulk update (no per-row validation round trip).
    """
    if not can(actor, "import", Allocation):
        raise PermissionDenied(_("Only the PMO and integrations import allocations."))
    if not isinstance(rows, list | tuple):
        raise ValidationError({"rows": _("Send a list of rows.")})
    if not rows:
        raise ValidationError({"rows": _("Send at least one row.")})
    if len(rows) > BULK_MAX_ROWS:
        raise ValidationError(
            {
                "rows": _("A batch holds at most %(max)s rows; this one has %(count)s.")
                % {
                    "max": formats.number_format(BULK_MAX_ROWS, force_grouping=True),
                    "count": formats.number_format(len(rows), force_grouping=True),
                }
            }
        )
    parsed, errors = _read_rows(rows)

    resource_ids = {row["resource_id"] for row in parsed}
    resources = dict(Resource.objects.filter(pk__in=resource_ids).values_list("pk", "is_active"))
    project_ids = {row["project_id"] for row in parsed if "project_id" in row}
    codes = {row["project_code"] for row in parsed if "project_code" in row}
    by_id, by_code = {}, {}
    if project_ids or codes:
        for pk, code in (
            Project.objects.annotate(upper_code=Upper("code"))
            .filter(Q(pk__in=project_ids) | Q(upper_code__in=codes))
            .values_list("pk", "upper_code")
        ):
            by_id[pk] = pk
            by_code[code] = pk

    keyed: dict[tuple, dict] = {}
    for row in parsed:
        index = row["index"]
        if row["resource_id"] not in resources:
            _add_error(errors, index, "resource", _("There is no resource with this id."))
        if "project_id" in row:
            project_id = by_id.get(row["project_id"])
            if project_id is None:
                _add_error(errors, index, "project", _("There is no project with this id."))
        else:
            project_id = by_code.get(row["project_code"])
            if project_id is None:
                _add_error(errors, index, "project_code", _("There is no project with this code."))
        if index in errors:
            continue
        key = (row["resource_id"], project_id, row["month"])
        if key in keyed:
            _add_error(
                errors,
                index,
                "month",
                _("Row %(first)s already sets this resource, project and month.")
                % {"first": keyed[key]["index"]},
            )
            continue
        keyed[key] = row

    existing = {}
    if keyed:
        months = {key[2] for key in keyed}
        # Locked: a concurrent batch on the same rows waits for this one, then sees its result.
        for allocation in (
            Allocation.objects.select_for_update()
            .filter(
                resource_id__in={key[0] for key in keyed},
                project_id__in={key[1] for key in keyed},
                month__in=months,
            )
            .only("pk", "resource_id", "project_id", "month", "fte", "note", "source")
        ):
            key = (allocation.resource_id, allocation.project_id, allocation.month)
            if key in keyed:
                existing[key] = allocation

    for key, row in keyed.items():
        if key not in existing and not resources[key[0]]:
            _add_error(errors, row["index"], "resource", INACTIVE_MESSAGE)
    if errors:
        raise BatchError(errors)

    now = timezone.now()
    created, updated, unchanged = [], [], 0
    for key, row in keyed.items():
        allocation = existing.get(key)
        note = row.get("note")
        if allocation is None:
            created.append(
                Allocation(
                    resource_id=key[0],
                    project_id=key[1],
                    month=key[2],
                    fte=row["fte"],
                    note=note or "",
                    source=source,
                )
            )
        elif allocation.fte != row["fte"] or (note is not None and allocation.note != note):
            updated.append(
                Allocation(
                    resource_id=key[0],
                    project_id=key[1],
                    month=key[2],
                    fte=row["fte"],
                    note=allocation.note if note is None else note,
                    source=source,
                    updated_at=now,
                )
            )
        else:
            unchanged += 1
    # One upsert on the triple's constraint writes both: an UPDATE of thousands of rows
    # through CASE expressions (bulk_update) takes seconds where this takes a few hundred ms.
    Allocation.objects.bulk_create(
        [*created, *updated],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["resource", "project", "month"],
        update_fields=["fte", "note", "source", "updated_at"],
    )
    # The upsert sends no signal: its rows' history is written here.
    record_bulk_history(
        Allocation,
        created=[row.pk for row in created],
        updated=[row.pk for row in updated],
    )
    return {"created": len(created), "updated": len(updated), "unchanged": unchanged}


@records_actor
@transaction.atomic
def project_staffing_set(
    *, actor, project: Project, cells: list[tuple[Resource, datetime.date, Decimal]]
) -> int:
    """Set several cells of ``project``'s staffing grid at once, each (resource, month, FTE)
    through :func:`allocation_set`, all or nothing.

    Refused (403) to whoever may not staff the project. Every cell is tried; if any is
    refused, :class:`BatchError` names each bad cell by its index in ``cells`` and nothing
    is saved. Returns how many cells were set.
    """
    if not can(actor, "add", Allocation, parent=project):
        raise PermissionDenied(_("You may not staff this project."))
    errors: dict[int, dict[str, list[str]]] = {}
    for index, (resource, month, fte) in enumerate(cells):
        try:
            allocation_set(actor=actor, resource=resource, project=project, month=month, fte=fte)
        except ValidationError as error:
            errors[index] = (
                error.message_dict if hasattr(error, "error_dict") else {"fte": error.messages}
            )
    if errors:
        raise BatchError(errors)
    return len(cells)
