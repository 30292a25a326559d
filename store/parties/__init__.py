"""Contractors (kontrahenci): the card and its grids, list rules, merge, serial operations, history.

`from store.parties import Contractor, create_contractor, ...` is the public surface; the modules below
hold the parts (models, fields, rules, cards, subrecords, merge, serial, history, listing, verification).
"""
from __future__ import annotations

from store.parties.models import (CORRESPONDENCE_FIELDS, MODELS, UNSPECIFIED_CODE, BankAccount, Contractor, ContractorAttribute,
                                  ContractorGroup, ContractorJpkCode, ContractorLog, ContractorRecipient,
                                  Representative)
from store.schema import Migration, add_column_if_missing, add_tracking_columns, create_tables


def _add_correspondence_columns(db) -> None:
    """CTF-27 columns for databases created before them (fresh ones have them from version 1)."""
    for name in CORRESPONDENCE_FIELDS:
        add_column_if_missing("contractor", name, Contractor._meta.fields[name])(db)


from store.parties.cards import (card_data, copy_contractor, copy_data, create_contractor, create_group,  # noqa: E402
                                 delete_contractor, delete_contractors, editable_state, ensure_unspecified,
                                 get_contractor, list_groups, new_card_defaults, next_numeric_code,
                                 rebuild_nip_keys, save_card, update_contractor)
from store.parties.history import contractor_history  # noqa: E402
from store.parties.listing import list_condition, lookup_condition  # noqa: E402
from store.parties.merge import duplicates_of, merge_contractors, repoint_documents  # noqa: E402
from store.parties.rules import ConfirmationNeeded, nip_key  # noqa: E402
from store.parties.serial import (SerialReport, serial_add_jpk_codes, serial_remove_jpk_codes,  # noqa: E402
                                  serial_set_attribute, serial_set_carer,
                                  serial_set_categories, serial_set_group, serial_set_ksef, serial_set_payment_terms,
                                  serial_set_rep_mailing, serial_set_status, serial_set_trade_terms)
from store.parties.subrecords import (attributes_of, jpk_codes_of, jpk_kind, recipients_of,  # noqa: E402
                                      set_default_bank_account, set_default_representative)

MIGRATIONS = [
    Migration(1, "contractors, groups, bank accounts, representatives, attributes, change log",
              create_tables(*MODELS)),
    # Databases created before JPK codes existed (create_tables is "if not exists": a no-op on new ones).
    Migration(2, "contractor JPK_V7 codes", create_tables(ContractorJpkCode)),
    Migration(3, "contractor recipients", create_tables(ContractorRecipient)),
    Migration(4, "contractor correspondence address", _add_correspondence_columns),
    Migration(5, "record versions (issue 16)", add_tracking_columns(*MODELS)),
]
