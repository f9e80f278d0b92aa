"""Starting and stopping the platform's own processes on loopback: `make run`, `make bench` and the
end-to-end tests use these."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(name: str, env: Mapping[str, str], *, quiet: bool = False) -> subprocess.Popen[bytes]:
    """Run `kkb-<name> serve` from this environment."""
    output = subprocess.DEVNULL if quiet else None
    return subprocess.Popen([str(BIN / f"kkb-{name}"), "serve"], env=dict(env), stdout=output)  # noqa: S603 - our own entry point


def wait_healthy(url: str, process: subprocess.Popen[bytes], *, timeout: float = 60.0) -> None:
    """Poll `url` until it answers 200; fail early if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {process.returncode} while starting")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy within {timeout:.0f}s")


def stop(process: subprocess.Popen[bytes], *, timeout: float = 15.0) -> None:
    """SIGTERM, then SIGKILL if it has not exited within `timeout`."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
