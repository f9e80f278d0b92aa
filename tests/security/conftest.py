"""The whole platform in process for the security suite: the gateway with its demo users, and the four services
(each on its own database from its own migrations) behind it. The services trust the gateway's signing key,
so a login at the gateway reaches them as it would in production; they also trust the test token factory's
key, so a test can build data with any role's token."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from security_helpers import DEMO_PASSWORD, SERVICES, ByHost, Platform, login
from starlette.types import ASGIApp, Receive, Scope, Send

from dashat.cli import ALEMBIC_INI as DASHAT_ALEMBIC
from dashat.main import create_app as create_dashat
from dashat.settings import DashatSettings
from gateway.cli import ALEMBIC_INI as GATEWAY_ALEMBIC
from gateway.demo import load_demo_users
from gateway.keys import SigningKeys
from gateway.main import create_app as create_gateway
from gateway.settings import GatewaySettings
from genting.cli import ALEMBIC_INI as GENTING_ALEMBIC
from genting.deps import Upstreams
from genting.main import create_app as create_genting
from genting.settings import GentingSettings
from kkb_shared.auth import StaticKeys, TokenVerifier
from kkb_shared.migrations import upgrade
from kkb_shared.testing.services import in_process
from kkb_shared.testing.tokens import AUDIENCE, ISSUER, StaticToken, TokenFactory
from mentoring.cli import ALEMBIC_INI as MENTORING_ALEMBIC
from mentoring.main import create_app as create_mentoring
from mentoring.settings import MentoringSettings
from registry.cli import ALEMBIC_INI as REGISTRY_ALEMBIC
from registry.main import create_app as create_registry
from registry.settings import RegistrySettings

from gateway_helpers import cheap_password_hashes


class Later:
    """An app made after the one that calls it (GENTING and DASHAT ask each other): give `Later()` to
    `in_process`, and set `app` once the called app exists."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            raise RuntimeError("the app called later has not been set")
        await self.app(scope, receive, send)


def _verifier(tokens: TokenFactory, keys: SigningKeys) -> TokenVerifier:
    jwks = {"keys": tokens.jwks["keys"] + keys.jwks()["keys"]}
    return TokenVerifier(StaticKeys(jwks), issuer=ISSUER, audience=AUDIENCE)


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    with cheap_password_hashes():
        yield


@pytest.fixture(scope="session")
async def platform(
    database_factory: Callable[[str], str], tokens: TokenFactory, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Platform]:
    signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    keys = SigningKeys(signing_key)
    verifier = _verifier(tokens, keys)
    urls = {}
    for name, ini in (
        ("gateway", GATEWAY_ALEMBIC),
        ("registry", REGISTRY_ALEMBIC),
        ("mentoring", MENTORING_ALEMBIC),
        ("genting", GENTING_ALEMBIC),
        ("dashat", DASHAT_ALEMBIC),
    ):
        urls[name] = database_factory(f"security_{name}")
        upgrade(ini, urls[name])
    service_token = StaticToken(
        tokens.token(
            "integration",
            "",
            sub="client:svc",
            scope="registry:read mentoring:read genting:read genting:write dashat:read",
        )
    )
    registry = create_registry(RegistrySettings(database_url=urls["registry"]), verifier=verifier)
    mentoring = create_mentoring(
        MentoringSettings(database_url=urls["mentoring"]),
        verifier=verifier,
        registry=in_process("registry", registry, service_token),
    )
    dashat_later = Later()
    genting = create_genting(
        GentingSettings(database_url=urls["genting"]),
        verifier=verifier,
        upstreams=Upstreams.of(
            registry=in_process("registry", registry, service_token),
            mentoring=in_process("mentoring", mentoring, service_token),
            dashat=in_process("dashat", dashat_later, service_token),
        ),
    )
    dashat = create_dashat(
        DashatSettings(database_url=urls["dashat"], outbox_enabled=False),
        verifier=verifier,
        registry=in_process("registry", registry, service_token),
        mentoring=in_process("mentoring", mentoring, service_token),
        genting=in_process("genting", genting, service_token),
    )
    dashat_later.app = dashat
    services = {"registry": registry, "mentoring": mentoring, "genting": genting, "dashat": dashat}
    settings = GatewaySettings(
        database_url=urls["gateway"],
        signing_key_file=Path(tmp_path_factory.mktemp("keys")) / "unused.pem",
        login_max_failures=3,
        max_body_bytes=64 * 1024,
        body_idle_seconds=0.5,
        openapi_cache_seconds=0,
        **{f"{name}_url": f"http://{name}" for name in SERVICES},
    )
    gateway = create_gateway(settings, signing_keys=keys, upstream_transport=ByHost(services))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KKB_DEMO_PASSWORD", DEMO_PASSWORD)
        await load_demo_users(urls["gateway"])
    yield Platform(gateway, services, signing_key, keys.kid)
    await gateway.state.upstreams.aclose()
    for app in (gateway, *services.values()):
        await app.state.database.dispose()


@pytest.fixture
async def gateway(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with platform.client() as client:
        yield client


@pytest.fixture
def bearer(gateway: httpx.AsyncClient) -> Callable[[str], object]:
    async def headers(username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {(await login(gateway, username))['access_token']}"}

    return headers
