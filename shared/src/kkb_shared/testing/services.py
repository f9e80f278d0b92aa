"""Another service as a test calls it: its app in process, asked with a service token of the test's making,
or served on a loopback port when the test needs real sockets."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn
from starlette.types import ASGIApp

from kkb_shared.service_client import ServiceClient, TokenSource


def in_process(name: str, app: ASGIApp, tokens: TokenSource) -> ServiceClient:
    """A client of the service `name` whose requests go straight to `app`."""
    return ServiceClient(name, f"http://{name}", tokens, transport=httpx.ASGITransport(app=app))


@asynccontextmanager
async def on_loopback(app: ASGIApp) -> AsyncIterator[int]:
    """Serve `app` with uvicorn on a free 127.0.0.1 port inside the running event loop, for a test that needs
    real sockets (a real HTTP client transport); gives the port, and stops the server on the way out."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
            await asyncio.sleep(0.01)
        yield int(sock.getsockname()[1])
    finally:
        server.should_exit = True
        await task
        sock.close()
