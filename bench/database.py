"""The bench database: dropped and created afresh (only one whose name says "bench"), loaded
without foreign-key triggers, vacuumed, and dropped at the end if asked."""

import dj_database_url
import psycopg
from dj_database_url import DBConfig

from bench.progress import say


def recreate_database(url: str) -> str:
    """DROP and CREATE the bench database (refusing any other); returns its name."""
    config = dj_database_url.parse(url)
    name = str(config["NAME"])
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit(f"The benchmark needs PostgreSQL; DATABASE_URL is {config['ENGINE']}.")
    if "bench" not in name:
        raise SystemExit(
            f"Refusing to drop database {name!r}: point DATABASE_URL at a database whose name "
            "contains 'bench' (make bench does: BENCH_DATABASE_URL)."
        )
    with _maintenance(config) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(url: str) -> None:
    config = dj_database_url.parse(url)
    with _maintenance(config) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')


def _maintenance(config: DBConfig) -> psycopg.Connection:
    """A connection to the server's `postgres` database: one cannot drop the database one is in."""
    return psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    )


def fast_load() -> None:
    """Skip foreign-key triggers while loading (superuser only; the generated data is
    consistent by construction). Without the privilege, load with the checks on."""
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        try:
            cursor.execute("SET session_replication_role = replica")
        except DatabaseError:
            say("  (not a superuser: loading with foreign-key checks on)")


def end_fast_load() -> None:
    """Foreign-key triggers on again, for what runs after the last load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("RESET session_replication_role")


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
