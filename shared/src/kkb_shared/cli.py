"""The command line every service shares: `migrate`, `serve`, plus the service's own commands."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import uvicorn

from kkb_shared.migrations import upgrade
from kkb_shared.settings import ServiceSettings

Command = Callable[[argparse.Namespace, ServiceSettings], None]


def run_cli(
    *,
    prog: str,
    settings_factory: Callable[[], ServiceSettings],
    app_path: str,
    alembic_ini: Path,
    extra: dict[str, tuple[str, Command]] | None = None,
    argv: list[str] | None = None,
) -> None:
    parser = argparse.ArgumentParser(prog=prog)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply this service's Alembic migrations to its database")
    serve_command = commands.add_parser("serve", help="run the service with uvicorn")
    serve_command.add_argument("--workers", type=int, default=1)
    for name, (help_text, _) in (extra or {}).items():
        commands.add_parser(name, help=help_text)
    args = parser.parse_args(argv)
    settings = settings_factory()

    if args.command == "migrate":
        upgrade(alembic_ini, settings.database_url)
    elif args.command == "serve":
        serve(app_path, settings, workers=args.workers)
    else:
        (extra or {})[args.command][1](args, settings)


def serve(
    app_path: str, settings: ServiceSettings, *, workers: int = 1, trusted_proxies: list[str] | None = None
) -> None:
    """Run an app factory with uvicorn on the settings' host and port. A proxy's X-Forwarded-For is read only
    from `trusted_proxies` (the web console's gateway); a service reads none (the gateway decides in its app)."""
    uvicorn.run(
        app_path,
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        access_log=False,
        proxy_headers=trusted_proxies is not None,
        forwarded_allow_ips=trusted_proxies,
        log_config=None,
        timeout_graceful_shutdown=10,
    )
