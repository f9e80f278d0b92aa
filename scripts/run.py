"""`make run`: migrate every database, load demo data, start the gateway, the four services and the web
console, print the docs and console URLs and the demo users. A process that exits is started again after a
growing pause (its output still shown); Ctrl-C (SIGINT) or SIGTERM stops every process it started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from platform_processes import Supervisor, start, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SERVICES = {"registry": 8001, "mentoring": 8002, "genting": 8003, "dashat": 8004}
WEB_PORT = 8005
STARTUP_TIMEOUT = 60.0


def port_of(name: str, default: int) -> int:
    return int(os.environ.get(f"KKB_{name.upper()}_PORT", default))


def environment() -> dict[str, str]:
    """Point every service at the gateway's JWKS and the gateway at every service."""
    env = dict(os.environ)
    gateway = f"http://127.0.0.1:{port_of('gateway', 8000)}"
    for name, default in SERVICES.items():
        env.setdefault(f"KKB_{name.upper()}_PORT", str(port_of(name, default)))
        env.setdefault(f"KKB_{name.upper()}_JWKS_URL", f"{gateway}/.well-known/jwks.json")
        env.setdefault(f"KKB_GATEWAY_{name.upper()}_URL", f"http://127.0.0.1:{port_of(name, default)}")
        env.setdefault(f"KKB_{name.upper()}_TOKEN_URL", f"{gateway}/auth/token")
        env.setdefault(f"KKB_{name.upper()}_REGISTRY_URL", f"http://127.0.0.1:{port_of('registry', 8001)}")
    # The services' own machine accounts are demo clients whose secret is the demo password.
    env.setdefault("KKB_MENTORING_CLIENT_SECRET", demo_password())
    env.setdefault("KKB_GENTING_CLIENT_SECRET", demo_password())
    env.setdefault("KKB_DASHAT_CLIENT_SECRET", demo_password())
    env.setdefault("KKB_DASHAT_MENTORING_URL", f"http://127.0.0.1:{port_of('mentoring', 8002)}")
    env.setdefault("KKB_DASHAT_GENTING_URL", f"http://127.0.0.1:{port_of('genting', 8003)}")
    env.setdefault("KKB_GENTING_MENTORING_URL", f"http://127.0.0.1:{port_of('mentoring', 8002)}")
    env.setdefault("KKB_GENTING_DASHAT_URL", f"http://127.0.0.1:{port_of('dashat', 8004)}")
    # The console: reached through the gateway at /app/, calling the gateway's API with each person's token.
    env.setdefault("KKB_WEB_PORT", str(port_of("web", WEB_PORT)))
    env.setdefault("KKB_WEB_GATEWAY_URL", gateway)
    env.setdefault("KKB_WEB_JWKS_URL", f"{gateway}/.well-known/jwks.json")
    env.setdefault("KKB_GATEWAY_WEB_URL", f"http://127.0.0.1:{port_of('web', WEB_PORT)}")
    # The console signs people in from its own address and names their browser in X-Forwarded-For; on this one
    # machine every process is on loopback, so the gateway trusts that header from loopback.
    env.setdefault("KKB_GATEWAY_TRUSTED_PROXIES", '["127.0.0.1"]')
    return env


def step(command: list[str], env: dict[str, str]) -> None:
    print(f"→ {' '.join(command)}", flush=True)
    subprocess.run([str(BIN / command[0]), *command[1:]], cwd=ROOT, env=env, check=True)


def demo_password() -> str:
    sys.path.insert(0, str(ROOT / "gateway" / "src"))
    from gateway.demo import demo_password as password

    return password()


def banner(env: dict[str, str]) -> str:
    from gateway.demo import DEMO_CLIENT_ID, DEMO_USERS

    gateway = f"http://127.0.0.1:{port_of('gateway', 8000)}"
    services = ", ".join(f"{name} :{env['KKB_' + name.upper() + '_PORT']}" for name in (*SERVICES, "web"))
    lines = [
        "",
        "Kampung KB platform is running (embedded SQLite, demo data).",
        f"  API docs:  {gateway}/docs",
        f"  Console:   {gateway}/app/",
        f"  Gateway:   {gateway}   (services: {services})",
        f"  Demo users (password: {demo_password()}):",
        *(f"    {u.username:<9} {u.role.value:<9} {u.region or 'national':<11} {u.about}" for u in DEMO_USERS),
        f"  Demo machine client: {DEMO_CLIENT_ID} (secret: the demo password)",
        "Press Ctrl-C to stop.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    env = environment()
    (ROOT / "var").mkdir(exist_ok=True)
    for name in ("gateway", *SERVICES):
        step([f"kkb-{name}", "migrate"], env)
    step(["kkb-gateway", "demo"], env)
    step(["kkb-registry", "demo"], env)
    step(["kkb-registry", "reassess"], env)

    supervisor = Supervisor(start=lambda name: start(name, env))
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        for name in ("gateway", *SERVICES, "web"):
            supervisor.add(name, start(name, env))
        ports = {"gateway": 8000, **SERVICES, "web": WEB_PORT}
        for name, child in supervisor.children.items():
            url = f"http://127.0.0.1:{port_of(name, ports[name])}/healthz"
            wait_healthy(url, child.process, timeout=STARTUP_TIMEOUT)
        step(["kkb-mentoring", "demo"], env)  # its targets come from the running registry
        step(["kkb-genting", "demo"], env)  # eligibility comes from the running registry and mentoring
        step(["kkb-dashat", "demo"], env)
        print(banner(env), flush=True)
        while not stopping:
            supervisor.check()
            time.sleep(0.2)
        return 0
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        supervisor.stop_all()
        print("all processes stopped", flush=True)


if __name__ == "__main__":
    sys.exit(main())
