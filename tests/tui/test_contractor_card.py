"""Contractor card screen driven by the keyboard (Pilot) over a real SQLite file."""
from __future__ import annotations

from decimal import Decimal

import pytest
from textual.app import App
from textual.widgets import Input

from store import parties
from store.config import set_setting
from store.parties import BankAccount, Contractor
from tui.screens.contractor_card import ContractorCard
from tui.widgets.confirm import ChoiceDialog, ConfirmDialog

from tests.tui.card_helpers import save, settle, type_into

UNSET = object()


class CardApp(App):
    def __init__(self, **kw) -> None:
        super().__init__()
        self.kw, self.result = kw, UNSET

    def on_mount(self) -> None:
        self.push_screen(ContractorCard(**self.kw), self.done)

    def done(self, result) -> None:
        self.result = result


def msg(app, field: str) -> str:
    found = app.screen.query(f"#msg-{field}")
    return str(found.first().render()) if found else ""


@pytest.mark.rule("CTF-1", "CTF-3")
async def test_new_card_typed_and_saved_with_ctrl_s(sqlite_db):
    app = CardApp()
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        assert app.focused.id == "f-code"
        await pilot.press(*"KOWAL")
        await pilot.press("tab")
        assert app.focused.id == "f-group_id"  # Tab moves to the next field
        await type_into(pilot, "name", "Jan Kowal")
        await type_into(pilot, "nip", "5260250274")
        await type_into(pilot, "postal_code", "31123")
        await type_into(pilot, "city", "Krakow")
        await type_into(pilot, "discount", "5,5")
        await save(pilot)
    c = Contractor.get(Contractor.code == "KOWAL")
    assert app.result == c.id
    assert (c.name, c.nip, c.postal_code, c.city, c.discount) == (
        "Jan Kowal", "5260250274", "31-123", "Krakow", Decimal("5.50"))


@pytest.mark.rule("CTF-12")
async def test_invalid_nip_shows_polish_message_and_saves_nothing(sqlite_db):
    app = CardApp()
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        await pilot.press(*"ABC")
        await type_into(pilot, "name", "Firma")
        await type_into(pilot, "nip", "1234563219")
        await save(pilot)
        assert "Nieprawidłowy numer NIP" in msg(app, "nip")
        assert isinstance(app.screen, ContractorCard) and app.result is UNSET
        assert app.focused.id == "f-nip"
    assert Contractor.select().count() == 0


@pytest.mark.rule("CTF-1")
async def test_required_fields_named_under_each(sqlite_db):
    app = CardApp()
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        await type_into(pilot, "regon", "12")
        await save(pilot)
        assert "Kod" in msg(app, "code") and "Nazwa" in msg(app, "name") and "REGON" in msg(app, "regon")
    assert Contractor.select().count() == 0


async def test_esc_on_changed_card_offers_save_discard_cancel(sqlite_db):
    # Esc on a changed card asks Zapisz / Porzuć / Anuluj; each answers to its underlined letter.
    app = CardApp()
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        await pilot.press(*"XYZ")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        assert "Zapisać zmiany?" in str(app.screen.query_one("#confirm-message").render())
        assert [str(b.label) for b in app.screen.query("Button")] == ["Zapisz", "Porzuć", "Anuluj"]
        await pilot.press("a")                      # Anuluj: back to the card, the text kept
        await pilot.pause()
        assert isinstance(app.screen, ContractorCard)
        assert app.screen.query_one("#f-code", Input).value == "XYZ"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("p")                      # Porzuć: closed, nothing written
        await pilot.pause()
        assert app.result is None
    assert Contractor.select().count() == 0


async def test_esc_then_z_saves_the_changed_card(sqlite_db):
    app = CardApp()
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        await pilot.press(*"ZAP")
        await type_into(pilot, "name", "Zapisany przez Esc")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("z")
        await settle(pilot)
    c = Contractor.get(Contractor.code == "ZAP")
    assert app.result == c.id and c.name == "Zapisany przez Esc"


async def test_esc_then_z_with_a_bad_field_keeps_the_card_open(sqlite_db):
    app = CardApp()
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        await pilot.press(*"BAD")                  # no name: the save is refused
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("z")
        await settle(pilot)
        assert isinstance(app.screen, ContractorCard) and app.result is UNSET
        assert "Nazwa" in msg(app, "name")
    assert Contractor.select().count() == 0


async def test_esc_on_unchanged_card_closes_without_asking(sqlite_db):
    c = parties.create_contractor({"code": "A", "name": "A"})
    app = CardApp(contractor_id=c.id)
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.result is None


async def test_f6_and_ctrl_pagedown_switch_tabs(sqlite_db):
    app = CardApp()
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        card = app.screen
        await pilot.press("f6")
        await pilot.pause()
        assert card.active_pane == "tab-trade"
        await pilot.press("ctrl+pagedown")
        await pilot.pause()
        assert card.active_pane == "tab-payments"
        await pilot.press("ctrl+pageup")
        await pilot.pause()
        assert card.active_pane == "tab-trade"
        assert app.focused is not None and app.focused.id == "f-status"


@pytest.mark.rule("CTR-16", "CTF-3")
async def test_copy_prefilled_needs_new_code(sqlite_db):
    a = parties.create_contractor({"code": "ABC", "name": "Firma ABC", "street": "Długa",
                                   "bank_accounts": [{"number": "PL61109010140000071219812874"}]})
    app = CardApp(copy_from=a.id)
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#f-street", Input).value == "Długa"
        await save(pilot)
        assert "już istnieje" in msg(app, "code")
        await type_into(pilot, "code", "ABC2")
        await save(pilot)
        if isinstance(app.screen, ConfirmDialog):  # same name and city: similar-contractor warning
            await pilot.press("t")
            await pilot.pause()
    b = Contractor.get(Contractor.code == "ABC2")
    assert app.result == b.id and b.guid != a.guid and b.street == "Długa"
    assert [x.number for x in b.bank_accounts] == ["PL61109010140000071219812874"]


@pytest.mark.rule("BNK-1", "BNK-3")
async def test_bank_account_added_in_grid_and_bad_iban_refused(sqlite_db):
    c = parties.create_contractor({"code": "BANK", "name": "Bank"})
    app = CardApp(contractor_id=c.id)
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        await pilot.press("f6", "f6")  # [Płatności]
        await pilot.pause()
        assert app.screen.active_pane == "tab-payments"
        app.screen.query_one("#table-bank_accounts").focus()
        await pilot.press("insert")
        await pilot.pause()
        await pilot.press(*"PL61109010140000071219812875")  # last digit wrong
        await save(pilot)
        await save(pilot)
        assert "Numer rachunku" in msg(app, "bank_accounts")
        assert BankAccount.select().count() == 0
        app.screen.query_one("#table-bank_accounts").focus()
        await pilot.press("enter")
        await pilot.pause()
        field = app.screen.query_one("#f-number", Input)
        field.value = ""
        await pilot.press(*"61109010140000071219812874")
        await pilot.press("enter")
        await pilot.pause()
        await save(pilot)
    assert app.result == c.id
    assert [(a.number, a.is_default) for a in BankAccount.select()] == [("PL61109010140000071219812874", True)]


@pytest.mark.rule("CTF-11")
async def test_duplicate_nip_question_then_saved(sqlite_db):
    parties.create_contractor({"code": "A", "name": "A", "nip": "5260250274"})
    app = CardApp()
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        await pilot.press(*"B")
        await type_into(pilot, "name", "B")
        await type_into(pilot, "nip", "5260250274")
        await save(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "już istnieje (A)" in str(app.screen.query_one("#confirm-message").render())
        await pilot.press("enter")  # OK is highlighted
        await pilot.pause()
    assert Contractor.select().where(Contractor.nip_key == "5260250274").count() == 2


@pytest.mark.rule("CONF-4", "CONF-6")
async def test_branch_hq_card_read_only_fields_say_why(sqlite_db):
    set_setting("role", "branch")
    c = parties.create_contractor({"code": "HQ", "name": "Z centrali", "credit_limit_on": False})
    Contractor.update(gid=7).where(Contractor.id == c.id).execute()
    app = CardApp(contractor_id=c.id)
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        banner = str(app.screen.query_one("#form-banner").render())
        assert "Tylko do odczytu: Karta potwierdzona przez centralę" in banner  # said once, not under 40 fields
        assert "limit kredytu oraz status i rodzaj transakcji kontrahenta ustala centrala" in banner
        assert app.screen.query_one("#f-code").disabled and msg(app, "code") == ""
        assert not app.screen.query_one("#f-name").disabled
        await pilot.press("f6")
        await pilot.pause()
        assert app.screen.query_one("#f-credit_limit").disabled
        await pilot.press("f6")
        await pilot.pause()
        assert "centrala" in msg(app, "bank_accounts")
        await type_into(pilot, "name", "Nowa nazwa")
        await save(pilot)
    assert Contractor.get_by_id(c.id).name == "Nowa nazwa" and app.result == c.id


@pytest.mark.rule("CTF-10")
async def test_prefix_fills_country_and_transaction_type(sqlite_db):
    app = CardApp()
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        await pilot.press(*"DE1")
        await type_into(pilot, "name", "Deutsche")
        await type_into(pilot, "nip_country", "DE")
        await pilot.pause()
        assert app.screen.query_one("#f-country", Input).value == "Niemcy"
        await save(pilot)
    c = Contractor.get(Contractor.code == "DE1")
    assert (c.nip_country, c.country_iso, c.transaction_type) == ("DE", "DE", "intra_eu")


@pytest.mark.rule("CTF-2", "MRG-11", "MRG-12")
async def test_subordinate_card_is_read_only_with_banner(sqlite_db):
    m = parties.create_contractor({"code": "MAIN", "name": "Główny"})
    s = parties.create_contractor({"code": "DUP", "name": "Duplikat"})
    parties.merge_contractors(m.id, [s.id])
    app = CardApp(contractor_id=s.id)
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        banner = str(app.screen.query_one("#form-banner").render())
        assert "To jest karta duplikująca kontrahenta MAIN. Używaj karty głównej." in banner
        assert app.screen.query_one("#f-name").disabled and app.screen.query_one("#f-code").disabled
        before = Contractor.get_by_id(s.id).modified_at
        await save(pilot)  # nothing changed: the card closes without writing
        assert app.result == s.id
    assert Contractor.get_by_id(s.id).modified_at == before
    app = CardApp(contractor_id=m.id)
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        await pilot.press("f6", "f6", "f6", "f6")  # [Atrybuty]
        await pilot.pause()
        assert "Duplikaty karty: DUP" in str(app.screen.query_one("#card-stamps").render())


@pytest.mark.rule("CTF-54")
async def test_jpk_code_added_on_jpk_tab(sqlite_db):
    c = parties.create_contractor({"code": "J", "name": "J"})
    app = CardApp(contractor_id=c.id)
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        await pilot.press("shift+f6")  # previous tab from [Ogólne] = the last one, [JPK]
        await pilot.pause()
        assert app.screen.active_pane == "tab-jpk"
        app.screen.query_one("#table-jpk_codes").focus()
        await pilot.press("insert")
        await pilot.pause()
        await pilot.press(*"gtu", "underscore", "0", "6", "enter")
        await pilot.pause()
        assert "Kod towarowy" in str(app.screen.query_one("#table-jpk_codes").get_row_at(0))
        await save(pilot)
    assert app.result == c.id and parties.jpk_codes_of(c.id) == ["GTU_06"]


@pytest.mark.rule("CTF-43")
async def test_credit_limit_amount_editable_only_with_its_check_box(sqlite_db):
    c = parties.create_contractor({"code": "K", "name": "K"})
    app = CardApp(contractor_id=c.id)
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        await pilot.press("f6")  # [Handlowe]
        await pilot.pause()
        amount = app.screen.query_one("#f-credit_limit", Input)
        assert amount.disabled
        app.screen.query_one("#f-credit_limit_on").focus()
        await pilot.press("space")
        await pilot.pause()
        assert not amount.disabled
        await pilot.press("tab")
        assert app.focused is amount
        amount.value = ""
        await pilot.press(*"2500")
        await save(pilot)
    c = Contractor.get_by_id(c.id)
    assert c.credit_limit_on and c.credit_limit == Decimal("2500.00")


@pytest.mark.rule("REP-6")
async def test_recipient_added_by_code_on_additional_tab(sqlite_db):
    parties.create_contractor({"code": "ODB", "name": "Odbiorca sp. z o.o.", "city": "Gdańsk"})
    c = parties.create_contractor({"code": "KUP", "name": "Kupujący"})
    app = CardApp(contractor_id=c.id)
    async with app.run_test(size=(120, 45)) as pilot:
        await pilot.pause()
        await pilot.press("f6", "f6", "f6")  # [Dodatkowe]
        await pilot.pause()
        app.screen.query_one("#table-recipients").focus()
        await pilot.press("ctrl+n", *"odb", "enter")    # a full code (any case) + Enter: resolved, no list
        await pilot.pause()
        await pilot.pause()
        assert "ODB" in str(app.screen.query_one("#table-recipients").get_row_at(0))
        await save(pilot)
    assert app.result == c.id and parties.recipients_of(c.id) == [("ODB", False)]
