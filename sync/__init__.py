"""Exchange with HQ and with an accounting office (sync -> store)."""
