"""`make bench`: latency of the registry straight and through the gateway, side by side on PostgreSQL.

Starts the gateway and the registry as real processes on fresh PostgreSQL databases with the demo data,
then for GET of one family and GET of a list page (50 families) sends the same request alternately
straight to the registry, through the gateway and through a bare relay (`bench_relay.py`: the gateway's
stack with none of its work, the floor of any relay on this machine), and prints p50 and p99 of each and
their ratio. Goal: the gateway adds less than 1 ms at p50. Then a read-mostly mix (nine reads to one write) from 50
concurrent clients through the gateway: requests/s, p50 and p99. Figures only; nothing passes or fails on timing.
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
    direct, gateway, relay = samples["direct"], samples["gateway"], samples["relay"]
    p50_d, p50_g, p50_r = statistics.median(direct), statistics.median(gateway), statistics.median(relay)
    p99_d, p99_g = percentile(direct, 0.99), percentile(gateway, 0.99)
    print(f"\n{title} ({len(direct)} requests each)")
    print(f"  {'':<16}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"  {'registry direct':<16}{p50_d:>10.2f}{p99_d:>10.2f}")
    print(f"  {'via gateway':<16}{p50_g:>10.2f}{p99_g:>10.2f}")
    print(f"  {'via bare relay':<16}{p50_r:>10.2f}{percentile(relay, 0.99):>10.2f}")
    print(f"  ratio gateway/direct: p50 {p50_g / p50_d:.2f}x, p99 {p99_g / p99_d:.2f}x")
    verdict = "met" if p50_g - p50_d < 1.0 else "NOT met"
    print(f"  gateway adds {p50_g - p50_d:.2f} ms at p50 (goal < 1 ms: {verdict})")
    print(f"  a bare relay adds {p50_r - p50_d:.2f} ms (the floor here); the gateway's own: {p50_g - p50_r:.2f} ms")
    record(
        f"{title} via bare relay, p50",
        p50_r,
        "ms",
        reference="direct",
        reference_value=p50_d,
        goal=f"the floor of any relay here (adds {p50_r - p50_d:.2f})",
    )
    record(
        f"{title} via gateway, p50",
        p50_g,
        "ms",
        reference="direct",
        reference_value=p50_d,
        goal=f"adds < 1 ms (adds {p50_g - p50_d:.2f})",
        met=p50_g - p50_d < 1.0,
    )
    record(f"{title} via gateway, p99", p99_g, "ms", reference="direct", reference_value=p99_d)


async def load_mix(gateway: str, headers: dict[str, str], families: list[str], clients: int, seconds: float) -> None:
    """A read-mostly mix through the gateway from `clients` concurrent callers for `seconds`: nine reads (a
    family, a page of families, a member search, the KRS report) to one write (an update with If-Match of a
    family of the caller's own, as a cadre edits the families of her desa)."""
    family = families[0]
    reads = [
        f"/registry/v1/families/{family}",
        "/registry/v1/families?limit=50",
        "/registry/v1/members?q=siti&limit=20",
        "/registry/v1/reports/krs?region=610104&level=desa",
    ]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def caller(index: int, http: httpx.AsyncClient) -> None:
        step = index
        while time.perf_counter() < deadline:
            step += 1
            started = time.perf_counter()
            if step % 10 == 0:
                own = f"/registry/v1/families/{families[index % len(families)]}"
                current = await http.get(own, headers=headers)
                tag = {"If-Match": current.headers.get("etag", "*")}
                answer = await http.patch(own, json={"rt": f"{step % 999:03d}"}, headers=headers | tag)
            else:
                answer = await http.get(reads[step % len(reads)], headers=headers)
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

    async with httpx.AsyncClient(base_url=gateway, limits=limits, timeout=30) as http:
        began = time.perf_counter()
        await asyncio.gather(*(caller(i, http) for i in range(clients)))
        elapsed = time.perf_counter() - began
    rate = len(latencies) / elapsed
    p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
    print(f"\nRead-mostly mix through the gateway: {clients} concurrent clients for {elapsed:.0f} s")
    print(f"  {rate:,.0f} requests/s   p50 {p50:.1f} ms   p99 {p99:.1f} ms   answers {dict(sorted(statuses.items()))}")
    record(f"read-mostly mix, {clients} clients via gateway", rate, "req/s", goal=f"p50 {p50:.1f} ms, p99 {p99:.1f} ms")


def start_relay(port: int, upstream: str) -> subprocess.Popen[bytes]:
    """The bare relay (`bench_relay.py`), served the way the gateway is: uvicorn with httptools and uvloop."""
    command = [str(processes.BIN / "uvicorn"), "--app-dir", str(Path(__file__).parent), "bench_relay:app"]
    options = ["--host", "127.0.0.1", "--port", str(port), "--http", "httptools", "--loop", "uvloop"]
    env = {**os.environ, "KKB_RELAY_UPSTREAM": upstream}
    return subprocess.Popen([*command, *options, "--log-level", "warning", "--no-access-log"], env=env)


def run(rounds: int, warmup: int, pin: bool, clients: int, seconds: float) -> None:
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
            env = gateway_and_registry_env(urls, gateway_port, registry_port, Path(keys) / "key.pem")
            for name, base in (("gateway", gateway), ("registry", registry)):
                process = processes.start(name, env, quiet=True)
                started.append(process)
                processes.wait_healthy(f"{base}/healthz", process)
                if pin:
                    os.sched_setaffinity(process.pid, SERVER_CPUS)
            relay_port = processes.free_port()
            relay = f"http://127.0.0.1:{relay_port}"
            process = start_relay(relay_port, registry)
            started.append(process)
            processes.wait_healthy(f"{relay}/registry/healthz", process)
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
                    "relay": f"{relay}/registry/v1/families/{family}",
                }
                page = {
                    "direct": f"{registry}/v1/families?limit=50",
                    "gateway": f"{gateway}/registry/v1/families?limit=50",
                    "relay": f"{relay}/registry/v1/families?limit=50",
                }
                measure(client, one, headers, warmup)
                measure(client, page, headers, warmup)
                where = f"client on CPU {sorted(CLIENT_CPUS)}, servers on {sorted(SERVER_CPUS)}" if pin else "unpinned"
                print(
                    f"\nPostgreSQL, one process each, sequential keep-alive requests, {os.cpu_count()} cores, {where}"
                )
                report("GET /v1/families/{id}", measure(client, one, headers, rounds))
                report("GET /v1/families?limit=50", measure(client, page, headers, rounds))
            if pin:
                os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
            with httpx.Client(timeout=10) as client:
                listed = client.get(f"{registry}/v1/families?limit={clients}", headers=headers).json()["items"]
            asyncio.run(load_mix(gateway, headers, [f["id"] for f in listed], clients, seconds))
    finally:
        for process in started:
            processes.stop(process)
        for database in names.values():
            asyncio.run(postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=1000, help="requests per scenario and path")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--clients", type=int, default=50, help="concurrent callers of the read-mostly mix")
    parser.add_argument("--seconds", type=float, default=20, help="how long the read-mostly mix runs")
    parser.add_argument(
        "--no-pin", action="store_true", help="do not keep the load generator on its own core (it is by default)"
    )
    args = parser.parse_args()
    run(args.rounds, args.warmup, not args.no_pin and (os.cpu_count() or 1) >= 2, args.clients, args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
