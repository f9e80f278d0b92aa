"""Ingredients, a kitchen's prices, and menus with their nutrition and cost per portion and the check against
the target group's per-portion target."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from dashat import feed
from dashat.access import visible
from dashat.feed import Entity
from dashat.kitchens.models import Kitchen
from dashat.kitchens.repository import Kitchens
from dashat.menus import nutrition
from dashat.menus.models import Ingredient, IngredientPrice, Menu, MenuItem, TargetGroup
from dashat.menus.repository import Menus
from dashat.menus.schemas import (
    DefaultPriceSet,
    FoodItem,
    FoodLookup,
    FoodLookupRead,
    IngredientCreate,
    IngredientRead,
    MenuContents,
    MenuCreate,
    MenuItemRead,
    MenuRead,
    PerPortion,
    PriceRead,
    PriceSet,
    TargetCheck,
)
from dashat.settings import DashatSettings
from kkb_shared.auth import Principal
from kkb_shared.db import utcnow
from kkb_shared.errors import InvalidInput, NotFound
from kkb_shared.ids import new_id
from kkb_shared.pagination import RECORD_ID, Cursor, Page, keyset_page


def _ingredient_read(ingredient: Ingredient) -> IngredientRead:
    return IngredientRead.model_validate(ingredient.model_dump())


def _usable(kitchen_id: str) -> ColumnElement[bool]:
    """The shared TKPI list and the kitchen's own ingredients."""
    return or_(col(Ingredient.kitchen_id).is_(None), col(Ingredient.kitchen_id) == kitchen_id)


INGREDIENT_CURSOR = Cursor("dashat.ingredients", RECORD_ID, str)
PRICE_CURSOR = Cursor("dashat.prices", RECORD_ID, str)
MENU_CURSOR = Cursor("dashat.menus", RECORD_ID, str)


async def list_ingredients(
    *,
    session: AsyncSession,
    principal: Principal,
    kitchen_id: str | None,
    name: str | None,
    cursor: str | None,
    limit: int,
) -> Page[IngredientRead]:
    """Ingredients in the order they were added (the TKPI list first, in its own order)."""
    query = select(Ingredient).order_by(col(Ingredient.id)).limit(limit + 1)
    if (after := INGREDIENT_CURSOR.decode(cursor)) is not None:
        query = query.where(col(Ingredient.id) > after)
    if kitchen_id:
        await Kitchens(session, principal).get(kitchen_id)
        query = query.where(_usable(kitchen_id))
    else:
        query = query.where(col(Ingredient.kitchen_id).is_(None))
    if name:
        query = query.where(col(Ingredient.name).ilike(f"%{name}%"))
    rows = list((await session.execute(query)).scalars())
    return keyset_page(rows, limit, item=_ingredient_read, key=lambda i: i.id, cursor=INGREDIENT_CURSOR)


async def add_ingredient(
    *, session: AsyncSession, principal: Principal, kitchen_id: str, data: IngredientCreate
) -> IngredientRead:
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    ingredient = Ingredient(id=new_id(), kitchen_id=kitchen.id, **data.model_dump(), created_at=utcnow())
    session.add(ingredient)
    await session.flush()
    return _ingredient_read(ingredient)


async def _usable_ingredient(session: AsyncSession, kitchen_id: str, ingredient_id: str, field: str) -> Ingredient:
    query = select(Ingredient).where(col(Ingredient.id) == ingredient_id, _usable(kitchen_id))
    ingredient = (await session.execute(query)).scalar_one_or_none()
    if ingredient is None:
        raise InvalidInput(field, "no ingredient of the shared list or of this kitchen has this id")
    return ingredient


async def set_price(
    *, session: AsyncSession, principal: Principal, kitchen_id: str, ingredient_id: str, data: PriceSet
) -> PriceRead:
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    ingredient = await _usable_ingredient(session, kitchen.id, ingredient_id, "ingredient_id")
    price = await session.get(IngredientPrice, (kitchen.id, ingredient.id))
    if price is None:
        price = IngredientPrice(
            kitchen_id=kitchen.id,
            ingredient_id=ingredient.id,
            price_per_kg=data.price_per_kg,
            source=data.source,
            updated_at=utcnow(),
        )
        session.add(price)
    else:
        price.price_per_kg, price.source, price.updated_at = data.price_per_kg, data.source, utcnow()
    await session.flush()
    return PriceRead(
        ingredient_id=ingredient.id,
        name=ingredient.name,
        price_per_kg=price.price_per_kg,
        source=price.source,
        updated_at=price.updated_at,
    )


async def set_default_price(*, session: AsyncSession, ingredient_id: str, data: DefaultPriceSet) -> IngredientRead:
    """The regional default price of a shared ingredient; a kitchen's own price overrides it."""
    ingredient = await session.get(Ingredient, ingredient_id)
    if ingredient is None or ingredient.kitchen_id is not None:
        raise NotFound(f"No shared ingredient {ingredient_id}")
    ingredient.default_price_per_kg = data.default_price_per_kg
    await session.flush()
    return _ingredient_read(ingredient)


async def list_prices(
    *, session: AsyncSession, principal: Principal, kitchen_id: str, cursor: str | None, limit: int
) -> Page[PriceRead]:
    """The kitchen's prices, by ingredient id."""
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    query = (
        select(IngredientPrice, Ingredient)
        .join(Ingredient, col(Ingredient.id) == col(IngredientPrice.ingredient_id))
        .where(col(IngredientPrice.kitchen_id) == kitchen.id)
        .order_by(col(Ingredient.id))
        .limit(limit + 1)
    )
    if (after := PRICE_CURSOR.decode(cursor)) is not None:
        query = query.where(col(Ingredient.id) > after)
    rows = list((await session.execute(query)).all())
    return keyset_page(
        rows,
        limit,
        item=lambda row: PriceRead(
            ingredient_id=row[1].id,
            name=row[1].name,
            price_per_kg=row[0].price_per_kg,
            source=row[0].source,
            updated_at=row[0].updated_at,
        ),
        key=lambda row: row[1].id,
        cursor=PRICE_CURSOR,
    )


async def menu_reads(session: AsyncSession, settings: DashatSettings, menu_ids: Sequence[str]) -> list[MenuRead]:
    """Menus by id with their computed portion (for reports)."""
    menus = list((await session.execute(select(Menu).where(col(Menu.id).in_(menu_ids)))).scalars())
    return await _reads(session, settings, menus)


async def create_menu(
    *, session: AsyncSession, principal: Principal, settings: DashatSettings, kitchen_id: str, data: MenuCreate
) -> MenuRead:
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    for index, item in enumerate(data.items):
        await _usable_ingredient(session, kitchen.id, item.ingredient_id, f"items[{index}].ingredient_id")
    now = utcnow()
    menu = Menu(
        id=new_id(),
        kitchen_id=kitchen.id,
        name=data.name,
        target_group=data.target_group.value,
        created_by=principal.subject,
        created_at=now,
        updated_at=now,
    )
    session.add(menu)
    await session.flush()
    session.add_all(
        MenuItem(menu_id=menu.id, position=n, ingredient_id=item.ingredient_id, grams=item.grams)
        for n, item in enumerate(data.items)
    )
    await feed.record(session, [(Entity.MENU, menu.id, 1, kitchen.desa_code)])
    await session.flush()
    return (await _reads(session, settings, [menu]))[0]


Priced = list[tuple[MenuItem, Ingredient, IngredientPrice | None]]


async def _lines_of(session: AsyncSession, menu_ids: Sequence[str]) -> dict[str, Priced]:
    """Each menu's items with their ingredient and the kitchen's price (a price change shows at once)."""
    query = (
        select(MenuItem, Ingredient, IngredientPrice)
        .join(Ingredient, col(Ingredient.id) == col(MenuItem.ingredient_id))
        .join(Menu, col(Menu.id) == col(MenuItem.menu_id))
        .outerjoin(
            IngredientPrice,
            (col(IngredientPrice.ingredient_id) == col(Ingredient.id))
            & (col(IngredientPrice.kitchen_id) == col(Menu.kitchen_id)),
        )
        .where(col(MenuItem.menu_id).in_(menu_ids))
        .order_by(col(MenuItem.menu_id), col(MenuItem.position))
    )
    lines: dict[str, Priced] = {}
    for item, ingredient, price in (await session.execute(query)).all():
        lines.setdefault(item.menu_id, []).append((item, ingredient, price))
    return lines


async def _reads(session: AsyncSession, settings: DashatSettings, menus: Sequence[Menu]) -> list[MenuRead]:
    if not menus:
        return []
    lines = await _lines_of(session, [m.id for m in menus])
    return [_read(menu, lines.get(menu.id, []), settings) for menu in menus]


async def menu_lines(session: AsyncSession, menu: Menu, *, portions: int = 1) -> list[nutrition.Line]:
    """The menu's ingredients as lines for `nutrition.portion`, for `portions` portions at once."""
    return [
        _line(item, ingredient, price, portions)
        for item, ingredient, price in (await _lines_of(session, [menu.id])).get(menu.id, [])
    ]


def _line(item: MenuItem, ingredient: Ingredient, price: IngredientPrice | None, portions: int = 1) -> nutrition.Line:
    return nutrition.Line(
        name=ingredient.name,
        grams=item.grams * portions,
        bdd_pct=ingredient.bdd_pct,
        per_100g={name: getattr(ingredient, name) for name in nutrition.NUTRIENTS},
        price_per_kg=price.price_per_kg if price else ingredient.default_price_per_kg,
        animal_protein=ingredient.animal_protein,
        food_group=ingredient.food_group,
        price_source=price.source if price else "harga acuan",
    )


def _read(menu: Menu, lines: Priced, settings: DashatSettings) -> MenuRead:
    portion = nutrition.portion([_line(item, ingredient, price) for item, ingredient, price in lines])
    target = settings.portion_targets[menu.target_group]
    meets_energy = float(portion.nutrients["energy_kcal"]) >= target.energy_kcal
    meets_protein = float(portion.nutrients["protein_g"]) >= target.protein_g
    flags = [
        flag
        for flag, raised in (
            ("no_animal_protein", not portion.has_animal_protein),
            ("below_energy_target", not meets_energy),
            ("below_protein_target", not meets_protein),
        )
        if raised
    ]
    return MenuRead(
        id=menu.id,
        kitchen_id=menu.kitchen_id,
        name=menu.name,
        target_group=TargetGroup(menu.target_group),
        items=[
            MenuItemRead(
                ingredient_id=i.id,
                name=i.name,
                grams=item.grams,
                price_per_kg=p.price_per_kg if p else i.default_price_per_kg,
            )
            for item, i, p in lines
        ],
        per_portion=PerPortion(**portion.nutrients, incomplete=portion.incomplete, bdd_assumed=portion.bdd_assumed),
        cost_per_portion=portion.cost,
        unpriced=portion.unpriced,
        check=TargetCheck(
            energy_kcal=target.energy_kcal,
            protein_g=target.protein_g,
            meets_energy=meets_energy,
            meets_protein=meets_protein,
            has_animal_protein=portion.has_animal_protein,
            flags=flags,
        ),
        version=menu.version,
        created_at=menu.created_at,
        updated_at=menu.updated_at,
    )


async def get_menu(*, session: AsyncSession, principal: Principal, settings: DashatSettings, menu_id: str) -> MenuRead:
    menu = await Menus(session, principal).get(menu_id)
    return (await _reads(session, settings, [menu]))[0]


async def list_menus(
    *,
    session: AsyncSession,
    principal: Principal,
    settings: DashatSettings,
    kitchen_id: str,
    cursor: str | None,
    limit: int,
) -> Page[MenuRead]:
    """The kitchen's menus in the order they were made."""
    kitchen = await Kitchens(session, principal).get(kitchen_id)
    menus = Menus(session, principal)
    query = menus.visible().where(col(Menu.kitchen_id) == kitchen.id)
    page = await menus.page(query, cursor=cursor, kind=MENU_CURSOR, limit=limit, item=lambda m: m)
    return Page(items=await _reads(session, settings, page.items), next_cursor=page.next_cursor)


async def look_up_food(*, session: AsyncSession, principal: Principal, data: FoodLookup) -> FoodLookupRead:
    """The menus (of kitchens the caller can see) and ingredients (the shared list, or a visible kitchen's
    own) with these ids, each item saying whether it is animal protein. Ids that name nothing are left out."""
    kitchens = visible(
        select(col(Kitchen.id)).where(col(Kitchen.deleted_at).is_(None)),
        principal,
        kitchen_column=col(Kitchen.id),
        desa_column=col(Kitchen.desa_code),
    )
    menus: list[MenuContents] = []
    if data.menu_ids:
        menu_query = select(Menu).where(
            col(Menu.id).in_(set(data.menu_ids)), col(Menu.deleted_at).is_(None), col(Menu.kitchen_id).in_(kitchens)
        )
        found = list((await session.execute(menu_query.order_by(col(Menu.id)))).scalars())
        item_query = (
            select(col(MenuItem.menu_id), Ingredient)
            .join(Ingredient, col(Ingredient.id) == col(MenuItem.ingredient_id))
            .where(col(MenuItem.menu_id).in_([m.id for m in found]))
            .order_by(col(MenuItem.menu_id), col(MenuItem.position))
        )
        items: dict[str, list[FoodItem]] = {}
        for menu_id, ingredient in (await session.execute(item_query)).all():
            items.setdefault(menu_id, []).append(_food_item(ingredient))
        menus = [MenuContents(id=m.id, kitchen_id=m.kitchen_id, name=m.name, items=items.get(m.id, [])) for m in found]
    ingredients: list[FoodItem] = []
    if data.ingredient_ids:
        query = select(Ingredient).where(
            col(Ingredient.id).in_(set(data.ingredient_ids)),
            or_(col(Ingredient.kitchen_id).is_(None), col(Ingredient.kitchen_id).in_(kitchens)),
        )
        ingredients = [_food_item(i) for i in (await session.execute(query.order_by(col(Ingredient.id)))).scalars()]
    return FoodLookupRead(menus=menus, ingredients=ingredients)


def _food_item(ingredient: Ingredient) -> FoodItem:
    return FoodItem(
        ingredient_id=ingredient.id,
        name=ingredient.name,
        food_group=ingredient.food_group,
        animal_protein=ingredient.animal_protein,
    )
