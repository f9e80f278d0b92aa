"""Request body limits: 413 problem+json when a body is too large (from Content-Length up front, or while it
streams), 408 when its sender stalls (a slow-loris sender cannot hold a request open for ever)."""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kkb_shared.errors import DomainError, PayloadTooLarge, problem_response


class BodyTooLarge(PayloadTooLarge):
    pass


class BodyTimeout(DomainError):
    status, slug, title = 408, "request-timeout", "The request body stopped arriving"


BodyCutOff = BodyTooLarge | BodyTimeout


class BodySizeLimitMiddleware:
    """`max_bytes` for every request, except the paths in `larger` (exact path → its own limit); a body
    whose next part takes longer than `idle_seconds` to arrive ends the request with 408."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, larger: dict[str, int] | None = None, idle_seconds: float = 30.0
    ) -> None:
        self.app = app
        self.default_max_bytes = max_bytes
        self.larger = larger or {}
        self.idle_seconds = idle_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.larger.get(scope["path"], self.default_max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
            response = problem_response(
                413,
                slug="payload-too-large",
                title="Request body too large",
                detail=f"The body may hold at most {max_bytes} bytes",
            )
            await response(scope, receive, send)
            return
        received = 0
        body_done = False

        async def limited_receive() -> Message:
            nonlocal received, body_done
            if body_done:  # after the body, receive() only waits for a disconnect: that may take as long as it likes
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.idle_seconds)
            except TimeoutError as exc:
                raise BodyTimeout(f"No part of the body arrived for {self.idle_seconds:g} s") from exc
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise BodyTooLarge(f"The body may hold at most {max_bytes} bytes")
                body_done = not message.get("more_body", False)
            return message

        await self.app(scope, limited_receive, send)
