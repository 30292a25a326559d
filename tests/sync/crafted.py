"""DLA files written by hand for the token and bad-input tests (valid against the XSD unless asked)."""
from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sync.xlo.writer import XloWriter


def dla(path: Path, *, seq: int, created_at: datetime, branch_id: str, symbol: str = "KRAK", direction: str = "DLA",
        goods=(), contractors=(), ack: str | None = None) -> Path:
    """goods: (gid, code, retail gross) ...; contractors: dicts with gid, guid, code, name, nip, city."""
    header = {"direction": direction, "branch_symbol": symbol, "branch_id": branch_id, "seq": seq,
              "created_at": created_at, "file_id": str(uuid.uuid4()), "ack_file_id": ack, "program": "test"}
    with XloWriter(path, header) as w:
        w.block("catalogue")
        for gid, code, gross in goods:
            net = (Decimal(gross) / Decimal("1.23")).quantize(Decimal("0.01"))
            w.record("goods", {"gid": gid, "code": code, "name": f"Towar {code}", "vat": "23",
                               "modified_at": created_at},
                     [("price", {"type": "detaliczna", "net": net, "gross": Decimal(gross)})])
        w.block("contractors")
        for c in contractors:
            w.record("contractor", {"modified_at": created_at, **c})
    return path
