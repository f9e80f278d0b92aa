"""`one_of`: a long `IN` list, sent to PostgreSQL as one array parameter, matches exactly what `IN` would."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from kkb_shared.db import Database, one_of

NOTES = Table("note", MetaData(), Column("id", Integer, primary_key=True), Column("text", String(50)))


async def test_one_of_matches_exactly_the_listed_values(database_factory: Callable[[str], str]) -> None:
    database = Database(database_factory("one_of"))
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(NOTES.metadata.create_all)
        async with database.write_sessionmaker() as session, session.begin():
            await session.execute(insert(NOTES), [{"text": text} for text in ("a", "b'c", "d", "e")])
        async with database.sessionmaker() as session:

            async def matching(values: list[str]) -> list[str]:
                query = select(NOTES.c.text).where(one_of(session, NOTES.c.text, values))
                return sorted((await session.execute(query)).scalars())

            assert await matching(["b'c", "d", "x", "d"]) == ["b'c", "d"]
            assert await matching([]) == []
            assert await matching([*(f"v{i}" for i in range(5000)), "a"]) == ["a"]
    finally:
        await database.dispose()
