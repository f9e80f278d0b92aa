"""Queries of distribution lines: a kitchen's lines are seen by whoever sees the kitchen (never deleted)."""

from __future__ import annotations

from dashat.distribution.models import Distribution
from dashat.kitchens.repository import KitchenScoped


class Distributions(KitchenScoped[Distribution]):
    model = Distribution
    noun = "distribution"
    soft_deleted = False
