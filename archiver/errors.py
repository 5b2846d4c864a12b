"""Errors the archiver raises on purpose, each with a message meant for a person."""


class UserError(ValueError):
    """Bad input from a user: answered with HTTP 400 or a CLI message, never a traceback."""


class ConflictError(UserError):
    """The request clashes with the archive's state (a duplicate, a sync already running)."""

    def __init__(self, message: str, **extra):
        super().__init__(message)
        self.extra = extra
