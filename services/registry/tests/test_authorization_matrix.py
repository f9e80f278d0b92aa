"""Every registry route × every role × a record inside and outside the caller's region.

The recipes below say how to call each route; `test_every_route_has_a_recipe` fails when a route is added
without one, so a new route is covered by default."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from kkb_shared.testing.matrix import Caller, Matrix, Recipe, World
from kkb_shared.testing.tokens import TokenFactory

from registry_factories import BLORA_DESA, DUNGUN_PERAPAKAN, family_payload, member_payload

CALLERS = {
    "admin": Caller("admin"),
    "operator": Caller("operator", "6101"),
    "tpk": Caller("tpk", DUNGUN_PERAPAKAN),
    "viewer": Caller("viewer", "6101"),
    "ota": Caller("ota", "6101", {"ota_id": "o-1"}),
    "dashat": Caller("dashat", DUNGUN_PERAPAKAN, {"kitchen_id": "k-1"}),
    "integration": Caller("integration", "61", {"scope": "registry:read registry:write"}),  # a provincial system
    "integration_without_scope": Caller("integration", "61"),
}
PERSONAL_DATA_CALLERS = {"admin", "operator", "tpk", "integration"}
IMPORT_CSV = "no_kk,kode_desa,alamat,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,status_kawin\n"
REPORT_CALLERS = PERSONAL_DATA_CALLERS | {"viewer"}
ROUND_MANAGERS = {"admin", "operator", "integration"}  # open and close Verval KRS rounds


# Who may call a route of each kind, and what a caller gets for a target outside its region (None: a list or
# answer without it). Kinds: "reference" (any role), "record" and "create" (personal data: 404 / 403 outside),
# "list" (filtered), "report" (aggregates: viewers too), "regionless" (no record: personal-data roles, wherever
# the target is), "export" (personal data of the caller's region), "shared_record" / "shared_list" (no personal
# data: viewers too), "admin" (the audit trail), "manage_create" / "manage_record" (Verval KRS rounds: operators,
# not cadres).
KINDS: dict[str, tuple[set[str], int | None]] = {
    "reference": (set(CALLERS), None),
    "record": (PERSONAL_DATA_CALLERS, 404),
    "create": (PERSONAL_DATA_CALLERS, 403),
    "list": (PERSONAL_DATA_CALLERS, None),
    "report": (REPORT_CALLERS, 404),
    "regionless": (PERSONAL_DATA_CALLERS, None),
    "export": (PERSONAL_DATA_CALLERS, None),
    "shared_record": (REPORT_CALLERS, 404),
    "shared_list": (REPORT_CALLERS, None),
    "admin": ({"admin"}, 404),
    "manage_create": (ROUND_MANAGERS, 403),
    "manage_record": (ROUND_MANAGERS, 404),
}


def recipe(
    method: str,
    url: Callable[[World], str],
    success: int,
    kind: str,
    *,
    body: Callable[[World], Any] | None = None,
    if_match: bool = False,
    listed: Callable[[World], str] | None = None,
    files: Callable[[World], Any] | None = None,
) -> Recipe:
    """A route's recipe by its kind; a list shows the target family (or `listed`) to callers of its region."""
    allowed, elsewhere = KINDS[kind]
    shown = listed or (lambda t: str(t["id"])) if kind in ("list", "shared_list") else None
    return Recipe(
        method,
        url,
        allowed,
        success,
        body=body,
        files=files,
        elsewhere=elsewhere,
        if_match=if_match,
        shown=(lambda t: [shown(t)]) if shown else None,
    )


RECIPES: dict[tuple[str, str], Recipe] = {
    ("GET", "/v1/regions"): recipe("GET", lambda t: "/v1/regions?parent=610104", 200, "reference"),
    ("GET", "/v1/regions/{code}"): recipe("GET", lambda t: "/v1/regions/6101", 200, "reference"),
    ("POST", "/v1/families"): recipe(
        "POST", lambda t: "/v1/families", 201, "create", body=lambda t: family_payload(t["desa_code"])
    ),
    ("GET", "/v1/families"): recipe("GET", lambda t: "/v1/families", 200, "list"),
    ("GET", "/v1/families/{family_id}"): recipe("GET", lambda t: f"/v1/families/{t['id']}", 200, "record"),
    ("PATCH", "/v1/families/{family_id}"): recipe(
        "PATCH",
        lambda t: f"/v1/families/{t['id']}",
        200,
        "record",
        body=lambda t: {"rt": "009"},
        if_match=True,
    ),
    ("DELETE", "/v1/families/{family_id}"): recipe("DELETE", lambda t: f"/v1/families/{t['id']}", 204, "record"),
    ("GET", "/v1/families/{family_id}/krs-assessments"): recipe(
        "GET", lambda t: f"/v1/families/{t['id']}/krs-assessments", 200, "record"
    ),
    ("GET", "/v1/families/{family_id}/members"): recipe(
        "GET", lambda t: f"/v1/families/{t['id']}/members", 200, "record"
    ),
    ("POST", "/v1/families/{family_id}/members"): recipe(
        "POST",
        lambda t: f"/v1/families/{t['id']}/members",
        201,
        "record",
        body=lambda t: member_payload(age_days=200, relation="anak", marital_status="belum_kawin"),
    ),
    ("GET", "/v1/members/{member_id}"): recipe("GET", lambda t: f"/v1/members/{t['members'][0]['id']}", 200, "record"),
    ("PATCH", "/v1/members/{member_id}"): recipe(
        "PATCH",
        lambda t: f"/v1/members/{t['members'][0]['id']}",
        200,
        "record",
        body=lambda t: {"name": "Nur"},
        if_match=True,
    ),
    ("DELETE", "/v1/members/{member_id}"): recipe(
        "DELETE", lambda t: f"/v1/members/{t['members'][0]['id']}", 204, "record"
    ),
    ("GET", "/v1/changes"): recipe("GET", lambda t: "/v1/changes", 200, "list"),
    ("GET", "/v1/audit-events"): recipe("GET", lambda t: f"/v1/audit-events?record_id={t['id']}", 200, "admin"),
    ("POST", "/v1/families/lookup"): recipe(
        "POST",
        lambda t: "/v1/families/lookup",
        200,
        "list",
        body=lambda t: {"family_ids": [t["id"]]},
    ),
    ("POST", "/v1/members/lookup"): recipe(
        "POST",
        lambda t: "/v1/members/lookup",
        200,
        "list",
        body=lambda t: {"member_ids": [t["members"][0]["id"]]},
        listed=lambda t: t["members"][0]["id"],
    ),
    ("GET", "/v1/members"): recipe(
        "GET", lambda t: f"/v1/members?q={t['members'][0]['nik']}", 200, "list", listed=lambda t: t["members"][0]["id"]
    ),
    ("GET", "/v1/imports/template.csv"): recipe("GET", lambda t: "/v1/imports/template.csv", 200, "regionless"),
    ("GET", "/v1/imports/template.xlsx"): recipe("GET", lambda t: "/v1/imports/template.xlsx", 200, "regionless"),
    ("POST", "/v1/imports"): recipe(
        "POST", lambda t: "/v1/imports?dry_run=true", 202, "regionless", files=lambda t: {"file": ("a.csv", IMPORT_CSV)}
    ),
    ("GET", "/v1/imports/{job_id}"): recipe("GET", lambda t: f"/v1/imports/{t['job_id']}", 200, "record"),
    ("GET", "/v1/imports/{job_id}/errors"): recipe("GET", lambda t: f"/v1/imports/{t['job_id']}/errors", 200, "record"),
    ("GET", "/v1/imports/{job_id}/errors.csv"): recipe(
        "GET", lambda t: f"/v1/imports/{t['job_id']}/errors.csv", 200, "record"
    ),
    ("GET", "/v1/exports/families.csv"): recipe(
        "GET", lambda t: "/v1/exports/families.csv", 200, "export", listed=lambda t: t["kk_number"]
    ),
    ("GET", "/v1/exports/families.xlsx"): recipe("GET", lambda t: "/v1/exports/families.xlsx", 200, "export"),
    ("POST", "/v1/kampung-kb"): recipe(
        "POST", lambda t: "/v1/kampung-kb", 201, "create", body=lambda t: kampung_body(t)
    ),
    ("GET", "/v1/kampung-kb"): recipe(
        "GET", lambda t: "/v1/kampung-kb", 200, "shared_list", listed=lambda t: t["kampung"]["id"]
    ),
    ("GET", "/v1/kampung-kb/{kampung_id}"): recipe(
        "GET", lambda t: f"/v1/kampung-kb/{t['kampung']['id']}", 200, "shared_record"
    ),
    ("PATCH", "/v1/kampung-kb/{kampung_id}"): recipe(
        "PATCH",
        lambda t: f"/v1/kampung-kb/{t['kampung']['id']}",
        200,
        "record",
        body=lambda t: {"classification": "mandiri"},
        if_match=True,
    ),
    ("DELETE", "/v1/kampung-kb/{kampung_id}"): recipe(
        "DELETE", lambda t: f"/v1/kampung-kb/{t['kampung']['id']}", 204, "record"
    ),
    ("POST", "/v1/kampung-kb/{kampung_id}/pokja"): recipe(
        "POST",
        lambda t: f"/v1/kampung-kb/{t['kampung']['id']}/pokja",
        201,
        "record",
        body=lambda t: {"name": "Rina", "role": "anggota"},
    ),
    ("DELETE", "/v1/kampung-kb/{kampung_id}/pokja/{pokja_id}"): recipe(
        "DELETE",
        lambda t: f"/v1/kampung-kb/{t['kampung']['id']}/pokja/{t['pokja']['id']}",
        204,
        "record",
    ),
    ("POST", "/v1/kampung-kb/{kampung_id}/activities"): recipe(
        "POST",
        lambda t: f"/v1/kampung-kb/{t['kampung']['id']}/activities",
        201,
        "record",
        body=lambda t: {"held_on": "2026-01-05", "participants": 9, "topic": "Rapat"},
    ),
    ("GET", "/v1/kampung-kb/{kampung_id}/activities"): recipe(
        "GET", lambda t: f"/v1/kampung-kb/{t['kampung']['id']}/activities", 200, "shared_record"
    ),
    ("POST", "/v1/poktan"): recipe(
        "POST",
        lambda t: "/v1/poktan",
        201,
        "create",
        body=lambda t: {"desa_code": t["desa_code"], "kind": "bkb", "name": "B"},
    ),
    ("GET", "/v1/poktan"): recipe(
        "GET", lambda t: "/v1/poktan", 200, "shared_list", listed=lambda t: t["poktan"]["id"]
    ),
    ("GET", "/v1/poktan/{poktan_id}"): recipe("GET", lambda t: f"/v1/poktan/{t['poktan']['id']}", 200, "shared_record"),
    ("DELETE", "/v1/poktan/{poktan_id}"): recipe("DELETE", lambda t: f"/v1/poktan/{t['poktan']['id']}", 204, "record"),
    ("POST", "/v1/poktan/{poktan_id}/members"): recipe(
        "POST",
        lambda t: f"/v1/poktan/{t['poktan']['id']}/members",
        201,
        "record",
        body=lambda t: {"name": "Sari", "joined_on": "2026-01-01"},
    ),
    ("GET", "/v1/poktan/{poktan_id}/members"): recipe(
        "GET", lambda t: f"/v1/poktan/{t['poktan']['id']}/members", 200, "record"
    ),
    ("POST", "/v1/poktan/{poktan_id}/members/{member_id}/leave"): recipe(
        "POST",
        lambda t: f"/v1/poktan/{t['poktan']['id']}/members/{t['poktan_member']['id']}/leave",
        200,
        "record",
        body=lambda t: {"left_on": "2026-02-01"},
    ),
    ("POST", "/v1/poktan/{poktan_id}/meetings"): recipe(
        "POST",
        lambda t: f"/v1/poktan/{t['poktan']['id']}/meetings",
        201,
        "record",
        body=lambda t: {"held_on": "2026-01-10", "topic": "Gizi", "attendee_ids": [t["poktan_member"]["id"]]},
    ),
    ("PUT", "/v1/poktan/{poktan_id}/reported-coverage/{month}"): recipe(
        "PUT",
        lambda t: f"/v1/poktan/{t['poktan']['id']}/reported-coverage/2026-01",
        200,
        "record",
        body=lambda t: {"families": 8, "target_families": 10},
    ),
    ("GET", "/v1/reports/poktan"): recipe(
        "GET", lambda t: f"/v1/reports/poktan?region={t['desa_code']}&from=2026-01-01&to=2026-03-31", 200, "report"
    ),
    ("GET", "/v1/reports/krs"): recipe(
        "GET", lambda t: f"/v1/reports/krs?region={t['desa_code']}&level=desa", 200, "report"
    ),
    ("GET", "/v1/reports/krs.csv"): recipe(
        "GET", lambda t: f"/v1/reports/krs.csv?region={t['desa_code']}&level=desa", 200, "report"
    ),
    ("GET", "/v1/reports/tpk-targets"): recipe(
        "GET", lambda t: f"/v1/reports/tpk-targets?region={t['desa_code']}&level=desa", 200, "report"
    ),
    ("POST", "/v1/verval-rounds"): recipe(
        "POST",
        lambda t: "/v1/verval-rounds",
        201,
        "manage_create",
        body=lambda t: {"region_code": t["desa_code"], "year": 2024},
    ),
    ("GET", "/v1/verval-rounds"): recipe(
        "GET", lambda t: "/v1/verval-rounds", 200, "shared_list", listed=lambda t: t["round"]["id"]
    ),
    ("GET", "/v1/verval-rounds/{round_id}"): recipe(
        "GET", lambda t: f"/v1/verval-rounds/{t['round']['id']}", 200, "shared_record"
    ),
    ("POST", "/v1/verval-rounds/{round_id}/close"): recipe(
        "POST", lambda t: f"/v1/verval-rounds/{t['round']['id']}/close", 200, "manage_record"
    ),
    ("PUT", "/v1/verval-rounds/{round_id}/families/{family_id}"): recipe(
        "PUT",
        lambda t: f"/v1/verval-rounds/{t['round']['id']}/families/{t['id']}",
        200,
        "record",
        body=lambda t: {"status": "moved"},
    ),
    ("GET", "/v1/verval-rounds/{round_id}/families"): recipe(
        "GET", lambda t: f"/v1/verval-rounds/{t['round']['id']}/families", 200, "record"
    ),
    ("GET", "/v1/reports/kb"): recipe(
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


MATRIX = Matrix(CALLERS, RECIPES, shown=lambda t: [t["id"], t["kk_number"]])


def test_every_route_has_a_recipe(registry_app: FastAPI) -> None:
    MATRIX.assert_covers(registry_app)


def needs(route: tuple[str, str]) -> set[str]:
    """The records a route's target needs beside its family: a Kampung KB with its Pokja, a poktan with a
    member, an open Verval KRS round of the family's desa, an import job of a kader of that desa."""
    method, path = route
    found = {"job"} if "{job_id}" in path else set()
    for name, param, listing in (
        ("kampung", "{kampung_id}", "/v1/kampung-kb"),
        ("poktan", "{poktan_id}", "/v1/poktan"),
        ("round", "{round_id}", "/v1/verval-rounds"),
    ):
        if param in path or (method == "GET" and path == listing):
            found.add(name)
    return found


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
    wanted = needs(route)
    target = await create_family(DUNGUN_PERAPAKAN if where == "inside" else BLORA_DESA)
    admin = tokens.headers("admin")
    if "kampung" in wanted:
        target["kampung"] = (await client.post("/v1/kampung-kb", json=kampung_body(target), headers=admin)).json()
        pokja = {"name": "Hasan", "role": "ketua"}
        target["pokja"] = (
            await client.post(f"/v1/kampung-kb/{target['kampung']['id']}/pokja", json=pokja, headers=admin)
        ).json()
    if "poktan" in wanted:
        poktan = {"desa_code": target["desa_code"], "kind": "bkb", "name": "BKB Melati"}
        target["poktan"] = (await client.post("/v1/poktan", json=poktan, headers=admin)).json()
        member = {"name": "Ani", "joined_on": "2025-12-01"}
        url = f"/v1/poktan/{target['poktan']['id']}/members"
        target["poktan_member"] = (await client.post(url, json=member, headers=admin)).json()
    if "round" in wanted:
        opened = {"region_code": target["desa_code"], "year": 2025}
        target["round"] = (await client.post("/v1/verval-rounds", json=opened, headers=admin)).json()
    if "job" in wanted:
        kader = tokens.headers("tpk", target["desa_code"])
        made = await client.post("/v1/imports?dry_run=true", files={"file": ("a.csv", IMPORT_CSV)}, headers=kader)
        target["job_id"] = made.json()["id"]
    outside = where == "outside" and CALLERS[caller].region != ""
    await MATRIX.check(client, tokens, route, caller, target, elsewhere=outside)
