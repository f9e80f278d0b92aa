"""Every registry route × every role × a record inside and outside the caller's region.

The recipes below say how to call each route; `test_every_route_has_a_recipe` fails when a route is added
without one, so a new route is covered by default."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from kkb_shared.testing.tokens import TokenFactory

from registry_factories import BLORA_DESA, DUNGUN_PERAPAKAN, family_payload, member_payload

# Region each role's token carries; "integration" is a provincial system with read and write scopes.
CALLERS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "admin": ("admin", "", {}),
    "operator": ("operator", "6101", {}),
    "tpk": ("tpk", DUNGUN_PERAPAKAN, {}),
    "viewer": ("viewer", "6101", {}),
    "ota": ("ota", "6101", {"ota_id": "o-1"}),
    "dashat": ("dashat", DUNGUN_PERAPAKAN, {"kitchen_id": "k-1"}),
    "integration": ("integration", "61", {"scope": "registry:read registry:write"}),
    "integration_without_scope": ("integration", "61", {}),
}
PERSONAL_DATA_CALLERS = {"admin", "operator", "tpk", "integration"}
IMPORT_CSV = "no_kk,kode_desa,alamat,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,status_kawin\n"
REPORT_CALLERS = PERSONAL_DATA_CALLERS | {"viewer"}
ROUND_MANAGERS = {"admin", "operator", "integration"}  # open and close Verval KRS rounds


@dataclass(frozen=True)
class Recipe:
    """How to call a route against a target family; `kind` says what scope means for it."""

    method: str
    url: Callable[[dict[str, Any]], str]
    success: int
    kind: str  # "reference" (any role), "record" (404 outside), "create" (403 outside), "list" (filtered),
    # "report" (aggregates: viewers too; a region outside the caller's is 404), "regionless" (no record:
    # personal-data roles only, wherever the target is), "export" (personal data of the caller's region),
    # "shared_record" / "shared_list" (no personal data: viewers too; outside the region 404 / filtered),
    # "admin" (the audit trail: admins only), "manage_create" / "manage_record" (Verval KRS rounds: operators,
    # not cadres; outside 403 / 404)
    body: Callable[[dict[str, Any]], Any] | None = None
    if_match: bool = False
    listed: Callable[[dict[str, Any]], str] = lambda t: str(t["id"])  # the id a "list" shows for the target
    files: Callable[[dict[str, Any]], Any] | None = None
    needs_job: bool = False  # an import job made by a kader of the target's desa: t["job_id"]
    needs: tuple[str, ...] = ()  # "kampung" (t["kampung"], t["pokja"]), "poktan" (t["poktan"], t["poktan_member"]),
    # "round" (t["round"]: an open Verval KRS round of the target's desa)


RECIPES: dict[tuple[str, str], Recipe] = {
    ("GET", "/v1/regions"): Recipe("GET", lambda t: "/v1/regions?parent=610104", 200, "reference"),
    ("GET", "/v1/regions/{code}"): Recipe("GET", lambda t: "/v1/regions/6101", 200, "reference"),
    ("POST", "/v1/families"): Recipe(
        "POST", lambda t: "/v1/families", 201, "create", body=lambda t: family_payload(t["desa_code"])
    ),
    ("GET", "/v1/families"): Recipe("GET", lambda t: "/v1/families", 200, "list"),
    ("GET", "/v1/families/{family_id}"): Recipe("GET", lambda t: f"/v1/families/{t['id']}", 200, "record"),
    ("PATCH", "/v1/families/{family_id}"): Recipe(
        "PATCH",
        lambda t: f"/v1/families/{t['id']}",
        200,
        "record",
        body=lambda t: {"rt": "009"},
        if_match=True,
    ),
    ("DELETE", "/v1/families/{family_id}"): Recipe("DELETE", lambda t: f"/v1/families/{t['id']}", 204, "record"),
    ("GET", "/v1/families/{family_id}/members"): Recipe(
        "GET", lambda t: f"/v1/families/{t['id']}/members", 200, "record"
    ),
    ("POST", "/v1/families/{family_id}/members"): Recipe(
        "POST",
        lambda t: f"/v1/families/{t['id']}/members",
        201,
        "record",
        body=lambda t: member_payload(age_days=200, relation="anak", marital_status="belum_kawin"),
    ),
    ("GET", "/v1/members/{member_id}"): Recipe("GET", lambda t: f"/v1/members/{t['members'][0]['id']}", 200, "record"),
    ("PATCH", "/v1/members/{member_id}"): Recipe(
        "PATCH",
        lambda t: f"/v1/members/{t['members'][0]['id']}",
        200,
        "record",
        body=lambda t: {"name": "Nur"},
        if_match=True,
    ),
    ("DELETE", "/v1/members/{member_id}"): Recipe(
        "DELETE", lambda t: f"/v1/members/{t['members'][0]['id']}", 204, "record"
    ),
    ("GET", "/v1/changes"): Recipe("GET", lambda t: "/v1/changes", 200, "list"),
    ("GET", "/v1/audit-events"): Recipe("GET", lambda t: f"/v1/audit-events?record_id={t['id']}", 200, "admin"),
    ("POST", "/v1/families/lookup"): Recipe(
        "POST",
        lambda t: "/v1/families/lookup",
        200,
        "list",
        body=lambda t: {"family_ids": [t["id"]]},
    ),
    ("POST", "/v1/members/lookup"): Recipe(
        "POST",
        lambda t: "/v1/members/lookup",
        200,
        "list",
        body=lambda t: {"member_ids": [t["members"][0]["id"]]},
        listed=lambda t: t["members"][0]["id"],
    ),
    ("GET", "/v1/members"): Recipe(
        "GET", lambda t: f"/v1/members?q={t['members'][0]['nik']}", 200, "list", listed=lambda t: t["members"][0]["id"]
    ),
    ("GET", "/v1/imports/template.csv"): Recipe("GET", lambda t: "/v1/imports/template.csv", 200, "regionless"),
    ("GET", "/v1/imports/template.xlsx"): Recipe("GET", lambda t: "/v1/imports/template.xlsx", 200, "regionless"),
    ("POST", "/v1/imports"): Recipe(
        "POST", lambda t: "/v1/imports?dry_run=true", 202, "regionless", files=lambda t: {"file": ("a.csv", IMPORT_CSV)}
    ),
    ("GET", "/v1/imports/{job_id}"): Recipe(
        "GET", lambda t: f"/v1/imports/{t['job_id']}", 200, "record", needs_job=True
    ),
    ("GET", "/v1/imports/{job_id}/errors"): Recipe(
        "GET", lambda t: f"/v1/imports/{t['job_id']}/errors", 200, "record", needs_job=True
    ),
    ("GET", "/v1/imports/{job_id}/errors.csv"): Recipe(
        "GET", lambda t: f"/v1/imports/{t['job_id']}/errors.csv", 200, "record", needs_job=True
    ),
    ("GET", "/v1/exports/families.csv"): Recipe("GET", lambda t: "/v1/exports/families.csv", 200, "export"),
    ("GET", "/v1/exports/families.xlsx"): Recipe("GET", lambda t: "/v1/exports/families.xlsx", 200, "export"),
    ("POST", "/v1/kampung-kb"): Recipe(
        "POST", lambda t: "/v1/kampung-kb", 201, "create", body=lambda t: kampung_body(t)
    ),
    ("GET", "/v1/kampung-kb"): Recipe(
        "GET", lambda t: "/v1/kampung-kb", 200, "shared_list", needs=("kampung",), listed=lambda t: t["kampung"]["id"]
    ),
    ("GET", "/v1/kampung-kb/{kampung_id}"): Recipe(
        "GET", lambda t: f"/v1/kampung-kb/{t['kampung']['id']}", 200, "shared_record", needs=("kampung",)
    ),
    ("PATCH", "/v1/kampung-kb/{kampung_id}"): Recipe(
        "PATCH",
        lambda t: f"/v1/kampung-kb/{t['kampung']['id']}",
        200,
        "record",
        needs=("kampung",),
        body=lambda t: {"classification": "mandiri"},
        if_match=True,
    ),
    ("DELETE", "/v1/kampung-kb/{kampung_id}"): Recipe(
        "DELETE", lambda t: f"/v1/kampung-kb/{t['kampung']['id']}", 204, "record", needs=("kampung",)
    ),
    ("POST", "/v1/kampung-kb/{kampung_id}/pokja"): Recipe(
        "POST",
        lambda t: f"/v1/kampung-kb/{t['kampung']['id']}/pokja",
        201,
        "record",
        needs=("kampung",),
        body=lambda t: {"name": "Rina", "role": "anggota"},
    ),
    ("DELETE", "/v1/kampung-kb/{kampung_id}/pokja/{pokja_id}"): Recipe(
        "DELETE",
        lambda t: f"/v1/kampung-kb/{t['kampung']['id']}/pokja/{t['pokja']['id']}",
        204,
        "record",
        needs=("kampung",),
    ),
    ("POST", "/v1/kampung-kb/{kampung_id}/activities"): Recipe(
        "POST",
        lambda t: f"/v1/kampung-kb/{t['kampung']['id']}/activities",
        201,
        "record",
        needs=("kampung",),
        body=lambda t: {"held_on": "2026-01-05", "participants": 9, "topic": "Rapat"},
    ),
    ("GET", "/v1/kampung-kb/{kampung_id}/activities"): Recipe(
        "GET", lambda t: f"/v1/kampung-kb/{t['kampung']['id']}/activities", 200, "shared_record", needs=("kampung",)
    ),
    ("POST", "/v1/poktan"): Recipe(
        "POST",
        lambda t: "/v1/poktan",
        201,
        "create",
        body=lambda t: {"desa_code": t["desa_code"], "kind": "bkb", "name": "B"},
    ),
    ("GET", "/v1/poktan"): Recipe(
        "GET", lambda t: "/v1/poktan", 200, "shared_list", needs=("poktan",), listed=lambda t: t["poktan"]["id"]
    ),
    ("GET", "/v1/poktan/{poktan_id}"): Recipe(
        "GET", lambda t: f"/v1/poktan/{t['poktan']['id']}", 200, "shared_record", needs=("poktan",)
    ),
    ("DELETE", "/v1/poktan/{poktan_id}"): Recipe(
        "DELETE", lambda t: f"/v1/poktan/{t['poktan']['id']}", 204, "record", needs=("poktan",)
    ),
    ("POST", "/v1/poktan/{poktan_id}/members"): Recipe(
        "POST",
        lambda t: f"/v1/poktan/{t['poktan']['id']}/members",
        201,
        "record",
        needs=("poktan",),
        body=lambda t: {"name": "Sari", "joined_on": "2026-01-01"},
    ),
    ("GET", "/v1/poktan/{poktan_id}/members"): Recipe(
        "GET", lambda t: f"/v1/poktan/{t['poktan']['id']}/members", 200, "record", needs=("poktan",)
    ),
    ("POST", "/v1/poktan/{poktan_id}/members/{member_id}/leave"): Recipe(
        "POST",
        lambda t: f"/v1/poktan/{t['poktan']['id']}/members/{t['poktan_member']['id']}/leave",
        200,
        "record",
        needs=("poktan",),
        body=lambda t: {"left_on": "2026-02-01"},
    ),
    ("POST", "/v1/poktan/{poktan_id}/meetings"): Recipe(
        "POST",
        lambda t: f"/v1/poktan/{t['poktan']['id']}/meetings",
        201,
        "record",
        needs=("poktan",),
        body=lambda t: {"held_on": "2026-01-10", "topic": "Gizi", "attendee_ids": [t["poktan_member"]["id"]]},
    ),
    ("PUT", "/v1/poktan/{poktan_id}/reported-coverage/{month}"): Recipe(
        "PUT",
        lambda t: f"/v1/poktan/{t['poktan']['id']}/reported-coverage/2026-01",
        200,
        "record",
        needs=("poktan",),
        body=lambda t: {"families": 8, "target_families": 10},
    ),
    ("GET", "/v1/reports/poktan"): Recipe(
        "GET", lambda t: f"/v1/reports/poktan?region={t['desa_code']}&from=2026-01-01&to=2026-03-31", 200, "report"
    ),
    ("GET", "/v1/reports/krs"): Recipe(
        "GET", lambda t: f"/v1/reports/krs?region={t['desa_code']}&level=desa", 200, "report"
    ),
    ("GET", "/v1/reports/krs.csv"): Recipe(
        "GET", lambda t: f"/v1/reports/krs.csv?region={t['desa_code']}&level=desa", 200, "report"
    ),
    ("GET", "/v1/reports/tpk-targets"): Recipe(
        "GET", lambda t: f"/v1/reports/tpk-targets?region={t['desa_code']}&level=desa", 200, "report"
    ),
    ("POST", "/v1/verval-rounds"): Recipe(
        "POST",
        lambda t: "/v1/verval-rounds",
        201,
        "manage_create",
        body=lambda t: {"region_code": t["desa_code"], "year": 2024},
    ),
    ("GET", "/v1/verval-rounds"): Recipe(
        "GET", lambda t: "/v1/verval-rounds", 200, "shared_list", needs=("round",), listed=lambda t: t["round"]["id"]
    ),
    ("GET", "/v1/verval-rounds/{round_id}"): Recipe(
        "GET", lambda t: f"/v1/verval-rounds/{t['round']['id']}", 200, "shared_record", needs=("round",)
    ),
    ("POST", "/v1/verval-rounds/{round_id}/close"): Recipe(
        "POST", lambda t: f"/v1/verval-rounds/{t['round']['id']}/close", 200, "manage_record", needs=("round",)
    ),
    ("PUT", "/v1/verval-rounds/{round_id}/families/{family_id}"): Recipe(
        "PUT",
        lambda t: f"/v1/verval-rounds/{t['round']['id']}/families/{t['id']}",
        200,
        "record",
        body=lambda t: {"status": "moved"},
        needs=("round",),
    ),
    ("GET", "/v1/verval-rounds/{round_id}/families"): Recipe(
        "GET", lambda t: f"/v1/verval-rounds/{t['round']['id']}/families", 200, "record", needs=("round",)
    ),
    ("GET", "/v1/reports/kb"): Recipe(
        "GET", lambda t: f"/v1/reports/kb?region={t['desa_code']}&level=desa", 200, "report"
    ),
}


def kampung_body(target: dict[str, Any]) -> dict[str, Any]:
    return {
        "desa_code": target["desa_code"],
        "name": "Kampung KB",
        "formed_on": "2020-01-01",
        "classification": "dasar",
    }


def _routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every documented /v1 operation (the OpenAPI document lists exactly what the app routes)."""
    return {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/v1/")
        for method in operations
    }


def test_every_route_has_a_recipe(registry_app: FastAPI) -> None:
    assert _routes(registry_app) == set(RECIPES)


def expected_status(recipe: Recipe, caller: str, inside: bool) -> int:
    if recipe.kind == "reference":
        return recipe.success
    if recipe.kind == "admin":
        return recipe.success if caller == "admin" else 403
    if recipe.kind == "shared_record":
        return (recipe.success if inside else 404) if caller in REPORT_CALLERS else 403
    if recipe.kind == "shared_list":
        return recipe.success if caller in REPORT_CALLERS else 403
    if recipe.kind == "export":
        return recipe.success if caller in PERSONAL_DATA_CALLERS else 403
    if recipe.kind == "regionless":
        return recipe.success if caller in PERSONAL_DATA_CALLERS else 403
    if recipe.kind in ("manage_create", "manage_record"):
        outside = 403 if recipe.kind == "manage_create" else 404
        return (recipe.success if inside else outside) if caller in ROUND_MANAGERS else 403
    if recipe.kind == "report":
        return (recipe.success if inside else 404) if caller in REPORT_CALLERS else 403
    if caller not in PERSONAL_DATA_CALLERS:
        return 403
    if inside or recipe.kind == "list":
        return recipe.success
    return 404 if recipe.kind == "record" else 403


@pytest.mark.parametrize("where", ["inside", "outside"])
@pytest.mark.parametrize("caller", list(CALLERS))
@pytest.mark.parametrize("route", list(RECIPES), ids=lambda r: f"{r[0]} {r[1]}")
async def test_route_role_region(
    client: httpx.AsyncClient,
    tokens: TokenFactory,
    create_family: Callable[..., Any],
    route: tuple[str, str],
    caller: str,
    where: str,
) -> None:
    recipe = RECIPES[route]
    role, region, extra = CALLERS[caller]
    inside = where == "inside" or region == ""
    target = await create_family(DUNGUN_PERAPAKAN if where == "inside" else BLORA_DESA)
    admin = tokens.headers("admin")
    if "kampung" in recipe.needs:
        target["kampung"] = (await client.post("/v1/kampung-kb", json=kampung_body(target), headers=admin)).json()
        pokja = {"name": "Hasan", "role": "ketua"}
        target["pokja"] = (
            await client.post(f"/v1/kampung-kb/{target['kampung']['id']}/pokja", json=pokja, headers=admin)
        ).json()
    if "poktan" in recipe.needs:
        poktan = {"desa_code": target["desa_code"], "kind": "bkb", "name": "BKB Melati"}
        target["poktan"] = (await client.post("/v1/poktan", json=poktan, headers=admin)).json()
        member = {"name": "Ani", "joined_on": "2025-12-01"}
        url = f"/v1/poktan/{target['poktan']['id']}/members"
        target["poktan_member"] = (await client.post(url, json=member, headers=admin)).json()
    if "round" in recipe.needs:
        opened = {"region_code": target["desa_code"], "year": 2025}
        target["round"] = (await client.post("/v1/verval-rounds", json=opened, headers=admin)).json()
    if recipe.needs_job:
        kader = tokens.headers("tpk", target["desa_code"])
        made = await client.post("/v1/imports?dry_run=true", files={"file": ("a.csv", IMPORT_CSV)}, headers=kader)
        target["job_id"] = made.json()["id"]
    headers = tokens.headers(role, region, **extra)
    if recipe.if_match:
        headers["If-Match"] = '"1"'
    body = recipe.body(target) if recipe.body else None
    files = recipe.files(target) if recipe.files else None
    response = await client.request(recipe.method, recipe.url(target), json=body, files=files, headers=headers)

    assert response.status_code == expected_status(recipe, caller, inside), response.text
    if (
        recipe.kind == "export"
        and response.status_code == 200
        and response.headers["content-type"].startswith("text/csv")
    ):
        assert (target["kk_number"] in response.text) is inside
    if recipe.kind in ("list", "shared_list") and response.status_code == 200:
        ids = {item["id"] for item in response.json()["items"]}
        assert (recipe.listed(target) in ids) is inside
