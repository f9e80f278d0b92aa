"""Alembic environment shared by every service: async engines, SQLite batch mode, no model imports."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection

from kkb_shared.db import create_engine, is_sqlite
from kkb_shared.threads import run_in_own_thread


def run_environment(default_url: Callable[[], str]) -> None:
    """Body of a service's `migrations/env.py`."""
    config = context.config
    url = config.attributes.get("database_url") or default_url()
    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, render_as_batch=is_sqlite(url))
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url))


async def _run_online(url: str) -> None:
    engine = create_engine(url, pool_size=1)
    sqlite = is_sqlite(url)
    if sqlite:
        # A batch migration copies a table and drops the old one, which foreign keys pointing at it would
        # refuse; SQLite can switch them off only outside a transaction, so on connecting (as Alembic's
        # documentation advises), and every key is checked once the migrations are done.
        event.listen(engine.sync_engine, "connect", _foreign_keys_off)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync, sqlite)
            if sqlite:
                broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).fetchall()
                if broken:
                    raise RuntimeError(f"migrations left rows whose foreign keys point nowhere: {broken[:5]}")
            await connection.commit()
    finally:
        await engine.dispose()


def _foreign_keys_off(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.close()


def _run_sync(connection: Connection, batch: bool) -> None:
    context.configure(connection=connection, render_as_batch=batch, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def upgrade(alembic_ini: Path, database_url: str, revision: str = "head") -> None:
    """Bring a database up to `revision`."""
    _in_own_thread(command.upgrade, alembic_ini, database_url, revision)


def downgrade(alembic_ini: Path, database_url: str, revision: str = "base") -> None:
    """Take a database down to `revision` (every migration is reversible)."""
    _in_own_thread(command.downgrade, alembic_ini, database_url, revision)


def _in_own_thread(action: Callable[[Config, str], None], alembic_ini: Path, database_url: str, revision: str) -> None:
    """env.py starts an event loop, which must not happen inside one that is already running."""
    config = Config(str(alembic_ini))
    config.attributes["database_url"] = database_url
    run_in_own_thread(lambda: action(config, revision))


def create_idempotency_record_table() -> None:
    """The idempotency-key store (`kkb_shared.idempotency`) as first released; for a service's migrations.
    A later change to the table is a new migration in each service, never an edit here."""
    timestamp = sa.DateTime(timezone=True)
    op.create_table(
        "idempotency_record",
        sa.Column("subject", sa.String(200), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("headers", sa.Text),
        sa.Column("body", sa.Text),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("completed_at", timestamp),
    )


def drop_idempotency_record_table() -> None:
    op.drop_table("idempotency_record")


def create_change_event_table() -> None:
    """The change feed's log (`kkb_shared.changes`) as first released; for a service's migrations."""
    op.create_table(
        "change_event",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("entity", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.String(36), nullable=False),
        sa.Column("operation", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("desa_code", sa.String(10), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_change_event_desa_code", "change_event", ["desa_code"])


def drop_change_event_table() -> None:
    op.drop_table("change_event")


def create_audit_tables() -> None:
    """The personal-data audit trail (`kkb_shared.audit`) as first released; for a service's migrations."""
    op.create_table(
        "audit_event",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("actor_role", sa.String(20), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("entity", sa.String(30), nullable=False),
        sa.Column("record_count", sa.Integer, nullable=False),
        sa.Column("route", sa.String(200), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("request_id", sa.String(128), nullable=False),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_actor", "audit_event", ["actor"])
    op.create_table(
        "audit_record",
        sa.Column("event_id", sa.String(36), sa.ForeignKey("audit_event.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("record_id", sa.String(36), primary_key=True),
    )
    op.create_index("ix_audit_record_record_id", "audit_record", ["record_id"])


def add_audit_correlation_id() -> None:
    """The caller's own id of each audited request, kept apart from the platform's request id."""
    op.add_column("audit_event", sa.Column("correlation_id", sa.String(64)))


def drop_audit_correlation_id() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("correlation_id")


def drop_audit_tables() -> None:
    op.drop_table("audit_record")
    op.drop_table("audit_event")


# Sex as the registry spells it: `male` / `female` (was `M` / `F` outside the registry).
SEX_WORDS = {"M": "male", "F": "female"}


def spell_sex_out(table: str) -> None:
    with op.batch_alter_table(table) as batch:
        batch.alter_column("sex", existing_type=sa.String(1), type_=sa.String(6), existing_nullable=False)
    column = sa.table(table, sa.column("sex", sa.String))
    for letter, word in SEX_WORDS.items():
        op.execute(column.update().where(column.c.sex == letter).values(sex=word))


def spell_sex_as_letter(table: str) -> None:
    column = sa.table(table, sa.column("sex", sa.String))
    for letter, word in SEX_WORDS.items():
        op.execute(column.update().where(column.c.sex == word).values(sex=letter))
    with op.batch_alter_table(table) as batch:
        batch.alter_column("sex", existing_type=sa.String(6), type_=sa.String(1), existing_nullable=False)
