"""Filia's terminal UI (Textual) and the `filia` command line."""
