"""Request dependencies of the mentoring service."""

from typing import Annotated

from fastapi import Depends, Request

from kkb_shared.service_client import ServiceClient


def get_registry(request: Request) -> ServiceClient:
    registry: ServiceClient = request.app.state.registry
    return registry


RegistryDep = Annotated[ServiceClient, Depends(get_registry)]
