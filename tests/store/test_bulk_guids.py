"""Bulk-made GUIDs are ordinary version-4 UUIDs (sync compares them as text with uuid4() ones)."""
from __future__ import annotations

import uuid

from store.base import new_guid, new_guids


def test_bulk_guids_are_version_4_uuids_in_canonical_text():
    made = new_guids(4000)
    assert len(made) == len(set(made)) == 4000
    for text in made:
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
        assert str(parsed) == text                       # lower case, dashes where uuid4() puts them
    assert {t[19] for t in made} == set("89ab")          # every variant nibble occurs
    assert len(new_guid()) == len(made[0]) and new_guids(0) == []
