"""Search indexes on tickets (DESIGN §3.9), PostgreSQL only; SQLite gets none of it.

- The end of a number ("000006"): a btree on reverse(number), where it is a start. (Every
  number shares most of its trigrams with every other: pg_trgm reads long lists for one.)
- A fragment of the description of three characters or more: pg_trgm on UPPER(description).
- A fragment of two characters: a stored column of the description's two-character pieces
  (gridline_bigrams, from grid 0003, which explains why), indexed. Stored rather than an
  expression index: a search of a common word ("停电", in one description of three) reads
  the newest tickets until it has enough, and would otherwise work out the pieces of every
  ticket it reads. Adding the column rewrites the table once (minutes at a million tickets).
"""

from django.db import migrations

INDEXES = [
    ("ticket_number_reversed", "btree (reverse(number) text_pattern_ops)"),
    ("ticket_description_trgm", "gin (UPPER(description) gin_trgm_ops)"),
    ("ticket_description_bigrams", "gin (description_bigrams)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE tickets_ticket ADD COLUMN IF NOT EXISTS description_bigrams text[] "
        "GENERATED ALWAYS AS (gridline_bigrams(description)) STORED"
    )
    for name, expression in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON tickets_ticket USING {expression}"
        )
    schema_editor.execute("ANALYZE tickets_ticket")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _expression in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS description_bigrams")


class Migration(migrations.Migration):
    dependencies = [
        ("grid", "0003_search_indexes"),
        ("tickets", "0018_callback_at_index"),
    ]

    operations = [migrations.RunPython(create, drop)]
