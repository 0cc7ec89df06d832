"""Search indexes on customers' names and premises' addresses (DESIGN §3.9), PostgreSQL only.

A fragment of three characters or more is looked up with `UPPER(col) LIKE UPPER('%…%')`
(Django's icontains) through a pg_trgm GIN index on UPPER(col). A fragment of two characters
has no trigram (a Chinese name's "家乐", an address's "人民"), so pg_trgm would scan the
whole table for it: those are looked up in a GIN index of the column's two-character pieces,
`gridline_bigrams(col)`, defined here. tickets.search names both forms exactly as indexed.

SQLite, the embedded set-up, gets none of it and searches with plain icontains.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# Every two-character piece of the text, upper-cased: what a two-character fragment is
# looked up in. IMMUTABLE so it can be indexed (upper() follows the database's fixed ctype,
# as pg_trgm does); its FROM clause keeps the planner from inlining it, so a query's
# gridline_bigrams(col) is the indexed expression.
BIGRAMS = """
CREATE OR REPLACE FUNCTION gridline_bigrams(text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(upper($1), i, 2)), '{}')
    FROM generate_series(1, char_length($1) - 1) AS i
$$
"""

INDEXES = [
    ("customer_name_trgm", "grid_customer", "UPPER((name)::text) gin_trgm_ops"),
    ("customer_name_bigrams", "grid_customer", "gridline_bigrams(name)"),
    ("premise_address_trgm", "grid_premise", "UPPER((address)::text) gin_trgm_ops"),
    ("premise_address_bigrams", "grid_premise", "gridline_bigrams(address)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BIGRAMS)
    for name, table, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS gridline_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("grid", "0002_canonical_phones")]

    operations = [
        TrigramExtension(),  # a no-op on SQLite
        migrations.RunPython(create, drop),
    ]
