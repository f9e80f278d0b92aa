"""Managing users and machine clients (admin only)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gateway.accounts import passwords
from gateway.accounts.models import ApiClient, UserAccount
from gateway.accounts.repository import Clients, Users
from gateway.accounts.schemas import (
    ClientCreate,
    ClientRead,
    ClientUpdate,
    ClientWithSecret,
    UserCreate,
    UserRead,
    UserUpdate,
    check_role_region,
)
from gateway.auth import service as auth_service
from kkb_shared.auth import Role
from kkb_shared.db import utcnow
from kkb_shared.errors import Conflict, FieldError, InvalidInput
from kkb_shared.ids import new_id
from kkb_shared.pagination import ACCOUNT_NAME, Cursor, Page
from kkb_shared.versioning import check_if_match

USER_CURSOR = Cursor("gateway.users", ACCOUNT_NAME, str)
CLIENT_CURSOR = Cursor("gateway.clients", ACCOUNT_NAME, str)


def user_read(user: UserAccount) -> UserRead:
    return UserRead.model_validate(user, from_attributes=True)


def client_read(client: ApiClient) -> ClientRead:
    return ClientRead.model_validate({**client.model_dump(), "scopes": client.scopes.split()})


async def create_user(*, session: AsyncSession, data: UserCreate) -> UserRead:
    taken = await session.execute(select(col(UserAccount.id)).where(col(UserAccount.username) == data.username))
    if taken.first():
        raise Conflict("Username taken", errors=[FieldError("username", "already taken")])
    now = utcnow()
    user = UserAccount(
        id=new_id(),
        username=data.username,
        password_hash=passwords.hash_secret(data.password.get_secret_value()),
        role=data.role,
        region=data.region,
        ota_id=data.ota_id,
        kitchen_id=data.kitchen_id,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    await session.flush()
    return user_read(user)


async def list_users(*, session: AsyncSession, cursor: str | None, limit: int) -> Page[UserRead]:
    users = Users(session)
    return await users.page(users.visible(), cursor=cursor, kind=USER_CURSOR, limit=limit, item=user_read)


async def get_user(*, session: AsyncSession, user_id: str) -> UserRead:
    return user_read(await Users(session).get(user_id))


async def update_user(*, session: AsyncSession, user_id: str, data: UserUpdate, if_match: str | None) -> UserRead:
    """Change a user; a new password, a disabled account or a new role or region revokes its refresh tokens."""
    user = await Users(session).get(user_id)
    check_if_match(if_match, user.version)
    requested = data.model_dump(exclude_unset=True, exclude={"password"})
    role = Role(requested.get("role", user.role))
    try:
        check_role_region(role, requested.get("region", user.region))
    except ValueError as exc:
        raise InvalidInput("region", str(exc).removeprefix("region: ")) from exc
    revoke = data.password is not None or any(
        field in requested and requested[field] != getattr(user, field) for field in ("role", "region", "is_active")
    )
    for field, value in requested.items():
        setattr(user, field, value)
    if data.password is not None:
        user.password_hash = passwords.hash_secret(data.password.get_secret_value())
    user.updated_at = utcnow()
    if revoke:
        await auth_service.revoke_user_tokens(session=session, user_id=user.id)
    await session.flush()
    return user_read(user)


async def create_client(*, session: AsyncSession, data: ClientCreate) -> ClientWithSecret:
    taken = await session.execute(select(col(ApiClient.id)).where(col(ApiClient.client_id) == data.client_id))
    if taken.first():
        raise Conflict("client_id taken", errors=[FieldError("client_id", "already taken")])
    secret = passwords.new_client_secret()
    now = utcnow()
    client = ApiClient(
        id=new_id(),
        client_id=data.client_id,
        secret_hash=passwords.hash_secret(secret),
        role=data.role,
        region=data.region,
        scopes=" ".join(sorted(set(data.scopes))),
        created_at=now,
        updated_at=now,
    )
    session.add(client)
    await session.flush()
    return ClientWithSecret(**client_read(client).model_dump(), client_secret=secret)


async def list_clients(*, session: AsyncSession, cursor: str | None, limit: int) -> Page[ClientRead]:
    clients = Clients(session)
    return await clients.page(clients.visible(), cursor=cursor, kind=CLIENT_CURSOR, limit=limit, item=client_read)


async def update_client(
    *, session: AsyncSession, client_id: str, data: ClientUpdate, if_match: str | None
) -> ClientRead | ClientWithSecret:
    client = await Clients(session).get(client_id)
    check_if_match(if_match, client.version)
    if data.region is not None:
        client.region = data.region
    if data.scopes is not None:
        client.scopes = " ".join(sorted(set(data.scopes)))
    if data.is_active is not None:
        client.is_active = data.is_active
    secret = passwords.new_client_secret() if data.rotate_secret else None
    if secret:
        client.secret_hash = passwords.hash_secret(secret)
    client.updated_at = utcnow()
    await session.flush()
    if secret:
        return ClientWithSecret(**client_read(client).model_dump(), client_secret=secret)
    return client_read(client)
