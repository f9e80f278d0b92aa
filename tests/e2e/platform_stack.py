"""The whole platform as real processes for end-to-end and contract tests: the gateway and the four services
as uvicorn processes on free loopback ports, each on its own database from its own migrations, the demo
accounts loaded (the services' own machine clients among them), wired together as `make run` wires them."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import platform_processes as processes

from dashat.cli import ALEMBIC_INI as DASHAT_ALEMBIC
from gateway.cli import ALEMBIC_INI as GATEWAY_ALEMBIC
from gateway.demo import load_demo_users
from genting.cli import ALEMBIC_INI as GENTING_ALEMBIC
from kkb_shared.migrations import upgrade
from kkb_shared.testing.plugin import TEST_POOL_SIZE, run_async
from mentoring.cli import ALEMBIC_INI as MENTORING_ALEMBIC
from registry.cli import ALEMBIC_INI as REGISTRY_ALEMBIC

SERVICES = ("registry", "mentoring", "genting", "dashat")
ALEMBIC = {
    "gateway": GATEWAY_ALEMBIC,
    "registry": REGISTRY_ALEMBIC,
    "mentoring": MENTORING_ALEMBIC,
    "genting": GENTING_ALEMBIC,
    "dashat": DASHAT_ALEMBIC,
}


@dataclass
class Stack:
    urls: dict[str, str]
    env: dict[str, str]
    running: dict[str, subprocess.Popen[bytes]]
    databases: dict[str, str]
    password: str  # every demo account's

    def bearer(self, username: str) -> dict[str, str]:
        """The Authorization header of a demo user logged in at the gateway."""
        answer = httpx.post(
            f"{self.urls['gateway']}/auth/token",
            data={"grant_type": "password", "username": username, "password": self.password},
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def start(self, name: str) -> None:
        self.running[name] = processes.start(name, self.env, quiet=True)
        processes.wait_healthy(f"{self.urls[name]}/healthz", self.running[name])

    def stop(self, name: str) -> None:
        processes.stop(self.running.pop(name))


@contextmanager
def platform(
    database_factory: Callable[[str], str],
    prefix: str,
    password: str,
    files: Path,
    extra_env: dict[str, str],
    *,
    web: bool = False,
) -> Iterator[Stack]:
    """Start every program (databases named `{prefix}_{program}`; the signing key and uploads in `files`), and
    the web console behind the gateway with `web`; stop every one on the way out."""
    databases = {name: database_factory(f"{prefix}_{name}") for name in ALEMBIC}
    for name, url in databases.items():
        upgrade(ALEMBIC[name], url)
    previous = os.environ.get("KKB_DEMO_PASSWORD")
    os.environ["KKB_DEMO_PASSWORD"] = password
    try:
        run_async(load_demo_users(databases["gateway"]))
    finally:
        if previous is None:
            del os.environ["KKB_DEMO_PASSWORD"]
        else:
            os.environ["KKB_DEMO_PASSWORD"] = previous
    ports = {name: processes.free_port() for name in (*ALEMBIC, "web")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = {
        **os.environ,
        "KKB_GATEWAY_SIGNING_KEY_FILE": str(files / "signing-key.pem"),
        "KKB_REGISTRY_IMPORT_DIR": str(files / "imports"),  # uploads stay in the test's own directory
    }
    for name in ALEMBIC:
        prefix_ = f"KKB_{name.upper()}_"
        env |= {
            f"{prefix_}PORT": str(ports[name]),
            f"{prefix_}DATABASE_URL": databases[name],
            f"{prefix_}LOG_LEVEL": "WARNING",
            # PostgreSQL's connections are shared by the whole run (`kkb_shared.testing.plugin.TEST_POOL_SIZE`).
            f"{prefix_}DATABASE_POOL_SIZE": str(TEST_POOL_SIZE),
        }
    for name in SERVICES:
        prefix_ = f"KKB_{name.upper()}_"
        env |= {
            f"KKB_GATEWAY_{name.upper()}_URL": urls[name],
            f"{prefix_}JWKS_URL": f"{urls['gateway']}/.well-known/jwks.json",
            f"{prefix_}TOKEN_URL": f"{urls['gateway']}/auth/token",
            f"{prefix_}CLIENT_SECRET": password,
            f"{prefix_}REGISTRY_URL": urls["registry"],
        }
    env |= {
        "KKB_GENTING_MENTORING_URL": urls["mentoring"],
        "KKB_GENTING_DASHAT_URL": urls["dashat"],
        "KKB_DASHAT_GENTING_URL": urls["genting"],
        "KKB_DASHAT_MENTORING_URL": urls["mentoring"],
    }
    env |= {  # the console, as `make run` wires it
        "KKB_WEB_PORT": str(ports["web"]),
        "KKB_WEB_GATEWAY_URL": urls["gateway"],
        "KKB_WEB_JWKS_URL": f"{urls['gateway']}/.well-known/jwks.json",
        "KKB_WEB_LOG_LEVEL": "WARNING",
        "KKB_GATEWAY_WEB_URL": urls["web"],
    }
    if web:  # the console names the browser in X-Forwarded-For; only then does the gateway trust loopback's
        env["KKB_GATEWAY_TRUSTED_PROXIES"] = '["127.0.0.1"]'
    env |= extra_env
    running = Stack(urls, env, {}, databases, password)
    try:
        for name in ("gateway", *SERVICES, *(["web"] if web else [])):
            running.start(name)
        yield running
    finally:
        for name in list(running.running):
            running.stop(name)


def load_demo_data(stack: Stack) -> None:
    """The demo data `make run` loads, by the same commands, into a running stack: the registry's families
    (assessed), then mentoring's teams and visits, GENTING's sponsor and DASHAT's kitchen, which read them."""
    for command in (
        ["registry", "demo"],
        ["registry", "reassess"],
        ["mentoring", "demo"],
        ["genting", "demo"],
        ["dashat", "demo"],
    ):
        subprocess.run(
            [str(processes.BIN / f"kkb-{command[0]}"), *command[1:]],
            env=stack.env | {"KKB_DEMO_PASSWORD": stack.password},
            check=True,
            stdout=subprocess.DEVNULL,
        )
