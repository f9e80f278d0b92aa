"""Request dependencies of the genting service: the services it asks (the registry, the mentoring service and
DASHAT), with its own token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from kkb_shared.service_client import ServiceClient


@dataclass(frozen=True)
class Upstreams:
    registry: ServiceClient
    mentoring: ServiceClient
    dashat: ServiceClient

    async def aclose(self) -> None:
        for client in (self.registry, self.mentoring, self.dashat):
            await client.aclose()


def get_upstreams(request: Request) -> Upstreams:
    upstreams: Upstreams = request.app.state.upstreams
    return upstreams


UpstreamsDep = Annotated[Upstreams, Depends(get_upstreams)]
