"""Contract fuzzing with schemathesis: requests generated from the gateway's merged OpenAPI document, sent
through the gateway to the four services running as real processes, with an admin's token. For every
operation: no 5xx, every answer matches the schema documented for its status, and every error answer is
problem+json. Bounded (`EXAMPLES` per operation) so the suite stays fast; raise it locally to dig deeper."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from platform_stack import Stack, platform
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

pytestmark = pytest.mark.xdist_group("contract")
PASSWORD = "contract-password"
EXAMPLES = int(os.environ.get("KKB_CONTRACT_EXAMPLES", "8"))
PROBLEM_JSON = "application/problem+json"


@pytest.fixture(scope="module")
def stack(database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with platform(database_factory, "contract", PASSWORD, tmp_path_factory.mktemp("keys"), {}) as running:
        yield running


@pytest.fixture(scope="module")
def admin(stack: Stack) -> dict[str, str]:
    return stack.bearer("admin")


def _merged_openapi(stack: Stack) -> Any:
    """The services' operations as the gateway publishes them (the gateway's own auth routes are covered by
    its tests: fuzzing the token endpoint would only lock the demo accounts out)."""
    schema = schemathesis.openapi.from_url(f"{stack.urls['gateway']}/openapi.json")
    return schema.exclude(path_regex=r"^/(auth|\.well-known)/")


@schemathesis.check
def errors_are_problem_json(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx and 5xx answer is RFC 9457 problem+json with its status inside."""
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith(PROBLEM_JSON), f"{response.status_code} answered as {content_type!r}"
    body = response.json()
    assert body.get("status") == response.status_code and body.get("type") and body.get("title"), body
    return True


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, errors_are_problem_json]


def test_every_operation_keeps_its_contract(stack: Stack, admin: dict[str, str]) -> None:
    """Each operation gets its own Hypothesis run; the failures of all of them are reported together."""
    failures: dict[str, str] = {}
    operations = 0
    for result in _merged_openapi(stack).get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def fuzz(case: Any) -> None:
            case.call_and_validate(headers=admin, checks=CHECKS, timeout=30)

        try:
            fuzz()
        except (AssertionError, BaseExceptionGroup) as exc:  # schemathesis reports a group of failures
            failures[operation.label] = str(exc)[:1500]
    assert operations >= 90
    assert not failures, "\n\n".join(f"{label}:\n{detail}" for label, detail in sorted(failures.items()))
