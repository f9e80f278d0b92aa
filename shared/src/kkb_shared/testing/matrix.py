"""One authorization-matrix harness for every service: each route × each caller, on records of the caller's
region (or sponsor, or kitchen) and of another's.

A service's test names its callers and one recipe per route (how to call it, who may, what a caller elsewhere
gets), builds a world of records, and runs `Matrix.check` for every pair. `Matrix.assert_covers` fails when a
route has no recipe, so a new route is covered by default. What a caller is refused is a 403 problem; what lies
outside its scope reads as missing (404), is refused on create (403), or is left out of a list or report."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI

from kkb_shared.testing.tokens import TokenFactory

World = dict[str, Any]
Route = tuple[str, str]


@dataclass(frozen=True)
class Caller:
    role: str
    region: str = ""
    claims: Mapping[str, str] = field(default_factory=dict)
    elsewhere: bool = False  # of another region, sponsor or kitchen than the world's records
    like: str | None = None  # the caller whose permissions it has (a kader of another desa: "tpk")
    claims_from_world: Callable[[World], Mapping[str, str]] | None = None  # the world's sponsor or kitchen


@dataclass(frozen=True)
class Recipe:
    method: str
    url: str | Callable[[World], str]  # a string is formatted with the world
    allowed: Collection[str]  # callers that may call it; the others get a 403 problem
    success: int = 200
    body: Callable[[World], Any] | None = None
    files: Callable[[World], Any] | None = None
    elsewhere: int | None = 404  # a caller elsewhere gets this; None: an answer that leaves the world out
    expected_for: Mapping[str, int] = field(default_factory=dict)  # callers with an answer of their own
    if_match: bool = False
    shown: Callable[[World], Iterable[str]] | None = None  # what the answer shows of the world (default: the matrix's)

    def expected(self, name: str, caller: Caller, *, elsewhere: bool) -> int:
        if name not in self.allowed and (caller.like is None or caller.like not in self.allowed):
            return 403
        if name in self.expected_for:
            return self.expected_for[name]
        if elsewhere and self.elsewhere is not None:
            return self.elsewhere
        return self.success


@dataclass(frozen=True)
class Matrix:
    callers: Mapping[str, Caller]
    recipes: Mapping[Route, Recipe]
    shown: Callable[[World], Iterable[str]]  # ids of the world that lists and reports show to callers inside
    prefix: str = "/v1/"

    def assert_covers(self, app: FastAPI) -> None:
        routes = {
            (method.upper(), path)
            for path, operations in app.openapi()["paths"].items()
            if path.startswith(self.prefix)
            for method in operations
        }
        assert set(self.recipes) == routes, {
            "without a recipe": sorted(routes - set(self.recipes)),
            "recipe of no route": sorted(set(self.recipes) - routes),
        }

    async def check(
        self,
        client: httpx.AsyncClient,
        tokens: TokenFactory,
        route: Route,
        name: str,
        world: World,
        *,
        elsewhere: bool | None = None,
    ) -> httpx.Response:
        """Call `route` as caller `name` on `world` and check the answer; `elsewhere` says whether the world lies
        outside the caller's scope when the test moves the world rather than the caller."""
        recipe, caller = self.recipes[route], self.callers[name]
        outside = caller.elsewhere if elsewhere is None else elsewhere
        claims = dict(caller.claims) | (dict(caller.claims_from_world(world)) if caller.claims_from_world else {})
        headers = tokens.headers(caller.role, caller.region, **claims)
        if recipe.if_match:
            headers["If-Match"] = "*"
        url = recipe.url.format(**world) if isinstance(recipe.url, str) else recipe.url(world)
        response = await client.request(
            recipe.method,
            url,
            json=recipe.body(world) if recipe.body else None,
            files=recipe.files(world) if recipe.files else None,
            headers=headers,
        )
        expected = recipe.expected(name, caller, elsewhere=outside)
        assert response.status_code == expected, f"{name} {recipe.method} {url}: {response.text}"
        if expected >= 400:
            assert response.headers["content-type"] == "application/problem+json"
        elif recipe.elsewhere is None and name not in recipe.expected_for:
            shown, answer = list((recipe.shown or self.shown)(world)), _answered(response)
            if outside:
                assert not [s for s in shown if s in answer], f"{name} sees the world of another scope"
            elif recipe.shown is not None:
                assert all(s in answer for s in shown), f"{name} misses its own region's records"
        return response


def _answered(response: httpx.Response) -> str:
    """What an answer shows: a list's items (a lookup also names the ids it did not find), or the whole text."""
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        if isinstance(body, dict) and isinstance(body.get("items"), list):
            return json.dumps(body["items"])
    return response.text
