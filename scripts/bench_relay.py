"""The floor under the gateway's overhead, for `scripts/bench.py`: the least a Python relay on the gateway's own
stack can do (uvicorn with httptools and uvloop, aiohttp's pool), with none of the gateway's work: no request
id, access log, metrics, CORS, body limits, path checks or header filtering beyond Authorization.

Not a product component; it exists so the benchmark can say how much of what the gateway adds is the stack and
the machine, and how much is the gateway's own code. Run by the benchmark as
`uvicorn --app-dir scripts bench_relay:app` with `KKB_RELAY_UPSTREAM` set to the service's base URL; it
answers `/{service}/...` from `{upstream}/...`."""

from __future__ import annotations

import os

import aiohttp
from starlette.types import Receive, Scope, Send

UPSTREAM = os.environ.get("KKB_RELAY_UPSTREAM", "http://127.0.0.1:8001")
DROPPED = {b"date", b"server", b"transfer-encoding", b"connection"}


class Relay:
    def __init__(self) -> None:
        self.session: aiohttp.ClientSession | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        if self.session is None:
            self.session = aiohttp.ClientSession(auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar())
        target = UPSTREAM + scope["path"][scope["path"].index("/", 1) :]
        if scope["query_string"]:
            target += "?" + scope["query_string"].decode("latin-1")
        headers = {name.decode(): value.decode() for name, value in scope["headers"] if name == b"authorization"}
        async with self.session.request(scope["method"], target, headers=headers) as answer:
            body = await answer.read()
            kept = [(name, value) for name, value in answer.raw_headers if name.lower() not in DROPPED]
            await send({"type": "http.response.start", "status": answer.status, "headers": kept})
            await send({"type": "http.response.body", "body": body})

    async def lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.session is not None:
                    await self.session.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


app = Relay()
