"""Request dependencies of the genting service: the services it asks (the registry, the mentoring service and
DASHAT), each through its typed client, with this service's own token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from genting.clients.dashat import DashatClient
from genting.clients.mentoring import MentoringClient
from genting.clients.registry import RegistryClient
from kkb_shared.service_client import ServiceClient


@dataclass(frozen=True)
class Upstreams:
    registry: RegistryClient
    mentoring: MentoringClient
    dashat: DashatClient

    @classmethod
    def of(cls, *, registry: ServiceClient, mentoring: ServiceClient, dashat: ServiceClient) -> Upstreams:
        """The typed clients over these connections (each already carrying this service's token)."""
        return cls(RegistryClient(registry), MentoringClient(mentoring), DashatClient(dashat))

    async def aclose(self) -> None:
        for client in (self.registry, self.mentoring, self.dashat):
            await client.aclose()


def get_upstreams(request: Request) -> Upstreams:
    upstreams: Upstreams = request.app.state.upstreams
    return upstreams


UpstreamsDep = Annotated[Upstreams, Depends(get_upstreams)]
