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


class StaleRecord(Refused):
    """Another session saved the record after this form loaded it: nothing was written.

    `who`/`when` name the other change; `current` holds the stored values (field -> value) so the
    form can show theirs against yours and reload keeping the user's own edits."""

    def __init__(self, message: str, *, who: str = "", when=None, current: dict | None = None):
        super().__init__(message)
        self.who, self.when, self.current = who, when, dict(current or {})


class TransientWriteError(DatabaseProblem):
    """A write lost a race (deadlock, serialisation failure, lock held too long): the whole business
    function may simply run again (`store.db.run_write` does, a few times)."""


class ConstraintViolation(DatabaseProblem):
    """A write broke a uniqueness or reference rule (a concurrent session's code, a deleted
    dictionary entry); `reason` is the database's own text."""

    def __init__(self, message: str, *, reason: str = ""):
        super().__init__(message)
        self.reason = reason
