"""Queries of the Kemendagri region list: reference data every caller reads, held by no region."""

from __future__ import annotations

from kkb_shared.repository import Repository
from registry.regions.models import Region


class Regions(Repository[Region]):
    model = Region
    noun = "region with code"
    region_column = ""
    soft_deleted = False
    id_column = list_key = "code"
