"""Families and members through the API: create, read, list, update with If-Match, soft delete,
validation as problem+json naming the field, idempotent creates, and scope by region."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from kkb_shared import clock
from kkb_shared.testing.tokens import TokenFactory
from registry.families.models import Family, Member

from registry_factories import BLORA_DESA, DUNGUN_PERAPAKAN, TEBAS_KUALA, family_payload, member_payload

CreateFamily = Callable[..., Any]


async def count(app: Any, model: type) -> int:
    async with app.state.database.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


class TestCreateFamily:
    async def test_creates_family_with_members_and_krs(self, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
        wife = member_payload(age_days=18 * 365 + 30)
        payload = family_payload(members=[member_payload(sex="male", age_days=25 * 365), wife], latrine="tidak_ada")
        response = await client.post("/v1/families", json=payload, headers=admin)
        assert response.status_code == 201, response.text
        body = response.json()
        assert response.headers["etag"] == '"1"'
        assert response.headers["location"] == f"/v1/families/{body['id']}"
        assert body["kk_number"] == payload["kk_number"] and len(body["members"]) == 2
        assert body["is_krs"] is True and body["krs"]["is_krs"] is True
        assert {f["code"] for f in body["krs"]["risk_factors"]} == {"jamban_tidak_layak", "terlalu_muda"}
        assert {f["code"] for f in body["krs"]["targets"]} == {"pus"}

        read = await client.get(f"/v1/families/{body['id']}", headers=admin)
        assert read.status_code == 200 and read.json() == body

    async def test_invalid_fields_are_named_and_nothing_is_written(
        self, client: httpx.AsyncClient, admin: dict[str, str], registry_app: Any
    ) -> None:
        payload = family_payload(kk_number="61", members=[member_payload(), member_payload(nik="12ab")])
        response = await client.post("/v1/families", json=payload, headers=admin)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        fields = {e["field"] for e in response.json()["errors"]}
        assert fields == {"kk_number", "members[1].nik"}
        assert await count(registry_app, Family) == 0

    @pytest.mark.parametrize(
        ("member", "field"),
        [
            ({"birth_date": (clock.today() + timedelta(days=1)).isoformat()}, "members[0].birth_date"),
            ({"sex": "male", "is_pregnant": True}, "members[0].is_pregnant"),
            (
                {"pregnancy_start_date": (clock.today() - timedelta(days=30)).isoformat()},
                "members[0].pregnancy_start_date",
            ),
            (
                {
                    "is_pregnant": True,
                    "pregnancy_start_date": (clock.today() - timedelta(weeks=44)).isoformat(),
                },
                "members[0].pregnancy_start_date",
            ),
            ({"sex": "other"}, "members[0].sex"),
            ({"relation": "boss"}, "members[0].relation"),
            ({"unknown": 1}, "members[0].unknown"),
        ],
    )
    async def test_member_rules(
        self, client: httpx.AsyncClient, admin: dict[str, str], member: dict[str, Any], field: str
    ) -> None:
        response = await client.post(
            "/v1/families", json=family_payload(members=[member_payload(**member)]), headers=admin
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field

    async def test_unknown_desa_code_is_rejected(self, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
        response = await client.post("/v1/families", json=family_payload("6101049999"), headers=admin)
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {
                "field": "desa_code",
                "message": "6101049999 is not a desa/kelurahan code of the Kemendagri list",
            }
        ]

    async def test_malformed_json_is_a_422_not_a_500(self, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
        response = await client.post(
            "/v1/families", content=b"{not json", headers={**admin, "content-type": "application/json"}
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"

    async def test_duplicate_kk_number_and_nik_conflict(
        self, client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
    ) -> None:
        first = await create_family()
        again = family_payload(kk_number=first["kk_number"])
        response = await client.post("/v1/families", json=again, headers=admin)
        assert response.status_code == 409 and response.json()["errors"][0]["field"] == "kk_number"

        nik = first["members"][1]["nik"]
        response = await client.post(
            "/v1/families",
            json=family_payload(members=[member_payload(), member_payload(nik=nik)]),
            headers=admin,
        )
        assert response.status_code == 409 and response.json()["errors"] == [
            {"field": "members[1].nik", "message": "a live member already has this NIK"}
        ]

    async def test_same_nik_twice_in_one_family(self, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
        wife = member_payload()
        response = await client.post("/v1/families", json=family_payload(members=[wife, wife]), headers=admin)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "members[1].nik"

    async def test_nik_birth_date_mismatch_is_kept_and_flagged(
        self, client: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        woman = member_payload(birth_date="1995-03-07", nik="6101040703950001")  # +40 forgotten
        response = await client.post("/v1/families", json=family_payload(members=[woman]), headers=admin)
        assert response.status_code == 201
        assert response.json()["members"][0]["data_quality_flags"] == ["nik_birth_date_mismatch"]


class TestIdempotency:
    async def test_same_key_same_body_replays_without_a_second_record(
        self, client: httpx.AsyncClient, admin: dict[str, str], registry_app: Any
    ) -> None:
        payload = family_payload()
        headers = {**admin, "Idempotency-Key": "kk-123"}
        first = await client.post("/v1/families", json=payload, headers=headers)
        second = await client.post("/v1/families", json=payload, headers=headers)
        assert first.status_code == second.status_code == 201
        assert second.json() == first.json()
        assert second.headers["idempotent-replayed"] == "true" and second.headers["etag"] == first.headers["etag"]
        assert await count(registry_app, Family) == 1

    async def test_same_key_other_body_is_422(self, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
        headers = {**admin, "Idempotency-Key": "kk-124"}
        assert (await client.post("/v1/families", json=family_payload(), headers=headers)).status_code == 201
        response = await client.post("/v1/families", json=family_payload(), headers=headers)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "Idempotency-Key"

    async def test_failed_attempt_does_not_burn_the_key(self, client: httpx.AsyncClient, admin: dict[str, str]) -> None:
        headers = {**admin, "Idempotency-Key": "kk-125"}
        payload = family_payload("6101049999")
        assert (await client.post("/v1/families", json=payload, headers=headers)).status_code == 422
        payload["desa_code"] = DUNGUN_PERAPAKAN
        # a different body now: allowed because the failed attempt left no record under the key
        assert (await client.post("/v1/families", json=payload, headers=headers)).status_code == 201

    async def test_keys_are_per_caller(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        one = {**tokens.headers("operator", "6101", sub="op-1"), "Idempotency-Key": "shared"}
        two = {**tokens.headers("operator", "6101", sub="op-2"), "Idempotency-Key": "shared"}
        assert (await client.post("/v1/families", json=family_payload(), headers=one)).status_code == 201
        assert (await client.post("/v1/families", json=family_payload(), headers=two)).status_code == 201


class TestListFamilies:
    async def test_cursor_pages_through_everything_once(
        self, client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
    ) -> None:
        created = {(await create_family())["id"] for _ in range(5)}
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/v1/families", params=params, headers=admin)).json()
            seen += [f["id"] for f in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == 5 and set(seen) == created

    async def test_filters_by_region_and_krs(
        self, client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
    ) -> None:
        krs = await create_family(DUNGUN_PERAPAKAN, latrine="tidak_ada")
        plain = await create_family(TEBAS_KUALA)
        by_region = (await client.get("/v1/families", params={"region": TEBAS_KUALA}, headers=admin)).json()
        assert [f["id"] for f in by_region["items"]] == [plain["id"]]
        by_krs = (await client.get("/v1/families", params={"is_krs": "true"}, headers=admin)).json()
        assert [f["id"] for f in by_krs["items"]] == [krs["id"]]

    @pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"cursor": "garbage!"}, {"region": "61010"}])
    async def test_bad_paging_is_a_named_422(
        self, client: httpx.AsyncClient, admin: dict[str, str], params: dict[str, Any]
    ) -> None:
        response = await client.get("/v1/families", params=params, headers=admin)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == next(iter(params))


class TestUpdateFamily:
    async def test_if_match_guards_against_lost_updates(
        self, client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
    ) -> None:
        family = await create_family()
        url = f"/v1/families/{family['id']}"
        first = await client.patch(url, json={"latrine": "tidak_ada"}, headers={**admin, "If-Match": '"1"'})
        assert first.status_code == 200 and first.headers["etag"] == '"2"'
        assert first.json()["is_krs"] is True and first.json()["version"] == 2
        stale = await client.patch(url, json={"address": "Gg. Baru"}, headers={**admin, "If-Match": '"1"'})
        assert stale.status_code == 412
        missing = await client.patch(url, json={"address": "Gg. Baru"}, headers=admin)
        assert missing.status_code == 428
        assert (await client.get(url, headers=admin)).json()["address"] == family["address"]

    async def test_updates_racing_with_the_same_if_match_give_one_200_and_the_rest_412(
        self, client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
    ) -> None:
        """All pass the If-Match check before any writes; the row's version decides, never a 500. (On SQLite a
        loser may instead find the database locked by the winner: 503 with Retry-After, also safe to retry.)"""
        family = await create_family()
        url = f"/v1/families/{family['id']}"
        racing = [client.patch(url, json={"rt": f"{n:03d}"}, headers={**admin, "If-Match": '"1"'}) for n in range(1, 7)]
        statuses = sorted(response.status_code for response in await asyncio.gather(*racing))
        assert statuses[0] == 200 and set(statuses[1:]) <= {412, 503}, statuses
        assert (await client.get(url, headers=admin)).json()["version"] == 2

    async def test_required_fields_cannot_be_nulled(
        self, client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
    ) -> None:
        family = await create_family()
        response = await client.patch(
            f"/v1/families/{family['id']}", json={"address": None}, headers={**admin, "If-Match": '"1"'}
        )
        assert response.status_code == 422


class TestSoftDelete:
    async def test_deleted_family_leaves_reads_and_lists_but_stays_stored(
        self, client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily, registry_app: Any
    ) -> None:
        family = await create_family()
        url = f"/v1/families/{family['id']}"
        assert (await client.delete(url, headers=admin)).status_code == 204
        assert (await client.get(url, headers=admin)).status_code == 404
        assert (await client.get(f"/v1/members/{family['members'][0]['id']}", headers=admin)).status_code == 404
        assert (await client.get("/v1/families", headers=admin)).json()["items"] == []
        assert await count(registry_app, Family) == 1 and await count(registry_app, Member) == 2
        assert (await client.delete(url, headers=admin)).status_code == 404

    async def test_kk_number_and_nik_are_free_again_after_delete(
        self, client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
    ) -> None:
        family = await create_family()
        await client.delete(f"/v1/families/{family['id']}", headers=admin)
        again = family_payload(kk_number=family["kk_number"], members=[member_payload(nik=family["members"][0]["nik"])])
        assert (await client.post("/v1/families", json=again, headers=admin)).status_code == 201


class TestMembers:
    async def test_add_update_and_delete_member_reassesses_the_family(
        self, client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
    ) -> None:
        family = await create_family(poverty_status="miskin", members=[member_payload(sex="male", age_days=60 * 365)])
        assert family["is_krs"] is False  # poor, but no target
        baby = member_payload(age_days=100, sex="female", relation="anak", marital_status="belum_kawin")
        added = await client.post(f"/v1/families/{family['id']}/members", json=baby, headers=admin)
        assert added.status_code == 201, added.text
        member = added.json()
        detail = (await client.get(f"/v1/families/{family['id']}", headers=admin)).json()
        assert detail["is_krs"] is True and {t["code"] for t in detail["krs"]["targets"]} == {"baduta"}

        renamed = await client.patch(
            f"/v1/members/{member['id']}", json={"name": "Nur"}, headers={**admin, "If-Match": '"1"'}
        )
        assert renamed.status_code == 200 and renamed.json()["name"] == "Nur" and renamed.headers["etag"] == '"2"'

        assert (await client.delete(f"/v1/members/{member['id']}", headers=admin)).status_code == 204
        detail = (await client.get(f"/v1/families/{family['id']}", headers=admin)).json()
        assert detail["is_krs"] is False and len(detail["members"]) == 1

    async def test_pregnancy_rules_apply_on_update(
        self, client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
    ) -> None:
        family = await create_family()
        husband = family["members"][0]
        response = await client.patch(
            f"/v1/members/{husband['id']}", json={"is_pregnant": True}, headers={**admin, "If-Match": '"1"'}
        )
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "is_pregnant"


class TestMothers:
    """A child names its mother (`mother_nik`, a female member of the family, older); a woman reports the
    children she has borne alive, at least her children in the family."""

    async def test_a_family_with_mother_links_and_children_born_alive(
        self, client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
    ) -> None:
        mother = member_payload(age_days=25 * 365, relation="anak", marital_status="kawin", children_born_alive=4)
        babies = [
            member_payload(
                age_days=days, sex="male", relation="cucu", marital_status="belum_kawin", mother_nik=mother["nik"]
            )
            for days in (300, 900)
        ]
        family = await create_family(members=[member_payload(age_days=50 * 365), mother, *babies])
        by_nik = {m["nik"]: m for m in family["members"]}
        assert by_nik[babies[0]["nik"]]["mother_nik"] == mother["nik"]
        assert by_nik[mother["nik"]]["children_born_alive"] == 4
        risks = {r["code"]: r for r in family["krs"]["risk_factors"]}
        assert risks["terlalu_banyak"]["member_ids"] == [by_nik[mother["nik"]]["id"]]
        assert "months apart" in risks["terlalu_dekat"]["reason"] and family["krs"]["is_sasaran"] is True

    @pytest.mark.parametrize(
        ("mother_changes", "message"),
        [
            ({"sex": "male", "relation": "kepala_keluarga"}, "not female"),
            ({"age_days": 9 * 365}, "not 10 years older"),
            ({"children_born_alive": 0}, "fewer than her 1 children"),
        ],
    )
    async def test_a_family_with_an_inconsistent_mother_is_refused_naming_the_field(
        self, client: httpx.AsyncClient, admin: dict[str, str], mother_changes: dict[str, Any], message: str
    ) -> None:
        mother = member_payload(**{"age_days": 25 * 365, **mother_changes})
        baby = member_payload(age_days=100, relation="anak", marital_status="belum_kawin", mother_nik=mother["nik"])
        response = await client.post("/v1/families", json=family_payload(members=[mother, baby]), headers=admin)
        assert response.status_code == 422, response.text
        (error,) = response.json()["errors"]
        assert message in error["message"]
        assert error["field"] in ("members[1].mother_nik", "members[0].children_born_alive")

    async def test_a_mother_outside_the_family_is_refused(
        self, client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
    ) -> None:
        family = await create_family()
        stranger = member_payload(age_days=28 * 365)["nik"]
        baby = member_payload(age_days=100, relation="anak", marital_status="belum_kawin", mother_nik=stranger)
        response = await client.post(f"/v1/families/{family['id']}/members", json=baby, headers=admin)
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"field": "mother_nik", "message": "no member of this family has this NIK"}
        ]

    async def test_adding_a_child_beyond_her_reported_count_names_mother_nik(
        self, client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
    ) -> None:
        mother = member_payload(age_days=28 * 365, children_born_alive=0)
        family = await create_family(members=[mother])
        baby = member_payload(age_days=100, relation="anak", marital_status="belum_kawin", mother_nik=mother["nik"])
        response = await client.post(f"/v1/families/{family['id']}/members", json=baby, headers=admin)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "mother_nik"
        members = (await client.get(f"/v1/families/{family['id']}/members", headers=admin)).json()["items"]
        assert len(members) == 1  # nothing half-written

    async def test_a_mother_s_corrected_nik_follows_to_her_children(
        self, client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
    ) -> None:
        mother = member_payload(age_days=28 * 365)
        baby = member_payload(age_days=100, relation="anak", marital_status="belum_kawin", mother_nik=mother["nik"])
        family = await create_family(members=[mother, baby])
        mother_id = next(m["id"] for m in family["members"] if m["nik"] == mother["nik"])
        corrected = member_payload(age_days=28 * 365 + 1)["nik"]
        response = await client.patch(
            f"/v1/members/{mother_id}", json={"nik": corrected}, headers={**admin, "If-Match": '"1"'}
        )
        assert response.status_code == 200, response.text
        members = (await client.get(f"/v1/families/{family['id']}/members", headers=admin)).json()["items"]
        assert next(m for m in members if m["id"] != mother_id)["mother_nik"] == corrected

    async def test_a_woman_s_children_born_alive_cannot_drop_below_her_children_in_the_family(
        self, client: httpx.AsyncClient, admin: dict[str, str], create_family: CreateFamily
    ) -> None:
        mother = member_payload(age_days=28 * 365, children_born_alive=1)
        baby = member_payload(age_days=100, relation="anak", marital_status="belum_kawin", mother_nik=mother["nik"])
        family = await create_family(members=[mother, baby])
        mother_id = next(m["id"] for m in family["members"] if m["nik"] == mother["nik"])
        response = await client.patch(
            f"/v1/members/{mother_id}", json={"children_born_alive": 0}, headers={**admin, "If-Match": '"1"'}
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "children_born_alive"


class TestScope:
    async def test_kader_of_other_desa_gets_404(
        self, client: httpx.AsyncClient, tokens: TokenFactory, create_family: CreateFamily
    ) -> None:
        family = await create_family(DUNGUN_PERAPAKAN)
        other_kader = tokens.headers("tpk", TEBAS_KUALA)
        assert (await client.get(f"/v1/families/{family['id']}", headers=other_kader)).status_code == 404
        assert (await client.get(f"/v1/members/{family['members'][0]['id']}", headers=other_kader)).status_code == 404
        assert (await client.get("/v1/families", headers=other_kader)).json()["items"] == []
        own_kader = tokens.headers("tpk", DUNGUN_PERAPAKAN)
        assert (await client.get(f"/v1/families/{family['id']}", headers=own_kader)).status_code == 200

    async def test_creating_outside_the_region_is_403(self, client: httpx.AsyncClient, tokens: TokenFactory) -> None:
        response = await client.post(
            "/v1/families", json=family_payload(TEBAS_KUALA), headers=tokens.headers("tpk", DUNGUN_PERAPAKAN)
        )
        assert response.status_code == 403

    async def test_moving_a_family_out_of_the_region_is_403(
        self, client: httpx.AsyncClient, tokens: TokenFactory, create_family: CreateFamily
    ) -> None:
        family = await create_family(DUNGUN_PERAPAKAN)
        response = await client.patch(
            f"/v1/families/{family['id']}",
            json={"desa_code": TEBAS_KUALA},
            headers={**tokens.headers("tpk", DUNGUN_PERAPAKAN), "If-Match": '"1"'},
        )
        assert response.status_code == 403

    @pytest.mark.parametrize("role", ["viewer", "ota", "dashat"])
    async def test_roles_without_personal_data_get_403(
        self, client: httpx.AsyncClient, tokens: TokenFactory, role: str
    ) -> None:
        response = await client.get("/v1/families", headers=tokens.headers(role, "6101"))
        assert response.status_code == 403

    async def test_no_token_is_401(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/families")
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


async def test_families_are_looked_up_in_bulk_as_each_is_read(
    client: httpx.AsyncClient, admin: dict[str, str], tokens: TokenFactory
) -> None:
    sambas = [(await client.post("/v1/families", json=family_payload(), headers=admin)).json() for _ in range(2)]
    blora = (await client.post("/v1/families", json=family_payload(BLORA_DESA), headers=admin)).json()
    ids = [sambas[1]["id"], sambas[0]["id"], blora["id"], "0192f000-0000-7000-8000-00000000dead", sambas[0]["id"]]
    operator = tokens.headers("operator", "6101")
    answer = await client.post("/v1/families/lookup", json={"family_ids": ids}, headers=operator)
    assert answer.status_code == 200, answer.text
    one_by_one = [(await client.get(f"/v1/families/{f['id']}", headers=operator)).json() for f in sambas]
    assert answer.json()["items"] == sorted(one_by_one, key=lambda f: f["id"])  # members and KRS, in id order
    assert set(answer.json()["missing"]) == {blora["id"], ids[3]}  # Blora's is outside the caller's region
    audited = await client.get(f"/v1/audit-events?record_id={sambas[0]['id']}", headers=admin)
    assert any(e["route"] == "/v1/families/lookup" for e in audited.json()["items"])
    too_many = await client.post("/v1/families/lookup", json={"family_ids": ["0"] * 501}, headers=admin)
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "family_ids"
    viewer = await client.post("/v1/families/lookup", json={"family_ids": ids}, headers=tokens.headers("viewer", "61"))
    assert viewer.status_code == 403


async def test_members_are_looked_up_in_bulk_without_personal_details(
    client: httpx.AsyncClient, admin: dict[str, str], tokens: TokenFactory
) -> None:
    sambas = (await client.post("/v1/families", json=family_payload(), headers=admin)).json()
    blora = (await client.post("/v1/families", json=family_payload(BLORA_DESA), headers=admin)).json()
    ids = [m["id"] for m in sambas["members"]] + [blora["members"][0]["id"], "0192f000-0000-7000-8000-00000000dead"]
    answer = await client.post(
        "/v1/members/lookup", json={"member_ids": ids}, headers=tokens.headers("operator", "6101")
    )
    assert answer.status_code == 200
    body = answer.json()
    assert {i["id"] for i in body["items"]} == {m["id"] for m in sambas["members"]}
    assert set(body["missing"]) == set(ids[-2:])  # Blora's is outside the caller's region
    assert "nik" not in answer.text and sambas["members"][0]["name"] not in answer.text
    too_many = await client.post("/v1/members/lookup", json={"member_ids": ["x"] * 1001}, headers=admin)
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "member_ids"
