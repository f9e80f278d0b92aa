from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from registry.changes.models import Entity, Operation


class ChangeRead(BaseModel):
    seq: int
    entity: Entity
    id: str
    operation: Operation
    version: int
    desa_code: str
    changed_at: datetime


class ChangePage(BaseModel):
    items: list[ChangeRead]
    next_cursor: str
