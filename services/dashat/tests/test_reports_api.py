"""The kitchens' report against a hand-computed month; partners, weekly plans and sales."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from dashat_fakes import FakeMentoring, FakeRegistry
from fastapi import FastAPI
from sqlalchemy import event, text

from dashat.distribution import rollups
from kkb_shared import clock
from kkb_shared.testing.tokens import TokenFactory

from dashat_factories import EGG_RICE, kitchen, manager, operator, recipients_family

TODAY = clock.today()


async def test_a_month_of_one_kitchen_by_hand(
    dashat: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    k = await kitchen(dashat, tokens)
    base, headers = f"/v1/kitchens/{k['id']}", manager(tokens, k["id"])
    menu = (
        await dashat.post(
            f"{base}/menus", json={"name": "Nasi telur", "target_group": "balita", "items": EGG_RICE}, headers=headers
        )
    ).json()
    for ingredient, price, source in (("tkpi-HR002", 28_000, "peternak"), ("tkpi-AR001", 14_000, "pasar")):
        await dashat.put(f"{base}/prices/{ingredient}", json={"price_per_kg": price, "source": source}, headers=headers)
    made = await dashat.post(
        f"{base}/productions",
        json={"produced_on": TODAY.isoformat(), "menu_id": menu["id"], "portions": 10},
        headers=headers,
    )
    assert made.status_code == 201
    family = registry.add_family(recipients_family())
    a, b = family["members"][0]["id"], family["members"][1]["id"]
    lines = [
        {"member_id": a, "target_group": "balita", "portions": 2, "menu_id": menu["id"], "delivered_by": "Yuli"},
        {"member_id": b, "target_group": "ibu_hamil", "portions": 1, "menu_id": menu["id"], "delivered_by": "Yuli"},
    ]
    batch = await dashat.post(
        f"{base}/distribution-batches", json={"distributed_on": TODAY.isoformat(), "lines": lines}, headers=headers
    )
    assert batch.json()["accepted"] == 2
    for partner in (
        {"name": "PT Sawit Lestari (CSR)", "helix": "dunia_usaha", "contribution": "funding", "value": 5_000_000},
        {"name": "Politeknik Negeri Sambas", "helix": "perguruan_tinggi", "contribution": "cadre_training"},
    ):
        body = partner | {
            "description": "MoU dapur sehat",
            "mou_start": (TODAY - timedelta(days=40)).isoformat(),
            "mou_end": (TODAY + timedelta(days=300)).isoformat(),
        }
        assert (await dashat.post(f"{base}/partners", json=body, headers=headers)).status_code == 201
    sale = {"sold_on": TODAY.isoformat(), "product": "Nugget lele", "quantity": 17, "amount": 11_900}
    assert (await dashat.post(f"{base}/sales", json=sale, headers=headers)).status_code == 201

    period = f"from={TODAY.replace(day=1).isoformat()}&to={TODAY.isoformat()}"
    viewer = tokens.headers("viewer", "6101")
    report = await dashat.get(f"/v1/reports/kitchens?{period}", headers=viewer)
    assert report.status_code == 200
    [row] = [r for r in report.json()["rows"] if r["kitchen_id"] == k["id"]]
    assert (row["portions_produced"], row["production_cost"], row["cost_per_portion"]) == (10, 23_800, 2_380)
    assert row["portions_produced_by_target_group"] == {"balita": 10}
    assert row["ingredient_spend_by_food_group"] == {"Serealia": 7_000, "Telur": 16_800}
    assert row["ingredient_spend_by_source"] == {"pasar": 7_000, "peternak": 16_800}
    assert row["portions_by_target_group"] == {"balita": 2, "ibu_hamil": 1} and row["unique_recipients"] == 2
    assert row["energy_kcal_per_recipient"] == 391.1  # 260.7 × 3 / 2 = 391.05, half up
    assert row["protein_g_per_recipient"] == 16.2  # 10.8 × 3 / 2
    assert row["partner_contributions"] == {"dunia_usaha": 5_000_000, "perguruan_tinggi": 0}
    assert (row["income"], row["self_sufficiency"]) == (11_900, 0.5)
    total = report.json()["total"]
    assert total["portions_produced"] >= 10 and total["unique_recipients"] >= 2
    csv_answer = await dashat.get(f"/v1/reports/kitchens.csv?{period}", headers=viewer)
    assert csv_answer.headers["content-type"].startswith("text/csv") and k["id"] in csv_answer.text
    assert "nik" not in report.text and family["members"][0]["name"] not in report.text


async def _a_kitchens_day(dashat: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory) -> None:
    k = await kitchen(dashat, tokens)
    base = f"/v1/kitchens/{k['id']}"
    body = {"name": "Nasi telur", "target_group": "balita", "items": EGG_RICE}
    menu = (await dashat.post(f"{base}/menus", json=body, headers=operator(tokens))).json()
    made = {"produced_on": TODAY.isoformat(), "menu_id": menu["id"], "portions": 4}
    assert (await dashat.post(f"{base}/productions", json=made, headers=operator(tokens))).status_code == 201
    member = registry.add_family(recipients_family())["members"][0]["id"]
    line = {"member_id": member, "target_group": "balita", "portions": 2, "menu_id": menu["id"], "delivered_by": "Yuli"}
    day = {"distributed_on": TODAY.isoformat(), "lines": [line]}
    assert (await dashat.post(f"{base}/distribution-batches", json=day, headers=operator(tokens))).status_code == 201


async def test_the_report_asks_the_database_as_often_for_many_kitchens_as_for_one(
    dashat: httpx.AsyncClient, dashat_app: FastAPI, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    """Set-based: a fixed number of queries however many kitchens (a province has hundreds)."""
    statements: list[str] = []

    def counted(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    async def queries() -> int:
        statements.clear()
        engine = dashat_app.state.database.engine.sync_engine
        event.listen(engine, "before_cursor_execute", counted)
        try:
            answer = await dashat.get(
                f"/v1/reports/kitchens?from={TODAY.isoformat()}&to={TODAY.isoformat()}", headers=operator(tokens)
            )
        finally:
            event.remove(engine, "before_cursor_execute", counted)
        assert answer.status_code == 200, answer.text
        return len(statements)

    await _a_kitchens_day(dashat, registry, tokens)
    one = await queries()
    for _ in range(3):
        await _a_kitchens_day(dashat, registry, tokens)
    report = (
        await dashat.get(
            f"/v1/reports/kitchens?from={TODAY.isoformat()}&to={TODAY.isoformat()}", headers=operator(tokens)
        )
    ).json()
    assert len(report["rows"]) == 4 and report["total"]["portions_distributed"] == 8
    assert await queries() == one


async def test_a_person_fed_by_two_kitchens_counts_once_in_each_row_and_once_in_the_total(
    dashat: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    first, second = await kitchen(dashat, tokens), await kitchen(dashat, tokens)
    family = registry.add_family(recipients_family())
    both, only_first = family["members"][0]["id"], family["members"][1]["id"]
    days = [(first, [both, only_first], TODAY), (first, [both], TODAY - timedelta(days=1)), (second, [both], TODAY)]
    for k, members, day in days:
        group = {both: "balita", only_first: "ibu_hamil"}
        lines = [{"member_id": m, "target_group": group[m], "portions": 1, "delivered_by": "Yuli"} for m in members]
        body = {"distributed_on": day.isoformat(), "lines": lines}
        answer = await dashat.post(f"/v1/kitchens/{k['id']}/distribution-batches", json=body, headers=operator(tokens))
        assert answer.status_code == 201 and answer.json()["rejected"] == 0, answer.text
    period = f"from={(TODAY - timedelta(days=1)).isoformat()}&to={TODAY.isoformat()}"
    report = (await dashat.get(f"/v1/reports/kitchens?{period}", headers=operator(tokens))).json()
    rows = {row["kitchen_id"]: row for row in report["rows"]}
    assert (rows[first["id"]]["unique_recipients"], rows[first["id"]]["portions_distributed"]) == (2, 3)
    assert (rows[second["id"]]["unique_recipients"], rows[second["id"]]["portions_distributed"]) == (1, 1)
    assert report["total"]["unique_recipients"] == 2 and report["total"]["portions_distributed"] == 4


async def test_whole_months_read_from_the_rollups_agree_with_the_lines_themselves(
    dashat: httpx.AsyncClient, dashat_app: FastAPI, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    """A period of whole months is read from the monthly rollups, the other days from the records: the same
    facts give the same report whichever way a period splits."""
    k = await kitchen(dashat, tokens)
    base, headers = f"/v1/kitchens/{k['id']}", manager(tokens, k["id"])
    body = {"name": "Nasi telur", "target_group": "balita", "items": EGG_RICE}
    menu = (await dashat.post(f"{base}/menus", json=body, headers=headers)).json()
    await dashat.put(f"{base}/prices/tkpi-HR002", json={"price_per_kg": 28_000, "source": "peternak"}, headers=headers)
    family = registry.add_family(recipients_family())
    a, b = family["members"][0]["id"], family["members"][1]["id"]
    last_month = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=10)
    for day, fed in ((last_month, [(a, "balita")]), (TODAY - timedelta(days=1), [(a, "balita"), (b, "ibu_hamil")])):
        made = {"produced_on": day.isoformat(), "menu_id": menu["id"], "portions": 5}
        assert (await dashat.post(f"{base}/productions", json=made, headers=headers)).status_code == 201
        lines = [
            {"member_id": m, "target_group": g, "portions": 2, "menu_id": menu["id"], "delivered_by": "Yuli"}
            for m, g in fed
        ]
        batch = {"distributed_on": day.isoformat(), "lines": lines}
        answer = await dashat.post(f"{base}/distribution-batches", json=batch, headers=headers)
        assert answer.status_code == 201 and answer.json()["accepted"] == len(fed), answer.text
    month_end = (TODAY.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    periods = {
        "whole months": (last_month.replace(day=1), month_end),
        "whole months and days around": (last_month - timedelta(days=20), month_end + timedelta(days=5)),
        "days only": (last_month, TODAY),
    }
    rows = {}
    for name, (start, end) in periods.items():
        answer = await dashat.get(
            f"/v1/reports/kitchens?from={start.isoformat()}&to={end.isoformat()}", headers=operator(tokens)
        )
        assert answer.status_code == 200, answer.text
        [row] = [r for r in answer.json()["rows"] if r["kitchen_id"] == k["id"]]
        rows[name] = row
    expected = rows["days only"]
    assert expected["portions_by_target_group"] == {"balita": 4, "ibu_hamil": 2}
    assert expected["unique_recipients"] == 2 and expected["portions_produced"] == 10
    assert expected["ingredient_spend_by_source"]["peternak"] > 0
    for name in ("whole months", "whole months and days around"):
        assert rows[name] == expected, name

    # What the writes added up is what the rollups' rebuild from the records gives.
    kept = await _rollups(dashat_app)
    async with dashat_app.state.database.write_sessionmaker() as session:
        for statement in rollups.rebuild_statements(session.get_bind().dialect.name):
            await session.execute(text(statement))
        await session.commit()
    assert await _rollups(dashat_app) == kept and kept["production_spend_month"]


async def _rollups(app: FastAPI) -> dict[str, list[tuple[object, ...]]]:
    async with app.state.database.sessionmaker() as session:
        return {
            table: sorted(tuple(str(v) for v in row) for row in (await session.execute(text(f"SELECT * FROM {table}"))))  # noqa: S608
            for table in ("distribution_month", "distribution_recipient_month", "production_spend_month")
        }


async def test_lists_of_one_kitchens_month_written_at_once_all_count(
    dashat: httpx.AsyncClient, registry: FakeRegistry, tokens: TokenFactory
) -> None:
    """Six lists of the same kitchen and month at once add to the same rollup rows: none fails, none is lost."""
    k = await kitchen(dashat, tokens)
    children = [registry.add_family(recipients_family())["members"][0]["id"] for _ in range(6)]

    async def send(child: str, day: int) -> httpx.Response:
        line = {"member_id": child, "target_group": "balita", "portions": 1, "delivered_by": "Yuli"}
        body = {"distributed_on": (TODAY - timedelta(days=day)).isoformat(), "lines": [line]}
        return await dashat.post(f"/v1/kitchens/{k['id']}/distribution-batches", json=body, headers=operator(tokens))

    answers = await asyncio.gather(*(send(child, day % 2) for day, child in enumerate(children)))
    assert [a.status_code for a in answers] == [201] * 6, [a.text for a in answers if a.status_code != 201]
    month_end = (TODAY.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    period = f"from={TODAY.replace(day=1).isoformat()}&to={month_end.isoformat()}"  # the whole month: rollups
    report = (await dashat.get(f"/v1/reports/kitchens?{period}", headers=operator(tokens))).json()
    [row] = [r for r in report["rows"] if r["kitchen_id"] == k["id"]]
    assert (row["portions_distributed"], row["unique_recipients"]) == (6, 6)


async def test_weekly_plans_name_the_kitchens_menus(dashat: httpx.AsyncClient, tokens: TokenFactory) -> None:
    mine, other = await kitchen(dashat, tokens), await kitchen(dashat, tokens)
    menu = (
        await dashat.post(
            f"/v1/kitchens/{mine['id']}/menus",
            json={"name": "Nasi telur", "target_group": "balita", "items": EGG_RICE},
            headers=operator(tokens),
        )
    ).json()
    elsewhere = (
        await dashat.post(
            f"/v1/kitchens/{other['id']}/menus",
            json={"name": "x", "target_group": "balita", "items": EGG_RICE},
            headers=operator(tokens),
        )
    ).json()
    monday = TODAY - timedelta(days=TODAY.weekday())
    url = f"/v1/kitchens/{mine['id']}/menu-plans/{monday.isoformat()}"
    saved = await dashat.put(url, json={"days": {"0": [menu["id"]], "2": [menu["id"]]}}, headers=operator(tokens))
    assert saved.status_code == 200 and saved.json()["days"] == {"0": [menu["id"]], "2": [menu["id"]]}
    wrong = await dashat.put(url, json={"days": {"1": [elsewhere["id"]]}}, headers=operator(tokens))
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "days.1[0]"
    tuesday = f"/v1/kitchens/{mine['id']}/menu-plans/{(monday + timedelta(days=1)).isoformat()}"
    not_monday = await dashat.put(tuesday, json={"days": {}}, headers=operator(tokens))
    assert not_monday.status_code == 422 and not_monday.json()["errors"][0]["field"] == "week_start"
    assert (await dashat.get(url, headers=operator(tokens))).json()["days"]["2"] == [menu["id"]]


async def test_the_planning_record_reads_the_desas_krs_and_stunting(
    dashat: httpx.AsyncClient, registry: FakeRegistry, mentoring: FakeMentoring, tokens: TokenFactory
) -> None:
    registry.add_family(recipients_family())
    mentoring.outcomes["6101042015"] = {
        "code": "6101042015",
        "children_measured": 1,
        "stunted": {"count": 1, "percent": 100.0},
        "underweight": {"count": 0, "percent": 0.0},
        "wasted": {"count": 0, "percent": 0.0},
    }
    k = await kitchen(dashat, tokens)
    body = {"food_access": "Pasar Tebas 5 km; telur dan lele tersedia", "earlier_kitchens": "Belum pernah ada"}
    saved = await dashat.put(f"/v1/kitchens/{k['id']}/planning", json=body, headers=manager(tokens, k["id"]))
    assert saved.status_code == 200, saved.text
    record = saved.json()
    assert record["krs"] == {"code": "6101042015", "krs_families": 1}
    assert record["stunting"]["children_measured"] == 1 and record["stunting"]["stunted"]["count"] == 1
    assert record["stunting"]["period_start"] == f"{clock.today().year}-01-01"
    again = await dashat.get(f"/v1/kitchens/{k['id']}/planning", headers=tokens.headers("viewer", "6101"))
    assert again.json()["food_access"] == body["food_access"]
