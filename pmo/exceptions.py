"""Domain errors, turned into clean answers by the views and the API exception handler."""


class ApplicationError(Exception):
    """A domain rule refused the operation; the message is shown to the user (400)."""

    def __init__(self, message, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class WorkflowError(ApplicationError):
    """A workflow step the current state does not allow (409 with the reason)."""
