"""Queries of kitchens and of what belongs to a kitchen: a kitchen manager sees its own kitchen, everyone else the
kitchens of its region; a kitchen's menus, lines and the like are seen by whoever sees the kitchen."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from sqlalchemy import Select
from sqlmodel import col

from dashat.access import visible
from dashat.kitchens.models import Kitchen
from kkb_shared.repository import Repository


class Kitchens(Repository[Kitchen]):
    model = Kitchen
    noun = "kitchen"

    def visible(self) -> Select[Kitchen]:
        return visible(self.live(), self.principal, kitchen_column=col(Kitchen.id), desa_column=col(Kitchen.desa_code))


ModelT = TypeVar("ModelT")


class KitchenScoped(Repository[ModelT]):
    """Rows that belong to a kitchen (`kitchen_id`): visible to whoever sees the kitchen."""

    region_column = ""  # placed by their kitchen
    kitchen_column: ClassVar[str] = "kitchen_id"

    def visible(self) -> Select[ModelT]:
        kitchens = Kitchens(self.session, self.principal).visible().with_only_columns(col(Kitchen.id))
        return self.live().where(self.column(self.kitchen_column).in_(kitchens))
