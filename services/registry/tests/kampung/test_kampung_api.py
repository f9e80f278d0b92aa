"""Kampung KB profiles: classification and attributes, Pokja, activities; one live profile per desa."""

from __future__ import annotations

import httpx

from kkb_shared.testing.tokens import TokenFactory

from registry_factories import DUNGUN_PERAPAKAN, TEBAS_KUALA

PROFILE = {
    "desa_code": DUNGUN_PERAPAKAN,
    "name": "Kampung KB Dungun Perapakan",
    "formed_on": "2019-05-14",
    "sk_number": "141/12/DP/2019",
    "classification": "berkembang",
    "attributes": ["bkb", "posyandu", "rumah_dataku", "bkb"],
}


async def test_profile_with_pokja_and_activities(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    kader = tokens.headers("tpk", DUNGUN_PERAPAKAN)
    created = await client.post("/v1/kampung-kb", json=PROFILE, headers=kader)
    assert created.status_code == 201, created.text
    profile = created.json()
    assert profile["attributes"] == ["bkb", "posyandu", "rumah_dataku"] and created.headers["etag"] == '"1"'
    again = await client.post("/v1/kampung-kb", json=PROFILE, headers=kader)
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "desa_code"

    url = f"/v1/kampung-kb/{profile['id']}"
    ketua = (await client.post(f"{url}/pokja", json={"name": "Hj. Rahmah", "role": "ketua"}, headers=kader)).json()
    await client.post(f"{url}/pokja", json={"name": "Yusuf", "role": "sekretaris"}, headers=kader)
    assert (await client.delete(f"{url}/pokja/{ketua['id']}", headers=kader)).status_code == 204
    assert [p["name"] for p in (await client.get(url, headers=kader)).json()["pokja"]] == ["Yusuf"]

    upgraded = await client.patch(url, json={"classification": "mandiri"}, headers={**kader, "If-Match": '"1"'})
    assert upgraded.status_code == 200 and upgraded.json()["classification"] == "mandiri"
    assert (await client.patch(url, json={"name": "x"}, headers={**kader, "If-Match": '"1"'})).status_code == 412

    for day, topic in (("2026-03-02", "Rapat Pokja triwulan I"), ("2026-06-01", "Rapat Pokja triwulan II")):
        body = {"held_on": day, "participants": 14, "topic": topic, "follow_up": "Data KRS diperbarui"}
        assert (await client.post(f"{url}/activities", json=body, headers=kader)).status_code == 201
    first_half = (
        await client.get(f"{url}/activities", params={"from": "2026-01-01", "to": "2026-03-31"}, headers=kader)
    ).json()["items"]
    assert [a["topic"] for a in first_half] == ["Rapat Pokja triwulan I"]


async def test_bad_profiles_are_named(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    admin = tokens.headers("admin")
    cases = [
        ({**PROFILE, "classification": "maju"}, "classification"),
        ({**PROFILE, "attributes": ["bioskop"]}, "attributes[0]"),
        ({**PROFILE, "formed_on": "2999-01-01"}, "formed_on"),
        ({**PROFILE, "desa_code": "6101049999"}, "desa_code"),
    ]
    for body, field in cases:
        response = await client.post("/v1/kampung-kb", json=body, headers=admin)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == field, response.text


async def test_viewer_reads_and_other_desa_gets_404(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    profile = (await client.post("/v1/kampung-kb", json=PROFILE, headers=tokens.headers("admin"))).json()
    viewer = tokens.headers("viewer", "6101")
    assert (await client.get(f"/v1/kampung-kb/{profile['id']}", headers=viewer)).status_code == 200
    assert (
        await client.patch(f"/v1/kampung-kb/{profile['id']}", json={"name": "x"}, headers=viewer)
    ).status_code == 403
    assert (
        await client.get(f"/v1/kampung-kb/{profile['id']}", headers=tokens.headers("tpk", TEBAS_KUALA))
    ).status_code == 404
    listed = (await client.get("/v1/kampung-kb", params={"region": "610104"}, headers=viewer)).json()
    assert [k["desa_code"] for k in listed["items"]] == [DUNGUN_PERAPAKAN]
