"""OAuth 2.0 token errors (RFC 6749 §5.2), answered as problem+json carrying `error` and `error_description`."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from kkb_shared.errors import PROBLEM_JSON


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def invalid_grant(description: str) -> OAuthError:
    return OAuthError("invalid_grant", description)


def invalid_client() -> OAuthError:
    return OAuthError("invalid_client", "Client authentication failed", status=401)


async def _oauth_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OAuthError)
    headers = {"Cache-Control": "no-store"}
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="token"'
    body = {
        "type": f"urn:kkb:problem:oauth-{exc.error.replace('_', '-')}",
        "title": "Token request refused",
        "status": exc.status,
        "detail": exc.description,
        "error": exc.error,
        "error_description": exc.description,
    }
    return JSONResponse(body, status_code=exc.status, headers=headers, media_type=PROBLEM_JSON)


def install_oauth_error_handler(app: FastAPI) -> None:
    app.add_exception_handler(OAuthError, _oauth_error)
