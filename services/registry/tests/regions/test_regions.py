"""Region reference data, loaded by the migration from the Kemendagri list."""

from __future__ import annotations

import httpx
import pytest

from kkb_shared.testing.tokens import TokenFactory


async def test_every_level_is_loaded(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    headers = tokens.headers("viewer", "6101")
    assert (await client.get("/v1/regions/61", headers=headers)).json()["name"] == "Kalimantan Barat"
    desa = (await client.get("/v1/regions/6101042015", headers=headers)).json()
    assert desa == {
        "code": "6101042015",
        "name": "Dungun Perapakan",
        "level": "desa",
        "parent_code": "610104",
    }


async def test_children_of_a_kecamatan_page_by_code(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    headers = tokens.headers("ota", "")
    first = (await client.get("/v1/regions", params={"parent": "610104", "limit": 10}, headers=headers)).json()
    second = (
        await client.get("/v1/regions", params={"parent": "610104", "cursor": first["next_cursor"]}, headers=headers)
    ).json()
    codes = [r["code"] for r in first["items"] + second["items"]]
    assert codes == sorted(codes) and len(codes) == len(set(codes)) == 23
    assert all(code.startswith("610104") and len(code) == 10 for code in codes)


async def test_search_by_name(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    found = (
        await client.get(
            "/v1/regions", params={"q": "sambas", "level": "kabupaten"}, headers=tokens.headers("viewer", "")
        )
    ).json()
    assert [r["code"] for r in found["items"]] == ["6101"]


@pytest.mark.parametrize(("code", "status"), [("6101049999", 404), ("61x", 422), ("610", 422)])
async def test_unknown_or_malformed_codes(
    client: httpx.AsyncClient, tokens: TokenFactory, code: str, status: int
) -> None:
    response = await client.get(f"/v1/regions/{code}", headers=tokens.headers("viewer", ""))
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
