"""What a nutrition aid's packages contain, from DASHAT's food list: each package names a DASHAT menu or
ingredients of DASHAT's list (the shared TKPI list or a kitchen's own), and GENTING keeps what they were
when the aid was made. Nutrition aid is food rich in animal protein (BKKBN's GENTING guidance), so a package
without an animal-protein item is refused."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from genting.aid.schemas import PackageItem, PackagePlan
from genting.clients.dashat import DashatClient, FoodItem
from kkb_shared.errors import FieldError, InvalidInput

NO_ANIMAL_PROTEIN = "no item of animal protein (egg, fish, poultry, meat, milk): nutrition aid is food rich in it"


class Contents(BaseModel):
    """One package's food as DASHAT named it when the aid was made."""

    menu_name: str | None = None
    items: list[PackageItem] = Field(min_length=1)


async def package_contents(dashat: DashatClient, packages: Sequence[PackagePlan]) -> list[Contents]:
    """Each package's contents, in order; one 422 naming every package or item that DASHAT does not know or
    that lacks animal protein. DASHAT down: 503 (the caller has written nothing yet)."""
    found = await dashat.food(
        menu_ids=sorted({p.menu_id for p in packages if p.menu_id}),
        ingredient_ids=sorted({i for p in packages for i in p.ingredient_ids}),
    )
    menus = {m.id: m for m in found.menus}
    ingredients = {i.ingredient_id: i for i in found.ingredients}
    contents: list[Contents] = []
    errors: list[FieldError] = []
    for n, package in enumerate(packages):
        where = f"packages[{n}]"
        if package.menu_id:
            menu = menus.get(package.menu_id)
            if menu is None:
                errors.append(FieldError(f"{where}.menu_id", "no DASHAT menu you can see has this id"))
                continue
            package_items, menu_name = menu.items, menu.name
        else:
            missing = [k for k, i in enumerate(package.ingredient_ids) if i not in ingredients]
            errors += [FieldError(f"{where}.ingredient_ids[{k}]", "not on DASHAT's ingredient list") for k in missing]
            if missing:
                continue
            package_items, menu_name = [ingredients[i] for i in package.ingredient_ids], None
        if not any(item.animal_protein for item in package_items):
            errors.append(FieldError(where, NO_ANIMAL_PROTEIN))
            continue
        contents.append(Contents(menu_name=menu_name, items=[_kept(item) for item in package_items]))
    if errors:
        raise InvalidInput.of(errors)
    return contents


def _kept(item: FoodItem) -> PackageItem:
    return PackageItem(ingredient_id=item.ingredient_id, name=item.name, animal_protein=item.animal_protein)
