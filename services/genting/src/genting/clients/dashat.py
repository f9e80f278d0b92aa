"""What GENTING reads from DASHAT: menus and ingredients by id, each item saying whether it is animal protein."""

from __future__ import annotations

from pydantic import BaseModel

from kkb_shared.errors import BadGateway
from kkb_shared.service_client import ServiceClient


class FoodItem(BaseModel):
    ingredient_id: str
    name: str
    animal_protein: bool


class Menu(BaseModel):
    id: str
    name: str
    items: list[FoodItem]


class Food(BaseModel):
    menus: list[Menu]
    ingredients: list[FoodItem]


class DashatClient:
    def __init__(self, http: ServiceClient) -> None:
        self.http = http

    async def food(self, menu_ids: list[str], ingredient_ids: list[str]) -> Food:
        """The menus and ingredients DASHAT knows among these ids (the others are left out)."""
        found = await self.http.post_as(
            Food, "/v1/food-lookups", {"menu_ids": menu_ids, "ingredient_ids": ingredient_ids}
        )
        if found is None:
            raise BadGateway("The dashat service has no food lookup")
        return found

    async def aclose(self) -> None:
        await self.http.aclose()
