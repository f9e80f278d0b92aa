"""One OpenAPI document for integrators: the gateway's own routes and every service's, paths prefixed
with the service name, tags per service, one OAuth2 scheme (password and client-credentials flows against
/auth/token) with the scopes each operation needs."""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from gateway.proxy import Upstreams
from kkb_shared.openapi import finish_document, statuses_of

logger = logging.getLogger(__name__)

SECURITY_SCHEME = "OAuth2"
# A service builds its document at its first request for it: a second or more on a small machine under load.
FETCH_SECONDS = 10.0
REF_PREFIX = "#/components/schemas/"
# Schemas every program takes from the shared package: one definition for all (a client parses every error
# as the same Problem type). Any other schema is the service's own and is named after it.
SHARED_SCHEMAS = frozenset({"Problem", "FieldErrorModel"})
SCOPE_DESCRIPTIONS = {
    "read": "Read the {service} service's records and reports",
    "write": "Create and change the {service} service's records",
}


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            key: (
                REF_PREFIX + renames.get(value.removeprefix(REF_PREFIX), value.removeprefix(REF_PREFIX))
                if key == "$ref" and isinstance(value, str) and value.startswith(REF_PREFIX)
                else _rewrite_refs(value, renames)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item, renames) for item in node]
    return node


def proxied_statuses(method: str, operation: dict[str, Any]) -> set[int]:
    """What a relayed operation can answer: the service's own statuses, the gateway's when the service is
    down (503), too slow (504) or garbled (502), and 400 for a body sent with a method that takes none."""
    statuses = statuses_of(method, operation) | {502, 504}
    if method in {"get", "head"}:
        statuses.add(400)
    return statuses


def _with_scheme(requirements: list[dict[str, list[str]]], scopes: set[str]) -> list[dict[str, list[str]]]:
    """Security requirements naming the platform's one OAuth2 scheme (whatever the service called its own)."""
    named = []
    for requirement in requirements:
        needed = sorted({scope for scopes_ in requirement.values() for scope in scopes_})
        scopes.update(needed)
        named.append({SECURITY_SCHEME: needed})
    return named


def merge_documents(own: dict[str, Any], services: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """Merge service documents into the gateway's: paths under `/{service}`, tags and operation ids prefixed
    with the service, and every schema but the shared ones named (and titled) after its service, so no two
    services' schemas can meet under one name."""
    merged = copy.deepcopy(own)
    paths = merged.setdefault("paths", {})
    schemas = merged.setdefault("components", {}).setdefault("schemas", {})
    tags: list[dict[str, str]] = list(merged.get("tags", []))
    scopes: set[str] = set()
    for operations in paths.values():
        for operation in operations.values():
            if isinstance(operation, dict) and "security" in operation:
                operation["security"] = _with_scheme(operation["security"], scopes)
    unavailable = []
    for service, document in services.items():
        if document is None:
            unavailable.append(service)
            continue
        own_schemas = document.get("components", {}).get("schemas", {})
        renames = {
            name: name
            if name in SHARED_SCHEMAS and schemas.get(name, {**schema, "title": name}) == {**schema, "title": name}
            else f"{service.capitalize()}{name.replace('_', '')}"
            for name, schema in own_schemas.items()
        }
        for name, schema in own_schemas.items():
            schemas[renames[name]] = {**_rewrite_refs(schema, renames), "title": renames[name]}
        seen_tags = set()
        for path, operations in document.get("paths", {}).items():
            if not path.startswith("/v1/"):
                continue  # health routes are not routed through the gateway
            rewritten = _rewrite_refs(operations, renames)
            for method, operation in rewritten.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                operation["tags"] = [f"{service} · {tag}" for tag in operation.get("tags", ["default"])]
                seen_tags.update(operation["tags"])
                if "operationId" in operation:
                    operation["operationId"] = f"{service}_{operation['operationId']}"
                if "security" in operation:
                    operation["security"] = _with_scheme(operation["security"], scopes)
                for status in proxied_statuses(method, operation):
                    operation["responses"].setdefault(str(status), {})
            paths[f"/{service}{path}"] = rewritten
        tags.extend({"name": tag, "description": f"{service} service"} for tag in sorted(seen_tags))
    merged["tags"] = tags
    merged["components"]["securitySchemes"] = {SECURITY_SCHEME: _oauth2_scheme(scopes)}
    if unavailable:
        merged["info"]["description"] += (
            "\n\n**Not shown now** (service unreachable when this document was built): " + ", ".join(unavailable)
        )
    return finish_document(merged, lambda method, operation: set())


def _oauth2_scheme(scopes: set[str]) -> dict[str, Any]:
    described = {}
    for scope in sorted(scopes):
        service, _, access = scope.partition(":")
        described[scope] = SCOPE_DESCRIPTIONS.get(access, scope).format(service=service)
    return {
        "type": "oauth2",
        "description": (
            "Users sign in with the password flow; provincial systems and other machine clients with client "
            "credentials. A client's token carries the scopes it was granted, and each operation names the scope "
            "it needs; a user's role decides what a user may do."
        ),
        "flows": {
            "password": {"tokenUrl": "/auth/token", "refreshUrl": "/auth/token", "scopes": described},
            "clientCredentials": {"tokenUrl": "/auth/token", "refreshUrl": "/auth/token", "scopes": described},
        },
    }


class MergedOpenApi:
    """Builds the merged document on demand and caches it briefly; a service that is down or slow is left out
    (and named in the description) rather than failing the whole document, and such a document is not cached:
    the next request asks that service again. Requests that waited while a document was built share it, complete
    or not, so that a service that hangs costs them one wait, not one each."""

    def __init__(self, app: FastAPI, upstreams: Upstreams, cache_seconds: float) -> None:
        self.app = app
        self.upstreams = upstreams
        self.cache_seconds = cache_seconds
        self._document: dict[str, Any] | None = None
        self._built_at = 0.0
        self._complete = False
        self._lock = asyncio.Lock()

    async def document(self) -> dict[str, Any]:
        asked = time.monotonic()
        async with self._lock:
            if self._document is None or not self._reusable(asked):
                self._document, self._complete = await self._build()
                self._built_at = time.monotonic()
            return self._document

    def _reusable(self, asked: float) -> bool:
        """The last document answers a request that waited for its building, or, when complete, any request
        within `cache_seconds`."""
        if self._built_at >= asked:
            return True
        return self._complete and time.monotonic() - self._built_at <= self.cache_seconds

    async def _build(self) -> tuple[dict[str, Any], bool]:
        """The merged document, and whether every service's part is in it."""
        own = get_openapi(
            title="Kampung KB platform API",
            version=self.app.version,
            description=(
                "Every service of the Kampung KB stunting-prevention platform behind one gateway. "
                "Sign in with **Authorize**: a user with the password flow, a machine client with client "
                "credentials, both against `/auth/token`. The contract every operation follows (addresses, errors, "
                "pagination, idempotency, change feeds) is in the repository's `docs/api.md`."
            ),
            routes=self.app.routes,
        )
        finish_document(own)
        names = list(self.upstreams.clients)
        fetched = await asyncio.gather(*(self._fetch(name) for name in names))
        merged = merge_documents(own, dict(zip(names, fetched, strict=True)))
        return merged, all(document is not None for document in fetched)

    async def _fetch(self, service: str) -> dict[str, Any] | None:
        try:
            response = await self.upstreams.clients[service].get("/openapi.json", timeout=FETCH_SECONDS)
            response.raise_for_status()
            document: dict[str, Any] = response.json()
            return document
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("OpenAPI of %s unavailable: %s", service, exc)
            return None
