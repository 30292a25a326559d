"""Contractor models (kontrahenci): the card (CTF), groups, bank accounts (BNK), representatives (REP),
attributes (CTF-61) and the card's change log (VER-8 "Historia zmian")."""
from __future__ import annotations

import peewee

from store.base import BaseModel, TrackedModel, utcnow
from store.fields import MoneyField, PercentField

UNSPECIFIED_CODE = "!NIEOKREŚLONY!"  # CTR-30: the walk-in customer, always present

STATUSES = ("company", "person")  # CTF-32: Podmiot gospodarczy / Osoba fizyczna
TRANSACTION_TYPES = (  # CTF-33
    "domestic", "reverse_charge", "intra_eu", "intra_eu_triangular", "oss",
    "non_eu", "non_eu_refund", "outside_country", "intra_eu_reverse", "non_eu_reverse",
)
EU_PREFIX_REQUIRED = ("intra_eu", "intra_eu_triangular", "oss", "intra_eu_reverse")  # CTF-35
COMPUTED_FROM = ("net", "gross")  # CTF-43 "Dokument liczony od"
KINDS = ("customer", "supplier", "competitor", "partner", "prospect")  # CTF-7: O, D, K, P, PT


class ContractorGroup(BaseModel):
    """Grupa kontrahentów (CTF-5). Local to the database: never exchanged with HQ (CONF-9, SETUP-21)."""

    code = peewee.CharField(max_length=20, unique=True)
    description = peewee.CharField(max_length=120, default="")


class Contractor(TrackedModel):
    # --- [Ogólne] ---
    code = peewee.CharField(max_length=50, unique=True)        # akronim (CTF-3; validated to 20 chars)
    name = peewee.CharField(max_length=250, index=True)        # Nazwa, line 1 (CTF-20)
    name2 = peewee.CharField(max_length=50, default="")        # line 2
    name3 = peewee.CharField(max_length=250, default="")       # line 3
    nip = peewee.CharField(max_length=20, default="", index=True)  # NIP as typed (CTF-8)
    nip_key = peewee.CharField(max_length=20, default="", index=True)  # normalised search key (CTF-8)
    nip_country = peewee.CharField(max_length=2, default="PL")  # prefix; "" = domestic (CTF-9)
    regon = peewee.CharField(max_length=14, default="")
    pesel = peewee.CharField(max_length=11, default="")
    eori = peewee.CharField(max_length=17, default="")         # CTF-17
    id_document = peewee.CharField(max_length=60, default="")  # CTF-19
    group = peewee.ForeignKeyField(ContractorGroup, null=True, backref="contractors", on_delete="SET NULL")
    kind_customer = peewee.BooleanField(default=True)          # CTF-7 O
    kind_supplier = peewee.BooleanField(default=False)         # D
    kind_competitor = peewee.BooleanField(default=False)       # K
    kind_partner = peewee.BooleanField(default=False)          # P
    kind_prospect = peewee.BooleanField(default=False)         # PT
    country = peewee.CharField(max_length=60, default="Polska")  # CTF-22
    country_iso = peewee.CharField(max_length=2, default="PL")
    province = peewee.CharField(max_length=40, default="")     # województwo
    county = peewee.CharField(max_length=60, default="")       # powiat
    commune = peewee.CharField(max_length=60, default="")      # gmina
    city = peewee.CharField(max_length=80, default="", index=True)
    post_office = peewee.CharField(max_length=80, default="")
    street = peewee.CharField(max_length=120, default="")
    building = peewee.CharField(max_length=20, default="")
    flat = peewee.CharField(max_length=20, default="")
    postal_code = peewee.CharField(max_length=10, default="")
    address_extra = peewee.CharField(max_length=40, default="")
    # Adres korespondencyjny (CTF-27): used for address labels.
    corr_country = peewee.CharField(max_length=60, default="")
    corr_city = peewee.CharField(max_length=80, default="")
    corr_post_office = peewee.CharField(max_length=80, default="")
    corr_postal_code = peewee.CharField(max_length=10, default="")
    corr_street = peewee.CharField(max_length=120, default="")
    corr_building = peewee.CharField(max_length=20, default="")
    corr_flat = peewee.CharField(max_length=20, default="")
    phone = peewee.CharField(max_length=40, default="")        # CTF-24
    phone2 = peewee.CharField(max_length=40, default="")
    phone_sms = peewee.CharField(max_length=40, default="")
    fax = peewee.CharField(max_length=40, default="")
    email = peewee.CharField(max_length=120, default="")
    www = peewee.CharField(max_length=200, default="")
    sales_category = peewee.CharField(max_length=40, default="")     # CTF-28 (category code)
    purchase_category = peewee.CharField(max_length=40, default="")  # CTF-29
    gln = peewee.CharField(max_length=13, default="")                # CTF-31 ILN/GLN
    ean = peewee.CharField(max_length=13, null=True, unique=True)    # CTF-31, unique; NULL when empty
    permit_number = peewee.CharField(max_length=40, default="")
    # --- [Handlowe] ---
    status = peewee.CharField(max_length=10, default="company")          # CTF-32
    transaction_type = peewee.CharField(max_length=24, default="domestic")  # CTF-33
    vat_active = peewee.BooleanField(default=False)                    # CTF-38
    vat_by_issue_date = peewee.BooleanField(default=False)             # CTF-39
    cash_method_sales = peewee.BooleanField(default=False)             # CTF-37
    cash_method_purchase = peewee.BooleanField(default=False)
    farmer = peewee.BooleanField(default=False)                        # CTF-40
    related_party = peewee.BooleanField(default=False)                 # CTF-41
    no_publish = peewee.BooleanField(default=False)
    block_outgoing = peewee.BooleanField(default=False)                # CTF-41/42
    no_ksef = peewee.BooleanField(default=False)
    active = peewee.BooleanField(default=True)                         # CTF-41 "Nieaktywny" = not active
    notes = peewee.TextField(default="")                               # Opis
    credit_limit_on = peewee.BooleanField(default=False)               # CTF-43
    credit_limit = MoneyField(default=0)
    credit_used = MoneyField(default=0)                                # read-only; MRG-10, CONF-10
    overdue_limit_on = peewee.BooleanField(default=False)
    overdue_limit = MoneyField(default=0)
    price_group = peewee.CharField(max_length=40, default="")          # Cena domyślna (price type code)
    computed_from = peewee.CharField(max_length=5, default="net")
    discount = PercentField(default=0)                                 # Rabat standardowy
    # --- [Płatności] ---
    payment_form = peewee.CharField(max_length=40, default="")         # CTF-45 (payment form code)
    payment_term_on = peewee.BooleanField(default=False)               # CTF-46
    payment_term_days = peewee.IntegerField(default=0)
    currency = peewee.CharField(max_length=3, default="PLN")           # CTF-47
    max_delay_days = peewee.IntegerField(default=0)                    # CTF-49
    no_settle = peewee.BooleanField(default=False)                     # CTF-50
    split_payment = peewee.BooleanField(default=False)                 # CTF-51
    # --- [Dodatkowe] ---
    email_domain = peewee.CharField(max_length=120, default="")        # REP-5
    carer = peewee.CharField(max_length=20, default="")                # opiekun: operator login (CSO-8)
    # --- merge, checks kept for round-trips, stamps ---
    main = peewee.ForeignKeyField("self", null=True, backref="duplicates", on_delete="RESTRICT")  # MRG
    krd_monitoring = peewee.BooleanField(null=True)                    # CTR OPEN: kept, not used offline
    debtor_check_date = peewee.DateField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)                  # CTF-62 Wprow.
    created_by = peewee.CharField(max_length=20, default="")
    modified_by = peewee.CharField(max_length=20, default="")          # CTF-62 Zmod.

    class Meta:
        indexes = ((("name", "id"), False), (("city", "id"), False), (("nip", "id"), False))

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.name, self.name2, self.name3) if p)

    @property
    def is_subordinate(self) -> bool:
        return self.main_id is not None

    def address_text(self) -> str:
        """One-line address as printed on documents."""
        street = " ".join(p for p in (self.street, self.building) if p)
        if self.flat:
            street = f"{street}/{self.flat}" if street else self.flat
        town = " ".join(p for p in (self.postal_code, self.city or self.post_office) if p)
        parts = [p for p in (street, town) if p]
        if self.country_iso and self.country_iso != "PL" and self.country:
            parts.append(self.country)
        return ", ".join(parts)


class BankAccount(TrackedModel):
    """Rachunek bankowy kontrahenta (BNK-1, BNK-3)."""

    contractor = peewee.ForeignKeyField(Contractor, backref="bank_accounts", on_delete="CASCADE")
    number = peewee.CharField(max_length=40)          # compact IBAN / NRB or a foreign number as typed
    number_key = peewee.CharField(max_length=40, default="")  # BNK-11 comparison key
    bank_name = peewee.CharField(max_length=120, default="")
    description = peewee.CharField(max_length=120, default="")
    currency = peewee.CharField(max_length=3, default="PLN")
    is_default = peewee.BooleanField(default=False)   # BNK-4, BNK-5: one per currency
    in_white_list = peewee.BooleanField(null=True)    # BNK-1 "W wykazie" (set by online checks)
    last_checked = peewee.DateField(null=True)


class Representative(TrackedModel):
    """Przedstawiciel kontrahenta (REP-1, REP-2)."""

    contractor = peewee.ForeignKeyField(Contractor, backref="representatives", on_delete="CASCADE")
    name = peewee.CharField(max_length=120)           # Imię i nazwisko
    title = peewee.CharField(max_length=60, default="")
    phone = peewee.CharField(max_length=40, default="")
    mobile = peewee.CharField(max_length=40, default="")
    phone_sms = peewee.CharField(max_length=40, default="")
    email = peewee.CharField(max_length=120, default="")
    city = peewee.CharField(max_length=80, default="")
    postal_code = peewee.CharField(max_length=10, default="")
    address = peewee.CharField(max_length=120, default="")
    notes = peewee.CharField(max_length=250, default="")
    gender = peewee.CharField(max_length=10, default="")   # female | male | other
    info = peewee.BooleanField(default=False)
    is_default = peewee.BooleanField(default=False)        # REP-3: exactly one when any
    mailing = peewee.BooleanField(default=False)           # CSO-12
    active = peewee.BooleanField(default=True)


class ContractorAttribute(BaseModel):
    """Atrybut kontrahenta (CTF-61). Local data: not exchanged with HQ (CONF-8)."""

    contractor = peewee.ForeignKeyField(Contractor, backref="attributes", on_delete="CASCADE")
    name = peewee.CharField(max_length=40)
    value = peewee.CharField(max_length=250, default="")
    append_to_document = peewee.BooleanField(default=False)
    code_before_value = peewee.BooleanField(default=False)

    class Meta:
        indexes = ((("contractor", "name"), True),)


class ContractorJpkCode(BaseModel):
    """Default JPK_V7 procedure or goods code of a contractor (CTF-54/55, CSO-1/2, MRG-9)."""

    contractor = peewee.ForeignKeyField(Contractor, backref="jpk_codes", on_delete="CASCADE")
    code = peewee.CharField(max_length=20)

    class Meta:
        indexes = ((("contractor", "code"), True),)


class ContractorRecipient(BaseModel):
    """Odbiorca (REP-6): another contractor who receives the goods; at most one default. Local (CONF-8)."""

    contractor = peewee.ForeignKeyField(Contractor, backref="recipients", on_delete="CASCADE")
    recipient = peewee.ForeignKeyField(Contractor, backref="recipient_of", on_delete="RESTRICT")
    is_default = peewee.BooleanField(default=False)

    class Meta:
        indexes = ((("contractor", "recipient"), True),)


class ContractorLog(BaseModel):
    """Historia zmian karty (VER-8, BNK-10): merges, bank-account changes, serial operations."""

    contractor = peewee.ForeignKeyField(Contractor, backref="log", on_delete="CASCADE")
    at = peewee.DateTimeField(default=utcnow)
    operator = peewee.CharField(max_length=20, default="")
    text = peewee.CharField(max_length=250)


CORRESPONDENCE_FIELDS = ("corr_country", "corr_city", "corr_post_office", "corr_postal_code", "corr_street",
                         "corr_building", "corr_flat")

MODELS = (ContractorGroup, Contractor, BankAccount, Representative, ContractorAttribute, ContractorJpkCode,
          ContractorRecipient, ContractorLog)
