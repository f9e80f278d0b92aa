"""Token issuance: password, client_credentials and refresh_token grants; refresh-token rotation and
reuse detection; throttling of failed attempts (`gateway.auth.throttle`) that never tells whether a username
exists."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gateway.accounts import passwords
from gateway.accounts.models import ApiClient, RefreshToken, UserAccount
from gateway.auth import throttle
from gateway.auth.errors import invalid_client, invalid_grant
from gateway.auth.schemas import TokenResponse
from gateway.keys import SigningKeys
from gateway.settings import GatewaySettings
from kkb_shared.db import Session, rows_affected, utcnow
from kkb_shared.ids import new_id

BAD_LOGIN = "Invalid username or password"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def access_token(
    *, keys: SigningKeys, settings: GatewaySettings, subject: str, role: str, region: str, **extra: Any
) -> str:
    now = utcnow()
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject,
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(seconds=settings.access_token_seconds),
        "jti": uuid.uuid4().hex,
        "role": role,
        "region": region,
    }
    claims.update({k: v for k, v in extra.items() if v})
    return keys.sign(claims)


def _user_claims(user: UserAccount) -> dict[str, Any]:
    return {
        "subject": user.id,
        "role": user.role,
        "region": user.region,
        "ota_id": user.ota_id,
        "kitchen_id": user.kitchen_id,
    }


async def _issue_refresh_token(
    *, session: AsyncSession, settings: GatewaySettings, user_id: str, family_id: str | None = None
) -> str:
    token = secrets.token_urlsafe(48)
    now = utcnow()
    session.add(
        RefreshToken(
            id=new_id(),
            family_id=family_id or new_id(),
            user_id=user_id,
            token_hash=_hash_token(token),
            expires_at=now + timedelta(seconds=settings.refresh_token_seconds),
            created_at=now,
        )
    )
    return token


async def password_grant(
    *,
    session: Session,
    settings: GatewaySettings,
    keys: SigningKeys,
    username: str,
    password: str,
    address: str,
) -> TokenResponse:
    username = username.strip().lower()[:80]
    limits = throttle.counters(settings, address=address, who=f"user:{username}")
    await throttle.begin_attempt(session=session, settings=settings, limits=limits)
    user = (
        await session.execute(select(UserAccount).where(col(UserAccount.username) == username))
    ).scalar_one_or_none()
    await session.commit()  # no transaction (on SQLite, no write lock) is held while the hash is checked
    valid = await asyncio.to_thread(passwords.verify_secret, user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        await throttle.failed(session=session, limits=limits)
        raise invalid_grant(BAD_LOGIN)
    await throttle.succeeded(session=session, limits=limits)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_secret(password)
    refresh = await _issue_refresh_token(session=session, settings=settings, user_id=user.id)
    await session.commit()
    token = access_token(keys=keys, settings=settings, **_user_claims(user))
    return TokenResponse(access_token=token, expires_in=settings.access_token_seconds, refresh_token=refresh)


async def client_credentials_grant(
    *,
    session: Session,
    settings: GatewaySettings,
    keys: SigningKeys,
    client_id: str,
    client_secret: str,
    address: str,
) -> TokenResponse:
    limits = throttle.counters(settings, address=address, who=f"client:{client_id[:80]}")
    await throttle.begin_attempt(session=session, settings=settings, limits=limits)
    client = (
        await session.execute(select(ApiClient).where(col(ApiClient.client_id) == client_id))
    ).scalar_one_or_none()
    await session.commit()
    valid = await asyncio.to_thread(passwords.verify_secret, client.secret_hash if client else None, client_secret)
    if client is None or not valid or not client.is_active:
        await throttle.failed(session=session, limits=limits)
        raise invalid_client()
    await throttle.succeeded(session=session, limits=limits)
    await session.commit()
    token = access_token(
        keys=keys,
        settings=settings,
        subject=f"client:{client.client_id}",
        role=client.role,
        region=client.region,
        scope=client.scopes,
    )
    return TokenResponse(access_token=token, expires_in=settings.access_token_seconds, scope=client.scopes or None)


async def refresh_grant(
    *, session: Session, settings: GatewaySettings, keys: SigningKeys, refresh_token: str, address: str
) -> TokenResponse:
    """Rotate: the presented token is used up and a new one of the same family issued. A token presented
    again after its rotation means it leaked: the whole family is revoked. Refused tokens count against the
    caller's address."""
    limits = throttle.counters(settings, address=address, who=None)
    await throttle.begin_attempt(session=session, settings=settings, limits=limits)
    stored = (
        await session.execute(select(RefreshToken).where(col(RefreshToken.token_hash) == _hash_token(refresh_token)))
    ).scalar_one_or_none()
    if stored is None or stored.revoked_at is not None:
        await throttle.failed(session=session, limits=limits)
        raise invalid_grant("Refresh token is not valid")
    now = utcnow()
    claimed = await session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.id) == stored.id, col(RefreshToken.used_at).is_(None))
        .values(used_at=now)
    )
    if rows_affected(claimed) != 1:
        await revoke_family(session=session, family_id=stored.family_id)
        await throttle.failed(session=session, limits=limits)
        raise invalid_grant("Refresh token was already used; its sessions are revoked")
    user = await session.get(UserAccount, stored.user_id)
    if stored.expires_at <= now or user is None or not user.is_active:
        await throttle.failed(session=session, limits=limits)
        raise invalid_grant("Refresh token is not valid")
    await throttle.succeeded(session=session, limits=limits)
    refresh = await _issue_refresh_token(
        session=session, settings=settings, user_id=user.id, family_id=stored.family_id
    )
    await session.commit()
    token = access_token(keys=keys, settings=settings, **_user_claims(user))
    return TokenResponse(access_token=token, expires_in=settings.access_token_seconds, refresh_token=refresh)


async def revoke_refresh_token(*, session: Session, refresh_token: str) -> None:
    """Sign-out: revoke the sign-in this refresh token belongs to (its family); nothing for an unknown token."""
    family = (
        await session.execute(
            select(col(RefreshToken.family_id)).where(col(RefreshToken.token_hash) == _hash_token(refresh_token))
        )
    ).scalar_one_or_none()
    if family is not None:
        async with session.unit_of_work():
            await revoke_family(session=session, family_id=family)


async def revoke_family(*, session: AsyncSession, family_id: str) -> None:
    await session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


async def revoke_user_tokens(*, session: AsyncSession, user_id: str) -> None:
    """Revoke every refresh token of a user (disabled, password reset, role or region changed)."""
    await session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.user_id) == user_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
