"""Trade parameters a database may set (SETUP-12, SETUP-15, DOC-15), kept as settings."""
from __future__ import annotations

from store.config import Setting
from store.gates import FLAGS
from store.prepared import prepared, run

STOCK_CHECK = "trade_stock_check"                   # none | before_save (default) | on_line   (SETUP-15)
WARN_UNSPECIFIED = "trade_warn_unspecified"         # "1": ask before approving for !NIEOKREŚLONY! (SETUP-12)
DEFERRED_UNSPECIFIED = "trade_deferred_unspecified"  # "1": deferred payment allowed for it (SETUP-12, OPER-10)
FS_FROM_PA_DAYS = "trade_fs_from_pa_days"           # HQ's *Ilość dni na wystawienie FS z PA* (DOC-15), default 7
KEYS = ("role", "costing_method", STOCK_CHECK, WARN_UNSPECIFIED, DEFERRED_UNSPECIFIED, FS_FROM_PA_DAYS, *FLAGS)
DEFAULTS = {STOCK_CHECK: "before_save", WARN_UNSPECIFIED: "0", DEFERRED_UNSPECIFIED: "0", FS_FROM_PA_DAYS: "7",
            "costing_method": "FIFO", "role": "standalone"}


def read() -> dict[str, str]:
    """Every trade option (and role, costing method, the gates' flags) in one query."""
    sql = prepared("trade.options", lambda: Setting.select(Setting.key, Setting.value).where(Setting.key.in_(KEYS)))
    values = dict(run(sql, KEYS).fetchall())
    return {k: values.get(k) or DEFAULTS.get(k, "") for k in KEYS}
