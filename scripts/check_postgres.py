"""Fail loudly when the PostgreSQL the tests need is unreachable: CI must fail, never skip."""

from __future__ import annotations

import asyncio
import sys

import asyncpg
from sqlalchemy.engine import make_url

from kkb_shared.testing.plugin import postgres_admin, postgres_admin_url


def main() -> int:
    url = postgres_admin_url()
    try:
        asyncio.run(postgres_admin("SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        print(f"PostgreSQL for the tests is unreachable at {url}: {exc}", file=sys.stderr)
        return 1
    print(f"PostgreSQL reachable at {make_url(url).render_as_string(hide_password=True)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
