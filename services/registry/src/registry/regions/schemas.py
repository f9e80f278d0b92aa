from pydantic import BaseModel

from registry.regions.models import RegionLevel


class RegionRead(BaseModel):
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None
