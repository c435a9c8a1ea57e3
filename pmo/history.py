"""The audit trail of governed records: every change kept with who, when and what changed.

A governed model declares ``history = audit_trail()``; django-simple-history then writes a
historical row on each save and delete (the request's user through its middleware, the
service's actor otherwise). History is read-only for everyone: nothing in Pilotage edits or
deletes a historical row.
"""

from simple_history.models import HistoricalRecords

# Bookkeeping that changes on every save and says nothing a reader needs.
NOISE_FIELDS = ("updated_at",)


def audit_trail(*, excluded_fields=()) -> HistoricalRecords:
    """The history manager of a governed model."""
    return HistoricalRecords(excluded_fields=[*NOISE_FIELDS, *excluded_fields])
