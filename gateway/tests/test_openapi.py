"""One OpenAPI document for integrators: the gateway's routes and each service's, prefixed and tagged."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
from fastapi import FastAPI

from gateway.openapi import MergedOpenApi, merge_documents

from gateway_helpers import FakeUpstream

REGISTRY_PORT = 8001  # the registry's address in the default settings


def service_document(schema_title: str, entity: str = "thing") -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "svc", "version": "1"},
        "paths": {
            "/v1/things": {
                "get": {
                    "operationId": "list_things",
                    "tags": ["things"],
                    "security": [{"OAuth2PasswordBearer": [f"{schema_title}:read"]}],
                    "responses": {
                        "200": {
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChangePage"}}}
                        },
                        "404": {
                            "content": {
                                "application/problem+json": {},
                                "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}},
                            }
                        },
                    },
                }
            },
            "/healthz": {"get": {"responses": {"200": {}}}},
        },
        "components": {
            "schemas": {
                # The page is listed before what it refers to, as FastAPI lists them: the merge must still give
                # each service its own page pointing at its own entity.
                "ChangePage": {"type": "object", "properties": {"items": {"$ref": "#/components/schemas/Change"}}},
                "Change": {"title": schema_title, "type": "object", "properties": {"entity": {"enum": [entity]}}},
                "Problem": {"type": "object", "properties": {"status": {"type": "integer"}}},
            }
        },
    }


def test_merge_keeps_each_services_schemas_apart() -> None:
    own = {
        "openapi": "3.1.0",
        "info": {"title": "gw", "version": "1", "description": "d"},
        "paths": {"/auth/token": {}},
    }
    merged = merge_documents(
        own,
        {
            "registry": service_document("registry", "family"),
            "mentoring": service_document("mentoring", "visit"),
            "genting": None,
        },
    )
    assert set(merged["paths"]) == {"/auth/token", "/registry/v1/things", "/mentoring/v1/things"}
    registry_op = merged["paths"]["/registry/v1/things"]["get"]
    mentoring_op = merged["paths"]["/mentoring/v1/things"]["get"]
    assert registry_op["tags"] == ["registry · things"] and registry_op["operationId"] == "registry_list_things"
    schemas = merged["components"]["schemas"]
    for service, op, entity in (("Registry", registry_op, "family"), ("Mentoring", mentoring_op, "visit")):
        page = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert page == f"{service}ChangePage" and schemas[page]["title"] == page
        change = schemas[page]["properties"]["items"]["$ref"].rsplit("/", 1)[1]
        assert change == f"{service}Change" and schemas[change]["properties"]["entity"]["enum"] == [entity]
        # Errors: the one shared Problem, under problem+json; and the statuses the gateway itself can answer.
        assert op["responses"]["404"]["content"] == {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        }
        assert {"400", "502", "503", "504"} <= set(op["responses"])
    assert "Problem" in schemas and "RegistryProblem" not in schemas
    assert registry_op["security"] == [{"OAuth2": ["registry:read"]}]
    scheme = merged["components"]["securitySchemes"]["OAuth2"]
    assert set(scheme["flows"]) == {"password", "clientCredentials"}
    assert set(scheme["flows"]["clientCredentials"]["scopes"]) == {"registry:read", "mentoring:read"}
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
    # Every asset the page loads is served here: nothing from another host (offline networks).
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text) + re.findall(r"(?:src|href)='([^']+)'", docs.text)
    assert assets and all(asset.startswith("/docs/assets/") for asset in assets), assets
    for asset in assets:
        served = await gateway.get(asset)
        assert served.status_code == 200 and len(served.content) > 1000, asset
    assert "https://" not in docs.text


async def test_a_document_missing_a_service_is_not_kept(gateway_app: FastAPI, fake_upstream: FakeUpstream) -> None:
    """A service down (or too slow) when the document is built is left out of that answer only: the next one
    asks it again, however long complete documents are kept."""
    registry_down = True

    async def documents(request: httpx.Request) -> httpx.Response:
        if request.url.path != "/openapi.json":
            return httpx.Response(404)
        if registry_down and request.url.port == REGISTRY_PORT:
            return httpx.Response(503)
        return httpx.Response(200, json=service_document(request.url.host + str(request.url.port)))

    fake_upstream.handler = documents
    merged = MergedOpenApi(gateway_app, gateway_app.state.upstreams, cache_seconds=3600)
    fake_upstream.requests.clear()
    first, waited = await asyncio.gather(merged.document(), merged.document())
    assert "/registry/v1/things" not in first["paths"] and "/dashat/v1/things" in first["paths"]
    assert waited is first  # built once for both: the registry asked once, not once per waiting request
    assert [r.url.port for r in fake_upstream.requests].count(REGISTRY_PORT) == 1
    registry_down = False
    again = await merged.document()
    assert {"/registry/v1/things", "/dashat/v1/things"} <= set(again["paths"])
    registry_down = True
    assert await merged.document() is again  # complete: kept for its time
