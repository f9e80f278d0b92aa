"""Request body limits, on every port (the gateway's and each service's), before authentication or any other
work: 413 problem+json when a body is too large (from Content-Length up front, or while it streams), 408 when
its sender stalls (a slow-loris sender cannot hold a request open for ever). A direct caller of a service
cannot make it read more than the limit."""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kkb_shared.errors import DomainError, PayloadTooLarge, domain_error_response


class BodyTooLarge(PayloadTooLarge):
    pass


class BodyTimeout(DomainError):
    status, slug, title = 408, "request-timeout", "The request body stopped arriving"


BodyCutOff = BodyTooLarge | BodyTimeout


class BodySizeLimitMiddleware:
    """`max_bytes` for every request, except the paths in `larger` (exact path → its own limit); a body
    whose next part takes longer than `idle_seconds` to arrive ends the request with 408.

    A body cut off while the app reads it raises in the app's `receive()`; whatever the app then answers (a
    framework may call any failure to read a body a 400), the caller gets the 413 or 408, unless the app had
    already begun its answer."""

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
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is None and b"transfer-encoding" not in headers and scope.get("http_version") in ("1.0", "1.1"):
            # HTTP/1 gives a request with neither header no body at all (RFC 9112, 6.3): nothing to limit
            await self.app(scope, receive, send)
            return
        if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
            await domain_error_response(BodyTooLarge(f"The body may hold at most {max_bytes} bytes"))(
                scope, receive, send
            )
            return
        received = 0
        body_done = False
        started = False
        cut_off: BodyCutOff | None = None
        answered = False

        async def limited_receive() -> Message:
            nonlocal received, body_done, cut_off
            if body_done:  # after the body, receive() only waits for a disconnect: that may take as long as it likes
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.idle_seconds)
            except TimeoutError as exc:
                cut_off = BodyTimeout(f"No part of the body arrived for {self.idle_seconds:g} s")
                raise cut_off from exc
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    cut_off = BodyTooLarge(f"The body may hold at most {max_bytes} bytes")
                    raise cut_off
                body_done = not message.get("more_body", False)
            return message

        async def answer_cut_off() -> None:
            nonlocal answered
            if not answered and cut_off is not None:
                answered = True
                await domain_error_response(cut_off)(scope, receive, send)

        async def checked_send(message: Message) -> None:
            nonlocal started
            if cut_off is None or started:
                started = started or message["type"] == "http.response.start"
                await send(message)
            else:  # the app's own answer to a body it could not read: the caller gets the 413 or 408 instead
                await answer_cut_off()

        try:
            await self.app(scope, limited_receive, checked_send)
        except Exception:
            if cut_off is None or started:
                raise
            await answer_cut_off()
