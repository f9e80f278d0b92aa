"""The request's one unit of work: it commits at the end of its block or rolls back, `commit()` inside it is a
programming error, and a request that writes outside one fails instead of losing its writes in silence."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, text

from kkb_shared.db import Database, SessionDep, read_aside

NOTES = Table("note", MetaData(), Column("id", Integer, primary_key=True), Column("text", String(50)))


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'uow.db'}")
    async with database.engine.begin() as connection:
        await connection.run_sync(NOTES.metadata.create_all)
    yield database
    await database.dispose()


async def _notes(database: Database) -> list[str]:
    async with database.sessionmaker() as session:
        return list((await session.execute(select(NOTES.c.text).order_by(NOTES.c.id))).scalars())


async def test_the_block_commits_at_its_end_and_rolls_back_when_it_raises(database: Database) -> None:
    async with database.write_sessionmaker() as session:
        async with session.unit_of_work():
            await session.execute(insert(NOTES).values(text="kept"))
        with pytest.raises(ValueError, match="refused"):
            async with session.unit_of_work():
                await session.execute(insert(NOTES).values(text="dropped"))
                raise ValueError("refused")
    assert await _notes(database) == ["kept"]


async def test_commit_inside_a_unit_of_work_and_nesting_are_errors(database: Database) -> None:
    async with database.write_sessionmaker() as session:
        with pytest.raises(RuntimeError, match="commits at the end of its block"):
            async with session.unit_of_work():
                await session.execute(insert(NOTES).values(text="half"))
                await session.commit()
        with pytest.raises(RuntimeError, match="do not nest"):
            async with session.unit_of_work(), session.unit_of_work():
                pass
        await session.execute(insert(NOTES).values(text="outside"))
        await session.commit()  # outside a unit of work, commit means commit
    assert await _notes(database) == ["outside"]


async def test_a_request_that_writes_outside_a_unit_of_work_fails_and_keeps_nothing(database: Database) -> None:
    app = FastAPI()
    app.state.database = database

    @app.post("/careless")
    async def careless(session: SessionDep) -> dict[str, str]:
        await session.execute(insert(NOTES).values(text="lost"))
        return {"ok": "yes"}

    @app.post("/careful")
    async def careful(session: SessionDep) -> dict[str, str]:
        async with session.unit_of_work():
            await session.execute(insert(NOTES).values(text="careful"))
        return {"ok": "yes"}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.post("/careful")).status_code == 200
        with pytest.raises(RuntimeError, match="wrote outside a unit of work"):
            await client.post("/careless")
    assert await _notes(database) == ["careful"]
    async with database.sessionmaker() as session:
        assert (await session.execute(select(func.count()).select_from(NOTES))).scalar_one() == 1


async def test_a_read_aside_runs_beside_a_writer_that_holds_sqlites_write_lock(database: Database) -> None:
    """A read aside of a write session is a read: it never waits for the write lock its request's session (or
    anyone's) holds, and it sees what is committed."""
    async with database.write_sessionmaker() as writer:
        await writer.execute(insert(NOTES).values(text="committed"))
        await writer.commit()
        async with writer.unit_of_work():
            await writer.execute(insert(NOTES).values(text="pending"))  # the write lock is held from here
            async with read_aside(writer) as aside:
                read = await asyncio.wait_for(aside.execute(select(NOTES.c.text)), timeout=2)
                assert list(read.scalars()) == ["committed"]
                assert aside is not writer
    assert await _notes(database) == ["committed", "pending"]


async def test_requests_that_hold_every_pooled_connection_still_read_aside(
    database_factory: Callable[[str], str],
) -> None:
    """Reads aside take their connections from a pool of their own: requests that hold all of the main pool's
    connections (two here, on PostgreSQL) and each ask for a read aside all get it, instead of waiting on
    each other until the pool's timeout."""
    database = Database(database_factory("read_aside_pool"), pool_size=1)

    async def request() -> int:
        async with database.sessionmaker() as session:
            await session.execute(text("SELECT 1"))  # the request's own connection, held from here
            async with read_aside(session) as aside:
                return int((await aside.execute(text("SELECT 2"))).scalar_one())

    try:
        assert await asyncio.wait_for(asyncio.gather(*(request() for _ in range(4))), timeout=10) == [2] * 4
    finally:
        await database.dispose()
