"""Fail loudly when the PostgreSQL the tests need is unreachable: CI must fail, never skip."""

from __future__ import annotations

import asyncio
import os
import sys

import asyncpg
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


async def check(url: str) -> None:
    parts = make_url(url)
    connection = await asyncpg.connect(
        host=parts.host,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        database=parts.database,
        timeout=10,
    )
    await connection.close()


def main() -> int:
    url = os.environ.get("KKB_TEST_POSTGRES_URL", DEFAULT_URL)
    try:
        asyncio.run(check(url))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        print(f"PostgreSQL for the tests is unreachable at {url}: {exc}", file=sys.stderr)
        return 1
    print(f"PostgreSQL reachable at {make_url(url).render_as_string(hide_password=True)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
