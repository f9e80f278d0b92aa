"""`make bench`: what the gateway costs, measured with wrk side by side with a direct call and with nginx.

Starts the gateway and the registry as real processes on fresh PostgreSQL databases with the demo data, and
nginx as a plain reverse proxy in front of the registry (the reference a compiled proxy sets). Then wrk, a
compiled load generator in a process of its own, sends the same request straight to the registry, through
nginx and through the gateway, in turn, for a few short runs each, at 1 and at 8 connections: p50, p99 and
requests/s of each, and the gateway's ratios to the direct call. Goal: the gateway adds at most 0.5 ms at p50
and keeps at least 0.8 of direct throughput. Then a read-mostly mix (nine reads to one write) from 50
connections through the gateway. wrk and nginx come from Debian's packages (`make bench` installs them if
missing). Figures only; nothing passes or fails on timing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import uuid
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

ADMIN_URL = postgres_admin_url()
# wrk gets a core of its own so it does not take CPU from what it measures; the servers (and PostgreSQL,
# a system service) are left where the operating system puts them.
CLIENT_CPU = 0
PASSWORD = "bench-password-123"  # noqa: S105 - throwaway databases of this run
GOAL_ADDED_MS = 0.5
GOAL_THROUGHPUT = 0.8

# wrk's report as one JSON line: latencies in microseconds, and the answers that were not 2xx/3xx.
REPORT_LUA = """
done = function(summary, latency, requests)
  io.write(string.format('{"p50": %d, "p99": %d, "requests": %d, "seconds": %f, "bad": %d, "errors": %d}\\n',
    latency:percentile(50), latency:percentile(99), summary.requests, summary.duration / 1e6,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""

# The read-mostly mix: nine reads (a family, a page of families, a member search, the KRS report) to one
# write (an update of a family's RT, as a cadre edits the families of her desa). The writes go round the
# families, so two are never in flight on one family (that would be a 412, as optimistic concurrency wants).
MIX_LUA = """
local families = {%(families)s}
local reads = {"/registry/v1/families/" .. families[1], "/registry/v1/families?limit=50",
  "/registry/v1/members?q=siti&limit=20", "/registry/v1/reports/krs?region=610104&level=desa"}
local step = 0
request = function()
  step = step + 1
  if step %% 10 == 0 then
    local headers = {["If-Match"] = "*", ["Content-Type"] = "application/json"}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    local body = string.format('{"rt": "%%03d"}', step %% 999)
    local family = families[(step / 10) %% #families + 1]
    return wrk.format("PATCH", "/registry/v1/families/" .. family, headers, body)
  end
  return wrk.format("GET", reads[step %% #reads + 1])
end
"""

NGINX_CONF = """
%(user)s
worker_processes 1;
daemon off;
master_process on;
pid %(dir)s/nginx.pid;
error_log %(dir)s/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %(dir)s/body;
  proxy_temp_path %(dir)s/proxy;
  fastcgi_temp_path %(dir)s/fastcgi;
  uwsgi_temp_path %(dir)s/uwsgi;
  scgi_temp_path %(dir)s/scgi;
  upstream registry { server 127.0.0.1:%(registry_port)d; keepalive 32; }
  server {
    listen 127.0.0.1:%(port)d;
    location /registry/ {
      proxy_pass http://registry/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
"""


@dataclass(frozen=True)
class Run:
    p50_ms: float
    p99_ms: float
    rate: float
    cpu_ms: float = 0.0  # CPU time the hop's processes spent per request (0 for the direct call)


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its children (nginx's worker), from /proc."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / TICK  # utime and stime, the 14th and 15th fields
    return own + sum(cpu_seconds(int(child)) for child in children)


def wrk(
    url: str, headers: dict[str, str], connections: int, seconds: float, script: Path, hop: int | None = None
) -> Run:
    """One wrk run on its own core; fails if any answer was not 2xx/3xx or a socket error happened. With
    `hop` (a process id), also the CPU time that process spent per request: a steadier figure than the
    latency on shared cores, and one that does not depend on where the scheduler put it."""
    cpu_before = cpu_seconds(hop) if hop else 0.0
    command = [
        "taskset",
        "-c",
        str(CLIENT_CPU),
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    if figures["bad"] or figures["errors"]:
        raise RuntimeError(f"wrk {url}: {figures['bad']} non-2xx answers and {figures['errors']} socket errors")
    cpu_ms = (cpu_seconds(hop) - cpu_before) * 1000 / figures["requests"] if hop else 0.0
    return Run(figures["p50"] / 1000, figures["p99"] / 1000, figures["requests"] / figures["seconds"], cpu_ms)


def side_by_side(
    title: str,
    urls: dict[str, str],
    hops: dict[str, int],
    headers: dict[str, str],
    connections: int,
    rounds: int,
    seconds: float,
    script: Path,
) -> None:
    """Each URL in turn, `rounds` times, so all see the same machine. The absolute figures are the median
    of each; what a hop adds (and keeps) is the median of its differences (and ratios) to the direct run of
    the same round, which the drift of a shared machine between rounds does not move."""
    runs: dict[str, list[Run]] = {name: [] for name in urls}
    for _ in range(rounds):
        for name, url in urls.items():
            runs[name].append(wrk(url, headers, connections, seconds, script, hops.get(name)))
    median = {
        name: Run(*(statistics.median(getattr(r, f) for r in done) for f in ("p50_ms", "p99_ms", "rate", "cpu_ms")))
        for name, done in runs.items()
    }
    paired = {
        name: (
            statistics.median(r.p50_ms - d.p50_ms for r, d in zip(done, runs["direct"], strict=True)),
            statistics.median(r.rate / d.rate for r, d in zip(done, runs["direct"], strict=True)),
        )
        for name, done in runs.items()
    }
    direct, nginx, gateway = median["direct"], median["nginx"], median["gateway"]
    label = f"{title}, {connections} connection{'s' if connections > 1 else ''}"
    print(f"\n{label} (wrk, {rounds} rounds of {seconds:g} s each; medians)")
    print(
        f"  {'':<16}{'p50 ms':>10}{'p99 ms':>10}{'req/s':>10}{'p50 added':>12}{'of direct req/s':>17}"
        f"{'hop CPU ms/req':>16}"
    )
    for name, run in median.items():
        added, share = paired[name]
        cpu = f"{run.cpu_ms:.2f}" if name in hops else "-"
        print(
            f"  {name:<16}{run.p50_ms:>10.2f}{run.p99_ms:>10.2f}{run.rate:>10,.0f}{added:>+12.2f}{share:>17.2f}"
            f"{cpu:>16}"
        )
    added, share = paired["gateway"]
    # One connection shows what a hop adds to a request; eight show what it takes from the cores.
    goal, met = (
        (f"adds <= {GOAL_ADDED_MS} ms at p50", added <= GOAL_ADDED_MS)
        if connections == 1
        else (f"keeps >= {GOAL_THROUGHPUT} of direct req/s", share >= GOAL_THROUGHPUT)
    )
    print(
        f"  gateway adds {added:.2f} ms at p50 and keeps {share:.2f} of direct req/s (goal: {goal}, "
        f"{'met' if met else 'NOT met'}); nginx adds {paired['nginx'][0]:.2f} ms and keeps {paired['nginx'][1]:.2f}"
    )
    record(f"{label} via nginx, p50", nginx.p50_ms, "ms", reference="direct", reference_value=direct.p50_ms)
    record(
        f"{label} via gateway, p50",
        gateway.p50_ms,
        "ms",
        reference="direct",
        reference_value=direct.p50_ms,
        goal=f"adds {added:.2f} ms" + (f" (goal <= {GOAL_ADDED_MS})" if connections == 1 else ""),
        met=added <= GOAL_ADDED_MS if connections == 1 else None,
    )
    record(f"{label} via gateway, p99", gateway.p99_ms, "ms", reference="direct", reference_value=direct.p99_ms)
    record(
        f"{label}, gateway CPU per request",
        gateway.cpu_ms,
        "ms",
        reference="Python relay",
        reference_value=median["python relay"].cpu_ms,
    )
    record(
        f"{label} via gateway, req/s",
        gateway.rate,
        "req/s",
        reference="direct",
        reference_value=direct.rate,
        goal=f"goal >= {GOAL_THROUGHPUT} of direct" if connections > 1 else "",
        met=share >= GOAL_THROUGHPUT if connections > 1 else None,
    )


def start_nginx(folder: Path, port: int, registry_port: int) -> subprocess.Popen[bytes]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    user = "user root;" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF % {"user": user, "dir": folder, "port": port, "registry_port": registry_port})
    return subprocess.Popen([nginx, "-p", str(folder), "-c", str(conf)])


def start_relay(port: int, upstream: str) -> subprocess.Popen[bytes]:
    """The bare relay (`bench_relay.py`), served the way the gateway is: uvicorn with httptools and uvloop."""
    command = [str(processes.BIN / "uvicorn"), "--app-dir", str(Path(__file__).parent), "bench_relay:app"]
    options = ["--host", "127.0.0.1", "--port", str(port), "--http", "httptools", "--loop", "uvloop"]
    env = {**os.environ, "KKB_RELAY_UPSTREAM": upstream}
    return subprocess.Popen([*command, *options, "--log-level", "warning", "--no-access-log"], env=env)


def run(rounds: int, seconds: float, clients: int, mix_seconds: float) -> None:
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is missing: apt-get install -y wrk nginx-light util-linux")
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
        gateway_port, registry_port, nginx_port = processes.free_port(), processes.free_port(), processes.free_port()
        gateway, registry = f"http://127.0.0.1:{gateway_port}", f"http://127.0.0.1:{registry_port}"
        nginx = f"http://127.0.0.1:{nginx_port}"
        with TemporaryDirectory() as temporary:
            folder = Path(temporary)
            env = gateway_and_registry_env(urls, gateway_port, registry_port, folder / "key.pem")
            for name, base in (("gateway", gateway), ("registry", registry)):
                process = processes.start(name, env, quiet=True)
                started.append(process)
                processes.wait_healthy(f"{base}/healthz", process)
            process = start_nginx(folder, nginx_port, registry_port)
            started.append(process)
            processes.wait_healthy(f"{nginx}/registry/healthz", process)
            relay_port = processes.free_port()
            relay = f"http://127.0.0.1:{relay_port}"
            process = start_relay(relay_port, registry)
            started.append(process)
            processes.wait_healthy(f"{relay}/registry/healthz", process)
            gateway_process, nginx_process = started[0], started[2]
            hops = {"nginx": nginx_process.pid, "gateway": gateway_process.pid, "python relay": process.pid}
            with httpx.Client(timeout=10) as client:
                token = client.post(
                    f"{gateway}/auth/token",
                    data={"grant_type": "password", "username": "operator", "password": PASSWORD},
                ).json()["access_token"]
                headers = {"Authorization": f"Bearer {token}"}
                listed = client.get(f"{registry}/v1/families?limit=100", headers=headers).json()["items"]
                family = listed[0]["id"]
            report = folder / "report.lua"
            report.write_text(REPORT_LUA)
            mix = folder / "mix.lua"
            mix.write_text(MIX_LUA % {"families": ", ".join(f'"{f["id"]}"' for f in listed)} + REPORT_LUA)
            # A light read (a region: no personal data, no audit row) and a family (its read writes the audit trail).
            paths = {"GET /v1/regions/6101": "/v1/regions/6101", "GET /v1/families/{id}": f"/v1/families/{family}"}
            print(f"\nPostgreSQL, one process each, {os.cpu_count()} cores, wrk on CPU {CLIENT_CPU}")
            for title, path in paths.items():
                targets = {
                    "direct": f"{registry}{path}",
                    "nginx": f"{nginx}/registry{path}",
                    "gateway": f"{gateway}/registry{path}",
                    "python relay": f"{relay}/registry{path}",
                }
                wrk(targets["gateway"], headers, 8, 2, report)  # warm-up of every process on the path
                wrk(targets["direct"], headers, 8, 1, report)
                for connections in (1, 8):
                    side_by_side(title, targets, hops, headers, connections, rounds, seconds, report)
            mixed = wrk(gateway, headers, clients, mix_seconds, mix)
            print(f"\nRead-mostly mix through the gateway: {clients} connections for {mix_seconds:g} s (wrk)")
            print(f"  {mixed.rate:,.0f} requests/s   p50 {mixed.p50_ms:.1f} ms   p99 {mixed.p99_ms:.1f} ms")
            record(
                f"read-mostly mix, {clients} connections via gateway",
                mixed.rate,
                "req/s",
                goal=f"p50 {mixed.p50_ms:.1f} ms, p99 {mixed.p99_ms:.1f} ms",
            )
    finally:
        for process in started:
            processes.stop(process)
        for database in names.values():
            asyncio.run(postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=8, help="wrk runs per target, alternating")
    parser.add_argument("--seconds", type=int, default=2, help="length of each wrk run (whole seconds)")
    parser.add_argument("--clients", type=int, default=50, help="connections of the read-mostly mix")
    parser.add_argument("--mix-seconds", type=int, default=15, help="how long the read-mostly mix runs (whole seconds)")
    args = parser.parse_args()
    run(args.rounds, args.seconds, args.clients, args.mix_seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
