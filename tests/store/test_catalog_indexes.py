"""The goods tables carry only the indexes lists, sync and uniqueness use (catalogue migration 3).

Every index is rebuilt when a price list or the demo is bulk-loaded, so an index nobody reads
is paid for on every import; the old ones are dropped from existing databases too.
"""
from __future__ import annotations

from store.db import database, open_database

LEAN = {
    "goods": {"goods_guid", "goods_gid", "goods_modified_at", "goods_code", "goods_cn_code", "goods_group_id",
              "goods_ean_id", "goods_retail_price_id", "goods_sk_code_id", "goods_sk_name_id"},
    "goods_price": {"goods_price_guid", "goods_price_goods_id_price_type_id", "goods_price_price_type_id_net_goods_id"},
    "goods_barcode": {"goods_barcode_guid", "goods_barcode_ean", "goods_barcode_goods_id_is_default"},
    "goods_group_link": {"goods_group_link_guid", "goods_group_link_group_id", "goods_group_link_goods_id_group_id"},
}
OLD = [("goods_name", "goods", "name"), ("goods_ean", "goods", "ean"), ("goods_vat_rate_id", "goods", "vat_rate_id"),
       ("goods_price_goods_id", "goods_price", "goods_id"), ("goods_price_modified_at", "goods_price", "modified_at"),
       ("goods_barcode_gid", "goods_barcode", "gid")]


def _indexes(db, table: str) -> set[str]:
    # PostgreSQL lists the primary key, and the filter line's trigram index (on SQLite an FTS5 table)
    return {i.name for i in db.get_indexes(table)} - {f"{table}_pkey", f"{table}_search"}


def test_fresh_database_has_the_lean_index_set_on_both_engines(db):
    for table, expected in LEAN.items():
        assert _indexes(db, table) == expected, table


def test_version_2_database_loses_the_redundant_indexes_and_keeps_its_data(sqlite_url):
    from store.catalog import Goods
    from store.catalog.goods import create_goods
    from store.catalog.seed import ensure_catalogue_defaults
    from store.config import ensure_default_vat_rates

    db = open_database(sqlite_url, create=True)
    ensure_default_vat_rates()
    ensure_catalogue_defaults()
    create_goods(code="T1", name="Młotek")
    for name, table, column in OLD:                       # what a version-2 database has
        db.execute_sql(f'CREATE INDEX "{name}" ON "{table}" ("{column}")')
    db.execute_sql("DELETE FROM schema_migration WHERE area = 'catalog' AND version >= 3")
    before = db.execute_sql('SELECT * FROM "goods" ORDER BY "id"').fetchall()
    db.close()
    db = open_database(sqlite_url)
    try:
        for table, expected in LEAN.items():
            assert _indexes(db, table) == expected, table
        assert db.execute_sql('SELECT * FROM "goods" ORDER BY "id"').fetchall() == before
        assert Goods.get(Goods.code == "T1").name == "Młotek"
    finally:
        db.close()
        database.initialize(None)


def test_lists_still_sort_by_index_after_the_change(sqlite_db):
    """The goods list's sort orders (Polish sort keys of text columns) stay index range scans: no full
    sort of a million rows."""
    from store.lists import goods_list
    from store.paging import ListQuery

    db = sqlite_db
    q = ListQuery(goods_list())
    for column in [c.name for c in q.spec.columns if c.sortable]:
        q.sort = column
        sql, params = q._select().order_by(*q._order()).limit(50).sql()
        plan = " ".join(str(r) for r in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
        assert "INDEX" in plan and "TEMP B-TREE" not in plan, (column, plan)
    order = '"retail_price", "id"'
    plan = " ".join(str(r) for r in db.execute_sql(f'EXPLAIN QUERY PLAN SELECT "id" FROM "goods" ORDER BY {order} '
                                                   'LIMIT 50').fetchall())
    assert "INDEX" in plan and "TEMP B-TREE" not in plan, (order, plan)


def test_version_3_database_gets_the_operator_columns_and_keeps_its_cards(sqlite_url):
    """PIE-15's columns arrive by migration 4 on a database made before them, and adding them does not
    rebuild the goods table (with foreign keys on, that deleted every card's rows or, with a RESTRICT
    reference, left the database unopenable)."""
    import sqlite3

    from store.catalog import GoodsAttribute, GoodsEan, GoodsGroupLink, GoodsPrice, GoodsUnit, PackagingSchemeItem
    from store.catalog.dict_rules import create_entry
    from store.catalog.goods import create_goods
    from store.catalog.goods_codes import add_ean, add_unit
    from store.catalog.seed import ensure_catalogue_defaults
    from store.config import ensure_default_vat_rates

    children = (GoodsPrice, GoodsEan, GoodsGroupLink, GoodsUnit, GoodsAttribute, PackagingSchemeItem)
    db = open_database(sqlite_url, create=True)
    ensure_default_vat_rates()
    ensure_catalogue_defaults()
    card = create_goods(code="T1", name="Młotek", ean="5901234123457", operator="ADAM")
    add_ean(card.id, "5901234123464")
    add_unit(card.id, "kg", 2)
    scheme = create_entry("packaging_scheme", code="SKRZ", name="Skrzynka")
    PackagingSchemeItem.create(scheme=scheme.id, package=card.id)      # refers to the card with RESTRICT
    before = {m.__name__: m.select().count() for m in children}
    assert all(before[n] for n in ("GoodsPrice", "GoodsEan", "GoodsGroupLink", "GoodsUnit", "PackagingSchemeItem"))
    db.close()
    database.initialize(None)
    path = sqlite_url.removeprefix("sqlite:///")
    raw = sqlite3.connect(path)                   # what a version-3 database looks like
    raw.execute('ALTER TABLE "goods" DROP COLUMN "created_by"')
    raw.execute('ALTER TABLE "goods" DROP COLUMN "modified_by"')
    raw.execute("DELETE FROM schema_migration WHERE area = 'catalog' AND version >= 4")
    raw.commit()
    raw.close()
    db = open_database(sqlite_url)
    try:
        from store.catalog import Goods

        card = Goods.get(Goods.code == "T1")
        assert (card.name, card.created_by, card.modified_by) == ("Młotek", "", "")
        assert {m.__name__: m.select().count() for m in children} == before
    finally:
        db.close()
        database.initialize(None)
