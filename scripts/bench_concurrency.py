"""`make bench`: reads of one family (each writes its audit rows) through the gateway at 1, 8 and 50 connections,
on `make run`'s embedded SQLite and on PostgreSQL, measured with wrk (an established load generator in C, in a
process of its own): requests/s, p50, p99, and the count of answers that were not 2xx (which must be 0) and of
requests that got no answer within 10 s. Figures only; nothing passes or fails on timing."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx
import platform_processes as processes
from bench_results import record
from bench_stack import gateway_and_registry_env
from sqlalchemy.engine import make_url

from gateway.cli import ALEMBIC_INI as GATEWAY_ALEMBIC
from gateway.demo import load_demo_users
from kkb_shared.migrations import upgrade
from kkb_shared.testing.plugin import postgres_admin, postgres_admin_url
from registry.cli import ALEMBIC_INI as REGISTRY_ALEMBIC
from registry.demo import load_demo_data

PASSWORD = "bench-password-123"  # noqa: S105 - throwaway databases of this run
CONNECTIONS = (1, 8, 50)
# A request unanswered this long counts as no answer. wrk's own default (2 s) would count the queueing of 50
# connections on two cores (p99 about 1.5 s) as lost requests, which the server does answer.
WRK_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    not_2xx: int
    timeouts: int


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    number, unit = match.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def parse_wrk(output: str) -> WrkResult:
    def find(pattern: str, default: str = "0") -> str:
        match = re.search(pattern, output)
        return match.group(1) if match else default

    return WrkResult(
        requests_per_second=float(find(r"Requests/sec:\s+([\d.]+)")),
        p50_ms=_milliseconds(find(r"\s50%\s+([\d.]+\w+)", "0ms")),
        p99_ms=_milliseconds(find(r"\s99%\s+([\d.]+\w+)", "0ms")),
        requests=int(find(r"(\d+) requests in")),
        not_2xx=int(find(r"Non-2xx or 3xx responses: (\d+)")),
        timeouts=int(find(r"timeout (\d+)")),
    )


def wrk(url: str, headers: dict[str, str], connections: int, seconds: int) -> WrkResult:
    command = ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    command += ["--timeout", f"{WRK_TIMEOUT_SECONDS}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


@contextmanager
def databases(kind: str, folder: Path) -> Iterator[dict[str, str]]:
    """Fresh gateway and registry databases: SQLite files as `make run` keeps them, or PostgreSQL databases."""
    if kind == "sqlite":
        yield {name: f"sqlite+aiosqlite:///{folder}/{name}.db" for name in ("gateway", "registry")}
        return
    suffix = uuid.uuid4().hex[:8]
    names = {name: f"kkb_bench_concurrency_{name}_{suffix}" for name in ("gateway", "registry")}
    admin = postgres_admin_url()
    for database in names.values():
        asyncio.run(postgres_admin(f'CREATE DATABASE "{database}"'))
    try:
        yield {
            name: make_url(admin).set(database=db).render_as_string(hide_password=False) for name, db in names.items()
        }
    finally:
        for database in names.values():
            asyncio.run(postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def run(kind: str, seconds: int) -> None:
    with TemporaryDirectory() as folder, databases(kind, Path(folder)) as urls:
        upgrade(GATEWAY_ALEMBIC, urls["gateway"])
        upgrade(REGISTRY_ALEMBIC, urls["registry"])
        os.environ["KKB_DEMO_PASSWORD"] = PASSWORD
        asyncio.run(load_demo_users(urls["gateway"]))
        asyncio.run(load_demo_data(urls["registry"]))
        gateway_port, registry_port = processes.free_port(), processes.free_port()
        gateway, registry = f"http://127.0.0.1:{gateway_port}", f"http://127.0.0.1:{registry_port}"
        env = gateway_and_registry_env(urls, gateway_port, registry_port, Path(folder) / "key.pem")
        started = []
        try:
            for name, base in (("gateway", gateway), ("registry", registry)):
                started.append(processes.start(name, env, quiet=True))
                processes.wait_healthy(f"{base}/healthz", started[-1])
            form = {"grant_type": "password", "username": "operator", "password": PASSWORD}
            token = httpx.post(f"{gateway}/auth/token", data=form).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            family = httpx.get(f"{gateway}/registry/v1/families?limit=1", headers=headers).json()["items"][0]["id"]
            url = f"{gateway}/registry/v1/families/{family}"
            wrk(url, headers, 8, 2)  # warm up
            print(f"\nGET one family through the gateway (audit rows written), {kind}, wrk {seconds} s each")
            columns = ("connections", "req/s", "p50 ms", "p99 ms", "answers", "not 2xx", "no answer")
            print("  " + " ".join(f"{column:>11}" for column in columns))
            for connections in CONNECTIONS:
                result = wrk(url, headers, connections, seconds)
                cells = (
                    f"{connections}",
                    f"{result.requests_per_second:.0f}",
                    f"{result.p50_ms:.1f}",
                    f"{result.p99_ms:.1f}",
                    f"{result.requests}",
                    f"{result.not_2xx}",
                    f"{result.timeouts}",
                )
                print("  " + " ".join(f"{cell:>11}" for cell in cells))
                record(
                    f"family reads, {connections} connections via gateway ({kind})",
                    result.requests_per_second,
                    "req/s",
                    goal=f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms; 0 not 2xx ({result.not_2xx})",
                    met=result.not_2xx == 0 and result.timeouts == 0,
                )
        finally:
            for process in started:
                processes.stop(process)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=int, default=10, help="how long wrk runs at each connection count")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: `apt-get install wrk` (Debian) or see https://github.com/wg/wrk", file=sys.stderr)
        return 2
    for kind in args.databases:
        run(kind, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
