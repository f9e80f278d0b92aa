"""`all_settled`: reads asked at once end before any failure is raised, so none is left running on a session
the caller is about to roll back."""

from __future__ import annotations

import asyncio

import pytest

from kkb_shared.concurrently import all_settled
from kkb_shared.errors import NotFound


async def test_a_failure_is_raised_only_once_every_read_has_ended() -> None:
    ended: list[str] = []

    async def slow() -> int:
        await asyncio.sleep(0.05)
        ended.append("slow")
        return 1

    async def failing() -> int:
        raise NotFound("No region 00")

    with pytest.raises(NotFound, match="No region 00"):
        await all_settled(failing(), slow())
    assert ended == ["slow"]


async def test_results_come_in_order_and_the_first_failure_in_that_order_wins() -> None:
    async def value(number: int, delay: float) -> int:
        await asyncio.sleep(delay)
        return number

    async def failing(message: str, delay: float) -> int:
        await asyncio.sleep(delay)
        raise ValueError(message)

    assert await all_settled(value(1, 0.02), value(2, 0), value(3, 0.01)) == (1, 2, 3)
    with pytest.raises(ValueError, match="first"):
        await all_settled(failing("first", 0.02), failing("second", 0))
