"""Async engine and session setup: SQLite (WAL, foreign keys) for the embedded default, asyncpg in production."""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import ARRAY, Column, ColumnElement, DateTime, Dialect, Integer, any_, bindparam, event, insert, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Result, make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as SyncSession
from sqlalchemy.types import TypeDecorator
from sqlalchemy.util import await_
from sqlmodel import SQLModel

from kkb_shared.clock import utcnow  # noqa: F401 (the services import it from here)

# One naming convention for every service's constraints, so migrations name them predictably.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


SQLITE_BEGIN_IMMEDIATE = "kkb_sqlite_begin_immediate"
# How long a SQLite writer waits for another's write lock before its request answers 503 database-busy.
SQLITE_BUSY_TIMEOUT_MS = 10_000


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling breaks SAVEPOINT; SQLAlchemy emits BEGIN itself instead
    # (the recipe in SQLAlchemy's SQLite dialect documentation).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class SqliteWriters:
    """SQLite's write lock, queued first come first served within the process.

    A transaction begun with the `SQLITE_BEGIN_IMMEDIATE` execution option takes the write lock with its BEGIN.
    SQLite's own wait for a lock (busy_timeout) polls with growing sleeps, so under many concurrent writers
    some wait for seconds while others go by; writers of this process therefore queue on an asyncio lock
    first, and busy_timeout only arbitrates between processes (the CLI beside a running service). A writer
    that waited longer than the busy timeout gets "database is locked" (503 database-busy)."""

    HOLDS = "kkb_sqlite_write_lock"

    def __init__(self, timeout_seconds: float) -> None:
        self.timeout_seconds = timeout_seconds
        self._lock = asyncio.Lock()

    def begin(self, connection: Any) -> None:
        if not connection.get_execution_options().get(SQLITE_BEGIN_IMMEDIATE):
            connection.exec_driver_sql("BEGIN")
            return
        try:  # the engine's events run in SQLAlchemy's greenlet, which may await
            await_(asyncio.wait_for(self._lock.acquire(), self.timeout_seconds))
        except TimeoutError:
            raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked")) from None
        connection.info[self.HOLDS] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.release(connection)
            raise

    def release(self, connection: Any, *_: Any) -> None:
        """At the transaction's end; also when its connection goes back to the pool or is closed (a safety net)."""
        if connection.info.pop(self.HOLDS, False):
            self._lock.release()

    def listen(self, engine: AsyncEngine) -> None:
        event.listen(engine.sync_engine, "begin", self.begin)
        event.listen(engine.sync_engine, "commit", self.release)
        event.listen(engine.sync_engine, "rollback", self.release)
        event.listen(engine.sync_engine, "checkin", self._release_record)
        event.listen(engine.sync_engine, "close", self._release_record)

    def _release_record(self, _dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(self.HOLDS, False):
            self._lock.release()


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    """Errors never carry the statement's parameters (`hide_parameters`): they hold NIKs and names, and
    error texts reach logs."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        SqliteWriters(SQLITE_BUSY_TIMEOUT_MS / 1000).listen(engine)
        return engine
    return create_async_engine(
        url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, hide_parameters=True
    )


class Session(AsyncSession):
    """The services' session. A request that writes does so in one unit of work, opened where a reader sees it
    (`async with session.unit_of_work():` in the route, or the idempotency helper around a create): use cases
    inside it flush and never commit, and the block commits once at its end, or rolls back when it raises.
    `commit()` means commit; inside a unit of work it is a programming error."""

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[Session]:
        """A versioned row that another request changed meanwhile fails the flush or the commit: a 412."""
        if self.info.get(_IN_UNIT_OF_WORK):
            raise RuntimeError("units of work do not nest")
        self.info[_IN_UNIT_OF_WORK] = True
        try:
            yield self
            self.info.pop(_IN_UNIT_OF_WORK)
            await self.commit()
        except BaseException:
            await self.rollback()
            raise
        finally:
            self.info.pop(_IN_UNIT_OF_WORK, None)

    async def commit(self) -> None:
        if self.info.get(_IN_UNIT_OF_WORK):
            raise RuntimeError("commit() inside a unit of work: the unit of work commits at the end of its block")
        await super().commit()


_IN_UNIT_OF_WORK = "kkb_unit_of_work"
_UNCOMMITTED = "kkb_uncommitted_writes"


class _SyncSession(SyncSession):
    """Remembers writes flushed and not yet committed or rolled back, so that a request that wrote outside a unit
    of work fails loudly instead of losing its writes when its session closes."""


@event.listens_for(_SyncSession, "after_flush")
def _flushed(session: SyncSession, _context: Any) -> None:
    session.info[_UNCOMMITTED] = True


@event.listens_for(_SyncSession, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:  # a statement run through the session
        state.session.info[_UNCOMMITTED] = True


@event.listens_for(_SyncSession, "after_commit")
@event.listens_for(_SyncSession, "after_rollback")
def _ended(session: SyncSession) -> None:
    session.info.pop(_UNCOMMITTED, None)


# Connections of the pool that reads run beside a request's own session take theirs from (`read_aside`), and
# as many more at a peak.
ASIDE_POOL_SIZE = 2
# The Database each engine's pool belongs to, so that a session (all `read_aside` is given) finds its aside pool.
_DATABASES: weakref.WeakKeyDictionary[Any, Database] = weakref.WeakKeyDictionary()


class Database:
    """A service's engine and session factory, created once per process."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.engine = create_engine(url, pool_size=pool_size)
        self._aside_engine: AsyncEngine | None = None
        _DATABASES[self.engine.sync_engine.pool] = self
        self.sessionmaker = async_sessionmaker(
            self.engine, class_=Session, sync_session_class=_SyncSession, expire_on_commit=False
        )
        # For background jobs that write in every transaction (imports, reassessment).
        self.write_sessionmaker = async_sessionmaker(
            self.engine.execution_options(**{SQLITE_BEGIN_IMMEDIATE: True}),
            class_=Session,
            sync_session_class=_SyncSession,
            expire_on_commit=False,
        )

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    @property
    def aside_engine(self) -> AsyncEngine:
        """The engine of the reads a request runs beside its own session (`read_aside`), on a pool of their own:
        a request that holds one of the main pool's connections never waits for a second one from the same
        pool, which a pool full of such requests would never give."""
        if self._aside_engine is None:
            self._aside_engine = create_engine(self.url, pool_size=ASIDE_POOL_SIZE)
        return self._aside_engine

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._aside_engine is not None:
            await self._aside_engine.dispose()


@asynccontextmanager
async def read_aside(session: AsyncSession) -> AsyncIterator[Session]:
    """A session of its own on `session`'s database, for reads that run at the same time as the request's other
    reads (one session runs one statement at a time): a report's independent aggregates asked at once. Its
    connection comes from the database's aside pool (`Database.aside_engine`), never the request's. Reads only:
    a request writes in its own session's unit of work; and it never takes SQLite's write lock."""
    bind = session.bind
    database = _DATABASES.get(bind.sync_engine.pool) if isinstance(bind, AsyncEngine) else None
    if database is None:
        raise RuntimeError("read_aside needs a session of a kkb_shared.db.Database")
    async with Session(database.aside_engine, sync_session_class=_SyncSession, expire_on_commit=False) as aside:
        yield aside


# Methods that change nothing but the audit trail (written in a transaction of its own, `Audit.write`).
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request. A request writes in its route's unit of work (`Session.unit_of_work`); writes
    flushed outside one are rolled back and the request fails (a programming error, caught by the tests).

    On SQLite, a request that may write (any method but GET, HEAD and OPTIONS) begins IMMEDIATE, taking the
    write lock with its first statement: concurrent writers then queue for up to the busy timeout
    (`SQLITE_BUSY_TIMEOUT_MS`) instead of failing. A deferred transaction that has read cannot wait: when another
    writer has committed since its read, SQLite refuses its upgrade to a writer at once. PostgreSQL callers
    that check before they write lock the rows they check (SELECT ... FOR UPDATE)."""
    database: Database = request.app.state.database
    sessions = database.sessionmaker if request.method in READ_METHODS else database.write_sessionmaker
    async with sessions() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        if session.info.get(_UNCOMMITTED):
            await session.rollback()
            raise RuntimeError(f"{request.method} {request.url.path} wrote outside a unit of work; nothing was kept")


SessionDep = Annotated[Session, Depends(get_session)]


def get_database(request: Request) -> Database:
    """The service's database, for a use case that reads in a transaction of its own before it writes (so that
    no lock is held while it asks another service)."""
    database: Database = request.app.state.database
    return database


DatabaseDep = Annotated[Database, Depends(get_database)]


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored with its time zone and always read back as aware UTC, SQLite included."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: timestamps must carry a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def version_column() -> Column[int]:
    """The `version` column of a record with optimistic concurrency; pass it as the mapper's
    `version_id_col`, so SQLAlchemy bumps it on each UPDATE and refuses a write from a stale read."""
    return Column("version", Integer, nullable=False, default=1)


def rows_affected(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE touched (its result is a CursorResult at run time)."""
    return int(getattr(result, "rowcount", 0))


def one_of(session: AsyncSession, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """`column IN (values)` for a long list: on PostgreSQL `column = ANY($1)`, one array parameter. An IN list
    is rendered into the statement value by value at every execution (a bind and a cast each), which costs
    more than the query itself once it holds thousands of values."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


COPY_FROM_ROWS = 50


async def bulk_insert(session: AsyncSession, model: type[SQLModel], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows in the session's transaction (see `insert_records`); every row has the same keys."""
    if rows:
        columns = list(rows[0])
        await insert_records(session, model, columns, [tuple(row[c] for c in columns) for row in rows])


async def insert_records(
    session: AsyncSession, model: type[SQLModel], columns: Sequence[str], records: Sequence[Sequence[Any]]
) -> None:
    """Insert many rows, given as records of values in the order of `columns`, in the session's transaction:
    with COPY on PostgreSQL (several times cheaper per row than INSERT, once there are enough rows to pay for
    its extra round trip), otherwise with one executemany INSERT. Each value is already of its column's
    Python type (aware datetimes): COPY skips the column types' own conversions."""
    if not records:
        return
    if len(records) < COPY_FROM_ROWS or session.get_bind().dialect.name != "postgresql":
        await session.execute(insert(model), [dict(zip(columns, record, strict=True)) for record in records])
        return
    table = sa_inspect(model).local_table
    driver = (await (await session.connection()).get_raw_connection()).driver_connection
    if driver is None:  # the pool invalidated the connection under us
        raise ConnectionError("the database connection was closed")
    try:
        await driver.copy_records_to_table(table.name, schema_name=table.schema, columns=columns, records=records)
    except asyncpg.IntegrityConstraintViolationError as exc:  # as an INSERT's would be: a uniqueness race lost
        raise IntegrityError(f"COPY {table.name}", None, exc) from exc
    except (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError) as exc:
        raise ConnectionError(f"the database connection failed during COPY {table.name}") from exc
