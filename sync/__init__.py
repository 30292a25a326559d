"""Exchange with HQ and with an accounting office (sync -> store)."""
from pathlib import Path

from store.i18n import register_locale_dir

register_locale_dir(Path(__file__).with_name("locale"))
