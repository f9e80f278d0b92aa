"""Demo users and a demo machine client for `make run` (never in production)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import col

from gateway.accounts import passwords
from gateway.accounts.models import ApiClient, UserAccount
from kkb_shared.auth import Role
from kkb_shared.db import Database, utcnow
from kkb_shared.ids import new_id

DEFAULT_DEMO_PASSWORD = "kampungkb-demo"  # noqa: S105 - documented demo password, development only
SAMBAS, DUNGUN_PERAPAKAN = "6101", "6101042015"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    region: str
    about: str
    ota_id: str | None = None
    kitchen_id: str | None = None
    id: str | None = None  # fixed where another service's demo data names the user (a TPK's members)


DEMO_USERS = (
    DemoUser("admin", Role.ADMIN, "", "national administrator"),
    DemoUser("operator", Role.OPERATOR, SAMBAS, "OPD KB staff of Kabupaten Sambas"),
    DemoUser(
        "kader",
        Role.TPK,
        DUNGUN_PERAPAKAN,
        "kader KB of the TPK of Desa Dungun Perapakan",
        id="0192f000-0000-7000-8000-0000000000a1",
    ),
    DemoUser(
        "bidan",
        Role.TPK,
        DUNGUN_PERAPAKAN,
        "bidan of the TPK of Desa Dungun Perapakan",
        id="0192f000-0000-7000-8000-0000000000a2",
    ),
    DemoUser("viewer", Role.VIEWER, SAMBAS, "analyst of Kabupaten Sambas (no personal data)"),
    DemoUser("ota", Role.OTA, SAMBAS, "a GENTING sponsor", ota_id="0192f000-0000-7000-8000-000000000001"),
    DemoUser(
        "dapur",
        Role.DASHAT,
        DUNGUN_PERAPAKAN,
        "DASHAT kitchen manager",
        kitchen_id="0192f000-0000-7000-8000-000000000002",
    ),
)
DEMO_CLIENT_ID = "provinsi-kalbar"
DEMO_CLIENT_SCOPES = "registry:read registry:write mentoring:read mentoring:write genting:read genting:write"


@dataclass(frozen=True)
class DemoClient:
    client_id: str
    region: str
    scopes: str


DEMO_CLIENTS = (
    DemoClient(DEMO_CLIENT_ID, "61", DEMO_CLIENT_SCOPES),
    # The mentoring service's own account: it reads registry members to check assignments.
    DemoClient("svc-mentoring", "", "registry:read"),
    # The genting service's: registry members and families, the mentoring service's priority children, the
    # DASHAT food list that nutrition aid packages are named from.
    DemoClient("svc-genting", "", "registry:read mentoring:read dashat:read"),
    # The dashat service's: registry members (distribution recipients), GENTING aid (its outbox books costs).
    DemoClient("svc-dashat", "", "registry:read mentoring:read genting:read genting:write"),
)


def demo_password() -> str:
    return os.environ.get("KKB_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)


async def load_demo_users(database_url: str) -> str:
    """Create the demo users and clients if they are missing; existing ones are left as they are."""
    database = Database(database_url)
    password_hash = passwords.hash_secret(demo_password())
    created = []
    try:
        async with database.sessionmaker() as session:
            existing = set((await session.execute(select(col(UserAccount.username)))).scalars())
            now = utcnow()
            for user in DEMO_USERS:
                if user.username in existing:
                    continue
                session.add(
                    UserAccount(
                        id=user.id or new_id(),
                        username=user.username,
                        password_hash=password_hash,
                        role=user.role,
                        region=user.region,
                        ota_id=user.ota_id,
                        kitchen_id=user.kitchen_id,
                        created_at=now,
                        updated_at=now,
                    )
                )
                created.append(user.username)
            clients = set((await session.execute(select(col(ApiClient.client_id)))).scalars())
            for demo_client in DEMO_CLIENTS:
                if demo_client.client_id in clients:
                    continue
                session.add(
                    ApiClient(
                        id=new_id(),
                        client_id=demo_client.client_id,
                        secret_hash=password_hash,
                        role=Role.INTEGRATION,
                        region=demo_client.region,
                        scopes=demo_client.scopes,
                        created_at=now,
                        updated_at=now,
                    )
                )
                created.append(f"client {demo_client.client_id}")
            await session.commit()
    finally:
        await database.dispose()
    return f"demo accounts created: {', '.join(created) or 'none (already there)'}"
