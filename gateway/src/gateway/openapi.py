"""One OpenAPI document for integrators: the gateway's own routes and every service's, paths prefixed
with the service name, tags per service, one OAuth2 password flow against /auth/token."""

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

logger = logging.getLogger(__name__)

SECURITY_SCHEME = "OAuth2PasswordBearer"
REF_PREFIX = "#/components/schemas/"


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


def merge_documents(own: dict[str, Any], services: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """Merge service documents into the gateway's. A schema name two services define differently is
    prefixed with the service's name; identical ones are shared."""
    merged = copy.deepcopy(own)
    paths = merged.setdefault("paths", {})
    schemas = merged.setdefault("components", {}).setdefault("schemas", {})
    tags: list[dict[str, str]] = list(merged.get("tags", []))
    unavailable = []
    for service, document in services.items():
        if document is None:
            unavailable.append(service)
            continue
        renames: dict[str, str] = {}
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            if name in schemas and schemas[name] != _rewrite_refs(schema, renames):
                renames[name] = f"{service.capitalize()}{name}"
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            schemas[renames.get(name, name)] = _rewrite_refs(schema, renames)
        seen_tags = set()
        for path, operations in document.get("paths", {}).items():
            if not path.startswith("/v1/"):
                continue  # health routes are not routed through the gateway
            rewritten = _rewrite_refs(operations, renames)
            for operation in rewritten.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                operation["tags"] = [f"{service} · {tag}" for tag in operation.get("tags", ["default"])]
                seen_tags.update(operation["tags"])
                if "operationId" in operation:
                    operation["operationId"] = f"{service}_{operation['operationId']}"
            paths[f"/{service}{path}"] = rewritten
        tags.extend({"name": tag, "description": f"{service} service"} for tag in sorted(seen_tags))
    merged["tags"] = tags
    merged["components"].setdefault("securitySchemes", {})[SECURITY_SCHEME] = {
        "type": "oauth2",
        "flows": {"password": {"tokenUrl": "/auth/token", "scopes": {}}},
    }
    if unavailable:
        merged["info"]["description"] += (
            "\n\n**Not shown now** (service unreachable when this document was built): " + ", ".join(unavailable)
        )
    return merged


class MergedOpenApi:
    """Builds the merged document on demand and caches it briefly; a service that is down is left out
    (and named in the description) rather than failing the whole document."""

    def __init__(self, app: FastAPI, upstreams: Upstreams, cache_seconds: float) -> None:
        self.app = app
        self.upstreams = upstreams
        self.cache_seconds = cache_seconds
        self._document: dict[str, Any] | None = None
        self._built_at = 0.0
        self._lock = asyncio.Lock()

    async def document(self) -> dict[str, Any]:
        async with self._lock:
            if self._document is None or time.monotonic() - self._built_at > self.cache_seconds:
                self._document = await self._build()
                self._built_at = time.monotonic()
            return self._document

    async def _build(self) -> dict[str, Any]:
        own = get_openapi(
            title="Kampung KB platform API",
            version=self.app.version,
            description=(
                "Every service of the Kampung KB stunting-prevention platform behind one gateway. "
                "Sign in with **Authorize** (OAuth2 password flow against `/auth/token`)."
            ),
            routes=self.app.routes,
        )
        names = list(self.upstreams.clients)
        fetched = await asyncio.gather(*(self._fetch(name) for name in names))
        return merge_documents(own, dict(zip(names, fetched, strict=True)))

    async def _fetch(self, service: str) -> dict[str, Any] | None:
        try:
            response = await self.upstreams.clients[service].get("/openapi.json", timeout=3)
            response.raise_for_status()
            document: dict[str, Any] = response.json()
            return document
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("OpenAPI of %s unavailable: %s", service, exc)
            return None
