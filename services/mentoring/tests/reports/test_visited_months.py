"""The capaian of the sasaran-vs-capaian report comes from the months each assignment was visited, kept with
every visit written or deleted: a period counts a target visited in any of its months once, a deleted visit
leaves it only when no other visit of that month is left, visits written at once all count, and what the
service keeps equals a recount from the visits themselves."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from kkb_shared import clock
from kkb_shared.testing.tokens import TokenFactory
from mentoring.visits import rollup

from mentoring_factories import assign, child_visit, create_team, kader_headers, register_family


@pytest.fixture
async def child(mentoring: httpx.AsyncClient, registry: httpx.AsyncClient, tokens: TokenFactory) -> dict[str, Any]:
    """A baduta assigned 200 days before the suite's fixed today (2026-11-16)."""
    assert clock.today() == date(2026, 11, 16)
    family = await register_family(registry, tokens)
    team = await create_team(mentoring, tokens)
    return await assign(mentoring, tokens, team, family["child"]["id"], "baduta")


async def _visit(mentoring: httpx.AsyncClient, tokens: TokenFactory, assignment: dict[str, Any], day: str) -> str:
    answer = await mentoring.post(
        "/v1/visits", json=child_visit(assignment["id"], visited_on=day), headers=kader_headers(tokens)
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def _capaian(mentoring: httpx.AsyncClient, tokens: TokenFactory, month: str, span: str = "month") -> int:
    answer = await mentoring.get(
        f"/v1/reports/achievement?level=kabupaten&month={month}&span={span}", headers=tokens.headers("viewer", "6101")
    )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["total"]["baduta"]["capaian"])


async def _kept(app: FastAPI) -> list[tuple[str, ...]]:
    async with app.state.database.sessionmaker() as session:
        rows = await session.execute(text("SELECT * FROM visited_months WHERE months <> 0"))
        return sorted(tuple(str(value) for value in row) for row in rows)


async def _recounted(app: FastAPI) -> list[tuple[str, ...]]:
    async with app.state.database.sessionmaker() as session:
        for statement in rollup.rebuild_statements(session.get_bind().dialect.name):
            await session.execute(text(statement))
        await session.commit()
    return await _kept(app)


async def test_a_period_counts_a_target_visited_in_any_of_its_months_once_until_its_visits_are_deleted(
    mentoring: httpx.AsyncClient, mentoring_app: FastAPI, tokens: TokenFactory, child: dict[str, Any]
) -> None:
    september = await _visit(mentoring, tokens, child, "2026-09-10")
    october = [await _visit(mentoring, tokens, child, day) for day in ("2026-10-05", "2026-10-20")]
    november = await _visit(mentoring, tokens, child, "2026-11-02")
    counted = {
        (month, span): await _capaian(mentoring, tokens, month, span)
        for month, span in (("2026-08", "month"), ("2026-09", "month"), ("2026-11", "month"), ("2026-11", "quarter"))
    }
    assert counted == {
        ("2026-08", "month"): 0,
        ("2026-09", "month"): 1,
        ("2026-11", "month"): 1,
        ("2026-11", "quarter"): 1,
    }
    assert await _capaian(mentoring, tokens, "2026-11", "ytd") == 1  # four visits in three months: one target

    async def delete(visit_id: str) -> None:
        answer = await mentoring.delete(f"/v1/visits/{visit_id}", headers=kader_headers(tokens))
        assert answer.status_code == 204, answer.text

    await delete(november)
    assert (await _capaian(mentoring, tokens, "2026-11"), await _capaian(mentoring, tokens, "2026-11", "quarter")) == (
        0,
        1,
    )
    await delete(october[0])
    assert await _capaian(mentoring, tokens, "2026-10") == 1  # the other October visit is left
    await delete(october[1])
    assert (await _capaian(mentoring, tokens, "2026-10"), await _capaian(mentoring, tokens, "2026-12", "quarter")) == (
        0,
        0,
    )
    assert await _capaian(mentoring, tokens, "2026-11", "ytd") == 1  # September's visit
    kept = await _kept(mentoring_app)
    assert kept == await _recounted(mentoring_app) and len(kept) == 1
    await delete(september)
    assert await _capaian(mentoring, tokens, "2026-11", "ytd") == 0


async def test_visits_written_and_deleted_at_once_all_count(
    mentoring: httpx.AsyncClient, mentoring_app: FastAPI, tokens: TokenFactory, child: dict[str, Any]
) -> None:
    """Visits of one assignment in different months written at once each set their month (none is lost to
    another's write), and a deletion at the same time takes away only its own month."""
    doomed = await _visit(mentoring, tokens, child, "2026-06-15")
    days = ("2026-07-01", "2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01")
    writes = [
        mentoring.post("/v1/visits", json=child_visit(child["id"], visited_on=day), headers=kader_headers(tokens))
        for day in days
    ]
    answers = await asyncio.gather(*writes, mentoring.delete(f"/v1/visits/{doomed}", headers=kader_headers(tokens)))
    assert [answer.status_code for answer in answers] == [201] * len(days) + [204], [a.text for a in answers]
    assert [await _capaian(mentoring, tokens, f"2026-{month:02d}") for month in range(6, 12)] == [0, 1, 1, 1, 1, 1]
    kept = await _kept(mentoring_app)
    assert kept == await _recounted(mentoring_app)
    [(_, year, months, *_)] = kept
    assert (year, int(months)) == ("2026", 0b11111000000)  # July to November


def test_a_periods_months_are_its_bits() -> None:
    assert rollup.period_months(date(2026, 1, 1), date(2026, 1, 31)) == 0b1
    assert rollup.period_months(date(2026, 10, 1), date(2026, 12, 31)) == 0b111000000000
    assert rollup.period_months(date(2026, 1, 1), date(2026, 11, 30)) == 0b11111111111
    with pytest.raises(ValueError, match="within one year"):
        rollup.period_months(date(2025, 12, 1), date(2026, 1, 31))
