"""Document printouts (issue 14 §8): a PDF whose contractor and line texts hold every Polish letter gives them
back through pypdf; the text printout too; a missing folder is refused with nothing written (both engines)."""
from __future__ import annotations

from pathlib import Path

import pytest

from store.errors import FiliaError
from tests.dbdump import assert_same, dump
from tests.store.trade_helpers import bshop, branch_shop_db, sell  # noqa: F401

POLISH = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"


def polish_fa(shop):
    from store.catalog.models import Goods
    from store.parties import create_contractor

    c = create_contractor({"code": "PL1", "name": f"Firma {POLISH}", "city": "Łódź", "postal_code": "90-001"})
    Goods.update(name=f"Towar {POLISH}").where(Goods.id == shop.service_id).execute()
    return sell(shop, "FA", [("USL", 2, "12.50")], contractor_id=c.id, approve_it=False)


def test_pdf_gives_every_polish_letter_back_with_page_numbers_and_watermark(bshop, tmp_path):
    from pypdf import PdfReader

    from store.trade.printing import print_pdf

    fa = polish_fa(bshop)
    out = print_pdf(fa.id, tmp_path / "fa.pdf", watermark="WERSJA DEMONSTRACYJNA")
    text = "".join(page.extract_text() for page in PdfReader(str(out)).pages)
    for letter in POLISH:
        assert letter in text
    assert f"Firma {POLISH}" in text and f"Towar {POLISH}" in text
    assert "Strona 1 z 1" in text and "WERSJA DEMONSTRACYJNA" in text
    assert "30,75" in text                                   # 2 x 12.50 net + 23 % VAT
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]   # no temporary file left


def test_text_printout_holds_the_letters_the_vat_table_and_the_page_number(bshop, tmp_path):
    from store.trade.printing import print_text

    fa = polish_fa(bshop)
    text = print_text(fa.id, tmp_path / "fa.txt", watermark="WERSJA DEMONSTRACYJNA").read_text(encoding="utf-8")
    assert f"Firma {POLISH}" in text and f"Towar {POLISH}" in text
    assert "25,00" in text and "5,75" in text and "30,75" in text
    assert "Strona 1 z 1" in text and text.startswith("*** WERSJA DEMONSTRACYJNA ***")
    assert "WERSJA" not in print_text(fa.id, tmp_path / "plain.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("which", ["pdf", "text"])
def test_printing_into_a_missing_folder_is_refused_and_changes_nothing(bshop, tmp_path, which):
    from store.trade.printing import print_pdf, print_text

    fa = polish_fa(bshop)
    before = dump()
    with pytest.raises(FiliaError, match="Katalog docelowy nie istnieje"):
        (print_pdf if which == "pdf" else print_text)(fa.id, tmp_path / "nie_ma" / "fa.out")
    assert_same(before, dump())
    assert not Path(tmp_path / "nie_ma").exists()
