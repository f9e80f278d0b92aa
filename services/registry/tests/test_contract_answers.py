"""What the published contract promises, as the registry answers it: JSON types as the schema gives them, the
field named for a body that is not JSON, 405 with the path's whole `Allow`, If-Match's 428 and format, a
cursor read only by its own list, ISO dates only, and an OpenAPI document that declares all of it."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from kkb_shared.testing.tokens import TokenFactory

from registry_factories import family_payload

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def fields(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    return [error["field"] for error in answer.json()["errors"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"members": [{"sex": "female", "is_pregnant": "true"}]}, "members[0].is_pregnant"),  # a string for a bool
        ({"rt": 2}, "rt"),  # a number for text
        ({"members": [{"birth_date": 0}]}, "members[0].birth_date"),  # seconds for a date
        ({"members": [{"is_pregnant": 1}]}, "members[0].is_pregnant"),  # a number for a bool
    ],
)
async def test_values_must_have_the_json_type_the_schema_gives(
    client: httpx.AsyncClient, tokens: TokenFactory, change: dict[str, Any], field: str
) -> None:
    body = family_payload()
    for key, value in change.items():
        if key == "members":
            body["members"][0].update(value[0])
        else:
            body[key] = value
    answer = await client.post("/v1/families", json=body, headers=tokens.headers("admin"))
    assert field in fields(answer)


async def test_a_body_that_is_not_json_or_not_utf8_names_the_body(
    client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    headers = {**tokens.headers("admin"), "Content-Type": "application/json"}
    assert fields(await client.post("/v1/families", content=b'{"kk_number": ', headers=headers)) == ["body"]
    assert fields(await client.post("/v1/families", content=b'{"address": "\xff"}', headers=headers)) == ["body"]


async def test_a_method_a_path_lacks_is_405_with_all_its_methods(client: httpx.AsyncClient) -> None:
    family = await client.options("/v1/families/01a2286d-22e7-7244-a6fd-0ff9d8fdf618")
    assert family.status_code == 405 and family.headers["allow"] == "DELETE, GET, PATCH"
    assert family.headers["content-type"] == "application/problem+json"
    # A fixed segment beside an id keeps its own methods: PATCH /members/lookup is not PATCH /members/{id}.
    lookup = await client.patch("/v1/members/lookup", json={})
    assert lookup.status_code == 405 and lookup.headers["allow"] == "POST"
    families = await client.get("/v1/families/lookup")
    assert families.status_code == 405 and families.headers["allow"] == "POST"


async def test_if_match_is_required_where_published_and_held_to_its_format(
    client: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    admin = tokens.headers("admin")
    created = await client.post("/v1/families", json=family_payload(), headers=admin)
    url = f"/v1/families/{created.json()['id']}"
    missing = await client.patch(url, json={"address": "Jl. Baru"}, headers=admin)
    assert missing.status_code == 428 and missing.json()["type"].endswith("precondition-required")
    assert fields(await client.patch(url, json={"address": "Jl. Baru"}, headers={**admin, "If-Match": "3"})) == [
        "If-Match"
    ]
    stale = await client.patch(url, json={"address": "Jl. Baru"}, headers={**admin, "If-Match": '"7"'})
    assert stale.status_code == 412
    done = await client.patch(url, json={"address": "Jl. Baru"}, headers={**admin, "If-Match": ' W/"1" '})
    assert done.status_code == 200 and done.headers["etag"] == '"2"'


async def test_a_cursor_is_read_only_by_its_list(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    admin = tokens.headers("admin")
    for _ in range(2):
        await client.post("/v1/families", json=family_payload(), headers=admin)
    page = (await client.get("/v1/families", params={"limit": 1}, headers=admin)).json()
    assert page["next_cursor"].startswith("registry.families.")
    following = await client.get("/v1/families", params={"limit": 1, "cursor": page["next_cursor"]}, headers=admin)
    assert following.status_code == 200 and following.json()["items"][0]["id"] != page["items"][0]["id"]
    members_cursor = page["next_cursor"].replace("registry.families.", "registry.members.")
    other = await client.get("/v1/families", params={"cursor": members_cursor}, headers=admin)
    assert fields(other) == ["cursor"]


async def test_dates_are_iso_and_in_the_served_years(client: httpx.AsyncClient, tokens: TokenFactory) -> None:
    admin = tokens.headers("admin")
    for bad in ("0", "1899-12-31", "2026-1-5"):
        answer = await client.get("/v1/audit-events", params={"since": bad}, headers=admin)
        assert fields(answer) == ["since"], bad


def test_the_document_declares_every_error_as_problem_json(registry_app: FastAPI) -> None:
    document = registry_app.openapi()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            errors = {status for status in responses if int(status) >= 400}
            assert "503" in errors, (method, path)
            assert all(responses[status]["content"] == PROBLEM for status in errors), (method, path)
            if "{" in path:
                assert "404" in errors, (method, path)
            if operation.get("security"):
                assert {"401", "403"} <= errors, (method, path)
            for parameter in operation.get("parameters", []):
                assert parameter["schema"].get("type") != "null" and "anyOf" not in parameter["schema"], parameter
                if parameter["name"] == "If-Match" and parameter["required"]:
                    assert {"412", "428"} <= errors
                if parameter["name"] == "cursor":
                    assert parameter["schema"]["pattern"].startswith("^registry\\.")
    address = re.compile(document["components"]["schemas"]["FamilyCreate"]["properties"]["address"]["pattern"])
    # As the server checks: no control character, and something left once the blanks at the ends are stripped.
    assert address.search("Jl. Raya\nNo. 7") and not address.search("Jl.\x00") and not address.search("  ")
    assert document["paths"]["/v1/families"]["post"]["security"] == [{"OAuth2PasswordBearer": ["registry:write"]}]
