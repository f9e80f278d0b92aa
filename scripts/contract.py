"""`make contract`: schemathesis against the platform `make run` started (or any gateway: `KKB_GATEWAY_URL`), as
the four callers the test suite uses, with more examples per operation than `make test` (`--max-examples`,
100 by default). The settings and their reasons are in tests/contract/schemathesis.toml. It writes: records,
and changes to accounts (a demo user may end up disabled), so run it against a platform you can throw away."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "tests" / "contract"
CALLERS = {"admin": "password", "operator": "password", "kader": "password", "provinsi-kalbar": "client_credentials"}


def token(gateway: str, caller: str, grant: str, secret: str) -> str:
    form = (
        {"grant_type": grant, "username": caller, "password": secret}
        if grant == "password"
        else {"grant_type": grant, "client_id": caller, "client_secret": secret}
    )
    answer = httpx.post(f"{gateway}/auth/token", data=form, timeout=10)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", default="100")
    parser.add_argument("--gateway", default=os.environ.get("KKB_GATEWAY_URL", "http://127.0.0.1:8000"))
    args = parser.parse_args()
    secret = os.environ.get("KKB_DEMO_PASSWORD", "kampungkb-demo")
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "st_hooks", "PYTHONPATH": str(CONTRACT)}
    # Every token first: a run may change or disable accounts (it fuzzes the admin routes too).
    bearers = {caller: token(args.gateway, caller, grant, secret) for caller, grant in CALLERS.items()}
    failed = []
    for caller, bearer in bearers.items():
        print(f"\n=== schemathesis as {caller} ===", flush=True)
        run = subprocess.run(
            [
                str(Path(sys.executable).parent / "st"),
                "--config-file",
                str(CONTRACT / "schemathesis.toml"),
                "run",
                f"{args.gateway}/openapi.json",
                "--header",
                f"Authorization: Bearer {bearer}",
                "--max-examples",
                args.max_examples,
                "--workers",
                "1",
            ],
            env=env,
            check=False,
        )
        if run.returncode:
            failed.append(caller)
    print("\nfailures as: " + ", ".join(failed) if failed else "\nno failures as any caller")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
