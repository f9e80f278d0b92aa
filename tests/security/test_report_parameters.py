"""Dates and numbers from callers never crash a route: every report and dashboard route, with any date (years
1 to 9999), any integer or number and any month in the query, answers 2xx, 4xx or 422, never 5xx. The routes
are read from the gateway's merged OpenAPI, so a new report is covered by default."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from security_helpers import Bearer

from registry_factories import DUNGUN_PERAPAKAN

REPORT_WORDS = ("report", "dashboard", "priority-children")
ANY_ID = "0192f000-0000-7000-8000-000000000001"


def _report_routes(openapi: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    routes = []
    for path, operations in openapi["paths"].items():
        get = operations.get("get")
        if get and any(word in path for word in REPORT_WORDS):
            routes.append((path, [p for p in get.get("parameters", []) if p["in"] == "query"]))
    return routes


def _value(parameter: dict[str, Any], components: dict[str, Any]) -> st.SearchStrategy[Any]:
    schema = parameter.get("schema", {})
    options = [
        components[option["$ref"].rsplit("/", 1)[1]] if "$ref" in option else option
        for option in schema.get("anyOf", [schema])
    ]
    enums = [value for option in options for value in option.get("enum", [])]
    if enums:
        return st.sampled_from(enums)
    kinds = {(option.get("type"), option.get("format")) for option in options}
    if ("string", "date") in kinds:  # years 1 to 9999 (`date` can hold no other), the far ends often
        edges = st.sampled_from([date.min, date(50, 11, 26), date(1899, 12, 31), date(3000, 1, 1), date.max])
        return st.one_of(edges, st.dates(), st.dates(max_value=date(200, 1, 1))).map(date.isoformat)
    if ("string", "date-time") in kinds:
        return st.one_of(st.datetimes(), st.datetimes(max_value=datetime(200, 1, 1))).map(
            lambda moment: moment.isoformat() + "Z"
        )
    if ("integer", None) in kinds:
        return st.one_of(st.integers(), st.integers(min_value=-(2**70), max_value=2**70))
    if ("number", None) in kinds:
        return st.floats(allow_nan=False, allow_infinity=False)
    if "month" in parameter["name"] or any("(0[1-9]" in option.get("pattern", "") for option in options):
        return st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(0, 9999), st.integers(0, 13))
    return st.nothing()


_known: dict[str, Any] = {}  # the routes and the admin's headers, fetched once for every example


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
async def test_report_routes_never_answer_5xx_to_any_date_or_number(
    gateway: httpx.AsyncClient, bearer: Bearer, data: st.DataObject
) -> None:
    if not _known:
        _known["admin"] = await bearer("admin")
        for kind in ("bkb", "bkr", "bkl", "uppka", "pik_r"):  # each kind does its own date arithmetic
            poktan = {"desa_code": DUNGUN_PERAPAKAN, "kind": kind, "name": f"Poktan {kind}"}
            made = await gateway.post("/registry/v1/poktan", json=poktan, headers=_known["admin"])
            assert made.status_code == 201, made.text
        openapi = (await gateway.get("/openapi.json")).json()
        _known["routes"] = _report_routes(openapi)
        _known["components"] = openapi["components"]["schemas"]
        assert len(_known["routes"]) >= 8, _known["routes"]
    path, parameters = data.draw(st.sampled_from(_known["routes"]))
    params: dict[str, Any] = {"region": "6101"} if any(p["name"] == "region" for p in parameters) else {}
    for parameter in parameters:
        value = _value(parameter, _known["components"])
        if not value.is_empty and (parameter.get("required") or data.draw(st.booleans())):
            params[parameter["name"]] = data.draw(value, label=parameter["name"])
    url = path.replace("{ota_id}", ANY_ID)
    answer = await gateway.get(url, params=params, headers=_known["admin"])
    assert answer.status_code < 500, (url, params, answer.status_code, answer.text[:300])
    if answer.status_code == 422:
        named = {error["field"] for error in answer.json().get("errors", [])}
        assert named & set(params), (url, params, answer.text[:300])
