"""Domain errors: what a business rule refuses, said in the user's language."""
from __future__ import annotations


class FiliaError(Exception):
    """A refusal the user can act on. `str(err)` is the translated, user-facing message."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class ValidationError(FiliaError):
    """Bad input; `errors` maps field name -> message (several fields may be wrong at once)."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("\n".join(self.errors.values()), field=next(iter(self.errors), None))


class NotFound(FiliaError):
    pass


class Refused(FiliaError):
    """A rule forbids the change (record in use, role restriction, ...)."""


class DatabaseProblem(FiliaError):
    """The database cannot be opened or used (path, lock, corruption, newer schema)."""
