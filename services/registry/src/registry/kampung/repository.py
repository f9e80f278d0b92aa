"""Queries of Kampung KB profiles within the caller's region; live ones only, listed by desa code (one per desa)."""

from __future__ import annotations

from kkb_shared.repository import Repository
from registry.kampung.models import KampungKb


class Kampungs(Repository[KampungKb]):
    model = KampungKb
    noun = "Kampung KB"
    list_key = "desa_code"
