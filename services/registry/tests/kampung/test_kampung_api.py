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


async def test_the_pokja_s_structure_and_who_signs_its_sk(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    seksi = ["Seksi Keagamaan", "Seksi Kesehatan", "Seksi Pendidikan", "Seksi Ekonomi"]
    body = {**PROFILE, "seksi": seksi, "attributes": ["kelompok_tani", "karang_taruna", "kelompok_masyarakat_lain"]}
    profile = (await client.post("/v1/kampung-kb", json=body, headers=admin)).json()
    assert profile["sk_signed_by"] == "kepala_desa"  # a desa (its code's last four digits are 2xxx)
    assert set(profile["attributes"]) == {"kelompok_tani", "karang_taruna", "kelompok_masyarakat_lain"}
    assert "pengarah" in profile["pokja_missing"] and len(profile["pokja_missing"]) == 9
    url = f"/v1/kampung-kb/{profile['id']}"
    for role, name in (
        ("pengarah", "Kepala Desa"),
        ("ketua", "Hj. Rahmah"),
        ("wakil_ketua", "Salim"),
        ("sekretaris", "Yusuf"),
        ("bendahara", "Aminah"),
    ):
        assert (await client.post(f"{url}/pokja", json={"name": name, "role": role}, headers=admin)).status_code == 201
    second = await client.post(f"{url}/pokja", json={"name": "Budi", "role": "ketua"}, headers=admin)
    assert second.status_code == 409 and second.json()["errors"][0]["field"] == "role"
    no_seksi = await client.post(f"{url}/pokja", json={"name": "Sri", "role": "koordinator_seksi"}, headers=admin)
    assert no_seksi.status_code == 422 and no_seksi.json()["errors"][0]["field"] == "seksi"
    unknown = {"name": "Sri", "role": "koordinator_seksi", "seksi": "Seksi Olahraga"}
    assert (await client.post(f"{url}/pokja", json=unknown, headers=admin)).status_code == 422
    for index, name in enumerate(seksi):
        coordinator = {"name": f"Koordinator {index}", "role": "koordinator_seksi", "seksi": name}
        assert (await client.post(f"{url}/pokja", json=coordinator, headers=admin)).status_code == 201
    member = {"name": "Anggota", "role": "anggota_seksi", "seksi": seksi[0]}
    assert (await client.post(f"{url}/pokja", json=member, headers=admin)).status_code == 201
    assert (await client.get(url, headers=admin)).json()["pokja_missing"] == []
    dropped = await client.patch(url, json={"seksi": seksi[1:]}, headers={**admin, "If-Match": '"1"'})
    assert dropped.status_code == 409 and dropped.json()["errors"][0]["field"] == "seksi"


async def test_a_kelurahan_s_pokja_sk_is_the_camat_s(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    kelurahan = (await client.get("/v1/regions", params={"parent": "617101"}, headers=admin)).json()["items"][0]
    assert kelurahan["code"][6] == "1"
    body = {**PROFILE, "desa_code": kelurahan["code"], "name": "Kampung KB Kelurahan"}
    created = await client.post("/v1/kampung-kb", json=body, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json()["sk_signed_by"] == "camat"


async def test_a_pokja_meeting_records_who_came_by_role(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    profile = (await client.post("/v1/kampung-kb", json=PROFILE, headers=admin)).json()
    url = f"/v1/kampung-kb/{profile['id']}"
    ketua = (await client.post(f"{url}/pokja", json={"name": "Hj. Rahmah", "role": "ketua"}, headers=admin)).json()
    attendees = [
        {"role": "kepala_desa"},
        {"role": "ketua_tp_pkk"},
        {"role": "bidan_desa"},
        {"role": "kader_poktan", "count": 3},
        {"role": "duta_genre"},
        {"role": "kader_tpk", "count": 2},
        {"role": "bpd"},
        {"role": "kepala_dusun"},
        {"role": "pokja", "pokja_member_id": ketua["id"]},
    ]
    meeting = {"held_on": "2026-05-26", "topic": "GENTING", "attendees": attendees}
    made = await client.post(f"{url}/activities", json=meeting, headers=admin)
    assert made.status_code == 201, made.text
    assert made.json()["participants"] == 12 and made.json()["attendees"][3] == {
        "role": "kader_poktan",
        "count": 3,
        "pokja_member_id": None,
    }
    wrong = await client.post(f"{url}/activities", json={**meeting, "participants": 10}, headers=admin)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "participants"
    stranger = {**meeting, "attendees": [{"role": "pokja", "pokja_member_id": "0192f000-0000-7000-8000-000000000001"}]}
    refused = await client.post(f"{url}/activities", json=stranger, headers=admin)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "attendees[0].pokja_member_id"
    nobody = await client.post(f"{url}/activities", json={"held_on": "2026-05-26", "topic": "x"}, headers=admin)
    assert nobody.status_code == 422 and nobody.json()["errors"][0]["field"] == "attendees"
