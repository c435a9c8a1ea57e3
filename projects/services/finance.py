"""Writes of a project's money: budget lines, cost entries one at a time, and batches of cost
entries pushed by an integration (the bulk endpoint) or imported from a file.

A batch is validated whole, with plain Python against lookups read once (the projects named
by id or code in one query, the references already recorded in a few), never with a
serializer or ``full_clean()`` per row: 10,000 rows are checked in a fraction of a second. Any
invalid row refuses the whole batch, each error named by its row and field, and nothing is
written. A batch is idempotent on (source, external reference): an entry already recorded
with the same values is counted as unchanged, not recorded twice, so an integration may send
the same batch again after a timeout without fear.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pmo.history import record_bulk_history, records_actor
from pmo.rules import can
from pmo.services import model_create, model_update
from projects.choices import CostCategory, CostKind, EntrySource, Nature
from projects.models import BudgetLine, CostEntry, Project

# The most entries one call may carry: beyond, a batch is better split by the sender.
MAX_BATCH_SIZE = 10_000
# Rows inserted per INSERT statement.
INSERT_BATCH_SIZE = 1000
# References looked up per query (PostgreSQL takes more; this keeps each statement small).
REFERENCE_CHUNK = 2000
# A batch racing an identical one is retried this many times (see cost_entries_bulk_create).
RACE_ATTEMPTS = 3
# Amounts are below a thousand billion (max_digits=14, two of them decimals).
AMOUNT_LIMIT = Decimal(10) ** 12
CENT = Decimal("0.01")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# PostgreSQL's bigint: a larger id cannot be a project and would break the lookup query.
MAX_ID = 2**63 - 1

# The fields of a batch row and their longest text (the model's max_length).
TEXT_LIMITS = {"label": 300, "supplier": 200, "external_reference": 100}
# The values a reference is compared on when it is sent again.
COMPARED_FIELDS = (
    "project_id",
    "date",
    "kind",
    "nature",
    "category",
    "amount",
    "label",
    "supplier",
)
CHOICES = {
    "kind": frozenset(CostKind.values),
    "nature": frozenset(Nature.values),
    "category": frozenset(CostCategory.values),
}


def _require(actor, action: str, target, parent=None) -> None:
    """Raise PermissionDenied unless ``actor`` may do ``action`` (no actor: a system call)."""
    if actor is not None and not can(actor, action, target, parent=parent):
        raise PermissionDenied(_("You may not do this here."))


# --- budget lines -------------------------------------------------------------------------


@records_actor
@transaction.atomic
def budget_line_create(*, actor, **data) -> BudgetLine:
    """Set what a project may spend in one fiscal year on one nature and category (PMO)."""
    _require(actor, "add", BudgetLine, parent=data.get("project"))
    return model_create(model=BudgetLine, data=data)


@records_actor
@transaction.atomic
def budget_line_update(line: BudgetLine, *, actor, **data) -> BudgetLine:
    """Change a budget line (PMO); a second line for the same year, nature and category is
    refused, since the lines of a project add up."""
    locked = BudgetLine.objects.select_for_update().get(pk=line.pk)
    _require(actor, "change", locked)
    locked, _changed = model_update(instance=locked, data=data)
    return locked


# --- cost entries, one at a time ----------------------------------------------------------


def _reference_taken(source: str, reference: str) -> bool:
    return CostEntry.objects.filter(source=source, external_reference=reference).exists()


@records_actor
@transaction.atomic
def cost_entry_create(*, actor, **data) -> CostEntry:
    """Record one commitment or actual on a project, by whoever may add costs to it.

    The entry is recorded by ``actor``, typed in by hand unless ``source`` says otherwise. An
    entry is never edited afterwards: a correction is an entry of its own (negative for a
    credit note or a reversal). The model refuses zero and an actual in the future; a
    reference already recorded for the source is refused on ``external_reference``.
    """
    _require(actor, "add", CostEntry, parent=data.get("project"))
    data = {**data, "source": data.get("source") or EntrySource.MANUAL}
    reference = (data.get("external_reference") or "").strip()
    data["external_reference"] = reference
    if reference and _reference_taken(data["source"], reference):
        raise ValidationError(
            {"external_reference": _("An entry with this reference is already recorded.")}
        )
    return model_create(model=CostEntry, data={**data, "recorded_by": actor})


# --- batches ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkResult:
    """What a batch did: how many entries it created, how many were already recorded with the
    same values (sent again), and the ids and references of those it created."""

    created: int
    unchanged: int
    created_ids: tuple[int, ...] = ()
    created_references: tuple[str, ...] = ()


class BatchValidationError(ValidationError):
    """A batch refused whole: ``rows`` maps each invalid row (its index in the batch, or its
    line in a file) to its messages by field. As a plain ``ValidationError`` it says how many
    rows are invalid, under ``entries``."""

    def __init__(self, rows: dict[int, dict[str, list[str]]]):
        self.rows = rows
        super().__init__(
            {
                "entries": ngettext(
                    "%(count)s entry is invalid; nothing was recorded.",
                    "%(count)s entries are invalid; nothing was recorded.",
                    len(rows),
                )
                % {"count": len(rows)}
            }
        )

    def by_row(self) -> dict[str, dict[str, list[str]]]:
        """The errors keyed by the row as text, as JSON keys are."""
        return {str(row): fields for row, fields in self.rows.items()}


@dataclass
class CheckedRow:
    """One row of a batch once checked: its key (index or line), the entry it would record
    (None if invalid), whether that entry is already recorded, and what is wrong with it."""

    key: int
    raw: object
    entry: CostEntry | None = None
    already_recorded: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class CheckedBatch:
    """A batch checked against the database, nothing written yet."""

    rows: list[CheckedRow]

    @property
    def errors(self) -> dict[int, dict[str, list[str]]]:
        return {row.key: row.errors for row in self.rows if row.errors}

    @property
    def new_entries(self) -> list[CostEntry]:
        return [r.entry for r in self.rows if r.entry is not None and not r.already_recorded]

    @property
    def unchanged(self) -> int:
        return sum(1 for row in self.rows if row.already_recorded)


class _BatchChecker:
    """Checks every row of a batch with plain Python against lookups read once.

    ``key_of(index)`` names a row in the errors (its index for the API, its line for a file);
    ``duplicate_message`` says that a reference repeats an earlier row, given ``%(row)s``.
    """

    def __init__(
        self,
        *,
        actor,
        source: str,
        reference_required: bool,
        key_of: Callable[[int], int],
        duplicate_message: str,
    ):
        self.actor = actor
        self.source = source
        self.reference_required = reference_required
        self.key_of = key_of
        self.duplicate_message = duplicate_message
        self.today = timezone.localdate()
        self._may_add: dict[int, bool] = {}
        # Read once: each is asked for thousands of rows.
        self.messages = {
            "required": _("This field is required."),
            "text": _("Enter text."),
            "date": _("Enter a valid date (YYYY-MM-DD)."),
            "future": _("Money cannot have been spent in the future."),
            "amount": _("Enter an amount such as 1234.56."),
            "places": _("Use at most 2 decimal places."),
            "zero": _("An entry of zero records nothing."),
            "too_large": _("The amount must be below %(limit)s, positive or negative.")
            % {"limit": formats.number_format(AMOUNT_LIMIT, 0, force_grouping=True)},
            "project_id": _("Enter a project id (a whole number)."),
            "conflict": _("The project id and the project code name different projects."),
            "not_allowed": _("You may not record costs on this project."),
            "reference_required": _(
                "Give the entry's reference in your system: it makes sending it again harmless."
            ),
            "recorded_otherwise": _(
                "Already recorded with other values; send a correcting entry with its own "
                "reference."
            ),
            "not_an_object": _("Each entry is an object of fields."),
        }

    # -- lookups ---------------------------------------------------------------------------

    def _projects(self, rows: list) -> tuple[dict[int, Project], dict[str, Project]]:
        """The projects the rows name, by id and by upper-cased code, in one query."""
        ids, codes = set(), set()
        for row in rows:
            if not isinstance(row, dict):
                continue
            project_id = _as_id(row.get("project"))
            if project_id is not None:
                ids.add(project_id)
            code = row.get("project_code")
            # A NUL cannot be in any code (PostgreSQL refuses it in a query): left to the
            # row's "no project has the code" error.
            if (
                isinstance(code, str | int)
                and not isinstance(code, bool)
                and str(code).strip()
                and "\x00" not in str(code)
            ):
                codes.add(str(code).strip().upper())
        if not ids and not codes:
            return {}, {}
        found = (
            Project.objects.annotate(code_key=Upper("code"))
            .filter(Q(pk__in=ids) | Q(code_key__in=codes))
            .only("pk", "code", "name", "phase", "project_manager_id")
        )
        by_id, by_code = {}, {}
        for project in found:
            by_id[project.pk] = project
            by_code[project.code_key] = project
        return by_id, by_code

    def _recorded(self, references: Iterable[str]) -> dict[str, tuple]:
        """The entries of this source already recorded under ``references``: their values."""
        references = sorted(set(references))
        recorded = {}
        for start in range(0, len(references), REFERENCE_CHUNK):
            chunk = references[start : start + REFERENCE_CHUNK]
            for reference, *values in CostEntry.objects.filter(
                source=self.source, external_reference__in=chunk
            ).values_list("external_reference", *COMPARED_FIELDS):
                recorded[reference] = tuple(values)
        return recorded

    def may_add_to(self, project: Project) -> bool:
        if self.actor is None:
            return True
        if project.pk not in self._may_add:
            self._may_add[project.pk] = can(self.actor, "add", CostEntry, parent=project)
        return self._may_add[project.pk]

    # -- the check ---------------------------------------------------------------------------

    def check(self, rows: list) -> CheckedBatch:
        by_id, by_code = self._projects(rows)
        checked = []
        first_row_of: dict[str, int] = {}
        for index, raw in enumerate(rows):
            row = self._check_row(self.key_of(index), raw, by_id, by_code)
            checked.append(row)
            reference = row.entry.external_reference if row.entry is not None else None
            if reference is None and isinstance(raw, dict):
                # An invalid row still claims its reference: a later row repeating it is
                # named too, so the sender fixes both at once.
                reference = _text_or_none(raw.get("external_reference"))
            if not reference:
                continue
            if reference in first_row_of:
                row.errors.setdefault("external_reference", []).append(
                    self.duplicate_message % {"row": first_row_of[reference]}
                )
                row.entry = None
            else:
                first_row_of[reference] = row.key
        valid = [row for row in checked if row.entry is not None]
        references = [row.entry.external_reference for row in valid if row.entry.external_reference]
        recorded = self._recorded(references) if references else {}
        for row in valid:
            stored = recorded.get(row.entry.external_reference)
            if stored is None:
                continue
            if stored == tuple(getattr(row.entry, name) for name in COMPARED_FIELDS):
                row.already_recorded = True
            else:
                row.errors.setdefault("external_reference", []).append(
                    self.messages["recorded_otherwise"]
                )
                row.entry = None
        return CheckedBatch(rows=checked)

    def _check_row(self, key: int, raw, by_id, by_code) -> CheckedRow:
        row = CheckedRow(key=key, raw=raw)
        if not isinstance(raw, dict):
            row.errors["non_field_errors"] = [self.messages["not_an_object"]]
            return row
        errors = row.errors
        messages = self.messages

        project = self._project(raw, by_id, by_code, errors)

        day = raw.get("date")
        if day is None or day == "":
            errors["date"] = [messages["required"]]
            day = None
        else:
            day = _as_date(day)
            if day is None:
                errors["date"] = [messages["date"]]

        values = {}
        for name, allowed in CHOICES.items():
            value = raw.get(name)
            if value is None or value == "":
                if name == "kind":
                    values[name] = CostKind.ACTUAL
                    continue
                errors[name] = [messages["required"]]
                continue
            code = value.strip().lower() if isinstance(value, str) else None
            if code not in allowed:
                errors[name] = [
                    _("“%(value)s” is not one of the choices: %(choices)s.")
                    % {"value": value, "choices": ", ".join(sorted(allowed))}
                ]
                continue
            values[name] = code

        amount = self._amount(raw.get("amount"), errors)

        for name, limit in TEXT_LIMITS.items():
            value = raw.get(name)
            if value is None:
                values[name] = ""
                continue
            if isinstance(value, bool) or not isinstance(value, str | int):
                errors[name] = [messages["text"]]
                continue
            value = str(value).strip()
            if len(value) > limit:
                errors[name] = [
                    ngettext(
                        "Use at most %(limit)d character (it has %(length)d).",
                        "Use at most %(limit)d characters (it has %(length)d).",
                        limit,
                    )
                    % {"limit": limit, "length": len(value)}
                ]
                continue
            values[name] = value
        if (
            self.reference_required
            and not values.get("external_reference")
            and ("external_reference" not in errors)
        ):
            errors["external_reference"] = [messages["reference_required"]]

        if day is not None and values.get("kind") == CostKind.ACTUAL and day > self.today:
            errors["date"] = [messages["future"]]

        if errors:
            return row
        row.entry = CostEntry(
            project=project,
            date=day,
            amount=amount,
            source=self.source,
            recorded_by=self.actor,
            **values,
        )
        return row

    def _project(self, raw: dict, by_id, by_code, errors) -> Project | None:
        given_id, given_code = raw.get("project"), raw.get("project_code")
        has_id = given_id is not None and given_id != ""
        has_code = given_code is not None and str(given_code).strip() != ""
        if not has_id and not has_code:
            errors["project"] = [self.messages["required"]]
            return None
        by_its_id = by_its_code = None
        if has_id:
            project_id = _as_id(given_id)
            if project_id is None:
                errors["project"] = [self.messages["project_id"]]
                return None
            by_its_id = by_id.get(project_id)
            if by_its_id is None:
                errors["project"] = [
                    _("No project has the id %(id)s.") % {"id": project_id},
                ]
                return None
        if has_code:
            if isinstance(given_code, bool) or not isinstance(given_code, str | int):
                errors["project_code"] = [self.messages["text"]]
                return None
            code = str(given_code).strip()
            by_its_code = by_code.get(code.upper())
            if by_its_code is None:
                errors["project_code"] = [
                    _("No project has the code %(code)s.") % {"code": code},
                ]
                return None
        if by_its_id is not None and by_its_code is not None and by_its_id != by_its_code:
            errors["project"] = [self.messages["conflict"]]
            return None
        project = by_its_id or by_its_code
        if not self.may_add_to(project):
            errors["project" if has_id else "project_code"] = [self.messages["not_allowed"]]
            return None
        return project

    def _amount(self, value, errors) -> Decimal | None:
        if value is None or value == "":
            errors["amount"] = [self.messages["required"]]
            return None
        amount = _as_decimal(value)
        if amount is None:
            errors["amount"] = [self.messages["amount"]]
            return None
        if abs(amount) >= AMOUNT_LIMIT:
            errors["amount"] = [self.messages["too_large"]]
            return None
        rounded = amount.quantize(CENT)
        if rounded != amount:
            errors["amount"] = [self.messages["places"]]
            return None
        if not rounded:
            errors["amount"] = [self.messages["zero"]]
            return None
        return rounded


def _as_id(value) -> int | None:
    """A positive whole number given as such or as digits; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        return None
    return number if 0 < number <= MAX_ID else None


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _as_decimal(value) -> Decimal | None:
    """An amount as a Decimal; a float is read through its shortest text ("0.1"), never
    through its binary expansion."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, Decimal):
            amount = value
        elif isinstance(value, int):
            amount = Decimal(value)
        elif isinstance(value, float):
            amount = Decimal(str(value))
        elif isinstance(value, str):
            amount = Decimal(value.strip())
        else:
            return None
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _text_or_none(value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value).strip() or None


def _batch_rows(entries) -> list:
    """The rows of a batch, refused whole (on ``entries``) when it is not a list of at most
    :data:`MAX_BATCH_SIZE` rows."""
    if not isinstance(entries, list | tuple):
        raise ValidationError({"entries": _("Send a list of entries.")})
    if not entries:
        raise ValidationError({"entries": _("Send at least one entry.")})
    if len(entries) > MAX_BATCH_SIZE:
        raise ValidationError(
            {
                "entries": _("Send at most %(limit)s entries per call; this one has %(count)s.")
                % {
                    "limit": formats.number_format(MAX_BATCH_SIZE, 0, force_grouping=True),
                    "count": formats.number_format(len(entries), 0, force_grouping=True),
                }
            }
        )
    return list(entries)


def _write(batch: CheckedBatch) -> BulkResult:
    """Insert the batch's new entries, ordered by reference so that two batches racing each
    other take their row locks in the same order (one waits, never a deadlock)."""
    new = sorted(
        batch.new_entries, key=lambda e: (e.external_reference == "", e.external_reference)
    )
    CostEntry.objects.bulk_create(new, batch_size=INSERT_BATCH_SIZE)
    # A bulk insert sends no signal: its rows' history is written here.
    record_bulk_history(CostEntry, created=[entry.pk for entry in new])
    return BulkResult(
        created=len(new),
        unchanged=batch.unchanged,
        created_ids=tuple(entry.pk for entry in new),
        created_references=tuple(e.external_reference for e in new if e.external_reference),
    )


def _record_batch(checker: _BatchChecker, rows: list) -> BulkResult:
    """Check and write ``rows`` in one transaction, again when a racing batch won.

    Two identical batches sent at once both find their references free; the database's
    unique constraint makes the second one's insert wait for the first and then fail. That
    attempt is rolled back whole and checked again: the entries are now recorded with the
    same values, so it counts them as unchanged instead of recording them twice.
    """
    for attempt in range(1, RACE_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                batch = checker.check(rows)
                if batch.errors:
                    raise BatchValidationError(batch.errors)
                return _write(batch)
        except IntegrityError:
            if attempt == RACE_ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


@records_actor
@transaction.atomic
def cost_entries_bulk_create(
    *, actor, entries: list[dict], source: str = EntrySource.INTEGRATION
) -> BulkResult:
    """Record a batch of up to 10,000 cost entries pushed by an integration, all or nothing.

    Each row names its project by ``project`` (id) or ``project_code``, and gives ``date``
    (ISO), ``kind`` (actual by default), ``nature``, ``category``, ``amount`` (not zero, two
    decimal places at most), optional ``label`` and ``supplier``, and the required
    ``external_reference``, the key that makes the batch idempotent. A reference repeated in
    the batch, or already recorded with other values, is an error on that row; one already
    recorded with the same values is counted as unchanged. Any error raises
    :class:`BatchValidationError` (by row index and field) and nothing is written.
    """
    _require(actor, "import", CostEntry)
    rows = _batch_rows(entries)
    checker = _BatchChecker(
        actor=actor,
        source=source,
        reference_required=True,
        key_of=lambda index: index,
        duplicate_message=_("The same reference is already on entry %(row)s of this batch."),
    )
    return _record_batch(checker, rows)


# The key under which a file's rows carry their line in the file (the header is line 1).
ROW_NUMBER = "row_number"


def _import_checker(actor, rows: list) -> _BatchChecker:
    return _BatchChecker(
        actor=actor,
        source=EntrySource.IMPORT,
        reference_required=False,
        key_of=lambda index: (
            rows[index].get(ROW_NUMBER, index + 2) if isinstance(rows[index], dict) else index + 2
        ),
        duplicate_message=_("The same reference is already on row %(row)s of the file."),
    )


def cost_entries_check_import(*, actor, rows: list[dict]) -> CheckedBatch:
    """Check the rows of an imported file as :func:`cost_entries_import` would, writing
    nothing: what the preview shows before the user confirms."""
    _require(actor, "import", CostEntry)
    rows = _batch_rows(rows)
    return _import_checker(actor, rows).check(rows)


@records_actor
@transaction.atomic
def cost_entries_import(*, actor, rows: list[dict]) -> BulkResult:
    """Record the cost entries of an imported file (rows from
    :func:`projects.imports.read_cost_file`), all or nothing, as coming from an import.

    The rows are checked as a bulk batch is, errors named by the file's line (``row_number``,
    the header being line 1), except that a reference is optional: a row without one is
    always recorded, a row with one follows the same idempotency rule.
    """
    _require(actor, "import", CostEntry)
    rows = _batch_rows(rows)
    return _record_batch(_import_checker(actor, rows), rows)
