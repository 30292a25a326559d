"""Filia's data layer: Peewee models grouped by business area and the rules that change them.

store/ imports no other package of ours; tui/, sync/ and the CLI call its functions.
"""
