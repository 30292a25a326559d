"""Key-manager log (KEY-125, KEY-126, KEY-264): a rotated file, level from the `log_level` setting,
`pack_logs()` zips every key log into the system temporary folder."""
from __future__ import annotations

import logging
import logging.handlers
import os
import tempfile
import time
import zipfile
from pathlib import Path

LEVELS = {0: logging.ERROR, 1: logging.WARNING, 2: logging.INFO, 3: logging.DEBUG}
_LOGGER = logging.getLogger("filia.keys")


def log_path() -> Path:
    """$FILIA_KEYS_LOG, else $XDG_STATE_HOME/filia/keys.log (platformdirs user state dir)."""
    env = os.environ.get("FILIA_KEYS_LOG")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_state_dir("filia", appauthor=False)) / "keys.log"


def logger(level_setting: int = 0) -> logging.Logger:
    path = log_path()
    current = [h for h in _LOGGER.handlers if getattr(h, "filia_path", None) == str(path)]
    if not current:
        for h in list(_LOGGER.handlers):
            _LOGGER.removeHandler(h)
            h.close()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        except OSError:
            handler = logging.NullHandler()
        handler.filia_path = str(path)  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s pid=%(process)d %(message)s"))
        _LOGGER.addHandler(handler)
        _LOGGER.propagate = False
    _LOGGER.setLevel(LEVELS.get(level_setting, logging.ERROR))
    return _LOGGER


def pack_logs() -> Path:
    """Zip keys.log and its rotations into the temporary folder; return the zip path."""
    path = log_path()
    target = Path(tempfile.gettempdir()) / f"filia-keys-logs-{time.strftime('%Y%m%d-%H%M%S')}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for item in sorted(path.parent.glob(path.name + "*")):
            zf.write(item, item.name)
    return target
