"""`make bench`: latency of the registry straight and through the gateway, side by side on PostgreSQL.

Starts the gateway and the registry as real processes on fresh PostgreSQL databases with the demo data,
then for GET of one family and GET of a list page (50 families) sends the same request alternately
straight to the registry and through the gateway, and prints p50 and p99 of each and their ratio.
Goal: the gateway adds less than 1 ms at p50. Figures only; nothing here passes or fails on timing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx
from sqlalchemy.engine import make_url

from gateway.cli import ALEMBIC_INI as GATEWAY_ALEMBIC
from gateway.demo import load_demo_users
from kkb_shared import processes
from kkb_shared.migrations import upgrade
from kkb_shared.testing.plugin import postgres_admin, postgres_admin_url
from registry.cli import ALEMBIC_INI as REGISTRY_ALEMBIC
from registry.demo import load_demo_data

ADMIN_URL = postgres_admin_url()
# The load generator gets its own core, so it does not take CPU from the servers it measures (PostgreSQL,
# a system service, is left where the operating system puts it).
CLIENT_CPUS = {0}
SERVER_CPUS = set(range(1, os.cpu_count() or 2)) or {0}
PASSWORD = "bench-password-123"  # noqa: S105 - throwaway databases of this run


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(client: httpx.Client, urls: dict[str, str], headers: dict[str, str], rounds: int) -> dict[str, list[float]]:
    """Alternate between the URLs so both see the same machine conditions; milliseconds per request."""
    samples: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(rounds):
        for name, url in urls.items():
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:200]}")
            samples[name].append(elapsed)
    return samples


def report(title: str, samples: dict[str, list[float]]) -> None:
    direct, gateway = samples["direct"], samples["gateway"]
    p50_d, p50_g = statistics.median(direct), statistics.median(gateway)
    p99_d, p99_g = percentile(direct, 0.99), percentile(gateway, 0.99)
    print(f"\n{title} ({len(direct)} requests each)")
    print(f"  {'':<16}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"  {'registry direct':<16}{p50_d:>10.2f}{p99_d:>10.2f}")
    print(f"  {'via gateway':<16}{p50_g:>10.2f}{p99_g:>10.2f}")
    print(f"  ratio gateway/direct: p50 {p50_g / p50_d:.2f}x, p99 {p99_g / p99_d:.2f}x")
    verdict = "met" if p50_g - p50_d < 1.0 else "NOT met"
    print(f"  gateway adds {p50_g - p50_d:.2f} ms at p50 (goal < 1 ms: {verdict})")


def run(rounds: int, warmup: int, pin: bool) -> None:
    suffix = uuid.uuid4().hex[:8]
    names = {"gateway": f"kkb_bench_gateway_{suffix}", "registry": f"kkb_bench_registry_{suffix}"}
    urls = {
        name: make_url(ADMIN_URL).set(database=db).render_as_string(hide_password=False) for name, db in names.items()
    }
    for database in names.values():
        asyncio.run(postgres_admin(f'CREATE DATABASE "{database}"'))
    started: list[subprocess.Popen[bytes]] = []
    try:
        upgrade(GATEWAY_ALEMBIC, urls["gateway"])
        upgrade(REGISTRY_ALEMBIC, urls["registry"])
        os.environ["KKB_DEMO_PASSWORD"] = PASSWORD
        asyncio.run(load_demo_users(urls["gateway"]))
        print(asyncio.run(load_demo_data(urls["registry"])))
        gateway_port, registry_port = processes.free_port(), processes.free_port()
        gateway, registry = f"http://127.0.0.1:{gateway_port}", f"http://127.0.0.1:{registry_port}"
        with TemporaryDirectory() as keys:
            env = {
                **os.environ,
                "KKB_GATEWAY_PORT": str(gateway_port),
                "KKB_GATEWAY_DATABASE_URL": urls["gateway"],
                "KKB_GATEWAY_SIGNING_KEY_FILE": str(Path(keys) / "key.pem"),
                "KKB_GATEWAY_REGISTRY_URL": registry,
                "KKB_GATEWAY_LOG_LEVEL": "WARNING",
                "KKB_REGISTRY_PORT": str(registry_port),
                "KKB_REGISTRY_DATABASE_URL": urls["registry"],
                "KKB_REGISTRY_JWKS_URL": f"{gateway}/.well-known/jwks.json",
                "KKB_REGISTRY_LOG_LEVEL": "WARNING",
            }
            for name, base in (("gateway", gateway), ("registry", registry)):
                process = processes.start(name, env, quiet=True)
                started.append(process)
                processes.wait_healthy(f"{base}/healthz", process)
                if pin:
                    os.sched_setaffinity(process.pid, SERVER_CPUS)
            if pin:
                os.sched_setaffinity(0, CLIENT_CPUS)
            with httpx.Client(timeout=10) as client:
                token = client.post(
                    f"{gateway}/auth/token",
                    data={"grant_type": "password", "username": "operator", "password": PASSWORD},
                ).json()["access_token"]
                headers = {"Authorization": f"Bearer {token}"}
                family = client.get(f"{registry}/v1/families?limit=1", headers=headers).json()["items"][0]["id"]
                one = {
                    "direct": f"{registry}/v1/families/{family}",
                    "gateway": f"{gateway}/registry/v1/families/{family}",
                }
                page = {
                    "direct": f"{registry}/v1/families?limit=50",
                    "gateway": f"{gateway}/registry/v1/families?limit=50",
                }
                measure(client, one, headers, warmup)
                measure(client, page, headers, warmup)
                where = f"client on CPU {sorted(CLIENT_CPUS)}, servers on {sorted(SERVER_CPUS)}" if pin else "unpinned"
                print(
                    f"\nPostgreSQL, one process each, sequential keep-alive requests, {os.cpu_count()} cores, {where}"
                )
                report("GET /v1/families/{id}", measure(client, one, headers, rounds))
                report("GET /v1/families?limit=50", measure(client, page, headers, rounds))
    finally:
        for process in started:
            processes.stop(process)
        for database in names.values():
            asyncio.run(postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=1000, help="requests per scenario and path")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument(
        "--no-pin", action="store_true", help="do not keep the load generator on its own core (it is by default)"
    )
    args = parser.parse_args()
    run(args.rounds, args.warmup, pin=not args.no_pin and (os.cpu_count() or 1) >= 2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
