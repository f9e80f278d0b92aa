"""Queries of kitchens and of what belongs to a kitchen: a kitchen manager sees its own kitchen, everyone else the
kitchens of its region; a kitchen's menus, lines and the like are seen by whoever sees the kitchen."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from sqlalchemy import Select
from sqlmodel import col

from dashat.access import own_kitchen
from dashat.kitchens.models import Kitchen
from kkb_shared.auth import Role
from kkb_shared.repository import Repository


class Kitchens(Repository[Kitchen]):
    model = Kitchen
    noun = "kitchen"

    def visible(self) -> Select[Kitchen]:
        if self.principal.role is Role.DASHAT:
            return self.live().where(col(Kitchen.id) == own_kitchen(self.principal))
        return super().visible()


ModelT = TypeVar("ModelT")


class KitchenScoped(Repository[ModelT]):
    """Rows that belong to a kitchen (`kitchen_id`): visible to whoever sees the kitchen."""

    region_column = ""  # placed by their kitchen
    kitchen_column: ClassVar[str] = "kitchen_id"

    def visible(self) -> Select[ModelT]:
        kitchens = Kitchens(self.session, self.principal).visible().with_only_columns(col(Kitchen.id))
        return self.live().where(self.column(self.kitchen_column).in_(kitchens))
