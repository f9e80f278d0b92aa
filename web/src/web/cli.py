"""`kkb-web serve`. The console keeps no data, so unlike the services it has nothing to migrate."""

from __future__ import annotations

import argparse

from kkb_shared.cli import serve
from web.settings import WebSettings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="kkb-web")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_command = commands.add_parser("serve", help="run the console with uvicorn")
    serve_command.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    settings = WebSettings()
    # The gateway names the browser in X-Forwarded-For; the console trusts it from the gateway alone.
    serve("web.main:create_served_app", settings, workers=args.workers, trusted_proxies=settings.trusted_proxies)
