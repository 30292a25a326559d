"""The contractor card sends only what its clerk changed (issue 16 §1): a bank account another session added
while the card was open stays, and so does a default representative another session moved (neither steps
the card's version, so the save goes through — and must not send the old grids back)."""
from __future__ import annotations

from store import parties
from store.parties import BankAccount, Contractor, Representative
from tests.tui.card_helpers import open_card, save, type_into

SIZE = (120, 40)


async def test_a_card_save_keeps_rows_another_session_wrote(filia_app):
    async with filia_app.run_test(size=SIZE) as pilot:
        card = await open_card(pilot, "contractors")
        cid = card.contractor_id
        reps = [r.id for r in Representative.select().where(Representative.contractor == cid)]
        if len(reps) < 2:
            for name in ("Jan Nowak", "Ewa Lis")[len(reps):]:
                reps.append(Representative.create(contractor=cid, name=name).id)
        # another session, without a card: a new account (a direct write) and the default representative moved
        BankAccount.create(contractor=cid, number="PL27114020040000300201355387",
                           number_key="27114020040000300201355387", currency="PLN")
        parties.set_default_representative(reps[-1])
        version = Contractor.get_by_id(cid).version
        card.version = version                 # the card's own version check is not what this test is about
        await type_into(pilot, "city", "Zmienione")
        await save(pilot)
        assert filia_app.screen is not card
        c = Contractor.get_by_id(cid)
        assert c.city == "Zmienione" and c.version == version + 1
        assert "27114020040000300201355387" in [b.number_key for b in BankAccount.select().where(
            BankAccount.contractor == cid)]
        assert [r.id for r in Representative.select().where((Representative.contractor == cid)
                                                             & (Representative.is_default == True))] == [reps[-1]]  # noqa: E712
