"""Another service as a test calls it: its app in process, asked with a service token of the test's making."""

from __future__ import annotations

import httpx
from starlette.types import ASGIApp

from kkb_shared.service_client import ServiceClient, TokenSource


def in_process(name: str, app: ASGIApp, tokens: TokenSource) -> ServiceClient:
    """A client of the service `name` whose requests go straight to `app`."""
    return ServiceClient(name, f"http://{name}", tokens, transport=httpx.ASGITransport(app=app))
