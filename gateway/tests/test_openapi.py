"""One OpenAPI document for integrators: the gateway's routes and each service's, prefixed and tagged."""

from __future__ import annotations

from typing import Any

import httpx

from gateway.openapi import merge_documents

from gateway_helpers import FakeUpstream


def service_document(schema_title: str) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "svc", "version": "1"},
        "paths": {
            "/v1/things": {
                "get": {
                    "operationId": "list_things",
                    "tags": ["things"],
                    "responses": {
                        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
                    },
                }
            },
            "/healthz": {"get": {"responses": {"200": {}}}},
        },
        "components": {"schemas": {"Thing": {"title": schema_title, "type": "object"}, "Same": {"type": "string"}}},
    }


def test_merge_prefixes_paths_tags_and_resolves_schema_clashes() -> None:
    own = {
        "openapi": "3.1.0",
        "info": {"title": "gw", "version": "1", "description": "d"},
        "paths": {"/auth/token": {}},
    }
    merged = merge_documents(
        own, {"registry": service_document("A"), "mentoring": service_document("B"), "genting": None}
    )
    assert set(merged["paths"]) == {"/auth/token", "/registry/v1/things", "/mentoring/v1/things"}
    registry_op = merged["paths"]["/registry/v1/things"]["get"]
    mentoring_op = merged["paths"]["/mentoring/v1/things"]["get"]
    assert registry_op["tags"] == ["registry · things"] and registry_op["operationId"] == "registry_list_things"
    ref = mentoring_op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/MentoringThing"
    schemas = merged["components"]["schemas"]
    assert (
        schemas["Thing"]["title"] == "A"
        and schemas["MentoringThing"]["title"] == "B"
        and "MentoringSame" not in schemas
    )
    assert (
        merged["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"]
        == "/auth/token"
    )
    assert "genting" in merged["info"]["description"]


async def test_openapi_and_docs_are_served(gateway: httpx.AsyncClient, fake_upstream: FakeUpstream) -> None:
    async def documents(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/openapi.json":
            return httpx.Response(200, json=service_document(request.url.host + str(request.url.port)))
        return httpx.Response(404)

    fake_upstream.handler = documents
    document = (await gateway.get("/openapi.json")).json()
    assert {"/registry/v1/things", "/dashat/v1/things", "/auth/token", "/auth/users"} <= set(document["paths"])
    assert "/registry/healthz" not in document["paths"]
    docs = await gateway.get("/docs")
    assert docs.status_code == 200 and "/openapi.json" in docs.text and "oauth2-redirect" in docs.text
