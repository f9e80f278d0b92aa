"""Starting and stopping the platform's own processes on loopback: `make run`, `make bench` and the
end-to-end tests use these."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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
    return subprocess.Popen([str(BIN / f"kkb-{name}"), "serve"], env=dict(env), stdout=output)


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


@dataclass
class _Child:
    process: subprocess.Popen[bytes]
    started_at: float
    restarts: int = 0
    restart_at: float | None = None


@dataclass
class Supervisor:
    """Keeps named processes running: one that exits is started again after a pause that doubles with each
    exit in a row (1 s, 2 s, 4 s ... at most `max_pause`), and goes back to 1 s once it has run for
    `steady_after` seconds. What each process prints still goes to the terminal; `stop_all` ends them all."""

    start: Callable[[str], subprocess.Popen[bytes]]
    first_pause: float = 1.0
    max_pause: float = 30.0
    steady_after: float = 60.0
    log: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stderr, flush=True))
    children: dict[str, _Child] = field(default_factory=dict)

    def add(self, name: str, process: subprocess.Popen[bytes]) -> None:
        self.children[name] = _Child(process, time.monotonic())

    def check(self) -> None:
        """Notice exits and restart what is due; call it every fraction of a second."""
        now = time.monotonic()
        for name, child in self.children.items():
            if child.restart_at is None and child.process.poll() is not None:
                if now - child.started_at >= self.steady_after:
                    child.restarts = 0
                pause = min(self.max_pause, self.first_pause * 2.0**child.restarts)
                child.restart_at = now + pause
                self.log(f"{name} exited with {child.process.returncode}; starting it again in {pause:g} s")
            elif child.restart_at is not None and now >= child.restart_at:
                child.process, child.started_at = self.start(name), now
                child.restarts += 1
                child.restart_at = None

    def stop_all(self) -> None:
        for child in self.children.values():
            if child.process.poll() is None:
                child.process.terminate()
        for child in self.children.values():
            stop(child.process)
