"""Queries of menus: a kitchen's menus are seen by whoever sees the kitchen; live ones only."""

from __future__ import annotations

from dashat.kitchens.repository import KitchenScoped
from dashat.menus.models import Menu


class Menus(KitchenScoped[Menu]):
    model = Menu
    noun = "menu"
