"""Filia's data layer: Peewee models grouped by business area and the rules that change them.

store/ imports no other package of ours; tui/, sync/ and the CLI call its functions.
"""


def load_areas() -> None:
    """Import every business area; each registers its migrations with store.schema (store/areas.py)."""
    from store import areas  # noqa: F401
