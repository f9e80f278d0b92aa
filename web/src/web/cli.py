"""`kkb-web serve`. The console keeps no data, so unlike the services it has nothing to migrate."""

from __future__ import annotations

import argparse

import uvicorn

from web.settings import WebSettings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="kkb-web")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the console with uvicorn")
    serve.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    settings = WebSettings()
    uvicorn.run(
        "web.main:create_served_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=args.workers,
        loop="uvloop",
        http="httptools",
        access_log=False,
        proxy_headers=True,  # the gateway names the browser in X-Forwarded-For; trusted from it alone
        forwarded_allow_ips=settings.trusted_proxies,
        log_config=None,
        timeout_graceful_shutdown=10,
    )
