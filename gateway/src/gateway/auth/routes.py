"""`POST /auth/token` (OAuth 2.0 form), `POST /auth/revoke` (sign-out) and `GET /auth/me`."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response

from gateway.auth import service
from gateway.auth.errors import OAuthError, invalid_client
from gateway.auth.schemas import Me, OAuthProblem, TokenResponse
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import InvalidInput, problem_responses
from kkb_shared.plain_text import control_character

router = APIRouter(prefix="/auth", tags=["auth"])

GRANT_TYPES = ("password", "client_credentials", "refresh_token")
GRANT_TYPE_DESCRIPTION = "`password`, `client_credentials` or `refresh_token`; any other is `unsupported_grant_type`"
MAX_FIELD_LENGTH = 4096
FormField = Annotated[str | None, Form(description=f"At most {MAX_FIELD_LENGTH} characters")]


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise invalid_client() from exc
    return client_id, secret


@router.post(
    "/token",
    response_model=TokenResponse,
    responses={
        400: {"model": OAuthProblem, "description": "The request is malformed or the grant is refused (RFC 6749 §5.2)"},
        401: {"model": OAuthProblem, "description": "Client authentication failed (`invalid_client`)"},
        **problem_responses(429, 503),
    },
)
async def token(
    request: Request,
    session: SessionDep,
    grant_type: Annotated[
        str | None,
        Form(description="`password`, `client_credentials` or `refresh_token`; any other is `unsupported_grant_type`"),
    ] = None,
    username: FormField = None,
    password: FormField = None,
    client_id: FormField = None,
    client_secret: FormField = None,
    refresh_token: FormField = None,
    scope: FormField = None,
) -> JSONResponse:
    """OAuth 2.0 token endpoint (RFC 6749): password, client_credentials (secret in the form or HTTP Basic)
    and refresh_token grants. Refresh tokens rotate on every use. Failed attempts are throttled per caller
    address, per user at an address and per user (429 with Retry-After). Every refused request answers with
    RFC 6749's `error` (`invalid_request`, `invalid_client`, `invalid_grant`, `unsupported_grant_type`)."""
    fields = {
        "grant_type": grant_type,
        "username": username,
        "password": password,
        "client_id": client_id,
        "client_secret": client_secret,
        "refresh_token": refresh_token,
        "scope": scope,
    }
    for name, value in fields.items():
        if value is not None and len(value) > MAX_FIELD_LENGTH:
            raise OAuthError("invalid_request", f"{name} is longer than {MAX_FIELD_LENGTH} characters")
    if not grant_type:
        raise OAuthError("invalid_request", "grant_type is required")
    if grant_type not in GRANT_TYPES:
        raise OAuthError("unsupported_grant_type", f"grant_type must be one of {', '.join(GRANT_TYPES)}")
    settings, keys = request.app.state.settings, request.app.state.signing_keys
    address = request.client.host if request.client else "unknown"
    if grant_type == "password":
        if not username or not password:
            raise OAuthError("invalid_request", "username and password are required")
        answer = await service.password_grant(
            session=session, settings=settings, keys=keys, username=username, password=password, address=address
        )
    elif grant_type == "client_credentials":
        basic = _basic_credentials(request)
        if basic:
            client_id, client_secret = basic
        if not client_id or not client_secret:
            raise invalid_client()
        answer = await service.client_credentials_grant(
            session=session,
            settings=settings,
            keys=keys,
            client_id=client_id,
            client_secret=client_secret,
            address=address,
        )
    else:
        if not refresh_token:
            raise OAuthError("invalid_request", "refresh_token is required")
        answer = await service.refresh_grant(
            session=session, settings=settings, keys=keys, refresh_token=refresh_token, address=address
        )
    return JSONResponse(
        answer.model_dump(exclude_none=True), headers={"Cache-Control": "no-store", "Pragma": "no-cache"}
    )


@router.post(
    "/revoke",
    response_class=Response,
    responses={
        200: {"description": "Revoked, or not a refresh token this gateway holds (RFC 7009 §2.2)", "content": None},
        **problem_responses(422, 503),
    },
)
async def revoke(
    session: SessionDep,
    token: Annotated[str, Form(description="The refresh token", min_length=1, max_length=MAX_FIELD_LENGTH)],
    token_type_hint: Annotated[
        str | None,
        Form(description="`refresh_token` (RFC 7009); other hints are ignored", max_length=MAX_FIELD_LENGTH),
    ] = None,
) -> Response:
    """Token revocation (RFC 7009), for signing out: the refresh token and every rotation of it (the whole
    sign-in) are revoked, so it can no longer be exchanged. Access tokens it gave out stay valid until they
    expire (minutes). A token the gateway does not hold also answers 200, so the answer tells nothing about
    which tokens exist."""
    for name, value in {"token": token, "token_type_hint": token_type_hint}.items():
        if value is not None and (why := control_character(value)):
            raise InvalidInput(name, why)
    await service.revoke_refresh_token(session=session, refresh_token=token)
    return Response(status_code=200, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@router.get("/me", response_model=Me, responses=problem_responses(401))
async def me(principal: PrincipalDep) -> Me:
    """Who the bearer of this token is."""
    return Me(
        subject=principal.subject,
        role=principal.role,
        region=principal.region,
        scopes=sorted(principal.scopes),
        ota_id=principal.attribute("ota_id"),
        kitchen_id=principal.attribute("kitchen_id"),
    )
