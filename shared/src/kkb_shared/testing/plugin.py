"""pytest plugin: `--db sqlite|postgresql` (or KKB_TEST_DB), a fresh database per service and worker,
created before the run and dropped after it. PostgreSQL unreachable is an error, never a skip. The markers
`e2e` (given to the real-process suites) and `slow` let `make test-fast` run the quick part alone."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Coroutine, Iterator, Mapping
from contextlib import ExitStack
from datetime import date
from typing import Any, TypeVar

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from kkb_shared import clock
from kkb_shared.db import Database
from kkb_shared.testing.tokens import TokenFactory
from kkb_shared.threads import run_in_own_thread

T = TypeVar("T")

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("KKB_TEST_DB", "sqlite"),
        help="database backend the suite runs against",
    )


REAL_PROCESS_SUITES = {("tests", "e2e"), ("tests", "contract"), ("tests", "browser")}
# The date the services' rules read in tests (`kkb_shared.clock`): a Monday in the middle of a month, so that
# "this week" and "this month" hold the days around it whatever day the suite runs. The real-process suites talk
# to servers on the system clock, and use the system date.
FIXED_TODAY = date(2026, 11, 16)
# PostgreSQL allows 100 connections for the whole run: two workers' in-process apps (kept for the session, each
# keeping what its pool opened) and the real-process stacks beside them (the browser tests' lives all session;
# the concurrent-use test's 50 callers get four per program). Two pooled connections per program's database (two
# more at a peak), in process and in the stacks (which inherit the environment), keep within it; a test that
# needs more sets its own.
TEST_POOL_SIZE = 2
PROGRAMS = ("GATEWAY", "REGISTRY", "MENTORING", "GENTING", "DASHAT")


def pytest_configure(config: pytest.Config) -> None:
    for program in PROGRAMS:
        os.environ.setdefault(f"KKB_{program}_DATABASE_POOL_SIZE", str(TEST_POOL_SIZE))
    stack = ExitStack()
    stack.enter_context(clock.fixed_today(FIXED_TODAY))
    config.add_cleanup(stack.close)
    config.addinivalue_line(
        "markers", "e2e: runs the platform's programs as real processes (tests/e2e, tests/contract, tests/browser)"
    )
    config.addinivalue_line("markers", "slow: takes seconds on its own; `make test-fast` leaves it out")


@pytest.fixture(autouse=True)
def _system_date_for_real_processes(request: pytest.FixtureRequest) -> Iterator[None]:
    """The real-process suites' servers run on the system date, and so do those tests' factories."""
    if request.node.get_closest_marker("e2e") is None:
        yield
        return
    with clock.fixed_today(None):
        yield


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test of the real-process suites is `e2e`, so `-m "not e2e"` runs the unit and API tests alone."""
    for item in items:
        try:
            parts = item.path.relative_to(config.rootpath).parts
        except ValueError:
            continue
        if parts[:2] in REAL_PROCESS_SUITES:
            item.add_marker(pytest.mark.e2e)


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, even when an event loop is already running."""
    return run_in_own_thread(lambda: asyncio.run(coroutine))


def postgres_admin_url() -> str:
    return os.environ.get("KKB_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


async def postgres_admin(statement: str) -> None:
    """Run one statement on the PostgreSQL server's admin database (create, drop, check)."""
    import asyncpg

    url = make_url(postgres_admin_url())
    connection = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database,
        timeout=10,
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--db"))


@pytest.fixture(scope="session")
def database_factory(
    backend: str, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> Iterator[Callable[[str], str]]:
    """`make(name)` → URL of a new empty database for this run; dropped when the run ends."""
    created: list[str] = []

    def make(name: str) -> str:
        if backend == "sqlite":
            return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp(name)}/{name}.db"
        database = f"kkbtest_{name}_{worker_id}_{uuid.uuid4().hex[:8]}"
        try:
            run_async(postgres_admin(f'CREATE DATABASE "{database}"'))
        except (OSError, Exception) as exc:
            pytest.fail(f"PostgreSQL at {postgres_admin_url()} is unreachable: {exc}", pytrace=False)
        created.append(database)
        return make_url(postgres_admin_url()).set(database=database).render_as_string(hide_password=False)

    yield make
    for database in created:
        run_async(postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


async def empty_tables(database: Database, *, seeded: Mapping[str, str] | None = None) -> None:
    """Empty every table the service's migrations made (read from the database itself, so a new table is
    emptied with no list to keep), except the migration version. `seeded` names the tables its migrations fill
    with reference data, each with the condition of the rows tests write there (`"FALSE"`: none).

    Constraints and triggers (the append-only ledger refuses DELETE) do not apply to the cleanup: PostgreSQL
    runs it as a replica, SQLite defers its foreign keys and sets the triggers aside for the transaction."""
    seeded = dict(seeded or {})
    triggers: list[tuple[str, str]] = []
    async with database.engine.begin() as connection:
        if database.is_sqlite:
            listed = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            kept = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            triggers = [(str(row.name), str(row.sql)) for row in (await connection.execute(text(kept))).all()]
            await connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            for name, _ in triggers:
                await connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
        else:
            listed = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            await connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for (table,) in (await connection.exec_driver_sql(listed)).all():
            if table != "alembic_version":
                where = f" WHERE {seeded[table]}" if table in seeded else ""
                await connection.exec_driver_sql(f'DELETE FROM "{table}"{where}')  # noqa: S608 - names from the database
        for _, sql in triggers:
            await connection.exec_driver_sql(sql)
        if not database.is_sqlite:
            sequences = "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()"
            for (sequence,) in (await connection.exec_driver_sql(sequences)).all():
                await connection.exec_driver_sql(f'ALTER SEQUENCE "{sequence}" RESTART')
