"""Bulk rows with SQL, for volume (the benchmark seeds): ids taken from the sequences,
rows inserted like a template row made by the ORM, COPY, the ir.sequence numbering after
the seeded rows, VACUUM ANALYZE. Plain functions on a cursor: no model is involved."""

import io
import time
from datetime import date

import psycopg2

from odoo.sql_db import connection_info_for
from odoo.tools import SQL


def log(message):
    print(message, flush=True)


class Timer:
    def __init__(self, label):
        self.label = label

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            log(f"  {self.label:<58} {time.perf_counter() - self.start:7.1f} s")


# ----------------------------------------------------------------
# Codici fiscali: unique by construction, valid check character


def reserve_ids(cr, table, count):
    """Take `count` consecutive ids from the table's sequence: the first one."""
    cr.execute(SQL("SELECT nextval(%s)", f"{table}_id_seq"))
    first = cr.fetchone()[0]
    cr.execute(SQL("SELECT setval(%s, %s)", f"{table}_id_seq", first + count - 1))
    return first


def columns_of(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND table_schema = current_schema() ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def insert_like(cr, table, template_id, own, source, where=None):
    """INSERT INTO table SELECT ... FROM source (aliased s), the row `template_id` of the table
    (aliased t): the columns of `own` ({column: SQL}) from the source, every other column (those
    other modules add included) copied from the template, a row made by the ORM."""
    columns = columns_of(cr, table)
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s, %s t WHERE t.id = %s AND (%s)",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(c) for c in columns),
            SQL(", ").join(own.get(c, SQL("t.%s", SQL.identifier(c))) for c in columns),
            source,
            SQL.identifier(table),
            template_id,
            where or SQL("TRUE"),
        )
    )


def copy_rows(cr, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if value is None else str(value) for value in row) + "\n")
    buffer.seek(0)
    cr.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


SEQUENCES = (
    ("social.listening.session", "social_listening_session"),
    ("social.referral", "social_referral"),
)


def bump_sequences(env, sequences=SEQUENCES):
    """ir.sequence: in every seeded year, the next number follows the seeded ones (the
    sequences may number by year: one date range a year). `sequences`: (code, table)."""
    cr = env.cr
    for code, table in sequences:
        sequence = env["ir.sequence"].search([("code", "=", code)], limit=1)
        if not sequence:
            continue
        cr.execute(
            SQL(
                "SELECT split_part(name, '/', 2)::int, count(*) FROM %s "
                "WHERE name ~ '^[A-Z]+/[0-9]{4}/' GROUP BY 1 ORDER BY 1",
                SQL.identifier(table),
            )
        )
        for year, used in cr.fetchall():
            counter = sequence._get_current_sequence(date(year, 6, 30))
            if counter.number_next_actual <= used:
                counter.number_next_actual = used + 1


def vacuum_analyze(db, tables):
    _name, info = connection_info_for(db)
    connection = psycopg2.connect(**info)
    connection.autocommit = True
    try:
        with connection.cursor() as cr:
            for table in tables:
                cr.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        connection.close()
