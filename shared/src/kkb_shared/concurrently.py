"""Independent reads of one request, asked at once.

`asyncio.gather` raises the first failure while the other reads still run: a read on the request's session
would then still be using it while the request's error handling rolls it back and closes it, which fails with
an error of its own (a 500 in place of, say, the 404 of a region another service does not know). `all_settled`
waits for every read to end, then raises the first failure in the order the reads were given."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar, overload

A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
D = TypeVar("D")


@overload
async def all_settled(first: Awaitable[A], second: Awaitable[B], /) -> tuple[A, B]: ...


@overload
async def all_settled(first: Awaitable[A], second: Awaitable[B], third: Awaitable[C], /) -> tuple[A, B, C]: ...


@overload
async def all_settled(
    first: Awaitable[A], second: Awaitable[B], third: Awaitable[C], fourth: Awaitable[D], /
) -> tuple[A, B, C, D]: ...


async def all_settled(*reads: Awaitable[Any]) -> tuple[Any, ...]:
    """Every read's result, in order, once all have ended; the first failure (in that order) if any failed. A
    cancelled caller cancels the reads and waits for them to end."""
    results = await asyncio.gather(*reads, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return tuple(results)
