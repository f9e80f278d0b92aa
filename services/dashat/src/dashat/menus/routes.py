"""Ingredients, a kitchen's prices, and menus with nutrition and cost per portion."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from dashat.access import READ, RUN, SET_DEFAULT_PRICES
from dashat.menus import service
from dashat.menus.schemas import (
    DefaultPriceSet,
    FoodLookup,
    FoodLookupRead,
    IngredientCreate,
    IngredientRead,
    MenuCreate,
    MenuRead,
    PriceRead,
    PriceSet,
)
from kkb_shared.auth import PrincipalDep
from kkb_shared.db import SessionDep
from kkb_shared.errors import problem_responses
from kkb_shared.ids import RecordIdPath
from kkb_shared.pagination import LimitQuery, Page

router = APIRouter(tags=["menus"], responses=problem_responses(401, 403, 422))


@router.get("/ingredients", response_model=Page[IngredientRead], dependencies=[READ], responses=problem_responses(404))
async def list_ingredients(
    principal: PrincipalDep,
    session: SessionDep,
    kitchen_id: Annotated[str | None, Query(max_length=36, description="Add this kitchen's own ingredients")] = None,
    name: Annotated[str | None, Query(min_length=2, max_length=60)] = None,
    cursor: Annotated[str | None, service.INGREDIENT_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[IngredientRead]:
    """The shared list from TKPI 2017 (values per 100 g edible portion), and a kitchen's own."""
    return await service.list_ingredients(
        session=session, principal=principal, kitchen_id=kitchen_id, name=name, cursor=cursor, limit=limit
    )


@router.post(
    "/kitchens/{kitchen_id}/ingredients",
    status_code=status.HTTP_201_CREATED,
    response_model=IngredientRead,
    dependencies=[RUN],
    responses=problem_responses(404),
)
async def add_ingredient(
    kitchen_id: RecordIdPath, data: IngredientCreate, principal: PrincipalDep, session: SessionDep
) -> IngredientRead:
    """An ingredient of the kitchen's own, with the source of its values."""
    async with session.unit_of_work():
        return await service.add_ingredient(session=session, principal=principal, kitchen_id=kitchen_id, data=data)


@router.put(
    "/kitchens/{kitchen_id}/prices/{ingredient_id}",
    response_model=PriceRead,
    dependencies=[RUN],
    responses=problem_responses(404),
)
async def set_price(
    kitchen_id: RecordIdPath, ingredient_id: str, data: PriceSet, principal: PrincipalDep, session: SessionDep
) -> PriceRead:
    """The kitchen's local price per kg of an ingredient (as bought); menus' costs follow at once."""
    async with session.unit_of_work():
        return await service.set_price(
            session=session, principal=principal, kitchen_id=kitchen_id, ingredient_id=ingredient_id, data=data
        )


@router.put(
    "/ingredients/{ingredient_id}/default-price",
    response_model=IngredientRead,
    dependencies=[SET_DEFAULT_PRICES],
    responses=problem_responses(404),
)
async def set_default_price(ingredient_id: str, data: DefaultPriceSet, session: SessionDep) -> IngredientRead:
    """A default price per kg of a shared ingredient (a province's reference price), used by menus of kitchens
    that have not set their own."""
    async with session.unit_of_work():
        return await service.set_default_price(session=session, ingredient_id=ingredient_id, data=data)


@router.get("/kitchens/{kitchen_id}/prices", response_model=Page[PriceRead], dependencies=[READ])
async def list_prices(
    kitchen_id: RecordIdPath,
    principal: PrincipalDep,
    session: SessionDep,
    cursor: Annotated[str | None, service.PRICE_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[PriceRead]:
    return await service.list_prices(
        session=session, principal=principal, kitchen_id=kitchen_id, cursor=cursor, limit=limit
    )


@router.post(
    "/kitchens/{kitchen_id}/menus",
    status_code=status.HTTP_201_CREATED,
    response_model=MenuRead,
    dependencies=[RUN],
    responses=problem_responses(404),
)
async def create_menu(
    kitchen_id: RecordIdPath, data: MenuCreate, request: Request, principal: PrincipalDep, session: SessionDep
) -> MenuRead:
    """A recipe with grams per portion for a target group: nutrition and cost per portion are computed, and
    checked against the group's per-portion target; a menu without animal protein is flagged."""
    async with session.unit_of_work():
        return await service.create_menu(
            session=session, principal=principal, settings=request.app.state.settings, kitchen_id=kitchen_id, data=data
        )


@router.get("/kitchens/{kitchen_id}/menus", response_model=Page[MenuRead], dependencies=[READ])
async def list_menus(
    kitchen_id: RecordIdPath,
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    cursor: Annotated[str | None, service.MENU_CURSOR.query()] = None,
    limit: LimitQuery = 50,
) -> Page[MenuRead]:
    return await service.list_menus(
        session=session,
        principal=principal,
        settings=request.app.state.settings,
        kitchen_id=kitchen_id,
        cursor=cursor,
        limit=limit,
    )


@router.get("/menus/{menu_id}", response_model=MenuRead, dependencies=[READ], responses=problem_responses(404))
async def get_menu(menu_id: RecordIdPath, request: Request, principal: PrincipalDep, session: SessionDep) -> MenuRead:
    return await service.get_menu(
        session=session, principal=principal, settings=request.app.state.settings, menu_id=menu_id
    )


@router.post("/food-lookups", response_model=FoodLookupRead, dependencies=[READ])
async def look_up_food(data: FoodLookup, principal: PrincipalDep, session: SessionDep) -> FoodLookupRead:
    """Menus and ingredients by id, each item with its food group and whether it is animal protein: GENTING
    asks before it records a nutrition aid's packages, which name their food from this list. Reads only;
    writes nothing. Ids that name no menu or ingredient you can see are left out of the answer."""
    return await service.look_up_food(session=session, principal=principal, data=data)
