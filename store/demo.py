"""A deterministic demo company: Polish-looking contractors and goods with valid NIPs and EANs.

Goods go in with one raw executemany per batch (store.bulk): 1,000,000 items in well under a
minute, where peewee's object-by-object save would take over ten. Each card's retail price is a
row of its prices table (goods_price, the source of every price); the list's sort mirror
goods.retail_price is then written by store.catalog.prices.mirror_retail, as for every other card.

The setting DEMO_MARKER marks a database `filia demo` built: it reuses or rebuilds only such a
database and refuses any other.
"""
from __future__ import annotations

import random
from array import array
from itertools import islice
from decimal import Decimal
from typing import Callable

from peewee import fn
from stdnum import ean as std_ean
from stdnum.pl import nip as pl_nip

from store import config
from store.bulk import bulk_insert, deferred_indexes
from store.catalog import Goods, GoodsPrice, PriceType, Unit, Warehouse
from store.catalog import money
from store.config import Company, VatRate
from store.db import bulk_write, write
from store.parties import Contractor

SURNAMES = ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
            "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk",
            "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski", "Michalski", "Nowicki", "Adamczyk", "Dudek",
            "Zając", "Wieczorek", "Jabłoński", "Król", "Majewski", "Olszewski", "Jaworski", "Malinowski"]
TRADES = ["Handel", "Usługi", "Transport", "Budownictwo", "Hurtownia", "Piekarnia", "Serwis", "Meble",
          "Instalacje", "Ogrody", "Drukarnia", "Elektro", "Auto-Części", "Agro", "Tekstylia", "Farmacja"]
FORMS = ["Sp. z o.o.", "S.A.", "Sp. j.", "s.c.", "", "Sp. k."]
CITIES = [("Warszawa", "00-001"), ("Kraków", "30-001"), ("Łódź", "90-001"), ("Wrocław", "50-001"),
          ("Poznań", "60-001"), ("Gdańsk", "80-001"), ("Szczecin", "70-001"), ("Bydgoszcz", "85-001"),
          ("Lublin", "20-001"), ("Białystok", "15-001"), ("Katowice", "40-001"), ("Gdynia", "81-001"),
          ("Częstochowa", "42-200"), ("Radom", "26-600"), ("Toruń", "87-100"), ("Kielce", "25-001"),
          ("Rzeszów", "35-001"), ("Olsztyn", "10-001"), ("Opole", "45-001"), ("Zielona Góra", "65-001")]
STREETS = ["Długa", "Krótka", "Polna", "Leśna", "Słoneczna", "Kwiatowa", "Ogrodowa", "Lipowa", "Szkolna",
           "Kościuszki", "Mickiewicza", "Piłsudskiego", "Sienkiewicza", "Żeromskiego", "Jana Pawła II"]
PRODUCTS = ["Śruba", "Wkręt", "Młotek", "Klucz", "Farba", "Pędzel", "Kabel", "Żarówka", "Listwa", "Gniazdko",
            "Taśma", "Klej", "Silikon", "Płytka", "Panel", "Drzwi", "Okno", "Zawias", "Zamek", "Wiertło",
            "Piła", "Rękawice", "Kask", "Drabina", "Worek", "Cement", "Gips", "Wiadro", "Szczotka", "Kran"]
QUALIFIERS = ["stalowy", "ocynkowany", "biały", "czarny", "mosiężny", "uniwersalny", "profesjonalny",
              "wodoodporny", "mocny", "lekki", "elastyczny", "dekoracyjny", "techniczny", "ogrodowy"]
UNITS = [("szt", "sztuka"), ("kg", "kilogram"), ("m", "metr"), ("l", "litr"), ("opak", "opakowanie"),
         ("kpl", "komplet")]
WAREHOUSES = [("MAGAZYN", "Magazyn główny", "local"), ("SKLEP", "Sklep", "local"),
              ("SERWIS", "Magazyn serwisowy", "service"), ("CENTRALA", "Magazyn centrali", "remote")]
PRICE_TYPES = [("zakupu", "purchase", False), ("hurtowa 1", "sale", False), ("hurtowa 2", "sale", False),
               ("detaliczna", "sale", True)]
RETAIL = "detaliczna"
PRICE_BATCH = 50_000

DEMO_MARKER = "demo"      # setting "1": this database is a demo `filia demo` may reuse or rebuild
DEMO_FORMAT = 2           # 2: retail prices in goods_price (a demo of format 1 is rebuilt)


def is_demo(settings: dict[str, str]) -> bool:
    return settings.get(DEMO_MARKER) == "1"


def demo_params(contractors: int, goods: int, seed: int) -> str:
    """What a demo database was built from (setting demo_params): another value means rebuild."""
    return f"{contractors}/{goods}/{seed}/v{DEMO_FORMAT}"


def valid_nip(rng: random.Random) -> str:
    while True:  # about one random number in eleven passes the checksum
        candidate = f"{rng.randint(1, 9)}{rng.randint(0, 999999999):09d}"
        if pl_nip.is_valid(candidate):
            return candidate


def valid_ean13(n: int) -> str:
    body = f"590{n:09d}"  # 590 = GS1 Poland
    return body + std_ean.calc_check_digit(body)


def build_demo(*, contractors: int = 200, goods: int = 1000, seed: int = 1, role: str = "standalone",
               progress: Callable[[str, int, int], None] | None = None) -> None:
    """Fill an empty, migrated database. progress(stage, done, total) is called per batch."""
    rng = random.Random(seed)
    report = progress or (lambda stage, done, total: None)
    with write():
        config.set_setting("role", role)
        config.set_setting("costing_method", "FIFO")
        config.set_setting(DEMO_MARKER, "1")
        Company.create(name="Filia Demo Sp. z o.o.", nip="5260250274", regon="012100784",
                       street="Marszałkowska", building="1", postal_code="00-624", city="Warszawa")
        config.create_operator("ADMIN", "admin", name="Administrator", is_admin=True)
    config.ensure_default_vat_rates()
    vat = {v.code: v.id for v in VatRate.select()}
    with write():
        for code, name in UNITS:
            Unit.create(code=code, name=name)
        for symbol, name, kind in WAREHOUSES:
            Warehouse.create(symbol=symbol, name=name, kind=kind)
        for pos, (name, kind, gross) in enumerate(PRICE_TYPES):
            PriceType.create(name=name, kind=kind, gross=gross, position=pos, is_retail=name == RETAIL)
    retail = PriceType.get(PriceType.name == RETAIL)
    from store.catalog.goods import main_group

    main_group()             # the root of the groups tree every company has (init seeds it too)

    def contractor_rows():
        for i in range(1, contractors + 1):
            surname = rng.choice(SURNAMES)
            trade = rng.choice(TRADES)
            city, postal = rng.choice(CITIES)
            name = f"{trade} {surname} {rng.choice(FORMS)}".strip()
            yield {"code": f"K{i:06d}", "name": name, "nip": valid_nip(rng), "city": city}

    with write():
        bulk_insert(Contractor, contractor_rows(), progress=lambda n: report("contractors", n, contractors))
    from store.parties import rebuild_nip_keys

    rebuild_nip_keys()  # the NIP search key (CTF-8) the bulk insert does not compute

    vat_choices = [vat["23"]] * 8 + [vat["8"], vat["5"]]
    vat_percent = {v.id: v.rate for v in VatRate.select()}

    units = [code for code, _ in UNITS]
    n_products, n_qualifiers, n_units, n_vat = len(PRODUCTS), len(QUALIFIERS), len(units), len(vat_choices)
    gross_cents = array("q")            # per card, in insertion order: its retail price and VAT choice
    vat_index = bytearray()

    def goods_rows():
        getrandbits = rng.getrandbits
        for i in range(1, goods + 1):
            r = getrandbits(64)  # one draw per item, sliced into its random attributes
            h = "%032x" % getrandbits(128)
            gross_cents.append((r >> 40) % 99900 + 99)
            vat_index.append((r >> 32) % n_vat)
            yield {"code": f"T{i:07d}",
                   "name": f"{PRODUCTS[r % n_products]} {QUALIFIERS[(r >> 8) % n_qualifiers]} {(r >> 16) % 500 + 1}",
                   "ean": valid_ean13(i), "unit": units[(r >> 28) % n_units],
                   "vat_rate": vat_choices[vat_index[-1]],
                   "guid": f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"}

    def price_rows(goods_ids):
        """(goods, price type, net, gross) of each card's retail price as stored (scaled integers), the net
        computed as the prices table computes it (ITM-21), once per distinct gross price and VAT rate."""
        to_db = GoodsPrice.net.db_value
        nets: dict[tuple[int, int], int] = {}
        for n, gid in enumerate(goods_ids):
            cents, vat_id = gross_cents[n], vat_choices[vat_index[n]]
            net = nets.get((cents, vat_id))
            if net is None:
                net = nets[cents, vat_id] = to_db(money.complete(
                    Decimal(cents).scaleb(-2), gross=True, vat_percent=vat_percent[vat_id], places=2)[0])
            yield gid, retail.id, net, cents * 100

    from store.catalog.prices import mirror_retail
    from store.pricelist_io.bulk_sql import insert_rows

    with bulk_write(), deferred_indexes(Goods):
        bulk_insert(Goods, goods_rows(), batch_size=10000, progress=lambda n: report("goods", n, goods))
        low, high, count = Goods.select(fn.MIN(Goods.id), fn.MAX(Goods.id), fn.COUNT(Goods.id)).tuples().first()
        ids = range(low, high + 1) if count and high - low + 1 == count else \
            [gid for (gid,) in Goods.select(Goods.id).order_by(Goods.id).tuples()]     # in insertion order
        rows = price_rows(ids)
        with deferred_indexes(GoodsPrice):
            for done in range(0, goods, PRICE_BATCH):                  # bounded memory: 1,000,000 cards
                insert_rows(GoodsPrice, ["goods", "price_type", "net", "gross"], list(islice(rows, PRICE_BATCH)))
                report("prices", min(done + PRICE_BATCH, goods), goods)
        mirror_retail()
        report("indexes", 0, 1)  # the goods indexes are rebuilt when the block ends
    report("indexes", 1, 1)
