"""In-process fakes of the services GENTING asks, for its unit and API tests: each is GENTING's own typed client
(the same methods, the same answer types) over facts a test sets directly, instead of the registry, mentoring
and DASHAT apps. The real services answer GENTING in the end-to-end tests (tests/e2e).

A test states the registry's facts it is about (a poor KRS family, a pregnancy) rather than having the
registry compute them: the registry's own tests hold it to its rules."""

from __future__ import annotations

import csv
from importlib import resources
from typing import Any

from dashat.menus.models import ANIMAL_PROTEIN_GROUPS
from genting.clients.dashat import DashatClient, Food, FoodItem, Menu
from genting.clients.mentoring import GrowthSeries, LatestGrowth, MentoringClient
from genting.clients.registry import Region, RegistryClient, RegistryFamily, RegistryKrs, RegistryMember
from kkb_shared.ids import new_id

REGIONS = {"6101": "Kabupaten Sambas", "610104": "Tebas", "6101042015": "Dungun Perapakan"}


class FakeRegistry(RegistryClient):
    """The registry's families as GENTING reads them; a deleted family is gone."""

    def __init__(self) -> None:
        self.records: dict[str, RegistryFamily] = {}

    def add_family(self, payload: dict[str, Any], *, is_krs: bool = True) -> dict[str, Any]:
        """A family as a registry payload gives it (No. KK, address, poverty status, members); answers it as the
        registry's API would, the family and each member with a new id."""
        family_id = new_id()
        made = [m | {"id": new_id(), "family_id": family_id} for m in payload["members"]]
        self.records[family_id] = RegistryFamily(
            id=family_id,
            desa_code=payload["desa_code"],
            poverty_status=payload.get("poverty_status"),
            krs=RegistryKrs(is_krs=is_krs, risk_factors=[]),
            members=[RegistryMember.model_validate(m) for m in made],
        )
        return payload | {"id": family_id, "members": made}

    def update_member(self, member_id: str, **changes: Any) -> None:
        for family in self.records.values():
            for index, member in enumerate(family.members):
                if member.id == member_id:
                    family.members[index] = member.model_copy(update=changes)
                    return
        raise KeyError(member_id)

    def update_family(self, family_id: str, **changes: Any) -> None:
        self.records[family_id] = self.records[family_id].model_copy(update=changes)

    async def member_with_family(self, member_id: str) -> tuple[RegistryMember, RegistryFamily] | None:
        for family in self.records.values():
            for member in family.members:
                if member.id == member_id:
                    return member, family
        return None

    async def family(self, family_id: str) -> RegistryFamily | None:
        return self.records.get(family_id)

    async def families(self, family_ids: list[str]) -> list[RegistryFamily]:
        return [self.records[i] for i in sorted(set(family_ids)) if i in self.records]

    async def krs_family_ids(self, desa_code: str) -> list[str]:
        return sorted(i for i, f in self.records.items() if f.desa_code == desa_code and f.krs.is_krs)

    async def region(self, code: str) -> Region | None:
        return Region(code=code, name=REGIONS[code]) if code in REGIONS else None

    def clear(self) -> None:
        self.records.clear()

    async def aclose(self) -> None:
        pass


class FakeMentoring(MentoringClient):
    """Each child's last growth signs and weight-for-age series, as a test sets them."""

    def __init__(self) -> None:
        self.latest: dict[str, list[LatestGrowth]] = {}  # by desa
        self.series: dict[str, GrowthSeries] = {}  # by member
        self.lookups = 0  # calls of growth_series_of: a view of many children asks in bulk

    async def latest_growth(self, desa_code: str) -> list[LatestGrowth]:
        return list(self.latest.get(desa_code, []))

    async def growth_series_of(self, member_ids: list[str]) -> dict[str, GrowthSeries]:
        self.lookups += 1
        return {m: self.series[m] for m in member_ids if m in self.series}

    def clear(self) -> None:
        self.latest.clear()
        self.series.clear()
        self.lookups = 0

    async def aclose(self) -> None:
        pass


def _tkpi() -> dict[str, FoodItem]:
    """DASHAT's shared TKPI list, read from DASHAT's own reference data with its animal-protein groups."""
    text = resources.files("dashat.menus.data").joinpath("tkpi_ingredients.csv").read_text(encoding="utf-8")
    return {
        f"tkpi-{row['tkpi_code']}": FoodItem(
            ingredient_id=f"tkpi-{row['tkpi_code']}",
            name=row["name_id"],
            animal_protein=row["group"] in ANIMAL_PROTEIN_GROUPS,
        )
        for row in csv.DictReader(text.splitlines())
    }


class FakeDashat(DashatClient):
    """DASHAT's food list: the shared TKPI ingredients, and the menus a test adds."""

    def __init__(self) -> None:
        self.ingredients = _tkpi()
        self.menus: dict[str, Menu] = {}

    def add_menu(self, name: str, ingredient_ids: list[str]) -> str:
        menu = Menu(id=new_id(), name=name, items=[self.ingredients[i] for i in ingredient_ids])
        self.menus[menu.id] = menu
        return menu.id

    async def food(self, menu_ids: list[str], ingredient_ids: list[str]) -> Food:
        return Food(  # as DASHAT answers: each known id once, in id order
            menus=[self.menus[i] for i in sorted(set(menu_ids)) if i in self.menus],
            ingredients=[self.ingredients[i] for i in sorted(set(ingredient_ids)) if i in self.ingredients],
        )

    def clear(self) -> None:
        self.menus.clear()

    async def aclose(self) -> None:
        pass
