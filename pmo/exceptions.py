"""Domain errors, turned into clean answers by the views and the API exception handler."""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A domain rule refused the operation; the message is shown to the user (400)."""

    def __init__(self, message, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class WorkflowError(ApplicationError):
    """A workflow step the current state does not allow (409 with the reason)."""


class StaleWriteError(WorkflowError):
    """A save based on a version someone else has changed since (409): the writer is told who
    saved it and when, and nothing of either save is lost."""


# Shown when the database refuses a write that validation accepted a moment earlier: another
# request saved a conflicting row in between (two people creating the same code at once).
CONCURRENT_CONFLICT_MESSAGE = _(
    "This conflicts with a change saved at the same moment. Reload and try again."
)
