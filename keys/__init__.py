"""License keys: vendor-signed license files, the installation key store, the seat pool.

The package stands alone (imports nothing of Filia's other packages): the caller hands it the
path of the key store, the trusted vendor keys, the company NIP and the operator.
The one object an application needs is :class:`keys.manager.KeyManager`.
"""
from __future__ import annotations

import datetime as _dt

# Production date of this Filia version (KEY-7, KEY-231); the lead may move it next to the version.
RELEASE_DATE = _dt.date(2026, 11, 25)
VERSION = "0.1.0"
