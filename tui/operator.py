"""Who is at the keyboard: the logged-in operator's login, recorded on what they save (PIE-15, CTF-62)."""
from __future__ import annotations


def operator_login(app) -> str:
    """The login of `app.operator`, "" before login or in an app without one (screens tested alone)."""
    return getattr(getattr(app, "operator", None), "login", "") or ""
