"""GUIDs are version-7 UUIDs (RFC 9562) in canonical text: sync compares them as text with uuid4() ones from
older files, and the guid indexes take them at one edge because they are ordered by time."""
from __future__ import annotations

import time
import uuid

from store.base import new_guid, new_guids


def test_guids_are_version_7_uuids_in_canonical_text_and_unique():
    made = new_guids(4000) + [new_guid() for _ in range(1000)]
    assert len(set(made)) == 5000
    for text in made:
        parsed = uuid.UUID(text)
        assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
        assert str(parsed) == text                       # lower case, dashes where uuid.UUID puts them
    assert {t[19] for t in made} == set("89ab")          # every variant nibble occurs
    assert len(new_guid()) == len(made[0]) == 36 and new_guids(0) == []


def test_guids_carry_the_time_they_were_made_so_later_ones_sort_after():
    before = time.time_ns() // 1_000_000
    first = new_guids(50)
    time.sleep(0.003)
    later = new_guid()
    after = time.time_ns() // 1_000_000
    for text in first + [later]:
        ms = int(uuid.UUID(text).hex[:12], 16)           # the first 48 bits: Unix time in ms (RFC 9562 §5.7)
        assert before <= ms <= after
    assert max(first) < later                            # text order = time order across milliseconds
    assert len({t[:13] for t in first}) == 1             # a bulk shares its millisecond; the rest is random
