"""Marked rows kept as record ids. 'Mark all' on a million rows flips a flag instead of storing ids."""
from __future__ import annotations


class Marks:
    def __init__(self) -> None:
        self.all_mode = False        # True: every row is marked except those in `exceptions`
        self.exceptions: set[int] = set()

    def contains(self, row_id: int) -> bool:
        return (row_id in self.exceptions) != self.all_mode

    def toggle(self, row_id: int) -> None:
        self.exceptions ^= {row_id}

    def mark_all(self) -> None:
        self.all_mode, self.exceptions = True, set()

    def clear(self) -> None:
        self.all_mode, self.exceptions = False, set()

    def invert(self) -> None:
        self.all_mode = not self.all_mode

    def count(self, total: int) -> int:
        return total - len(self.exceptions) if self.all_mode else len(self.exceptions)

    def any(self) -> bool:
        return self.all_mode or bool(self.exceptions)

    def ids(self, all_ids):
        """The marked ids, given an iterator over every id of the (filtered) list."""
        if not self.all_mode:
            return sorted(self.exceptions)
        return [i for i in all_ids if i not in self.exceptions]
