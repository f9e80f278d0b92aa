"""Request dependencies of the mentoring service: the registry, through its typed client."""

from typing import Annotated

from fastapi import Depends, Request

from mentoring.clients.registry import RegistryClient


def get_registry(request: Request) -> RegistryClient:
    registry: RegistryClient = request.app.state.registry
    return registry


RegistryDep = Annotated[RegistryClient, Depends(get_registry)]
