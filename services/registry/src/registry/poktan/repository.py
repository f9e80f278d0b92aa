"""Queries of poktan (BKB, BKR, BKL, UPPKA, PIK-R) within the caller's region; live ones only."""

from __future__ import annotations

from kkb_shared.repository import Repository
from registry.poktan.models import Poktan


class Poktans(Repository[Poktan]):
    model = Poktan
    noun = "poktan"
