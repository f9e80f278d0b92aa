"""Request dependencies of the dashat service: the services it asks (the registry, the mentoring service and
GENTING), each through its typed client, with this service's own token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from dashat.clients.genting import GentingClient
from dashat.clients.mentoring import MentoringClient
from dashat.clients.registry import RegistryClient
from kkb_shared.service_client import ServiceClient


@dataclass(frozen=True)
class Upstreams:
    registry: RegistryClient
    mentoring: MentoringClient
    genting: GentingClient

    @classmethod
    def of(cls, *, registry: ServiceClient, mentoring: ServiceClient, genting: ServiceClient) -> Upstreams:
        """The typed clients over these connections (each already carrying this service's token)."""
        return cls(RegistryClient(registry), MentoringClient(mentoring), GentingClient(genting))

    async def aclose(self) -> None:
        for client in (self.registry, self.mentoring, self.genting):
            await client.aclose()


def get_upstreams(request: Request) -> Upstreams:
    upstreams: Upstreams = request.app.state.upstreams
    return upstreams


UpstreamsDep = Annotated[Upstreams, Depends(get_upstreams)]
