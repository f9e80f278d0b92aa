"""Alembic environment shared by every service: async engines, SQLite batch mode, no model imports."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy.engine import Connection

from kkb_shared.db import create_engine, is_sqlite


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
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync, is_sqlite(url))
            await connection.commit()
    finally:
        await engine.dispose()


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
    """Run an Alembic command in a thread of its own: env.py starts an event loop, which must not
    happen inside one that is already running (tests, async callers)."""
    config = Config(str(alembic_ini))
    config.attributes["database_url"] = database_url
    errors: list[BaseException] = []

    def run() -> None:
        try:
            action(config, revision)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
