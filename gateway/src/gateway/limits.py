"""Request body size limit: 413 problem+json, from Content-Length up front or while a body streams."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kkb_shared.errors import PayloadTooLarge, problem_response


class BodyTooLarge(PayloadTooLarge):
    pass


class BodySizeLimitMiddleware:
    """`max_bytes` for every request, except the paths in `larger` (exact path → its own limit)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.default_max_bytes = max_bytes
        self.larger = larger or {}

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

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise BodyTooLarge(f"The body may hold at most {max_bytes} bytes")
            return message

        await self.app(scope, limited_receive, send)
