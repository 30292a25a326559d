"""What the trade core says back: refusals with every reason, and questions the user must answer."""
from __future__ import annotations

from store.errors import FiliaError, Refused


class DocumentRefused(Refused):
    """The document cannot be saved/approved/cancelled; `reasons` lists every reason found (Polish)."""

    def __init__(self, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__("\n".join(self.reasons))


class ConfirmationNeeded(FiliaError):
    """Nothing was written: the user must answer these questions first. `questions` = [(code, Polish text)];
    the caller asks each and calls again with the accepted codes in `confirmed`."""

    def __init__(self, questions: list[tuple[str, str]]):
        self.questions = list(questions)
        self.codes = [code for code, _text in self.questions]
        super().__init__("\n".join(text for _code, text in self.questions))
